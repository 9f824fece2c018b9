"""Contractions beyond ``matmul``: ``einsum``, ``tensordot``, ``kron``, ``cross``, ``vdot``, ``cdist`` and the
fused ``addmm``/``addmv``/``addbmm``/``baddbmm`` (``beta * input + alpha * product``)."""
from __future__ import annotations

import jax.numpy as jnp

from .. import _dtype
from .._tensor import Tensor, call
from ..engine import Op
from ._convert import as_node, promote
from ._linalg import bmm, matmul, mm, mv
from ._pointwise import _broadcast_shape, _into, _is_float
from ._registry import dims, register


def _c10(t: Tensor) -> str:
    return _dtype.from_any(t._node.dtype)._c10


@register("einsum", method=False)
def einsum(equation: str, *operands) -> Tensor:
    """``torch.einsum('ij,jk->ik', a, b)``; operands may also come as one list."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if len({t._node.dtype for t in operands}) > 1:
        raise RuntimeError(f"expected scalar type {_c10(operands[0])} but found "
                           f"{next(_c10(t) for t in operands if t._node.dtype != operands[0]._node.dtype)}")
    equation = equation.replace(" ", "")
    lhs, _, rhs = equation.partition("->")
    reduces = len(operands) == 1 and (len(set(rhs)) if "->" in equation else len(set(lhs))) < len(set(lhs))
    return call(_EINSUM_SUM if reduces else _EINSUM, tuple(t._node for t in operands), (("equation", equation),))


_EINSUM = Op("einsum", lambda *xs, equation: jnp.einsum(equation, *xs), "ViewBackward0")
_EINSUM_SUM = Op("einsum", lambda *xs, equation: jnp.einsum(equation, *xs), "SumBackward1")  # torch: one operand


@register("tensordot", method=False)
def tensordot(a, b, dims=2, out=None) -> Tensor:
    """Contracts the last ``dims`` axes of ``a`` with the first of ``b``, or the listed axis pairs."""
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        axes = (tuple(range(a.dim() - dims, a.dim())), tuple(range(dims)))
    else:
        da, db = ([d] if isinstance(d, int) else list(d) for d in dims)
        axes = (tuple(d % max(a.dim(), 1) for d in da), tuple(d % max(b.dim(), 1) for d in db))
    for i, j in zip(*axes):
        if a.shape[i] != b.shape[j]:  # torch names an int ``dims`` by its negative position in ``a``
            shown = i - a.dim() if isinstance(dims, int) else i
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[i]} in dim {shown} "
                               f"and second has size {b.shape[j]} in dim {j}")
    return _into(call(_TENSORDOT, (a, b), (("axes", axes),)), out)


_TENSORDOT = Op("tensordot", lambda a, b, *, axes: jnp.tensordot(a, b, axes), "ViewBackward0")


@register("kron")
def kron(input, other, *, out=None) -> Tensor:
    dt = promote(input, other)
    return _into(call(_KRON, (as_node(input, dt), as_node(other, dt)), (("dtype", dt),)), out)


def _kron(a, b, *, dtype):
    a, b = a.astype(dtype), b.astype(dtype)
    n = max(a.ndim, b.ndim)  # torch pads the lower-rank operand with leading 1s, as NumPy does
    return jnp.kron(a.reshape((1,) * (n - a.ndim) + a.shape), b.reshape((1,) * (n - b.ndim) + b.shape))


_KRON = Op("kron", _kron, "UnsafeViewBackward0")


@register("cross")
def cross(input, other, dim=None, *, out=None) -> Tensor:
    """The 3-vector cross product along ``dim`` (default: the first dimension of size 3)."""
    shape = _broadcast_shape(tuple(input.shape), tuple(other.shape))
    if dim is None:
        dim = next((i for i, s in enumerate(shape) if s == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    (axis,) = dims(dim, len(shape))
    if shape[axis] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[axis]} "
                           f"and {other.shape[axis]}")
    dt = promote(input, other)
    return _into(call(_CROSS, (input, other), (("axis", axis), ("dtype", dt))), out)


_CROSS = Op("cross", lambda a, b, *, axis, dtype: jnp.cross(a.astype(dtype), b.astype(dtype), axis=axis),
            "LinalgCrossBackward0")


@register("vdot")
def vdot(input, other, *, out=None) -> Tensor:
    if input.dim() != 1 or other.dim() != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.dim()}D and {other.dim()}D tensors")
    return _into(call(_VDOT, (input, other)), out)


_VDOT = Op("vdot", jnp.vdot, "VdotBackward0")


@register("cdist", method=False)
def cdist(x1, x2, p: float = 2.0, compute_mode=None) -> Tensor:
    """Pairwise p-norm distances between the rows of ``x1`` (…, P, M) and ``x2`` (…, R, M) -> (…, P, R)."""
    if x1.dim() < 2 or x2.dim() < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X{1 if x1.dim() < 2 else 2} got: "
                           f"{min(x1.dim(), x2.dim())}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    if not _is_float(x1._node.dtype):
        raise RuntimeError(f"cdist only supports floating-point dtypes, X1 got: {_c10(x1)}")
    return call(_CDIST, (x1, x2), (("p", float(p)),))


def _cdist(a, b, *, p):
    from ._stats import _vector_norm  # its 2-norm has PyTorch's zero gradient at zero distance
    diff = a[..., :, None, :] - b[..., None, :, :]
    return _vector_norm(diff, ord=p, axis=-1, keepdims=False)


_CDIST = Op("cdist", _cdist, "CdistBackward0")


def _fused(name: str, product, grad_name: str):
    """``beta * input + alpha * product(a, b)``; ``beta == 0`` ignores ``input`` (NaNs included), as PyTorch."""
    op = Op(name, lambda x, y, b, a, *, dtype: jnp.where(b == 0, 0, b * x.astype(dtype)) + a * y, grad_name)

    def impl(input, m1, m2, *, beta=1, alpha=1, out=None) -> Tensor:
        prod = product(m1, m2)
        dt = prod._node.dtype
        if input._node.dtype != dt:
            raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {input.dtype} != "
                               f"{_dtype.from_any(dt)}")
        out_shape = _broadcast_shape(tuple(input.shape), tuple(prod.shape))
        if out_shape != tuple(prod.shape):
            raise RuntimeError(f"The expanded size of the tensor ({prod.shape[0]}) must match the existing size "
                               f"({input.shape[0]}) at non-singleton dimension 0.")
        nodes = (input._node, prod._node, as_node(beta, dt), as_node(alpha, dt))
        return _into(call(op, nodes, (("dtype", dt),)), out)

    impl.__name__ = name
    register(name, inplace=True)(impl)
    return impl


addmm = _fused("addmm", mm, "AddmmBackward0")
addmv = _fused("addmv", mv, "AddmvBackward0")
baddbmm = _fused("baddbmm", bmm, "BaddbmmBackward0")
addbmm = _fused("addbmm", lambda a, b: bmm(a, b).sum(0), "AddbmmBackward0")
addr = _fused("addr", lambda a, b: matmul(a.unsqueeze(-1), b.unsqueeze(0)), "AddrBackward0")
