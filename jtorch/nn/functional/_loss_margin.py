"""Margin and embedding losses: ranking, hinge, soft margin, multi-class / multi-label margin, cosine, triplet."""
from __future__ import annotations

import functools
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from ._activation import _float
from ._distance import pairwise_distance
from ._loss import _INVALID, _check_broadcasts_to, _clamp_min0, _concrete, _hyper, _reduce, _reduction


def _check_positive_margin(margin) -> None:
    value = _concrete(margin)
    if value is not None and value <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")


def _check_int_target(target: jax.Array) -> None:
    if not jnp.issubdtype(target.dtype, jnp.integer):
        raise RuntimeError(f"expected an integer `target` dtype (torch: Long), but got {target.dtype}")


def _check_vector_or_matrix(input: jax.Array) -> None:
    if input.ndim > 2 or (input.ndim and input.shape[-1] == 0):
        raise RuntimeError("Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(input.shape)}")


def margin_ranking_loss(input1: ArrayLike, input2: ArrayLike, target: ArrayLike, margin: float = 0,
                        size_average=None, reduce=None, reduction: str = "mean") -> jax.Array:
    """Ranking loss ``max(0, -target * (input1 - input2) + margin)`` with ``target`` in {1, -1}.

    Shape: three arrays of the same rank, broadcast together; output ``()``, or broadcast shape for 'none'.

    Example:
        >>> margin_ranking_loss(jnp.array([1., 0.]), jnp.array([0., 1.]), jnp.array([1., 1.]), reduction="none")
        Array([0., 1.], dtype=float32)
    """
    reduction = _reduction(reduction, size_average, reduce)
    input1, input2, target = _float(input1), _float(input2), jnp.asarray(target)
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError("margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape}")
    diff = input1 - input2
    return _reduce(_clamp_min0(-target * diff + _hyper(margin, diff)), reduction)


def hinge_embedding_loss(input: ArrayLike, target: ArrayLike, margin: float = 1.0, size_average=None,
                         reduce=None, reduction: str = "mean") -> jax.Array:
    """Hinge embedding loss: ``input`` where ``target == 1``, ``max(0, margin - input)`` where ``target == -1``.

    Example:
        >>> hinge_embedding_loss(jnp.array([0.3, 0.3]), jnp.array([1, -1]), reduction="none")
        Array([0.3, 0.7], dtype=float32)
    """
    reduction = _reduction(reduction, size_average, reduce)
    input, target = jnp.asarray(input), jnp.asarray(target)
    # Values other than +-1 get both terms, as in PyTorch.
    loss = (jnp.where(target != 1, _clamp_min0(_hyper(margin, input) - input), 0)
            + jnp.where(target != -1, input, 0))
    return _reduce(loss, reduction)


def soft_margin_loss(input: ArrayLike, target: ArrayLike, size_average=None, reduce=None,
                     reduction: str = "mean") -> jax.Array:
    """Two-class logistic loss ``log(1 + exp(-target * input))``, computed as a softplus.

    Note: PyTorch evaluates ``log1p(exp(.))``, which overflows to inf for ``-target * input`` above ~88
    (float32); here the loss stays finite. Values agree elsewhere.

    Example:
        >>> soft_margin_loss(jnp.array([0., 0.]), jnp.array([1., -1.]))
        Array(0.6931472, dtype=float32)
    """
    reduction = _reduction(reduction, size_average, reduce)
    input, target = jnp.asarray(input), jnp.asarray(target)
    _check_broadcasts_to(input, target, "target")
    return _reduce(jax.nn.softplus(-target * input), reduction)


def multilabel_soft_margin_loss(input: ArrayLike, target: ArrayLike, weight: ArrayLike | None = None,
                                size_average=None, reduce=None, reduction: str = "mean") -> jax.Array:
    """Multi-label one-versus-all logistic loss, averaged over the classes (last dimension).

    Shape: input and target ``(*, C)``; output ``()``, or ``(*)`` for 'none'.

    Example:
        >>> multilabel_soft_margin_loss(jnp.zeros((1, 3)), jnp.array([[1., 0., 1.]]))
        Array(0.6931472, dtype=float32)
    """
    reduction = _reduction(reduction, size_average, reduce, invalid="{} is not valid")
    input, target = jnp.asarray(input), jnp.asarray(target)
    loss = -(target * jax.nn.log_sigmoid(input) + (1 - target) * jax.nn.log_sigmoid(-input))
    if weight is not None:
        loss = loss * weight
    return _reduce(jnp.sum(loss, -1) / input.shape[-1], reduction)


