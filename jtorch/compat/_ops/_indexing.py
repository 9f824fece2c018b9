"""``Tensor.__getitem__`` / ``__setitem__``: basic indexing is a view (writes reach the base), advanced
indexing (integer tensors, lists) gathers and scatters; boolean masks sync to learn their size when
the result's shape depends on them, as PyTorch does on an accelerator.
"""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from .. import _tensor, engine
from .._tensor import Tensor, call, view
from ..engine import Op
from ._convert import SCALARS, as_node
from ._registry import inplace, register

# A static index is a tuple of entries: ("i", int), ("s", start, stop, step), ("n",) None,
# ("e",) Ellipsis, ("t",) an index array passed as an op input.


def _decode(static_idx, arrays):
    arrays = iter(arrays)
    out = []
    for e in static_idx:
        kind = e[0]
        out.append(e[1] if kind == "i" else slice(*e[1:]) if kind == "s" else None if kind == "n"
                   else Ellipsis if kind == "e" else next(arrays))
    return tuple(out)


def _get(x, *arrays, index):
    return x[_decode(index, arrays)]


def _set(x, value, *arrays, index):
    return x.at[_decode(index, arrays)].set(value.astype(x.dtype))


_BASIC = Op("index", _get, "SliceBackward0", saves=False)
_tensor.WRITE_OPS[_BASIC] = Op("index_write", _set, "CopySlices")
_GATHER = Op("index", _get, "IndexBackward0")
_SCATTER = Op("index_put", _set, "IndexPutBackward0")


def _normalize(t: Tensor, idx) -> tuple[tuple, list[Tensor]]:
    """Validates ``idx`` against ``t``'s shape (PyTorch's errors) and splits it into static entries and
    index tensors. Boolean masks become integer index tensors (a sync)."""
    if not isinstance(idx, tuple):
        idx = (idx,)
    shape = tuple(t.shape)
    n_used = sum(i.dim() if _is_mask(i) else 1 for i in idx if i is not None and i is not Ellipsis)
    if n_used > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    static, arrays, dim = [], [], 0
    for i in idx:
        if i is Ellipsis:
            static.append(("e",))
            dim = len(shape) - (n_used - dim)
        elif i is None:
            static.append(("n",))
        elif isinstance(i, bool):
            raise NotImplementedError("indexing with a Python bool")
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
                dim += arr.dim()
                continue
            if arr._node.dtype.kind not in "iu":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            static.append(("t",))
            arrays.append(arr)
            dim += 1
    return tuple(static), arrays


def _is_mask(i) -> bool:
    return isinstance(i, Tensor) and i._node.dtype == np.bool_


def _index_tensor(i) -> Tensor:
    from ._convert import from_data
    return from_data(i)


def _from_np(a: np.ndarray) -> Tensor:
    return _tensor.wrap(engine.constant(jnp.asarray(a)))


def getitem(self: Tensor, idx) -> Tensor:
    static, arrays = _normalize(self, idx)
    if not arrays:
        return view(self, _BASIC, (("index", static),))
    return call(_GATHER, (self, *arrays), (("index", static),))


def setitem(self: Tensor, idx, value) -> None:
    static, arrays = _normalize(self, idx)
    dt = self._node.dtype
    vnode = as_node(value, dt) if isinstance(value, (Tensor, *SCALARS)) else _index_tensor(value)._node
    op = _tensor.WRITE_OPS[_BASIC] if not arrays else _SCATTER
    result = call(op, (self, vnode, *arrays), (("index", static),))
    inplace(self, result, "setitem")


Tensor.__getitem__ = getitem
Tensor.__setitem__ = setitem


@register("nonzero")
def nonzero(input, *, as_tuple: bool = False):
    """Indices of non-zero elements; syncs (the result's size depends on the values)."""
    where = np.nonzero(np.asarray(input._value()))
    if as_tuple:
        return tuple(_from_np(w.astype(np.int64)) for w in where)
    return _from_np(np.stack(where, axis=1).astype(np.int64) if where else np.zeros((0, 0), np.int64))


@register("masked_select")
def masked_select(input, mask) -> Tensor:
    from ._pointwise import _broadcast_shape
    shape = _broadcast_shape(tuple(input.shape), tuple(mask.shape)) or (1,)  # a 0-d pair selects from one element
    return getitem(input.expand(*shape), mask.expand(*shape))

