"""Linear algebra for ``torch.linalg`` and its ``torch.*`` aliases: norms, ``inv``, ``det``/``slogdet``,
``solve``, ``cholesky``, ``qr``, ``svd``/``svdvals``, ``eigh``/``eigvalsh``, ``pinv``, ``matrix_rank``.

Everything batches over leading dimensions, as PyTorch does. Singular inputs give JAX's inf/nan values
rather than PyTorch's ``LinAlgError`` (raising would need a sync on every call).
"""
from __future__ import annotations

import math

import jax.numpy as jnp
import jax.scipy.linalg as jsl
import numpy as np
from jax import lax

from .. import _dtype
from .._tensor import Tensor, call
from ..engine import Op
from ._convert import as_node
from ._pointwise import _into, _is_float
from ._registry import dims, register
from ._return_types import RETURN_TYPES, outputs, structseq
from ._stats import _abs, _vector_norm

for _name, _fields in (("linalg_slogdet", ("sign", "logabsdet")), ("slogdet", ("sign", "logabsdet")),
                       ("linalg_qr", ("Q", "R")), ("qr", ("Q", "R")), ("linalg_svd", ("U", "S", "Vh")),
                       ("svd", ("U", "S", "V")), ("linalg_eigh", ("eigenvalues", "eigenvectors"))):
    RETURN_TYPES[_name] = structseq(_name, _fields)


def _square(name: str, a: Tensor) -> None:
    """PyTorch's checks for ops on (batches of) square float matrices."""
    if a.dim() < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {a.shape[-2]} by "
                           f"{a.shape[-1]} matrices")
    _floating(name, a)


def _floating(name: str, a: Tensor) -> None:
    if not _is_float(a._node.dtype):
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got "
                           f"{_dtype.from_any(a._node.dtype)._c10}")


def _out_dtype(a: Tensor, dtype) -> np.dtype:
    return a._node.dtype if dtype is None else _dtype.to_jax(_dtype.parse_dtype_arg(dtype, "linalg"))


def vector_norm(x, ord=2, dim=None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    from ._stats import _NORM, _axes
    _floating("linalg.vector_norm", x)
    static = (("ord", float(ord)), ("axis", _axes(x, dim)), ("keepdims", bool(keepdim)), ("dtype", _out_dtype(x, dtype)))
    return _into(call(_NORM, (x,), static), out)


def _matrix_norm(a, *, ord, axis, keepdims):
    r, c = axis
    if ord == "fro":
        return _vector_norm(a, ord=2, axis=axis, keepdims=keepdims)
    if ord in ("nuc", 2, -2):
        s = jnp.linalg.svd(jnp.moveaxis(a, (r, c), (-2, -1)), compute_uv=False)
        v = jnp.sum(s, -1) if ord == "nuc" else jnp.max(s, -1) if ord == 2 else jnp.min(s, -1)
        return jnp.expand_dims(v, tuple(sorted(axis))) if keepdims else v
    sum_axis, max_axis = (r, c) if ord in (1, -1) else (c, r)  # 1: max column sum; inf: max row sum
    s = jnp.sum(_abs(a), axis=sum_axis, keepdims=True)
    v = jnp.max(s, axis=max_axis, keepdims=True) if ord > 0 else jnp.min(s, axis=max_axis, keepdims=True)
    return v if keepdims else jnp.squeeze(v, axis)


def _matrix_norm_op(grad_name: str) -> Op:
    return Op("matrix_norm", lambda a, *, ord, axis, keepdims, dtype: _matrix_norm(
        a.astype(dtype), ord=ord, axis=axis, keepdims=keepdims), grad_name)


# torch decomposes matrix norms, so the result's grad_fn is the last op of its decomposition
_MATRIX_NORM = {"fro": _matrix_norm_op("LinalgVectorNormBackward0"), "nuc": _matrix_norm_op("SumBackward1"),
                "max": _matrix_norm_op("AmaxBackward0"), "min": _matrix_norm_op("AminBackward0")}


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    if A.dim() < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    _floating("linalg.matrix_norm", A)
    if ord not in ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    axis = dims(dim, A.dim())
    if len(axis) != 2 or axis[0] == axis[1]:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(str(d) for d in dim)}")
    static = (("ord", ord if isinstance(ord, str) else float(ord)), ("axis", axis), ("keepdims", bool(keepdim)),
              ("dtype", _out_dtype(A, dtype)))
    op = _MATRIX_NORM[ord if isinstance(ord, str) else "max" if ord > 0 else "min"]
    return _into(call(op, (A,), static), out)


