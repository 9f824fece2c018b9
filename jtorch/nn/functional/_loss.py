"""Regression losses (mse, l1, smooth_l1, huber), plus the reduction and validation helpers every loss shares.

Data-dependent checks (a negative ``beta``, a target out of range) run only on concrete values: under
``jax.jit``, ``grad`` or ``vmap`` the values are unknown at trace time and the checks are skipped.
"""
from __future__ import annotations

import warnings

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

_REDUCTIONS = ("none", "mean", "sum")
_INVALID = "{} is not a valid value for reduction"


def _reduction(reduction: str, size_average: bool | None = None, reduce: bool | None = None, *,
               invalid: str | None = None, stacklevel: int = 3) -> str:
    """Resolves PyTorch's ``reduction`` and legacy ``size_average``/``reduce`` to 'none' | 'mean' | 'sum'.

    Mirrors ``torch.nn._reduction``: either legacy flag overrides ``reduction`` (with its warning);
    'elementwise_mean' is a deprecated alias of 'mean'. ``invalid`` is the error template of losses that
    PyTorch writes in Python: they reject 'elementwise_mean' like any unknown value.
    """
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = ("mean" if size_average else "sum") if reduce else "none"
        warnings.warn("size_average and reduce args will be deprecated, please use "
                      f"reduction='{reduction}' instead.", stacklevel=stacklevel)
    elif reduction == "elementwise_mean" and invalid is None:
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
                      stacklevel=stacklevel)
        return "mean"
    if reduction not in _REDUCTIONS:
        raise ValueError((invalid or _INVALID).format(reduction))
    return reduction


def _reduce(loss: jax.Array, reduction: str) -> jax.Array:
    if reduction == "mean":
        return jnp.mean(loss)
    return jnp.sum(loss) if reduction == "sum" else loss


def _concrete(x) -> np.ndarray | None:
    """``x`` as NumPy, or None while tracing, where data-dependent checks cannot run."""
    return None if isinstance(x, jax.core.Tracer) else np.asarray(x)


def _hyper(x, like: jax.Array) -> jax.Array:
    """A numeric hyper-parameter (maybe traced) in ``like``'s dtype: a float64 runtime scalar must not
    promote a float32 loss, as a Python float would not in PyTorch."""
    return jnp.asarray(x, dtype=like.dtype)


def _torch_size(shape) -> str:
    # PyTorch's messages print shapes as torch.Size; the compat layer re-raises them verbatim.
    return f"torch.Size({list(shape)})"


def _abs(x: jax.Array) -> jax.Array:
    # torch's abs has gradient sign(x), 0 at x == 0; JAX's abs has gradient 1 there.
    return x * jnp.sign(x)


def _clamp_min0(x: jax.Array) -> jax.Array:
    # torch's clamp_min passes the gradient at the boundary (x == 0); jnp.maximum would halve it.
    return jnp.where(x >= 0, x, 0)


def _check_broadcasts_to(input: jax.Array, other: jax.Array | None, name: str) -> None:
    """``other`` must broadcast to ``input``'s shape (PyTorch computes into an input-shaped output)."""
    if other is None:
        return
    try:
        shape = np.broadcast_shapes(input.shape, other.shape)
    except ValueError:
        shape = None
    if shape != input.shape:
        raise RuntimeError(f"`{name}` shape {other.shape} does not broadcast to `input` shape {input.shape}")


def _broadcast_pair(input, target) -> tuple[jax.Array, jax.Array]:
    """Broadcasts input and target as PyTorch's regression losses do, with its warning on a size mismatch."""
    input, target = jnp.asarray(input), jnp.asarray(target)
    if input.shape != target.shape:
        warnings.warn(f"Using a target size ({_torch_size(target.shape)}) that is different to the input size "
                      f"({_torch_size(input.shape)}). This will likely lead to incorrect results due to "
                      "broadcasting. Please ensure they have the same size.", stacklevel=4)
        try:
            shape = np.broadcast_shapes(input.shape, target.shape)
        except ValueError:
            raise RuntimeError(f"`input` shape {input.shape} and `target` shape {target.shape} cannot be "
                               "broadcast together") from None
        input, target = jnp.broadcast_to(input, shape), jnp.broadcast_to(target, shape)
    return input, target


