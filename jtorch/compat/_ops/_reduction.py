"""Reductions: ``sum``, ``prod``, ``mean``, ``std``/``var``, ``max``/``min`` (with ``(values, indices)``),
``argmax``/``argmin``, ``all``/``any``, ``norm``, with PyTorch's dtype rules and named-tuple results."""
from __future__ import annotations

import jax.numpy as jnp

from .. import _dtype
from .._dtype_promotion import mean_dtype, sum_dtype
from .._tensor import Tensor, call, call_nodes
from ..engine import Op
from ._registry import dims, register
from ._pointwise import _into
from ._return_types import RETURN_TYPES, outputs


def _axes(t: Tensor, dim) -> tuple[int, ...] | None:
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return None
    axes = dims(dim, t.dim())
    return () if t.dim() == 0 else axes  # dim 0 / -1 of a 0-d tensor reduces nothing


# PyTorch's grad_fn of a reduction over given dims (its overload with `dim`)
_DIM_GRAD_NAMES = {"SumBackward0": "SumBackward1", "MeanBackward0": "MeanBackward1", "ProdBackward0": "ProdBackward1"}


def _reduce(name: str, fn, grad_name: str, dtype_rule, saves: bool = True):
    def reduce(x, *, axis, keepdims, dtype):
        return fn(x.astype(dtype), axis=axis, keepdims=keepdims)

    op = Op(name, reduce, grad_name, saves)
    op_dim = Op(name, reduce, _DIM_GRAD_NAMES.get(grad_name, grad_name), saves)

    result_dtypes: dict = {}  # input dtype -> result dtype when `dtype=` is not given

    def impl(input, dim=None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
        if not isinstance(dim, (int, tuple, list, type(None))):  # sum(x, torch.float64) style
            dim, dtype = None, dim
        node = input._node
        dt = result_dtypes.get(node.dtype) if dtype is None else None
        if dt is None:
            dt = _dtype.to_jax(dtype_rule(_dtype.from_any(node.dtype), dtype))
            if dtype is None:
                result_dtypes[node.dtype] = dt
        static = (("axis", _axes(input, dim)), ("keepdims", bool(keepdim)), ("dtype", dt))
        result = call_nodes(op if dim is None else op_dim, (node,), static)
        return result if out is None else _into(result, out)

    impl.__name__ = name
    register(name)(impl)
    return impl


sum = _reduce("sum", jnp.sum, "SumBackward0", sum_dtype, saves=False)
prod = _reduce("prod", jnp.prod, "ProdBackward0", sum_dtype)
mean = _reduce("mean", jnp.mean, "MeanBackward0", mean_dtype, saves=False)
nansum = _reduce("nansum", jnp.nansum, "NansumBackward0", sum_dtype)
nanmean = _reduce("nanmean", jnp.nanmean, "NanmeanBackward0", mean_dtype)


def _var_impl(name: str, fn, grad_name: str):
    op = Op(name, lambda x, *, axis, keepdims, ddof: fn(x, axis=axis, keepdims=keepdims, ddof=ddof), grad_name)

    def impl(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None, out=None) -> Tensor:
        if isinstance(dim, bool):  # std(x, False): the legacy `unbiased` positional form
            dim, unbiased = None, dim
        ddof = correction if correction is not None else (0 if unbiased is False else 1)
        mean_dtype(_dtype.from_any(input._node.dtype), op=name)
        static = (("axis", _axes(input, dim)), ("keepdims", bool(keepdim)), ("ddof", ddof))
        return _into(call(op, (input,), static), out)

    impl.__name__ = name
    register(name)(impl)
    return impl


std = _var_impl("std", jnp.std, "StdBackward0")
var = _var_impl("var", jnp.var, "VarBackward0")


def _values_indices(name: str, x, axis, keepdims, largest):
    if x.ndim == 0:  # dim 0 / -1 of a 0-d tensor is the tensor itself
        return x, jnp.zeros((), jnp.int64)
    idx = jnp.argmax(x, axis=axis, keepdims=True) if largest else jnp.argmin(x, axis=axis, keepdims=True)
    vals = jnp.take_along_axis(x, idx, axis=axis)
    if not keepdims:
        vals, idx = jnp.squeeze(vals, axis), jnp.squeeze(idx, axis)
    return vals, idx


_MAX_DIM = Op("max", lambda x, *, axis, keepdims: _values_indices("max", x, axis, keepdims, True), "MaxBackward0")
_MIN_DIM = Op("min", lambda x, *, axis, keepdims: _values_indices("min", x, axis, keepdims, False), "MinBackward0")
_MAX_ALL = Op("max", lambda x: jnp.max(x), "MaxBackward1")
_MIN_ALL = Op("min", lambda x: jnp.min(x), "MinBackward1")


def _minmax(name: str, all_op: Op, dim_op: Op, binary):
    def impl(input, dim=None, keepdim: bool = False, *, out=None):
        if isinstance(dim, Tensor):  # torch.max(a, b): elementwise
            return binary(input, dim, out=out)
        if dim is None:
            if input.numel() == 0:
                raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                                   f"Specify the reduction dim with the 'dim' argument.")
            return call(all_op, (input,))
        (axis,) = dims(dim, input.dim())
        static = (("axis", axis), ("keepdims", bool(keepdim)))
        return RETURN_TYPES[name](outputs(dim_op, (input,), static, (True, False)))

    impl.__name__ = name
    register(name)(impl)
    return impl


