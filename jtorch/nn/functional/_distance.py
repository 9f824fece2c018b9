"""Distances and similarities: cosine_similarity, pairwise_distance, pdist, cdist.

All norms go through :func:`_vector_norm`, whose gradient at a zero vector is 0, as PyTorch's norm
backward (``grad / norm`` masked where ``norm == 0``), instead of the ``nan`` that ``sqrt'(0)`` gives.
"""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.typing import ArrayLike

from ._activation import _dim, _float, _known


def _safe_sqrt(s: jax.Array) -> jax.Array:
    """``sqrt(s)`` for ``s >= 0`` with gradient 0 (not inf) at ``s == 0``."""
    zero = s == 0
    return jnp.where(zero, 0, jnp.sqrt(jnp.where(zero, 1, s)))


def _abs(x: jax.Array) -> jax.Array:
    """``|x|`` with PyTorch's derivative ``sign(x)``, which is 0 at 0 (``jnp.abs``'s is 1 there)."""
    return x * jnp.sign(x)


def _vector_norm(x: jax.Array, p: ArrayLike, axis: int, keepdims: bool = False) -> jax.Array:
    """The ``p``-norm along ``axis``; ``p`` may be traced unless it is 0 or ±inf. 0-d counts as 1 element."""
    if x.ndim == 0:
        return _vector_norm(x[None], p, 0)
    known = _known(p)
    a = _abs(x)
    if known == math.inf:
        return jnp.max(a, axis, keepdims=keepdims)
    if known == -math.inf:
        return jnp.min(a, axis, keepdims=keepdims)
    if known == 0:
        return jnp.sum((x != 0).astype(a.dtype), axis, keepdims=keepdims)
    if known == 1:
        return jnp.sum(a, axis, keepdims=keepdims)
    if known == 2:
        return _safe_sqrt(jnp.sum(x * x, axis, keepdims=keepdims))
    p = jnp.asarray(p, a.dtype)
    s = jnp.sum(a ** p, axis, keepdims=keepdims)
    zero = s == 0
    return jnp.where(zero, 0, jnp.where(zero, 1, s) ** (1 / p))


def _broadcast_shape(sa: tuple[int, ...], sb: tuple[int, ...]) -> tuple[int, ...]:
    """NumPy broadcasting, with PyTorch's RuntimeError naming the first mismatching dimension."""
    n = max(len(sa), len(sb))
    sa, sb = (1,) * (n - len(sa)) + tuple(sa), (1,) * (n - len(sb)) + tuple(sb)
    for d, (i, j) in enumerate(zip(sa, sb)):
        if i != j and 1 not in (i, j):
            raise RuntimeError(f"The size of tensor a ({i}) must match the size of tensor b ({j}) at "
                               f"non-singleton dimension {d}")
    return tuple(np.broadcast_shapes(sa, sb))


def _broadcast(x1: ArrayLike, x2: ArrayLike) -> tuple[jax.Array, jax.Array]:
    a, b = jnp.asarray(x1), jnp.asarray(x2)
    shape = _broadcast_shape(a.shape, b.shape)
    return jnp.broadcast_to(a, shape), jnp.broadcast_to(b, shape)


def cosine_similarity(x1: ArrayLike, x2: ArrayLike, dim: int = 1, eps: ArrayLike = 1e-8) -> jax.Array:
    """``x1 · x2 / (max(||x1||, eps) * max(||x2||, eps))`` along ``dim`` (inputs broadcast).

    Args:
        x1, x2: broadcastable inputs. dim: the vector dimension. Default: 1. eps: Default: 1e-8.

    Shape:
        ``(*1, D, *2) -> (*1, *2)``.

    Example:
        >>> cosine_similarity(jnp.array([[1.0, 0.0]]), jnp.array([[1.0, 1.0]]))
        Array([0.70710677], dtype=float32)
    """
    a, b = _broadcast(x1, x2)
    d = _dim(dim, a.ndim)
    if a.ndim == 0:
        a, b = a[None], b[None]

    def unit(v):
        n = _vector_norm(v, 2, d, keepdims=True)
        # PyTorch clamps the norm in place under no_grad: the value is clamped, the gradient is the norm's.
        return v / (n + lax.stop_gradient(jnp.maximum(n, eps) - n))
    return jnp.sum(unit(a) * unit(b), axis=d)


