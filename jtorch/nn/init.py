"""Parameter initialisers with PyTorch's names, formulas and errors, as pure functions of a key.

``torch.nn.init.kaiming_uniform_(w, a=...)`` fills ``w`` in place; here
``kaiming_uniform(key, w.shape, a=...)`` returns a fresh array of that shape (PyTorch layout: Linear
``(out, in)``, Conv ``(out, in / groups, *kernel)``), ``float32`` unless ``dtype`` says otherwise.
Numeric arguments (bounds, mean, std, gain, slope) may be traced values.
"""
from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import jax
import jax.numpy as jnp

from ._init import Shape, _calculate_correct_fan
from ._init import _calculate_fan_in_and_fan_out as _calculate_fan_in_and_fan_out
from ._init import calculate_gain as calculate_gain
from ._init import constant as constant
from ._init import dirac as dirac
from ._init import eye as eye
from ._init import ones as ones
from ._init import zeros as zeros

__all__ = [
    "calculate_gain", "constant", "dirac", "eye", "kaiming_normal", "kaiming_uniform", "normal", "ones",
    "orthogonal", "sparse", "trunc_normal", "uniform", "xavier_normal", "xavier_uniform", "zeros",
]


def uniform(key: jax.Array, shape: Shape, a: Any = 0.0, b: Any = 1.0, dtype: Any = jnp.float32) -> jax.Array:
    r"""Samples :math:`\mathcal{U}(a, b)`.

    Example:
        >>> import jax
        >>> from jtorch.nn import init
        >>> w = init.uniform(jax.random.key(0), (2, 3), a=-1.0, b=1.0)
        >>> w.shape, bool((abs(w) <= 1).all())
        ((2, 3), True)
    """
    return jax.random.uniform(key, tuple(shape), dtype, a, b).astype(dtype)


def normal(key: jax.Array, shape: Shape, mean: Any = 0.0, std: Any = 1.0, dtype: Any = jnp.float32) -> jax.Array:
    r"""Samples :math:`\mathcal{N}(\text{mean}, \text{std}^2)`.

    Example:
        >>> import jax
        >>> from jtorch.nn import init
        >>> init.normal(jax.random.key(0), (4,), std=0.02).dtype
        dtype('float32')
    """
    return (mean + std * jax.random.normal(key, tuple(shape), dtype)).astype(dtype)


def trunc_normal(key: jax.Array, shape: Shape, mean: Any = 0.0, std: Any = 1.0, a: Any = -2.0, b: Any = 2.0,
                 dtype: Any = jnp.float32) -> jax.Array:
    r"""Samples :math:`\mathcal{N}(\text{mean}, \text{std}^2)` truncated to ``[a, b]``.

    PyTorch redraws out-of-range values; sampling the truncated distribution directly gives the same law.

    Example:
        >>> import jax
        >>> from jtorch.nn import init
        >>> w = init.trunc_normal(jax.random.key(0), (1000,), std=3.0)
        >>> bool((w >= -2).all() and (w <= 2).all())
        True
    """
    known = all(isinstance(v, numbers.Real) for v in (mean, std, a, b))  # traced values can't be checked
    if known and (mean < a - 2 * std or mean > b + 2 * std):
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", stacklevel=2)
    z = jax.random.truncated_normal(key, (a - mean) / std, (b - mean) / std, tuple(shape), dtype)
    # Clamped like PyTorch's final step, against rounding in mean + std * z.
    return jnp.clip(mean + std * z, a, b).astype(dtype)


def xavier_uniform(key: jax.Array, shape: Shape, gain: Any = 1.0, dtype: Any = jnp.float32) -> jax.Array:
    r"""Glorot uniform: :math:`\mathcal{U}(-a, a)`, :math:`a = \text{gain} \sqrt{6 / (\text{fan\_in} +
    \text{fan\_out})}`.

    Example:
        >>> import jax
        >>> from jtorch.nn import init
        >>> init.xavier_uniform(jax.random.key(0), (3, 5)).shape
        (3, 5)
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(shape)
    bound = math.sqrt(3.0) * gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return uniform(key, shape, -bound, bound, dtype)


def xavier_normal(key: jax.Array, shape: Shape, gain: Any = 1.0, dtype: Any = jnp.float32) -> jax.Array:
    r"""Glorot normal: :math:`\mathcal{N}(0, \text{std}^2)`, :math:`\text{std} = \text{gain}
    \sqrt{2 / (\text{fan\_in} + \text{fan\_out})}`.

    Example:
        >>> import jax
        >>> from jtorch.nn import init
        >>> init.xavier_normal(jax.random.key(0), (3, 5), gain=init.calculate_gain('tanh')).shape
        (3, 5)
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(shape)
    return normal(key, shape, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)), dtype)


