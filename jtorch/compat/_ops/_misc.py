"""Array utilities: ``take``, ``fill``, ``real``, ``rot90``, ``diff``, ``trapezoid``/``trapz``, ``meshgrid``,
``cartesian_prod``, ``gradient``, and binning: ``searchsorted``, ``bucketize``, ``histc``, ``bincount``."""
from __future__ import annotations

import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._index_check import first_outside
from .._tensor import Tensor, call
from ..engine import Op
from ._convert import as_node, promote, py_scalar
from ._joining import cat, stack
from ._pointwise import _default_float, _into, _is_float
from ._registry import dims as wrap_dims, register


def _c10(t: Tensor) -> str:
    return _dtype.from_any(t._node.dtype)._c10


@register("take")
def take(input, index, *, out=None) -> Tensor:
    """Indexes ``input`` as if it were 1-D; the result has ``index``'s shape. A materialised ``index``
    outside ``[-numel, numel)`` raises PyTorch's error; a lazily computed one is not checked (a sync)."""
    if index._node.dtype != np.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {_c10(index)}")
    n = input.numel()
    if n == 0 and index.numel():
        raise IndexError("take(): tried to take from an empty tensor")
    bad = first_outside(index, -n, n)
    if bad is not None:
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    return _into(call(_TAKE, (input, index)), out)


_TAKE = Op("take", lambda x, i: x.reshape(-1)[jnp.where(i < 0, i + x.size, i)] if x.size else
           jnp.zeros(i.shape, x.dtype), "TakeBackward0")


@register("fill", method=False)
def fill(input, value) -> Tensor:
    """Out-of-place ``fill_``: a tensor like ``input`` holding ``value`` (a number or a 0-d tensor)."""
    if isinstance(value, Tensor):
        if value.dim():
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.dim()} "
                               f"dimensions.")
        return call(_FILL, (input, value), (("dtype", input._node.dtype),))
    return filled(input, value, FILL_SCALAR)


def filled(input: Tensor, value, op: Op) -> Tensor:
    """``input``'s shape and dtype holding the number ``value``: a differentiable op on ``input`` (zero
    gradient), so ``fill_``/``zero_`` keep a ``grad_fn`` as in PyTorch."""
    return call(op, (input, as_node(py_scalar(value), input._node.dtype)), (("dtype", input._node.dtype),))


def _fill(x, v, *, dtype):
    return jnp.broadcast_to(v.astype(dtype), x.shape)


_FILL = Op("fill", _fill, "FillBackward1")
FILL_SCALAR = Op("fill", _fill, "FillBackward0")
FILL_INPLACE = Op("fill_", _fill, "FillBackward2")
ZERO = Op("zero_", _fill, "ZeroBackward0")


@register("real", method=False)
def real(input) -> Tensor:
    """The real part; a real tensor is returned as is (PyTorch returns it, not a copy)."""
    if np.dtype(input._node.dtype).kind != "c":
        return input
    return call(_REAL, (input,))


_REAL = Op("real", jnp.real, "RealBackward0")


@register("rot90")
def rot90(input, k: int = 1, dims=(0, 1)) -> Tensor:
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.dim() < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.dim()}")
    a, b = wrap_dims(dims, input.dim())
    if a == b:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = {dims[1]}")
    return call(_ROT90, (input,), (("k", int(k) % 4), ("axes", (a, b))))


_ROT90 = Op("rot90", lambda x, *, k, axes: jnp.rot90(x, k, axes), "Rot90Backward0")


@register("diff")
def diff(input, n: int = 1, dim: int = -1, prepend=None, append=None) -> Tensor:
    """The ``n``-th forward difference along ``dim``, after concatenating ``prepend``/``append``."""
    if input.dim() == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    (axis,) = wrap_dims(dim, input.dim())
    parts = [p for p in (prepend, input, append) if p is not None]
    x = cat(parts, axis) if len(parts) > 1 else input
    return call(_DIFF, (x,), (("n", int(n)), ("axis", axis)))


def _diff(x, *, n, axis):
    if x.dtype == np.bool_:  # torch: logical_xor of neighbours
        for _ in range(min(n, x.shape[axis])):
            x = jnp.logical_xor(jnp.delete(x, 0, axis), jnp.delete(x, -1, axis))
        return x
    return jnp.diff(x, n, axis) if n <= x.shape[axis] else jnp.zeros(
        x.shape[:axis] + (0,) + x.shape[axis + 1:], x.dtype)


_DIFF = Op("diff", _diff, "SubBackward0")


@register("trapezoid", method=False)
def trapezoid(y, x=None, *, dx=None, dim: int = -1) -> Tensor:
    """The trapezoid rule along ``dim`` with sample points ``x`` or spacing ``dx`` (default 1)."""
    (axis,) = wrap_dims(dim, y.dim())
    dt = promote(y, x) if isinstance(x, Tensor) else y._node.dtype
    dt = dt if _is_float(dt) else _default_float()
    if isinstance(x, Tensor):
        return call(_TRAPZ_X, (y, x), (("axis", axis), ("dtype", dt)))
    spacing = 1 if dx is None and x is None else (dx if dx is not None else x)
    return call(_TRAPZ_DX, (y, as_node(spacing, dt)), (("axis", axis), ("dtype", dt)))


