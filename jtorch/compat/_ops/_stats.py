"""Norms, statistics and value tests: ``norm``/``dist``, ``logsumexp``, ``std_mean``/``var_mean``,
``amax``/``amin``/``aminmax``, ``count_nonzero``, ``isnan``/``isinf``/``isfinite``/``isposinf``/
``isneginf``/``isreal``, ``isclose``/``allclose``/``equal``.

``allclose`` and ``equal`` return Python bools, so they sync, as in PyTorch.
"""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._tensor import Tensor, call
from ..engine import Op
from ._convert import promote
from ._pointwise import _broadcast_shape, _default_float, _into, _is_float
from ._registry import dims, register
from ._return_types import RETURN_TYPES, outputs


def _axes(input: Tensor, dim) -> tuple[int, ...] | None:
    """Reduction axes; None for all (no dim, empty dims, or a 0-d input, whose dim 0 / -1 is itself)."""
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return None
    axes = dims(dim, input.dim())
    return axes if input.dim() else None


def _abs(x):
    """``|x|`` whose gradient at 0 is 0 (PyTorch's ``sgn``), not JAX's 1: norms' subgradients at zero."""
    return jnp.abs(x) if jnp.iscomplexobj(x) else x * jax.lax.stop_gradient(jnp.sign(x))


def _power_norm(a, ord, axis):
    s = jnp.sum(a * a if ord == 2 else a ** ord, axis=axis, keepdims=True)
    return jnp.sqrt(s) if ord == 2 else s ** (1.0 / ord)


def _vector_norm(x, *, ord, axis, keepdims):
    a = _abs(x)
    if ord == math.inf:
        return jnp.max(a, axis=axis, keepdims=keepdims) if a.size else jnp.zeros(())
    if ord == -math.inf:
        return jnp.min(a, axis=axis, keepdims=keepdims)
    if ord == 0:
        return jnp.sum(a != 0, axis=axis, keepdims=keepdims).astype(a.dtype)
    if ord == 1:
        return jnp.sum(a, axis=axis, keepdims=keepdims)
    # PyTorch's gradient where the norm is 0 is 0: keep JAX's inf * 0 out of those slices
    keep = jax.lax.stop_gradient(_power_norm(a, ord, axis) != 0)
    norm = jnp.where(keep, _power_norm(jnp.where(keep, a, 1), ord, axis), 0)
    return norm if keepdims else norm.reshape(()) if axis is None else jnp.squeeze(norm, axis)


_NORM = Op("norm", lambda x, *, ord, axis, keepdims, dtype: _vector_norm(x.astype(dtype), ord=ord, axis=axis,
                                                                         keepdims=keepdims),
           "LinalgVectorNormBackward0")


@register("norm")
def norm(input, p="fro", dim=None, keepdim: bool = False, dtype=None, *, out=None) -> Tensor:
    """The vector p-norm over ``dim`` (all elements when None); ``'fro'`` is the 2-norm."""
    if p == "nuc":
        from ._linalg_ext import matrix_norm
        return matrix_norm(input, "nuc", (-2, -1) if dim is None else dim, keepdim, dtype=dtype, out=out)
    if isinstance(p, str):
        if p != "fro":
            raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
        p = 2
    if p is None:
        p = 2
    dt = input._node.dtype if dtype is None else _dtype.to_jax(_dtype.parse_dtype_arg(dtype, "norm"))
    if not _is_float(dt):
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. "
                           f"Got {_dtype.from_any(dt)._c10}")
    static = (("ord", float(p)), ("axis", _axes(input, dim)), ("keepdims", bool(keepdim)), ("dtype", dt))
    return _into(call(_NORM, (input,), static), out)


_DIST = Op("dist", lambda a, b, *, ord, dtype: _vector_norm(a.astype(dtype) - b.astype(dtype), ord=ord, axis=None,
                                                             keepdims=False), "DistBackward0")


@register("dist")
def dist(input, other, p=2) -> Tensor:
    _broadcast_shape(tuple(input.shape), tuple(other.shape))
    dt = promote(input, other)
    return call(_DIST, (input, other), (("ord", float(p)), ("dtype", dt)))


_LOGSUMEXP = Op("logsumexp", lambda x, *, axis, keepdims, dtype: jax.nn.logsumexp(
    x.astype(dtype), axis=axis, keepdims=keepdims), "LogsumexpBackward0")


@register("logsumexp")
def logsumexp(input, dim, keepdim: bool = False, *, out=None) -> Tensor:
    dt = input._node.dtype if _is_float(input._node.dtype) else _default_float()
    static = (("axis", _axes(input, dim)), ("keepdims", bool(keepdim)), ("dtype", dt))
    return _into(call(_LOGSUMEXP, (input,), static), out)


