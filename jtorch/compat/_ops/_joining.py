"""Joining, splitting and rearranging: ``cat``/``stack`` (+ ``hstack``, ``vstack``, ``dstack``,
``column_stack``), ``split``/``chunk``/``tensor_split``/``unbind``, ``narrow``/``select`` views,
``broadcast_tensors``/``broadcast_to``, ``repeat``/``tile``, ``flip``/``roll``, ``movedim``.

Slices taken by ``split``, ``chunk``, ``narrow``, ``select``, and ``unbind`` are views: an
in-place write through one reaches the base tensor, as in PyTorch.
"""
from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np
from jax import lax

from .._tensor import Tensor, call, view
from ..engine import Op
from ._convert import promote
from ._pointwise import _broadcast_shape, _into
from ._registry import dims, register
from ._registry import dims as _wrap_dims  # for ops whose PyTorch parameter is named `dims`
from ._views import _shape_args, _view_op, permute, unsqueeze

# ---------------------------------------------------------------------------- cat and stack


def _tensor_list(name: str, tensors) -> list[Tensor]:
    if isinstance(tensors, Tensor) or not isinstance(tensors, (tuple, list)):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f"{type(tensors).__name__}")
    return list(tensors)


def _cat(*xs, axis, dtype):
    kept = [x for x in xs if x.shape != (0,)] or xs[:1]  # PyTorch skips legacy 1-D empty tensors
    return jnp.concatenate([x.astype(dtype) for x in kept], axis)


_CAT = Op("cat", _cat, "CatBackward0")
_STACK = Op("stack", lambda *xs, axis, dtype: jnp.stack([x.astype(dtype) for x in xs], axis), "StackBackward0")


@register("cat", method=False, aliases=("concat", "concatenate"))
def cat(tensors, dim: int = 0, *, out=None) -> Tensor:
    """Concatenates along ``dim`` with PyTorch's type promotion; legacy 1-D empty tensors are skipped."""
    tensors = _tensor_list("cat", tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if t.dim() == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    kept = [(i, t) for i, t in enumerate(tensors) if tuple(t.shape) != (0,)] or [(0, tensors[0])]
    ref = kept[0][1]
    (axis,) = dims(dim, ref.dim())
    for i, t in kept[1:]:
        if t.dim() != ref.dim():
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.dim()} and {t.dim()}")
        for d in range(ref.dim()):
            if d != axis and t.shape[d] != ref.shape[d]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {axis}. Expected size "
                                   f"{ref.shape[d]} but got size {t.shape[d]} for tensor number {i} in the list.")
    dt = promote(*tensors)
    return _into(call(_CAT, tuple(tensors), (("axis", axis), ("dtype", dt))), out)


@register("stack", method=False)
def stack(tensors, dim: int = 0, *, out=None) -> Tensor:
    tensors = _tensor_list("stack", tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape = tuple(tensors[0].shape)
    for i, t in enumerate(tensors[1:], 1):
        if tuple(t.shape) != shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(shape)} at entry 0 and "
                               f"{list(t.shape)} at entry {i}")
    (axis,) = dims(dim, len(shape) + 1)
    return _into(call(_STACK, tuple(tensors), (("axis", axis), ("dtype", promote(*tensors)))), out)


def _atleast(n: int):
    def one(t: Tensor) -> Tensor:
        if t.dim() == 0:
            t = t.reshape((1,) * min(n, 1))
        if n >= 2 and t.dim() == 1:
            t = unsqueeze(t, 0)
        if n == 3 and t.dim() == 2:
            t = unsqueeze(t, -1)
        return t

    def impl(*tensors):
        if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
            return tuple(one(t) for t in tensors[0])
        return one(tensors[0]) if len(tensors) == 1 else tuple(one(t) for t in tensors)

    impl.__name__ = f"atleast_{n}d"
    register(impl.__name__, method=False)(impl)
    return impl


atleast_1d, atleast_2d, atleast_3d = _atleast(1), _atleast(2), _atleast(3)


@register("hstack", method=False)
def hstack(tensors, *, out=None) -> Tensor:
    tensors = [atleast_1d(t) for t in _tensor_list("hstack", tensors)]
    return cat(tensors, 0 if tensors and tensors[0].dim() == 1 else 1, out=out)


