"""torchvision.transforms on the facade: deterministic ops against PIL/NumPy computed the way torchvision
does (torchvision itself is not installable next to this torch), tensor resize/normalize against real
PyTorch ops, random transforms with fixed parameters and in distribution, reprs and errors."""
import numpy as np
import pytest
import torch as real
from PIL import Image

import jtorch.compat as torch
from jtorch.compat.vision import transforms as T
from jtorch.compat.vision.transforms import functional as F

RNG = np.random.default_rng(0)
PIX = RNG.integers(0, 256, size=(30, 40, 3), dtype=np.uint8)
IMG = Image.fromarray(PIX)
TEN = torch.from_numpy(PIX.transpose(2, 0, 1).astype(np.float32) / 255)

# (name, transform, input, reference result as an ndarray computed with PIL/NumPy)
PIL_CASES = [
    ("to_tensor", T.ToTensor(), IMG, PIX.transpose(2, 0, 1).astype(np.float32) / np.float32(255)),
    ("pil_to_tensor", T.PILToTensor(), IMG, PIX.transpose(2, 0, 1)),
    ("resize_tuple", T.Resize((17, 23)), IMG, np.array(IMG.resize((23, 17), Image.BILINEAR))),
    ("resize_int", T.Resize(20), IMG, np.array(IMG.resize((26, 20), Image.BILINEAR))),
    ("resize_nearest", T.Resize(15, interpolation=T.InterpolationMode.NEAREST), IMG,
     np.array(IMG.resize((20, 15), Image.NEAREST))),
    ("center_crop", T.CenterCrop(10), IMG, PIX[10:20, 15:25]),
    ("center_crop_pad", T.CenterCrop((34, 40)), IMG, np.pad(PIX, ((2, 2), (0, 0), (0, 0)))),
    ("pad_constant", T.Pad((1, 2), fill=7), IMG, np.pad(PIX, ((2, 2), (1, 1), (0, 0)), constant_values=7)),
    ("pad_reflect", T.Pad(3, padding_mode="reflect"), IMG, np.pad(PIX, ((3, 3), (3, 3), (0, 0)), "reflect")),
    ("pad_symmetric", T.Pad((1, 2, 3, 4), padding_mode="symmetric"), IMG,
     np.pad(PIX, ((2, 4), (1, 3), (0, 0)), "symmetric")),
    ("hflip", T.RandomHorizontalFlip(1.0), IMG, PIX[:, ::-1]),
    ("vflip", T.RandomVerticalFlip(1.0), IMG, PIX[::-1]),
    ("no_flip", T.RandomHorizontalFlip(0.0), IMG, PIX),
    ("grayscale", T.Grayscale(), IMG, np.array(IMG.convert("L"))),
    ("grayscale3", T.Grayscale(3), IMG, np.repeat(np.array(IMG.convert("L"))[:, :, None], 3, 2)),
    ("rotate_fixed", T.RandomRotation((30, 30)), IMG, np.array(IMG.rotate(30.0, Image.NEAREST, False, None,
                                                                          fillcolor=(0, 0, 0)))),
    ("compose", T.Compose([T.CenterCrop(10), T.ToTensor()]),
     IMG, PIX[10:20, 15:25].transpose(2, 0, 1).astype(np.float32) / np.float32(255)),
]


@pytest.mark.parametrize("name,transform,inp,want", PIL_CASES, ids=[c[0] for c in PIL_CASES])
def test_against_pil(name, transform, inp, want):
    got = transform(inp)
    got = got.numpy() if isinstance(got, torch.Tensor) else np.array(got)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)


