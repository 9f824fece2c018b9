"""The tensor side of ``functional``: each op as torchvision does it on a ``(..., C, H, W)`` Tensor, with
facade ops (lazy, on any device). Rotation and affine warps resample on the host with NumPy (there is no
``grid_sample`` in the core yet), with ``grid_sample``'s rules (``align_corners=False``, zero padding)."""
from __future__ import annotations

import numpy as np

from ... import _dtype, as_tensor, cat, from_numpy, stack, zeros_like
from ...nn import functional as F
from ..._tensor import Tensor

__all__ = ["adjust_brightness", "adjust_contrast", "adjust_hue", "adjust_saturation", "affine",
           "convert_image_dtype", "crop", "erase", "gaussian_blur", "get_dimensions", "normalize", "pad", "resize",
           "rgb_to_grayscale", "rotate"]

_INT_MAX = {_dtype.uint8: 255, _dtype.int8: 127, _dtype.int16: 32767, _dtype.uint16: 65535,
            _dtype.int32: 2 ** 31 - 1, _dtype.int64: 2 ** 63 - 1}


def max_value(dtype) -> float | int:
    return _INT_MAX.get(dtype, 1.0)


def get_dimensions(img: Tensor) -> list[int]:
    channels = 1 if img.ndim == 2 else img.shape[-3]
    return [channels, img.shape[-2], img.shape[-1]]


def _assert_channels(img: Tensor, permitted: list[int]) -> None:
    c = get_dimensions(img)[0]
    if c not in permitted:
        raise TypeError(f"Input image tensor permitted channel values are {permitted}, but found {c}")


def _cast_squeeze_in(img: Tensor, req_dtypes: list):
    need_squeeze = img.ndim < 4
    if need_squeeze:
        img = img.unsqueeze(dim=0)
    out_dtype = img.dtype
    need_cast = out_dtype not in req_dtypes
    if need_cast:
        img = img.to(req_dtypes[0])
    return img, need_cast, need_squeeze, out_dtype


def _cast_squeeze_out(img: Tensor, need_cast: bool, need_squeeze: bool, out_dtype) -> Tensor:
    if need_squeeze:
        img = img.squeeze(dim=0)
    if need_cast:
        if not out_dtype.is_floating_point:  # float -> int needs rounding, not truncation
            img = img.round()
        img = img.to(out_dtype)
    return img


def crop(img: Tensor, top: int, left: int, height: int, width: int) -> Tensor:
    _, h, w = get_dimensions(img)
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        padding_ltrb = [max(-left + min(0, right), 0), max(-top + min(0, bottom), 0), max(right - max(w, left), 0),
                        max(bottom - max(h, top), 0)]
        return pad(img[..., max(top, 0):bottom, max(left, 0):right], padding_ltrb, fill=0)
    return img[..., top:bottom, left:right]


def _symmetric_index(size: int, before: int, after: int) -> Tensor:
    i = np.arange(-before, size + after)
    i = np.where(i < 0, -i - 1, np.where(i >= size, 2 * size - i - 1, i))
    return from_numpy(i.astype(np.int64))


