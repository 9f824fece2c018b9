"""``torchvision.transforms.functional``: each op once, dispatched on the input type to its PIL side
(``_functional_pil``) or its tensor side (``_functional_tensor``), with torchvision's argument checks."""
from __future__ import annotations

import math
import numbers
import sys
import warnings
from enum import Enum

import numpy as np
from PIL import Image

from ... import _dtype, from_numpy
from ..._tensor import Tensor
from . import _functional_pil as F_pil
from . import _functional_tensor as F_t
from ._functional_tensor import convert_image_dtype, erase  # noqa: F401  (tensor-only ops)

__all__ = ["InterpolationMode", "adjust_brightness", "adjust_contrast", "adjust_hue", "adjust_saturation",
           "affine", "center_crop", "convert_image_dtype", "crop", "erase", "gaussian_blur", "get_dimensions",
           "get_image_num_channels", "get_image_size", "hflip", "normalize", "pad", "pil_to_tensor",
           "resize", "resized_crop", "rgb_to_grayscale", "rotate", "to_grayscale", "to_pil_image", "to_tensor",
           "vflip"]


class InterpolationMode(Enum):
    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"  # PIL only
    HAMMING = "hamming"
    LANCZOS = "lanczos"


pil_modes_mapping = {InterpolationMode.NEAREST: 0, InterpolationMode.NEAREST_EXACT: 0,
                     InterpolationMode.BILINEAR: 2, InterpolationMode.BICUBIC: 3, InterpolationMode.BOX: 4,
                     InterpolationMode.HAMMING: 5, InterpolationMode.LANCZOS: 1}
_FROM_INT = {0: InterpolationMode.NEAREST, 2: InterpolationMode.BILINEAR, 3: InterpolationMode.BICUBIC,
             4: InterpolationMode.BOX, 5: InterpolationMode.HAMMING, 1: InterpolationMode.LANCZOS}
_I16 = "I;16" if sys.byteorder == "little" else "I;16B"
_MODE_TO_NPTYPE = {"I": np.int32, _I16: np.int16, "F": np.float32}


def _interpolation(interpolation) -> InterpolationMode:
    if isinstance(interpolation, int):
        return _FROM_INT[interpolation]
    if not isinstance(interpolation, InterpolationMode):
        raise TypeError("Argument interpolation should be a InterpolationMode or a corresponding Pillow integer "
                        "constant")
    return interpolation


def _side(img):
    """The implementation module for ``img``: tensor or PIL."""
    return F_t if isinstance(img, Tensor) else F_pil


def get_dimensions(img) -> list[int]:
    return _side(img).get_dimensions(img)


def get_image_size(img) -> list[int]:
    _, h, w = get_dimensions(img)
    return [w, h]


def get_image_num_channels(img) -> int:
    return get_dimensions(img)[0]


def _float_image(array: np.ndarray) -> Tensor:
    """CHW ndarray -> Tensor; uint8 is scaled to the default float dtype in [0, 1], other dtypes kept."""
    if array.dtype == np.uint8:
        ftype = np.dtype(_dtype.to_jax(_dtype.get_default_dtype()))
        return from_numpy(array.astype(ftype) / ftype.type(255))
    return from_numpy(np.ascontiguousarray(array))


def to_tensor(pic) -> Tensor:
    """PIL image or HWC ndarray -> CHW Tensor; only uint8 input is scaled to float in [0, 1]."""
    if not (F_pil.is_pil_image(pic) or isinstance(pic, np.ndarray)):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if isinstance(pic, np.ndarray):
        if pic.ndim not in {2, 3}:
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        return _float_image((pic[:, :, None] if pic.ndim == 2 else pic).transpose((2, 0, 1)))
    return _float_image(_pil_array(pic))


def _pil_array(pic) -> np.ndarray:
    img = np.array(pic, _MODE_TO_NPTYPE.get(pic.mode, np.uint8), copy=True)
    if pic.mode == "1":
        img = 255 * img
    return img.reshape(pic.size[1], pic.size[0], F_pil.get_dimensions(pic)[0]).transpose((2, 0, 1))


