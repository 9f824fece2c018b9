"""Class-index losses: nll_loss and cross_entropy (class indices or class probabilities, K-dimensional).

Out-of-range class indices raise only on concrete targets; under ``jax.jit`` they cannot be checked, and
the gathered log-probability of an out-of-range index is NaN (JAX's fill mode), so the loss is NaN.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from ._loss import _concrete, _hyper, _reduce, _reduction


def _check_class_target(input: jax.Array, target: jax.Array, weight, ignore_index: int) -> None:
    """PyTorch's nll_loss_nd checks: input ``(C,)`` with target ``()``, or ``(N, C, d1..dk)`` with target
    ``(N, d1..dk)`` of an integer dtype; weight ``(C,)``; on concrete targets, indices in ``[0, C)``."""
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    if input.ndim == 1:
        if target.ndim > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        if target.size != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {target.size}")
    elif target.ndim == 0 or input.shape[0] != target.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
                         f"({target.shape[0] if target.ndim else '0-d target'}).")
    elif target.shape != input.shape[:1] + input.shape[2:]:
        if input.ndim == 2:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        raise RuntimeError(f"Expected target size {list(input.shape[:1] + input.shape[2:])}, "
                           f"got {list(target.shape)}")
    if not jnp.issubdtype(target.dtype, jnp.integer):
        raise RuntimeError(f"expected target dtype to be an integer type (torch: Long or Byte), but got "
                           f"{target.dtype} (class-probability targets must have the input's shape {input.shape})")
    n_classes = input.shape[1 if input.ndim > 1 else 0]
    _check_class_weight(weight, n_classes, "")
    value = _concrete(target)
    if value is not None:
        bad = value[(value != ignore_index) & ((value < 0) | (value >= n_classes))]
        if bad.size:
            raise IndexError(f"Target {bad.flat[0]} is out of bounds.")


def _check_class_weight(weight, n_classes: int, prefix: str) -> None:
    if weight is not None and jnp.shape(weight) != (n_classes,):
        raise RuntimeError(f"{prefix}weight tensor should be defined either for all {n_classes} classes or no "
                           f"classes but got weight tensor of shape: {list(jnp.shape(weight))}")


def _nll_terms(logp: jax.Array, target: jax.Array, weight, ignore_index: int):
    """Per-element ``-weight[t] * logp[t]``, ``weight[t]`` (both 0 where ``t == ignore_index``) and the
    mask of non-ignored targets."""
    axis = 1 if logp.ndim > 1 else 0
    target = jnp.reshape(target, logp.shape[:axis] + logp.shape[axis + 1:]).astype(int)
    valid = target != ignore_index
    safe = jnp.where(valid, target, 0)
    picked = jnp.take_along_axis(logp, jnp.expand_dims(safe, axis), axis=axis).squeeze(axis)
    w = valid.astype(logp.dtype) if weight is None else jnp.where(valid, jnp.asarray(weight)[safe], 0)
    return -picked * w, w, valid


def _per_class(weight, ndim: int, axis: int) -> jax.Array:
    """``weight`` of shape ``(C,)`` reshaped to broadcast along the class axis of an ``ndim`` input."""
    return jnp.reshape(weight, (-1,) + (1,) * (ndim - axis - 1))


def _weighted_reduce(loss: jax.Array, w: jax.Array, reduction: str) -> jax.Array:
    if reduction == "mean":
        # PyTorch's 'mean' is a weighted mean over non-ignored targets. When all are ignored it is nan
        # with a zero gradient: a plain division would give 0 / 0 = nan gradients.
        total = jnp.sum(w)
        return jnp.where(total == 0, jnp.nan, jnp.sum(loss) / jnp.where(total == 0, 1, total))
    return jnp.sum(loss) if reduction == "sum" else loss


def nll_loss(input: ArrayLike, target: ArrayLike, weight: ArrayLike | None = None, size_average: bool | None = None,
             ignore_index: int = -100, reduce: bool | None = None, reduction: str = "mean") -> jax.Array:
    """Negative log likelihood: ``-weight[t] * input[n, t]`` for class-index targets ``t``.

    Args:
        input: log-probabilities.
        target: integer class indices in ``[0, C)`` or ``ignore_index`` (any integer dtype). Out-of-range
            indices raise IndexError on concrete targets; under ``jax.jit`` they give NaN.
        weight: optional per-class weight of shape ``(C,)``.
        ignore_index: a target value that contributes neither loss nor gradient. Default: -100.
        reduction: 'none' | 'mean' (weighted mean over non-ignored targets) | 'sum'. Default: 'mean'.
        size_average, reduce: deprecated; either overrides ``reduction``.

    Shape: input ``(C)``, ``(N, C)`` or ``(N, C, d1, ..., dk)``; target ``()``, ``(N)`` or
    ``(N, d1, ..., dk)``; output ``()``, or the target's shape for 'none'.

    Example:
        >>> nll_loss(jnp.log(jnp.array([[0.5, 0.5], [0.25, 0.75]])), jnp.array([0, 1]), reduction="none")
        Array([0.6931472, 0.2876821], dtype=float32)
    """
    reduction = _reduction(reduction, size_average, reduce)
    input, target = jnp.asarray(input), jnp.asarray(target)
    _check_class_target(input, target, weight, ignore_index)
    loss, w, _ = _nll_terms(input, target, weight, ignore_index)
    return _weighted_reduce(loss, w, reduction)


def cross_entropy(input: ArrayLike, target: ArrayLike, weight: ArrayLike | None = None,
                  size_average: bool | None = None, ignore_index: int = -100, reduce: bool | None = None,
                  reduction: str = "mean", label_smoothing: ArrayLike = 0.0) -> jax.Array:
    """Cross entropy between logits and class indices or class probabilities (``log_softmax`` + nll).

    Args:
        input: unnormalised logits.
        target: integer class indices (as :func:`nll_loss`), or class probabilities of ``input``'s shape
            (a float target of the input's shape selects this mode). Indices out of ``[0, C)`` raise
            IndexError on concrete targets; under ``jax.jit`` they cannot be checked and give NaN.
        weight: optional per-class weight of shape ``(C,)``.
        ignore_index: class-index targets only. Default: -100.
        reduction: 'none' | 'mean' | 'sum'. 'mean' is a weighted mean over non-ignored targets for class
            indices, and ``sum / (numel / C)`` for probabilities. Default: 'mean'.
        label_smoothing: in [0, 1]; mixes the target with the uniform distribution. May be traced (a
            traced value is always applied; PyTorch skips values <= 0). Default: 0.0.

    Shape: as :func:`nll_loss`; probability targets have the input's shape.

    Example:
        >>> cross_entropy(jnp.array([[0., 0.], [0., 0.]]), jnp.array([0, 1]))
        Array(0.6931472, dtype=float32)
        >>> cross_entropy(jnp.zeros((1, 4)), jnp.array([0]), label_smoothing=0.5)
        Array(1.3862944, dtype=float32)
    """
    reduction = _reduction(reduction, size_average, reduce)
    input, target = jnp.asarray(input), jnp.asarray(target)
    axis = 1 if input.ndim > 1 else 0
    smoothing = _concrete(label_smoothing)
    if smoothing is not None and smoothing > 1:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if smoothing is not None and smoothing <= 0:
        label_smoothing = None  # PyTorch skips smoothing for values <= 0
    if input.shape == target.shape and input.ndim:
        return _reduce(_soft_cross_entropy(input, target, weight, ignore_index, label_smoothing), reduction)
    _check_class_target(input, target, weight, ignore_index)
    logp = jax.nn.log_softmax(input, axis)
    loss, w, valid = _nll_terms(logp, target, weight, ignore_index)
    if label_smoothing is not None:
        # PyTorch: (1 - ls) * nll + ls / C * smooth, smooth = -sum_c weight[c] * logp[c] over non-ignored
        # targets, normalised like the nll term; both are linear in the reduction, so combine per element.
        weighted = logp if weight is None else logp * _per_class(weight, input.ndim, axis)
        uniform = jnp.where(valid, -jnp.sum(weighted, axis), 0)
        ls = _hyper(label_smoothing, logp)
        loss = (1 - ls) * loss + ls / input.shape[axis] * uniform
    return _weighted_reduce(loss, w, reduction)


def _soft_cross_entropy(input: jax.Array, target: jax.Array, weight, ignore_index: int, label_smoothing):
    """Unreduced cross entropy against class probabilities (``label_smoothing`` None when not applied)."""
    if not jnp.issubdtype(target.dtype, jnp.floating):
        raise RuntimeError(f"Expected floating point type for target with class probabilities, got {target.dtype}")
    if ignore_index >= 0:
        raise RuntimeError(f"ignore_index is not supported for floating point target (got {ignore_index})")
    axis = 1 if input.ndim > 1 else 0
    _check_class_weight(weight, input.shape[axis], "cross_entropy: ")
    if label_smoothing is not None:
        ls = _hyper(label_smoothing, target)
        target = target * (1 - ls) + ls / input.shape[axis]
    if weight is not None:
        target = target * _per_class(weight, input.ndim, axis)
    return -jnp.sum(jax.nn.log_softmax(input, axis) * target, axis)
