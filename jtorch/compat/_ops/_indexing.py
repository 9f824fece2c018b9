"""``Tensor.__getitem__`` / ``__setitem__`` and ``index_put``: basic indexing is a view (writes reach the
base), advanced indexing (integer tensors, lists) gathers and scatters; boolean masks sync to learn their
size when the result's shape depends on them, as PyTorch does on an accelerator.

Python ints and slice starts in a basic index are runtime values: ``x[i]`` and ``x[i:i + n]`` read a box
``lax.dynamic_slice`` whose starts are one int64 leaf, so a loop over ``i`` compiles once. The view's chain
keeps that leaf, to replay the view after a write to its base and to write through it (``x[i] += v``,
``confusion[a][b] += 1``) with the same runtime starts.
"""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _dtype, _tensor, engine
from .._index_check import check_advanced
from .._tensor import Tensor, call, view
from ..engine import Op
from ._convert import SCALARS, as_node
from ._registry import inplace, register

# A static index is a tuple of entries: ("i", int), ("s", start, stop, step), ("n",) None,
# ("e",) Ellipsis, ("t",) an index array passed as an op input, ("b", bool) a Python bool (a 0-d mask).


def _decode(static_idx, arrays):
    arrays = iter(arrays)
    out = []
    for e in static_idx:
        kind = e[0]
        out.append(e[1] if kind in "ib" else slice(*e[1:]) if kind == "s" else None if kind == "n"
                   else Ellipsis if kind == "e" else next(arrays))
    return tuple(out)


def _get(x, *arrays, index):
    return x[_decode(index, arrays)]


def _set(x, value, *arrays, index):
    return x.at[_decode(index, arrays)].set(value.astype(x.dtype))


def _add(x, value, *arrays, index):
    return x.at[_decode(index, arrays)].add(value.astype(x.dtype))


# PyTorch names a basic index's grad_fn for its last step: SelectBackward0 (an int), SliceBackward0 (a slice
# that is not the whole dim, or a bare ``x[:]``), UnsqueezeBackward0 (None); AliasBackward0 when no step.
_STEPS = ("SelectBackward0", "SliceBackward0", "UnsqueezeBackward0", "AliasBackward0")
_BASIC_WRITE = Op("index_write", _set, "torch::autograd::CopySlices")
_BASIC = {name: Op("index", _get, name, saves=False) for name in _STEPS}
_tensor.WRITE_OPS.update(dict.fromkeys(_BASIC.values(), _BASIC_WRITE))
_GATHER = Op("index", _get, "IndexBackward0")
_MASKED_SELECT = Op("index", _get, "MaskedSelectBackward0")
_SCATTER = Op("index_put", _set, "IndexPutBackward0")
_SCATTER_ADD = Op("index_put", _add, "IndexPutBackward0")


def _box_starts(box, starts):
    dynamic = iter(range(starts.shape[0]))
    return [starts[next(dynamic)] if lo is None else lo for lo, _ in box]


def _box_get(x, starts, *, box, shape):
    return lax.dynamic_slice(x, _box_starts(box, starts), [n for _, n in box]).reshape(shape)


def _box_set(x, value, starts, *, box, shape):
    sizes = [n for _, n in box]
    if value.ndim > len(shape):  # PyTorch drops leading size-1 dims of the value
        value = value.reshape(value.shape[value.ndim - len(shape):])
    value = jnp.broadcast_to(value.astype(x.dtype), shape).reshape(sizes)
    return lax.dynamic_update_slice(x, value, _box_starts(box, starts))


_BOX = {name: Op("index", _box_get, name, saves=False) for name in _STEPS}
_BOX_SET = Op("index_write", _box_set, "torch::autograd::CopySlices")
# ``x[mask] = v`` with one value for every selected element: a select under the mask (over x's leading dims),
# whose shapes do not depend on how many elements the mask selects, so a loop compiles once.
_MASK_SET = Op("index_put", lambda x, mask, v: jnp.where(mask.reshape(mask.shape + (1,) * (x.ndim - mask.ndim)),
                                                        v, x), "IndexPutBackward0")


def _one_value_mask(self: Tensor, idx, value) -> bool:
    """Whether ``self[idx] = value`` sets every element a boolean mask over leading dims selects to one value."""
    if not (_is_mask(idx) and 0 < idx.dim() <= self.dim() and tuple(idx.shape) == tuple(self.shape)[:idx.dim()]):
        return False
    return isinstance(value, SCALARS) or isinstance(value, Tensor) and value.dim() <= 1 and value.numel() == 1
_tensor.WRITE_OPS.update(dict.fromkeys(_BOX.values(), _BOX_SET))


