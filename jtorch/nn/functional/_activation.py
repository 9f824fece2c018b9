"""Pointwise activations with PyTorch's formulas, defaults and gradients.

Every op here is elementwise, ``input`` of any shape: Shape ``(*) -> (*)``, dtype kept. The docstrings
below list only the other arguments. ``inplace`` is accepted and ignored (pure ops).

Where PyTorch's derivative at a kink (or at NaN) differs from what JAX would derive from the obvious
formula, the op is written as a ``jnp.where`` whose selected branch has PyTorch's derivative: a mask
like ``x <= 0`` in PyTorch's backward kernel becomes the same comparison here. Non-selected branches
are fed safe inputs so their derivatives never produce ``0 * inf = nan``.

Numeric hyper-parameters (``negative_slope``, ``alpha``, ``min_val``, ...) may be traced scalars; they
are cast to the input's dtype, so a float32 hyper-parameter never promotes a float16 input.
"""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp
from jax import lax
from jax.typing import ArrayLike

# Constants of PyTorch's SELU (torch/csrc/api/include/torch/nn/functional/activation.h).
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _known(v) -> float | None:
    """``v`` as a Python float when known at trace time (number or concrete scalar array), else None."""
    return None if isinstance(v, jax.core.Tracer) else float(v)


def _cast(v: ArrayLike, x: jax.Array) -> jax.Array:
    """A hyper-parameter in ``x``'s dtype, so that it never promotes ``x``."""
    return jnp.asarray(v, dtype=x.dtype)


def _float(x: ArrayLike) -> jax.Array:
    """An integer or bool input as float32, PyTorch's default float dtype (under x64, JAX would make int64
    arithmetic float64)."""
    x = jnp.asarray(x)
    return x if jnp.issubdtype(x.dtype, jnp.inexact) else x.astype(jnp.float32)


def _dim(dim: int, ndim: int) -> int:
    """Wraps a negative ``dim``; PyTorch's IndexError outside ``[-ndim, ndim - 1]`` (0-d counts as 1-d)."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def relu(input: ArrayLike, inplace: bool = False) -> jax.Array:
    """Rectified linear unit, ``max(0, x)``. Gradient 0 at ``x = 0``, as PyTorch.

    Args:
        input: any shape. inplace: accepted and ignored (pure op).

    Example:
        >>> relu(jnp.array([-1.0, 0.0, 2.0]))
        Array([0., 0., 2.], dtype=float32)
    """
    del inplace
    x = jnp.asarray(input)
    return jnp.where(x <= 0, jnp.zeros_like(x), x)  # torch: grad masked by (result <= 0)


def hardtanh(input: ArrayLike, min_val: ArrayLike = -1.0, max_val: ArrayLike = 1.0,
             inplace: bool = False) -> jax.Array:
    """Clamps to ``[min_val, max_val]``; gradient 0 at and beyond the bounds, as PyTorch.

    Args:
        input: any shape. min_val: lower bound. Default: -1. max_val: upper bound. Default: 1.
        inplace: accepted and ignored.

    Example:
        >>> hardtanh(jnp.array([-2.0, 0.5, 2.0]))
        Array([-1. ,  0.5,  1. ], dtype=float32)
    """
    del inplace
    lo, hi = _known(min_val), _known(max_val)
    if lo is not None and hi is not None and lo > hi:
        raise ValueError("min_val cannot be greater than max_val")
    x = jnp.asarray(input)
    lo, hi = _cast(min_val, x), _cast(max_val, x)
    return jnp.where(x <= lo, lo, jnp.where(x >= hi, hi, x))


def relu6(input: ArrayLike, inplace: bool = False) -> jax.Array:
    """``min(max(0, x), 6)``: ``hardtanh(x, 0, 6)``.

    Example:
        >>> relu6(jnp.array([-1.0, 3.0, 7.0]))
        Array([0., 3., 6.], dtype=float32)
    """
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input: ArrayLike, negative_slope: ArrayLike = 0.01, inplace: bool = False) -> jax.Array:
    """``x`` if ``x > 0`` else ``negative_slope * x``; gradient ``negative_slope`` at 0, as PyTorch.

    Args:
        input: any shape. negative_slope: slope for ``x <= 0``. Default: 0.01. inplace: ignored.

    Example:
        >>> leaky_relu(jnp.array([-2.0, 3.0]), 0.5)
        Array([-1.,  3.], dtype=float32)
    """
    del inplace
    x = jnp.asarray(input)
    return jnp.where(x > 0, x, x * _cast(negative_slope, x))


def _elu(x: jax.Array, alpha: ArrayLike, scale: ArrayLike, input_scale: ArrayLike) -> jax.Array:
    # PyTorch's elu kernel: x <= 0 ? scale * alpha * expm1(x * input_scale) : scale * x.
    neg = x <= 0
    safe = jnp.where(neg, x, jnp.zeros_like(x))  # expm1 of large positive x would give nan gradients
    alpha, scale, input_scale = _cast(alpha, x), _cast(scale, x), _cast(input_scale, x)
    return scale * jnp.where(neg, alpha * jnp.expm1(safe * input_scale), x)


def elu(input: ArrayLike, alpha: ArrayLike = 1.0, inplace: bool = False) -> jax.Array:
    """``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``.

    Args:
        input: any shape. alpha: saturation value for negative inputs. Default: 1. inplace: ignored.

    Example:
        >>> elu(jnp.array([0.0, 2.0]))
        Array([0., 2.], dtype=float32)
    """
    del inplace
    return _elu(jnp.asarray(input), alpha, 1.0, 1.0)


def selu(input: ArrayLike, inplace: bool = False) -> jax.Array:
    """``scale * elu(x, alpha)`` with PyTorch's constants ``alpha ≈ 1.6733``, ``scale ≈ 1.0507``.

    Example:
        >>> selu(jnp.array([0.0, 1.0]))
        Array([0.      , 1.050701], dtype=float32)
    """
    del inplace
    return _elu(jnp.asarray(input), _SELU_ALPHA, _SELU_SCALE, 1.0)


def celu(input: ArrayLike, alpha: ArrayLike = 1.0, inplace: bool = False) -> jax.Array:
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    Args:
        input: any shape. alpha: Default: 1. inplace: ignored.

    Example:
        >>> celu(jnp.array([0.0, 2.0]), alpha=2.0)
        Array([0., 2.], dtype=float32)
    """
    del inplace
    return _elu(jnp.asarray(input), alpha, 1.0, 1.0 / alpha)


