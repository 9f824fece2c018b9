"""View ops (``view``, ``reshape``, ``t``, ``transpose``, ``permute``, ``squeeze``, ``unsqueeze``, ``flatten``,
``expand``, ``narrow``, ``select``, basic indexing): each is a view op plus the write op that puts a
new view value back into its base, so in-place writes through views reach the root tensor.
"""
from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np

from .. import _tensor, engine
from .._tensor import Tensor, call, view
from ..engine import Op
from ._registry import dims, register
from ._strides import is_contiguous, strides, view_strides


def _view_op(name: str, fwd, write, grad_name: str) -> Op:
    op = Op(name, fwd, grad_name, saves=False)
    _tensor.WRITE_OPS[op] = Op(name + "_write", write, "torch::autograd::CopySlices")
    return op


_RESHAPE = _view_op("reshape", lambda x, *, shape: jnp.reshape(x, shape),
                    lambda base, new, *, shape: jnp.reshape(new, base.shape).astype(base.dtype), "ViewBackward0")
# squeeze and unsqueeze are reshapes named as PyTorch's grad_fn: SqueezeBackward0/1/2 (all dims, a dim, dims)
_SQUEEZE = [_view_op("squeeze", _RESHAPE.fn, _tensor.WRITE_OPS[_RESHAPE].fn, f"SqueezeBackward{k}") for k in range(3)]
_UNSQUEEZE = _view_op("unsqueeze", _RESHAPE.fn, _tensor.WRITE_OPS[_RESHAPE].fn, "UnsqueezeBackward0")
_PERMUTE = _view_op("permute", lambda x, *, perm: jnp.transpose(x, perm),
                    lambda base, new, *, perm: jnp.transpose(new, np.argsort(perm)).astype(base.dtype),
                    "PermuteBackward0")
_TRANSPOSE = _view_op("transpose", _PERMUTE.fn, _tensor.WRITE_OPS[_PERMUTE].fn, "TransposeBackward0")
_T_VIEW = _view_op("t", _PERMUTE.fn, _tensor.WRITE_OPS[_PERMUTE].fn, "TBackward0")
# ``reshape`` of a non-contiguous view: PyTorch's _reshape_alias where strides allow a view, else a copy
# (clone + _unsafe_view) that is not a view of the input
_RESHAPE_ALIAS = _view_op("reshape", _RESHAPE.fn, _tensor.WRITE_OPS[_RESHAPE].fn, "ReshapeAliasBackward0")
_UNSAFE_VIEW = Op("reshape", _RESHAPE.fn, "UnsafeViewBackward0")
_EXPAND = Op("expand", lambda x, *, shape: jnp.broadcast_to(x, shape), "ExpandBackward0", saves=False)


def _infer_shape(shape: tuple, numel: int) -> tuple[int, ...]:
    """Resolves one ``-1`` in ``shape`` (PyTorch's ``infer_size``) with PyTorch's errors."""
    shape = tuple(int(s) for s in shape)
    unknown = [i for i, s in enumerate(shape) if s == -1]
    if len(unknown) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if any(s < -1 for s in shape):
        raise RuntimeError(f"invalid shape dimension {[s for s in shape if s < -1][0]}")
    known = math.prod(s for s in shape if s != -1)
    if unknown:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = shape[:unknown[0]] + (numel // known,) + shape[unknown[0] + 1:]
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def _shape_args(shape) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def _reshape(t: Tensor, shape: tuple, copy_if_needed: bool = True) -> Tensor:
    """A view of ``t`` with ``shape``; where PyTorch's strides allow no such view, a copy (reshape) or
    PyTorch's error (view)."""
    static = (("shape", _infer_shape(shape, t.numel())),)
    if t._base is None or is_contiguous(t):
        return view(t, _RESHAPE, static)
    if view_strides(*strides(t), static[0][1]) is not None:
        return view(t, _RESHAPE_ALIAS if copy_if_needed else _RESHAPE, static)
    if not copy_if_needed:
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                           "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    return call(_UNSAFE_VIEW, (t,), static)


@register("view", function=False)
def view_(self, *shape) -> Tensor:
    """``Tensor.view``: the same data with a new shape, where PyTorch's strides allow it; ``view(dtype)``
    is not supported."""
    from .. import _dtype
    if len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
        raise NotImplementedError("Tensor.view(dtype)")
    return _reshape(self, _shape_args(shape), False)


@register("reshape")
def reshape(input, *shape) -> Tensor:
    return _reshape(input, _shape_args(shape))


@register("view_as", function=False)
def view_as(self, other) -> Tensor:
    return _reshape(self, tuple(other.shape), False)


@register("reshape_as", function=False)
def reshape_as(self, other) -> Tensor:
    return _reshape(self, tuple(other.shape))


@register("flatten")
def flatten(input, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    shape = tuple(input.shape)
    if not shape:
        return _reshape(input, (1,))
    s, e = dims((start_dim, end_dim), len(shape))
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:  # PyTorch returns the input itself
        return input
    return _reshape(input, shape[:s] + (math.prod(shape[s:e + 1]),) + shape[e + 1:])


@register("unflatten")
def unflatten(input, dim: int, sizes) -> Tensor:
    shape = tuple(input.shape)
    (d,) = dims(dim, len(shape))
    inner = _infer_shape(tuple(sizes), shape[d])
    return _reshape(input, shape[:d] + inner + shape[d + 1:])


@register("permute")
def permute(input, *dims_) -> Tensor:
    perm = dims(_shape_args(dims_), input.dim())
    if len(perm) != input.dim():
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {input.dim()} is not "
                           f"equal to len(dims) = {len(perm)}")
    if len(set(perm)) != len(perm):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return view(input, _PERMUTE, (("perm", perm),))


@register("transpose", aliases=("swapaxes", "swapdims"))
def transpose(input, dim0: int, dim1: int) -> Tensor:
    n = input.dim()
    if n == 0:
        dims(dim0, 0), dims(dim1, 0)
        return view(input, _TRANSPOSE, (("perm", ()),))
    a, b = dims((dim0, dim1), n)
    perm = list(range(n))
    perm[a], perm[b] = perm[b], perm[a]
    return view(input, _TRANSPOSE, (("perm", tuple(perm)),))


@register("t")
def t(input) -> Tensor:
    if input.dim() > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.dim()}D")
    return view(input, _T_VIEW, (("perm", tuple(reversed(range(input.dim())))),))