def _box(static: tuple, shape: tuple) -> tuple | None:
    """A basic index whose slices have step 1 as a box: ``(static, start leaf)`` where static holds per-dim
    ``(start or None when runtime, size)`` and the result shape; None when it has no runtime start (or a
    stepped slice), so the plain static view is as cheap."""
    box, starts, out, dim = [], [], [], 0
    n_used = sum(e[0] in "is" for e in static)
    for e in static:
        kind = e[0]
        if kind == "e":
            for _ in range(len(shape) - n_used):
                box.append((0, shape[dim]))
                out.append(shape[dim])
                dim += 1
        elif kind == "n":
            out.append(1)
        elif kind == "i":
            box.append((None, 1))
            starts.append(e[1])
            dim += 1
        else:
            if e[3] not in (None, 1):
                return None
            lo, hi, _ = slice(e[1], e[2]).indices(shape[dim])
            size = max(hi - lo, 0)
            box.append((0, size) if e[1] is None else (None, size))
            starts += [] if e[1] is None else [lo]
            out.append(size)
            dim += 1
    if not starts:
        return None
    box += [(0, n) for n in shape[dim:]]
    out += shape[dim:]
    leaf = engine.constant(np.asarray(starts, np.int64))
    return (("box", tuple(box)), ("shape", tuple(out))), leaf


def _step_name(static: tuple, shape: tuple, bare: bool) -> str:
    """PyTorch's grad_fn name of a basic index: its last step's (a whole-dim slice is no step, except in a
    bare ``x[:]``)."""
    if bare:
        return "SliceBackward0"
    last, dim, n_used = "AliasBackward0", 0, sum(e[0] in "is" for e in static)
    for e in static:
        kind = e[0]
        if kind == "e":
            dim += len(shape) - n_used
        elif kind == "n":
            last = "UnsqueezeBackward0"
        else:
            if kind == "i":
                last = "SelectBackward0"
            elif slice(*e[1:]).indices(shape[dim]) != (0, shape[dim], 1):
                last = "SliceBackward0"
            dim += 1
    return last


def _normalize(t: Tensor, idx) -> tuple[tuple, list[Tensor]]:
    """Validates ``idx`` against ``t``'s shape (PyTorch's errors) and splits it into static entries and
    index tensors. Boolean masks become integer index tensors (a sync). Index tensors whose values are
    materialised (lists, arrays, data) are range-checked on the host; a lazily computed one is not (that
    would force a sync), and XLA clamps its out-of-range entries."""
    shape = tuple(t.shape)
    if not isinstance(idx, tuple):
        if not shape:
            _check_0d(idx)
        idx = (idx,)
    n_used = sum(i.dim() if _is_mask(i) else 1 for i in idx if i is not None and i is not Ellipsis
                 and not isinstance(i, bool))
    if n_used > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    static, arrays, sizes, dim = [], [], [], 0
    for i in idx:
        if i is Ellipsis:
            static.append(("e",))
            dim = len(shape) - (n_used - dim)
        elif i is None:
            static.append(("n",))
        elif isinstance(i, bool):  # a 0-d mask: a new dim of size 1 (True) or 0 (False), by advanced indexing
            if any(j is None for j in idx):
                raise NotImplementedError("indexing with a Python bool next to None")
            static.append(("b", i))
        elif isinstance(i, (int, np.integer)):
            i = int(i)
            size = shape[dim]
            if not -size <= i < size:
                raise IndexError(f"index {i} is out of bounds for dimension {dim} with size {size}")
            static.append(("i", i % size))
            dim += 1
        elif isinstance(i, slice):
            start, stop, step = (None if v is None else int(v) for v in (i.start, i.stop, i.step))
            if step is not None and step <= 0:
                raise ValueError("step must be greater than zero")
            static.append(("s", start, stop, step))
            dim += 1
        else:
            arr = i if isinstance(i, Tensor) else _index_tensor(i)
            if _is_mask(arr):
                for k in range(arr.dim()):
                    if arr.shape[k] != shape[dim + k]:
                        raise IndexError(f"The shape of the mask {list(arr.shape)} at index {k} does not match the "
                                         f"shape of the indexed tensor {list(shape)} at index {dim + k}")
                for where in np.nonzero(np.asarray(arr._value())):
                    static.append(("t",))
                    arrays.append(_from_np(where.astype(np.int64)))
                sizes += shape[dim:dim + arr.dim()]
                dim += arr.dim()
                continue
            if arr._node.dtype.kind not in "iu":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            static.append(("t",))
            arrays.append(arr)
            sizes.append(shape[dim])
            dim += 1
    if len(arrays) > 1:
        try:
            np.broadcast_shapes(*(tuple(a.shape) for a in arrays))
        except ValueError:
            raise IndexError("shape mismatch: indexing tensors could not be broadcast together with shapes "
                             + ", ".join(str(list(a.shape)) for a in arrays)) from None
    check_advanced(arrays, sizes)
    return tuple(static), arrays


def _has_bool(static: tuple) -> bool:
    return any(e[0] == "b" for e in static)


def _check_0d(i) -> None:
    """PyTorch's errors for an int or a slice alone indexing a 0-d tensor (the common ``loss[0]``)."""
    if isinstance(i, slice):
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    if isinstance(i, (int, np.integer)) and not isinstance(i, bool):
        if i == 0:
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in "
                             "C++ to convert a 0-dim tensor to a number")
        raise IndexError(f"index {i} is out of bounds for dimension 0 with size 0")


