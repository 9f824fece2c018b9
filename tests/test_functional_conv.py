"""conv1d-3d and conv_transpose1d-3d against real PyTorch: values, dtypes, input/weight/bias gradients over
strides, paddings ('same'/'valid'/asymmetric), dilations and groups, each CPU lowering, float64, integers,
unbatched and empty inputs, jit/vmap/jvp/hessian, and PyTorch's errors."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import jtorch.nn.functional as F
from jtorch.nn.functional import _conv
from torch_ref import assert_close, check_op, rand

# (n, input shape, weight shape, kwargs). Contractions C_in/groups * prod(k) above and below the patches
# threshold, so both CPU lowerings are exercised.
CONV = [
    (1, (2, 3, 10), (4, 3, 4), {"stride": 3, "padding": 2}),
    (1, (3, 10), (4, 3, 3), {}),
    (1, (2, 24, 9), (6, 8, 3), {"groups": 3, "padding": "same", "dilation": 2}),
    (1, (2, 4, 7), (4, 4, 4), {"padding": "same"}),
    (2, (2, 3, 7, 8), (4, 3, 3, 3), {}),
    (2, (2, 3, 6, 6), (20, 3, 3, 3), {"padding": 1}),
    (2, (2, 4, 7, 8), (6, 2, 3, 2), {"groups": 2, "stride": 2, "padding": 1, "dilation": (1, 2)}),
    (2, (2, 20, 9, 9), (8, 20, 3, 3), {"padding": "same"}),
    (2, (2, 20, 9, 9), (8, 10, 2, 4), {"padding": "same", "groups": 2, "dilation": (2, 1)}),
    (2, (2, 16, 8, 7), (16, 1, 3, 3), {"groups": 16, "padding": (1, 0)}),
    (2, (2, 32, 6, 6), (5, 32, 3, 3), {"stride": (2, 1), "padding": "valid"}),
    (2, (3, 6, 5), (2, 3, 1, 1), {}),
    (2, (0, 3, 5, 5), (4, 3, 3, 3), {}),
    (3, (1, 2, 5, 6, 4), (3, 2, 2, 3, 2), {"stride": (1, 2, 1), "padding": 1}),
    (3, (1, 16, 4, 4, 4), (4, 16, 3, 3, 3), {"padding": "same"}),
]
CONV_T = [
    (1, (2, 40, 5), (40, 8, 3), {"stride": 2, "padding": 1, "output_padding": 1}),
    (1, (3, 6), (3, 2, 4), {"stride": 3, "dilation": 2, "output_padding": 1}),
    (2, (2, 3, 5, 6), (3, 4, 3, 3), {"stride": 2, "output_padding": 1, "padding": 1}),
    (2, (2, 4, 5, 6), (4, 3, 3, 2), {"stride": (2, 3), "groups": 2, "dilation": 2, "padding": (2, 1)}),
    (2, (2, 40, 5, 6), (40, 8, 3, 3), {"stride": 2, "padding": 3}),
    (2, (3, 4, 4), (3, 2, 2, 2), {}),
    (3, (1, 2, 3, 3, 3), (2, 2, 2, 2, 2), {"stride": 2}),
]


def _ids(table):
    return [f"{n}d-{x}-{w}-{kw}" for n, x, w, kw in table]


def check_jit(fn, torch_fn, *inputs, **kwargs):
    """``check_op`` on the jitted op (the compat engine always runs ops under jit)."""
    check_op(jax.jit(fn), torch_fn, *inputs, **kwargs)


@pytest.fixture
def x64():
    with jax.enable_x64(True):
        yield


def _check(name, n, xs, ws, kw, dtype=np.float32, **tol):
    fn, tfn = getattr(F, f"{name}{n}d"), getattr(TF, f"{name}{n}d")
    out_channels = ws[0] if name == "conv" else ws[1] * kw.get("groups", 1)
    x, w, b = rand(xs, 1, dtype), rand(ws, 2, dtype), rand((out_channels,), 3, dtype)
    check_jit(lambda x, w, b: fn(x, w, b, **kw), lambda x, w, b: tfn(x, w, b, **kw), x, w, b, **tol)
    check_jit(lambda x, w: fn(x, w, **kw), lambda x, w: tfn(x, w, **kw), x, w, grad=False, **tol)


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("n,xs,ws,kw", CONV, ids=_ids(CONV))
def test_conv(n, xs, ws, kw):
    _check("conv", n, xs, ws, kw, rtol=1e-5, atol=1e-5, grad_rtol=1e-4, grad_atol=1e-4)


@pytest.mark.parametrize("n,xs,ws,kw", CONV_T, ids=_ids(CONV_T))
def test_conv_transpose(n, xs, ws, kw):
    _check("conv_transpose", n, xs, ws, kw, rtol=1e-5, atol=1e-5, grad_rtol=1e-4, grad_atol=1e-4)


@pytest.mark.parametrize("n,xs,ws,kw", [CONV[5], CONV[6], CONV[12]], ids=_ids([CONV[5], CONV[6], CONV[12]]))
def test_conv_float64(x64, n, xs, ws, kw):
    _check("conv", n, xs, ws, kw, dtype=np.float64, rtol=1e-12, atol=1e-12)


def test_conv_transpose_float64(x64):
    _check("conv_transpose", *CONV_T[3], dtype=np.float64, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("lowering", ["nchw", "channels_last", "patches", "taps", "cpu"])
def test_lowerings_agree(lowering):
    """Every lowering, forced, gives torch's values and gradients (the dispatcher picks one per backend;
    ``cpu`` is XLA:CPU's, each derivative lowered apart)."""
    x, w = rand((2, 6, 7, 8), 1), rand((8, 3, 3, 2), 2)
    spec = ((2, 1), ((1, 2), (0, 1)), (1, 1), (1, 2), 2)
    fn = {"nchw": lambda x, w: _conv._lax_conv(x, w, spec, channels_last=False),
          "channels_last": lambda x, w: _conv._lax_conv(x, w, spec, channels_last=True),
          "patches": lambda x, w: _conv._patches_conv(x, w, spec),
          "taps": lambda x, w: _conv._taps_sum(x, w, spec),
          "cpu": lambda x, w: _conv._cpu_conv(x, w, spec)}[lowering]
    check_jit(fn, lambda x, w: TF.conv2d(TF.pad(x, (0, 1, 1, 2)), w, stride=(2, 1), dilation=(1, 2), groups=2),
             x, w, rtol=1e-5, atol=1e-5, grad_rtol=1e-4, grad_atol=1e-4)


