"""Likelihood and divergence losses: binary cross entropy (probabilities and logits), KL divergence, Poisson
and Gaussian negative log likelihood. Checks on values (probabilities in [0, 1], non-negative variances) run
on concrete arrays only, not under ``jax.jit``/``grad``/``vmap``.
"""
from __future__ import annotations

import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.special import xlogy
from jax.typing import ArrayLike

from ._activation import _float
from ._loss import _INVALID, _check_broadcasts_to, _concrete, _hyper, _reduce, _reduction, _torch_size


def _same_shape(input, target, message: str) -> tuple[jax.Array, jax.Array]:
    """The binary cross entropies require equal shapes (PyTorch's ValueError, in its words)."""
    input, target = jnp.asarray(input), jnp.asarray(target)
    if target.shape != input.shape:
        raise ValueError(message.format(target=_torch_size(target.shape), input=_torch_size(input.shape)))
    return input, target


def kl_div(input: ArrayLike, target: ArrayLike, size_average: bool | None = None, reduce: bool | None = None,
           reduction: str = "mean", log_target: bool = False) -> jax.Array:
    """Pointwise KL divergence ``target * (log(target) - input)`` with ``input`` in log space.

    Args:
        input: log-probabilities.
        target: probabilities, or log-probabilities when ``log_target``. Broadcast with ``input``.
        reduction: 'none' | 'batchmean' (sum / batch size: the true KL) | 'sum' | 'mean' (sum / numel,
            with PyTorch's warning). Default: 'mean'.
        log_target: whether ``target`` is in log space. Default: False.

    Example:
        >>> kl_div(jnp.log(jnp.array([[0.5, 0.5]])), jnp.array([[0.25, 0.75]]), reduction="batchmean")
        Array(0.13081202, dtype=float32)
    """
    input, target = jnp.asarray(input), jnp.asarray(target)
    if log_target:
        loss = jnp.exp(target) * (target - input)
    else:
        loss = xlogy(target, target) - target * input
    if size_average is None and reduce is None:
        if reduction == "mean":
            warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                          "'batchmean' divides only by the batch size, and aligns with the KL div math "
                          "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
                          "major release.", stacklevel=2)
        if reduction == "batchmean":
            return jnp.sum(loss) / input.shape[0] if input.ndim else jnp.sum(loss)
    return _reduce(loss, _reduction(reduction, size_average, reduce))


