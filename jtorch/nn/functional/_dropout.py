"""Dropout: elementwise, channel-wise (1d/2d/3d) and SELU's alpha dropout, with an explicit random key.

``training`` is a static Python bool. With ``training=False`` or ``p=0`` the input comes back unchanged
and no key is needed; otherwise ``key`` (a ``jax.random`` key) is required. ``p`` may be a traced scalar.
``inplace`` is accepted and ignored (pure ops).
"""
from __future__ import annotations

import warnings

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from ._activation import _cast, _known

# -SELU's negative saturation value, scale * alpha (ATen's Dropout.cpp).
_SELU_SATURATION = 1.7580993408473766


def _check_p(p: ArrayLike) -> float | None:
    known = _known(p)
    if known is not None and not 0.0 <= known <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    return known


def _dropout(input: ArrayLike, p: ArrayLike, training: bool, key: jax.Array | None, *,
             channels: int | None, alpha: bool) -> jax.Array:
    """ATen's ``_dropout_impl``. ``channels`` = number of leading dims the mask varies over (None: all)."""
    x = jnp.asarray(input)
    known = _check_p(p)
    if not training or known == 0.0 or x.size == 0:
        return x
    if key is None:
        raise RuntimeError("dropout with `training=True` and `p` > 0 needs a random key: pass `key=` "
                           "(e.g. jax.random.key(0))")
    if channels is not None and x.ndim < channels:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    shape = x.shape if channels is None else x.shape[:channels] + (1,) * (x.ndim - channels)
    p = _cast(p, x)
    keep = 1 - p
    mask = jax.random.bernoulli(key, keep, shape).astype(x.dtype)
    # PyTorch multiplies by the noise (NaN inputs stay NaN); the guards make a traced p == 1 give zeros
    # as PyTorch does, instead of 0 * inf.
    safe = jnp.where(keep > 0, keep, 1)
    if not alpha:
        return x * (mask * jnp.where(keep > 0, 1 / safe, 0))
    a = jnp.where(keep > 0, jax.lax.rsqrt((_SELU_SATURATION ** 2 * p + 1) * safe), 0)
    return x * (mask * a) + _SELU_SATURATION * a * (mask - 1 + p)

def dropout(input: ArrayLike, p: ArrayLike = 0.5, training: bool = True, inplace: bool = False, *,
            key: jax.Array | None = None) -> jax.Array:
    """Zeroes each element with probability ``p`` and scales the rest by ``1 / (1 - p)``.

    Args:
        input: any shape. p: drop probability in ``[0, 1]``. Default: 0.5.
        training: apply dropout (else identity). Default: True. inplace: ignored.
        key: ``jax.random`` key, required when ``training`` and ``p > 0``.

    Shape:
        ``(*) -> (*)``, same shape.

    Example:
        >>> dropout(jnp.ones(3), 0.5, training=False)
        Array([1., 1., 1.], dtype=float32)
    """
    del inplace
    return _dropout(input, p, training, key, channels=None, alpha=False)


def alpha_dropout(input: ArrayLike, p: ArrayLike = 0.5, training: bool = False, inplace: bool = False, *,
                  key: jax.Array | None = None) -> jax.Array:
    """Dropout for SELU networks: dropped elements take SELU's saturation value, then an affine map
    restores zero mean and unit variance (PyTorch's constants).

    Args:
        input: any shape. p: drop probability. Default: 0.5. training: Default: False (PyTorch's).
        inplace: ignored. key: ``jax.random`` key, required when ``training`` and ``p > 0``.

    Shape:
        ``(*) -> (*)``, same shape.

    Example:
        >>> alpha_dropout(jnp.ones(2), 0.2)
        Array([1., 1.], dtype=float32)
    """
    del inplace
    return _dropout(input, p, training, key, channels=None, alpha=True)


