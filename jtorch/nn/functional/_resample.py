"""Resampling and rearranging: ``interpolate`` (and its deprecated ``upsample*`` aliases), ``pad``,
``unfold``/``fold`` (im2col and its adjoint) and ``pixel_shuffle``/``pixel_unshuffle``.

Interpolation is separable: each spatial axis is resampled on its own, ``nearest`` modes by a gather and
the linear/cubic/antialiased modes by a static ``(out, in)`` weight matrix computed with PyTorch's index
math in its arithmetic precision (float32 for float32 input), so the same source pixels and weights are used.
"""
from __future__ import annotations

import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ._conv import ntuple, window_taps
from ._pooling import _adaptive_pool, axis_matmul

_RANK = {"linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5}
_MODES = ("nearest", "nearest-exact", "area", *_RANK)


def _source_scale(size: int, out: int, align_corners: bool, scale_factor, dtype):
    # torch's area_pixel_compute_scale
    if align_corners:
        return dtype.type((size - 1) / (out - 1) if out > 1 else 0)
    return dtype.type(1 / scale_factor if scale_factor else size / out)


def _cubic(t, a):
    """Keys' cubic convolution kernel with parameter ``a`` at distance ``|t|``."""
    t = np.abs(t)
    return np.where(t <= 1, ((a + 2) * t - (a + 3)) * t * t + 1,
                    np.where(t < 2, ((a * t - 5 * a) * t + 8 * a) * t - 4 * a, 0)).astype(t.dtype)


def _weights(size, out, mode, align_corners, scale_factor, antialias, dtype) -> np.ndarray:
    """The ``(out, in)`` matrix of one axis's linear/cubic (optionally antialiased) interpolation."""
    scale = _source_scale(size, out, align_corners, scale_factor, dtype)
    dst = np.arange(out, dtype=dtype)
    m = np.zeros((out, size), dtype)
    rows = np.arange(out)[:, None]
    if antialias:  # torch's _compute_indices_min_size_weights_aa (Pillow's filter, widened when shrinking)
        half = 1.0 if mode == "bilinear" else 2.0
        support, inv = (half * scale, 1 / scale) if scale >= 1 else (half, 1.0)
        center = scale * (dst + dtype.type(0.5))
        lo = np.maximum((center - support + 0.5).astype(np.int64), 0)
        hi = np.minimum((center + support + 0.5).astype(np.int64), size)
        j = lo[:, None] + np.arange(int((hi - lo).max(initial=0)))
        t = (j.astype(dtype) - center[:, None] + dtype.type(0.5)) * dtype.type(inv)
        w = np.maximum(1 - np.abs(t), 0) if mode == "bilinear" else _cubic(t, -0.5)
        w = np.where(j < hi[:, None], w, 0)
        np.add.at(m, (rows, np.minimum(j, size - 1)), w / w.sum(1, keepdims=True))
        return m
    src = scale * dst if align_corners else scale * (dst + dtype.type(0.5)) - dtype.type(0.5)
    if mode == "bicubic":
        i = np.floor(src).astype(np.int64)
        t = src - i
        w = np.stack([_cubic(t + 1, -0.75), _cubic(t, -0.75), _cubic(1 - t, -0.75), _cubic(2 - t, -0.75)], 1)
        np.add.at(m, (rows, np.clip(i[:, None] + np.arange(-1, 3), 0, size - 1)), w)
        return m
    src = np.maximum(src, 0)
    i0 = src.astype(np.int64)
    lam = src - i0
    np.add.at(m, (np.arange(out), i0), 1 - lam)
    np.add.at(m, (np.arange(out), i0 + (i0 < size - 1)), lam)
    return m


def _resize_axis(x, axis, out, mode, align_corners, scale_factor, antialias):
    size = x.shape[axis]
    if mode.startswith("nearest"):
        scale = np.float32(1 / scale_factor if scale_factor else size / out)
        offset = np.float32(0.5 if mode == "nearest-exact" else 0)
        idx = np.minimum(((np.arange(out, dtype=np.float32) + offset) * scale).astype(np.int64), size - 1)
        return jnp.take(x, idx, axis=axis)
    if not jnp.issubdtype(x.dtype, jnp.floating):
        raise NotImplementedError(f"interpolate mode '{mode}' is not implemented for {x.dtype} input")
    opmath = np.dtype(np.float64 if x.dtype == jnp.float64 else np.float32)
    return axis_matmul(x, axis, _weights(size, out, mode, align_corners, scale_factor, antialias, opmath))


def _output_size(x, n, size, scale_factor, recompute_scale_factor):
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is None and scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    given, what = (size, "output size") if size is not None else (scale_factor, "scale_factor")
    values = list(given) if isinstance(given, (list, tuple)) else [given] * n
    if len(values) != n:
        raise ValueError(f"Input and {'output' if size is not None else 'scale_factor'} must have the same number "
                         f"of spatial dimensions, but got input with spatial dimensions of {list(x.shape[2:])} "
                         f"and {what} of {'shape ' if size is None else ''}{given}. Please provide input tensor "
                         f"in (N, C, d1, d2, ...,dK) format and {what} in (o1, o2, ...,oK) format.")
    if size is not None:
        if not all(isinstance(v, (int, np.integer)) for v in values):
            raise TypeError(f"expected size to be one of int or Tuple[int] or Tuple[int, int] or Tuple[int, int, "
                            f"int], but got size with types {[type(v) for v in values]}")
        return values, [None] * n
    out = [math.floor(s * f) for s, f in zip(x.shape[2:], values)]
    return out, [None] * n if recompute_scale_factor else values


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False) -> jax.Array:
    """Resamples ``input`` to ``size`` or by ``scale_factor``, as ``torch.nn.functional.interpolate``.

    Args:
      input: ``(N, C, L)``, ``(N, C, H, W)`` or ``(N, C, D, H, W)``.
      size: output spatial size, int or one int per spatial dimension.
      scale_factor: spatial multiplier (float or per-dimension); the output size is ``floor(in * f)``.
        Unless ``recompute_scale_factor``, source coordinates use ``1 / scale_factor`` as torch does.
      mode: ``'nearest'`` (``floor(dst * scale)``), ``'nearest-exact'`` (``floor((dst + 0.5) * scale)``),
        ``'linear'`` (3-D), ``'bilinear'``/``'bicubic'`` (4-D), ``'trilinear'`` (5-D) or ``'area'``
        (adaptive average pooling). Default: ``'nearest'``
      align_corners: map corner pixel centres onto each other (interpolating modes only). Default: False
      recompute_scale_factor: derive the scale from the computed output size. Default: None
      antialias: low-pass filter when downsampling (``'bilinear'``/``'bicubic'``, 4-D). Default: False

    Shape:
      ``(N, C, *in) -> (N, C, *out)``.

    Example:
      >>> interpolate(jnp.array([[[1., 2.]]]), scale_factor=2, mode='linear')
      Array([[[1.  , 1.25, 1.75, 2.  ]]], dtype=float32)
    """
    if mode not in _MODES:
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) "
                                  f"for the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
                                  f"nearest-exact (got {mode})")
    if mode in ("nearest", "nearest-exact", "area") and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    if antialias and not (mode in ("bilinear", "bicubic") and input.ndim == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires "
                         "a 4-D tensor as input")
    n = input.ndim - 2
    out, scales = _output_size(input, n, size, scale_factor, recompute_scale_factor)
    if input.ndim not in (3, 4, 5) or _RANK.get(mode, input.ndim) != input.ndim:
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {_RANK.get(mode, '3D, 4D or 5')}D "
                                  f"input")
    if min(out + list(input.shape[2:])) <= 0:
        names = "DHW"[-n:]
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ("
                           f"{', '.join(f'{d}: {s}' for d, s in zip(names, input.shape[2:]))}) output ("
                           f"{', '.join(f'{d}: {s}' for d, s in zip(names, out))})")
    if mode == "area":
        return _adaptive_pool("avg", n, input, out)
    x = input
    for i, (o, s) in enumerate(zip(out, scales)):
        x = _resize_axis(x, 2 + i, o, mode, bool(align_corners), s, antialias)
    return x


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None) -> jax.Array:
    """Deprecated alias of :func:`interpolate` (warns, as torch).

    Example:
      >>> import warnings; warnings.simplefilter("ignore")
      >>> upsample(jnp.ones((1, 1, 2)), scale_factor=2).shape
      (1, 1, 4)
    """
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None) -> jax.Array:
    """Deprecated: :func:`interpolate` with ``mode='nearest'`` (warns, as torch).

    Example:
      >>> import warnings; warnings.simplefilter("ignore")
      >>> upsample_nearest(jnp.array([[[1, 2]]]), 4)
      Array([[[1, 1, 2, 2]]], dtype=int32)
    """
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None) -> jax.Array:
    """Deprecated: :func:`interpolate` with ``mode='bilinear', align_corners=True`` (warns, as torch).

    Example:
      >>> import warnings; warnings.simplefilter("ignore")
      >>> upsample_bilinear(jnp.array([[[[0., 3.]]]]), (1, 4))
      Array([[[[0., 1., 2., 3.]]]], dtype=float32)
    """
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


