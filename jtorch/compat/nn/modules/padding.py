"""Constant, zero, reflection, replication and circular padding (1-3 d) over the core specs."""
from __future__ import annotations

import jtorch.nn as _core

from ._layer import CoreLayer

__all__ = [f"{kind}Pad{n}d" for kind in ("Circular", "Constant", "Reflection", "Replication", "Zero")
           for n in (1, 2, 3)]


class _PadNd(CoreLayer):
    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(CoreLayer):
    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


def _grad_name(name: str) -> str:
    """PyTorch's: one kernel per reflection / replication rank, constant_pad_nd, and copies for circular."""
    kind, n = name[:-5], name[-2]
    if kind in ("Reflection", "Replication"):
        return f"{kind}Pad{n}DBackward0"
    return "torch::autograd::CopySlices" if kind == "Circular" else "ConstantPadNdBackward0"


for _name in __all__:
    globals()[_name] = type(_name, (_ConstantPadNd if _name.startswith("Constant") else _PadNd,),
                            {"_core": getattr(_core, _name), "_grad_name": _grad_name(_name), "__module__": __name__,
                             "__doc__": f"PyTorch's ``nn.{_name}`` over :class:`jtorch.nn.{_name}`."})
