"""Index-driven reads and writes: ``gather``/``take_along_dim``, ``scatter`` (value or src, ``reduce=``),
``scatter_add``, ``scatter_reduce``, ``index_select``, ``masked_fill``, ``masked_scatter``.

A materialised index (from data, a list, an array) is range-checked on the host and raises PyTorch's
error; a lazily computed one is not, since reading it would force a sync, so its out-of-range entries are
undefined (JAX clamps or drops them) where PyTorch raises.
"""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._index_check import axis_size, check_bounds, first_outside
from .._tensor import Tensor, call
from ..engine import Op
from ._convert import as_node
from ._pointwise import _broadcast_shape, _into
from ._registry import dims, register


def _check_index(name: str, index: Tensor, kinds: str = "int32/int64") -> None:
    if index._node.dtype.kind not in "iu":
        raise RuntimeError(f"{name}(): Expected dtype {kinds} for index")


def _crop(x, shape, skip: int | None = None):
    """``x`` cut down to ``shape`` in every dimension but ``skip``."""
    return x[tuple(slice(None) if d == skip else slice(0, s) for d, s in enumerate(shape))]


def _grid(index, axis: int) -> tuple:
    """Full advanced index for ``x.at[...]``: ``index`` along ``axis``, the position everywhere else."""
    grids = jnp.indices(index.shape, sparse=True)
    return tuple(index if d == axis else g for d, g in enumerate(grids))


def _gather(x, index, *, axis):
    if x.ndim == 0:
        return jnp.broadcast_to(x, index.shape)
    return jnp.take_along_axis(_crop(x, index.shape, axis), index, axis=axis)


_GATHER = Op("gather", _gather, "GatherBackward0")
_GATHER_EMPTY = Op("gather", lambda x, index: jnp.zeros(index.shape, x.dtype), "GatherBackward0")


@register("gather")
def gather(input, dim: int, index, *, sparse_grad: bool = False, out=None) -> Tensor:
    del sparse_grad
    (axis,) = dims(dim, input.dim())
    _check_index("gather", index)
    if index.dim() != input.dim() and max(index.dim(), input.dim()) > 1 and index.numel():
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    if index.numel() == 0:  # PyTorch: an empty index gives an empty result of its shape
        return _into(call(_GATHER_EMPTY, (input, index)), out)
    for d in range(index.dim()):
        if d != axis and index.shape[d] > input.shape[d]:
            raise RuntimeError(f"Size does not match at dimension {d} expected index {list(index.shape)} to be no "
                               f"larger than self {list(input.shape)} apart from dimension {axis}")
    check_bounds(index, axis_size(input, axis), axis)
    return _into(call(_GATHER, (input, index), (("axis", axis),)), out)


@register("take_along_dim")
def take_along_dim(input, indices, dim: int | None = None, *, out=None) -> Tensor:
    if indices._node.dtype.kind not in "iu":
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{_dtype.from_any(indices._node.dtype)._c10}")
    if dim is None:
        check_bounds(indices, input.numel(), 0)
        return _into(call(_GATHER, (input.reshape(-1), indices.reshape(-1)), (("axis", 0),)), out)
    (axis,) = dims(dim, input.dim())
    a, b = list(input.shape), list(indices.shape)
    a[axis] = b[axis] = 1
    shape = list(_broadcast_shape(tuple(a), tuple(b)))
    x_shape, i_shape = shape.copy(), shape.copy()
    x_shape[axis], i_shape[axis] = input.shape[axis], indices.shape[axis]
    return _into(call(_GATHER, (input.expand(*x_shape), indices.expand(*i_shape)), (("axis", axis),)), out)


def _scatter(x, index, src, *, axis, reduce):
    src = src.astype(x.dtype)
    if src.ndim:
        src = _crop(src, index.shape)
    at = x.at[_grid(index, axis)] if x.ndim else x.at[()]
    return {None: at.set, "add": at.add, "multiply": at.multiply, "sum": at.add, "prod": at.multiply,
            "amax": at.max, "amin": at.min}[reduce](src)


_SCATTER_SRC = Op("scatter", _scatter, "ScatterBackward0")
_SCATTER_VALUE = Op("scatter", _scatter, "ScatterBackward1")
_SCATTER_ADD = Op("scatter_add", _scatter, "ScatterAddBackward0")


def _check_scatter(name: str, input: Tensor, axis: int, index: Tensor, src) -> None:
    _check_index(name, index)
    if index.dim() != input.dim() and max(index.dim(), input.dim()) > 1:
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    if isinstance(src, Tensor):
        if src._node.dtype != input._node.dtype:
            raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype")
        if src.dim() != index.dim() and max(src.dim(), index.dim()) > 1:
            raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    bad_self = any(d != axis and index.shape[d] > input.shape[d] for d in range(index.dim()))
    bad_src = isinstance(src, Tensor) and any(index.shape[d] > src.shape[d] for d in range(index.dim()))
    if bad_self or bad_src:
        msg = f"Expected index {list(index.shape)} to be no larger than self {list(input.shape)} apart from dimension {axis}"
        if isinstance(src, Tensor):
            msg += f" and to be no larger size than src {list(src.shape)}"
        raise RuntimeError(msg)
    check_bounds(index, axis_size(input, axis), axis)


