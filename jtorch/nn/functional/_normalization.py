"""Normalization: batch, instance, layer, group, RMS and local response norm, and ``normalize``.

``batch_norm`` and ``instance_norm`` are pure: instead of updating ``running_mean`` / ``running_var`` in
place they return ``(out, new_running_mean, new_running_var)`` (the one deliberate difference from
``torch.nn.functional``; the facade writes the statistics back). ``training`` / ``use_input_stats`` are
static bools; ``momentum`` and ``eps`` may be traced. Statistics of float16/bfloat16 inputs are
computed in float32, as PyTorch's CPU kernels accumulate; the output keeps the input's dtype.
"""
from __future__ import annotations

import math
from typing import Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.typing import ArrayLike

from ._activation import _cast, _dim, _float, _known
from ._distance import _vector_norm

Stats = tuple[jax.Array, jax.Array | None, jax.Array | None]


def _upcast(x: jax.Array) -> jax.Array:
    return x.astype(jnp.promote_types(x.dtype, jnp.float32))


def _moments(x: jax.Array, axes: tuple[int, ...]) -> tuple[jax.Array, jax.Array]:
    """Mean and biased variance over ``axes`` (kept as size-1 dims)."""
    mean = jnp.mean(x, axes, keepdims=True)
    return mean, jnp.mean(jnp.square(x - mean), axes, keepdims=True)


def _per_channel(v: ArrayLike | None, ndim: int) -> jax.Array | None:
    """A ``(C,)`` vector shaped to broadcast against ``(N, C, *)``."""
    return None if v is None else jnp.reshape(v, (-1,) + (1,) * (ndim - 2))


def _scale_shift(x: jax.Array, mean: jax.Array, var: jax.Array, eps: ArrayLike, weight: jax.Array | None,
                 bias: jax.Array | None, dtype) -> jax.Array:
    """``(x - mean) / sqrt(var + eps) * weight + bias`` folded into one multiply-add, as PyTorch's CPU kernel."""
    scale = lax.rsqrt(var + _cast(eps, var))
    if weight is not None:
        scale = scale * weight
    shift = -mean * scale if bias is None else bias - mean * scale
    return (x * scale + shift).astype(dtype)


def _check_size(counted: Sequence[int], what: str, size: str) -> None:
    """PyTorch's ``_verify_batch_size`` / ``_verify_spatial_size``: statistics need more than one value."""
    if math.prod(counted) == 1:
        raise ValueError(f"Expected more than 1 {what} when training, got input size {size}")


def _check_channels(c: int, **tensors: ArrayLike | None) -> None:
    for name, t in tensors.items():
        if t is not None and jnp.size(t) != c:
            raise RuntimeError(f"{name} should contain {c} elements not {jnp.size(t)}")


def _update(running: ArrayLike | None, stat: jax.Array, momentum: ArrayLike) -> jax.Array | None:
    """PyTorch's running-statistics rule ``(1 - momentum) * old + momentum * new``, outside autodiff."""
    if running is None:
        return None
    r = jnp.asarray(running)
    m = _cast(momentum, r)
    return (1 - m) * r + m * lax.stop_gradient(stat).reshape(r.shape).astype(r.dtype)


