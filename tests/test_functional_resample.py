"""interpolate (every mode, scale factors with and without recompute, align_corners, antialias), the
deprecated upsample aliases, pad (every mode, cropping, traced value), unfold/fold and pixel (un)shuffle
against real PyTorch: values, dtypes, gradients, float64, integers, jit, and PyTorch's errors."""
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import jtorch.nn.functional as F
from test_functional_conv import check_jit, x64  # noqa: F401 (x64 is a fixture)
from torch_ref import assert_close, rand

INTERPOLATE = [
    ((1, 2, 5), {"size": 8}),
    ((1, 2, 5), {"scale_factor": 2.3}),
    ((1, 2, 7, 5), {"scale_factor": (0.6, 1.7)}),
    ((1, 2, 5, 7), {"size": (3, 11), "mode": "nearest-exact"}),
    ((1, 2, 4, 5, 3), {"scale_factor": 1.5, "mode": "nearest"}),
    ((1, 2, 5), {"size": 8, "mode": "linear"}),
    ((1, 2, 5), {"size": 3, "mode": "linear", "align_corners": True}),
    ((1, 2, 5), {"scale_factor": 1.7, "mode": "linear"}),
    ((1, 2, 5), {"scale_factor": 1.7, "mode": "linear", "recompute_scale_factor": True}),
    ((2, 2, 5, 7), {"size": (9, 4), "mode": "bilinear"}),
    ((2, 2, 5, 7), {"size": (9, 4), "mode": "bilinear", "align_corners": True}),
    ((1, 1, 4, 4), {"size": 1, "mode": "bilinear", "align_corners": True}),
    ((2, 2, 5, 7), {"size": (9, 4), "mode": "bicubic"}),
    ((2, 2, 5, 7), {"size": (9, 4), "mode": "bicubic", "align_corners": True}),
    ((2, 2, 5, 7), {"scale_factor": 2.5, "mode": "bicubic"}),
    ((1, 2, 3, 4, 5), {"size": (5, 3, 7), "mode": "trilinear"}),
    ((1, 2, 3, 4, 5), {"scale_factor": 2, "mode": "trilinear", "align_corners": True}),
    ((1, 2, 9, 7), {"size": (4, 3), "mode": "area"}),
    ((1, 2, 9, 7), {"scale_factor": 0.5, "mode": "area"}),
    ((2, 2, 17, 13), {"size": (5, 6), "mode": "bilinear", "antialias": True}),
    ((2, 2, 17, 13), {"size": (5, 16), "mode": "bicubic", "antialias": True}),
    ((2, 2, 17, 13), {"size": (5, 6), "mode": "bilinear", "antialias": True, "align_corners": True}),
    ((2, 2, 17, 13), {"scale_factor": 0.3, "mode": "bicubic", "antialias": True}),
]


@pytest.mark.parametrize("xs,kw", INTERPOLATE, ids=[f"{x}-{kw}" for x, kw in INTERPOLATE])
def test_interpolate(xs, kw):
    check_jit(lambda x: F.interpolate(x, **kw), lambda x: TF.interpolate(x, **kw), rand(xs, 1))


@pytest.mark.parametrize("kw", [{"size": (9, 4), "mode": "bicubic"}, {"scale_factor": 1.3, "mode": "bilinear"},
                                {"size": (3, 3), "mode": "bilinear", "antialias": True}])
def test_interpolate_float64(x64, kw):
    check_jit(lambda x: F.interpolate(x, **kw), lambda x: TF.interpolate(x, **kw), rand((2, 2, 5, 7), 1, np.float64),
             rtol=1e-12, atol=1e-12)


def test_nearest_integers_and_jit(x64):
    x = np.arange(20).reshape(1, 1, 4, 5)  # torch has no int64 nearest kernel: compare through float
    got = jax.jit(lambda x: F.interpolate(x, size=(7, 3)))(jnp.asarray(x))
    assert got.dtype == jnp.int64
    np.testing.assert_array_equal(got, TF.interpolate(torch.tensor(x).double(), size=(7, 3)).long().numpy())


