"""``torchvision.utils``: ``make_grid`` and ``save_image``."""
from __future__ import annotations

import math

from PIL import Image

from .. import _dtype, cat, stack
from .._tensor import Tensor
from ..nn import functional as F

__all__ = ["make_grid", "save_image"]


def _normalize(tensor: Tensor, value_range, scale_each: bool) -> Tensor:
    """Clamps to ``value_range`` (default: the min/max of the batch, or of each image) and maps it to [0, 1]."""
    tensor = tensor.clone()
    if value_range is not None and not isinstance(value_range, tuple):
        raise TypeError("value_range has to be a tuple (min, max) if specified. min and max are numbers")

    def norm_ip(img, low, high):
        img.clamp_(min=low, max=high)
        img.sub_(low).div_(max(high - low, 1e-5))

    for t in (tensor if scale_each else [tensor]):
        norm_ip(t, *(value_range if value_range is not None else (float(t.min()), float(t.max()))))
    return tensor


def make_grid(tensor, nrow: int = 8, padding: int = 2, normalize: bool = False, value_range=None,
              scale_each: bool = False, pad_value: float = 0.0) -> Tensor:
    """Tiles a ``(B, C, H, W)`` batch (or list of images) into one ``(3 or C, H', W')`` image, ``nrow``
    tiles per row, ``padding`` pixels of ``pad_value`` around each; 1-channel batches become RGB."""
    if not isinstance(tensor, Tensor):
        if not isinstance(tensor, list):
            raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
        for t in tensor:
            if not isinstance(t, Tensor):
                raise TypeError(f"tensor or list of tensors expected, got a list containing {type(t)}")
        tensor = stack(tensor, dim=0)
    if tensor.dim() == 2:
        tensor = tensor.unsqueeze(0)
    if tensor.dim() == 3:
        if tensor.size(0) == 1:
            tensor = cat((tensor, tensor, tensor), 0)
        tensor = tensor.unsqueeze(0)
    if tensor.dim() == 4 and tensor.size(1) == 1:
        tensor = cat((tensor, tensor, tensor), 1)
    if normalize is True:
        tensor = _normalize(tensor, value_range, scale_each)
    if tensor.size(0) == 1:
        return tensor.squeeze(0)
    nmaps, channels, h, w = tensor.shape
    xmaps = min(nrow, nmaps)
    ymaps = int(math.ceil(float(nmaps) / xmaps))
    # One padded tile per grid cell (top/left border each), laid out by a reshape, then the far border.
    tiles = F.pad(tensor, (padding, 0, padding, 0, 0, 0, 0, ymaps * xmaps - nmaps), value=pad_value)
    grid = tiles.reshape(ymaps, xmaps, channels, h + padding, w + padding).permute(2, 0, 3, 1, 4)
    grid = grid.reshape(channels, ymaps * (h + padding), xmaps * (w + padding))
    return F.pad(grid, (0, padding, 0, padding), value=pad_value)


def save_image(tensor, fp, format: str | None = None, **kwargs) -> None:
    """Saves ``make_grid(tensor, **kwargs)`` (values in [0, 1]) as an 8-bit image file."""
    grid = make_grid(tensor, **kwargs)
    ndarr = grid.mul(255).add_(0.5).clamp_(0, 255).permute(1, 2, 0).to("cpu", _dtype.uint8).numpy()
    Image.fromarray(ndarr).save(fp, format=format)
