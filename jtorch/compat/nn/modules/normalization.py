"""BatchNorm, InstanceNorm, LayerNorm, GroupNorm, RMSNorm, LocalResponseNorm over the core specs.

BatchNorm in training mode writes the running statistics the core returns back into its buffers
(``momentum``, ``momentum=None`` for a cumulative average, ``track_running_stats=False``: no buffers).
"""
from __future__ import annotations

import jtorch.nn as _core

from ._layer import CoreLayer

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "GroupNorm", "InstanceNorm1d", "InstanceNorm2d",
           "InstanceNorm3d", "LayerNorm", "LocalResponseNorm", "RMSNorm"]


class _NormBase(CoreLayer):
    _grad_name = "NativeBatchNormBackward0"
    _optional = ("weight", "bias")
    _optional_buffers = ("running_mean", "running_var", "num_batches_tracked")

    def extra_repr(self) -> str:
        return ("{num_features}, eps={eps}, momentum={momentum}, affine={affine}, "
                "bias={use_bias}, track_running_stats={track_running_stats}".format(
                    **self.__dict__, use_bias=self.bias is not None))

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()


class _InstanceNorm(_NormBase):
    _grad_name = "NativeBatchNormBackward0"


def _make(base, name, doc):
    return type(name, (base,), {"_core": getattr(_core, name), "__module__": __name__, "__doc__": doc})


BatchNorm1d = _make(_NormBase, "BatchNorm1d", "Batch normalization over ``(N, C)`` or ``(N, C, L)``.")
BatchNorm2d = _make(_NormBase, "BatchNorm2d", "Batch normalization over ``(N, C, H, W)``.")
BatchNorm3d = _make(_NormBase, "BatchNorm3d", "Batch normalization over ``(N, C, D, H, W)``.")
InstanceNorm1d = _make(_InstanceNorm, "InstanceNorm1d", "Instance normalization over ``(N, C, L)``.")
InstanceNorm2d = _make(_InstanceNorm, "InstanceNorm2d", "Instance normalization over ``(N, C, H, W)``.")
InstanceNorm3d = _make(_InstanceNorm, "InstanceNorm3d", "Instance normalization over ``(N, C, D, H, W)``.")


class LayerNorm(CoreLayer):
    """Normalization over the trailing ``normalized_shape`` dims (elementwise affine)."""
    _core = _core.LayerNorm
    _grad_name = "NativeLayerNormBackward0"
    _optional = ("weight", "bias")

    def extra_repr(self) -> str:
        return ("{normalized_shape}, eps={eps}, elementwise_affine={elementwise_affine}, "
                "bias={use_bias}".format(**self.__dict__, use_bias=self.bias is not None))


class GroupNorm(CoreLayer):
    """Normalization over groups of channels."""
    _core = _core.GroupNorm
    _grad_name = "NativeGroupNormBackward0"
    _optional = ("weight", "bias")

    def extra_repr(self) -> str:
        return ("{num_groups}, {num_channels}, eps={eps}, affine={affine}, "
                "bias={use_bias}".format(**self.__dict__, use_bias=self.bias is not None))


class RMSNorm(CoreLayer):
    """Root-mean-square normalization over the trailing ``normalized_shape`` dims."""
    _core = _core.RMSNorm
    _optional = ("weight",)

    def extra_repr(self) -> str:
        return "{normalized_shape}, eps={eps}, elementwise_affine={elementwise_affine}".format(**self.__dict__)


class LocalResponseNorm(CoreLayer):
    """Normalization across ``size`` neighbouring channels."""
    _core = _core.LocalResponseNorm

    def extra_repr(self) -> str:
        return "{size}, alpha={alpha}, beta={beta}, k={k}".format(**self.__dict__)