def test_deprecated_aliases_warn():
    x = rand((1, 2, 3, 4), 1)
    for name, args in (("upsample", (None, 2, "bilinear")), ("upsample_nearest", ((5, 7),)),
                       ("upsample_bilinear", (None, 2))):
        with pytest.warns(UserWarning, match=f"`nn.functional.{name}` is deprecated"):
            got = getattr(F, name)(jnp.asarray(x), *args)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert_close(got, getattr(TF, name)(torch.tensor(x), *args))


INTERPOLATE_ERRORS = [
    ({"size": 2, "align_corners": True}, ValueError, "align_corners option can only be set with the interpolating"),
    ({"size": 2, "scale_factor": 2}, ValueError, "only one of size or scale_factor should be defined"),
    ({}, ValueError, "either size or scale_factor should be defined"),
    ({"size": (2, 3, 4)}, ValueError, "Input and output must have the same number of spatial dimensions"),
    ({"scale_factor": (2., 3., 4.)}, ValueError, "Input and scale_factor must have the same number of spatial"),
    ({"size": 2, "mode": "linear"}, NotImplementedError, "Got 4D input, but linear mode needs 3D input"),
    ({"size": 2, "mode": "foo"}, NotImplementedError, r"\(got foo\)"),
    ({"size": 2, "antialias": True}, ValueError, "Anti-alias option is restricted to bilinear, bicubic"),
    ({"size": 2, "recompute_scale_factor": True}, ValueError, "recompute_scale_factor is not meaningful"),
    ({"size": (2.5, 2)}, TypeError, "expected size to be one of int"),
    ({"scale_factor": 0.1}, RuntimeError, r"Input and output sizes should be greater than 0, but got input "
                                          r"\(H: 3, W: 4\) output \(H: 0, W: 0\)"),
]


@pytest.mark.parametrize("kw,err,match", INTERPOLATE_ERRORS, ids=[e[-1][:40] for e in INTERPOLATE_ERRORS])
def test_interpolate_errors(kw, err, match):
    with pytest.raises(err, match=match):
        F.interpolate(jnp.zeros((1, 2, 3, 4)), **kw)
    with pytest.raises(err):
        TF.interpolate(torch.zeros(1, 2, 3, 4), **kw)


def test_linear_modes_reject_integers():
    with pytest.raises(NotImplementedError, match="'linear' is not implemented for int32"):
        F.interpolate(jnp.zeros((1, 1, 4), jnp.int32), size=2, mode="linear")


PAD = [((1, 2), "constant", (2, 3, 4)), ((1, -2, 3, 0), "constant", (2, 3, 4)),
       ((0, 0, 0, 0, 1, 1), "constant", (2, 3, 4)), ((2, 1), "reflect", (2, 3, 4)),
       ((2, 1, 1, 2), "reflect", (2, 3, 4)), ((1, 1, 2, 0, 1, 1), "reflect", (1, 2, 3, 4, 5)),
       ((2, 1, 1, 2), "replicate", (1, 2, 3, 4)), ((3, 1), "replicate", (2, 4)),
       ((2, 1, 1, 2, 1, 1), "circular", (1, 2, 3, 4, 5)), ((4, 3), "circular", (2, 4)),
       ((-1, 2), "reflect", (1, 2, 5)), ((-1, 2, 1, -2), "replicate", (1, 4, 5)), ((3, -1), "circular", (2, 5)),
       # torch reads the uncropped input: crops deeper than the cropped size are fine, empty batches too
       ((3, -5), "reflect", (1, 1, 6)), ((-4, 5, 0, 0), "replicate", (2, 3, 4, 4)),
       ((5, -4, -4, 3), "replicate", (2, 2, 4, 4)), ((1, 2), "reflect", (0, 3, 3)),
       ((0, 2, 0, 1), "reflect", (0, 3, 3, 3)), ((1, 1), "circular", (2, 0, 3))]


