"""``torch.linalg``: norms, inverses, decompositions and solvers (implemented in ``_ops._linalg_ext``)."""
from ._ops._linalg_ext import (cholesky as cholesky, det as det, eigh as eigh, eigvalsh as eigvalsh, inv as inv,
                               matrix_exp as matrix_exp, matrix_norm as matrix_norm, matrix_rank as matrix_rank,
                               norm as norm, pinv as pinv, qr as qr, slogdet as slogdet, solve as solve, svd as svd,
                               svdvals as svdvals, vector_norm as vector_norm)
from ._ops._linalg import matmul as matmul
from ._ops._products import cross as _cross

__all__ = ["cholesky", "cross", "det", "eigh", "eigvalsh", "inv", "matmul", "matrix_exp", "matrix_norm",
           "matrix_rank", "norm", "pinv", "qr", "slogdet", "solve", "svd", "svdvals", "vector_norm"]


def cross(input, other, *, dim: int = -1, out=None):
    """``torch.linalg.cross``: like ``torch.cross`` but ``dim`` defaults to -1."""
    return _cross(input, other, dim, out=out)