def test_integer_conv_is_exact(x64):
    # A PyTorch tutorial convolves int64 tensors on CPU; the result is int64 and exact.
    x = np.random.default_rng(0).integers(-1000, 1000, (2, 3, 6, 6))
    w = np.random.default_rng(1).integers(-1000, 1000, (4, 3, 3, 3))
    for n_in in (3, 30):  # both lowerings
        xi, wi = np.tile(x, (1, n_in // 3, 1, 1)), np.tile(w, (1, n_in // 3, 1, 1))
        got = F.conv2d(jnp.asarray(xi), jnp.asarray(wi), padding=1)
        assert got.dtype == jnp.int64
        np.testing.assert_array_equal(np.asarray(got), TF.conv2d(torch.from_numpy(xi), torch.from_numpy(wi),
                                                                 padding=1).numpy())


def test_transforms():
    x, w = jnp.asarray(rand((5, 2, 20, 6, 6), 1)), jnp.asarray(rand((3, 20, 3, 3), 2))
    want = jnp.stack([F.conv2d(xi, w, padding=1) for xi in x])
    assert_close(jax.jit(jax.vmap(lambda xi: F.conv2d(xi, w, padding=1)))(x), np.asarray(want), rtol=1e-5, atol=1e-5)
    # forward mode equals the linearity of conv in x and in w
    _, t = jax.jvp(lambda x, w: F.conv2d(x, w), (x[0], w), (x[1], w))
    assert_close(t, np.asarray(F.conv2d(x[1], w) + F.conv2d(x[0], w)), rtol=1e-4, atol=1e-4)
    hess = jax.hessian(lambda w: jnp.sum(F.conv2d(x[0, :1], w) ** 2))(w[:1])
    assert hess.shape == (1, 20, 3, 3) * 2 and bool(jnp.all(jnp.isfinite(hess)))


@pytest.mark.parametrize("ws", [(2, 1, 3, 3), (17, 1, 2, 2)], ids=["taps", "patches"])
def test_cpu_conv_second_order(ws):
    """The CPU dispatcher's custom JVP (each derivative lowered apart) has the plain conv's second
    derivatives: a Hessian-vector product (forward over reverse) in x and w together."""
    x, w = jnp.asarray(rand((2, ws[1], 5, 4), 1)), jnp.asarray(rand(ws, 2))
    vx, vw = jnp.asarray(rand(x.shape, 3)), jnp.asarray(rand(ws, 4))
    spec = ((1, 1), ((1, 1), (0, 1)), (1, 1), (1, 1), 1)

    def hvp(conv):
        loss = lambda x, w: jnp.sum(jnp.tanh(conv(x, w, spec)))  # noqa: E731
        return jax.jit(lambda x, w: jax.jvp(jax.grad(loss, (0, 1)), (x, w), (vx, vw))[1])(x, w)

    want = hvp(lambda x, w, spec: _conv._lax_conv(x, w, spec, channels_last=False))
    for got, ref in zip(hvp(_conv._cpu_conv), want):
        assert_close(got, np.asarray(ref), rtol=1e-4, atol=1e-5)


CONV_ERRORS = [
    ((1, 1, 28, 28), (64, 3, 3, 3), {}, RuntimeError,
     r"Given groups=1, weight of size \[64, 3, 3, 3\], expected input\[1, 1, 28, 28\] to have 3 channels, "
     r"but got 1 channels instead"),
    ((1, 3, 2, 2), (64, 3, 3, 3), {}, RuntimeError,
     r"Calculated padded input size per channel: \(2 x 2\). Kernel size: \(3 x 3\). Kernel size can't be greater"),
    ((1, 3, 5, 5), (4, 3, 3, 3), {"dilation": 3}, RuntimeError,
     r"input size per channel: \(5 x 5\). Kernel size: \(7 x 7\)"),
    ((2,), (64, 3, 3, 3), {}, RuntimeError,
     r"Expected 3D \(unbatched\) or 4D \(batched\) input to conv2d, but got input of size: \[2\]"),
    ((1, 4, 5, 5), (3, 2, 3, 3), {"groups": 2}, RuntimeError, r"expected weight to be divisible by 2 at dimension 0"),
    ((1, 4, 5, 5), (4, 2, 3, 3), {"groups": 0}, RuntimeError, "non-positive groups is not supported"),
    ((1, 4, 5, 5), (4, 4, 3, 3), {"stride": 2, "padding": "same"}, RuntimeError,
     "padding='same' is not supported for strided convolutions"),
    ((1, 4, 5, 5), (4, 4, 3, 3), {"padding": "foo"}, RuntimeError, "Invalid padding string: 'foo'"),
    ((1, 4, 5, 5), (4, 4, 3, 3), {"stride": 0}, RuntimeError, "non-positive stride is not supported"),
    ((1, 4, 5, 5), (4, 4, 3, 3), {"padding": -1}, RuntimeError, "negative padding is not supported"),
    ((1, 4, 5, 5), (4, 4, 3, 3), {"dilation": 0}, RuntimeError, "dilation should be greater than zero"),
    ((1, 4, 5, 5), (4, 4, 3, 3), {"stride": (1, 2, 3)}, RuntimeError,
     r"expected stride to be a single integer value or a list of 2 values .* but got stride=\[1, 2, 3\]"),
    ((1, 4, 5, 5), (4, 4), {}, RuntimeError, "weight should have at least three dimensions"),
    ((1, 4, 5, 5), (4, 4, 3, 3, 3), {}, RuntimeError, "Expected 4-dimensional weight for conv2d"),
    ((1, 4, 5, 5), (0, 4, 3, 3), {}, RuntimeError, "expected weight to be at least 1 at dimension 0"),
]


@pytest.mark.parametrize("xs,ws,kw,err,match", CONV_ERRORS, ids=[e[-1][:40] for e in CONV_ERRORS])
def test_conv_errors(xs, ws, kw, err, match):
    with pytest.raises(err, match=match):
        F.conv2d(jnp.zeros(xs), jnp.zeros(ws), **kw)
    with pytest.raises(RuntimeError):  # the oracle agrees it is an error
        TF.conv2d(torch.zeros(xs), torch.zeros(ws), **kw)


def test_bias_and_dtype_errors():
    x, w = jnp.zeros((1, 4, 5, 5)), jnp.zeros((4, 4, 3, 3))
    with pytest.raises(RuntimeError, match=r"expected bias to be 1-dimensional with 4 elements, but got bias of size"):
        F.conv2d(x, w, jnp.zeros(3))
    with pytest.raises(RuntimeError, match="expected scalar type Float but found Int"):
        F.conv2d(x, w.astype(jnp.int32))


CONV_T_ERRORS = [
    ((1, 2, 5, 5), (3, 4, 3, 3), {}, RuntimeError,
     r"Given transposed=1, weight of size \[3, 4, 3, 3\], expected input\[1, 2, 5, 5\] to have 3 channels, "
     r"but got 2 channels instead"),
    ((1, 3, 5, 5), (3, 4, 3, 3), {"stride": 2, "output_padding": 2}, RuntimeError,
     "output padding must be smaller than either stride or dilation"),
    ((1, 3, 1, 1), (3, 4, 3, 3), {"padding": 2}, RuntimeError,
     r"Given input size per channel: \(1 x 1\). Calculated output size per channel: \(-1 x -1\). Output size is"),
    ((1, 4, 5, 5), (3, 4, 3, 3), {"groups": 2}, RuntimeError, "expected weight to be divisible by 2 at dimension 0"),
    ((1, 3, 5, 5), (3, 4, 3, 3), {"padding": "same"}, TypeError, "argument 'padding' must be tuple of ints, not str"),
]


@pytest.mark.parametrize("xs,ws,kw,err,match", CONV_T_ERRORS, ids=[e[-1][:40] for e in CONV_T_ERRORS])
def test_conv_transpose_errors(xs, ws, kw, err, match):
    with pytest.raises(err, match=match):
        F.conv_transpose2d(jnp.zeros(xs), jnp.zeros(ws), **kw)
    with pytest.raises(err):
        TF.conv_transpose2d(torch.zeros(xs), torch.zeros(ws), **kw)