def gelu(input: ArrayLike, approximate: str = "none") -> jax.Array:
    """Gaussian error linear unit ``x * Phi(x)``; ``approximate='tanh'`` uses PyTorch's tanh formula.

    Args:
        input: any shape. approximate: ``'none'`` (erf) or ``'tanh'``. Default: ``'none'``.

    Example:
        >>> gelu(jnp.array([0.0, 1.0]))
        Array([0.       , 0.8413447], dtype=float32)
    """
    x = jnp.asarray(input)
    if approximate == "none":
        return x * 0.5 * (1 + lax.erf(x * (1 / math.sqrt(2))))
    if approximate == "tanh":
        return 0.5 * x * (1 + jnp.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x * x * x)))
    raise RuntimeError(f"approximate argument must be either none or tanh, got approximate={approximate!r}")


def sigmoid(input: ArrayLike) -> jax.Array:
    """Logistic function ``1 / (1 + exp(-x))``.

    Example:
        >>> sigmoid(jnp.array([0.0]))
        Array([0.5], dtype=float32)
    """
    return jax.nn.sigmoid(input)


def tanh(input: ArrayLike) -> jax.Array:
    """Hyperbolic tangent.

    Example:
        >>> tanh(jnp.array([0.0]))
        Array([0.], dtype=float32)
    """
    return jnp.tanh(input)


def silu(input: ArrayLike, inplace: bool = False) -> jax.Array:
    """``x * sigmoid(x)`` (swish).

    Example:
        >>> silu(jnp.array([0.0]))
        Array([0.], dtype=float32)
    """
    del inplace
    x = jnp.asarray(input)
    return x * jax.nn.sigmoid(x)


def softplus(input: ArrayLike, beta: ArrayLike = 1.0, threshold: ArrayLike = 20.0) -> jax.Array:
    """``log(1 + exp(beta * x)) / beta``, linear (``x``) where ``beta * x > threshold``.

    Args:
        input: any shape. beta: Default: 1. threshold: Default: 20.

    Example:
        >>> softplus(jnp.array([0.0, 30.0]))
        Array([ 0.6931472, 30.       ], dtype=float32)
    """
    x = jnp.asarray(input)
    beta = _cast(beta, x)
    bx = x * beta
    linear = bx > _cast(threshold, x)
    return jnp.where(linear, x, jnp.logaddexp(jnp.where(linear, jnp.zeros_like(x), bx), 0) / beta)


def mish(input: ArrayLike, inplace: bool = False) -> jax.Array:
    """``x * tanh(softplus(x))``.

    Example:
        >>> mish(jnp.array([0.0]))
        Array([0.], dtype=float32)
    """
    del inplace
    x = jnp.asarray(input)
    return x * jnp.tanh(jnp.logaddexp(x, 0))


def hardsigmoid(input: ArrayLike, inplace: bool = False) -> jax.Array:
    """``relu6(x + 3) / 6``; gradient 0 at ``x = ±3`` (and NaN), as PyTorch.

    Example:
        >>> hardsigmoid(jnp.array([-4.0, 0.0, 4.0]))
        Array([0. , 0.5, 1. ], dtype=float32)
    """
    del inplace
    x = jnp.asarray(input)
    y = x / 6 + 0.5
    return jnp.where((x > -3) & (x < 3), y, lax.stop_gradient(jnp.clip(y, 0, 1)))


