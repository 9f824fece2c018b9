"""Writes and repeats along one dim driven by a vector of indices: ``index_add``, ``index_copy``,
``index_fill`` (+ in-place), ``repeat_interleave``.

As in ``_gather``, a materialised index is range-checked on the host (PyTorch's errors), a lazily computed
one is not (that would be a sync); ``repeat_interleave`` with a tensor of repeats syncs to learn the
result's length, as PyTorch does on an accelerator.
"""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._index_check import axis_size, check_bounds, first_outside
from .._tensor import Tensor, call
from ..engine import Op
from ._convert import as_node
from ._registry import dims, register


def _rows(x, index, axis):
    """``x.at[...]`` selecting ``index`` along ``axis`` (a 0-d ``x`` is one row)."""
    return x.reshape(x.shape or (1,)).at[(slice(None),) * axis + (index,)]


def _index_add(x, index, src, alpha, *, axis):
    return _rows(x, index, axis).add((src * alpha).reshape(src.shape or (1,)).astype(x.dtype)).reshape(x.shape)


def _index_copy(x, index, src, *, axis):
    return _rows(x, index, axis).set(src.reshape(src.shape or (1,)).astype(x.dtype)).reshape(x.shape)


def _index_fill(x, index, value, *, axis):
    return _rows(x, index, axis).set(value.astype(x.dtype)).reshape(x.shape)


_INDEX_ADD = Op("index_add", _index_add, "IndexAddBackward0")
_INDEX_COPY = Op("index_copy", _index_copy, "IndexCopyBackward0")
_INDEX_FILL = Op("index_fill", _index_fill, "IndexFillBackward0")
_INDEX_FILL_T = Op("index_fill", _index_fill, "IndexFillBackward1")


# PyTorch's range error per op: exception, whether negative indices count from the end, message prefix
_BOUNDS = {"index_add_": (RuntimeError, False, ""), "index_copy_": (IndexError, False, "index_copy_(): "),
           "index_fill_": (IndexError, True, "")}


def _check(name: str, input: Tensor, dim, index: Tensor, src: Tensor | None = None) -> int:
    """PyTorch's checks of an index write; returns the axis."""
    (axis,) = dims(dim, input.dim())
    if index.dim() > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector, but got dim: {index.dim()} with type: "
                         f"{_dtype.from_any(index._node.dtype)._c10} and size: {list(index.shape)}")
    if index._node.dtype.kind not in "iu":
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index but got: "
                           f"{_dtype.from_any(index._node.dtype)._c10}")
    if src is not None and input.dim() and src.dim():
        n = index.numel()
        if src.shape[axis] != n:
            raise RuntimeError(f"{name}(): Number of indices ({n}) should be equal to source.size(dim): "
                               f"({src.shape[axis]}), for dim: {axis}")
    if name == "index_add_" and not input.dim():  # PyTorch's 0-d index_add goes through index_select's check
        if first_outside(index, 0, 1) is not None:
            raise IndexError("index out of range in self")
    else:
        error, wrap, prefix = _BOUNDS[name]
        check_bounds(index, axis_size(input, axis), axis, wrap=wrap, error=error, prefix=prefix)
    return axis


@register("index_add", inplace=True)
def index_add(input, dim: int, index, source, *, alpha=1, out=None) -> Tensor:
    axis = _check("index_add_", input, dim, index, source)
    return call(_INDEX_ADD, (input, index.reshape(-1), source, as_node(alpha, input._node.dtype)), (("axis", axis),))


@register("index_copy", inplace=True)
def index_copy(input, dim: int, index, source, *, out=None) -> Tensor:
    axis = _check("index_copy_", input, dim, index, source)
    return call(_INDEX_COPY, (input, index.reshape(-1), source), (("axis", axis),))


@register("index_fill", inplace=True)
def index_fill(input, dim: int, index, value) -> Tensor:
    axis = _check("index_fill_", input, dim, index)
    if isinstance(value, Tensor) and value.dim() != 0:
        raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.dim()} dimension(s).")
    op = _INDEX_FILL_T if isinstance(value, Tensor) else _INDEX_FILL
    return call(op, (input, index.reshape(-1), as_node(value, input._node.dtype)), (("axis", axis),))


_REPEAT = Op("repeat_interleave", lambda x, *, repeats, axis: jnp.repeat(x, repeats, axis), "ViewBackward0")
_REPEAT_T = Op("repeat_interleave", lambda x, repeats, *, axis, total: jnp.repeat(
    x, repeats, axis, total_repeat_length=total), "IndexSelectBackward0")


@register("repeat_interleave")
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None) -> Tensor:
    """Each element (or slice along ``dim``; the flattened input when None) repeated ``repeats`` times;
    ``repeat_interleave(counts)`` alone repeats each index ``i`` ``counts[i]`` times."""
    if repeats is None:  # torch.repeat_interleave(repeats)
        from ._indexing import _from_np
        input, repeats = _from_np(np.arange(input.numel(), dtype=np.int64)), input
    x = input.reshape(-1) if dim is None else input
    axis = 0 if dim is None else dims(dim, input.dim())[0]
    if isinstance(repeats, Tensor) and repeats.dim() == 0:
        repeats = repeats.expand(x.shape[axis])
    if not isinstance(repeats, Tensor):
        r = int(repeats)
        if r < 0:
            raise RuntimeError("Repeats must be non-negative")
        return call(_REPEAT, (x,), (("repeats", r), ("axis", axis)))
    counts = np.asarray(repeats._value()).reshape(-1)
    if counts.shape[0] != x.shape[axis]:
        raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                           f"{counts.shape[0]} and input.size({axis}) = {x.shape[axis]}")
    if (counts < 0).any():
        raise RuntimeError("repeats can not be negative")
    return call(_REPEAT_T, (x, repeats.reshape(-1)), (("axis", axis), ("total", int(counts.sum()))))
