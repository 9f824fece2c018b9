"""Pooling against real PyTorch: max (indices, first-max ties, gradient to the argmax only), avg
(ceil_mode's last window, count_include_pad, divisor_override, integers), lp, adaptive avg/max, max_unpool
(duplicate indices), float64, unbatched inputs, jit/vmap, and PyTorch's errors."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import jtorch.nn.functional as F
from test_functional_conv import check_jit, x64  # noqa: F401 (x64 is a fixture)
from torch_ref import assert_close, rand

# (n, input shape, kwargs) shared by max and avg pooling (dilation dropped for avg).
WINDOWS = [
    (1, (3, 9), {"kernel_size": 4, "stride": 3, "padding": 2, "ceil_mode": True}),
    (1, (2, 3, 10), {"kernel_size": 3, "dilation": 2, "padding": 1}),
    (2, (2, 3, 7, 8), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    (2, (2, 3, 7, 8), {"kernel_size": (2, 3), "stride": (1, 2), "dilation": (2, 1)}),
    (2, (3, 6, 6), {"kernel_size": 2}),
    (2, (1, 2, 4, 5), {"kernel_size": (2, 2), "stride": ()}),  # empty stride means kernel_size, as None
    (1, (2, 3, 7), {"kernel_size": 2, "stride": []}),
    (2, (0, 2, 6, 5), {"kernel_size": 2, "stride": 1}),
    (2, (1, 2, 5, 5), {"kernel_size": 2, "stride": 2, "ceil_mode": True, "padding": 1}),
    (3, (1, 2, 5, 6, 4), {"kernel_size": 2, "ceil_mode": True}),
    (3, (1, 2, 5, 6, 4), {"kernel_size": (3, 2, 2), "stride": 2, "padding": (1, 0, 1)}),
]
IDS = [f"{n}d-{x}-{kw}" for n, x, kw in WINDOWS]


@pytest.mark.parametrize("n,xs,kw", WINDOWS, ids=IDS)
def test_max_pool(n, xs, kw):
    fn, tfn = getattr(F, f"max_pool{n}d"), getattr(TF, f"max_pool{n}d")
    check_jit(lambda x: fn(x, **kw), lambda x: tfn(x, **kw), rand(xs, 1))
    got, want = fn(jnp.asarray(rand(xs, 1)), **kw, return_indices=True), tfn(torch.tensor(rand(xs, 1)), **kw,
                                                                              return_indices=True)
    assert_close(got, want, check_dtype=False)


@pytest.mark.parametrize("n,xs,kw", WINDOWS, ids=IDS)
@pytest.mark.parametrize("count_include_pad", [True, False])
def test_avg_pool(n, xs, kw, count_include_pad):
    kw = {k: v for k, v in kw.items() if k != "dilation"}
    fn, tfn = getattr(F, f"avg_pool{n}d"), getattr(TF, f"avg_pool{n}d")
    check_jit(lambda x: fn(x, **kw, count_include_pad=count_include_pad),
             lambda x: tfn(x, **kw, count_include_pad=count_include_pad), rand(xs, 1))


def test_max_pool_ties_nan_and_indices_dtype(x64):
    # All-equal windows: torch returns and differentiates the first maximum; NaN wins.
    for stride in (1, 2):  # overlapping windows, and tiling ones (differentiated as blocks)
        check_jit(lambda x: F.max_pool2d(x, 2, stride), lambda x: TF.max_pool2d(x, 2, stride), np.ones((1, 1, 4, 4)))
    x = np.array([[[1., 1., np.nan, 2., np.nan, 3.]]])
    check_jit(lambda x: F.max_pool1d(x, 2), lambda x: TF.max_pool1d(x, 2), x)  # the gradient goes to the NaN
    assert_close(F.max_pool1d(jnp.asarray(x), 2, return_indices=True), TF.max_pool1d(torch.tensor(x), 2,
                                                                                    return_indices=True))


@pytest.mark.parametrize("n", [1, 2])
def test_integer_pools(x64, n):
    x = np.random.default_rng(0).integers(-9, 9, (2, 3) + (7,) * n)
    for fn, kw in (("max_pool", {"return_indices": True}), ("avg_pool", {})):  # avg truncates, as torch
        check_jit(lambda x: getattr(F, f"{fn}{n}d")(x, 3, 2, 1, **kw),
                 lambda x: getattr(TF, f"{fn}{n}d")(x, 3, 2, 1, **kw), x, grad=False)


def test_avg_pool_divisor_override_and_float64(x64):
    for dtype in (np.float32, np.float64):
        for n in (2, 3):
            args = (3, 2, 1, True, True, 5)
            check_jit(lambda x: getattr(F, f"avg_pool{n}d")(x, *args), lambda x: getattr(TF, f"avg_pool{n}d")(x, *args),
                     rand((2, 2) + (6,) * n, 1, dtype))
    check_jit(lambda x: F.max_pool2d(x, 3, 2, 1, 2), lambda x: TF.max_pool2d(x, 3, 2, 1, 2),
             rand((2, 3, 9, 9), 1, np.float64))


@pytest.mark.parametrize("n,args", [(2, (3., 2, None, True)), (1, (2, 3)), (2, (1.5, (2, 3), 1)),
                                    (2, (float("inf"), 2)), (1, (-float("inf"), 2))])
def test_lp_pool(n, args):
    x = rand((2, 2) + (7,) * n, 1, low=0.1) if args[0] == 1.5 else rand((2, 2) + (7,) * n, 1)
    check_jit(lambda x: getattr(F, f"lp_pool{n}d")(x, *args), lambda x: getattr(TF, f"lp_pool{n}d")(x, *args), x)


def test_lp_pool_zero_window_gradient_and_traced_norm():
    x = np.zeros((1, 1, 4, 4), np.float32)
    x[0, 0, :2, :2] = rand((2, 2), 3)
    check_jit(lambda x: F.lp_pool2d(x, 2., 2), lambda x: TF.lp_pool2d(x, 2., 2), x)
    got = jax.jit(lambda x, p: F.lp_pool2d(x, p, 2))(jnp.asarray(x), 3.)
    assert_close(got, TF.lp_pool2d(torch.tensor(x), 3., 2))


ADAPTIVE = [(1, (2, 3, 10), 4), (1, (3, 5), 7), (2, (2, 3, 7, 9), (3, 4)), (2, (3, 5, 5), (2, None)),
            (2, (1, 1, 4, 4), (6, 7)), (2, (2, 3, 6, 6), 1), (3, (1, 2, 5, 6, 7), (2, 3, 4))]


@pytest.mark.parametrize("n,xs,out", ADAPTIVE, ids=[str(a) for a in ADAPTIVE])
def test_adaptive_pools(n, xs, out):
    check_jit(lambda x: getattr(F, f"adaptive_avg_pool{n}d")(x, out),
             lambda x: getattr(TF, f"adaptive_avg_pool{n}d")(x, out), rand(xs, 1))
    if n < 3:
        check_jit(lambda x: getattr(F, f"adaptive_max_pool{n}d")(x, out),
                 lambda x: getattr(TF, f"adaptive_max_pool{n}d")(x, out), rand(xs, 1))
        check_jit(lambda x: getattr(F, f"adaptive_max_pool{n}d")(x, out, True),
                 lambda x: getattr(TF, f"adaptive_max_pool{n}d")(x, out, True), rand(xs, 1), grad=False,
                 check_dtype=False)


@pytest.mark.parametrize("n,xs,args,out", [(2, (2, 3, 8, 9), (3, 2, 1), (8, 9)), (2, (3, 6, 6), (2,), None),
                                           (1, (2, 3, 9), (2, 2), (2, 3, 9)), (1, (2, 11), (3, 2, 1), None)])
def test_max_unpool(n, xs, args, out):
    # Overlapping windows pick one input twice: torch's backward gathers the gradient for both.
    y, i = getattr(TF, f"max_pool{n}d")(torch.tensor(rand(xs, 1)), *args, return_indices=True)
    check_jit(lambda y, i: getattr(F, f"max_unpool{n}d")(y, i, *args, output_size=out),
             lambda y, i: getattr(TF, f"max_unpool{n}d")(y, i, *args, output_size=out), y.numpy(), i.numpy(),
             check_dtype=False)


def test_transforms():
    x = jnp.asarray(rand((4, 2, 3, 8, 8), 1))
    for fn in (lambda x: F.max_pool2d(x, 3, 2, 1, return_indices=True), lambda x: F.avg_pool2d(x, 3, 2, 1),
               lambda x: F.adaptive_max_pool2d(x, 3, True), lambda x: F.adaptive_avg_pool2d(x, 3)):
        want = [fn(xi) for xi in x]
        got = jax.jit(jax.vmap(fn))(x)
        assert_close(got, jax.tree.map(lambda *a: np.stack(a), *want))


ERRORS = [
    (lambda x: F.max_pool2d(x, 3, padding=2), RuntimeError,
     "pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and dilation=1"),
    (lambda x: F.avg_pool2d(x, 3, padding=2), RuntimeError, "pad should be at most half of effective kernel size"),
    (lambda x: F.max_pool2d(x, 7), RuntimeError,
     r"Given input size: \(2x5x5\). Calculated output size: \(2x0x0\). Output size is too small"),
    (lambda x: F.avg_pool2d(x, 2, stride=0), RuntimeError, r"stride should be greater than zero"),
    (lambda x: F.max_pool2d(x, 2, dilation=0), RuntimeError, "dilation should be greater than zero"),
    (lambda x: F.max_pool2d(x, (2, 2, 2)), RuntimeError,
     "max_pool2d: kernel_size must either be a single int, or a tuple of two ints|tuple of 2 ints"),
    (lambda x: F.max_pool2d(x[0, 0, 0], 2), RuntimeError, r"Expected 3D or 4D \(batch mode\) tensor"),
    (lambda x: F.max_pool2d(x[:, :0], 2), RuntimeError, r"Expected 3D or 4D \(batch mode\) tensor"),
    (lambda x: F.max_pool1d(x[0], 2, padding=-1), RuntimeError, "pad must be non-negative"),
    (lambda x: F.avg_pool2d(x, 2, divisor_override=0), RuntimeError, "divisor must be not zero"),
    (lambda x: F.adaptive_avg_pool2d(x[:, :, :0], 2), RuntimeError, r"Expected 3D or 4D \(batch mode\) tensor"),
    (lambda x: F.adaptive_avg_pool2d(x.astype(jnp.int32), 2), NotImplementedError, "adaptive_avg_pool2d"),
    (lambda x: F.max_unpool2d(x, jnp.zeros(x.shape, jnp.int32), 2, output_size=(3, 3)), ValueError,
     r'invalid output_size "\(3, 3\)" \(dim 0 must be between 8 and 12\)'),
    (lambda x: F.max_unpool2d(x, jnp.zeros((1, 2, 4, 5), jnp.int32), 2), RuntimeError,
     r"Expected shape of indices to be same as that of the input tensor \(\[1, 2, 5, 5\]\)"),
    (lambda x: F.max_unpool2d(x, x, 2), RuntimeError, "elements in indices should be type int64"),
    (lambda x: F.max_unpool1d(x[0], jnp.zeros((2, 5, 5), jnp.int32), 2, output_size=(1, 2, 3, 4)), ValueError,
     "output_size should be a sequence containing 1 or 3 elements, but it has a length of '4'"),
]


@pytest.mark.parametrize("fn,err,match", ERRORS, ids=[e[-1][:40] for e in ERRORS])
def test_errors(fn, err, match):
    with pytest.raises(err, match=match):
        fn(jnp.zeros((1, 2, 5, 5)))
