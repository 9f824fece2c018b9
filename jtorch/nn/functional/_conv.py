"""Convolutions (``conv1d``-``conv3d``) and transposed convolutions, one N-d implementation each.

The public layout is PyTorch's: activations ``(N, C, *spatial)``, weights ``(C_out, C_in / groups, *k)``
(transposed: ``(C_in, C_out / groups, *k)``). How the convolution is lowered is chosen per backend, by
measurement (``benchmarks/conv_lowering.py``): on XLA:CPU the forward, input gradient and weight gradient
are each lowered apart (an elementwise taps sum, a patches matmul or a channels-last
``conv_general_dilated``, by the layer's size); GPU/TPU keep NCHW, which is native there.
"""
from __future__ import annotations

import functools
import itertools
import math
import operator
from typing import Sequence

import jax
import jax.numpy as jnp
from jax import lax
from jax.custom_derivatives import SymbolicZero

_TORCH_DTYPE = {"float16": "Half", "bfloat16": "BFloat16", "float32": "Float", "float64": "Double",
                "int8": "Char", "uint8": "Byte", "int16": "Short", "int32": "Int", "int64": "Long"}


def ntuple(value, n: int, name: str, message: str | None = None) -> tuple[int, ...]:
    """``value`` (an int or a sequence of ``n`` ints) as an ``n``-tuple; ``message`` (default: the
    convolutions' wording) as a RuntimeError otherwise."""
    if isinstance(value, int):
        return (value,) * n
    value = tuple(value)
    if len(value) == 1:
        return value * n
    if len(value) != n:
        raise RuntimeError(message or f"expected {name} to be a single integer value or a list of {n} values to "
                           f"match the convolution dimensions, but got {name}={list(value)}")
    return value


def _sizes(values: Sequence[int]) -> str:
    """PyTorch's ``(2 x 2)`` rendering of per-dimension sizes."""
    return "(" + " x ".join(str(v) for v in values) + ")"


def _batchify(x: jax.Array, n: int, name: str) -> tuple[jax.Array, bool]:
    """Adds the batch dimension to an unbatched ``(C, *spatial)`` input; returns it and whether it was added."""
    if x.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to {name}, "
                           f"but got input of size: {list(x.shape)}")
    return (x[None], True) if x.ndim == n + 1 else (x, False)