def batch_norm(input: ArrayLike, running_mean: ArrayLike | None, running_var: ArrayLike | None,
               weight: ArrayLike | None = None, bias: ArrayLike | None = None, training: bool = False,
               momentum: ArrayLike = 0.1, eps: ArrayLike = 1e-5) -> Stats:
    """Normalises each channel (dim 1) by batch statistics (``training``) or the running ones.

    In training the output uses the biased batch variance and the running statistics are updated with
    the unbiased one: ``new = (1 - momentum) * old + momentum * batch``. In eval mode the running
    statistics are used and returned unchanged. ``None`` running statistics are returned as ``None``.

    Args:
        input: ``(N, C)``, ``(N, C, L)``, ``(N, C, H, W)`` or ``(N, C, D, H, W)``.
        running_mean, running_var: ``(C,)`` or None (then training mode must be on).
        weight, bias: ``(C,)`` affine parameters or None. Default: None.
        training: use batch statistics (static). Default: False.
        momentum: Default: 0.1. eps: added to the variance. Default: 1e-5.

    Returns:
        ``(out, new_running_mean, new_running_var)``, ``out`` shaped like ``input``.

    Example:
        >>> out, rm, rv = batch_norm(jnp.array([[0.0], [2.0]]), jnp.zeros(1), jnp.ones(1), training=True)
        >>> out, rm, rv
        (Array([[-0.99999505],
               [ 0.99999505]], dtype=float32), Array([0.1], dtype=float32), Array([1.1], dtype=float32))
    """
    x = jnp.asarray(input)
    if x.shape == (0,):  # torch returns an empty 1-D input unchecked, its statistics unchanged
        return x, running_mean, running_var
    if x.ndim < 2:
        raise IndexError(f"batch_norm expects input of shape (N, C, *), got shape {tuple(x.shape)}")
    _check_channels(x.shape[1], running_mean=running_mean, running_var=running_var, weight=weight, bias=bias)
    known_eps = _known(eps)
    if known_eps is not None and (known_eps < 0 or (training and known_eps == 0)):
        raise ValueError(f"batch_norm eps must be {'positive during training' if training else 'non-negative'}, "
                         f"but got {eps}")
    xs, ndim = _upcast(x), x.ndim
    if training:
        _check_size((x.shape[0],) + x.shape[2:], "value per channel", f"torch.Size({list(x.shape)})")
        mean, var = _moments(xs, (0,) + tuple(range(2, ndim)))
        n = x.size // x.shape[1]
        new_mean, new_var = _update(running_mean, mean, momentum), _update(running_var, var * (n / (n - 1)), momentum)
    else:
        for name, r in (("running_mean", running_mean), ("running_var", running_var)):
            if r is None:
                raise RuntimeError(f"{name} must be defined in evaluation mode")
        mean, var = _per_channel(running_mean, ndim), _per_channel(running_var, ndim)
        new_mean, new_var = running_mean, running_var
    out = _scale_shift(xs, mean, var, eps, _per_channel(weight, ndim), _per_channel(bias, ndim), x.dtype)
    return out, new_mean, new_var


def instance_norm(input: ArrayLike, running_mean: ArrayLike | None = None, running_var: ArrayLike | None = None,
                  weight: ArrayLike | None = None, bias: ArrayLike | None = None, use_input_stats: bool = True,
                  momentum: ArrayLike = 0.1, eps: ArrayLike = 1e-5) -> Stats:
    """Normalises each ``(sample, channel)`` over its spatial dims.

    With ``use_input_stats`` (static) the per-instance statistics are used, and given running statistics
    are updated with their mean over the batch (unbiased variance), as PyTorch; otherwise the running
    statistics are used and returned unchanged.

    Args:
        input: ``(N, C, *)`` with more than one spatial element.
        running_mean, running_var: ``(C,)`` or None. Default: None.
        weight, bias: ``(C,)`` or None. Default: None. use_input_stats: Default: True.
        momentum: Default: 0.1. eps: Default: 1e-5.

    Returns:
        ``(out, new_running_mean, new_running_var)``.

    Example:
        >>> instance_norm(jnp.array([[[0.0, 2.0]]]))[0]
        Array([[[-0.99999505,  0.99999505]]], dtype=float32)
    """
    x = jnp.asarray(input)
    if x.ndim < 2:
        raise IndexError(f"instance_norm expects input of shape (N, C, *), got shape {tuple(x.shape)}")
    _check_channels(x.shape[1], running_mean=running_mean, running_var=running_var, weight=weight, bias=bias)
    xs, ndim = _upcast(x), x.ndim
    if use_input_stats:
        _check_size(x.shape[2:], "spatial element", f"torch.Size({list(x.shape)})")
        mean, var = _moments(xs, tuple(range(2, ndim)))
        n = math.prod(x.shape[2:])
        new_mean = _update(running_mean, jnp.mean(mean, 0), momentum)
        new_var = _update(running_var, jnp.mean(var, 0) * (n / (n - 1)), momentum)
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("Expected running_mean and running_var to be defined when use_input_stats is false")
        mean, var = _per_channel(running_mean, ndim), _per_channel(running_var, ndim)
        new_mean, new_var = running_mean, running_var
    out = _scale_shift(xs, mean, var, eps, _per_channel(weight, ndim), _per_channel(bias, ndim), x.dtype)
    return out, new_mean, new_var


