"""Pooling (max/avg/power-average, adaptive, max unpooling) with PyTorch's windows, output sizes, divisors,
flat per-plane ``return_indices`` and first-maximum tie rule, gradient included."""
from __future__ import annotations

import functools
import itertools
import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ._conv import ntuple, window_taps


def _batched(name: str, n: int, x: jax.Array) -> tuple[jax.Array, bool]:
    if x.ndim not in (n + 1, n + 2) or 0 in x.shape[x.ndim - n - 1:]:
        raise RuntimeError(f"{name}: Expected {n + 1}D or {n + 2}D (batch mode) tensor with optional 0 dim "
                           f"batch size for input, but got:{list(x.shape)}")
    return (x[None], True) if x.ndim == n + 1 else (x, False)


def _lowest(dtype) -> jax.Array:
    return jnp.array(-jnp.inf if jnp.issubdtype(dtype, jnp.floating) else jnp.iinfo(dtype).min, dtype)


def _windows(name, n, input, kernel_size, stride, padding, dilation, ceil_mode, pad_value):
    """Validates a sliding-window pool; returns the input padded to exactly the output's windows, and geometry."""
    x, unbatched = _batched(name, n, input)
    tup = lambda v, arg: ntuple(v, n, arg, f"{name}: {arg} must either be a single int, or a tuple of {n} ints")
    k = tup(kernel_size, "kernel_size")
    s = k if stride is None or (isinstance(stride, (tuple, list)) and not stride) else tup(stride, "stride")
    p, d = tup(padding, "padding"), tup(dilation, "dilation")
    for arg, values in (("kernel_size", k), ("stride", s), ("dilation", d)):
        if min(values) <= 0:
            raise RuntimeError(f"{arg} should be greater than zero, but got {arg}={list(values)}")
    for pi, ki, di in zip(p, k, d):
        if pi < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {pi}")
        if pi > (di * (ki - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={pi}, "
                               f"kernel_size={ki} and dilation={di}")
    sizes = x.shape[2:]
    out = []
    for i, ki, si, pi, di in zip(sizes, k, s, p, d):
        o = (i + 2 * pi - di * (ki - 1) - 1 + (si - 1 if ceil_mode else 0)) // si + 1
        out.append(o - 1 if ceil_mode and (o - 1) * si >= i + pi else o)  # torch: last window starts inside
    if any(o <= 0 for o in out):
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, x.shape[1:]))}). Calculated output size: "
                           f"({'x'.join(map(str, [x.shape[1], *out]))}). Output size is too small")
    pads = [(pi, (o - 1) * si + di * (ki - 1) + 1 - i - pi) for i, o, ki, si, pi, di in zip(sizes, out, k, s, p, d)]
    xp = lax.pad(x, jnp.asarray(pad_value, x.dtype), [(0, 0, 0)] * 2 + [(lo, hi, 0) for lo, hi in pads])
    return xp, unbatched, k, s, p, d, out, sizes


def _window_table(coords, sizes) -> np.ndarray:
    """Flat per-plane input index ``(*out, K)`` of window elements from per-dim ``(out_i, k_i)`` coords (-1: none)."""
    table = np.zeros((), np.int64)
    for c, size in zip(coords, sizes):
        table = np.where((table[..., None, None] < 0) | (c < 0), -1, table[..., None, None] * size + c)
    n = len(coords)
    table = table.transpose([2 * i for i in range(n)] + [2 * i + 1 for i in range(n)])
    return table.reshape(table.shape[:n] + (-1,))


def _first(taps: jax.Array) -> jax.Array:
    """One-hot mask of the first maximum over the last axis (NaN wins); int32 positions, never int64 (half
    the memory under x64, where the facade runs)."""
    return lax.argmax(taps, taps.ndim - 1, np.int32)[..., None] == np.arange(taps.shape[-1], dtype=np.int32)


@jax.custom_jvp
def _window_max(taps: jax.Array) -> jax.Array:
    return jnp.max(taps, axis=-1)


# torch's gradient goes to the first maximum of each window (NaN wins, as in the value). The value is a
# plain max, which XLA fuses with the window slices (on CPU ~10x faster than selecting at the argmax); only
# the tangent needs the argmax.
@_window_max.defjvp
def _window_max_jvp(primals, tangents):
    (taps,), (d_taps,) = primals, tangents
    return _window_max(taps), jnp.sum(jnp.where(_first(taps), d_taps, 0), axis=-1, dtype=d_taps.dtype)