@pytest.mark.parametrize("pad,mode,xs", PAD, ids=[f"{p}-{m}-{x}" for p, m, x in PAD])
def test_pad(pad, mode, xs):
    check_jit(lambda x: F.pad(x, pad, mode), lambda x: TF.pad(x, pad, mode), rand(xs, 1))


def test_pad_value_traced_and_integers(x64):
    check_jit(lambda x: F.pad(x, (1, 1), value=2.5), lambda x: TF.pad(x, (1, 1), value=2.5), rand((2, 3), 1, np.float64))
    got = jax.jit(lambda x, v: F.pad(x, (2, 1, 0, 1), value=v))(jnp.ones((2, 3), jnp.float32), -4.)
    assert_close(got, TF.pad(torch.ones(2, 3), (2, 1, 0, 1), value=-4.))
    x = np.arange(12).reshape(1, 3, 4)
    for mode in ("constant", "reflect", "replicate", "circular"):
        check_jit(lambda x: F.pad(x, (2, 1), mode), lambda x: TF.pad(x, (2, 1), mode), x, grad=False)


PAD_ERRORS = [
    ((1,), {}, RuntimeError, "Padding length must be divisible by 2"),
    ((1, 1) * 5, {}, RuntimeError, "Padding length should be less than or equal to two times the input dimension"),
    ((4, 4), {"mode": "reflect"}, RuntimeError, r"Padding size should be less than the corresponding input dimension, "
                                                r"but got: padding \(4, 4\) at dimension 2"),
    ((5, 2), {"mode": "circular"}, RuntimeError, "Padding value causes wrapping around more than once."),
    ((1, 1), {"mode": "reflect", "value": 1.}, RuntimeError, "Padding mode \"reflect\" doesn't take in value argument"),
    ((1, 1), {"mode": "foo"}, NotImplementedError, "Unrecognised padding mode foo"),
    ((1, 1) * 3, {"mode": "replicate"}, NotImplementedError, "Padding size 6 is not supported for 3D input tensor"),
]


@pytest.mark.parametrize("pad,kw,err,match", PAD_ERRORS, ids=[e[-1][:40] for e in PAD_ERRORS])
def test_pad_errors(pad, kw, err, match):
    with pytest.raises(err, match=match):
        F.pad(jnp.zeros((1, 2, 4)), pad, **kw)
    with pytest.raises(err):
        TF.pad(torch.zeros(1, 2, 4), pad, **kw)


PAD_SHAPE_ERRORS = [((2, 0, 3), (1, 1), "reflect"), ((0, 3), (1, 1), "replicate"), ((2, 0, 3, 3), (1,) * 4, "reflect"),
                    ((1, 1, 6), (-3, -4), "reflect"), ((1, 1, 6), (3, -9), "replicate"),
                    ((2, 1, 4, 5), (-3,) * 4, "reflect"), ((2, 1, 4, 5), (-3,) * 4, "replicate"),
                    ((1, 2, 3, 4, 5), (-3,) * 6, "replicate"), ((1, 1, 3, 3), (-2, -2, 0, 0), "replicate"),
                    ((1, 2, 3, 3, 3), (0, 0, 0, 0, 3, 0), "reflect"), ((3, 4), (-3, -3), "circular")]


@pytest.mark.parametrize("xs,pad,mode", PAD_SHAPE_ERRORS, ids=[f"{x}-{p}-{m}" for x, p, m in PAD_SHAPE_ERRORS])
def test_pad_shape_errors_match_torch(xs, pad, mode):
    with pytest.raises(RuntimeError) as want:
        TF.pad(torch.zeros(xs), pad, mode)
    with pytest.raises(RuntimeError) as got:
        F.pad(jnp.zeros(xs), pad, mode)
    assert str(got.value) == str(want.value)


FOLD = [{"kernel_size": 2}, {"kernel_size": (2, 3), "dilation": (1, 2), "padding": 1, "stride": (2, 1)},
        {"kernel_size": 3, "stride": 2, "padding": (0, 1)}]


