"""Creation ops: ``zeros``/``ones``/``full``/``empty`` (+ ``_like``, ``new_*``), ``arange``, ``range``,
``linspace``, ``logspace``, ``eye``. They are pending nodes with no inputs, so they fuse into the
executable that first needs them instead of running eagerly."""
from __future__ import annotations

import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _dtype
from .._tensor import Tensor, call
from ..engine import FULL, Op
from ._convert import py_scalar, requiring_grad
from ._registry import register
from ._views import _shape_args

_ARANGE = Op("arange", lambda *, start, step, n, dtype: (start + step * jnp.arange(n, dtype=np.float64 if
                                                                                 np.dtype(dtype).kind == "f" else dtype)).astype(dtype))
_EYE = Op("eye", lambda *, n, m, dtype: jnp.eye(n, m, dtype=dtype))


def _dt(dtype, default) -> np.dtype:
    return _dtype.to_jax(default if dtype is None else _dtype.parse_dtype_arg(dtype, "factory"))


def _make(op: Op, static: tuple, requires_grad: bool) -> Tensor:
    t = call(op, (), static)
    return requiring_grad(t) if requires_grad else t


def _size(size, name: str | None = None) -> tuple[int, ...]:
    """The shape a factory's ``*size`` gives, with PyTorch's errors (``name``: the factory's, for a size that is
    not ints, e.g. ``torch.zeros(n / 2)``)."""
    if name is not None:
        _check_ints(size, name)
    shape = tuple(int(s) for s in _shape_args(size))
    if any(s < 0 for s in shape):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: {list(shape)}")
    return shape


def _check_ints(size: tuple, name: str) -> None:
    lone = len(size) == 1 and not isinstance(size[0], (tuple, list))
    for k, s in enumerate(_shape_args(size)):
        if isinstance(s, (int, np.integer, Tensor)) and not isinstance(s, bool):
            continue
        kind = type(s).__name__
        if lone:
            raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, not {kind}")
        if k == 0:
            raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, but found element of type "
                            f"{kind} at pos 0")
        raise TypeError(f"{name}(): argument 'size' failed to unpack the object at pos {k + 1} with error \"type must "
                        f"be tuple of ints,but got {kind}\"")


def full_(shape: tuple, value, dtype, requires_grad=False) -> Tensor:
    return _make(FULL, (("shape", shape), ("value", value), ("dtype", dtype)), requires_grad)


def _filled(name: str, value):
    def impl(*sizes, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False, memory_format=None) -> Tensor:
        return full_(_size(sizes if size is None else (size,), name), value, _dt(dtype, _dtype.get_default_dtype()),
                     requires_grad)

    def like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None) -> Tensor:
        return full_(tuple(input.shape), value, _dt(dtype, _dtype.from_any(input._node.dtype)), requires_grad)

    def new(self, *sizes, size=None, dtype=None, device=None, requires_grad=False, layout=None,
            pin_memory=False) -> Tensor:
        return full_(_size(sizes if size is None else (size,), "new_" + name), value,
                     _dt(dtype, _dtype.from_any(self._node.dtype)), requires_grad)

    register(name, method=False)(impl)
    register(name + "_like", method=False)(like)
    register("new_" + name, function=False)(new)
    return impl


zeros = _filled("zeros", 0)
ones = _filled("ones", 1)
# jtorch has no uninitialised memory: `empty` gives zeros (PyTorch leaves the values unspecified).
empty = _filled("empty", 0)


def _fill_dtype(fill_value, dtype):
    if dtype is not None:
        return _dt(dtype, None)
    return _dtype.to_jax(_dtype.scalar_dtype(py_scalar(fill_value)))


@register("full", method=False)
def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    """``torch.full``: the dtype follows ``fill_value`` (int -> int64, bool -> bool, float -> default)."""
    fill_value = fill_value.item() if isinstance(fill_value, Tensor) else py_scalar(fill_value)
    return full_(_size(size), fill_value, _fill_dtype(fill_value, dtype), requires_grad)


@register("full_like", method=False)
def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None) -> Tensor:
    return full_(tuple(input.shape), py_scalar(fill_value), _dt(dtype, _dtype.from_any(input._node.dtype)),
                 requires_grad)


@register("new_full", function=False)
def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    return full_(_size(size), py_scalar(fill_value), _dt(dtype, _dtype.from_any(self._node.dtype)), requires_grad)


@register("new_tensor", function=False)
def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False) -> Tensor:
    """A new leaf holding a copy of ``data``, with this tensor's dtype unless ``dtype`` is given."""
    from ._convert import from_data
    return from_data(data, _dtype.from_any(self._node.dtype) if dtype is None else dtype, requires_grad)


@register("arange", method=False)
def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False) -> Tensor:
    """``torch.arange``: int64 when every bound is an int, else the default float dtype; computed as
    ``start + i * step`` in float64 like PyTorch, so ``arange(-1, 1, 0.1)`` has PyTorch's 20 values."""
    if end is None:
        start, end = 0, start
    start, end, step = (py_scalar(v.item() if isinstance(v, Tensor) else v) for v in (start, end, step))
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    is_int = all(isinstance(v, int) for v in (start, end, step))
    dt = _dt(dtype, _dtype.int64 if is_int else _dtype.get_default_dtype())
    n = max(0, math.ceil((end - start) / step))
    return _make(_ARANGE, (("start", start), ("step", step), ("n", n), ("dtype", dt)), requires_grad)