def _blocks(x: jax.Array, k) -> jax.Array:
    """Windows that tile ``x``'s spatial axes exactly (stride = kernel) as ``(N, C, *out, prod(k))``, by
    reshape and transpose: their adjoint is too, where that of strided slices is one padding per tap."""
    n, out = len(k), [size // ki for size, ki in zip(x.shape[2:], k)]
    x = x.reshape(x.shape[:2] + tuple(itertools.chain(*zip(out, k))))
    x = jnp.transpose(x, (0, 1) + tuple(range(2, 2 + 2 * n, 2)) + tuple(range(3, 3 + 2 * n, 2)))
    return x.reshape(x.shape[:2 + n] + (-1,))


@functools.partial(jax.custom_jvp, nondiff_argnums=(1,))
def _block_max(x: jax.Array, k) -> jax.Array:
    return jnp.max(jnp.stack(window_taps(x, 2, k, k, (1,) * len(k)), axis=-1), axis=-1)


# The maximum of tiling windows, as :func:`_window_max`, whose tangent reads the windows as blocks: XLA:CPU
# fuses the max over strided slices well (over blocks: 2-4x slower), and the gradient's scatter as a
# reshape (over slices: one padding per tap). 2x2 pooling after ReLU, forward+backward, jit, interleaved,
# load ~6: LeNet's 64x6x28x28 0.79 -> 0.51 ms, the seed CNN's 64x128x28x28 18.2 -> 14.5 ms; LeNet's
# training step 6.3 -> 4.9-5.3 ms.
@_block_max.defjvp
def _block_max_jvp(k, primals, tangents):
    (x,), (dx,) = primals, tangents
    first = _first(_blocks(x, k))
    return _block_max(x, k), jnp.sum(jnp.where(first, _blocks(dx, k), 0), axis=-1, dtype=dx.dtype)


def _first_max(taps: jax.Array, table: np.ndarray, unbatched: bool, return_indices: bool):
    """Torch's max over the last axis of ``taps``: the first maximum (NaN wins), gradient to it only, index."""
    y = _window_max(taps) if jnp.issubdtype(taps.dtype, jnp.inexact) else jnp.max(taps, axis=-1)
    if return_indices:
        position = np.arange(table.size // table.shape[-1]).reshape(table.shape[:-1]) * table.shape[-1]
        flat = jnp.asarray(table.ravel(), jax.dtypes.canonicalize_dtype(jnp.int64))
        y = y, flat[position + jnp.argmax(taps, axis=-1)]
    return jax.tree.map(lambda a: a[0], y) if unbatched else y


def _max_pool(n, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    xp, unbatched, k, s, p, d, out, sizes = _windows(f"max_pool{n}d", n, input, kernel_size, stride, padding,
                                                     dilation, ceil_mode, _lowest(input.dtype))
    if s == k and set(d) == {1} and not return_indices and jnp.issubdtype(xp.dtype, jnp.inexact):
        y = _block_max(xp, k)
        return y[0] if unbatched else y
    taps = jnp.stack(window_taps(xp, 2, k, s, d), axis=-1)
    coords = [(np.arange(o) * si - pi)[:, None] + np.arange(ki) * di for o, si, pi, ki, di in zip(out, s, p, k, d)]
    table = _window_table([np.where((c >= 0) & (c < size), c, -1) for c, size in zip(coords, sizes)], sizes)
    return _first_max(taps, table, unbatched, return_indices)


def _avg_pool(n, input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
              divisor_override=None):
    xp, unbatched, k, s, p, _, out, sizes = _windows(f"avg_pool{n}d", n, input, kernel_size, stride, padding,
                                                     1, ceil_mode, 0)
    # A concrete zero init lets JAX recognise the sum window (differentiable) even under jit.
    total = lax.reduce_window(xp, np.zeros((), xp.dtype), lax.add, (1, 1) + k, (1, 1) + s, "VALID")
    if divisor_override is not None:
        if divisor_override == 0:
            raise RuntimeError("divisor must be not zero")
        div = np.asarray(divisor_override)
    else:  # torch: padding counts unless count_include_pad=False; ceil_mode's overhang never counts
        div = np.ones(())
        for i, ki, si, pi, o in zip(sizes, k, s, p, out):
            start = np.arange(o) * si - pi
            end = np.minimum(start + ki, i + pi)
            cnt = end - start if count_include_pad else np.minimum(end, i) - np.maximum(start, 0)
            div = div[..., None] * cnt
    div = jnp.asarray(div, total.dtype)
    y = total / div if jnp.issubdtype(total.dtype, jnp.inexact) else lax.div(total, jnp.broadcast_to(div, total.shape))
    return y[0] if unbatched else y


def _lp_pool(n, input, norm_type, kernel_size, stride=None, ceil_mode=False):
    if isinstance(norm_type, (int, float)) and math.isinf(norm_type):
        sign = 1 if norm_type > 0 else -1
        return sign * _max_pool(n, sign * jnp.abs(input), kernel_size, stride, 0, 1, ceil_mode)
    mean = _avg_pool(n, input ** norm_type, kernel_size, stride, 0, ceil_mode)
    total = jnp.sign(mean) * jax.nn.relu(jnp.abs(mean)) * math.prod(ntuple(kernel_size, n, "kernel_size"))
    # torch's pow backward is zero where the base is zero (not inf * 0): keep the base away from 0 there.
    safe = jnp.where(total == 0, 1, total)
    return jnp.where(total == 0, 0, safe ** (1 / norm_type))


def _adaptive_windows(size: int, out: int) -> np.ndarray:
    """Input coordinates ``(out, k)`` of torch's windows ``[floor(i size / out), ceil((i + 1) size / out))``, -1 pad."""
    i = np.arange(out)
    start, end = (i * size) // out, -((-(i + 1) * size) // out)
    window = start[:, None] + np.arange((end - start).max(initial=1))
    return np.where(window < end[:, None], window, -1)


def axis_matmul(x: jax.Array, axis: int, m: np.ndarray) -> jax.Array:
    """Applies the static ``(out, in)`` matrix ``m`` along ``axis`` of ``x`` (full float precision)."""
    y = jnp.tensordot(x, jnp.asarray(m, x.dtype), ((axis,), (1,)), precision=lax.Precision.HIGHEST)
    return jnp.moveaxis(y, -1, axis)


def _adaptive_pool(kind: str, n: int, input, output_size, return_indices=False):
    name = f"adaptive_{kind}_pool{n}d"
    x, unbatched = _batched(name, n, input)
    out = [s if o is None else o for o, s in zip(ntuple(output_size, n, "output_size"), x.shape[2:])]
    if any(o < 0 for o in out):
        raise RuntimeError(f"{name}: elements of output_size must be greater than or equal to 0 but received {out}")
    if kind == "max":
        table = _window_table([_adaptive_windows(size, o) for size, o in zip(x.shape[2:], out)], x.shape[2:])
        taps = jnp.take(x.reshape(x.shape[:2] + (-1,)), np.maximum(table, 0), axis=-1)
        return _first_max(jnp.where(table >= 0, taps, _lowest(x.dtype)), table, unbatched, return_indices)
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        raise NotImplementedError(f"{name} is not implemented for integer input (dtype {x.dtype})")
    for i, (size, o) in enumerate(zip(x.shape[2:], out)):
        hits = (_adaptive_windows(size, o)[..., None] == np.arange(size)).sum(1)
        x = axis_matmul(x, 2 + i, hits / hits.sum(1, keepdims=True))
    return x[0] if unbatched else x


def _scatter(values, indices, size: int, how: str) -> jax.Array:
    # Out-of-range indices cannot be checked at trace time (torch raises): their values are dropped.
    planes = jnp.zeros((values.shape[0], size), values.dtype).at[jnp.arange(values.shape[0])[:, None], indices]
    return getattr(planes, how)(values, mode="drop")


@functools.partial(jax.custom_jvp, nondiff_argnums=(2,))
def _scatter_planes(values, indices, size):
    return _scatter(values, indices, size, "set")


# torch's max_unpool backward gathers the gradient at every index, duplicates included; a scatter-set's
# derivative would credit only the write that won, so the tangent is scattered with add.
@_scatter_planes.defjvp
def _scatter_planes_jvp(size, primals, tangents):
    (values, indices), (d_values, _) = primals, tangents
    return _scatter_planes(values, indices, size), _scatter(d_values, indices, size, "add")


def _max_unpool(n, input, indices, kernel_size, stride=None, padding=0, output_size=None):
    k = ntuple(kernel_size, n, "kernel_size")
    s, p = k if stride is None else ntuple(stride, n, "stride"), ntuple(padding, n, "padding")
    if not jnp.issubdtype(indices.dtype, jnp.integer):
        raise RuntimeError(f"elements in indices should be type int64 but got: {indices.dtype}")
    if indices.shape != input.shape:
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                           f"({list(input.shape)}) but got indices tensor with shape: {list(indices.shape)}")
    x, unbatched = _batched(f"max_unpool{n}d", n, input)
    size = [(i - 1) * si + ki - 2 * pi for i, ki, si, pi in zip(x.shape[2:], k, s, p)]
    if output_size is not None:
        output_size = tuple(output_size)[len(output_size) - n:] if len(output_size) == n + 2 else output_size
        if len(output_size) != n:
            raise ValueError(f"output_size should be a sequence containing {n} or {n + 2} elements, but it has "
                             f"a length of '{len(output_size)}'")
        for dim, (o, default, si) in enumerate(zip(output_size, size, s)):
            if not default - si < o < default + si:
                raise ValueError(f'invalid output_size "{tuple(output_size)}" (dim {dim} must be between '
                                 f'{default - si} and {default + si})')
        size = list(output_size)
    planes = x.shape[0] * x.shape[1]
    y = _scatter_planes(x.reshape(planes, -1), indices.reshape(planes, -1), math.prod(size)).reshape(
        x.shape[:2] + tuple(size))
    return y[0] if unbatched else y


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """2-d max pooling, as ``torch.nn.functional.max_pool2d``.

    Args:
      input: ``(N, C, H, W)`` or unbatched ``(C, H, W)``.
      kernel_size: window size, int or pair.
      stride: window step. Default: ``kernel_size``
      padding: implicit ``-inf`` padding on both sides, at most half the dilated kernel. Default: 0
      dilation: spacing of window elements. Default: 1
      ceil_mode: round output sizes up (a last window must start in the input or left padding). Default: False
      return_indices: also return each maximum's flat index in its ``H * W`` input plane. Default: False

    Shape:
      ``(N, C, H, W) -> (N, C, H_out, W_out)``, ``H_out = floor((H + 2p - d(k - 1) - 1) / s) + 1`` (or ceil).

    Example:
      >>> max_pool2d(jnp.arange(16.).reshape(1, 1, 4, 4), 2, return_indices=True)[1]
      Array([[[[ 5,  7],
               [13, 15]]]], dtype=int32)
    """
    return _max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """1-d max pooling over ``(N, C, L)`` or ``(C, L)``; arguments as :func:`max_pool2d`.

    Example:
      >>> max_pool1d(jnp.array([[1., 3., 2., 5., 4.]]), 2, ceil_mode=True)
      Array([[3., 5., 4.]], dtype=float32)
    """
    return _max_pool(1, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """3-d max pooling over ``(N, C, D, H, W)`` or ``(C, D, H, W)``; arguments as :func:`max_pool2d`.

    Example:
      >>> max_pool3d(jnp.ones((1, 1, 4, 4, 4)), 2, stride=1).shape
      (1, 1, 3, 3, 3)
    """
    return _max_pool(3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """2-d average pooling, as ``torch.nn.functional.avg_pool2d``.

    Args:
      input: ``(N, C, H, W)`` or unbatched ``(C, H, W)``; integer input averages with truncation, as torch.
      kernel_size, stride, padding, ceil_mode: as :func:`max_pool2d` (zero padding, no dilation).
      count_include_pad: divide by the window size including padding (never ``ceil_mode``'s overhang).
        Default: True
      divisor_override: divide every window sum by this instead. Default: None

    Shape:
      ``(N, C, H, W) -> (N, C, H_out, W_out)``, ``H_out = floor((H + 2p - k) / s) + 1``.

    Example:
      >>> avg_pool2d(jnp.arange(16.).reshape(1, 4, 4), 3, stride=2, padding=1, count_include_pad=False)
      Array([[[ 2.5,  4. ],
              [ 8.5, 10. ]]], dtype=float32)
    """
    return _avg_pool(2, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """1-d average pooling over ``(N, C, L)`` or ``(C, L)``; arguments as :func:`avg_pool2d`.

    Example:
      >>> avg_pool1d(jnp.array([[1., 3., 2., 6.]]), 2)
      Array([[2., 4.]], dtype=float32)
    """
    return _avg_pool(1, input, kernel_size, stride, padding, ceil_mode, count_include_pad)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """3-d average pooling over ``(N, C, D, H, W)`` or ``(C, D, H, W)``; arguments as :func:`avg_pool2d`.

    Example:
      >>> avg_pool3d(jnp.ones((1, 2, 2, 2)), 2)
      Array([[[[1.]]]], dtype=float32)
    """
    return _avg_pool(3, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """2-d power-average pooling ``(sum x^p)^(1/p)`` over windows, as ``torch.nn.functional.lp_pool2d``.

    Args:
      input: ``(N, C, H, W)`` or ``(C, H, W)``.
      norm_type: ``p`` (may be traced; ``±inf`` as a Python float is max pooling of ``|x|``).
      kernel_size, stride, ceil_mode: as :func:`avg_pool2d` (no padding). Zero sums get zero gradient, as torch.

    Shape:
      as :func:`avg_pool2d` with ``padding=0``.

    Example:
      >>> lp_pool2d(jnp.full((1, 2, 2), 3.), 2, 2)
      Array([[[6.]]], dtype=float32)
    """
    return _lp_pool(2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """1-d power-average pooling over ``(N, C, L)`` or ``(C, L)``; arguments as :func:`lp_pool2d`.

    Example:
      >>> lp_pool1d(jnp.array([[3., 4.]]), 2, 2)
      Array([[5.]], dtype=float32)
    """
    return _lp_pool(1, input, norm_type, kernel_size, stride, ceil_mode)


def adaptive_avg_pool2d(input, output_size):
    """2-d adaptive average pooling, as ``torch.nn.functional.adaptive_avg_pool2d``.

    Args:
      input: ``(N, C, H, W)`` or ``(C, H, W)``, floating point.
      output_size: int or pair; ``None`` keeps that input size. Output cell ``i`` of a dimension averages
        input ``[floor(i * in / out), ceil((i + 1) * in / out))``.

    Shape:
      ``(N, C, H, W) -> (N, C, *output_size)``.

    Example:
      >>> adaptive_avg_pool2d(jnp.arange(6.).reshape(1, 2, 3), (1, 2))
      Array([[[2., 3.]]], dtype=float32)
    """
    return _adaptive_pool("avg", 2, input, output_size)


def adaptive_avg_pool1d(input, output_size):
    """1-d adaptive average pooling over ``(N, C, L)`` or ``(C, L)``; as :func:`adaptive_avg_pool2d`.

    Example:
      >>> adaptive_avg_pool1d(jnp.array([[1., 2., 3., 4., 5.]]), 2)
      Array([[2., 4.]], dtype=float32)
    """
    return _adaptive_pool("avg", 1, input, output_size)


def adaptive_avg_pool3d(input, output_size):
    """3-d adaptive average pooling over ``(N, C, D, H, W)`` or ``(C, D, H, W)``; as :func:`adaptive_avg_pool2d`.

    Example:
      >>> adaptive_avg_pool3d(jnp.ones((1, 1, 3, 4, 5)), 1).shape
      (1, 1, 1, 1, 1)
    """
    return _adaptive_pool("avg", 3, input, output_size)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """2-d adaptive max pooling, as ``torch.nn.functional.adaptive_max_pool2d``; windows as
    :func:`adaptive_avg_pool2d`, maxima and indices as :func:`max_pool2d`.

    Shape:
      ``(N, C, H, W) -> (N, C, *output_size)`` (or unbatched).

    Example:
      >>> adaptive_max_pool2d(jnp.arange(6.).reshape(1, 2, 3), (1, 2), return_indices=True)[1]
      Array([[[4, 5]]], dtype=int32)
    """
    return _adaptive_pool("max", 2, input, output_size, return_indices)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """1-d adaptive max pooling over ``(N, C, L)`` or ``(C, L)``; as :func:`adaptive_max_pool2d`.

    Example:
      >>> adaptive_max_pool1d(jnp.array([[1., 3., 3., 2., 0.]]), 3)
      Array([[3., 3., 2.]], dtype=float32)
    """
    return _adaptive_pool("max", 1, input, output_size, return_indices)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Inverse of :func:`max_pool2d`: scatters each value to its index, zeros elsewhere, as
    ``torch.nn.functional.max_unpool2d``.

    Args:
      input, indices: the two outputs of ``max_pool2d(..., return_indices=True)``.
      kernel_size, stride, padding: those of the pooling. ``stride`` defaults to ``kernel_size``.
      output_size: ``(H, W)`` (or with ``N, C``) to resolve ambiguous sizes; must be within a stride of the
        default. Default: ``(H_in - 1) * s - 2p + k``

    Shape:
      ``(N, C, H_in, W_in) -> (N, C, H, W)``.

    Example:
      >>> y, i = max_pool2d(jnp.arange(16.).reshape(1, 4, 4), 2, return_indices=True)
      >>> max_unpool2d(y, i, 2)[0, 1]
      Array([0., 5., 0., 7.], dtype=float32)
    """
    return _max_unpool(2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Inverse of :func:`max_pool1d` over ``(N, C, L)`` or ``(C, L)``; as :func:`max_unpool2d`.

    Example:
      >>> max_unpool1d(jnp.array([[3., 5.]]), jnp.array([[1, 2]]), 2)
      Array([[0., 3., 5., 0.]], dtype=float32)
    """
    return _max_unpool(1, input, indices, kernel_size, stride, padding, output_size)
