"""Tensor conversions and queries: ``dtype``, ``device``, ``to``, ``type``, ``float()``-style casts,
``clone``, ``contiguous``, ``cpu``/``cuda``, and printing (``repr``, ``format``) through ``_printing``."""
from __future__ import annotations

import numpy as np

from .. import _device, _dtype, _grad_mode, _printing, engine
from .._tensor import DETACHED, Tensor, call
from ..engine import FULL, Op
from . import _strides
from ._convert import as_tensor, cast
from ._misc import ZERO, filled
from ._registry import inplace, register

_CLONE = Op("clone", lambda x: x, "CloneBackward0")
_COPY = Op("copy", lambda x: x, "torch::autograd::CopyBackwards")

Tensor.dtype = property(lambda self: _dtype.from_any(self._node.dtype))
Tensor.device = property(lambda self: _device.device("cpu"))
Tensor.is_cuda = property(lambda self: False)
Tensor.layout = property(lambda self: "torch.strided")


@register("clone")
def clone(input, *, memory_format=None) -> Tensor:
    return call(_CLONE, (input,))


@register("contiguous", function=False)
def contiguous(self, memory_format=None) -> Tensor:
    """``self``, or a copy (``CloneBackward0``) of a view whose PyTorch strides are not contiguous."""
    return self if _strides.is_contiguous(self) else clone(self)


@register("is_contiguous", function=False)
def is_contiguous(self, memory_format=None) -> bool:
    return _strides.is_contiguous(self)


@register("is_floating_point")
def is_floating_point(input) -> bool:
    return input.dtype.is_floating_point


@register("is_complex")
def is_complex(input) -> bool:
    return input.dtype.is_complex


@register("element_size", function=False)
def element_size(self) -> int:
    return self.dtype.itemsize


def _cast_method(name: str, dt):
    def method(self, memory_format=None) -> Tensor:
        return cast(self, _dtype.to_jax(dt))

    method.__name__ = name
    register(name, function=False)(method)


for _name, _dt in (("float", _dtype.float32), ("double", _dtype.float64), ("half", _dtype.float16),
                   ("bfloat16", _dtype.bfloat16), ("int", _dtype.int32), ("long", _dtype.int64),
                   ("short", _dtype.int16), ("char", _dtype.int8), ("byte", _dtype.uint8), ("bool", _dtype.bool_),
                   ("cfloat", _dtype.complex64), ("cdouble", _dtype.complex128)):
    _cast_method(_name, _dt)


@register("to", function=False)
def to(self, *args, dtype=None, device=None, non_blocking=False, copy=False, memory_format=None) -> Tensor:
    """``t.to(dtype)``, ``t.to(device)``, ``t.to(device, dtype)``, ``t.to(other)``; ``copy=True`` copies."""
    flags = []
    for a in args:
        if isinstance(a, bool):  # positional non_blocking, copy after the device/dtype/tensor
            flags.append(a)
        elif isinstance(a, Tensor):
            dtype, device = a.dtype, a.device
        elif isinstance(a, _dtype.dtype):
            dtype = a
        elif isinstance(a, (str, _device.device, int)):
            device = a
        else:
            raise TypeError(f"to() received an invalid combination of arguments - got ({type(a).__name__})")
    if len(flags) > 1:
        copy = flags[1]
    if device is not None:
        _device.jax_device(_device.device(device))
    out = self if dtype is None else cast(self, _dtype.to_jax(_dtype.parse_dtype_arg(dtype, "to")))
    return call(_CLONE, (out,)) if copy and out is self else out


@register("cpu", function=False)
def cpu(self, memory_format=None) -> Tensor:
    return self


@register("cuda", function=False)
def cuda(self, device=None, non_blocking=False, memory_format=None) -> Tensor:
    _device.jax_device(_device.device("cuda" if device is None else device))
    return self


@register("type", function=False)
def type_(self, dtype=None, non_blocking=False, **kwargs):
    """``t.type()`` -> ``'torch.FloatTensor'``; ``t.type(torch.float64)`` / ``t.type('torch.DoubleTensor')`` cast."""
    if dtype is None:
        return _dtype.type_name(self.dtype)
    if isinstance(dtype, str):
        dtype, _ = _dtype.from_type_name(dtype)
    return cast(self, _dtype.to_jax(_dtype.parse_dtype_arg(dtype, "type")))


@register("type_as", function=False)
def type_as(self, other) -> Tensor:
    return cast(self, other._node.dtype)


def _printable(t: Tensor) -> np.ndarray:
    return np.asarray(engine.value(t._node))


def _metadata(t: Tensor) -> dict:
    """What a tensor's repr prints besides its values (dtype, requires_grad, grad_fn's class name)."""
    fn = t.grad_fn
    return dict(default_dtype=_dtype.get_default_dtype()._name, requires_grad=t.requires_grad and fn is None,
                grad_fn=type(fn).__name__ if fn is not None else None,
                is_parameter=getattr(type(t), "_is_parameter", False))


def repr_tensor(t: Tensor) -> str:
    return _printing.format_tensor(_printable(t), t.dtype._name, **_metadata(t))


def format_tensor(t: Tensor, spec: str) -> str:
    return _printing.tensor_format(_printable(t), t.dtype._name, spec, **_metadata(t))



@register("zero_")
def zero_(self) -> Tensor:
    node = self._node
    if node.requires_grad and _grad_mode._State.enabled or not (self._base is None or self._view is DETACHED):
        return inplace(self, filled(self, 0, ZERO), "zero_")  # ZeroBackward0, and PyTorch's in-place errors
    # `w.grad.zero_()`, `w.grad.data.zero_()`: no grad to record and no view to check, so the write is a
    # pending zeros node built without shape inference (not a ZERO op reading the tensor and a scalar)
    self._write(engine.apply(FULL, (), (("shape", node.shape), ("value", 0), ("dtype", node.dtype)), False,
                             (node.shape, node.dtype)))
    return self


@register("fill_")
def fill_(self, value) -> Tensor:
    from ._misc import FILL_INPLACE, filled
    if isinstance(value, Tensor):
        return copy_(self, value.expand(*self.shape))
    return inplace(self, filled(self, value, FILL_INPLACE), "fill_")


@register("copy_", function=False)
def copy_(self, src, non_blocking: bool = False) -> Tensor:
    """Copies ``src`` (broadcast, cast to ``self``'s dtype) into ``self``; differentiable w.r.t. ``src``."""
    src = src if isinstance(src, Tensor) else as_tensor(src)
    return inplace(self, call(_COPY, (cast(src.expand(*self.shape), self._node.dtype),)), "copy_")