@register("range", method=False)
def range_(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False) -> Tensor:
    """Deprecated ``torch.range``: end-inclusive, default float dtype."""
    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in "
                  "[start, end).", UserWarning, stacklevel=2)
    if end is None:
        start, end = 0, start
    n = int(math.floor((end - start) / step)) + 1
    dt = _dt(dtype, _dtype.get_default_dtype())
    return _make(_ARANGE, (("start", start), ("step", step), ("n", n), ("dtype", dt)), requires_grad)


def _fma(c, step, k: jax.Array, dt: np.dtype) -> jax.Array:
    """``c + step * k`` (``k``: integers) rounded as PyTorch's CPU kernel rounds it: in float32/float64 (and
    each part of a complex) one fused multiply-add (the compiler contracts it), in float16/bfloat16 each
    operation, ``k`` included."""
    if dt.itemsize == 2 and dt.kind in "fV":  # float16 / bfloat16: round after every op (no excess precision)
        info = jnp.finfo(dt)
        r = lambda x: lax.reduce_precision(x, info.nexp, info.nmant)
        return r(np.float32(c) + r(np.float32(step) * r(k.astype(np.float32)))).astype(dt)
    if dt.kind == "c":  # c10::complex times an integer scales each part: one fused multiply-add per part
        part = np.dtype(np.finfo(dt).dtype)
        return lax.complex(_fma(c.real, step.real, k, part), _fma(c.imag, step.imag, k, part))
    k = k.astype(np.float64)
    if dt != np.float64:  # float32: the float64 product is exact, so the sum is the one rounding
        return (np.float64(c) + np.float64(step) * k).astype(dt)
    split = 134217729.0 * step  # Veltkamp: step = hi + lo with 26-bit hi; k * hi and k * lo exact (k < 2**26)
    hi = split - (split - step)
    p = k * hi
    total = c + p
    b = total - c
    return total + (((c - (total - b)) + (p - b)) + k * (step - hi))  # TwoSum error of c + p, then k * lo


def _linspace(*, start, end, steps, dtype):
    # torch: linspace_kernel (RangeFactoriesKernel.cpp): step in the output dtype (double for integers), the
    # first half counts up from start, the second down from end; integers truncate.
    dt = np.dtype(dtype)
    if steps <= 1:
        return jnp.full((steps,), start, dt)
    ct = np.dtype(np.float64) if dt.kind in "iub" else dt
    start, end = (np.array(v).astype(dt).astype(ct) for v in (start, end))
    n = np.array(steps - 1).astype(np.finfo(ct).dtype if ct.kind == "c" else ct)
    step = ((end - start).real / n + 1j * ((end - start).imag / n)).astype(ct) if ct.kind == "c" \
        else (end - start) / n  # c10::complex / integer divides each part
    i = jnp.arange(steps)
    return jnp.where(i < steps // 2, _fma(start, step, i, ct), _fma(end, -step, steps - 1 - i, ct)).astype(dt)


_LINSPACE = Op("linspace", _linspace)


def _endpoints(name: str, start, end):
    """The tensor overload: 0-d ``start``/``end`` tensors are read as numbers (a sync, as in PyTorch)."""
    if any(isinstance(v, Tensor) and v.dim() for v in (start, end)):
        raise RuntimeError(f"{name} only supports 0-dimensional start and end tensors, but got tensors with "
                           f"{start.dim() if isinstance(start, Tensor) else end.dim()} dimension(s).")
    return tuple(v.item() if isinstance(v, Tensor) else v for v in (start, end))


@register("linspace", method=False)
def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dt = _dt(dtype, _dtype.get_default_dtype())
    start, end = _endpoints("linspace", start, end)
    return _make(_LINSPACE, (("start", py_scalar(start)), ("end", py_scalar(end)), ("steps", int(steps)),
                             ("dtype", dt)), requires_grad)


_LOGSPACE = Op("logspace", lambda *, start, end, steps, base, dtype: jnp.power(
    base, jnp.linspace(start, end, steps)).astype(dtype))


@register("logspace", method=False)
def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False) -> Tensor:
    dt = _dt(dtype, _dtype.get_default_dtype())
    start, end = _endpoints("logspace", start, end)
    return _make(_LOGSPACE, (("start", py_scalar(start)), ("end", py_scalar(end)), ("steps", int(steps)),
                             ("base", py_scalar(base)), ("dtype", dt)), requires_grad)


@register("eye", method=False)
def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    if n < 0 or (m is not None and m < 0):
        raise RuntimeError(f"n must be greater or equal to 0, got {n if n < 0 else m}")
    dt = _dt(dtype, _dtype.get_default_dtype())
    return _make(_EYE, (("n", int(n)), ("m", int(n if m is None else m)), ("dtype", dt)), requires_grad)