def hardswish(input: ArrayLike, inplace: bool = False) -> jax.Array:
    """``x * relu6(x + 3) / 6``; PyTorch's gradient (0 at ``x = -3``, 1 at ``x = 3``).

    Example:
        >>> hardswish(jnp.array([-4.0, 0.0, 4.0]))
        Array([-0.,  0.,  4.], dtype=float32)
    """
    del inplace
    x = jnp.asarray(input)
    mid = (x > -3) & (x < 3)
    xm = jnp.where(mid, x, 0)  # keeps the quadratic's gradient finite where it is not selected (NaN)
    return jnp.where(x <= -3, x * 0, jnp.where(mid, xm * (xm + 3) / 6, x))


def softsign(input: ArrayLike) -> jax.Array:
    """``x / (1 + |x|)``.

    Example:
        >>> softsign(jnp.array([1.0]))
        Array([0.5], dtype=float32)
    """
    x = _float(input)
    return x / (1 + jnp.abs(x))


def logsigmoid(input: ArrayLike) -> jax.Array:
    """``log(sigmoid(x))``, computed stably as ``-softplus(-x)``.

    Example:
        >>> logsigmoid(jnp.array([0.0]))
        Array([-0.6931472], dtype=float32)
    """
    return -jnp.logaddexp(-jnp.asarray(input), 0)


def tanhshrink(input: ArrayLike) -> jax.Array:
    """``x - tanh(x)``.

    Example:
        >>> tanhshrink(jnp.array([0.0]))
        Array([0.], dtype=float32)
    """
    x = _float(input)
    return x - jnp.tanh(x)


def threshold(input: ArrayLike, threshold: ArrayLike, value: ArrayLike, inplace: bool = False) -> jax.Array:
    """``x`` if ``x > threshold`` else ``value``.

    Args:
        input: any shape. threshold: the cut. value: replacement at or below it. inplace: ignored.

    Example:
        >>> threshold(jnp.array([0.5, 2.0]), 1.0, -1.0)
        Array([-1.,  2.], dtype=float32)
    """
    del inplace
    x = jnp.asarray(input)
    return jnp.where(x <= _cast(threshold, x), _cast(value, x), x)


_TORCH_DTYPE_NAMES = {"float16": "Half", "bfloat16": "BFloat16", "float32": "Float", "float64": "Double"}


def _shrink(x: jax.Array, lambd: ArrayLike) -> tuple[jax.Array, jax.Array]:
    """The dead zone ``-lambd <= x <= lambd`` (empty for a negative ``lambd``) and ``lambd`` in ``x``'s dtype."""
    lambd = _cast(lambd, x)
    return (x >= -lambd) & (x <= lambd), lambd


def hardshrink(input: ArrayLike, lambd: ArrayLike = 0.5) -> jax.Array:
    """``x`` where ``|x| > lambd``, else 0.

    Args:
        input: any shape. lambd: Default: 0.5.

    Example:
        >>> hardshrink(jnp.array([-1.0, 0.2, 1.0]))
        Array([-1.,  0.,  1.], dtype=float32)
    """
    x = jnp.asarray(input)
    return jnp.where(_shrink(x, lambd)[0], jnp.zeros_like(x), x)


def softshrink(input: ArrayLike, lambd: ArrayLike = 0.5) -> jax.Array:
    """``x - sign(x) * lambd`` where ``|x| > lambd``, else 0.

    Args:
        input: any shape. lambd: must be non-negative. Default: 0.5.

    Example:
        >>> softshrink(jnp.array([-1.0, 0.2, 1.0]))
        Array([-0.5,  0. ,  0.5], dtype=float32)
    """
    x = jnp.asarray(input)
    known = _known(lambd)
    if known is not None and known < 0:  # hardshrink accepts a negative lambd (then it is the identity)
        name = _TORCH_DTYPE_NAMES.get(x.dtype.name, x.dtype.name)
        raise RuntimeError(f"lambda must be in range [0, {float(jnp.finfo(x.dtype).max):g}] for input dtype {name}, "
                           f"but found {known:g}")
    dead, lambd = _shrink(x, lambd)
    # PyTorch's kernel writes `x * 0` in the dead zone, so NaN stays NaN.
    return jnp.where(dead, x * 0, x - jnp.sign(x) * lambd)


def prelu(input: ArrayLike, weight: ArrayLike) -> jax.Array:
    """``x`` if ``x > 0`` else ``weight * x``, with one learnable slope or one per channel (dim 1).

    Args:
        input: ``(N, C, *)`` or any shape when ``weight`` has one element.
        weight: 0-d or 1-d with 1 or ``C`` elements (``C = 1`` for inputs of rank < 2).

    Example:
        >>> prelu(jnp.array([[-2.0, 2.0]]), jnp.array([0.25, 0.5]))
        Array([[-0.5,  2. ]], dtype=float32)
    """
    x, w = jnp.asarray(input), jnp.asarray(weight)
    if w.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {w.ndim}")
    channels = x.shape[1] if x.ndim >= 2 else 1
    if w.size != 1 and w.size != channels:
        raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                           f"{w.size} and channel size = {channels}.")
    w = w.reshape(()) if w.size == 1 else w.reshape((channels,) + (1,) * (x.ndim - 2))
    return jnp.where(x > 0, x, w * x)

