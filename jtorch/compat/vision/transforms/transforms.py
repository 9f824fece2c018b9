"""``torchvision.transforms``' classes: each holds its arguments and calls one op of ``functional``.

Transforms that are ``nn.Module``\\ s in torchvision are facade Modules here too. ``Compose`` of
``ToTensor``/``PILToTensor`` followed by ``Normalize``/``ConvertImageDtype`` can also run on a whole
uint8 batch at once (``_apply_batch``), with the same float32 arithmetic as per image: the datasets'
``DataLoader`` fast path uses it.
"""
from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from ... import _dtype
from ...nn import Module
from . import functional as F
from ._random_transforms import (ColorJitter, GaussianBlur, RandomAffine, RandomCrop, RandomErasing,
                                 RandomGrayscale, RandomHorizontalFlip, RandomResizedCrop, RandomRotation,
                                 RandomVerticalFlip)
from ._setup import setup_size
from .functional import InterpolationMode

__all__ = ["CenterCrop", "ColorJitter", "Compose", "ConvertImageDtype", "GaussianBlur", "Grayscale",
           "InterpolationMode", "Lambda", "Normalize", "PILToTensor", "Pad", "RandomAffine", "RandomCrop",
           "RandomErasing", "RandomGrayscale", "RandomHorizontalFlip", "RandomResizedCrop", "RandomRotation",
           "RandomVerticalFlip", "Resize", "ToPILImage", "ToTensor"]


class Compose:
    """Applies ``transforms`` in order."""

    def __init__(self, transforms) -> None:
        self.transforms = transforms

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self) -> str:
        return self.__class__.__name__ + "(" + "".join(f"\n    {t}" for t in self.transforms) + "\n)"

    def _apply_batch(self, images: np.ndarray) -> np.ndarray | None:
        """The stacked outputs for a uint8 ``(N, H, W, C)`` batch of images, or ``None`` if not exact."""
        if not self.transforms or not hasattr(self.transforms[0], "_apply_batch"):
            return None
        out = self.transforms[0]._apply_batch(images)
        for t in self.transforms[1:]:
            if out is None or not hasattr(t, "_apply_batch_tensor"):
                return None
            out = t._apply_batch_tensor(out)
        return out


class ToTensor:
    """PIL image or HWC ndarray -> CHW float Tensor in [0, 1] (uint8 input is scaled, others kept)."""

    def __call__(self, pic):
        return F.to_tensor(pic)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}()"

    def _apply_batch(self, images: np.ndarray) -> np.ndarray:
        ftype = np.dtype(_dtype.to_jax(_dtype.get_default_dtype()))
        chw = images.transpose(0, 3, 1, 2)
        return np.divide(chw, ftype.type(255), out=np.empty(chw.shape, ftype), dtype=ftype)  # cast in the loop


class PILToTensor:
    """PIL image -> CHW Tensor of the image's dtype, unscaled."""

    def __call__(self, pic):
        return F.pil_to_tensor(pic)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}()"

    def _apply_batch(self, images: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(images.transpose(0, 3, 1, 2))


class ConvertImageDtype(Module):
    """Converts a Tensor image to ``dtype``, rescaling values (``functional.convert_image_dtype``)."""

    def __init__(self, dtype) -> None:
        super().__init__()
        self.dtype = dtype

    def forward(self, image):
        return F.convert_image_dtype(image, self.dtype)


class ToPILImage:
    """CHW Tensor or HWC ndarray -> PIL image of ``mode`` (inferred from channels and dtype if ``None``)."""

    def __init__(self, mode=None) -> None:
        self.mode = mode

    def __call__(self, pic):
        return F.to_pil_image(pic, self.mode)

    def __repr__(self) -> str:
        return self.__class__.__name__ + "(" + (f"mode={self.mode}" if self.mode is not None else "") + ")"


class Normalize(Module):
    """``(x - mean[c]) / std[c]`` per channel of a float Tensor image."""

    def __init__(self, mean, std, inplace: bool = False) -> None:
        super().__init__()
        self.mean = mean
        self.std = std
        self.inplace = inplace

    def forward(self, tensor):
        return F.normalize(tensor, self.mean, self.std, self.inplace)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(mean={self.mean}, std={self.std})"

    def _apply_batch_tensor(self, x: np.ndarray) -> np.ndarray | None:
        """Normalises the batch ``x`` in place (``Compose`` passes its own intermediate)."""
        mean, std = (np.asarray(v, x.dtype) for v in (self.mean, self.std))
        if x.dtype.kind != "f" or (std == 0).any() or mean.ndim > 1 or std.ndim > 1:
            return None
        x -= mean.reshape(-1, 1, 1)
        x /= std.reshape(-1, 1, 1)
        return x


class Resize(Module):
    """Resizes to ``size`` ``(h, w)``, or the shorter side to ``size`` (an int) keeping the aspect ratio."""

    def __init__(self, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True) -> None:
        super().__init__()
        if not isinstance(size, (int, Sequence)):
            raise TypeError(f"Size should be int or sequence. Got {type(size)}")
        if isinstance(size, Sequence) and len(size) not in (1, 2):
            raise ValueError("If size is a sequence, it should have 1 or 2 values")
        self.size = size
        self.max_size = max_size
        self.interpolation = F._interpolation(interpolation)
        self.antialias = antialias

    def forward(self, img):
        return F.resize(img, self.size, self.interpolation, self.max_size, self.antialias)

    def __repr__(self) -> str:
        return (f"{self.__class__.__name__}(size={self.size}, interpolation={self.interpolation.value}, "
                f"max_size={self.max_size}, antialias={self.antialias})")


class CenterCrop(Module):
    """Crops the centre ``size`` ``(h, w)`` (an int: square), padding with zeros if the image is smaller."""

    def __init__(self, size) -> None:
        super().__init__()
        self.size = setup_size(size, error_msg="Please provide only two dimensions (h, w) for size.")

    def forward(self, img):
        return F.center_crop(img, self.size)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(size={self.size})"


class Pad(Module):
    """Pads the borders: ``padding`` int, (left/right, top/bottom) or (left, top, right, bottom)."""

    def __init__(self, padding, fill=0, padding_mode: str = "constant") -> None:
        super().__init__()
        if not isinstance(padding, (numbers.Number, tuple, list)):
            raise TypeError("Got inappropriate padding arg")
        if not isinstance(fill, (numbers.Number, tuple, list)):
            raise TypeError("Got inappropriate fill arg")
        if padding_mode not in ["constant", "edge", "reflect", "symmetric"]:
            raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
        if isinstance(padding, Sequence) and len(padding) not in [1, 2, 4]:
            raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element "
                             f"tuple")
        self.padding = padding
        self.fill = fill
        self.padding_mode = padding_mode

    def forward(self, img):
        return F.pad(img, self.padding, self.fill, self.padding_mode)

    def __repr__(self) -> str:
        return (f"{self.__class__.__name__}(padding={self.padding}, fill={self.fill}, "
                f"padding_mode={self.padding_mode})")


class Lambda:
    """Applies a user function."""

    def __init__(self, lambd) -> None:
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {repr(type(lambd).__name__)}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}()"


class Grayscale(Module):
    """Converts to grayscale with 1 or 3 (equal) output channels."""

    def __init__(self, num_output_channels: int = 1) -> None:
        super().__init__()
        self.num_output_channels = num_output_channels

    def forward(self, img):
        return F.rgb_to_grayscale(img, num_output_channels=self.num_output_channels)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(num_output_channels={self.num_output_channels})"
