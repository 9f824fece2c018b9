"""Matrix products: ``matmul`` (``@``), ``mm``, ``bmm``, ``mv``, ``dot``, ``inner``, ``outer``, with PyTorch's shape
and dtype errors (PyTorch does not promote in matrix products: mixed dtypes raise)."""
from __future__ import annotations

import math

import jax.numpy as jnp

from .. import _dtype, _grad_mode
from .._tensor import Tensor, call, call_nodes
from ..engine import Op
from ._pointwise import _into, mul
from ._registry import register

_MATMUL = Op("matmul", jnp.matmul, "MmBackward0")
_BMM = Op("bmm", jnp.matmul, "BmmBackward0")
_MV = Op("mv", jnp.matmul, "MvBackward0")
_DOT = Op("dot", jnp.dot, "DotBackward0")
_OUTER = Op("outer", jnp.outer, "MulBackward0")  # PyTorch's outer is a broadcast mul
_INNER = Op("inner", jnp.inner, "ViewBackward0")
_UNSAFE = Op("matmul", jnp.matmul, "UnsafeViewBackward0")
# how PyTorch's matmul ends for other ranks: a vector times a matrix squeezes; a matrix times a batch that
# needs its gradient folds the batch with a transpose (one row) or a copy
_VEC_MAT = Op("matmul", jnp.matmul, "SqueezeBackward4")
_MAT_BATCH = {rows_one: Op("matmul", jnp.matmul, "TransposeBackward0" if rows_one else "CloneBackward0")
              for rows_one in (True, False)}


# the C++ type names some of PyTorch's dtype errors print
_CPP_NAMES = {"float32": "float", "float64": "double", "int64": "long int", "int32": "int", "int16": "short int",
              "int8": "signed char", "uint8": "unsigned char", "bool": "bool", "float16": "c10::Half",
              "bfloat16": "c10::BFloat16", "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def cpp_name(t: Tensor) -> str:
    return _CPP_NAMES[t._node.dtype.name]


def _same_dtype(name: str, a: Tensor, b: Tensor) -> None:
    """PyTorch's error for operands of different dtypes, in the words of the kernel ``name`` runs."""
    if a._node.dtype != b._node.dtype:
        da, db = (_dtype.from_any(t._node.dtype)._c10 for t in (a, b))
        if name == "mm":
            raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {cpp_name(a)} != {cpp_name(b)}")
        if name == "bmm":
            raise RuntimeError(f"expected scalar type {da} but found {db}")
        if name == "mv":
            raise RuntimeError(f"addmv input tensors must have the same dtype, but got {db}, {da}, and {db}")
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {da} and {db}")


def _mat_error(a: tuple, b: tuple) -> RuntimeError:
    return RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a[0]}x{a[1]} and {b[0]}x{b[1]})")


@register("mm")
def mm(input, mat2, *, out=None) -> Tensor:
    na, nb = input._node, mat2._node
    a, b = na.shape, nb.shape
    if len(a) != 2:
        raise RuntimeError(f"self must be a matrix")
    if len(b) != 2:
        raise RuntimeError(f"mat2 must be a matrix")
    if a[1] != b[0]:
        raise _mat_error(a, b)
    if na.dtype != nb.dtype:
        _same_dtype("mm", input, mat2)
    result = call_nodes(_MATMUL, (na, nb))
    return result if out is None else _into(result, out)


@register("matmul", dunders=("__matmul__",), rdunders=("__rmatmul__",))
def matmul(input, other, *, out=None) -> Tensor:
    a, b = tuple(input.shape), tuple(other.shape)
    if not a or not b:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {len(a)}D and {len(b)}D")
    k_a = a[-1]
    k_b = b[0] if len(b) == 1 else b[-2]
    if k_a != k_b:
        if len(a) == 1 and len(b) == 1:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{a[0]}] and src [{b[0]}] to have the same "
                               f"number of elements, but got {a[0]} and {b[0]} elements respectively")
        if len(b) == 1:
            raise RuntimeError(f"size mismatch, got input ({a[-2] if len(a) > 1 else 1}), mat ({a[-2] if len(a) > 1 else 1}x{k_a}), vec ({b[0]})")
        rows = a[-2] if len(a) > 1 else 1
        lead = math.prod(a[:-2]) if len(a) > 2 and len(b) == 2 else 1
        raise _mat_error((rows * lead, k_a), (k_b, b[-1]))
    _same_dtype("dot" if len(a) == len(b) == 1 else "mv" if len(b) == 1 else "bmm" if len(a) > 2 and len(b) > 2
                else "mm", input, other)
    op = _MATMUL if len(a) == 2 and len(b) == 2 else _DOT if len(a) == len(b) == 1 else _MV if len(b) == 1 and len(a) == 2 \
        else _VEC_MAT if len(a) == 1 and len(b) == 2 else _MAT_BATCH[a[0] == 1] if len(a) == 2 and input.requires_grad \
        and _grad_mode._State.enabled else _UNSAFE
    return _into(call(op, (input, other)), out)


@register("bmm")
def bmm(input, mat2, *, out=None) -> Tensor:
    a, b = tuple(input.shape), tuple(mat2.shape)
    if len(a) != 3 or len(b) != 3:
        raise RuntimeError(f"batch1 must be a 3D tensor" if len(a) != 3 else "batch2 must be a 3D tensor")
    if a[0] != b[0] or a[2] != b[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{a[0]}, {a[2]}] but got: "
                           f"[{b[0]}, {b[1]}].")
    _same_dtype("bmm", input, mat2)
    return _into(call(_BMM, (input, mat2)), out)


@register("mv")
def mv(input, vec, *, out=None) -> Tensor:
    a, b = tuple(input.shape), tuple(vec.shape)
    if len(a) != 2 or len(b) != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {len(b)}, {len(a)}, {len(b)}")
    if a[1] != b[0]:
        raise RuntimeError(f"size mismatch, got input ({a[0]}), mat ({a[0]}x{a[1]}), vec ({b[0]})")
    _same_dtype("mv", input, vec)
    return _into(call(_MV, (input, vec)), out)


@register("dot")
def dot(input, other, *, out=None) -> Tensor:
    a, b = tuple(input.shape), tuple(other.shape)
    if len(a) != 1 or len(b) != 1:
        raise RuntimeError(f"1D tensors expected, but got {len(a)}D and {len(b)}D tensors")
    if a[0] != b[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{a[0]}] and src [{b[0]}] to have the same "
                           f"number of elements, but got {a[0]} and {b[0]} elements respectively")
    _same_dtype("dot", input, other)
    return _into(call(_DOT, (input, other)), out)


@register("inner")
def inner(input, other, *, out=None) -> Tensor:
    """Contracts the last dims of both inputs (a product when either is 0-d)."""
    if input.dim() == 0 or other.dim() == 0:
        return _into(mul(input, other), out)
    a, b = tuple(input.shape), tuple(other.shape)
    if a[-1] != b[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes {list(a)} "
                           f"and {list(b)}")
    if input._node.dtype != other._node.dtype:
        raise RuntimeError("both inputs should have same dtype")
    return _into(call(_INNER, (input, other)), out)


@register("outer", aliases=("ger",))
def outer(input, vec2, *, out=None) -> Tensor:
    return _into(call(_OUTER, (input, vec2)), out)