@register("vstack", method=False, aliases=("row_stack",))
def vstack(tensors, *, out=None) -> Tensor:
    return cat([atleast_2d(t) for t in _tensor_list("vstack", tensors)], 0, out=out)


@register("dstack", method=False)
def dstack(tensors, *, out=None) -> Tensor:
    return cat([atleast_3d(t) for t in _tensor_list("dstack", tensors)], 2, out=out)


@register("column_stack", method=False)
def column_stack(tensors, *, out=None) -> Tensor:
    cols = [t.reshape(t.numel(), 1) if t.dim() <= 1 else t for t in _tensor_list("column_stack", tensors)]
    return hstack(cols, out=out)


# ---------------------------------------------------------------------------- slicing views


def _slice(x, *, axis, start, length):
    return lax.slice_in_dim(x, start, start + length, axis=axis)


def _slice_write(base, new, *, axis, start, length):
    del length
    return lax.dynamic_update_slice_in_dim(base, new.astype(base.dtype), start, axis)


def _select(x, *, axis, index):
    return lax.index_in_dim(x, index, axis, keepdims=False)


def _select_write(base, new, *, axis, index):
    return lax.dynamic_update_index_in_dim(base, new.astype(base.dtype), index, axis)


_NARROW = _view_op("narrow", _slice, _slice_write, "SliceBackward0")
_SPLIT = _view_op("split", _slice, _slice_write, "SplitBackward0")
_SPLIT_SIZES = _view_op("split_with_sizes", _slice, _slice_write, "SplitWithSizesBackward0")
_SELECT = _view_op("select", _select, _select_write, "SelectBackward0")
_UNBIND = _view_op("unbind", _select, _select_write, "UnbindBackward0")


def _pieces(t: Tensor, op: Op, axis: int, sizes) -> tuple[Tensor, ...]:
    out, start = [], 0
    for n in sizes:
        out.append(view(t, op, (("axis", axis), ("start", start), ("length", int(n)))))
        start += int(n)
    return tuple(out)


@register("split")
def split(tensor, split_size_or_sections, dim: int = 0) -> tuple[Tensor, ...]:
    (axis,) = dims(dim, tensor.dim())
    size = tensor.shape[axis]
    if isinstance(split_size_or_sections, (int, np.integer)):
        step = int(split_size_or_sections)
        if step < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={step}")
        if step == 0:
            return _pieces(tensor, _SPLIT, axis, [0]) if size == 0 else _zero_split(size)
        sizes = [min(step, size - s) for s in range(0, size, step)] or [0]
        return _pieces(tensor, _SPLIT, axis, sizes)
    sizes = [int(s) for s in split_size_or_sections]
    if sum(sizes) != size or any(s < 0 for s in sizes):
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at "
                           f"dimension {axis}), but got split_sizes={sizes}")
    return _pieces(tensor, _SPLIT_SIZES, axis, sizes)


def _zero_split(size: int):
    raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")


@register("split_with_sizes")
def split_with_sizes(input, split_sizes, dim: int = 0) -> tuple[Tensor, ...]:
    return split(input, list(split_sizes), dim)


@register("chunk")
def chunk(input, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    (axis,) = dims(dim, input.dim())
    return split(input, max(1, math.ceil(input.shape[axis] / chunks)), axis)


@register("tensor_split")
def tensor_split(input, indices_or_sections, dim: int = 0) -> tuple[Tensor, ...]:
    (axis,) = dims(dim, input.dim())
    size = input.shape[axis]
    if isinstance(indices_or_sections, Tensor):  # a 0-d tensor of sections or a 1-d tensor of indices
        indices_or_sections = indices_or_sections.tolist()
    if isinstance(indices_or_sections, (int, np.integer)):
        n = int(indices_or_sections)
        if n <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {n}")
        q, r = divmod(size, n)
        sizes = [q + 1] * r + [q] * (n - r)
    else:
        bounds = [min(max(int(i), 0), size) for i in indices_or_sections]
        edges = [0] + bounds + [size]
        sizes = [max(b - a, 0) for a, b in zip(edges, edges[1:])]
        starts = edges[:-1]
        return tuple(view(input, _NARROW, (("axis", axis), ("start", min(s, size)), ("length", n)))
                     for s, n in zip(starts, sizes))
    return _pieces(input, _NARROW, axis, sizes)


@register("unbind")
def unbind(input, dim: int = 0) -> tuple[Tensor, ...]:
    (axis,) = dims(dim, input.dim())
    return tuple(view(input, _UNBIND, (("axis", axis), ("index", i))) for i in range(input.shape[axis]))


@register("narrow")
def narrow(input, dim: int, start, length: int) -> Tensor:
    if input.dim() == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    (axis,) = dims(dim, input.dim())
    size, start = input.shape[axis], int(start)
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    start = start % size if start < 0 else start
    if length < 0 or start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return view(input, _NARROW, (("axis", axis), ("start", start), ("length", int(length))))


@register("select")
def select(input, dim: int, index: int) -> Tensor:
    if input.dim() == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    (axis,) = dims(dim, input.dim())
    size, index = input.shape[axis], int(index)
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input.shape)} at "
                         f"dimension {axis}")
    return view(input, _SELECT, (("axis", axis), ("index", index % size)))