def _kaiming_std(shape: Shape, a: Any, mode: str, nonlinearity: str) -> Any:
    return calculate_gain(nonlinearity, a) / math.sqrt(_calculate_correct_fan(shape, mode))


def _empty(shape: Shape, dtype: Any) -> jax.Array | None:
    # torch: kaiming on a zero-element tensor warns and leaves it alone (it has no fan to divide by).
    if 0 not in shape:
        return None
    warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
    return jnp.zeros(tuple(shape), dtype)


def kaiming_uniform(key: jax.Array, shape: Shape, a: Any = 0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", dtype: Any = jnp.float32) -> jax.Array:
    r"""He uniform: :math:`\mathcal{U}(-b, b)`, :math:`b = \text{gain} \sqrt{3 / \text{fan\_mode}}`.

    Args:
        a: negative slope of the rectifier after this layer (for ``'leaky_relu'``). Default: 0
        mode: ``'fan_in'`` or ``'fan_out'``. Default: ``'fan_in'``
        nonlinearity: passed to :func:`calculate_gain`. Default: ``'leaky_relu'``

    Example:
        >>> import jax, math
        >>> from jtorch.nn import init
        >>> w = init.kaiming_uniform(jax.random.key(0), (500, 1000), a=math.sqrt(5))
        >>> bool((abs(w) <= 1 / math.sqrt(1000)).all())
        True
    """
    empty = _empty(shape, dtype)
    if empty is not None:
        return empty
    bound = math.sqrt(3.0) * _kaiming_std(shape, a, mode, nonlinearity)
    return uniform(key, shape, -bound, bound, dtype)


def kaiming_normal(key: jax.Array, shape: Shape, a: Any = 0, mode: str = "fan_in",
                   nonlinearity: str = "leaky_relu", dtype: Any = jnp.float32) -> jax.Array:
    r"""He normal: :math:`\mathcal{N}(0, \text{std}^2)`, :math:`\text{std} = \text{gain} /
    \sqrt{\text{fan\_mode}}`; arguments as :func:`kaiming_uniform`.

    Example:
        >>> import jax
        >>> from jtorch.nn import init
        >>> init.kaiming_normal(jax.random.key(0), (8, 3, 3, 3), mode='fan_out', nonlinearity='relu').shape
        (8, 3, 3, 3)
    """
    empty = _empty(shape, dtype)
    if empty is not None:
        return empty
    return normal(key, shape, 0.0, _kaiming_std(shape, a, mode, nonlinearity), dtype)


def orthogonal(key: jax.Array, shape: Shape, gain: Any = 1, dtype: Any = jnp.float32) -> jax.Array:
    """A (semi-)orthogonal matrix, trailing dimensions flattened, scaled by ``gain``.

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from jtorch.nn import init
        >>> w = init.orthogonal(jax.random.key(0), (3, 5))
        >>> bool(jnp.allclose(w @ w.T, jnp.eye(3), atol=1e-5))
        True
    """
    if len(shape) < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    rows = shape[0]
    cols = math.prod(shape) // rows if rows else 0
    if rows * cols == 0:
        return jnp.zeros(tuple(shape), dtype)
    # LAPACK has no half-precision QR: factor in at least float32, then cast.
    flat = jax.random.normal(key, (max(rows, cols), min(rows, cols)), jnp.promote_types(dtype, jnp.float32))
    q, r = jnp.linalg.qr(flat)
    # Sign fix makes Q Haar-uniform (arXiv math-ph/0609050), as PyTorch does.
    q = q * jnp.sign(jnp.diagonal(r))
    q = q.T if rows < cols else q
    return (gain * q).reshape(tuple(shape)).astype(dtype)


def sparse(key: jax.Array, shape: Shape, sparsity: Any, std: Any = 0.01, dtype: Any = jnp.float32) -> jax.Array:
    r"""A 2-D :math:`\mathcal{N}(0, \text{std}^2)` matrix with ``ceil(sparsity * rows)`` zeros per column.

    Example:
        >>> import jax
        >>> from jtorch.nn import init
        >>> w = init.sparse(jax.random.key(0), (10, 4), sparsity=0.3)
        >>> (w == 0).sum(axis=0)
        Array([3, 3, 3, 3], dtype=int32)
    """
    if len(shape) != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    k_values, k_perm = jax.random.split(key)
    # Rank of each row in a random per-column permutation; the first ceil(sparsity*rows) are zeroed.
    ranks = jnp.argsort(jax.random.uniform(k_perm, tuple(shape)), axis=0).argsort(axis=0)
    return jnp.where(ranks < jnp.ceil(sparsity * shape[0]), 0, normal(k_values, shape, 0.0, std, dtype))