def multilabel_margin_loss(input: ArrayLike, target: ArrayLike, size_average=None, reduce=None,
                           reduction: str = "mean") -> jax.Array:
    """Multi-label hinge loss ``sum_{j, i} max(0, 1 - x[y_j] + x[i]) / C`` over target classes ``y_j`` and
    non-target classes ``i``; each target row lists class indices and ends at the first -1.

    Shape: input ``(C)`` or ``(N, C)``; target of the same shape, integer; output ``()``, or ``(N)``.
    Memory is ``O(N * C**2)`` (all target/non-target pairs at once).

    Example:
        >>> multilabel_margin_loss(jnp.array([[0.1, 0.2, 0.4, 0.8]]), jnp.array([[3, 0, -1, 1]]))
        Array(0.85, dtype=float32)
    """
    reduction = _reduction(reduction, size_average, reduce)
    input, target = jnp.asarray(input), jnp.asarray(target)
    _check_vector_or_matrix(input)
    if target.shape != input.shape:
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: {list(input.shape)}")
    _check_int_target(target)
    n_classes = input.shape[-1] if input.ndim else 1
    value = _concrete(target)
    if value is not None and np.any((value < -1) | (value >= n_classes)):
        raise RuntimeError(f"argument #2 'target' is out of range: values must be in [-1, {n_classes})")
    x = jnp.reshape(input, (-1, n_classes))
    t = jnp.reshape(target, x.shape).astype(int)
    listed = jnp.cumprod(t >= 0, axis=-1).astype(bool)  # entries before the first -1
    safe = jnp.where(listed, t, 0)
    is_target = jnp.any(listed[..., None] & (safe[..., None] == jnp.arange(n_classes)), axis=-2)
    x_target = jnp.take_along_axis(x, safe, axis=-1)
    z = 1 - x_target[:, :, None] + x[:, None, :]  # (N, target j, class i)
    # PyTorch counts only z > 0, so the gradient is 0 at z == 0.
    counted = listed[:, :, None] & ~is_target[:, None, :] & (z > 0)
    loss = jnp.sum(jnp.where(counted, z, 0), axis=(1, 2)) / n_classes
    return _reduce(jnp.reshape(loss, input.shape[:-1]), reduction)


def multi_margin_loss(input: ArrayLike, target: ArrayLike, p: int = 1, margin: float = 1.0,
                      weight: ArrayLike | None = None, size_average=None, reduce=None,
                      reduction: str = "mean") -> jax.Array:
    """Multi-class hinge loss ``sum_{i != y} w[y] * max(0, margin - x[y] + x[i]) ** p / C``.

    Args:
        p: 1 or 2 (static). Default: 1.
        margin: may be traced. Default: 1.0.
        weight: optional per-class weight of shape ``(C,)``.

    Shape: input ``()``, ``(C)`` or ``(N, C)``; target ``()``/``(1)`` or ``(N)``; output ``()``, or the
    target's shape for 'none'.

    Example:
        >>> multi_margin_loss(jnp.array([[0.1, 0.2, 0.4, 0.8]]), jnp.array([3]))
        Array(0.325, dtype=float32)
    """
    reduction = _reduction(reduction, size_average, reduce)
    if p not in (1, 2):
        raise ValueError(f"only p == 1 and p == 2 supported (got p={p})")
    if weight is not None and jnp.ndim(weight) != 1:
        raise ValueError(f"weight must be one-dimensional (got shape {jnp.shape(weight)})")
    input, target = jnp.asarray(input), jnp.asarray(target)
    _check_vector_or_matrix(input)
    n_frames, n_classes = (input.shape[0] if input.ndim == 2 else 1), (input.shape[-1] if input.ndim else 1)
    if target.ndim > 1 or target.size != n_frames:
        raise RuntimeError("multi_margin_loss: target tensor should be 1-D with size equal to the number of "
                           f"input samples (batch size). Expected target size [{n_frames}], but got "
                           f"{list(target.shape)}. Input has shape {list(input.shape)}.")
    if weight is not None and jnp.size(weight) != n_classes:
        raise RuntimeError(f"inconsistent weight size, expected {n_classes} but got {list(jnp.shape(weight))}")
    _check_int_target(target)
    value = _concrete(target)
    if value is not None and np.any((value < 0) | (value >= n_classes)):
        raise RuntimeError(f"target out of range: values must be in [0, {n_classes})")
    x = jnp.reshape(input, (n_frames, n_classes))
    t = jnp.reshape(target, (n_frames, 1)).astype(int)
    z = _hyper(margin, x) - jnp.take_along_axis(x, t, axis=1) + x
    # PyTorch counts only z > 0 (gradient 0 at z == 0) and skips the target class.
    h = jnp.where((z > 0) & (jnp.arange(n_classes) != t), z, 0) ** p
    if weight is not None:
        h = h * jnp.asarray(weight)[t]
    return _reduce(jnp.reshape(jnp.sum(h, axis=1) / n_classes, target.shape), reduction)