def pil_to_tensor(pic) -> Tensor:
    """PIL image -> CHW Tensor of the image's own dtype (no scaling)."""
    if not F_pil.is_pil_image(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    return from_numpy(np.ascontiguousarray(_pil_array(pic)))


def _channel_mode(npimg: np.ndarray, mode):
    channels = npimg.shape[2]
    if channels == 1:
        expected = {np.dtype(np.uint8): "L", np.dtype(np.int16): _I16, np.dtype(np.int32): "I",
                    np.dtype(np.float32): "F"}.get(npimg.dtype)
        if mode is not None and mode != expected:
            raise ValueError(f"Incorrect mode ({mode}) supplied for input type {np.dtype}. Should be {expected}")
        return expected
    permitted = {2: ["LA"], 4: ["RGBA", "CMYK", "RGBX"]}.get(channels, ["RGB", "YCbCr", "HSV"])
    if mode is not None and mode not in permitted:
        raise ValueError(f"Only modes {permitted} are supported for {channels}D inputs")
    if mode is None and npimg.dtype == np.uint8:
        return permitted[0]
    return mode


def to_pil_image(pic, mode=None) -> Image.Image:
    """CHW Tensor or HWC ndarray -> PIL image; floats (unless ``mode='F'``) become ``uint8(x * 255)``."""
    if isinstance(pic, Tensor):
        if pic.ndim == 3:
            pic = pic.permute((1, 2, 0))
        pic = pic.detach().cpu().numpy()
    elif not isinstance(pic, np.ndarray):
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if pic.ndim == 2:
        pic = np.expand_dims(pic, 2)
    if pic.ndim != 3:
        raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
    if pic.shape[-1] > 4:
        raise ValueError(f"pic should not have > 4 channels. Got {pic.shape[-1]} channels.")
    npimg = pic
    if np.issubdtype(npimg.dtype, np.floating) and mode != "F":
        with np.errstate(invalid="ignore"):
            npimg = (npimg * 255).astype(np.uint8)
    mode = _channel_mode(npimg, mode)
    if npimg.shape[2] == 1:
        npimg = npimg[:, :, 0]
    if mode is None:
        raise TypeError(f"Input type {npimg.dtype} is not supported")
    return Image.fromarray(npimg, mode=mode)


def normalize(tensor: Tensor, mean, std, inplace: bool = False) -> Tensor:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    return F_t.normalize(tensor, mean=mean, std=std, inplace=inplace)


def _resized_output_size(image_size: tuple[int, int], size: list[int], max_size=None) -> list[int]:
    h, w = image_size
    if len(size) == 2:
        return [size[0], size[1]]
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = size[0], int(size[0] * long / short)
    if max_size is not None:
        if max_size <= size[0]:
            raise ValueError(f"max_size = {max_size} must be strictly greater than the requested size for the "
                             f"smaller edge size = {size}")
        if new_long > max_size:
            new_short, new_long = int(max_size * new_short / new_long), max_size
    new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    return [new_h, new_w]


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """``size`` ``(h, w)``, or an int: the shorter side (aspect kept). PIL always antialiases."""
    interpolation = _interpolation(interpolation)
    if isinstance(size, (list, tuple)):
        if len(size) not in [1, 2]:
            raise ValueError(f"Size must be an int or a 1 or 2 element tuple/list, not a {len(size)} element "
                             f"tuple/list")
        if max_size is not None and len(size) != 1:
            raise ValueError("max_size should only be passed if size specifies the length of the smaller edge, "
                             "i.e. size should be an int or a sequence of length 1 in torchscript mode.")
    _, image_height, image_width = get_dimensions(img)
    output_size = _resized_output_size((image_height, image_width), [size] if isinstance(size, int) else size,
                                       max_size)
    if [image_height, image_width] == output_size:
        return img
    if not isinstance(img, Tensor):
        if antialias is False:
            warnings.warn("Anti-alias option is always applied for PIL Image input. Argument antialias is ignored.",
                          stacklevel=2)
        return F_pil.resize(img, size=output_size, interpolation=pil_modes_mapping[interpolation])
    return F_t.resize(img, size=output_size, interpolation=interpolation.value, antialias=antialias)


def pad(img, padding, fill=0, padding_mode: str = "constant"):
    return _side(img).pad(img, padding=padding, fill=fill, padding_mode=padding_mode)


def crop(img, top: int, left: int, height: int, width: int):
    return _side(img).crop(img, top, left, height, width)


def center_crop(img, output_size):
    if isinstance(output_size, numbers.Number):
        output_size = (int(output_size), int(output_size))
    elif isinstance(output_size, (tuple, list)) and len(output_size) == 1:
        output_size = (output_size[0], output_size[0])
    _, image_height, image_width = get_dimensions(img)
    crop_height, crop_width = output_size
    if crop_width > image_width or crop_height > image_height:
        padding_ltrb = [(crop_width - image_width) // 2 if crop_width > image_width else 0,
                        (crop_height - image_height) // 2 if crop_height > image_height else 0,
                        (crop_width - image_width + 1) // 2 if crop_width > image_width else 0,
                        (crop_height - image_height + 1) // 2 if crop_height > image_height else 0]
        img = pad(img, padding_ltrb, fill=0)
        _, image_height, image_width = get_dimensions(img)
        if crop_width == image_width and crop_height == image_height:
            return img
    crop_top = int(round((image_height - crop_height) / 2.0))
    crop_left = int(round((image_width - crop_width) / 2.0))
    return crop(img, crop_top, crop_left, crop_height, crop_width)


def resized_crop(img, top: int, left: int, height: int, width: int, size,
                 interpolation=InterpolationMode.BILINEAR, antialias=True):
    img = crop(img, top, left, height, width)
    return resize(img, size, interpolation, antialias=antialias)


def hflip(img):
    return img.flip(-1) if isinstance(img, Tensor) else F_pil.hflip(img)


def vflip(img):
    return img.flip(-2) if isinstance(img, Tensor) else F_pil.vflip(img)


def _get_inverse_affine_matrix(center, angle: float, translate, scale: float, shear) -> list[float]:
    """The inverse of ``T * C * RotateScaleShear * C^-1`` (output pixel -> input pixel), as torchvision."""
    rot = math.radians(angle)
    sx, sy = math.radians(shear[0]), math.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    matrix = [x / scale for x in [d, -b, 0.0, -c, a, 0.0]]
    matrix[2] += matrix[0] * (-cx - tx) + matrix[1] * (-cy - ty)
    matrix[5] += matrix[3] * (-cx - tx) + matrix[4] * (-cy - ty)
    matrix[2] += cx
    matrix[5] += cy
    return matrix


def _tensor_center(img, center) -> list[float]:
    """Tensor warps use coordinates centred on the image."""
    if center is None:
        return [0.0, 0.0]
    _, height, width = get_dimensions(img)
    return [1.0 * (c - s * 0.5) for c, s in zip(center, [width, height])]


def rotate(img, angle: float, interpolation=InterpolationMode.NEAREST, expand: bool = False, center=None,
           fill=None):
    interpolation = _interpolation(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError("Argument center should be a sequence")
    if not isinstance(img, Tensor):
        return F_pil.rotate(img, angle=angle, interpolation=pil_modes_mapping[interpolation], expand=expand,
                            center=center, fill=fill)
    matrix = _get_inverse_affine_matrix(_tensor_center(img, center), -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    return F_t.rotate(img, matrix=matrix, interpolation=interpolation.value, expand=expand, fill=fill)


def affine(img, angle: float, translate, scale: float, shear, interpolation=InterpolationMode.NEAREST, fill=None,
           center=None):
    interpolation = _interpolation(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if not isinstance(translate, (list, tuple)):
        raise TypeError("Argument translate should be a sequence")
    if len(translate) != 2:
        raise ValueError("Argument translate should be a sequence of length 2")
    if scale <= 0.0:
        raise ValueError("Argument scale should be positive")
    if not isinstance(shear, (numbers.Number, list, tuple)):
        raise TypeError("Shear should be either a single value or a sequence of two values")
    shear = [shear, 0.0] if isinstance(shear, numbers.Number) else list(shear)
    if len(shear) == 1:
        shear = [shear[0], shear[0]]
    if len(shear) != 2:
        raise ValueError(f"Shear should be a sequence containing two values. Got {shear}")
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError("Argument center should be a sequence")
    angle = float(angle)
    _, height, width = get_dimensions(img)
    if not isinstance(img, Tensor):
        # torchvision: the centre without the 0.5 offset matches the tensor path and torch.rot90
        pil_center = [width * 0.5, height * 0.5] if center is None else center
        matrix = _get_inverse_affine_matrix(pil_center, angle, list(translate), scale, shear)
        return F_pil.affine(img, matrix=matrix, interpolation=pil_modes_mapping[interpolation], fill=fill)
    matrix = _get_inverse_affine_matrix(_tensor_center(img, center), angle, [1.0 * t for t in translate], scale,
                                        shear)
    return F_t.affine(img, matrix=matrix, interpolation=interpolation.value, fill=fill)


def to_grayscale(img, num_output_channels: int = 1):
    if isinstance(img, Image.Image):
        return F_pil.to_grayscale(img, num_output_channels)
    raise TypeError("Input should be PIL Image")


def rgb_to_grayscale(img, num_output_channels: int = 1):
    if not isinstance(img, Tensor):
        return F_pil.to_grayscale(img, num_output_channels)
    return F_t.rgb_to_grayscale(img, num_output_channels)


def adjust_brightness(img, brightness_factor: float):
    return _side(img).adjust_brightness(img, brightness_factor)


def adjust_contrast(img, contrast_factor: float):
    return _side(img).adjust_contrast(img, contrast_factor)


def adjust_saturation(img, saturation_factor: float):
    return _side(img).adjust_saturation(img, saturation_factor)


def adjust_hue(img, hue_factor: float):
    return _side(img).adjust_hue(img, hue_factor)


def gaussian_blur(img, kernel_size, sigma=None):
    """Blurs with a separable Gaussian kernel, reflect padding; PIL images go through the tensor path."""
    if not isinstance(kernel_size, (int, list, tuple)):
        raise TypeError(f"kernel_size should be int or a sequence of integers. Got {type(kernel_size)}")
    if isinstance(kernel_size, int):
        kernel_size = [kernel_size, kernel_size]
    if len(kernel_size) != 2:
        raise ValueError(f"If kernel_size is a sequence its length should be 2. Got {len(kernel_size)}")
    for ksize in kernel_size:
        if ksize % 2 == 0 or ksize < 0:
            raise ValueError(f"kernel_size should have odd and positive integers. Got {kernel_size}")
    if sigma is None:
        sigma = [ksize * 0.15 + 0.35 for ksize in kernel_size]
    if not isinstance(sigma, (int, float, list, tuple)):
        raise TypeError(f"sigma should be either float or sequence of floats. Got {type(sigma)}")
    if isinstance(sigma, (int, float)):
        sigma = [float(sigma), float(sigma)]
    if len(sigma) == 1:
        sigma = [sigma[0], sigma[0]]
    if len(sigma) != 2:
        raise ValueError(f"If sigma is a sequence, its length should be 2. Got {len(sigma)}")
    for s in sigma:
        if s <= 0.0:
            raise ValueError(f"sigma should have positive values. Got {sigma}")
    if isinstance(img, Tensor):
        return F_t.gaussian_blur(img, kernel_size, sigma)
    if not F_pil.is_pil_image(img):
        raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")
    return to_pil_image(F_t.gaussian_blur(pil_to_tensor(img), kernel_size, sigma), mode=img.mode)

