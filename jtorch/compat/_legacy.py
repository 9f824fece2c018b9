"""Legacy tensor constructors: ``torch.Tensor(...)``, ``torch.FloatTensor``, ``LongTensor``, ...,
``torch.cuda.FloatTensor``: a size gives an uninitialised tensor (zeros in jtorch), a sequence gives values.
``isinstance(t, torch.FloatTensor)`` checks the dtype, as in PyTorch."""
from __future__ import annotations

import numpy as np

from . import _device, _dtype

__all__ = ["construct", "legacy_classes"]


def construct(dtype: _dtype.dtype, args: tuple, name: str):
    """The tensor ``name(*args)`` makes: ``(2, 3)`` -> uninitialised 2x3; ``([1, 2])`` -> values."""
    from ._ops._convert import from_data
    from ._ops._creation import full_
    from ._tensor import Tensor
    if len(args) == 1 and not isinstance(args[0], (int, np.integer)):
        data = args[0]
        if isinstance(data, Tensor):
            if data.dtype is not dtype:
                raise TypeError(f"expected {_dtype.type_name(dtype)} (got {_dtype.type_name(data.dtype)})")
            return data
        return from_data(data, dtype)
    if not all(isinstance(a, (int, np.integer)) for a in args):
        got = ", ".join(type(a).__name__ for a in args)
        raise TypeError(f"{name}() received an invalid combination of arguments - got ({got})")
    return full_(tuple(int(a) for a in args), 0, _dtype.to_jax(dtype))


class _LegacyMeta(type):
    def __instancecheck__(cls, obj) -> bool:
        from ._tensor import Tensor
        return isinstance(obj, Tensor) and obj.dtype is cls._dtype and not cls._cuda


def _make(d: _dtype.dtype, cuda: bool) -> type:
    name = _dtype.type_name(d, cuda).rpartition(".")[2]

    def __new__(cls, *args, device=None):
        if cuda:
            _device.jax_device(_device.device("cuda"))
        return construct(d, args, name)

    return _LegacyMeta(name, (), {"__new__": __new__, "_dtype": d, "_cuda": cuda, "dtype": d,
                                  "__module__": "torch.cuda" if cuda else "torch"})


_LEGACY = (_dtype.float32, _dtype.float64, _dtype.float16, _dtype.bfloat16, _dtype.int8, _dtype.uint8,
           _dtype.int16, _dtype.int32, _dtype.int64, _dtype.bool_)


def legacy_classes(cuda: bool = False) -> dict[str, type]:
    """``{'FloatTensor': cls, ...}`` for the ``torch`` (or ``torch.cuda``) namespace."""
    return {c.__name__: c for c in (_make(d, cuda) for d in _LEGACY)}