def _T(self) -> Tensor:
    return permute(self, *reversed(range(self.dim())))


def _mT(self) -> Tensor:
    if self.dim() < 2:
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got {self.dim()}-D tensor.")
    return transpose(self, -2, -1)


def _conj_transpose(self: Tensor, name: str) -> Tensor:
    """``mH`` / ``adjoint()``: the conjugate transpose of the last two dims (a transpose for real dtypes)."""
    if self.dim() < 2:
        raise RuntimeError(f"tensor.{name} is only supported on matrices or batches of matrices. Got {self.dim()}-D "
                           f"tensor.")
    out = transpose(self, -2, -1)
    return out.conj() if self.is_complex() else out


def _H(self) -> Tensor:
    if self.dim() != 2:
        hint = " For batches of matrices, consider using tensor.mH" if self.dim() > 2 else ""
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {self.dim()}-D tensor.{hint}")
    return _conj_transpose(self, "H")


@register("adjoint")
def adjoint(input) -> Tensor:
    return _conj_transpose(input, "adjoint()")


Tensor.T = property(_T)
Tensor.mT = property(_mT)
Tensor.mH = property(lambda self: _conj_transpose(self, "mH"))
Tensor.H = property(_H)


@register("squeeze")
def squeeze(input, dim=None) -> Tensor:
    shape = tuple(input.shape)
    which = range(len(shape)) if dim is None else dims(dim, len(shape)) if shape else ()
    new = tuple(s for i, s in enumerate(shape) if not (i in which and s == 1))
    return view(input, _SQUEEZE[0 if dim is None else 2 if isinstance(dim, (tuple, list)) else 1], (("shape", new),))


@register("unsqueeze")
def unsqueeze(input, dim: int) -> Tensor:
    shape = tuple(input.shape)
    (d,) = dims(dim, len(shape) + 1)
    return view(input, _UNSQUEEZE, (("shape", shape[:d] + (1,) + shape[d:]),))


@register("expand", function=False)
def expand(self, *sizes) -> Tensor:
    sizes = _shape_args(sizes)
    shape = tuple(self.shape)
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand({self.type()}{{{list(shape)}}}, size={list(sizes)}): the number of sizes "
                           f"provided ({len(sizes)}) must be greater or equal to the number of dimensions in the "
                           f"tensor ({len(shape)})")
    lead = len(sizes) - len(shape)
    out = []
    for i, s in reversed(list(enumerate(sizes))):  # PyTorch reports the last mismatched dim
        have = shape[i - lead] if i >= lead else None
        if s == -1:
            if have is None:
                raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a leading, "
                                   f"non-existing dimension {i}")
            s = have
        elif have is not None and have != 1 and have != s:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({have}) at "
                               f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                               f"{list(shape)}")
        out.append(int(s))
    return call(_EXPAND, (self,), (("shape", tuple(reversed(out))),))


@register("expand_as", function=False)
def expand_as(self, other) -> Tensor:
    return expand(self, *other.shape)


# the in-place forms' grad_fn names: PyTorch numbers them after the out-of-place overloads
_INPLACE_OPS = {op: Op(op.name + "_", op.fn, grad, saves=False) for op, grad in (
    (_UNSQUEEZE, "UnsqueezeBackward1"), (_T_VIEW, "TBackward1"), (_TRANSPOSE, "TransposeBackward1"),
    *((op, f"SqueezeBackward{k + 3}") for k, op in enumerate(_SQUEEZE)))}


def _inplace_view(name: str, fn):
    """``unsqueeze_`` and friends: rebind the tensor to the reshaped node (its shape changes)."""

    def method(self, *args, **kwargs) -> Tensor:
        if self._base is not None:
            raise NotImplementedError(f"Tensor.{name} on a view")
        node = fn(self, *args, **kwargs)._node
        new = engine.apply(_INPLACE_OPS[node.op], node.inputs, node.static, node.requires_grad,
                           (node.shape, node.dtype))
        self._write(new)
        return self

    method.__name__ = name
    register(name, function=False)(method)


for _name, _fn in (("unsqueeze_", unsqueeze), ("squeeze_", squeeze), ("t_", t), ("transpose_", transpose),
                   ("swapaxes_", transpose), ("swapdims_", transpose)):
    _inplace_view(_name, _fn)