def norm(A, ord=None, dim=None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """``torch.linalg.norm``: a vector norm over one dim (or the flattened input when ``ord`` is None),
    a matrix norm over two."""
    if dim is not None and not isinstance(dim, int) and len(dim) == 2 or dim is None and ord is not None \
            and A.dim() == 2:
        return matrix_norm(A, "fro" if ord is None else ord, (-2, -1) if dim is None else dim, keepdim,
                           dtype=dtype, out=out)
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.vector_norm: Order {ord} not supported.")
    if ord is not None and dim is None and A.dim() != 1:
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got "
                           f"{A.dim()}D.")
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype, out=out)


def _unary(name: str, fn, grad_name: str, check=_square):
    op = Op(name, fn, grad_name)

    def impl(A, *, out=None) -> Tensor:
        check(f"linalg.{name}", A)
        return _into(call(op, (A,)), out)

    impl.__name__ = name
    return impl


inv = _unary("inv", jnp.linalg.inv, "LinalgInvExBackward0")
det = _unary("det", jnp.linalg.det, "LinalgDetBackward0")
matrix_exp = _unary("matrix_exp", jsl.expm, "LinalgMatrixExpBackward0")
svdvals = _unary("svdvals", lambda a: jnp.linalg.svd(a, compute_uv=False), "LinalgSvdBackward0", _floating)


def _hermitian(a, lower: bool):
    """``a`` with the values of the Hermitian matrix its ``lower`` (or upper) triangle defines, the only part
    PyTorch's ``eigh`` family reads; the gradient stays JAX's (symmetrised), which is PyTorch's."""
    tri = jnp.tril(a, -1) if lower else jnp.triu(a, 1)
    full = tri + jnp.conj(jnp.swapaxes(tri, -1, -2)) + jnp.real(jnp.diagonal(a, 0, -2, -1))[..., None] * jnp.eye(
        a.shape[-1], dtype=a.dtype)
    return a + lax.stop_gradient(full - a)


_EIGVALSH = Op("eigvalsh", lambda a, *, lower: jnp.linalg.eigvalsh(_hermitian(a, lower)), "LinalgEighBackward0")


def eigvalsh(A, UPLO: str = "L", *, out=None) -> Tensor:
    _square("linalg.eigvalsh", A)
    return _into(call(_EIGVALSH, (A,), (("lower", UPLO == "L"),)), out)


def _multi(A: Tensor, op: Op, static: tuple, kind: str, n: int) -> tuple:
    return RETURN_TYPES[kind](outputs(op, (A,), static, (True,) * n))


_SLOGDET = Op("slogdet", lambda a: tuple(jnp.linalg.slogdet(a)), "LinalgSlogdetBackward0")
_QR = Op("qr", lambda a, *, mode: tuple(jnp.linalg.qr(a, mode=mode)), "LinalgQrBackward0")
_QR_R = Op("qr", lambda a: jnp.linalg.qr(a, mode="r"), "LinalgQrBackward0")
_SVD = Op("svd", lambda a, *, full: tuple(jnp.linalg.svd(a, full_matrices=full)), "LinalgSvdBackward0")
_EIGH = Op("eigh", lambda a, *, lower: tuple(jnp.linalg.eigh(_hermitian(a, lower))), "LinalgEighBackward0")


def slogdet(A, *, out=None):
    _square("linalg.slogdet", A)
    return _multi(A, _SLOGDET, (), "linalg_slogdet", 2)


def qr(A, mode: str = "reduced", *, out=None):
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
                           f"'r', or 'complete'")
    _floating("linalg.qr", A)
    if mode == "r":
        r = call(_QR_R, (A,))
        return RETURN_TYPES["linalg_qr"]((A.new_empty((0,)), r))
    return _multi(A, _QR, (("mode", mode),), "linalg_qr", 2)


def svd(A, full_matrices: bool = True, *, driver=None, out=None):
    _floating("linalg.svd", A)
    return _multi(A, _SVD, (("full", bool(full_matrices)),), "linalg_svd", 3)


def eigh(A, UPLO: str = "L", *, out=None):
    _square("linalg.eigh", A)
    return _multi(A, _EIGH, (("lower", UPLO == "L"),), "linalg_eigh", 2)


def cholesky(A, *, upper: bool = False, out=None) -> Tensor:
    _square("linalg.cholesky", A)
    return _into(call(_CHOLESKY, (A,), (("upper", bool(upper)),)), out)


_CHOLESKY = Op("cholesky", lambda a, *, upper: jnp.swapaxes(jnp.linalg.cholesky(a), -1, -2).conj() if upper
               else jnp.linalg.cholesky(a), "LinalgCholeskyExBackward0")