_TRAPZ_X = Op("trapezoid", lambda y, x, *, axis, dtype: jnp.trapezoid(
    y.astype(dtype), x.astype(dtype), axis=axis), "DivBackward1")
_TRAPZ_DX = Op("trapezoid", lambda y, dx, *, axis, dtype: jnp.trapezoid(
    y.astype(dtype), dx=dx, axis=axis), "MulBackward1")


@register("trapz", method=False)
def trapz(y, x=None, *, dx=None, dim: int = -1) -> Tensor:
    return trapezoid(y, x, dx=dx, dim=dim)


@register("meshgrid", method=False)
def meshgrid(*tensors, indexing: str | None = None) -> tuple[Tensor, ...]:
    """Coordinate grids from 1-D (or 0-d) tensors; ``indexing`` 'ij' (default, with PyTorch's warning) or 'xy'."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing "
                      "argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    shape = [t.numel() for t in tensors]
    if indexing == "xy" and len(shape) >= 2:
        shape[0], shape[1] = shape[1], shape[0]
    out = []
    for i, t in enumerate(tensors):
        view = [1] * len(tensors)
        j = i if indexing == "ij" or len(tensors) < 2 or i > 1 else 1 - i
        view[j] = -1
        out.append(t.reshape(view).expand(*shape))
    return tuple(out)


@register("cartesian_prod", method=False)
def cartesian_prod(*tensors) -> Tensor:
    if len(tensors) == 1:
        return tensors[0]
    return stack([g.reshape(-1) for g in meshgrid(*tensors, indexing="ij")], 1)


@register("searchsorted", method=False)
def searchsorted(sorted_sequence, input, *, out_int32: bool = False, right: bool = False, side=None,
                 out=None, sorter=None) -> Tensor:
    """Insertion indices of ``input`` into the innermost dimension of ``sorted_sequence`` (batched over the rest)."""
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left "
                               "while right was True")
        right = side == "right"
    dt = np.dtype(np.int32 if out_int32 else np.int64)
    seq = sorted_sequence
    if sorter is not None:
        from ._gather import gather
        seq = gather(seq, -1, sorter)
    if isinstance(input, Tensor):
        if seq.dim() > 1 and tuple(seq.shape[:-1]) != tuple(input.shape[:-1]):
            raise RuntimeError(f"torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                               f"dimensions of boundaries tensor and input value tensor must match, but we got "
                               f"boundaries tensor {list(seq.shape)} and input value tensor {list(input.shape)}")
        values = input._node
    else:
        values = as_node(input, seq._node.dtype)
    static = (("side", "right" if right else "left"), ("dtype", dt))
    return _into(call(_SEARCHSORTED, (seq._node, values), static, differentiable=False), out)


def _searchsorted(seq, v, *, side, dtype):
    ct = jnp.promote_types(seq.dtype, v.dtype)
    seq, v = seq.astype(ct), v.astype(ct)
    if seq.ndim == 1:
        return jnp.searchsorted(seq, v, side=side).astype(dtype)
    lead = seq.shape[:-1]
    f = jax.vmap(lambda s, x: jnp.searchsorted(s, x, side=side))
    return f(seq.reshape(-1, seq.shape[-1]), v.reshape(-1, v.shape[-1])).reshape(lead + v.shape[-1:]).astype(dtype)


_SEARCHSORTED = Op("searchsorted", _searchsorted)


@register("bucketize", method=False)
def bucketize(input, boundaries, *, out_int32: bool = False, right: bool = False, out=None) -> Tensor:
    """The bucket of each value: ``boundaries[i-1] < x <= boundaries[i]`` (``right=True``: ``<= x <``)."""
    if boundaries.dim() != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.dim()})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)


@register("histc")
def histc(input, bins: int = 100, min=0, max=0, *, out=None) -> Tensor:
    """Equal-width histogram over ``[min, max]`` (the data's range when both are 0); outside values are ignored."""
    if not _is_float(input._node.dtype):
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{_c10(input)}'")
    if bins <= 0:
        raise RuntimeError(f"torch.histc: bins must be > 0, but got {bins} for dimension 0")
    if max < min:
        raise RuntimeError("torch.histc: max must be larger than min")
    static = (("bins", int(bins)), ("lo", float(min)), ("hi", float(max)))
    return _into(call(_HISTC, (input,), static, differentiable=False), out)


def _histc(x, *, bins, lo, hi):
    x = x.reshape(-1)
    ct = jnp.float64 if x.dtype == jnp.float64 else jnp.float32
    if lo == hi and x.size:  # torch: the data's range, widened by 1 on each side when it is a single value
        lo, hi = jnp.min(x).astype(ct), jnp.max(x).astype(ct)
    lo, hi = jnp.asarray(lo, ct), jnp.asarray(hi, ct)
    lo, hi = jnp.where(lo == hi, lo - 1, lo), jnp.where(lo == hi, hi + 1, hi)
    xc = x.astype(ct)
    pos = jnp.floor((xc - lo) * bins / (hi - lo)).astype(jnp.int64)
    pos = jnp.where(pos == bins, bins - 1, pos)
    keep = (xc >= lo) & (xc <= hi)
    return jnp.zeros(bins, x.dtype).at[jnp.where(keep, pos, bins)].add(1, mode="drop")


_HISTC = Op("histc", _histc)


@register("bincount")
def bincount(input, weights=None, minlength: int = 0) -> Tensor:
    """Counts of each non-negative integer value (weighted sums with ``weights``); its length needs the data's
    maximum, so it syncs, as PyTorch's output size does."""
    if input.dim() != 1 or _is_float(input._node.dtype) or input._node.dtype == np.bool_:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is not None and tuple(weights.shape) != tuple(input.shape):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    if input.numel() and int(input.min()) < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    length = max(int(input.max()) + 1 if input.numel() else 0, minlength)
    if weights is None:
        return call(_BINCOUNT, (input,), (("length", length),), differentiable=False)
    wt = weights._node.dtype
    dt = np.dtype(wt) if wt in (np.float32, np.float64) else np.dtype(np.float64)
    return call(_BINCOUNT_W, (input, weights), (("length", length), ("dtype", dt)), differentiable=False)


_BINCOUNT = Op("bincount", lambda x, *, length: jnp.zeros(length, jnp.int64).at[x].add(1))
_BINCOUNT_W = Op("bincount", lambda x, w, *, length, dtype: jnp.zeros(length, dtype).at[x].add(w.astype(dtype)))


@register("gradient", method=False)
def gradient(input, *, spacing=1, dim=None, edge_order: int = 1) -> tuple[Tensor, ...]:
    """Central differences in the interior, one-sided (``edge_order`` 1 or 2) at the ends, per dimension;
    ``spacing`` is one step, a step per dimension, or a coordinate tensor per dimension."""
    axes = tuple(range(input.dim())) if dim is None else wrap_dims(dim, input.dim())
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    for a in axes:
        if input.shape[a] < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
    spacing = 1 if spacing is None else spacing
    steps = list(spacing) if isinstance(spacing, (list, tuple)) else [spacing] * len(axes)
    if len(steps) != len(axes):
        raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or it's spacing and dim "
                           f"arguments to have the same length, but got a spacing argument of length {len(steps)} "
                           f"and a dim argument of length {len(axes)}.")
    dt = input._node.dtype if _is_float(input._node.dtype) else _default_float()
    out = []
    for a, h in zip(axes, steps):
        coords = h._node if isinstance(h, Tensor) else as_node(py_scalar(h), dt)
        out.append(call(_GRADIENT, (input._node, coords), (("axis", a), ("edge_order", edge_order), ("dtype", dt))))
    return tuple(out)