def _regression(elementwise, input, target, reduction, size_average, reduce, weight, *, weight_sum_mean=True):
    """Shared body of mse/l1/smooth_l1/huber: broadcast, elementwise loss of ``input - target``, an optional
    same-shape ``weight``; a weighted 'mean' divides by ``sum(weight)`` (mse, l1) or by the count (huber)."""
    reduction = _reduction(reduction, size_average, reduce, invalid=None if weight is None else
                           "Invalid reduction mode: {}. Expected one of 'none', 'mean', 'sum'.", stacklevel=4)
    input, target = _broadcast_pair(input, target)
    loss = elementwise(input - target)
    if weight is None:
        return _reduce(loss, reduction)
    weight = jnp.asarray(weight)
    if weight.shape != input.shape:
        raise ValueError(f"Weights and input must have the same size: `weight` shape {weight.shape}, "
                         f"`input` shape {input.shape}.")
    loss = loss * weight
    return jnp.sum(loss) / jnp.sum(weight) if reduction == "mean" and weight_sum_mean else _reduce(loss, reduction)


def mse_loss(input: ArrayLike, target: ArrayLike, size_average: bool | None = None, reduce: bool | None = None,
             reduction: str = "mean", weight: ArrayLike | None = None) -> jax.Array:
    """Mean squared error ``(input - target) ** 2``, reduced.

    Args:
        input, target: arrays of the same shape (broadcast with PyTorch's warning otherwise).
        size_average, reduce: deprecated; either overrides ``reduction``.
        reduction: 'none' | 'mean' | 'sum'. Default: 'mean'.
        weight: optional elementwise weight of ``input``'s shape; a weighted 'mean' is
            ``sum(weight * loss) / sum(weight)``.

    Shape: ``(*)``, ``(*)`` -> ``()``, or ``(*)`` for 'none'.

    Example:
        >>> mse_loss(jnp.array([1., 2.]), jnp.array([0., 0.]))
        Array(2.5, dtype=float32)
    """
    return _regression(jnp.square, input, target, reduction, size_average, reduce, weight)


def l1_loss(input: ArrayLike, target: ArrayLike, size_average: bool | None = None, reduce: bool | None = None,
            reduction: str = "mean", weight: ArrayLike | None = None) -> jax.Array:
    """Mean absolute error ``|input - target|``, reduced; arguments as :func:`mse_loss`.

    Example:
        >>> l1_loss(jnp.array([1., -2.]), jnp.array([0., 0.]), reduction="sum")
        Array(3., dtype=float32)
    """
    return _regression(_abs, input, target, reduction, size_average, reduce, weight)


def smooth_l1_loss(input: ArrayLike, target: ArrayLike, size_average: bool | None = None,
                   reduce: bool | None = None, reduction: str = "mean", beta: ArrayLike = 1.0) -> jax.Array:
    """Smooth L1: ``0.5 * d**2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 * beta``, ``d = input - target``.

    Args:
        beta: the switch point, >= 0 (0 gives :func:`l1_loss`); may be traced. Default: 1.0.
        others: as :func:`mse_loss`.

    Example:
        >>> smooth_l1_loss(jnp.array([0.5, 3.]), jnp.array([0., 0.]), reduction="none")
        Array([0.125, 2.5  ], dtype=float32)
    """
    value = _concrete(beta)
    if value is not None and value < 0:
        raise RuntimeError(f"smooth_l1_loss does not support negative values for beta (got {beta}).")

    def elementwise(d):
        b = _hyper(beta, d)
        # beta == 0 never selects the quadratic branch, but its gradient must not be 0 * inf = nan.
        safe = jnp.where(b == 0, 1, b)
        return jnp.where(_abs(d) < b, 0.5 * d * d / safe, _abs(d) - 0.5 * b)
    return _regression(elementwise, input, target, reduction, size_average, reduce, None)


def huber_loss(input: ArrayLike, target: ArrayLike, reduction: str = "mean", delta: ArrayLike = 1.0,
               weight: ArrayLike | None = None) -> jax.Array:
    """Huber: ``0.5 * d**2`` where ``|d| < delta``, else ``delta * (|d| - 0.5 * delta)``.

    Args:
        delta: the switch point, > 0; may be traced. Default: 1.0.
        weight: optional elementwise weight of ``input``'s shape; a weighted 'mean' is a plain mean.
        others: as :func:`mse_loss`.

    Example:
        >>> huber_loss(jnp.array([0.5, 3.]), jnp.array([0., 0.]), reduction="none", delta=2.)
        Array([0.125, 4.   ], dtype=float32)
    """
    value = _concrete(delta)
    if value is not None and value <= 0:
        raise RuntimeError(f"huber_loss does not support non-positive values for delta (got {delta}).")

    def elementwise(d):
        m = _hyper(delta, d)
        return jnp.where(_abs(d) < m, 0.5 * d * d, m * (_abs(d) - 0.5 * m))
    return _regression(elementwise, input, target, reduction, None, None, weight, weight_sum_mean=False)