def solve(A, B, *, left: bool = True, out=None) -> Tensor:
    """``A X = B`` (``left=False``: ``X A = B``); a vector ``B`` (batch shape of ``A`` plus one dim) is one column."""
    _square("linalg.solve", A)
    vector = B.dim() == 1 or B.dim() == A.dim() - 1 and tuple(B.shape) == tuple(A.shape[:-1])
    return _into(call(_SOLVE, (A, B), (("left", bool(left)), ("vector", vector))), out)


def _solve(a, b, *, left, vector):
    if not left:
        return jnp.swapaxes(_solve(jnp.swapaxes(a, -1, -2), jnp.swapaxes(b, -1, -2), left=True, vector=False), -1, -2)
    if vector:
        return jnp.linalg.solve(a, b[..., None])[..., 0]
    return jnp.linalg.solve(a, b)


_SOLVE = Op("solve", _solve, "LinalgSolveExBackward0")


def _tolerances(A: Tensor, atol, rtol) -> tuple:
    """``atol``/``rtol`` (floats or tensors) as graph inputs with PyTorch's defaults: ``rtol`` is
    ``eps * max(m, n)``, or 0 when only ``atol`` is given."""
    dt = np.dtype(A._node.dtype)
    if rtol is None:
        rtol = 0.0 if atol is not None else float(np.finfo(dt).eps) * max(A.shape[-2:])
    return as_node(0.0 if atol is None else atol, dt), as_node(rtol, dt)


def _singular_values(a, hermitian: bool):
    return jnp.abs(jnp.linalg.eigvalsh(_hermitian(a, True))) if hermitian else jnp.linalg.svd(a, compute_uv=False)


def _cutoff(s, atol, rtol):
    return jnp.maximum(atol, rtol * jnp.max(s, -1, initial=0))


def _pinv(a, atol, rtol, *, hermitian):
    a = _hermitian(a, True) if hermitian else a
    s = _singular_values(lax.stop_gradient(a), False)
    smax = jnp.max(s, -1, initial=0)
    relative = jnp.where(smax > 0, _cutoff(s, atol, rtol) / jnp.where(smax > 0, smax, 1), 0)
    return jnp.linalg.pinv(a, rtol=lax.stop_gradient(relative), hermitian=hermitian)


_PINV = Op("pinv", _pinv, "LinalgPinvBackward0")


def pinv(A, *, atol=None, rtol=None, hermitian: bool = False, out=None) -> Tensor:
    _floating("linalg.pinv", A)
    return _into(call(_PINV, (A, *_tolerances(A, atol, rtol)), (("hermitian", bool(hermitian)),)), out)


def _rank(a, atol, rtol, *, hermitian):
    s = _singular_values(a, hermitian)
    return jnp.sum(s > _cutoff(s, atol, rtol)[..., None], -1).astype(jnp.int64)


_RANK = Op("matrix_rank", _rank)


def matrix_rank(A, *, atol=None, rtol=None, hermitian: bool = False, out=None) -> Tensor:
    _floating("linalg.matrix_rank", A)
    return _into(call(_RANK, (A, *_tolerances(A, atol, rtol)), (("hermitian", bool(hermitian)),),
                      differentiable=False), out)


# ---------------------------------------------------------------------------- torch.* spellings

register("det")(det)
register("inverse")(inv)
register("matrix_exp")(matrix_exp)


@register("pinverse")
def pinverse(input, rcond: float = 1e-15) -> Tensor:
    return pinv(input, rtol=rcond)


@register("logdet")
def logdet(input) -> Tensor:
    _square("linalg.logdet", input)
    return call(_LOGDET, (input,))


def _logdet(a):
    sign, logabs = jnp.linalg.slogdet(a)
    return jnp.where(sign < 0, jnp.nan, logabs)  # a negative determinant has no real log; zero gives -inf


_LOGDET = Op("logdet", _logdet, "WhereBackward0")


@register("slogdet")
def slogdet_(input):
    return RETURN_TYPES["slogdet"](slogdet(input))


@register("qr")
def qr_(input, some: bool = True):
    return RETURN_TYPES["qr"](qr(input, "reduced" if some else "complete"))


@register("svd")
def svd_(input, some: bool = True, compute_uv: bool = True):
    """The legacy ``torch.svd``: returns ``V`` (not ``Vh``); ``some=False`` gives full matrices."""
    u, s, vh = svd(input, full_matrices=not some)
    return RETURN_TYPES["svd"]((u, s, vh.transpose(-2, -1)))


@register("cholesky")
def cholesky_(input, upper: bool = False):
    _square("linalg.cholesky", input)
    return call(_CHOLESKY_LEGACY, (input,), (("upper", bool(upper)),))


_CHOLESKY_LEGACY = Op("cholesky", _CHOLESKY.fn, "CholeskyBackward0")