def _gradient(f, x, *, axis, edge_order, dtype):
    f = jnp.moveaxis(f.astype(dtype), axis, 0)
    n = f.shape[0]
    x = (x * jnp.arange(n) if x.ndim == 0 else x).astype(dtype)  # a step becomes coordinates
    x = x.reshape((n,) + (1,) * (f.ndim - 1))
    hl, hr = x[1:-1] - x[:-2], x[2:] - x[1:-1]  # numpy's second-order interior stencil for uneven spacing
    mid = (-hr / (hl * (hl + hr)) * f[:-2] + (hr - hl) / (hl * hr) * f[1:-1] + hl / (hr * (hl + hr)) * f[2:])
    if edge_order == 1:
        first = (f[1:2] - f[:1]) / (x[1:2] - x[:1])
        last = (f[-1:] - f[-2:-1]) / (x[-1:] - x[-2:-1])
    else:
        d1, d2 = x[1:2] - x[:1], x[2:3] - x[1:2]
        first = (-(2 * d1 + d2) / (d1 * (d1 + d2)) * f[:1] + (d1 + d2) / (d1 * d2) * f[1:2]
                 - d1 / (d2 * (d1 + d2)) * f[2:3])
        d1, d2 = x[-2:-1] - x[-3:-2], x[-1:] - x[-2:-1]
        last = (d2 / (d1 * (d1 + d2)) * f[-3:-2] - (d2 + d1) / (d1 * d2) * f[-2:-1]
                + (2 * d2 + d1) / (d2 * (d1 + d2)) * f[-1:])
    return jnp.moveaxis(jnp.concatenate([first, mid, last]), 0, axis)


_GRADIENT = Op("gradient", _gradient, "CatBackward0")
