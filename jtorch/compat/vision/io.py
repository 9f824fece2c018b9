"""``torchvision.io``: ``read_image`` / ``decode_image`` (decoded with Pillow) and ``ImageReadMode``."""
from __future__ import annotations

import io as _io
from enum import Enum

import numpy as np
from PIL import Image

from .. import from_numpy
from .._tensor import Tensor

__all__ = ["ImageReadMode", "decode_image", "read_file", "read_image"]


class ImageReadMode(Enum):
    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4


_PIL_MODES = {ImageReadMode.GRAY: "L", ImageReadMode.GRAY_ALPHA: "LA", ImageReadMode.RGB: "RGB",
              ImageReadMode.RGB_ALPHA: "RGBA"}
_STRINGS = {"UNCHANGED": ImageReadMode.UNCHANGED, "GRAY": ImageReadMode.GRAY, "GRAY_ALPHA": ImageReadMode.GRAY_ALPHA,
            "RGB": ImageReadMode.RGB, "RGBA": ImageReadMode.RGB_ALPHA, "RGB_ALPHA": ImageReadMode.RGB_ALPHA}


def read_file(path: str) -> Tensor:
    """The file's bytes as a 1-d uint8 Tensor."""
    with open(path, "rb") as f:
        return from_numpy(np.frombuffer(f.read(), np.uint8).copy())


def _decode(image: Image.Image, mode) -> Tensor:
    mode = _STRINGS[mode.upper()] if isinstance(mode, str) else mode
    if mode == ImageReadMode.UNCHANGED:
        # palette images decode to their colours, as torchvision's decoders do
        target = {"P": "RGBA" if "transparency" in image.info else "RGB", "1": "L"}.get(image.mode, image.mode)
    else:
        target = _PIL_MODES[mode]
    array = np.asarray(image.convert(target) if target != image.mode else image)
    array = array[:, :, None] if array.ndim == 2 else array
    return from_numpy(np.ascontiguousarray(array.transpose(2, 0, 1)))


def decode_image(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation: bool = False) -> Tensor:
    """Decodes encoded bytes (a uint8 Tensor) or a file path into a ``(C, H, W)`` uint8 Tensor."""
    if isinstance(input, str):
        return read_image(input, mode, apply_exif_orientation)
    with Image.open(_io.BytesIO(input.numpy().tobytes())) as image:
        return _decode(_orient(image, apply_exif_orientation), mode)


def read_image(path: str, mode=ImageReadMode.UNCHANGED, apply_exif_orientation: bool = False) -> Tensor:
    """Reads a JPEG/PNG/GIF/WebP/... file into a ``(C, H, W)`` uint8 Tensor."""
    with Image.open(path) as image:
        return _decode(_orient(image, apply_exif_orientation), mode)


def _orient(image: Image.Image, apply: bool) -> Image.Image:
    if not apply:
        return image
    from PIL import ImageOps
    return ImageOps.exif_transpose(image)