def test_affine_matches_pil_inverse_matrix():
    # torchvision's PIL path: centre (w/2, h/2) and the inverse RSS matrix, given to Image.transform
    got = np.array(F.affine(IMG, angle=20, translate=(3, -2), scale=1.1, shear=(5, 0)))
    cx, cy, rot, sx = 20.0, 15.0, np.radians(20.0), np.radians(5.0)
    a, b = np.cos(rot), -np.cos(rot) * np.tan(sx) - np.sin(rot)
    c, d = np.sin(rot), -np.sin(rot) * np.tan(sx) + np.cos(rot)
    m = [x / 1.1 for x in [d, -b, 0.0, -c, a, 0.0]]
    m[2] += m[0] * (-cx - 3) + m[1] * (-cy + 2) + cx
    m[5] += m[3] * (-cx - 3) + m[4] * (-cy + 2) + cy
    want = np.array(IMG.transform(IMG.size, Image.AFFINE, m, Image.NEAREST, fillcolor=(0, 0, 0)))
    np.testing.assert_array_equal(got, want)


def test_color_ops_match_pil_enhance():
    from PIL import ImageEnhance
    for fn, enh in ((F.adjust_brightness, ImageEnhance.Brightness), (F.adjust_contrast, ImageEnhance.Contrast),
                    (F.adjust_saturation, ImageEnhance.Color)):
        np.testing.assert_array_equal(np.array(fn(IMG, 1.3)), np.array(enh(IMG).enhance(1.3)))
    h, s, v = IMG.convert("HSV").split()
    hue = (np.array(h).astype(np.int64) + int(np.uint8(0.2 * 255))) % 256
    want = Image.merge("HSV", (Image.fromarray(hue.astype(np.uint8)), s, v)).convert("RGB")
    np.testing.assert_array_equal(np.array(F.adjust_hue(IMG, 0.2)), np.array(want))


@pytest.mark.parametrize("size,mode,antialias", [((15, 20), "bilinear", True), ((45, 61), "bilinear", True),
                                                 ((12, 50), "bicubic", False), ((7, 9), "nearest", True)])
def test_tensor_resize_against_torch_interpolate(size, mode, antialias):
    x = PIX.transpose(2, 0, 1).astype(np.float32)
    got = F.resize(torch.from_numpy(x), list(size), T.InterpolationMode(mode), antialias=antialias).numpy()
    aa = antialias and mode in ("bilinear", "bicubic")
    want = real.nn.functional.interpolate(real.from_numpy(x)[None], size=size, mode=mode, antialias=aa,
                                          align_corners=False if mode != "nearest" else None)[0].numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-3)


def test_normalize_against_torch():
    mean, std = (0.25, 0.5, 0.75), (0.5, 0.25, 2.0)
    got = T.Normalize(mean, std)(TEN).numpy()
    want = (real.from_numpy(TEN.numpy()) - real.tensor(mean)[:, None, None]) / real.tensor(std)[:, None, None]
    np.testing.assert_array_equal(got, want.numpy())
    with pytest.raises(RuntimeError):
        T.Normalize((0.5,) * 3, (0.5,) * 3)(TEN[:1])
    with pytest.raises(TypeError, match="Input tensor should be a float tensor. Got torch.uint8."):
        F.normalize(torch.zeros(3, 2, 2, dtype=torch.uint8), (0.5,), (0.5,))
    with pytest.raises(ValueError, match="std evaluated to zero"):
        F.normalize(TEN, (0.5,), (0.0,))


def test_tensor_ops_match_pil_path():
    t8 = torch.from_numpy(PIX.transpose(2, 0, 1).copy())
    for fn in (F.hflip, F.vflip, lambda x: F.center_crop(x, (10, 12)), lambda x: F.crop(x, -2, 5, 20, 50),
               lambda x: F.pad(x, (1, 2, 3, 4), padding_mode="symmetric"),
               lambda x: F.pad(x, 2, padding_mode="edge"), lambda x: F.pad(x, [1, 3], fill=9)):
        np.testing.assert_array_equal(fn(t8).numpy().transpose(1, 2, 0), np.array(fn(IMG)))
    np.testing.assert_array_equal(F.rotate(t8[:, :30, :30], 90).numpy(), np.rot90(PIX[:30, :30], 1).transpose(2, 0, 1))
    assert tuple(F.rotate(t8, 90, expand=True).shape) == (3, 40, 30)