def window_taps(x: jax.Array, axis: int, kernel, stride, dilation) -> list[jax.Array]:
    """One strided slice of ``x`` per kernel offset (row-major over ``kernel``) over the axes from ``axis``:
    tap ``t`` holds, at each output position, the element under kernel offset ``t`` (im2col, unstacked)."""
    spatial = x.shape[axis:axis + len(kernel)]
    out = [(size - d * (k - 1) - 1) // s + 1 for size, k, d, s in zip(spatial, kernel, dilation, stride)]
    lead, trail = x.shape[:axis], x.shape[axis + len(kernel):]
    taps = []
    for offsets in itertools.product(*map(range, kernel)):
        start = [o * d for o, d in zip(offsets, dilation)]
        limit = [b + (o - 1) * s + 1 for b, o, s in zip(start, out, stride)]
        taps.append(lax.slice(x, [0] * axis + start + [0] * len(trail), [*lead, *limit, *trail],
                              [1] * axis + list(stride) + [1] * len(trail)))
    return taps


# --- lowering -------------------------------------------------------------------------------------------
# Measured on 2-core XLA:CPU with XLA's own convolution (jtorch's default, see jtorch._xla_flags) by
# benchmarks/conv_lowering.py (per layer) and the LeNet-5 training step (min ms of 30x10 steps, jit, 3
# lowerings interleaved in one process, load 6-7): the forward, the input gradient and the weight
# gradient are each lowered apart, by the layer's size.
# - forward: a channels-last ``conv_general_dilated`` above a contraction C_in/groups * prod(k) of 64 (LeNet's
#   6->16 5x5: 0.67 ms, patches 1.0, taps 1.1); below it a patches matmul, or, for at most 16 outputs per
#   group (a GEMM that narrow is slow), the taps sum (LeNet's 1->6 5x5: 0.29 ms, patches 1.46; the seed
#   CNN's 3->64: patches 5.6, taps 7.7 with bias, ReLU and pooling).
# - weight gradient: always the channels-last conv's (LeNet 1->6: 0.44 ms, patches 1.68; the seed CNN's
#   64->128: 133 ms forward+backward, 275 with a patches weight gradient, PyTorch 152).
# - input gradient: the patches matmul's transpose (a GEMM and col2im) below 32 input channels per group
#   and kernels of at most 25 taps (the col2im matrix is then at most 25x the gradient); the conv's above
#   (LeNet 6->16 0.66 ms vs 1.84; the seed CNN's 3->64 3.7 vs 12.9; 32->64 3x3 10.2 vs 6.2).
# LeNet's step (load 6-7): 8.0-10.3 ms before, 5.5-6.3 with these choices, 6.7-7.8 with the conv's input
# gradient for conv2; with the pooling of _pooling._block_max too, 5.3 -> 3.1 ms at load ~2.
_PATCHES_MAX_CONTRACTION = 64
_TAPS_MAX_GROUP_OUTPUTS = 16
_PATCHES_INPUT_GRAD_MAX_CHANNELS = 32
_PATCHES_INPUT_GRAD_MAX_TAPS = 25


def _lax_conv(x, w, spec, channels_last: bool):
    stride, padding, lhs_dilation, rhs_dilation, groups = spec
    n = x.ndim - 2
    if channels_last:
        sp = "DHW"[-n:]
        x, w = jnp.moveaxis(x, 1, -1), jnp.transpose(w, tuple(range(2, n + 2)) + (1, 0))
        dims = (f"N{sp}C", f"{sp}IO", f"N{sp}C")
    else:
        dims = lax.conv_dimension_numbers(x.shape, w.shape, None)
    y = lax.conv_general_dilated(x, w, stride, padding, lhs_dilation, rhs_dilation, dims,
                                 feature_group_count=groups)
    return jnp.moveaxis(y, -1, 1) if channels_last else y


def _patches_conv(x, w, spec):
    """The conv as channels-last patches (one strided slice per kernel offset) times the weight matrix."""
    stride, padding, lhs_dilation, rhs_dilation, groups = spec
    xl = jnp.moveaxis(x, 1, -1)
    config = [(0, 0, 0)] + [(lo, hi, ld - 1) for (lo, hi), ld in zip(padding, lhs_dilation)] + [(0, 0, 0)]
    xl = lax.pad(xl, jnp.zeros((), x.dtype), config)
    cols = window_taps(xl, 1, w.shape[2:], stride, rhs_dilation)
    (c_out, c_in_g), taps = w.shape[:2], len(cols)
    cols = jnp.concatenate(cols, axis=-1)
    if groups == 1:  # a plain 2-d matmul: an einsum with the (taps, channels) contraction split is ~3x slower
        y = cols @ jnp.transpose(w, tuple(range(2, w.ndim)) + (1, 0)).reshape(taps * c_in_g, c_out)
    else:
        cols = cols.reshape(cols.shape[:-1] + (taps, groups, c_in_g))
        y = jnp.einsum("...kgc,gock->...go", cols, w.reshape((groups, c_out // groups, c_in_g, taps)))
    return jnp.moveaxis(y.reshape(y.shape[:x.ndim - 1] + (c_out,)), -1, 1)


def _taps_sum(x, w, spec):
    """The conv as a sum over (input channel, kernel offset) of an input slice times a weight column: one
    elementwise loop, with no patches matrix (for tiny contractions such as a 1-channel input)."""
    stride, padding, lhs_dilation, rhs_dilation, groups = spec
    config = [(0, 0, 0)] * 2 + [(lo, hi, ld - 1) for (lo, hi), ld in zip(padding, lhs_dilation)]
    xp = lax.pad(x, jnp.zeros((), x.dtype), config)
    (c_out, c_in_g), kernel = w.shape[:2], w.shape[2:]
    acc = jnp.promote_types(x.dtype, jnp.float32) if jnp.issubdtype(x.dtype, jnp.inexact) else x.dtype
    w = w.astype(acc).reshape((groups, c_out // groups, c_in_g, math.prod(kernel)) + (1,) * len(kernel))
    y = None
    for t, tap in enumerate(window_taps(xp, 2, kernel, stride, rhs_dilation)):
        tap = tap.reshape((tap.shape[0], groups, c_in_g, 1) + tap.shape[2:]).astype(acc)
        for c in range(c_in_g):
            term = tap[:, :, c] * w[:, :, c, t]
            y = term if y is None else y + term
    return y.reshape((y.shape[0], c_out) + y.shape[3:]).astype(x.dtype)


def _materialised(lowering, x, w, spec):
    """``lowering(x, w, spec)`` inside a conditional whose branches are both that lowering (the predicate is
    False only on a NaN weight), so XLA computes it once, and also its transpose: an elementwise result (the
    taps sum, col2im) is otherwise fused into each consumer (bias, ReLU, every pooling window, the ReLU
    mask of the backward) and recomputed there (LeNet's step 2x slower)."""
    probe = w.reshape(-1)[0]
    fn = functools.partial(lowering, spec=spec)
    return lax.cond(probe == probe, fn, fn, x, w)


def _contraction(w) -> int:
    return w.shape[1] * math.prod(w.shape[2:])


@functools.partial(jax.custom_jvp, nondiff_argnums=(2,))
def _cpu_conv(x, w, spec):
    if not 0 < _contraction(w) <= _PATCHES_MAX_CONTRACTION:
        return _lax_conv(x, w, spec, channels_last=True)
    if w.shape[0] // spec[4] <= _TAPS_MAX_GROUP_OUTPUTS:
        return _materialised(_taps_sum, x, w, spec)
    return _patches_conv(x, w, spec)


# The tangent is linear in dx and in dw, and reverse mode transposes each term: the input gradient is the
# transpose of the term in dx, the weight gradient that of the term in dw, each lowered its fastest way.
@functools.partial(_cpu_conv.defjvp, symbolic_zeros=True)
def _cpu_conv_jvp(spec, primals, tangents):
    (x, w), (dx, dw) = primals, tangents
    terms = []
    if not isinstance(dx, SymbolicZero):
        if (0 < w.shape[1] < _PATCHES_INPUT_GRAD_MAX_CHANNELS
                and math.prod(w.shape[2:]) <= _PATCHES_INPUT_GRAD_MAX_TAPS):
            terms.append(_materialised(_patches_conv, dx, w, spec))
        else:
            terms.append(_lax_conv(dx, w, spec, channels_last=True))
    if not isinstance(dw, SymbolicZero):
        terms.append(_lax_conv(x, dw, spec, channels_last=True))
    y = _cpu_conv(x, w, spec)
    return y, functools.reduce(operator.add, terms) if terms else jnp.zeros_like(y)


def conv_lowered(x, w, *, stride, padding, lhs_dilation, rhs_dilation, groups) -> jax.Array:
    """``lax.conv_general_dilated`` on NCHW/OIHW arrays, lowered the fastest measured way for the backend."""
    spec = (tuple(stride), tuple(padding), tuple(lhs_dilation), tuple(rhs_dilation), groups)
    if jax.default_backend() != "cpu":
        return _lax_conv(x, w, spec, channels_last=False)
    return _cpu_conv(x, w, spec)


def _check_common(x, weight, bias, n, name, stride, dilation, groups, out_channels):
    if weight.ndim < 3:
        raise RuntimeError("weight should have at least three dimensions")
    if weight.ndim != n + 2:
        raise RuntimeError(f"Expected {n + 2}-dimensional weight for {name}, but got weight of size "
                           f"{list(weight.shape)} instead")
    x, unbatched = _batchify(x, n, name)
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got {list(dilation)}")
    if weight.shape[0] < 1 or weight.shape[0] % groups:
        word = "at least 1" if weight.shape[0] < 1 else f"divisible by {groups}"
        raise RuntimeError(f"Given groups={groups}, expected weight to be {word} at dimension 0, but got "
                           f"weight of size [{list(weight.shape)}] instead")
    if bias is not None and bias.shape != (out_channels,):
        raise RuntimeError(f"Given weight of size {list(weight.shape)}, expected bias to be 1-dimensional with "
                           f"{out_channels} elements, but got bias of size {list(bias.shape)} instead")
    for other in (weight,) + (() if bias is None else (bias,)):
        if other.dtype != x.dtype:
            raise RuntimeError(f"expected scalar type {_TORCH_DTYPE.get(x.dtype.name, x.dtype.name)} but found "
                               f"{_TORCH_DTYPE.get(other.dtype.name, other.dtype.name)}")
    return x, unbatched


def _finish(y, bias, unbatched):
    if bias is not None:
        y = y + bias.reshape((-1,) + (1,) * (y.ndim - 2))
    return y[0] if unbatched else y


def _conv_nd(n: int, input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> jax.Array:
    name = f"conv{n}d"
    stride, dilation = ntuple(stride, n, "stride"), ntuple(dilation, n, "dilation")
    x, unbatched = _check_common(input, weight, bias, n, name, stride, dilation, groups, weight.shape[0])
    if x.shape[1] != weight.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
                           f"{list(x.shape)} to have {weight.shape[1] * groups} channels, but got {x.shape[1]} "
                           f"channels instead")
    kernel = [d * (k - 1) + 1 for d, k in zip(dilation, weight.shape[2:])]
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if padding == "same" and any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        # torch: total padding d*(k-1), the extra odd element goes on the high side.
        pads = tuple((0, 0) if padding == "valid" else ((k - 1) // 2, k - 1 - (k - 1) // 2) for k in kernel)
    else:
        pads = tuple((p, p) for p in ntuple(padding, n, "padding"))
        if any(p < 0 for p, _ in pads):
            raise RuntimeError("negative padding is not supported")
    padded = [s + lo + hi for s, (lo, hi) in zip(x.shape[2:], pads)]
    if any(p < k for p, k in zip(padded, kernel)):
        raise RuntimeError(f"Calculated padded input size per channel: {_sizes(padded)}. Kernel size: "
                           f"{_sizes(kernel)}. Kernel size can't be greater than actual input size")
    y = conv_lowered(x, weight, stride=stride, padding=pads, lhs_dilation=(1,) * n, rhs_dilation=dilation,
                     groups=groups)
    return _finish(y, bias, unbatched)


def _conv_transpose_nd(n: int, input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                       dilation=1) -> jax.Array:
    name = f"conv_transpose{n}d"
    if isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    stride, dilation = ntuple(stride, n, "stride"), ntuple(dilation, n, "dilation")
    padding, output_padding = ntuple(padding, n, "padding"), ntuple(output_padding, n, "output_padding")
    x, unbatched = _check_common(input, weight, bias, n, name, stride, dilation, groups,
                                 weight.shape[1] * groups)
    if x.shape[1] != weight.shape[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, expected input"
                           f"{list(x.shape)} to have {weight.shape[0]} channels, but got {x.shape[1]} channels "
                           f"instead")
    if any(p < 0 for p in padding + output_padding):
        raise RuntimeError("negative padding is not supported")
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError(f"output padding must be smaller than either stride or dilation, but got "
                           f"output_padding={list(output_padding)}, stride={list(stride)}, "
                           f"dilation={list(dilation)}")
    kernel = [d * (k - 1) for d, k in zip(dilation, weight.shape[2:])]
    out = [(i - 1) * s - 2 * p + k + op + 1
           for i, s, p, k, op in zip(x.shape[2:], stride, padding, kernel, output_padding)]
    if any(o < 1 for o in out):
        raise RuntimeError(f"Given input size per channel: {_sizes(x.shape[2:])}. Calculated output size per "
                           f"channel: {_sizes(out)}. Output size is too small")
    # The adjoint of a strided conv: a conv over the stride-dilated input with the flipped kernel whose
    # in/out channel axes are swapped within each group.
    c_in, c_out_g = weight.shape[:2]
    w = jnp.flip(weight, tuple(range(2, n + 2))).reshape((groups, c_in // groups, c_out_g) + weight.shape[2:])
    w = jnp.swapaxes(w, 1, 2).reshape((groups * c_out_g, c_in // groups) + weight.shape[2:])
    pads = tuple((k - p, k - p + op) for k, p, op in zip(kernel, padding, output_padding))
    y = conv_lowered(x, w, stride=(1,) * n, padding=pads, lhs_dilation=stride, rhs_dilation=dilation,
                     groups=groups)
    return _finish(y, bias, unbatched)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> jax.Array:
    """1-d convolution (cross-correlation), as ``torch.nn.functional.conv1d``.

    Args:
      input: ``(N, C_in, L)`` or unbatched ``(C_in, L)``.
      weight: ``(C_out, C_in / groups, k)``.
      bias: optional ``(C_out,)``. Default: None
      stride, dilation: int or 1-tuple. Default: 1
      padding: int, 1-tuple, ``'valid'`` or ``'same'`` (stride 1 only; odd totals put the extra zero
        on the right). Default: 0
      groups: blocked connections from input to output channels. Default: 1

    Shape:
      ``(N, C_in, L_in) -> (N, C_out, L_out)``, ``L_out = floor((L_in + 2p - d(k - 1) - 1) / s) + 1``.

    Example:
      >>> conv1d(jnp.ones((1, 1, 4)), jnp.ones((1, 1, 3)), padding=1)
      Array([[[2., 3., 3., 2.]]], dtype=float32)
    """
    return _conv_nd(1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> jax.Array:
    """2-d convolution, as ``torch.nn.functional.conv2d``; arguments as :func:`conv1d` with pairs.

    Shape:
      ``(N, C_in, H, W) -> (N, C_out, H_out, W_out)`` (or unbatched ``(C_in, H, W)``), per dimension
      ``floor((in + 2p - d(k - 1) - 1) / s) + 1``; weight ``(C_out, C_in / groups, kH, kW)``.

    Example:
      >>> conv2d(jnp.ones((1, 2, 3, 3)), jnp.ones((4, 2, 3, 3))).shape
      (1, 4, 1, 1)
    """
    return _conv_nd(2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> jax.Array:
    """3-d convolution, as ``torch.nn.functional.conv3d``; arguments as :func:`conv1d` with triples.

    Shape:
      ``(N, C_in, D, H, W) -> (N, C_out, D_out, H_out, W_out)``; weight ``(C_out, C_in / groups, kD, kH, kW)``.

    Example:
      >>> conv3d(jnp.ones((1, 1, 2, 3, 3)), jnp.ones((1, 1, 2, 2, 2)))[0, 0, 0]
      Array([[8., 8.],
             [8., 8.]], dtype=float32)
    """
    return _conv_nd(3, input, weight, bias, stride, padding, dilation, groups)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1) -> jax.Array:
    """1-d transposed convolution (the adjoint of :func:`conv1d`), as ``torch.nn.functional.conv_transpose1d``.

    Args:
      input: ``(N, C_in, L)`` or unbatched ``(C_in, L)``.
      weight: ``(C_in, C_out / groups, k)``.
      bias: optional ``(C_out,)``. Default: None
      stride, dilation: int or 1-tuple. Default: 1
      padding: int or 1-tuple: ``d(k - 1) - padding`` zeros are added on both sides. Default: 0
      output_padding: extra size on the high side, smaller than stride or dilation. Default: 0
      groups: blocked connections. Default: 1

    Shape:
      ``(N, C_in, L_in) -> (N, C_out, L_out)``, ``L_out = (L_in - 1)s - 2p + d(k - 1) + output_padding + 1``.

    Example:
      >>> conv_transpose1d(jnp.ones((1, 1, 3)), jnp.ones((1, 1, 2)), stride=2)
      Array([[[1., 1., 1., 1., 1., 1.]]], dtype=float32)
    """
    return _conv_transpose_nd(1, input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1) -> jax.Array:
    """2-d transposed convolution, as ``torch.nn.functional.conv_transpose2d``; arguments as
    :func:`conv_transpose1d` with pairs; weight ``(C_in, C_out / groups, kH, kW)``.

    Example:
      >>> conv_transpose2d(jnp.ones((1, 3, 4, 4)), jnp.ones((3, 2, 3, 3)), stride=2, output_padding=1).shape
      (1, 2, 10, 10)
    """
    return _conv_transpose_nd(2, input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1) -> jax.Array:
    """3-d transposed convolution, as ``torch.nn.functional.conv_transpose3d``; arguments as
    :func:`conv_transpose1d` with triples; weight ``(C_in, C_out / groups, kD, kH, kW)``.

    Example:
      >>> conv_transpose3d(jnp.ones((1, 2, 2, 2, 2)), jnp.ones((2, 1, 2, 2, 2)), stride=2).shape
      (1, 1, 4, 4, 4)
    """
    return _conv_transpose_nd(3, input, weight, bias, stride, padding, output_padding, groups, dilation)
