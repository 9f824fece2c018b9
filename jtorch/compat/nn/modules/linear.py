"""Identity, Linear and Bilinear: Modules over the core specs of ``jtorch.nn``."""
from __future__ import annotations

import jtorch.nn as _core

from ..functional import _bilinear_grad_name, _linear_grad_name, linear_dtypes
from ._layer import CoreLayer

__all__ = ["Bilinear", "Identity", "Linear"]


class Identity(CoreLayer):
    """Returns its input; accepts and ignores any constructor arguments."""
    _core = _core.Identity

    def forward(self, input):
        return input


class Linear(CoreLayer):
    """``y = x W^T + b``. Args: in_features, out_features, bias=True, device=None, dtype=None."""
    _core = _core.Linear
    _grad_name = staticmethod(lambda arguments: _linear_grad_name(arguments["inputs"][0].dim(),
                                                                  "bias" in arguments["params"]))
    _optional = ("bias",)

    def forward(self, input):
        params = self._parameters
        if input._node.dtype != params["weight"]._node.dtype:  # PyTorch promotes nothing
            linear_dtypes(input, params["weight"], params.get("bias"))
        return super().forward(input)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Bilinear(CoreLayer):
    """``y = x1^T A x2 + b``. Args: in1_features, in2_features, out_features, bias=True, device, dtype."""
    _core = _core.Bilinear
    _grad_name = staticmethod(lambda arguments: _bilinear_grad_name("bias" in arguments["params"]))
    _optional = ("bias",)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