def test_convert_image_dtype_and_grayscale():
    t8 = torch.from_numpy(PIX.transpose(2, 0, 1).copy())
    # 1 ulp: XLA:CPU rewrites division by a broadcast scalar as a multiplication by its reciprocal
    np.testing.assert_allclose(F.convert_image_dtype(t8).numpy(), PIX.transpose(2, 0, 1) / np.float32(255),
                               rtol=2e-7, atol=0)
    back = F.convert_image_dtype(F.convert_image_dtype(t8), torch.uint8).numpy()
    np.testing.assert_array_equal(back, PIX.transpose(2, 0, 1))
    np.testing.assert_array_equal(F.convert_image_dtype(t8, torch.int16).numpy(), PIX.transpose(2, 0, 1).astype(np.int16) * 128)
    with pytest.raises(RuntimeError, match="cannot be performed safely"):
        F.convert_image_dtype(TEN, torch.int64)
    r, g, b = PIX.transpose(2, 0, 1).astype(np.float32)
    want = (np.float32(0.2989) * r + np.float32(0.587) * g + np.float32(0.114) * b).astype(np.uint8)
    np.testing.assert_array_equal(F.rgb_to_grayscale(t8).numpy()[0], want)


def test_to_pil_image_modes():
    gray = RNG.random((1, 9, 7)).astype(np.float32)
    image = T.ToPILImage(mode="L")(torch.from_numpy(gray))
    assert image.mode == "L" and image.size == (7, 9)
    np.testing.assert_array_equal(np.array(image), (gray[0] * 255).astype(np.uint8))
    assert T.ToPILImage()(TEN).mode == "RGB"
    np.testing.assert_array_equal(np.array(T.ToPILImage()(TEN)), PIX)
    assert T.ToPILImage()(torch.zeros(4, 3, 3)).mode == "RGBA"
    with pytest.raises(ValueError, match="pic should not have > 4 channels. Got 5 channels."):
        T.ToPILImage()(torch.zeros(5, 3, 3))
    with pytest.raises(TypeError, match="pic should be Tensor or ndarray"):
        F.to_pil_image([1])


def test_gaussian_blur_matches_numpy():
    x = PIX.transpose(2, 0, 1).astype(np.float32) / 255
    got = F.gaussian_blur(torch.from_numpy(x), [5, 3], [1.0, 0.7]).numpy()
    k = [np.exp(-0.5 * (np.linspace(-(n - 1) / 2, (n - 1) / 2, n) / s) ** 2) for n, s in ((5, 1.0), (3, 0.7))]
    k = np.outer(k[1] / k[1].sum(), k[0] / k[0].sum())
    p = np.pad(x, ((0, 0), (1, 1), (2, 2)), "reflect")
    want = sum(k[i, j] * p[:, i:i + 30, j:j + 40] for i in range(3) for j in range(5))
    np.testing.assert_allclose(got, want, atol=1e-6)
    assert F.gaussian_blur(IMG, 3).size == IMG.size


