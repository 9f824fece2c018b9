"""LayerNorm, GroupNorm, RMSNorm, LocalResponseNorm over the core specs (BatchNorm and InstanceNorm live in
``batchnorm.py`` and ``instancenorm.py``, as in PyTorch)."""
from __future__ import annotations

import jtorch.nn as _core

from ._layer import CoreLayer

__all__ = ["GroupNorm", "LayerNorm", "LocalResponseNorm", "RMSNorm"]


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