_PAD_MODES = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def pad(input, pad, mode="constant", value=None) -> jax.Array:
    """Pads the last ``len(pad) // 2`` dimensions, as ``torch.nn.functional.pad``.

    Args:
      input: any shape (non-constant modes: the padded 1-3 dims plus one or two leading dims).
      pad: ``(left_last, right_last, left_second_last, ...)``; negative values crop (before padding).
      mode: ``'constant'``, ``'reflect'`` (mirror without the edge), ``'replicate'`` (repeat the edge) or
        ``'circular'`` (wrap around). Default: ``'constant'``
      value: fill for ``'constant'`` (may be traced). Default: 0

    Shape:
      each padded dim grows by ``left + right``.

    Example:
      >>> pad(jnp.array([[1, 2, 3]]), (2, 1), mode='reflect')
      Array([[3, 2, 1, 2, 3, 2]], dtype=int32)
    """
    pad = tuple(pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but "
                           f"got padding length {len(pad)} and input of dimension {input.ndim}")
    k = len(pad) // 2
    pairs = [(0, 0)] * (input.ndim - k) + [(pad[2 * i], pad[2 * i + 1]) for i in reversed(range(k))]
    if mode == "constant":
        fill = jnp.asarray(0 if value is None else value).astype(input.dtype)
        return lax.pad(input, fill, [(lo, hi, 0) for lo, hi in pairs])
    if mode not in _PAD_MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if not 1 <= k <= 3 or input.ndim not in (k + 1, k + 2):
        raise NotImplementedError(f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor.")
    crop = [(min(lo, 0), min(hi, 0), 0) for lo, hi in pairs]
    grow = [(max(lo, 0), max(hi, 0)) for lo, hi in pairs]
    if mode == "circular":  # torch crops by the negative amounts first, then wraps the cropped input
        for (lo, hi), size in zip(pairs, input.shape):
            if max(lo, hi) > size:
                raise RuntimeError("Padding value causes wrapping around more than once.")
            if size + lo + hi < 0:
                raise RuntimeError("Negative padding value is resulting in an empty dimension")
        x = lax.pad(input, jnp.zeros((), input.dtype), crop)
        return jnp.pad(x, grow, mode="wrap")
    _check_edge_pad(input, pairs, k, mode)
    # reflect/replicate index the uncropped input (output j reads reflect/clamp(j - left)): pad, then crop.
    return lax.pad(jnp.pad(input, grow, mode=_PAD_MODES[mode]), jnp.zeros((), input.dtype), crop)


def _check_edge_pad(input, pairs, k, mode):
    """PyTorch's checks for reflect/replicate padding, on the uncropped input."""
    if 0 in (input.shape[1:] if input.ndim == k + 2 else input.shape):  # only a batch dim may be empty
        raise RuntimeError(f"Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 batch size and other "
                           f"non-zero dimensions for input, but got: {list(input.shape)}")
    dims = range(input.ndim - k, input.ndim)
    for i, dim in enumerate(reversed(dims)):
        (lo, hi), size = pairs[dim], input.shape[dim]
        if mode == "reflect" and max(lo, hi) >= size:
            raise RuntimeError(f"Argument #{4 + 2 * i}: Padding size should be less than the corresponding input "
                               f"dimension, but got: padding ({lo}, {hi}) at dimension {dim} of input "
                               f"{list(input.shape)}")
    out = [input.shape[d] + sum(pairs[d]) for d in dims]
    if max(out) < 1:  # torch's kernels word this check differently per rank and mode
        names = "DHW"[3 - k:]
        sizes = " ".join(f"{n}: {input.shape[d]}" for n, d in zip(names, dims)).replace(" W", ", W")
        sizes = sizes.lstrip(", ") + (" " if k == 2 and mode == "replicate" else "")
        outs = " ".join(f"{n}: {o}" for n, o in zip(names, out))
        raise RuntimeError(f"input ({sizes}) is too small. Calculated output {outs}")
    if min(out) < 0:
        shape = [size + lo + hi for size, (lo, hi) in zip(input.shape, pairs)]
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(out)}: {shape}")


