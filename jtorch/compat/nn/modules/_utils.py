"""Small helpers shared by the modules: PyTorch's ``typename`` and ``Module.to``'s argument parsing."""
from __future__ import annotations

from typing import Any

from ... import _dtype
from ..._tensor import Tensor

__all__ = ["cast_tensor", "parse_to", "typename"]


def typename(obj: Any) -> str:
    """``torch.typename``: ``'torch.FloatTensor'`` for a Tensor, the qualified class name otherwise."""
    if isinstance(obj, Tensor):
        return obj.type()
    cls = type(obj)
    module = cls.__module__
    return cls.__qualname__ if module in ("", "builtins") else f"{module}.{cls.__qualname__}"


def parse_to(args: tuple, kwargs: dict) -> tuple[Any, Any]:
    """``(device, dtype)`` of ``Module.to(device=None, dtype=None, non_blocking=False)`` / ``to(dtype)`` /
    ``to(tensor)``."""
    device, dtype = kwargs.get("device"), kwargs.get("dtype")
    for a in args:
        if isinstance(a, Tensor):
            device, dtype = a.device, a.dtype
        elif isinstance(a, _dtype.dtype):
            dtype = a
        elif isinstance(a, (str, int)) or type(a).__name__ == "device":
            device = a
    if dtype is not None and not (dtype.is_floating_point or dtype.is_complex):
        raise TypeError(f"nn.Module.to only accepts floating point or complex dtypes, but got desired "
                        f"dtype={dtype}")
    return device, dtype


def cast_tensor(t: Tensor, args: tuple, kwargs: dict) -> Tensor:
    """One parameter or buffer under ``Module.to``: device always, dtype only for floating tensors."""
    device, dtype = parse_to(args, kwargs)
    if device is not None:
        t = t.to(device)
    if dtype is not None and (t.dtype.is_floating_point or t.dtype.is_complex):
        t = t.to(dtype)
    return t