def poisson_nll_loss(input: ArrayLike, target: ArrayLike, log_input: bool = True, full: bool = False,
                     size_average: bool | None = None, eps: ArrayLike = 1e-8, reduce: bool | None = None,
                     reduction: str = "mean") -> jax.Array:
    """Poisson negative log likelihood: ``exp(input) - target * input`` (``log_input``), else
    ``input - target * log(input + eps)``; ``full`` adds the Stirling term where ``target > 1``.

    Example:
        >>> poisson_nll_loss(jnp.array([0., 1.]), jnp.array([1., 2.]), reduction="sum")
        Array(1.7182817, dtype=float32)
    """
    reduction = _reduction(reduction, size_average, reduce, invalid=_INVALID)
    input, target = _float(input), _float(target)
    if log_input:
        loss = jnp.exp(input) - target * input
    else:
        loss = input - target * jnp.log(input + _hyper(eps, input))
    if full:
        stirling = target * jnp.log(target) - target + 0.5 * jnp.log(2 * math.pi * target)
        loss = loss + jnp.where(target <= 1, 0, stirling)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input: ArrayLike, target: ArrayLike, var: ArrayLike, full: bool = False, eps: ArrayLike = 1e-6,
                      reduction: str = "mean") -> jax.Array:
    """Gaussian negative log likelihood ``0.5 * (log(var) + (input - target)**2 / var)`` (+ ``0.5*log(2*pi)``
    when ``full``), with ``var`` clamped at ``eps`` in the forward pass only, as PyTorch does.

    Args:
        var: positive variances of ``input``'s shape, or one dimension short of it / with one dimension
            of size 1 (homoscedastic), or a Python float.
        eps: the clamp, may be traced. Default: 1e-6.

    Example:
        >>> gaussian_nll_loss(jnp.array([1., 2.]), jnp.array([0., 0.]), 1.0)
        Array(1.25, dtype=float32)
    """
    input, target = jnp.asarray(input), jnp.asarray(target)
    if isinstance(var, (int, float)):
        if var < 0:
            raise ValueError(f"var has negative entry/entries (got {var})")
        var = jnp.full_like(input, var)
    var = jnp.asarray(var)
    value = _concrete(var)
    if value is not None and np.any(value < 0):
        raise ValueError("var has negative entry/entries")
    if var.shape != input.shape:
        if input.shape[:-1] == var.shape:
            var = var[..., None]
        elif not (var.ndim == input.ndim and sum(v for i, v in zip(input.shape, var.shape) if i != v) == 1):
            raise ValueError(f"var is of incorrect size: `var` shape {var.shape}, `input` shape {input.shape}")
    reduction = _reduction(reduction, invalid="{} is not valid")
    # PyTorch clamps under no_grad: the gradient reaches var as if it were not clamped.
    var = var + jax.lax.stop_gradient(jnp.maximum(var, _hyper(eps, var)) - var)
    loss = 0.5 * (jnp.log(var) + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def binary_cross_entropy(input: ArrayLike, target: ArrayLike, weight: ArrayLike | None = None,
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> jax.Array:
    """Binary cross entropy ``-w * (t * log(x) + (1 - t) * log(1 - x))`` on probabilities, each log
    clamped at -100 as in PyTorch (so ``x`` = 0 or 1 gives a finite loss).

    Args:
        input: probabilities in [0, 1]; target: same shape, in [0, 1] (checked on concrete values only).
        weight: optional rescaling broadcast to ``input``'s shape. Not differentiable in PyTorch; here it is.

    Example:
        >>> binary_cross_entropy(jnp.array([0.5, 1.]), jnp.array([1., 0.]), reduction="none")
        Array([  0.6931472, 100.       ], dtype=float32)
    """
    reduction = _reduction(reduction, size_average, reduce)
    input, target = _same_shape(input, target, "Using a target size ({target}) that is different to the input "
                                "size ({input}) is deprecated. Please ensure they have the same size.")
    _check_broadcasts_to(input, weight, "weight")
    for name, x in (("input", input), ("target", target)):
        value = _concrete(x)
        if value is not None and not np.all((value >= 0) & (value <= 1)):
            raise RuntimeError(f"all elements of {name} should be between 0 and 1")
    loss = _bce(input, target)
    return _reduce(loss if weight is None else loss * weight, reduction)


@jax.custom_jvp
def _bce(x, t):
    return (t - 1) * jnp.maximum(jnp.log1p(-x), -100) - t * jnp.maximum(jnp.log(x), -100)


# PyTorch's backward is not the derivative of the clamped forward: it is (x - t) / max(x * (1 - x), 1e-12)
# for the input and -logit(x) for the target. Its 1e-12 is a float32 constant, also for float64.
_BCE_EPS = float(np.float32(1e-12))
_bce.defjvps(lambda g, ans, x, t: g * (x - t) / jnp.maximum(x * (1 - x), _BCE_EPS),
             lambda g, ans, x, t: g * (jnp.log1p(-x) - jnp.log(x)))


def binary_cross_entropy_with_logits(input: ArrayLike, target: ArrayLike, weight: ArrayLike | None = None,
                                     size_average: bool | None = None, reduce: bool | None = None,
                                     reduction: str = "mean", pos_weight: ArrayLike | None = None) -> jax.Array:
    """Binary cross entropy on logits, computed stably as ``(1 - t) * x - (1 + (pw - 1) * t) * log_sigmoid(x)``.

    Args:
        input: logits; target: same shape, in [0, 1].
        weight: optional rescaling broadcast to ``input``'s shape.
        pos_weight: optional weight of positive examples, broadcast along the class (last) dimension.

    Example:
        >>> binary_cross_entropy_with_logits(jnp.array([0., 100.]), jnp.array([1., 1.]), reduction="none")
        Array([0.6931472, 0.       ], dtype=float32)
    """
    reduction = _reduction(reduction, size_average, reduce)
    input, target = _same_shape(input, target, "Target size ({target}) must be the same as input size ({input})")
    _check_broadcasts_to(input, weight, "weight")
    _check_broadcasts_to(input, pos_weight, "pos_weight")
    log_sigmoid = jax.nn.log_sigmoid(input)
    if pos_weight is not None:
        log_sigmoid = log_sigmoid * (1 + (pos_weight - 1) * target)
    loss = (1 - target) * input - log_sigmoid
    return _reduce(loss if weight is None else loss * weight, reduction)