def _fold_geometry(name, spatial, kernel_size, dilation, padding, stride):
    k, d = ntuple(kernel_size, 2, "kernel_size"), ntuple(dilation, 2, "dilation")
    p, s = ntuple(padding, 2, "padding"), ntuple(stride, 2, "stride")
    blocks = [(i + 2 * pi - di * (ki - 1) - 1) // si + 1 for i, ki, di, pi, si in zip(spatial, k, d, p, s)]
    if min(blocks) < 1:
        raise RuntimeError(f"Given {name} spatial size {tuple(spatial)}, kernel_size={k}, dilation={d}, padding={p}, "
                           f"calculated shape of the array of sliding blocks as {tuple(blocks)}, but its components "
                           f"must be at least one.")
    return k, d, p, s, blocks


def _unfold4d(x, k, d, p, s):
    xp = jnp.pad(x, [(0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])])
    cols = jnp.stack(window_taps(xp, 2, k, s, d), axis=2)
    return cols.reshape(x.shape[0], x.shape[1] * k[0] * k[1], cols.shape[-2] * cols.shape[-1])


def unfold(input, kernel_size, dilation=1, padding=0, stride=1) -> jax.Array:
    """Extracts sliding local blocks (im2col), as ``torch.nn.functional.unfold``.

    Args:
      input: ``(N, C, H, W)`` or unbatched ``(C, H, W)``.
      kernel_size, dilation, padding, stride: int or pair, as in :func:`conv2d`.

    Shape:
      ``(N, C, H, W) -> (N, C * kH * kW, L)``, ``L`` the number of blocks; rows are ordered ``(c, kh, kw)``.

    Example:
      >>> unfold(jnp.arange(9.).reshape(1, 3, 3), 2)[:, 0]
      Array([0., 1., 3., 4.], dtype=float32)
    """
    if input.ndim not in (3, 4):
        raise NotImplementedError(f"Input Error: Only 3D or 4D input Tensors are supported (got {input.ndim}D)")
    x = input if input.ndim == 4 else input[None]
    y = _unfold4d(x, *_fold_geometry("input with", x.shape[2:], kernel_size, dilation, padding, stride)[:4])
    return y if input.ndim == 4 else y[0]


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1) -> jax.Array:
    """Sums sliding local blocks into a tensor (col2im, the adjoint of :func:`unfold`), as
    ``torch.nn.functional.fold``.

    Args:
      input: ``(N, C * kH * kW, L)`` or unbatched ``(C * kH * kW, L)``.
      output_size: ``(H, W)`` (or int). kernel_size, dilation, padding, stride: as :func:`unfold`.

    Shape:
      ``(N, C * kH * kW, L) -> (N, C, H, W)``; overlapping entries add up.

    Example:
      >>> fold(jnp.ones((1, 4, 4)), 3, 2)[0, 0]
      Array([[1., 2., 1.],
             [2., 4., 2.],
             [1., 2., 1.]], dtype=float32)
    """
    if input.ndim not in (2, 3) or 0 in input.shape[-2:]:
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero "
                           f"dimensions for input, but got: {list(input.shape)}")
    x = input if input.ndim == 3 else input[None]
    out = ntuple(output_size, 2, "output_size")
    k, d, p, s, blocks = _fold_geometry("output", out, kernel_size, dilation, padding, stride)
    if x.shape[1] % (k[0] * k[1]):
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
                           f"got input.size(1)={x.shape[1]} and kernel_size={k}.")
    if x.shape[2] != blocks[0] * blocks[1]:
        raise RuntimeError(f"Given output_size={out}, kernel_size={k}, dilation={d}, padding={p}, stride={s}, "
                           f"expected size of input's dimension 2 to match the calculated number of sliding blocks "
                           f"{blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but got input.size(2)={x.shape[2]}.")
    image = jax.ShapeDtypeStruct((x.shape[0], x.shape[1] // (k[0] * k[1])) + out, x.dtype)
    (y,) = jax.linear_transpose(lambda im: _unfold4d(im, k, d, p, s), image)(x)
    return y if input.ndim == 3 else y[0]


def _shuffle(name, x, factor, up: bool):
    if x.ndim < 3:
        raise RuntimeError(f"{name} expects input to have at least 3 dimensions, but got input with {x.ndim} "
                           f"dimension(s)")
    if factor <= 0:
        raise RuntimeError(f"{name} expects a positive {'upscale' if up else 'downscale'}_factor, but got {factor}")
    *lead, c, h, w = x.shape
    r = factor
    if up and c % (r * r):
        raise RuntimeError(f"{name} expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    for what, size, axis in (("height", h, -2), ("width", w, -1)):
        if not up and size % r:
            raise RuntimeError(f"{name} expects {what} to be divisible by downscale_factor, but "
                               f"input.size({axis})={size} is not divisible by {r}")
    b = len(lead)
    if up:  # (*, C r r, H, W) -> (*, C, H, r, W, r)
        y = x.reshape(*lead, c // (r * r), r, r, h, w)
        return jnp.transpose(y, (*range(b), b, b + 3, b + 1, b + 4, b + 2)).reshape(*lead, c // (r * r), h * r, w * r)
    y = x.reshape(*lead, c, h // r, r, w // r, r)
    return jnp.transpose(y, (*range(b), b, b + 2, b + 4, b + 1, b + 3)).reshape(*lead, c * r * r, h // r, w // r)


def pixel_shuffle(input, upscale_factor: int) -> jax.Array:
    """Rearranges ``(*, C r^2, H, W)`` into ``(*, C, H r, W r)``, as ``torch.nn.functional.pixel_shuffle``.

    Example:
      >>> pixel_shuffle(jnp.arange(4).reshape(4, 1, 1), 2)
      Array([[[0, 1],
              [2, 3]]], dtype=int32)
    """
    return _shuffle("pixel_shuffle", input, upscale_factor, up=True)


def pixel_unshuffle(input, downscale_factor: int) -> jax.Array:
    """Inverse of :func:`pixel_shuffle`: ``(*, C, H r, W r) -> (*, C r^2, H, W)``, as torch.

    Example:
      >>> pixel_unshuffle(jnp.arange(4).reshape(1, 2, 2), 2).ravel()
      Array([0, 1, 2, 3], dtype=int32)
    """
    return _shuffle("pixel_unshuffle", input, downscale_factor, up=False)
