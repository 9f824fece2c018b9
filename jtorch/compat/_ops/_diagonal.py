"""The diagonal family: ``diagonal`` (a view: writes through it reach the base), ``diag``, ``diag_embed``,
``diagflat``, ``tril``/``triu``, ``trace``."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._dtype_promotion import sum_dtype
from .._tensor import Tensor, call, view
from ..engine import Op
from ._pointwise import _into
from ._registry import dims, register
from ._views import _view_op


def _diagonal_write(base, new, *, offset, axis1, axis2):
    moved = jnp.moveaxis(base, (axis1, axis2), (-2, -1))
    n = new.shape[-1]
    rows, cols = np.arange(n) + max(-offset, 0), np.arange(n) + max(offset, 0)
    moved = moved.at[..., rows, cols].set(new.astype(base.dtype))
    return jnp.moveaxis(moved, (-2, -1), (axis1, axis2))


_DIAGONAL = _view_op("diagonal", lambda x, *, offset, axis1, axis2: jnp.diagonal(x, offset, axis1, axis2),
                     _diagonal_write, "DiagonalBackward0")
_DIAG_COPY = Op("diag", lambda x, *, k: jnp.diagonal(x, k), "DiagonalBackward0_copy")
_DIAG_EMBED = Op("diag", lambda x, *, k: jnp.diag(x, k), "DiagEmbedBackward0")


@register("diagonal")
def diagonal(input, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    a, b = dims((dim1, dim2), input.dim())
    if a == b:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return view(input, _DIAGONAL, (("offset", int(offset)), ("axis1", a), ("axis2", b)))


@register("diag")
def diag(input, diagonal: int = 0, *, out=None) -> Tensor:
    if input.dim() not in (1, 2):
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.dim()}D")
    op = _DIAG_EMBED if input.dim() == 1 else _DIAG_COPY
    return _into(call(op, (input,), (("k", int(diagonal)),)), out)


def _diag_embed(x, *, offset, axis1, axis2):
    m = x.shape[-1]
    n = m + abs(offset)
    rows, cols = np.arange(m) + max(-offset, 0), np.arange(m) + max(offset, 0)
    out = jnp.zeros(x.shape[:-1] + (n, n), x.dtype).at[..., rows, cols].set(x)
    return jnp.moveaxis(out, (-2, -1), (axis1, axis2))


_DIAG_EMBED_ND = Op("diag_embed", _diag_embed, "DiagEmbedBackward0")


@register("diag_embed")
def diag_embed(input, offset: int = 0, dim1: int = -2, dim2: int = -1, *, out=None) -> Tensor:
    """Matrices (in dims ``dim1``, ``dim2`` of the result) whose ``offset`` diagonal is ``input``'s last dim."""
    a, b = dims((dim1, dim2), input.dim() + 1)
    if a == b:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return _into(call(_DIAG_EMBED_ND, (input,), (("offset", int(offset)), ("axis1", a), ("axis2", b))), out)


@register("diagflat")
def diagflat(input, offset: int = 0) -> Tensor:
    """A matrix whose ``offset`` diagonal is the flattened input."""
    return diag_embed(input.reshape(-1), offset)


def _triangle(name: str, fn, grad_name: str):
    op = Op(name, lambda x, *, k: fn(x, k), grad_name)

    def impl(input, diagonal: int = 0, *, out=None) -> Tensor:
        if input.dim() < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        return _into(call(op, (input,), (("k", int(diagonal)),)), out)

    impl.__name__ = name
    register(name, inplace=True)(impl)
    return impl


tril = _triangle("tril", jnp.tril, "TrilBackward0")
triu = _triangle("triu", jnp.triu, "TriuBackward0")
_TRACE = Op("trace", lambda x, *, dtype: jnp.trace(x).astype(dtype), "TraceBackward0")


@register("trace")
def trace(input) -> Tensor:
    if input.dim() != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.dim()}")
    dt = _dtype.to_jax(sum_dtype(_dtype.from_any(input._node.dtype), None))
    return call(_TRACE, (input,), (("dtype", dt),))