def _is_mask(i) -> bool:
    return isinstance(i, Tensor) and i._node.dtype == np.bool_


def _index_tensor(i) -> Tensor:
    from ._convert import from_data
    return from_data(i)


def _from_np(a: np.ndarray) -> Tensor:
    return _tensor.wrap(engine.constant(jnp.asarray(a)))


_ROW_BOXES: dict[tuple, tuple] = {}  # shape -> box static of `x[i]` (the common case, kept off the slow path)


def getitem(self: Tensor, idx) -> Tensor:
    if type(idx) is int:
        shape = self._node.shape
        if shape and -shape[0] <= idx < shape[0]:
            box = _ROW_BOXES.get(shape)
            if box is None:
                rows = ((None, 1),) + tuple((0, n) for n in shape[1:])
                box = _ROW_BOXES[shape] = (("box", rows), ("shape", shape[1:]))
            i = idx % shape[0]
            return _box_view(self, box, engine.constant(np.array([i], np.int64)), "SelectBackward0")
    static, arrays = _normalize(self, idx)
    if arrays or _has_bool(static):
        return call(_GATHER, (self, *arrays), (("index", static),))
    shape = tuple(self.shape)
    name = _step_name(static, shape, isinstance(idx, slice))
    box = _box(static, shape)
    if box is None:
        return view(self, _BASIC[name], (("index", static),))
    return _box_view(self, *box, name)


def _box_view(base: Tensor, box_static: tuple, starts, grad_name: str) -> Tensor:
    """A basic-index view read, and written through, by the runtime-start box ops: its chain keeps
    ``starts`` as an input, so ``x[i] += v`` over many ``i`` compiles once."""
    op = _BOX[grad_name]
    node = engine.apply(op, (base._node, starts), box_static)
    return _tensor.view_handle(base, node, op, box_static, (starts,))


def setitem(self: Tensor, idx, value) -> None:
    dt = self._node.dtype
    if _one_value_mask(self, idx, value):
        inplace(self, call(_MASK_SET, (self, idx, as_node(value, dt))), "setitem")
        return
    static, arrays = _normalize(self, idx)
    vnode = as_node(value, dt) if isinstance(value, (Tensor, *SCALARS)) else _index_tensor(value)._node
    advanced = arrays or _has_bool(static)
    box = None if advanced else _box(static, tuple(self.shape))
    if box is not None:
        result = call(_BOX_SET, (self, vnode, box[1]), box[0])
    else:
        op = _SCATTER if advanced else _BASIC_WRITE
        result = call(op, (self, vnode, *arrays), (("index", static),))
    inplace(self, result, "setitem")


@register("index_put", inplace=True)
def index_put(input, indices, values, accumulate: bool = False) -> Tensor:
    """``input[indices] = values`` out of place; ``accumulate`` adds instead, repeated indices summing."""
    if not isinstance(values, Tensor):
        raise TypeError(f"index_put(): argument 'values' (position 2) must be Tensor, not {type(values).__name__}")
    if values._node.dtype != input._node.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{_dtype.from_any(input._node.dtype)._c10} for the destination and "
                           f"{_dtype.from_any(values._node.dtype)._c10} for the source.")
    static, arrays = _normalize(input, tuple(indices))
    return call(_SCATTER_ADD if accumulate else _SCATTER, (input, values, *arrays), (("index", static),))


@register("index_put_", method=False)
def index_put_(input, indices, values, accumulate: bool = False) -> Tensor:
    """``torch.index_put_``: the registry makes ``Tensor.index_put_`` but no in-place ``torch.`` function."""
    return inplace(input, index_put(input, indices, values, accumulate), "index_put_")


Tensor.__getitem__ = getitem
Tensor.__setitem__ = setitem


@register("nonzero")
def nonzero(input, *, as_tuple: bool = False):
    """Indices of non-zero elements; syncs (the result's size depends on the values)."""
    value = np.asarray(input._value())
    if value.ndim == 0:  # PyTorch: a 0-d input is one element with no coordinates
        n = int(value != 0)
        return (_from_np(np.zeros(n, np.int64)),) if as_tuple else _from_np(np.zeros((n, 0), np.int64))
    where = np.nonzero(value)
    if as_tuple:
        return tuple(_from_np(w.astype(np.int64)) for w in where)
    return _from_np(np.stack(where, axis=1).astype(np.int64) if where else np.zeros((0, 0), np.int64))


@register("argwhere")
def argwhere(input) -> Tensor:
    return nonzero(input)


@register("masked_select")
def masked_select(input, mask) -> Tensor:
    from ._pointwise import _broadcast_shape
    shape = _broadcast_shape(tuple(input.shape), tuple(mask.shape)) or (1,)  # a 0-d pair selects from one element
    input = input.expand(*shape)
    static, arrays = _normalize(input, mask.expand(*shape))
    return call(_MASKED_SELECT, (input, *arrays), (("index", static),))