def _moments(name: str, fn, grad_name: str):
    op = Op(name, lambda x, *, axis, keepdims, ddof: (fn(x, axis=axis, keepdims=keepdims, ddof=ddof),
                                                      jnp.mean(x, axis=axis, keepdims=keepdims)), grad_name)

    def impl(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
        if isinstance(dim, bool):  # std_mean(x, False): the legacy `unbiased` positional form
            dim, unbiased = None, dim
        if not _is_float(input._node.dtype):
            raise RuntimeError(f"{name} only support floating point and complex dtypes")
        ddof = correction if correction is not None else (0 if unbiased is False else 1)
        static = (("axis", _axes(input, dim)), ("keepdims", bool(keepdim)), ("ddof", ddof))
        return outputs(op, (input,), static, (True, True))

    impl.__name__ = name
    register(name, method=False)(impl)
    return impl


std_mean = _moments("std_mean", jnp.std, "StdMeanBackward0")
var_mean = _moments("var_mean", jnp.var, "VarMeanBackward0")


def _extreme(name: str, fn, grad_name: str):
    op = Op(name, lambda x, *, axis, keepdims: fn(x, axis=axis, keepdims=keepdims), grad_name)

    def impl(input, dim=(), keepdim: bool = False, *, out=None) -> Tensor:
        axis = _axes(input, dim)
        if input.numel() == 0 and axis is None:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify "
                               f"the reduction dim with the 'dim' argument.")
        empty = [a for a in axis or () if input.shape[a] == 0]
        if empty:
            raise IndexError(f"{name}(): Expected reduction dim {empty[0]} to have non-zero size.")
        return _into(call(op, (input,), (("axis", axis), ("keepdims", bool(keepdim)))), out)

    impl.__name__ = name
    register(name)(impl)
    return impl


amax = _extreme("amax", jnp.max, "AmaxBackward0")
amin = _extreme("amin", jnp.min, "AminBackward0")
_AMINMAX = Op("aminmax", lambda x, *, axis, keepdims: (jnp.min(x, axis=axis, keepdims=keepdims),
                                                       jnp.max(x, axis=axis, keepdims=keepdims)), "AminmaxBackward0")


@register("aminmax")
def aminmax(input, *, dim=None, keepdim: bool = False, out=None):
    axis = None if dim is None else _axes(input, dim)
    if input.numel() == 0 and (axis is None or any(input.shape[a] == 0 for a in axis)):
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
                           "identity.")
    static = (("axis", axis), ("keepdims", bool(keepdim)))
    return RETURN_TYPES["aminmax"](outputs(_AMINMAX, (input,), static, (True, True)))


_COUNT_NONZERO = Op("count_nonzero", lambda x, *, axis: jnp.sum(x != 0, axis=axis, dtype=np.int64))


@register("count_nonzero")
def count_nonzero(input, dim=None) -> Tensor:
    return call(_COUNT_NONZERO, (input,), (("axis", _axes(input, dim)),), differentiable=False)


# ---------------------------------------------------------------------------- value tests


def _test(name: str, fn, int_value: bool):
    op = Op(name, fn)

    def impl(input) -> Tensor:
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
        if not _is_float(input._node.dtype):
            from ._creation import full_
            return full_(tuple(input.shape), int_value, np.dtype(np.bool_))
        return call(op, (input,), differentiable=False)

    impl.__name__ = name
    register(name)(impl)
    return impl


isnan = _test("isnan", jnp.isnan, False)
isinf = _test("isinf", jnp.isinf, False)
isfinite = _test("isfinite", jnp.isfinite, True)
isposinf = _test("isposinf", jnp.isposinf, False)
isneginf = _test("isneginf", jnp.isneginf, False)
isreal = _test("isreal", jnp.isreal, True)


def _isclose(a, b, *, rtol, atol, equal_nan, dtype):
    a, b = a.astype(dtype), b.astype(dtype)
    if not jnp.issubdtype(dtype, jnp.inexact):
        a, b = a.astype(np.float64), b.astype(np.float64)
    close = (a == b) | (jnp.isfinite(a) & jnp.isfinite(b) & (jnp.abs(a - b) <= atol + rtol * jnp.abs(b)))
    return close | (jnp.isnan(a) & jnp.isnan(b)) if equal_nan else close


_ISCLOSE = Op("isclose", _isclose)


@register("isclose")
def isclose(input, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    if input._node.dtype != other._node.dtype:
        raise RuntimeError(f"{_dtype.from_any(input._node.dtype)._c10} did not match "
                           f"{_dtype.from_any(other._node.dtype)._c10}")
    _broadcast_shape(tuple(input.shape), tuple(other.shape))
    static = (("rtol", float(rtol)), ("atol", float(atol)), ("equal_nan", bool(equal_nan)),
              ("dtype", input._node.dtype))
    return call(_ISCLOSE, (input, other), static, differentiable=False)


@register("allclose")
def allclose(input, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    return bool(isclose(input, other, rtol, atol, equal_nan).all())


_EQUAL = Op("equal", lambda a, b, *, dtype: jnp.all(a.astype(dtype) == b.astype(dtype)))


@register("equal")
def equal(input, other) -> bool:
    """True when both tensors have the same shape and elements (after type promotion)."""
    for pos, (arg, x) in enumerate((("input", input), ("other", other)), 1):
        if not isinstance(x, Tensor):
            raise TypeError(f"equal(): argument '{arg}' (position {pos}) must be Tensor, not {type(x).__name__}")
    if tuple(input.shape) != tuple(other.shape):
        return False
    return bool(call(_EQUAL, (input, other), (("dtype", promote(input, other)),), differentiable=False))
