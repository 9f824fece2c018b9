"""InstanceNorm1d/2d/3d over the core specs (in PyTorch's ``torch.nn.modules.instancenorm``)."""
from __future__ import annotations

from .batchnorm import _NormBase, make_norm

__all__ = ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"]


class _InstanceNorm(_NormBase):
    _grad_name = "ViewBackward0"  # PyTorch runs batch norm on a (1, N * C, ...) view and views back


InstanceNorm1d = make_norm(_InstanceNorm, "InstanceNorm1d", __name__, "Instance normalization over ``(N, C, L)``.")
InstanceNorm2d = make_norm(_InstanceNorm, "InstanceNorm2d", __name__, "Instance normalization over ``(N, C, H, W)``.")
InstanceNorm3d = make_norm(_InstanceNorm, "InstanceNorm3d", __name__,
                           "Instance normalization over ``(N, C, D, H, W)``.")