REPRS = [
    (T.Compose([T.ToTensor(), T.Normalize(mean=[0.5], std=[0.5])]),
     "Compose(\n    ToTensor()\n    Normalize(mean=[0.5], std=[0.5])\n)"),
    (T.Resize((300, 300)), "Resize(size=(300, 300), interpolation=bilinear, max_size=None, antialias=True)"),
    (T.CenterCrop(10), "CenterCrop(size=(10, 10))"),
    (T.RandomCrop(32, padding=4), "RandomCrop(size=(32, 32), padding=4)"),
    (T.RandomHorizontalFlip(), "RandomHorizontalFlip(p=0.5)"),
    (T.RandomResizedCrop(224), "RandomResizedCrop(size=(224, 224), scale=(0.08, 1.0), ratio=(0.75, 1.3333), "
                               "interpolation=bilinear, antialias=True)"),
    (T.RandomRotation(45), "RandomRotation(degrees=[-45.0, 45.0], interpolation=nearest, expand=False, fill=0)"),
    (T.RandomAffine(10, translate=(0.1, 0.1)), "RandomAffine(degrees=[-10.0, 10.0], translate=(0.1, 0.1))"),
    (T.ColorJitter(0.4, 0.4, 0.4, 0.1), "ColorJitter(brightness=(0.6, 1.4), contrast=(0.6, 1.4), "
                                        "saturation=(0.6, 1.4), hue=(-0.1, 0.1))"),
    (T.Pad(2), "Pad(padding=2, fill=0, padding_mode=constant)"),
    (T.ToPILImage(mode="L"), "ToPILImage(mode=L)"),
    (T.Lambda(abs), "Lambda()"),
    (T.GaussianBlur(3), "GaussianBlur(kernel_size=(3, 3), sigma=(0.1, 2.0))"),
    (T.RandomErasing(), "RandomErasing(p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0, inplace=False)"),
    (T.Grayscale(), "Grayscale(num_output_channels=1)"),
    (T.RandomGrayscale(), "RandomGrayscale(p=0.1)"),
]


@pytest.mark.parametrize("transform,want", REPRS, ids=[w.split("(")[0] + str(i) for i, (_, w) in enumerate(REPRS)])
def test_repr(transform, want):
    assert repr(transform) == want


ERRORS = [
    (lambda: T.Resize(2.5), TypeError, "Size should be int or sequence"),
    (lambda: T.Resize((1, 2, 3)), ValueError, "If size is a sequence, it should have 1 or 2 values"),
    (lambda: T.RandomRotation(-3), ValueError, "If degrees is a single number, it must be positive."),
    (lambda: T.ColorJitter(hue=0.7), ValueError, r"hue values should be between \(-0.5, 0.5\)"),
    (lambda: T.Lambda(3), TypeError, "Argument lambd should be callable, got 'int'"),
    (lambda: T.Pad(1, padding_mode="wrap"), ValueError, "Padding mode should be either constant"),
    (lambda: T.RandomCrop(50)(IMG), ValueError, r"Required crop size \(50, 50\) is larger than input image size"),
    (lambda: T.ToTensor()([1]), TypeError, "pic should be PIL Image or ndarray"),
    (lambda: T.GaussianBlur(4), ValueError, "Kernel size value should be an odd and positive number."),
    (lambda: F.adjust_hue(IMG, 0.6), ValueError, r"hue_factor \(0.6\) is not in \[-0.5, 0.5\]."),
]


@pytest.mark.parametrize("fn,error,regex", ERRORS, ids=[e[2][:20] for e in ERRORS])
def test_errors(fn, error, regex):
    with pytest.raises(error, match=regex):
        fn()


def test_random_transforms_shapes_seed_and_distribution():
    torch.manual_seed(0)
    pipeline = T.Compose([T.RandomResizedCrop(16), T.RandomHorizontalFlip(), T.ColorJitter(0.4, 0.4, 0.4, 0.1),
                          T.RandomRotation(10), T.ToTensor(), T.RandomErasing(p=1.0)])
    first = pipeline(IMG).numpy()
    torch.manual_seed(0)
    np.testing.assert_array_equal(pipeline(IMG).numpy(), first)
    assert first.shape == (3, 16, 16)
    flips = [np.array_equal(np.array(T.RandomHorizontalFlip()(IMG)), PIX[:, ::-1]) for _ in range(400)]
    assert 0.4 < np.mean(flips) < 0.6
    crops = [T.RandomCrop.get_params(IMG, (10, 10)) for _ in range(300)]
    assert {c[0] for c in crops} == set(range(21)) and {c[1] for c in crops} == set(range(31))
    angles = [T.RandomRotation.get_params([-10.0, 10.0]) for _ in range(300)]
    assert -10 <= min(angles) < -9 and 9 < max(angles) <= 10
    t = T.RandomAffine(0, translate=(0.2, 0.2), scale=(0.9, 1.1), shear=5)(TEN)
    assert tuple(t.shape) == (3, 30, 40)