@pytest.mark.parametrize("kw", FOLD, ids=[str(k) for k in FOLD])
@pytest.mark.parametrize("batch", [(2,), (), (0,)], ids=["batched", "unbatched", "empty"])
def test_unfold_fold(kw, batch):
    xs = batch + (3, 6, 7)
    check_jit(lambda x: F.unfold(x, **kw), lambda x: TF.unfold(x, **kw), rand(xs, 1))
    cols = TF.unfold(torch.zeros(xs), **kw).shape
    check_jit(lambda x: F.fold(x, (6, 7), **kw), lambda x: TF.fold(x, (6, 7), **kw), rand(cols, 2))


def test_fold_is_adjoint_of_unfold_and_integers(x64):
    x, c = jnp.asarray(rand((2, 3, 6, 7), 1, np.float64)), jnp.asarray(rand((2, 27, 8), 2, np.float64))
    kw = {"kernel_size": 3, "stride": 2, "padding": (0, 1)}
    np.testing.assert_allclose(jnp.vdot(F.unfold(x, **kw), c), jnp.vdot(x, F.fold(c, (6, 7), **kw)), rtol=1e-12)
    c = np.arange(16).reshape(1, 4, 4)  # torch has no integer col2im: compare through float64
    got = F.fold(jnp.asarray(c), 3, 2)
    assert got.dtype == jnp.int64
    np.testing.assert_array_equal(got, TF.fold(torch.tensor(c).double(), 3, 2).long().numpy())


FOLD_ERRORS = [
    (lambda: F.unfold(jnp.zeros((2, 3)), 2), NotImplementedError,
     r"Only 3D or 4D input Tensors are supported \(got 2D\)"),
    (lambda: F.unfold(jnp.zeros((1, 2, 3, 3)), 4), RuntimeError, r"calculated shape of the array of sliding blocks as "
                                                                 r"\(0, 0\), but its components must be at least one"),
    (lambda: F.fold(jnp.zeros((1, 5, 9)), (4, 4), 2), RuntimeError,
     r"divisible by the product of kernel_size, but got input.size\(1\)=5 and kernel_size=\(2, 2\)"),
    (lambda: F.fold(jnp.zeros((1, 8, 8)), (4, 4), 2), RuntimeError,
     r"match the calculated number of sliding blocks 3 \* 3 = 9, but got input.size\(2\)=8"),
    (lambda: F.fold(jnp.zeros((8, 9, 1, 1)), (4, 4), 2), RuntimeError, r"Expected 2D or 3D \(batch mode\) tensor"),
    (lambda: F.pixel_shuffle(jnp.zeros((2, 3)), 2), RuntimeError, "pixel_shuffle expects input to have at least 3"),
    (lambda: F.pixel_shuffle(jnp.zeros((5, 3, 3)), 2), RuntimeError,
     r"divisible by the square of upscale_factor, but input.size\(-3\)=5 is not divisible by 4"),
    (lambda: F.pixel_unshuffle(jnp.zeros((4, 5, 4)), 2), RuntimeError,
     r"pixel_unshuffle expects height to be divisible by downscale_factor, but input.size\(-2\)=5"),
    (lambda: F.pixel_unshuffle(jnp.zeros((4, 4, 5)), 2), RuntimeError, r"width .* input.size\(-1\)=5"),
    (lambda: F.pixel_shuffle(jnp.zeros((4, 3, 3)), 0), RuntimeError, "positive upscale_factor, but got 0"),
]


@pytest.mark.parametrize("fn,err,match", FOLD_ERRORS, ids=[e[-1][:40] for e in FOLD_ERRORS])
def test_fold_shuffle_errors(fn, err, match):
    with pytest.raises(err, match=match):
        fn()


@pytest.mark.parametrize("name,xs,r", [("pixel_shuffle", (2, 3, 8, 3, 4), 2), ("pixel_shuffle", (9, 2, 2), 3),
                                       ("pixel_unshuffle", (2, 6, 9), 3), ("pixel_unshuffle", (1, 2, 2, 4, 6), 2)])
def test_pixel_shuffle(name, xs, r):
    check_jit(lambda x: getattr(F, name)(x, r), lambda x: getattr(TF, name)(x, r), rand(xs, 1))
