"""Ordering and order statistics: ``sort``/``argsort``/``msort``, ``topk``, ``kthvalue``, ``median``/
``nanmedian``, ``mode``, ``unique``, and the scans ``cumsum``/``cumprod``/``cummax``/``cummin``/
``logcumsumexp``. Values-and-indices results are ``torch.return_types`` named tuples.

Sorting is stable everywhere (ties keep input order, NaN sorts as the largest value, as in PyTorch).
``topk`` and ``kthvalue`` therefore pick the lowest index among equal values, where PyTorch's
partial sorts leave that order unspecified (their values always agree).
"""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _dtype
from .._dtype_promotion import sum_dtype
from .._tensor import Tensor, call
from ..engine import Op
from ._pointwise import _into
from ._registry import dims, register
from ._return_types import RETURN_TYPES, outputs

_LONG = np.dtype(np.int64)


def _axis(input: Tensor, dim) -> int:
    return dims(dim, input.dim())[0]


def _argsort(x, axis: int, descending: bool):
    if x.ndim == 0:
        return jnp.zeros((), _LONG)
    return jnp.argsort(x, axis=axis, stable=True, descending=descending).astype(_LONG)


def _take(x, idx, axis: int):
    return x if x.ndim == 0 else jnp.take_along_axis(x, idx, axis=axis)


def _sort(x, *, axis, descending):
    idx = _argsort(x, axis, descending)
    return _take(x, idx, axis), idx


_SORT = Op("sort", _sort, "SortBackward0")
_SORT_STABLE = Op("sort", _sort, "SortBackward1")  # PyTorch's sort.stable overload, chosen by passing `stable`
_ARGSORT = Op("argsort", lambda x, *, axis, descending: _argsort(x, axis, descending))


@register("sort")
def sort(input, dim: int = -1, descending: bool = False, *, stable: bool | None = None, out=None):
    static = (("axis", _axis(input, dim)), ("descending", bool(descending)))
    op = _SORT if stable is None else _SORT_STABLE  # always stable either way
    return RETURN_TYPES["sort"](outputs(op, (input,), static, (True, False)))


@register("argsort")
def argsort(input, dim: int = -1, descending: bool = False, *, stable: bool = False) -> Tensor:
    del stable
    static = (("axis", _axis(input, dim)), ("descending", bool(descending)))
    return call(_ARGSORT, (input,), static, differentiable=False)


@register("msort")
def msort(input) -> Tensor:
    return sort(input, 0).values


def _topk(x, *, k, axis, largest):
    idx = _argsort(x, axis, largest)
    if x.ndim:
        idx = lax.slice_in_dim(idx, 0, k, axis=axis)
    return _take(x, idx, axis), idx


_TOPK = Op("topk", _topk, "TopkBackward0")


@register("topk")
def topk(input, k: int, dim: int = -1, largest: bool = True, sorted: bool = True, *, out=None):
    axis = _axis(input, dim)
    size = input.shape[axis] if input.dim() else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    static = (("k", int(k)), ("axis", axis), ("largest", bool(largest)))
    return RETURN_TYPES["topk"](outputs(_TOPK, (input,), static, (True, False)))