@register("movedim", aliases=("moveaxis",))
def movedim(input, source, destination) -> Tensor:
    n = input.dim()
    src, dst = dims(source, n), dims(destination, n)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} dims) should contain "
                           f"the same number of dims as destination ({list(dst)} dims)")
    for name, ds in (("source", src), ("destination", dst)):
        if len(set(ds)) != len(ds):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(ds)})")
    rest = iter(d for d in range(n) if d not in src)
    where = dict(zip(dst, src))
    return permute(input, tuple(where[d] if d in where else next(rest) for d in range(n)))


# ---------------------------------------------------------------------------- broadcasting, repeat, flip, roll


@register("broadcast_shapes", method=False)
def broadcast_shapes(*shapes):
    from .._tensor import Size
    out: tuple = ()
    for s in shapes:
        out = _broadcast_shape(out, (int(s),) if isinstance(s, (int, np.integer)) else tuple(s))
    return Size(out)


@register("broadcast_tensors", method=False)
def broadcast_tensors(*tensors) -> tuple[Tensor, ...]:
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    shape = broadcast_shapes(*(tuple(t.shape) for t in tensors))
    return tuple(t if tuple(t.shape) == shape else t.expand(*shape) for t in tensors)


@register("broadcast_to")
def broadcast_to(input, size) -> Tensor:
    return input.expand(*size)


def _tile(x, *, reps):
    return jnp.tile(x.reshape((1,) * (len(reps) - x.ndim) + x.shape), reps)


_REPEAT = Op("repeat", _tile, "RepeatBackward0")


@register("repeat", function=False)
def repeat(self, *sizes) -> Tensor:
    reps = tuple(int(s) for s in _shape_args(sizes))
    if len(reps) < self.dim():
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
    if any(r < 0 for r in reps):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(reps)}: {list(reps)}")
    return call(_REPEAT, (self,), (("reps", reps),))


@register("tile")
def tile(input, *dims_, dims=None) -> Tensor:
    reps = tuple(int(s) for s in _shape_args(dims_ if dims is None else (dims,)))
    return repeat(input, (1,) * (input.dim() - len(reps)) + reps)


_FLIP = Op("flip", lambda x, *, axes: jnp.flip(x, axes), "FlipBackward0")


@register("flip")
def flip(input, *dims_, dims=None) -> Tensor:
    axes = _wrap_dims(_shape_args(dims_ if dims is None else (dims,)), input.dim())
    for d in axes:
        if axes.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return call(_FLIP, (input,), (("axes", axes),))


@register("fliplr")
def fliplr(input) -> Tensor:
    if input.dim() < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, 1)


@register("flipud")
def flipud(input) -> Tensor:
    if input.dim() < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, 0)


def _roll(x, *, shifts, axes):
    if axes is None:
        return jnp.roll(x.reshape(-1), shifts[0]).reshape(x.shape)
    return jnp.roll(x, shifts, axes)


_ROLL = Op("roll", _roll, "RollBackward0")


@register("roll")
def roll(input, shifts, dims=None) -> Tensor:
    shifts = (int(shifts),) if isinstance(shifts, (int, np.integer)) else tuple(int(s) for s in shifts)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return call(_ROLL, (input,), (("shifts", shifts), ("axes", None)))
    axes = _wrap_dims(dims, input.dim())
    if len(shifts) != len(axes):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(axes)}")
    return call(_ROLL, (input,), (("shifts", shifts), ("axes", axes)))