def _arg(name: str, largest: bool):
    find = jnp.argmax if largest else jnp.argmin

    def fn(x, *, axis, keepdims):
        if x.ndim == 0:
            return jnp.zeros((), jnp.int64)
        if axis is not None:
            return find(x, axis=axis, keepdims=keepdims)
        flat = find(x.reshape(-1))  # PyTorch: over the flattened input; keepdim gives all-ones dims
        return flat.reshape((1,) * x.ndim) if keepdims else flat

    op = Op(name, fn)

    def impl(input, dim=None, keepdim: bool = False, *, out=None) -> Tensor:
        axis = None if dim is None else dims(dim, input.dim())[0]
        if input._node.dtype == bool:
            raise RuntimeError(f"{name}(): does not support bool input")
        if input.numel() == 0:
            if axis is None:
                raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
            if input.shape[axis] == 0:
                raise IndexError(f"{name}(): Expected reduction dim {axis} to have non-zero size.")
        return _into(call(op, (input,), (("axis", axis), ("keepdims", bool(keepdim))), differentiable=False), out)

    impl.__name__ = name
    register(name)(impl)
    return impl


argmax = _arg("argmax", True)
argmin = _arg("argmin", False)


def _logical(name: str, fn):
    # torch: uint8 in, uint8 out; every other dtype gives bool
    op = Op(name, lambda x, *, axis, keepdims: fn(x.astype(bool), axis=axis, keepdims=keepdims).astype(
        x.dtype if x.dtype == jnp.uint8 else bool))

    def impl(input, dim=None, keepdim: bool = False, *, out=None) -> Tensor:
        return _into(call(op, (input,), (("axis", _axes(input, dim)), ("keepdims", bool(keepdim)))), out)

    impl.__name__ = name
    register(name)(impl)
    return impl


all = _logical("all", jnp.all)
any = _logical("any", jnp.any)


def _install_minmax():
    from ._pointwise import maximum, minimum
    _minmax("max", _MAX_ALL, _MAX_DIM, maximum)
    _minmax("min", _MIN_ALL, _MIN_DIM, minimum)


_install_minmax()


@register("sum_to_size", function=False)
def sum_to_size(self, *size) -> Tensor:
    """Sums ``self`` down to ``size``, to which it must broadcast (the reverse of ``expand``)."""
    from ._creation import _size
    target, shape = _size(size), tuple(self.shape)
    lead = len(shape) - len(target)
    if lead < 0 or [t for t, s in zip(target, shape[lead:]) if t not in (1, s)]:  # (`any` is torch.any here)
        raise RuntimeError(f"size {{{list(target)}}} is not expandable to size {{{list(shape)}}}.")
    axes = tuple(range(lead)) + tuple(lead + i for i, t in enumerate(target) if t == 1 and shape[lead + i] != 1)
    if not axes:
        return self
    out = sum(self, axes, keepdim=True)
    return out.reshape(target) if lead else out