def _order_stat(x, *, axis, keepdims, rule):
    """The value at a sorted position along ``axis`` and its index: ``rule`` is ``("k", k)`` (k-th
    smallest), ``"median"`` (lower median, NaN if any NaN) or ``"nanmedian"`` (ignoring NaNs)."""
    if x.ndim == 0:
        return x, jnp.zeros((), _LONG)
    idx = _argsort(x, axis, False)
    vals = jnp.take_along_axis(x, idx, axis=axis)
    n = x.shape[axis]
    if rule == "median" or rule == "nanmedian":
        nans = jnp.isnan(x).sum(axis=axis, keepdims=True) if jnp.issubdtype(x.dtype, jnp.floating) else 0
        valid = n - nans if rule == "nanmedian" else n
        pos = jnp.where((nans > 0) & (rule == "median"), n - nans, jnp.maximum(valid - 1, 0) // 2)
        pos = jnp.broadcast_to(jnp.asarray(pos, _LONG), vals.shape[:axis] + (1,) + vals.shape[axis + 1:])
    else:
        pos = jnp.full(vals.shape[:axis] + (1,) + vals.shape[axis + 1:], rule[1] - 1, _LONG)
    v, i = jnp.take_along_axis(vals, pos, axis=axis), jnp.take_along_axis(idx, pos, axis=axis)
    return (v, i) if keepdims else (jnp.squeeze(v, axis), jnp.squeeze(i, axis))


_KTHVALUE = Op("kthvalue", _order_stat, "KthvalueBackward0")
_MEDIAN_DIM = Op("median", _order_stat, "MedianBackward1")
_NANMEDIAN_DIM = Op("nanmedian", _order_stat, "NanmedianBackward1")
def _median_all(x, *, rule):
    v = lax.stop_gradient(_order_stat(x.reshape(-1), axis=0, keepdims=False, rule=rule)[0])
    # PyTorch spreads the gradient evenly over every element equal to the median (NaN: over the NaNs)
    hit = (x == v) | (jnp.isnan(x) & jnp.isnan(v)) if jnp.issubdtype(x.dtype, jnp.floating) else x == v
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        return v
    return jnp.sum(jnp.where(hit, x, 0)) / jnp.sum(hit)


_MEDIAN_ALL = Op("median", _median_all, "MedianBackward0")
_NANMEDIAN_ALL = Op("nanmedian", _MEDIAN_ALL.fn, "NanmedianBackward0")


@register("kthvalue")
def kthvalue(input, k: int, dim: int = -1, keepdim: bool = False, *, out=None):
    axis = _axis(input, dim)
    size = input.shape[axis] if input.dim() else 1
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {axis}")
    static = (("axis", axis), ("keepdims", bool(keepdim)), ("rule", ("k", int(k))))
    return RETURN_TYPES["kthvalue"](outputs(_KTHVALUE, (input,), static, (True, False)))


def _median(name: str, all_op: Op, dim_op: Op):
    def impl(input, dim=None, keepdim: bool = False, *, out=None):
        if dim is None:
            return call(all_op, (input.reshape(-1),), (("rule", name),)) if input.numel() else \
                call(all_op, (input.reshape(1) * float("nan"),), (("rule", name),))
        axis = _axis(input, dim)
        if input.dim() and input.shape[axis] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {axis} to have non-zero size.")
        static = (("axis", axis), ("keepdims", bool(keepdim)), ("rule", name))
        return RETURN_TYPES[name](outputs(dim_op, (input,), static, (True, False)))

    impl.__name__ = name
    register(name)(impl)
    return impl


median = _median("median", _MEDIAN_ALL, _MEDIAN_DIM)
nanmedian = _median("nanmedian", _NANMEDIAN_ALL, _NANMEDIAN_DIM)


def _mode(x, *, axis, keepdims):
    if x.ndim == 0:
        return x, jnp.zeros((), _LONG)
    m = jnp.moveaxis(x, axis, -1)
    counts = (m[..., :, None] == m[..., None, :]).sum(-1)
    best = counts == counts.max(-1, keepdims=True)
    value = jnp.where(best, m, _largest(m.dtype)).min(-1, keepdims=True)  # the smallest of the most frequent
    pos = jnp.arange(m.shape[-1])
    index = jnp.where(m == value, pos, -1).max(-1, keepdims=True).astype(_LONG)
    value = jnp.take_along_axis(m, index, axis=-1)  # the gradient flows to the chosen index, as in PyTorch
    value, index = jnp.moveaxis(value, -1, axis), jnp.moveaxis(index, -1, axis)
    return (value, index) if keepdims else (jnp.squeeze(value, axis), jnp.squeeze(index, axis))


def _largest(dt):
    if dt == np.bool_:
        return True
    return jnp.inf if jnp.issubdtype(dt, jnp.floating) else jnp.iinfo(dt).max


_MODE = Op("mode", _mode, "ModeBackward0")


@register("mode")
def mode(input, dim: int = -1, keepdim: bool = False, *, out=None):
    static = (("axis", _axis(input, dim)), ("keepdims", bool(keepdim)))
    return RETURN_TYPES["mode"](outputs(_MODE, (input,), static, (True, False)))


# ---------------------------------------------------------------------------- scans


def _scan(name: str, fn, grad_name: str):
    op = Op(name, lambda x, *, axis, dtype: fn(x.astype(dtype), axis=axis) if x.ndim else x.astype(dtype), grad_name)

    def impl(input, dim: int, *, dtype=None, out=None) -> Tensor:
        dt = _dtype.to_jax(sum_dtype(_dtype.from_any(input._node.dtype),
                                     None if dtype is None else _dtype.parse_dtype_arg(dtype, name)))
        return _into(call(op, (input,), (("axis", _axis(input, dim)), ("dtype", dt))), out)

    impl.__name__ = name
    register(name, inplace=True)(impl)
    return impl


cumsum = _scan("cumsum", jnp.cumsum, "CumsumBackward0")
cumprod = _scan("cumprod", jnp.cumprod, "CumprodBackward0")


def _cum_extreme(x, *, axis, largest):
    if x.ndim == 0:
        return x, jnp.zeros((), _LONG)
    run = (lax.cummax if largest else lax.cummin)(x, axis=axis)
    floating = jnp.issubdtype(x.dtype, jnp.floating)
    nan = jnp.isnan(x) if floating else jnp.zeros(x.shape, bool)
    seen_nan = lax.cummax(nan.astype(jnp.int8), axis=axis).astype(bool)
    pos = lax.broadcasted_iota(_LONG, x.shape, axis)
    hit = jnp.where(seen_nan, nan, x == run)  # PyTorch: NaN propagates and keeps its index
    index = lax.cummax(jnp.where(hit, pos, -1), axis=axis)
    return jnp.take_along_axis(x, index, axis=axis), index  # the gradient flows to the indices, as in PyTorch


_CUMMAX = Op("cummax", lambda x, *, axis: _cum_extreme(x, axis=axis, largest=True), "CummaxBackward0")
_CUMMIN = Op("cummin", lambda x, *, axis: _cum_extreme(x, axis=axis, largest=False), "CumminBackward0")


@register("cummax")
def cummax(input, dim: int, *, out=None):
    return RETURN_TYPES["cummax"](outputs(_CUMMAX, (input,), (("axis", _axis(input, dim)),), (True, False)))


@register("cummin")
def cummin(input, dim: int, *, out=None):
    return RETURN_TYPES["cummin"](outputs(_CUMMIN, (input,), (("axis", _axis(input, dim)),), (True, False)))


_LOGCUMSUMEXP = Op("logcumsumexp", lambda x, *, axis: lax.cumlogsumexp(x, axis=axis) if x.ndim else x,
                   "LogcumsumexpBackward0")


@register("logcumsumexp")
def logcumsumexp(input, dim: int, *, out=None) -> Tensor:
    return _into(call(_LOGCUMSUMEXP, (input,), (("axis", _axis(input, dim)),)), out)


# ---------------------------------------------------------------------------- unique (syncs)


@register("unique")
def unique(input, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False, dim=None):
    """Distinct values, always sorted (as PyTorch on CPU). Syncs: the result's size depends on values."""
    from ._indexing import _from_np
    a = np.asarray(input._value())
    axis = None if dim is None else _axis(input, dim)
    vals, inverse, counts = np.unique(a, return_inverse=True, return_counts=True, axis=axis)
    out = [_from_np(vals)]
    if return_inverse:
        out.append(_from_np(inverse.reshape(a.shape if axis is None else -1).astype(_LONG)))
    if return_counts:
        out.append(_from_np(counts.astype(_LONG)))
    return out[0] if len(out) == 1 else tuple(out)


@register("unique_consecutive")
def unique_consecutive(input, return_inverse: bool = False, return_counts: bool = False, dim=None):
    from ._indexing import _from_np
    a = np.asarray(input._value())
    axis = 0 if dim is None else _axis(input, dim)
    flat = a.reshape(-1) if dim is None else np.moveaxis(a, axis, 0)
    if flat.shape[0] == 0:
        starts = np.zeros(0, bool)
    else:
        diff = (flat[1:] != flat[:-1]).reshape(flat.shape[0] - 1, int(np.prod(flat.shape[1:]))).any(-1)
        starts = np.concatenate([[True], diff])
    vals = flat[starts] if dim is None else np.moveaxis(flat[starts], 0, axis)
    out = [_from_np(vals)]
    if return_inverse:
        out.append(_from_np((np.cumsum(starts) - 1).reshape(a.shape if dim is None else -1).astype(_LONG)))
    if return_counts:
        out.append(_from_np(np.diff(np.append(np.flatnonzero(starts), flat.shape[0])).astype(_LONG)))
    return out[0] if len(out) == 1 else tuple(out)