@register("scatter", inplace=True)
def scatter(input, dim: int, index, src=None, value=None, *, reduce=None, out=None) -> Tensor:
    """Writes ``src`` (a tensor) or ``value`` (a number) at ``index`` along ``dim``; ``reduce`` is
    ``'add'`` or ``'multiply'``."""
    if src is None:
        src = value
    (axis,) = dims(dim, input.dim())
    _check_scatter("scatter", input, axis, index, src)
    if reduce not in (None, "add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    op = _SCATTER_SRC if isinstance(src, Tensor) else _SCATTER_VALUE
    static = (("axis", axis), ("reduce", reduce))
    return _into(call(op, (input, index, as_node(src, input._node.dtype)), static), out)


@register("scatter_add", inplace=True)
def scatter_add(input, dim: int, index, src, *, out=None) -> Tensor:
    (axis,) = dims(dim, input.dim())
    _check_scatter("scatter_add", input, axis, index, src)
    return _into(call(_SCATTER_ADD, (input, index, src), (("axis", axis), ("reduce", "add"))), out)


_IDENTITY = {"sum": 0, "prod": 1, "mean": 0}


def _scatter_reduce(x, index, src, *, axis, reduce, include_self):
    where = _grid(index, axis) if x.ndim else ()
    src = _crop(src.astype(x.dtype), index.shape) if src.ndim else src.astype(x.dtype)
    if not include_self:
        if reduce in ("amax", "amin"):
            info = jnp.finfo(x.dtype) if jnp.issubdtype(x.dtype, jnp.floating) else jnp.iinfo(x.dtype)
            fill = info.min if reduce == "amax" else info.max
        else:
            fill = _IDENTITY[reduce]
        x = x.at[where].set(jnp.asarray(fill, x.dtype))
    if reduce != "mean":
        return _scatter(x, index, src, axis=axis, reduce=reduce)
    total = x.at[where].add(src)
    count = jnp.ones(x.shape, x.dtype) if include_self else jnp.ones(x.shape, x.dtype).at[where].set(0)
    count = jnp.maximum(count.at[where].add(jnp.ones_like(src)), 1)
    return total / count if jnp.issubdtype(x.dtype, jnp.inexact) else jnp.floor_divide(total, count)


_SCATTER_REDUCE = Op("scatter_reduce", _scatter_reduce, "ScatterReduceBackward0")


@register("scatter_reduce", inplace=True)
def scatter_reduce(input, dim: int, index, src, reduce: str, *, include_self: bool = True, out=None) -> Tensor:
    if reduce not in ("sum", "prod", "mean", "amax", "amin"):
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    (axis,) = dims(dim, input.dim())
    _check_scatter("scatter_reduce", input, axis, index, src)
    static = (("axis", axis), ("reduce", reduce), ("include_self", bool(include_self)))
    return _into(call(_SCATTER_REDUCE, (input, index, src), static), out)


_INDEX_SELECT = Op("index_select", lambda x, index, *, axis: jnp.take(x, index, axis=axis) if x.ndim
                   else x.reshape(1)[index].reshape(()), "IndexSelectBackward0")


@register("index_select")
def index_select(input, dim: int, index, *, out=None) -> Tensor:
    (axis,) = dims(dim, input.dim())
    if index.dim() > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    _check_index("index_select", index, "int32 or int64")
    size = axis_size(input, axis)
    bad = first_outside(index, 0, size)
    if bad is not None:  # PyTorch's CPU kernel for dim 1 has its own message
        if axis == 1:
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={size}")
        raise IndexError("index out of range in self")
    return _into(call(_INDEX_SELECT, (input, index.reshape(-1) if input.dim() else index), (("axis", axis),)), out)


def _masked_fill(x, mask, value):
    return jnp.where(mask, value.astype(x.dtype), x)


_MASKED_FILL = Op("masked_fill", _masked_fill, "MaskedFillBackward0")
_MASKED_FILL_T = Op("masked_fill", _masked_fill, "MaskedFillBackward1")


def _check_mask(name: str, mask: Tensor) -> None:
    if mask._node.dtype != np.bool_:
        raise RuntimeError(f"{name} only supports boolean masks, but got mask with dtype "
                           f"{_dtype.from_any(mask._node.dtype)._c10.lower()}")


@register("masked_fill", inplace=True)
def masked_fill(input, mask, value) -> Tensor:
    _check_mask("masked_fill_", mask)
    if isinstance(value, Tensor) and value.dim() != 0:
        raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.dim()} dimension(s).")
    _broadcast_shape(tuple(input.shape), tuple(mask.shape))
    op = _MASKED_FILL_T if isinstance(value, Tensor) else _MASKED_FILL
    return call(op, (input, mask, as_node(value, input._node.dtype)))


def _masked_scatter(x, mask, source):
    x, mask = jnp.broadcast_arrays(x, mask)
    flat = source.reshape(-1)
    pos = jnp.clip(jnp.cumsum(mask.reshape(-1)) - 1, 0, max(flat.shape[0] - 1, 0))
    return jnp.where(mask, flat[pos].reshape(x.shape).astype(x.dtype), x)


_MASKED_SCATTER = Op("masked_scatter", _masked_scatter, "MaskedScatterBackward0")


@register("masked_scatter", inplace=True)
def masked_scatter(input, mask, source) -> Tensor:
    _check_mask("masked_scatter_", mask)
    if source._node.dtype != input._node.dtype:
        raise RuntimeError(f"masked_scatter_: expected self and source to have same dtypes but got "
                           f"{_dtype.from_any(input._node.dtype)._c10} and {_dtype.from_any(source._node.dtype)._c10}")
    _broadcast_shape(tuple(input.shape), tuple(mask.shape))
    return call(_MASKED_SCATTER, (input, mask, source))