def cosine_embedding_loss(input1: ArrayLike, input2: ArrayLike, target: ArrayLike, margin: float = 0,
                          size_average=None, reduce=None, reduction: str = "mean") -> jax.Array:
    """Cosine embedding loss: ``1 - cos(x1, x2)`` where ``target == 1``, ``max(0, cos(x1, x2) - margin)``
    where ``target == -1`` (the cosine uses PyTorch's ``sqrt((|x1|^2 + 1e-12) * (|x2|^2 + 1e-12))``).

    Shape: inputs ``(N, D)`` with target ``(N)``, or inputs ``(D)`` with target ``()``.

    Example:
        >>> cosine_embedding_loss(jnp.array([[1., 0.]]), jnp.array([[1., 1.]]), jnp.array([1]))
        Array(0.29289323, dtype=float32)
    """
    reduction = _reduction(reduction, size_average, reduce)
    input1, input2, target = _float(input1), _float(input2), jnp.asarray(target)
    if target.ndim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if not input1.ndim == input2.ndim == target.ndim + 1:
        raise RuntimeError(f"{target.ndim}D target tensor expects {target.ndim + 1}D input tensors, but found "
                           f"inputs with sizes {list(input1.shape)} and {list(input2.shape)}.")
    dot = jnp.sum(input1 * input2, -1)
    cos = dot / jnp.sqrt((jnp.sum(input1 * input1, -1) + 1e-12) * (jnp.sum(input2 * input2, -1) + 1e-12))
    loss = (jnp.where(target == 1, 1 - cos, 0)
            + jnp.where(target == -1, _clamp_min0(cos - _hyper(margin, cos)), 0))
    return _reduce(loss, reduction)


def _check_triplet(anchor, positive, negative, margin) -> None:
    """PyTorch's checks of a triplet loss's arguments (only ``ndim`` is read: the facade passes its Tensors)."""
    _check_positive_margin(margin)
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError("The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {anchor.ndim}D, positive {positive.ndim}D, and negative "
                           f"{negative.ndim}D inputs")


def _triplet(distance: Callable, anchor, positive, negative, margin, swap: bool, reduction: str) -> jax.Array:
    anchor, positive, negative = _float(anchor), _float(positive), _float(negative)
    _check_triplet(anchor, positive, negative, margin)
    d_pos, d_neg = distance(anchor, positive), distance(anchor, negative)
    if swap:
        # Balntas et al.: use the positive as anchor when it is closer to the negative.
        d_neg = jnp.minimum(d_neg, distance(positive, negative))
    return _reduce(_clamp_min0(_hyper(margin, d_pos) + d_pos - d_neg), reduction)


def triplet_margin_loss(anchor: ArrayLike, positive: ArrayLike, negative: ArrayLike, margin: float = 1.0,
                        p: float = 2, eps: float = 1e-6, swap: bool = False, size_average=None, reduce=None,
                        reduction: str = "mean") -> jax.Array:
    """Triplet loss ``max(0, margin + d(a, p) - d(a, n))`` with ``d`` the :func:`pairwise_distance`
    ``||x1 - x2 + eps||_p`` over the last dimension.

    Args:
        margin: > 0, may be traced. Default: 1.0.
        p, eps: the norm's order and epsilon. Defaults: 2, 1e-6.
        swap: use ``min(d(a, n), d(p, n))`` as the negative distance. Default: False.

    Shape: three arrays of the same rank ``(*, D)``, broadcast; output ``()``, or ``(*)`` for 'none'.

    Example:
        >>> triplet_margin_loss(jnp.array([[0., 0.]]), jnp.array([[3., 4.]]), jnp.array([[0., 1.]]), eps=0.)
        Array(5., dtype=float32)
    """
    reduction = _reduction(reduction, size_average, reduce)
    return _triplet(functools.partial(pairwise_distance, p=p, eps=eps), anchor, positive, negative, margin,
                    swap, reduction)


def triplet_margin_with_distance_loss(anchor: ArrayLike, positive: ArrayLike, negative: ArrayLike, *,
                                      distance_function: Callable | None = None, margin: float = 1.0,
                                      swap: bool = False, reduction: str = "mean") -> jax.Array:
    """As :func:`triplet_margin_loss` with any ``distance_function(x1, x2) -> distances`` (default:
    :func:`pairwise_distance`).

    Example:
        >>> l1 = lambda x1, x2: jnp.sum(jnp.abs(x1 - x2), -1)
        >>> triplet_margin_with_distance_loss(jnp.array([[0., 0.]]), jnp.array([[3., 4.]]),
        ...                                   jnp.array([[0., 1.]]), distance_function=l1)
        Array(7., dtype=float32)
    """
    reduction = _reduction(reduction, invalid=_INVALID)
    return _triplet(distance_function or pairwise_distance, anchor, positive, negative, margin, swap, reduction)
