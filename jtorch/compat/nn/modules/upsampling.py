"""Upsample, UpsamplingNearest2d, UpsamplingBilinear2d over the core specs."""
from __future__ import annotations

import jtorch.nn as _core

from ..functional import resample_name
from ._layer import CoreLayer

__all__ = ["Upsample", "UpsamplingBilinear2d", "UpsamplingNearest2d"]


class Upsample(CoreLayer):
    """size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None."""
    _core = _core.Upsample
    _grad_name = staticmethod(lambda arguments: resample_name(arguments["spec"].mode, arguments["inputs"][0].dim() - 2))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.name = type(self).__name__

    def extra_repr(self) -> str:
        info = "scale_factor=" + repr(self.scale_factor) if self.scale_factor is not None \
            else "size=" + repr(self.size)
        return info + ", mode=" + repr(self.mode)


class UpsamplingNearest2d(Upsample):
    """``Upsample(size, scale_factor, mode='nearest')``."""
    _core = _core.UpsamplingNearest2d


class UpsamplingBilinear2d(Upsample):
    """``Upsample(size, scale_factor, mode='bilinear', align_corners=True)``."""
    _core = _core.UpsamplingBilinear2d