def pad(img: Tensor, padding, fill=0, padding_mode: str = "constant") -> Tensor:
    if not isinstance(padding, (int, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if not isinstance(fill, (int, float)):
        raise TypeError("Got inappropriate fill arg")
    if not isinstance(padding_mode, str):
        raise TypeError("Got inappropriate padding_mode arg")
    if isinstance(padding, (tuple, list)) and len(padding) not in [1, 2, 4]:
        raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")
    if padding_mode not in ["constant", "edge", "reflect", "symmetric"]:
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    p = [padding] * 4 if isinstance(padding, int) else list(padding) * (4 // len(padding))
    left, top, right, bottom = p
    if padding_mode == "symmetric":
        if img.ndim < 3:
            raise ValueError("Symmetric padding of N-D tensors are not supported yet")
        img = img.index_select(-2, _symmetric_index(img.shape[-2], top, bottom))
        return img.index_select(-1, _symmetric_index(img.shape[-1], left, right))
    mode = "replicate" if padding_mode == "edge" else padding_mode
    need_squeeze = img.ndim < 3
    if need_squeeze:
        img = img.unsqueeze(dim=0)
    out_dtype = img.dtype
    need_cast = mode != "constant" and out_dtype not in (_dtype.float32, _dtype.float64)
    if need_cast:
        img = img.to(_dtype.float32)
    img = (F.pad(img, [left, right, top, bottom], mode=mode) if mode != "constant"
           else F.pad(img, [left, right, top, bottom], mode=mode, value=float(fill)))
    if need_squeeze:
        img = img.squeeze(dim=0)
    return img.to(out_dtype) if need_cast else img


def resize(img: Tensor, size: list[int], interpolation: str = "bilinear", antialias: bool | None = True) -> Tensor:
    antialias = bool(antialias) and interpolation in ("bilinear", "bicubic")
    img, need_cast, need_squeeze, out_dtype = _cast_squeeze_in(img, [_dtype.float32, _dtype.float64])
    align_corners = False if interpolation in ("bilinear", "bicubic") else None
    img = F.interpolate(img, size=size, mode=interpolation, align_corners=align_corners, antialias=antialias)
    if interpolation == "bicubic" and out_dtype == _dtype.uint8:
        img = img.clamp(min=0, max=255)
    return _cast_squeeze_out(img, need_cast, need_squeeze, out_dtype)


def normalize(tensor: Tensor, mean, std, inplace: bool = False) -> Tensor:
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError(f"Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = "
                         f"{tensor.size()}")
    if not inplace:
        tensor = tensor.clone()
    mean = as_tensor(mean, dtype=tensor.dtype, device=tensor.device)
    std = as_tensor(std, dtype=tensor.dtype, device=tensor.device)
    if (std == 0).any():
        raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, leading to division by zero.")
    if mean.ndim == 1:
        mean = mean.view(-1, 1, 1)
    if std.ndim == 1:
        std = std.view(-1, 1, 1)
    return tensor.sub_(mean).div_(std)


def rgb_to_grayscale(img: Tensor, num_output_channels: int = 1) -> Tensor:
    if img.ndim < 3:
        raise TypeError(f"Input image tensor should have at least 3 dimensions, but found {img.ndim}")
    _assert_channels(img, [1, 3])
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    if img.shape[-3] == 3:
        r, g, b = img.unbind(dim=-3)
        l_img = (0.2989 * r + 0.587 * g + 0.114 * b).to(img.dtype).unsqueeze(dim=-3)
    else:
        l_img = img.clone()
    return l_img.expand(img.shape) if num_output_channels == 3 else l_img


def _blend(img1: Tensor, img2: Tensor, ratio: float) -> Tensor:
    ratio = float(ratio)
    return (ratio * img1 + (1.0 - ratio) * img2).clamp(0, max_value(img1.dtype)).to(img1.dtype)


def adjust_brightness(img: Tensor, brightness_factor: float) -> Tensor:
    if brightness_factor < 0:
        raise ValueError(f"brightness_factor ({brightness_factor}) is not non-negative.")
    _assert_channels(img, [1, 3])
    return _blend(img, zeros_like(img), brightness_factor)


def adjust_contrast(img: Tensor, contrast_factor: float) -> Tensor:
    if contrast_factor < 0:
        raise ValueError(f"contrast_factor ({contrast_factor}) is not non-negative.")
    _assert_channels(img, [3, 1])
    dtype = img.dtype if img.is_floating_point() else _dtype.float32
    gray = rgb_to_grayscale(img) if get_dimensions(img)[0] == 3 else img
    return _blend(img, gray.to(dtype).mean(dim=(-3, -2, -1), keepdim=True), contrast_factor)


def adjust_saturation(img: Tensor, saturation_factor: float) -> Tensor:
    if saturation_factor < 0:
        raise ValueError(f"saturation_factor ({saturation_factor}) is not non-negative.")
    _assert_channels(img, [1, 3])
    if get_dimensions(img)[0] == 1:
        return img
    return _blend(img, rgb_to_grayscale(img), saturation_factor)


def _rgb2hsv(img: Tensor) -> Tensor:
    r, g, b = img.unbind(dim=-3)
    maxc, minc = img.amax(dim=-3), img.amin(dim=-3)
    eqc = maxc == minc
    cr = maxc - minc
    ones = maxc.new_ones(())
    s = cr / maxc.where(~eqc, ones)
    cr_divisor = cr.where(~eqc, ones)
    rc, gc, bc = (maxc - r) / cr_divisor, (maxc - g) / cr_divisor, (maxc - b) / cr_divisor
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = ((hr + hg + hb) / 6.0 + 1.0).fmod(1.0)
    return stack((h, s, maxc), dim=-3)


def _hsv2rgb(img: Tensor) -> Tensor:
    h, s, v = img.unbind(dim=-3)
    i = (h * 6.0).floor()
    f = h * 6.0 - i
    i = i.to(_dtype.int32) % 6
    p = (v * (1.0 - s)).clamp(0.0, 1.0)
    q = (v * (1.0 - s * f)).clamp(0.0, 1.0)
    t = (v * (1.0 - s * (1.0 - f))).clamp(0.0, 1.0)
    mask = (i.unsqueeze(dim=-3) == from_numpy(np.arange(6).reshape(-1, 1, 1))).to(img.dtype)
    channels = [stack(c, dim=-3) for c in ((v, q, p, p, t, v), (t, v, v, q, p, p), (p, p, t, v, v, q))]
    return stack([(mask * c).sum(dim=-3) for c in channels], dim=-3)


def adjust_hue(img: Tensor, hue_factor: float) -> Tensor:
    if not (-0.5 <= hue_factor <= 0.5):
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    _assert_channels(img, [1, 3])
    if get_dimensions(img)[0] == 1:
        return img
    orig_dtype = img.dtype
    h, s, v = _rgb2hsv(convert_image_dtype(img, _dtype.float32)).unbind(dim=-3)
    img = _hsv2rgb(stack(((h + hue_factor) % 1.0, s, v), dim=-3))
    return convert_image_dtype(img, orig_dtype)


def convert_image_dtype(image: Tensor, dtype=_dtype.float32) -> Tensor:
    if image.dtype == dtype:
        return image
    if image.is_floating_point():
        if dtype.is_floating_point:
            return image.to(dtype)
        if ((image.dtype == _dtype.float32 and dtype in (_dtype.int32, _dtype.int64))
                or (image.dtype == _dtype.float64 and dtype == _dtype.int64)):
            raise RuntimeError(f"The cast from {image.dtype} to {dtype} cannot be performed safely.")
        # 1 - eps keeps 1.0 at the maximum value rather than overflowing it
        return image.mul(float(max_value(dtype)) + 1.0 - 1e-3).to(dtype)
    input_max = float(max_value(image.dtype))
    if dtype.is_floating_point:
        return image.to(dtype) / input_max
    output_max = float(max_value(dtype))
    if input_max > output_max:
        factor = int((input_max + 1) // (output_max + 1))
        return image.div(factor, rounding_mode="floor").to(dtype)
    return image.to(dtype) * int((output_max + 1) // (input_max + 1))


def _gaussian_kernel1d(kernel_size: int, sigma: float) -> np.ndarray:
    half = (kernel_size - 1) * 0.5
    pdf = np.exp(-0.5 * (np.linspace(-half, half, kernel_size) / sigma) ** 2)
    return pdf / pdf.sum()


def gaussian_blur(img: Tensor, kernel_size: list[int], sigma: list[float]) -> Tensor:
    dtype = img.dtype if img.is_floating_point() else _dtype.float32
    kernel = np.outer(_gaussian_kernel1d(kernel_size[1], sigma[1]), _gaussian_kernel1d(kernel_size[0], sigma[0]))
    kernel = as_tensor(kernel, dtype=dtype).expand(img.shape[-3], 1, *kernel.shape)
    img, need_cast, need_squeeze, out_dtype = _cast_squeeze_in(img, [kernel.dtype])
    padding = [kernel_size[0] // 2, kernel_size[0] // 2, kernel_size[1] // 2, kernel_size[1] // 2]
    img = F.conv2d(F.pad(img, padding, mode="reflect"), kernel, groups=img.shape[-3])
    return _cast_squeeze_out(img, need_cast, need_squeeze, out_dtype)


def erase(img: Tensor, i: int, j: int, h: int, w: int, v, inplace: bool = False) -> Tensor:
    if not inplace:
        img = img.clone()
    img[..., i:i + h, j:j + w] = v
    return img


def _affine_output_size(matrix: list[float], w: int, h: int) -> tuple[int, int]:
    pts = np.array([[-0.5 * w, -0.5 * h, 1.0], [-0.5 * w, 0.5 * h, 1.0], [0.5 * w, 0.5 * h, 1.0],
                    [0.5 * w, -0.5 * h, 1.0]], np.float32)
    new_pts = pts @ np.asarray(matrix, np.float32).reshape(2, 3).T
    tol = 1e-4  # keeps 90-degree rotations from growing by a pixel through rounding noise
    cmax = np.ceil(np.trunc(new_pts.max(axis=0) / tol) * tol)
    cmin = np.floor(np.trunc(new_pts.min(axis=0) / tol) * tol)
    size = cmax - cmin
    return int(size[0]), int(size[1])


def _warp(img: Tensor, matrix: list[float], interpolation: str, fill, ow: int, oh: int) -> Tensor:
    """Samples ``img`` at ``matrix @ (x, y, 1)`` of each output pixel (centred coordinates)."""
    if interpolation not in ("nearest", "bilinear"):
        raise ValueError(f"Interpolation mode '{interpolation}' is unsupported with Tensor input")
    x = img.detach().numpy()
    ftype = x.dtype if x.dtype.kind == "f" else np.float32
    h, w = x.shape[-2:]
    xs = np.linspace(-ow * 0.5 + 0.5, ow * 0.5 - 0.5, ow, dtype=ftype)
    ys = np.linspace(-oh * 0.5 + 0.5, oh * 0.5 - 0.5, oh, dtype=ftype)
    theta = np.asarray(matrix, ftype).reshape(2, 3)
    src_x = theta[0, 0] * xs[None, :] + theta[0, 1] * ys[:, None] + theta[0, 2] + (w - 1) * 0.5
    src_y = theta[1, 0] * xs[None, :] + theta[1, 1] * ys[:, None] + theta[1, 2] + (h - 1) * 0.5
    data = np.concatenate([x.astype(ftype), np.ones((*x.shape[:-3], 1, h, w), ftype)], axis=-3)
    if interpolation == "nearest":
        out = _gather(data, np.rint(src_y).astype(np.int64), np.rint(src_x).astype(np.int64))
    else:
        x0, y0 = np.floor(src_x), np.floor(src_y)
        fx, fy = (src_x - x0).astype(ftype), (src_y - y0).astype(ftype)
        x0, y0 = x0.astype(np.int64), y0.astype(np.int64)
        out = sum(_gather(data, y0 + dy, x0 + dx) * (fy if dy else 1 - fy) * (fx if dx else 1 - fx)
                  for dy in (0, 1) for dx in (0, 1))
    out, mask = out[..., :-1, :, :], out[..., -1:, :, :]
    if fill is not None:
        fill_img = np.asarray(fill if isinstance(fill, (list, tuple)) else [fill], ftype).reshape(-1, 1, 1)
        out = np.where(mask < 0.5, fill_img, out) if interpolation == "nearest" else out * mask + (1 - mask) * fill_img
    if x.dtype.kind != "f":
        out = np.round(out)
    return from_numpy(out.astype(x.dtype)).to(img.device)


def _gather(data: np.ndarray, iy: np.ndarray, ix: np.ndarray) -> np.ndarray:
    h, w = data.shape[-2:]
    valid = (iy >= 0) & (iy < h) & (ix >= 0) & (ix < w)
    return np.where(valid, data[..., iy.clip(0, h - 1), ix.clip(0, w - 1)], 0)


def rotate(img: Tensor, matrix: list[float], interpolation: str = "nearest", expand: bool = False,
           fill=None) -> Tensor:
    w, h = img.shape[-1], img.shape[-2]
    ow, oh = _affine_output_size(matrix, w, h) if expand else (w, h)
    return _warp(img, matrix, interpolation, fill, ow, oh)


def affine(img: Tensor, matrix: list[float], interpolation: str = "nearest", fill=None) -> Tensor:
    return _warp(img, matrix, interpolation, fill, img.shape[-1], img.shape[-2])

