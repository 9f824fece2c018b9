"""The strides PyTorch would give a view, read off its chain of view steps (jtorch arrays have no strides).

They decide what PyTorch decides from real strides: whether ``view`` is allowed (else PyTorch's error with
its advice to use ``reshape``), whether ``reshape`` is a view (``ViewBackward0``) or a copy
(``UnsafeViewBackward0``, whose writes do not reach the base), and whether ``contiguous()`` copies.
A tensor that is not a view is contiguous, so the common case costs one attribute test.
"""
from __future__ import annotations

import math

from .._tensor import Tensor

__all__ = ["is_contiguous", "strides", "view_strides"]


def _contiguous(shape: tuple) -> list[int]:
    out, step = [], 1
    for n in reversed(shape):
        out.append(step)
        step *= max(n, 1)
    return out[::-1]


def _step(shape: list, st: list, static: tuple) -> tuple[list, list]:
    """Sizes and strides after one view step (``static`` as the chain records it)."""
    args = dict(static)
    if "box" in args:  # a runtime-start basic index: sizes of the box, then dims of size 1 dropped or added
        return view_strides([n for _, n in args["box"]], st, args["shape"])
    if "perm" in args:
        perm = args["perm"]
        return [shape[p] for p in perm], [st[p] for p in perm]
    if "offset" in args:  # diagonal
        a, b, k = args["axis1"], args["axis2"], args["offset"]
        n = max(min(shape[a] + min(k, 0), shape[b] - max(k, 0)), 0)
        keep = [i for i in range(len(shape)) if i not in (a, b)]
        return [shape[i] for i in keep] + [n], [st[i] for i in keep] + [st[a] + st[b]]
    if "axis" in args:
        axis = args["axis"]
        if "length" in args:  # narrow, split
            return shape[:axis] + [args["length"]] + shape[axis + 1:], st
        return shape[:axis] + shape[axis + 1:], st[:axis] + st[axis + 1:]  # select, unbind
    if "index" in args:
        return _index(shape, st, args["index"])
    if "shape" in args:
        return view_strides(shape, st, args["shape"]) or (list(args["shape"]), _contiguous(args["shape"]))
    return shape, st  # detach, alias


def _index(shape: list, st: list, index: tuple) -> tuple[list, list]:
    sizes, out, dim = [], [], 0
    n_used = sum(e[0] in "is" for e in index)
    for e in index:
        kind = e[0]
        if kind == "n":
            sizes.append(1)
            out.append(1)
        elif kind == "e":
            skip = len(shape) - n_used
            sizes += shape[dim:dim + skip]
            out += st[dim:dim + skip]
            dim += skip
        else:
            if kind == "s":
                lo, hi, step = slice(*e[1:]).indices(shape[dim])
                sizes.append(len(range(lo, hi, step)))
                out.append(st[dim] * step)
            dim += 1
    return sizes + shape[dim:], out + st[dim:]


def view_strides(shape, st, new) -> tuple[list, list] | None:
    """PyTorch's ``computeStride``: the strides of ``new`` as a view of (shape, strides), or None when no
    view can have that shape (a dim of the new shape spans two non-contiguous chunks)."""
    new = list(new)
    if math.prod(shape) == 0:
        return new, _contiguous(tuple(new))
    out = [0] * len(new)
    view_d, chunk = len(new) - 1, st[-1] if st else 1
    tensor_numel = view_numel = 1
    for d in range(len(shape) - 1, -1, -1):
        tensor_numel *= shape[d]
        if d == 0 or (shape[d - 1] != 1 and st[d - 1] != tensor_numel * chunk):
            while view_d >= 0 and (view_numel < tensor_numel or new[view_d] == 1):
                out[view_d] = view_numel * chunk
                view_numel *= new[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if d > 0:
                chunk, tensor_numel, view_numel = st[d - 1], 1, 1
    if view_d != -1:
        return None
    return new, out


def strides(t: Tensor) -> tuple[list, list]:
    """``t``'s sizes and PyTorch's strides for it (in elements)."""
    base = t._base
    if base is None:
        shape = tuple(t._node.shape)
        return list(shape), _contiguous(shape)
    shape = list(base._node.shape)
    st = _contiguous(tuple(shape))
    for _, static, _ in t._view:
        shape, st = _step(shape, st, static)
    if tuple(shape) != tuple(t._node.shape):  # a view step this module does not know: no strides to claim
        return list(t._node.shape), _contiguous(tuple(t._node.shape))
    return shape, st


def is_contiguous(t: Tensor) -> bool:
    if t._base is None:
        return True
    shape, st = strides(t)
    expected = 1
    for n, s in zip(reversed(shape), reversed(st)):
        if n != 1:
            if s != expected:
                return False
            expected *= n
    return True
