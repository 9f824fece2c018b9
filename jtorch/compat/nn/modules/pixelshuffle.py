"""PixelShuffle and PixelUnshuffle over the core specs (in PyTorch's ``torch.nn.modules.pixelshuffle``)."""
from __future__ import annotations

import jtorch.nn as _core

from ._layer import CoreLayer

__all__ = ["PixelShuffle", "PixelUnshuffle"]


class PixelShuffle(CoreLayer):
    """``(*, C r^2, H, W) -> (*, C, H r, W r)``."""
    _core = _core.PixelShuffle

    def extra_repr(self) -> str:
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(CoreLayer):
    """``(*, C, H r, W r) -> (*, C r^2, H, W)``."""
    _core = _core.PixelUnshuffle

    def extra_repr(self) -> str:
        return f"downscale_factor={self.downscale_factor}"
