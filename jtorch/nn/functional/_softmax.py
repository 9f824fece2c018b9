"""Activations along one dimension: softmax, log_softmax, softmin and glu."""
from __future__ import annotations

import warnings
from typing import Callable

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike, DTypeLike

from ._activation import _dim


def _along(name: str, fn: Callable, x: ArrayLike, dim: int | None, stacklevel: int,
           dtype: DTypeLike | None) -> jax.Array:
    x = jnp.asarray(x)
    if dim is None:
        # torch.nn.functional._get_softmax_dim: the pre-1.0 implicit-dim rule, with its warning.
        warnings.warn(f"Implicit dimension choice for {name} has been deprecated. "
                      "Change the call to include dim=X as an argument.", stacklevel=stacklevel)
        dim = 0 if x.ndim in (0, 1, 3) else 1
    d = _dim(dim, x.ndim)
    if dtype is not None:
        x = x.astype(dtype)
    if x.ndim == 0:  # PyTorch treats a 0-d input as one element along dim 0
        return fn(x[None], axis=0)[0]
    return fn(x, axis=d)


def softmax(input: ArrayLike, dim: int | None = None, _stacklevel: int = 3,
            dtype: DTypeLike | None = None) -> jax.Array:
    """``exp(x) / sum(exp(x))`` along ``dim``, max-shifted for stability.

    Args:
        input: any shape.
        dim: the dimension to normalise. ``None`` picks PyTorch's deprecated implicit dim (0 for 0-, 1-
            or 3-d input, else 1) and warns. Default: None.
        _stacklevel: the warning's stack level. Default: 3.
        dtype: if given, ``input`` is cast to it first. Default: None.

    Shape:
        ``(*) -> (*)``, same shape.

    Example:
        >>> softmax(jnp.array([0.0, 0.0]), dim=0)
        Array([0.5, 0.5], dtype=float32)
    """
    return _along("softmax", jax.nn.softmax, input, dim, _stacklevel, dtype)


def log_softmax(input: ArrayLike, dim: int | None = None, _stacklevel: int = 3,
                dtype: DTypeLike | None = None) -> jax.Array:
    """``log(softmax(x))`` along ``dim``, computed stably as ``x - max - log(sum(exp(x - max)))``.

    Args:
        input: any shape. dim, _stacklevel, dtype: as :func:`softmax`.

    Shape:
        ``(*) -> (*)``, same shape.

    Example:
        >>> log_softmax(jnp.array([0.0]), dim=0)
        Array([0.], dtype=float32)
    """
    return _along("log_softmax", jax.nn.log_softmax, input, dim, _stacklevel, dtype)


def softmin(input: ArrayLike, dim: int | None = None, _stacklevel: int = 3,
            dtype: DTypeLike | None = None) -> jax.Array:
    """``softmax(-x)`` along ``dim``.

    Args:
        input: any shape. dim, _stacklevel, dtype: as :func:`softmax`.

    Shape:
        ``(*) -> (*)``, same shape.

    Example:
        >>> softmin(jnp.array([1.0, 1.0]), dim=0)
        Array([0.5, 0.5], dtype=float32)
    """
    return _along("softmin", lambda x, axis: jax.nn.softmax(-x, axis=axis), input, dim, _stacklevel, dtype)


def glu(input: ArrayLike, dim: int = -1) -> jax.Array:
    """Gated linear unit: splits ``dim`` in halves ``a, b`` and returns ``a * sigmoid(b)``.

    Args:
        input: any shape with an even size along ``dim``. dim: the dimension to split. Default: -1.

    Shape:
        ``(*, 2M, *) -> (*, M, *)``.

    Example:
        >>> glu(jnp.array([2.0, 0.0]))
        Array([1.], dtype=float32)
    """
    x = jnp.asarray(input)
    if x.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = _dim(dim, x.ndim)
    if x.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {x.shape[d]}")
    a, b = jnp.split(x, 2, axis=d)
    return a * jax.nn.sigmoid(b)