def feature_alpha_dropout(input: ArrayLike, p: ArrayLike = 0.5, training: bool = False, inplace: bool = False,
                          *, key: jax.Array | None = None) -> jax.Array:
    """:func:`alpha_dropout` of whole channels: one draw per ``(N, C)`` entry.

    Args:
        input: ``(N, C, *)``. p, training, inplace, key: as :func:`alpha_dropout`.

    Shape:
        ``(N, C, *) -> (N, C, *)``.

    Example:
        >>> feature_alpha_dropout(jnp.ones((1, 2)), 0.2)
        Array([[1., 1.]], dtype=float32)
    """
    del inplace
    return _dropout(input, p, training, key, channels=2, alpha=True)


def dropout1d(input: ArrayLike, p: ArrayLike = 0.5, training: bool = True, inplace: bool = False, *,
              key: jax.Array | None = None) -> jax.Array:
    """Zeroes whole channels (1-d feature maps) with probability ``p``; scales the rest by ``1 / (1 - p)``.

    Args:
        input: ``(N, C, L)`` or unbatched ``(C, L)``. p, training, inplace, key: as :func:`dropout`.

    Shape:
        ``(N, C, L) -> (N, C, L)``, ``(C, L) -> (C, L)``.

    Example:
        >>> dropout1d(jnp.ones((1, 2)), training=False)
        Array([[1., 1.]], dtype=float32)
    """
    del inplace
    ndim = jnp.ndim(input)
    if ndim not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {ndim}D input. "
            "Note that dropout1d exists to provide channel-wise dropout on inputs with 1 "
            "spatial dimension, a channel dimension, and an optional batch dimension "
            "(i.e. 2D or 3D inputs).")
    return _dropout(input, p, training, key, channels=ndim - 1, alpha=False)


def _warn_rank(name: str, ndim: int, spatial: int) -> None:
    if ndim not in (spatial + 1, spatial + 2):
        warnings.warn(
            f"{name}: Received a {ndim}-D input to {name}, which is deprecated "
            "and will result in an error in a future release. To retain the behavior "
            "and silence this warning, please use dropout instead. Note that "
            f"{name} exists to provide channel-wise dropout on inputs with {spatial} "
            "spatial dimensions, a channel dimension, and an optional batch dimension "
            f"(i.e. {spatial + 1}D or {spatial + 2}D inputs).", stacklevel=3)


def dropout2d(input: ArrayLike, p: ArrayLike = 0.5, training: bool = True, inplace: bool = False, *,
              key: jax.Array | None = None) -> jax.Array:
    """Zeroes whole channels (2-d feature maps) with probability ``p``; scales the rest by ``1 / (1 - p)``.

    As PyTorch (for now), a 3-d input is read as ``(N, C, L)``, with a warning; use :func:`dropout1d`.

    Args:
        input: ``(N, C, H, W)``. p, training, inplace, key: as :func:`dropout`.

    Shape:
        ``(N, C, H, W) -> (N, C, H, W)``.

    Example:
        >>> dropout2d(jnp.ones((1, 1, 1, 2)), training=False)
        Array([[[[1., 1.]]]], dtype=float32)
    """
    del inplace
    ndim = jnp.ndim(input)
    _warn_rank("dropout2d", ndim, 2)
    if ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise "
            "1D dropout behavior is desired - input is interpreted as shape (N, C, L), where C "
            "is the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.", stacklevel=2)
    return _dropout(input, p, training, key, channels=2, alpha=False)


def dropout3d(input: ArrayLike, p: ArrayLike = 0.5, training: bool = True, inplace: bool = False, *,
              key: jax.Array | None = None) -> jax.Array:
    """Zeroes whole channels (3-d feature maps) with probability ``p``; scales the rest by ``1 / (1 - p)``.

    Args:
        input: ``(N, C, D, H, W)`` or unbatched ``(C, D, H, W)``. p, training, inplace, key: as :func:`dropout`.

    Shape:
        ``(N, C, D, H, W) -> (N, C, D, H, W)``, ``(C, D, H, W) -> (C, D, H, W)``.

    Example:
        >>> dropout3d(jnp.ones((1, 1, 1, 2)), training=False)
        Array([[[[1., 1.]]]], dtype=float32)
    """
    del inplace
    ndim = jnp.ndim(input)
    _warn_rank("dropout3d", ndim, 3)
    return _dropout(input, p, training, key, channels=2 if ndim == 5 else 1, alpha=False)
