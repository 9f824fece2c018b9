"""Non-linear activations: Modules over the core activation specs, with PyTorch's ``extra_repr``."""
from __future__ import annotations

import jtorch.nn as _core

from ._layer import CoreLayer

__all__ = ["CELU", "ELU", "GELU", "GLU", "Hardshrink", "Hardsigmoid", "Hardswish", "Hardtanh", "LeakyReLU",
           "LogSigmoid", "LogSoftmax", "Mish", "PReLU", "ReLU", "ReLU6", "SELU", "SiLU", "Sigmoid", "Softmax",
           "Softmax2d", "Softmin", "Softplus", "Softshrink", "Softsign", "Tanh", "Tanhshrink", "Threshold"]


def _inplace(self, sep: str = ", ") -> str:
    return sep + "inplace=True" if self.inplace else ""


# name -> (grad_fn name, extra_repr); the extra_repr strings are PyTorch's.
_TABLE = {
    "ReLU": ("ReluBackward0", lambda m: _inplace(m, "")),
    "SELU": ("EluBackward0", lambda m: _inplace(m, "")),
    "SiLU": ("SiluBackward0", lambda m: _inplace(m, "")),
    "Mish": ("MishBackward0", lambda m: _inplace(m, "")),
    "Hardsigmoid": ("HardsigmoidBackward0", lambda m: _inplace(m, "")),
    "Hardswish": ("HardswishBackward0", lambda m: _inplace(m, "")),
    "LeakyReLU": ("LeakyReluBackward0", lambda m: f"negative_slope={m.negative_slope}{_inplace(m)}"),
    "ELU": ("EluBackward0", lambda m: f"alpha={m.alpha}{_inplace(m)}"),
    "CELU": ("CeluBackward0", lambda m: f"alpha={m.alpha}{_inplace(m)}"),
    "Threshold": ("ThresholdBackward0", lambda m: f"threshold={m.threshold}, value={m.value}{_inplace(m)}"),
    "GELU": ("GeluBackward0", lambda m: f"approximate={m.approximate!r}"),
    "GLU": ("GluBackward0", lambda m: f"dim={m.dim}"),
    "Softplus": ("SoftplusBackward0", lambda m: f"beta={m.beta}, threshold={m.threshold}"),
    "Hardshrink": ("HardshrinkBackward0", lambda m: f"{m.lambd}"),
    "Softshrink": ("SoftshrinkBackward0", lambda m: str(m.lambd)),
    "Softmax": ("SoftmaxBackward0", lambda m: f"dim={m.dim}"),
    "LogSoftmax": ("LogSoftmaxBackward0", lambda m: f"dim={m.dim}"),
    "Softmin": ("SoftmaxBackward0", lambda m: f"dim={m.dim}"),
    "Sigmoid": ("SigmoidBackward0", None),
    "Tanh": ("TanhBackward0", None),
    "Softsign": ("DivBackward0", None),
    "LogSigmoid": ("LogSigmoidBackward0", None),
    "Tanhshrink": ("SubBackward0", None),
    "Softmax2d": ("SoftmaxBackward0", None),
}

for _name, (_grad, _repr) in _TABLE.items():
    _ns = {"_core": getattr(_core, _name), "_grad_name": _grad, "__module__": __name__,
           "__doc__": f"PyTorch's ``nn.{_name}`` over :class:`jtorch.nn.{_name}`."}
    if _repr is not None:
        _ns["extra_repr"] = _repr
    globals()[_name] = type(_name, (CoreLayer,), _ns)


class Hardtanh(CoreLayer):
    """``clip(x, min_val, max_val)``; the deprecated ``min_value``/``max_value`` arguments are not kept."""
    _core = _core.Hardtanh
    _grad_name = "HardtanhBackward0"
    _torch_names = {"min_value": "_min_value", "max_value": "_max_value"}

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}{_inplace(self)}"


class ReLU6(Hardtanh):
    """``Hardtanh(0, 6)``, as PyTorch's subclass (same attributes)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return _inplace(self, "")


class PReLU(CoreLayer):
    """``max(0, x) + weight * min(0, x)`` with a learnt ``weight`` of ``num_parameters`` (init 0.25)."""
    _core = _core.PReLU
    _grad_name = "PreluKernelBackward0"
    _torch_names = {"init_value": "init"}

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device=None, dtype=None):
        super().__init__(num_parameters, init, device, dtype)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"