def pairwise_distance(x1: ArrayLike, x2: ArrayLike, p: ArrayLike = 2.0, eps: ArrayLike = 1e-6,
                      keepdim: bool = False) -> jax.Array:
    """``||x1 - x2 + eps||_p`` along the last dimension (inputs broadcast).

    Args:
        x1, x2: ``(*, D)`` or ``(D,)``. p: norm degree. Default: 2. eps: added to the difference to avoid
            a zero norm. Default: 1e-6. keepdim: keep the reduced dimension. Default: False.

    Shape:
        ``(*, D) -> (*)`` (``(*, 1)`` with ``keepdim``).

    Example:
        >>> pairwise_distance(jnp.array([[3.0, 0.0]]), jnp.array([[0.0, 4.0]]), eps=0.0)
        Array([5.], dtype=float32)
    """
    a, b = _broadcast(_float(x1), _float(x2))
    return _vector_norm(a - b + eps, p, -1, keepdims=keepdim)


def _check_p(name: str, p: ArrayLike) -> None:
    known = _known(p)
    if known is not None and known < 0:
        raise RuntimeError(f"{name} only supports non-negative p values, got p={p}")


def pdist(input: ArrayLike, p: ArrayLike = 2.0) -> jax.Array:
    """The ``p``-norm distance between every pair of rows ``i < j``, in row-major upper-triangle order.

    Args:
        input: ``(N, M)``. p: norm degree, >= 0. Default: 2.

    Shape:
        ``(N, M) -> (N * (N - 1) / 2,)``.

    Example:
        >>> pdist(jnp.array([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]]))
        Array([5.       , 1.       , 4.2426405], dtype=float32)
    """
    x = jnp.asarray(input)
    if x.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {x.ndim}D")
    _check_p("pdist", p)
    i, j = np.triu_indices(x.shape[0], 1)
    return _vector_norm(x[i] - x[j], p, -1)


_CDIST_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist")


def cdist(x1: ArrayLike, x2: ArrayLike, p: ArrayLike = 2.0,
          compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> jax.Array:
    """``torch.cdist``: the ``p``-norm distance between each row of ``x1`` and each row of ``x2``.

    For ``p = 2`` and more than 25 rows on either side (or ``compute_mode='use_mm_for_euclid_dist'``) it
    uses PyTorch's faster matmul form ``sqrt(max(|a|^2 + |b|^2 - 2 a·b, 0))``, as PyTorch does.

    Args:
        x1: ``(*, P, M)``. x2: ``(*, R, M)``, batch dims broadcast. p: norm degree, >= 0. Default: 2.
        compute_mode: one of ``'use_mm_for_euclid_dist_if_necessary'``, ``'use_mm_for_euclid_dist'``,
            ``'donot_use_mm_for_euclid_dist'``.

    Shape:
        ``(*, P, M), (*, R, M) -> (*, P, R)``.

    Example:
        >>> cdist(jnp.array([[0.0, 0.0]]), jnp.array([[3.0, 4.0], [0.0, 1.0]]))
        Array([[5., 1.]], dtype=float32)
    """
    a, b = jnp.asarray(x1), jnp.asarray(x2)
    for name, v in (("X1", a), ("X2", b)):
        if v.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {v.ndim}D")
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {a.shape[-1]} X2: {b.shape[-1]}")
    _check_p("cdist", p)
    if compute_mode not in _CDIST_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    batch = _broadcast_shape(a.shape[:-2], b.shape[:-2])
    a, b = jnp.broadcast_to(a, batch + a.shape[-2:]), jnp.broadcast_to(b, batch + b.shape[-2:])
    if _known(p) == 2 and (compute_mode == _CDIST_MODES[1] or
                           (compute_mode == _CDIST_MODES[0] and max(a.shape[-2], b.shape[-2]) > 25)):
        s = (jnp.sum(a * a, -1)[..., :, None] + jnp.sum(b * b, -1)[..., None, :]
             - 2 * jnp.matmul(a, jnp.swapaxes(b, -1, -2)))
        return _safe_sqrt(jnp.maximum(s, 0))
    return _vector_norm(a[..., :, None, :] - b[..., None, :, :], p, -1)