def _last_dims(x: jax.Array, normalized_shape: int | Sequence[int], **affine: ArrayLike | None) -> tuple[int, ...]:
    """Validates ``normalized_shape`` (and the affine tensors' shapes); returns the axes it covers."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if k == 0 or x.shape[x.ndim - k:] != shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[*, {', '.join(map(str, shape))}], but got input of size{list(x.shape)}")
    for name, t in affine.items():
        if t is not None and tuple(jnp.shape(t)) != shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of "
                               f"shape {list(jnp.shape(t))} and normalized_shape = {list(shape)}")
    return tuple(range(x.ndim - k, x.ndim))


def layer_norm(input: ArrayLike, normalized_shape: int | Sequence[int], weight: ArrayLike | None = None,
               bias: ArrayLike | None = None, eps: ArrayLike = 1e-5) -> jax.Array:
    """Normalises over the trailing ``normalized_shape`` dims (biased variance), then ``* weight + bias``.

    Args:
        input: ``(*, *normalized_shape)``. normalized_shape: int or tuple (static).
        weight, bias: shaped ``normalized_shape``, or None. Default: None. eps: Default: 1e-5.

    Shape:
        ``(*) -> (*)``, same shape.

    Example:
        >>> layer_norm(jnp.array([[0.0, 2.0]]), 2)
        Array([[-0.99999505,  0.99999505]], dtype=float32)
    """
    x = jnp.asarray(input)
    axes = _last_dims(x, normalized_shape, weight=weight, bias=bias)
    xs = _upcast(x)
    mean, var = _moments(xs, axes)
    rstd = lax.rsqrt(var + _cast(eps, var))
    # torch's CPU kernel normalises before the affine, (x * rstd - mean * rstd) * weight + bias: folding weight
    # into the shift (as batch_norm's kernel does) loses the bias to cancellation when |weight * rstd| is large.
    y = xs * rstd - mean * rstd
    y = y if weight is None else y * weight
    return (y if bias is None else y + bias).astype(x.dtype)


def rms_norm(input: ArrayLike, normalized_shape: int | Sequence[int], weight: ArrayLike | None = None,
             eps: ArrayLike | None = None) -> jax.Array:
    """``x / sqrt(mean(x^2) + eps) * weight`` over the trailing ``normalized_shape`` dims.

    Args:
        input: ``(*, *normalized_shape)``. normalized_shape: int or tuple (static).
        weight: shaped ``normalized_shape``, or None. eps: Default: ``finfo(input.dtype).eps``.

    Shape:
        ``(*) -> (*)``, same shape.

    Example:
        >>> rms_norm(jnp.array([[3.0, 4.0]]), 2, eps=0.0)
        Array([[0.84852815, 1.1313709 ]], dtype=float32)
    """
    x = jnp.asarray(input)
    axes = _last_dims(x, normalized_shape, weight=weight)
    xs = _upcast(x)
    if eps is None:
        eps = jnp.finfo(x.dtype).eps
    y = xs * lax.rsqrt(jnp.mean(jnp.square(xs), axes, keepdims=True) + _cast(eps, xs))
    return (y if weight is None else y * weight).astype(x.dtype)


def group_norm(input: ArrayLike, num_groups: int, weight: ArrayLike | None = None, bias: ArrayLike | None = None,
               eps: ArrayLike = 1e-5) -> jax.Array:
    """Splits the channels into ``num_groups`` groups and normalises each group of each sample, then applies
    the per-channel ``weight`` and ``bias``.

    Args:
        input: ``(N, C, *)`` with ``C`` divisible by ``num_groups``. num_groups: static int.
        weight, bias: ``(C,)`` or None. Default: None. eps: Default: 1e-5.

    Shape:
        ``(N, C, *) -> (N, C, *)``.

    Example:
        >>> group_norm(jnp.array([[0.0, 2.0]]), 1)
        Array([[-0.99999505,  0.99999505]], dtype=float32)
    """
    x = jnp.asarray(input)
    if x.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {x.ndim}")
    n, c = x.shape[:2]
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input "
                           f"of shape {list(x.shape)} and num_groups={num_groups}")
    counted = (n * c // num_groups,) + x.shape[2:]
    _check_size(counted, "value per channel", str(list(counted[:1] + (num_groups,) + counted[1:])))
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and jnp.shape(t) != (c,):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in input, "
                               f"but got {name} of shape {list(jnp.shape(t))} and input of shape {list(x.shape)}")
    xs = _upcast(x).reshape(n, c, math.prod(x.shape[2:]))  # explicit sizes: -1 is ambiguous when n == 0
    mean, var = _moments(xs.reshape(n, num_groups, c // num_groups * xs.shape[2]), (2,))
    mean, var = (jnp.repeat(v, c // num_groups, axis=1) for v in (mean, var))
    out = _scale_shift(xs, mean, var, eps, _per_channel(weight, 3), _per_channel(bias, 3), x.dtype)
    return out.reshape(x.shape)


def local_response_norm(input: ArrayLike, size: int, alpha: ArrayLike = 1e-4, beta: ArrayLike = 0.75,
                        k: ArrayLike = 1.0) -> jax.Array:
    """Divides by ``(k + alpha * mean of x^2 over a window of `size` channels) ^ beta``.

    The window is centred on each channel (``size // 2`` before, ``(size - 1) // 2`` after) and zero
    padded; the mean always divides by ``size``, as PyTorch's average pooling with padding.

    Args:
        input: ``(N, C, *)``, at least 3-d. size: channels in the window (static).
        alpha: Default: 1e-4. beta: Default: 0.75. k: Default: 1.

    Shape:
        ``(N, C, *) -> (N, C, *)``.

    Example:
        >>> local_response_norm(jnp.full((1, 2, 1), 2.0), 2, alpha=1.0, beta=1.0)
        Array([[[0.6666667],
                [0.4      ]]], dtype=float32)
    """
    x = jnp.asarray(input)
    if x.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {x.ndim} dimensions)")
    if x.size == 0:  # returned as it is, integers included
        return x
    window = (1, size) + (1,) * (x.ndim - 2)
    pads = ((0, 0), (size // 2, (size - 1) // 2)) + ((0, 0),) * (x.ndim - 2)
    # A concrete (NumPy) init value lets JAX lower this to its differentiable windowed sum.
    total = lax.reduce_window(x * x, np.zeros((), x.dtype), lax.add, window, (1,) * x.ndim, pads)
    # Integers: torch's integer average pool truncates the mean, and the rest is in float32.
    div, x = (total / size, x) if jnp.issubdtype(x.dtype, jnp.inexact) else (_float(total // size), _float(x))
    return x / (div * _cast(alpha, x) + _cast(k, x)) ** _cast(beta, x)


def normalize(input: ArrayLike, p: ArrayLike = 2.0, dim: int = 1, eps: ArrayLike = 1e-12) -> jax.Array:
    """``x / max(||x||_p, eps)`` along ``dim``.

    Args:
        input: any shape. p: norm degree. Default: 2. dim: Default: 1. eps: Default: 1e-12.

    Shape:
        ``(*) -> (*)``, same shape.

    Example:
        >>> normalize(jnp.array([[3.0, 4.0]]))
        Array([[0.6, 0.8]], dtype=float32)
    """
    x = jnp.asarray(input)
    n = _vector_norm(x, p, _dim(dim, x.ndim), keepdims=True)
    eps = _cast(eps, n)
    return x / jnp.where(n >= eps, n, eps)  # PyTorch's clamp_min passes the gradient at n == eps
