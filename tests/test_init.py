"""jtorch.nn.init against torch.nn.init: sample moments and bounds, exact fills, fans, gains, errors."""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch

from jtorch.nn import init
from torch_ref import assert_close

# (name, jax fn(key, shape), torch in-place fn(tensor), shape). Shapes give ~20k samples, so the
# sample mean/std of both sides agree to a few percent of std with overwhelming probability.
RANDOM = [
    ("uniform", lambda k, s: init.uniform(k, s, -0.5, 2.0), lambda t: torch.nn.init.uniform_(t, -0.5, 2.0), (200, 100), (-0.5, 2.0)),
    ("normal", lambda k, s: init.normal(k, s, 1.5, 0.3), lambda t: torch.nn.init.normal_(t, 1.5, 0.3), (20000,), None),
    ("trunc_normal", lambda k, s: init.trunc_normal(k, s), torch.nn.init.trunc_normal_, (20000,), (-2, 2)),
    ("trunc_normal_narrow", lambda k, s: init.trunc_normal(k, s, 0.2, 1.0, -0.5, 0.5),
     lambda t: torch.nn.init.trunc_normal_(t, 0.2, 1.0, -0.5, 0.5), (20000,), (-0.5, 0.5)),
    ("trunc_normal_offcentre", lambda k, s: init.trunc_normal(k, s, 0.0, 0.02, 0.01, 1.0),
     lambda t: torch.nn.init.trunc_normal_(t, 0.0, 0.02, 0.01, 1.0), (20000,), None),
    ("xavier_uniform", lambda k, s: init.xavier_uniform(k, s, gain=2.0),
     lambda t: torch.nn.init.xavier_uniform_(t, gain=2.0), (64, 32, 3, 3), (-2 * math.sqrt(6 / 864), 2 * math.sqrt(6 / 864))),
    ("xavier_normal", init.xavier_normal, torch.nn.init.xavier_normal_, (300, 70), None),
    ("kaiming_uniform", lambda k, s: init.kaiming_uniform(k, s, a=math.sqrt(5)),
     lambda t: torch.nn.init.kaiming_uniform_(t, a=math.sqrt(5)), (500, 1000), (-1 / math.sqrt(1000), 1 / math.sqrt(1000))),
    ("kaiming_uniform_fan_out_relu", lambda k, s: init.kaiming_uniform(k, s, mode="fan_out", nonlinearity="relu"),
     lambda t: torch.nn.init.kaiming_uniform_(t, mode="fan_out", nonlinearity="relu"), (16, 32, 5, 5),
     (-math.sqrt(6 / 400), math.sqrt(6 / 400))),
    ("kaiming_normal", init.kaiming_normal, torch.nn.init.kaiming_normal_, (100, 200), None),
    ("kaiming_normal_tanh", lambda k, s: init.kaiming_normal(k, s, mode="FAN_OUT", nonlinearity="tanh"),
     lambda t: torch.nn.init.kaiming_normal_(t, mode="FAN_OUT", nonlinearity="tanh"), (40, 30, 17), None),
    ("orthogonal", lambda k, s: init.orthogonal(k, s, gain=3.0), lambda t: torch.nn.init.orthogonal_(t, 3.0),
     (100, 200), None),
    ("sparse", lambda k, s: init.sparse(k, s, 0.3, std=0.5), lambda t: torch.nn.init.sparse_(t, 0.3, std=0.5),
     (200, 100), None),
]


@pytest.mark.parametrize("name,fn,torch_fn,shape,bounds", RANDOM, ids=[r[0] for r in RANDOM])
def test_random_matches_torch_distribution(name, fn, torch_fn, shape, bounds):
    torch.manual_seed(0)
    want = torch_fn(torch.empty(shape)).numpy()
    got = np.asarray(fn(jax.random.key(0), shape))
    assert got.shape == want.shape and got.dtype == want.dtype == np.float32
    scale = want.std()
    assert abs(got.mean() - want.mean()) < 0.05 * scale, (got.mean(), want.mean())
    np.testing.assert_allclose(got.std(), scale, rtol=0.03)
    assert (got == 0).mean() == pytest.approx((want == 0).mean(), abs=0.01)
    if bounds:  # bounded laws come close to both bounds, like torch's, and never pass them
        lo, hi = bounds
        for sample in (got, want):
            assert lo <= sample.min() < lo + 0.01 * (hi - lo) and hi - 0.01 * (hi - lo) < sample.max() <= hi


def test_bounds_are_exact():
    w = np.asarray(init.kaiming_uniform(jax.random.key(1), (500, 1000), a=math.sqrt(5)))
    bound = 1 / math.sqrt(1000)  # PyTorch's Linear default: kaiming_uniform(a=sqrt(5)) == U(±1/sqrt(fan_in)).
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.01)
    t = np.asarray(init.trunc_normal(jax.random.key(2), (50000,), mean=1.0, std=5.0, a=0.5, b=1.5))
    assert t.min() >= 0.5 and t.max() <= 1.5 and t.min() < 0.51 and t.max() > 1.49


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 4), (6, 2, 3, 3), (8, 2, 2)])
def test_orthogonal_is_orthogonal(shape):
    w = np.asarray(init.orthogonal(jax.random.key(0), shape, gain=2.0), np.float64).reshape(shape[0], -1)
    small = w @ w.T if w.shape[0] <= w.shape[1] else w.T @ w
    np.testing.assert_allclose(small, 4.0 * np.eye(min(w.shape)), atol=1e-5)


def test_sparse_zeros_per_column():
    w = np.asarray(init.sparse(jax.random.key(3), (10, 7), sparsity=0.25))
    np.testing.assert_array_equal((w == 0).sum(axis=0), [math.ceil(0.25 * 10)] * 7)


FILLS = [
    ("constant", lambda s: init.constant(s, 0.3), lambda t: torch.nn.init.constant_(t, 0.3), (3, 4)),
    ("ones", init.ones, torch.nn.init.ones_, (2, 0, 3)),
    ("zeros", init.zeros, torch.nn.init.zeros_, ()),
    ("eye", init.eye, torch.nn.init.eye_, (3, 5)),
    ("eye_tall", init.eye, torch.nn.init.eye_, (4, 2)),
    ("dirac1d", init.dirac, torch.nn.init.dirac_, (4, 2, 5)),
    ("dirac2d", init.dirac, torch.nn.init.dirac_, (3, 5, 3, 4)),
    ("dirac3d_groups", lambda s: init.dirac(s, groups=2), lambda t: torch.nn.init.dirac_(t, groups=2), (6, 2, 3, 3, 2)),
    ("dirac_groups_wide", lambda s: init.dirac(s, groups=3), lambda t: torch.nn.init.dirac_(t, 3), (6, 4, 3)),
]


@pytest.mark.parametrize("name,fn,torch_fn,shape", FILLS, ids=[r[0] for r in FILLS])
def test_fills_equal_torch(name, fn, torch_fn, shape):
    assert_close(fn(shape), torch_fn(torch.full(shape, 7.0)), rtol=0, atol=0)


@pytest.mark.parametrize("shape", [(3, 4), (6, 2, 5), (8, 4, 3, 3), (2, 3, 1, 2, 4), (5, 0, 3)])
def test_fans_equal_torch(shape):
    assert init._calculate_fan_in_and_fan_out(shape) == torch.nn.init._calculate_fan_in_and_fan_out(
        torch.empty(shape))


GAINS = [("linear", None), ("conv_transpose2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
         ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", 3), ("selu", None)]


@pytest.mark.parametrize("nonlinearity,param", GAINS)
def test_gain_equals_torch(nonlinearity, param):
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(
        torch.nn.init.calculate_gain(nonlinearity, param), rel=1e-15)


ERRORS = [
    (lambda: init.calculate_gain("swish"), "Unsupported nonlinearity swish"),
    (lambda: init.calculate_gain("leaky_relu", True), "negative_slope True not a valid number"),
    (lambda: init.calculate_gain("leaky_relu", "0.1"), "negative_slope 0.1 not a valid number"),
    (lambda: init._calculate_fan_in_and_fan_out((5,)), "fewer than 2 dimensions"),
    (lambda: init.xavier_uniform(jax.random.key(0), (5,)), "fewer than 2 dimensions"),
    (lambda: init.kaiming_normal(jax.random.key(0), (3, 4), mode="fan_avg"),
     r"Mode fan_avg not supported, please use one of \['fan_in', 'fan_out'\]"),
    (lambda: init.orthogonal(jax.random.key(0), (4,)), "Only tensors with 2 or more dimensions are supported"),
    (lambda: init.eye((2, 2, 2)), "Only tensors with 2 dimensions are supported"),
    (lambda: init.sparse(jax.random.key(0), (4,), 0.5), "Only tensors with 2 dimensions are supported"),
    (lambda: init.dirac((3, 3)), "Only tensors with 3, 4, or 5 dimensions are supported"),
    (lambda: init.dirac((3, 3, 3), groups=2), "dim 0 must be divisible by groups"),
]


@pytest.mark.parametrize("fn,match", ERRORS, ids=[m[:30] for _, m in ERRORS])
def test_errors(fn, match):
    with pytest.raises(ValueError, match=match):
        fn()


def test_zero_element_kaiming_warns_like_torch():
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        w = init.kaiming_uniform(jax.random.key(0), (0, 3))
    assert w.shape == (0, 3)
    assert init.orthogonal(jax.random.key(0), (0, 3)).shape == (0, 3)


def test_trunc_normal_far_mean_warns_like_torch():
    with pytest.warns(UserWarning, match="mean is more than 2 std from"):
        torch.nn.init.trunc_normal_(torch.empty(3), mean=5.0, std=1.0)
    with pytest.warns(UserWarning, match="mean is more than 2 std from"):
        w = init.trunc_normal(jax.random.key(0), (100,), mean=5.0, std=1.0)
    assert float(w.min()) >= -2 and float(w.max()) <= 2


def test_traced_hyperparameters_under_jit():
    @jax.jit
    def draw(key, lo, hi, std, gain, slope, sparsity):
        return (init.uniform(key, (4, 5), lo, hi), init.normal(key, (4, 5), 0.0, std),
                init.trunc_normal(key, (4, 5), 0.0, std, lo, hi), init.xavier_uniform(key, (4, 5), gain),
                init.kaiming_uniform(key, (4, 5), a=slope), init.kaiming_normal(key, (4, 5), a=slope),
                init.orthogonal(key, (4, 5), gain), init.sparse(key, (4, 5), sparsity, std),
                init.constant((2,), gain))
    outs = draw(jax.random.key(0), -0.5, 0.5, 0.1, 2.0, math.sqrt(5), 0.5)
    eager = [init.uniform(jax.random.key(0), (4, 5), -0.5, 0.5),
             init.kaiming_uniform(jax.random.key(0), (4, 5), a=math.sqrt(5))]
    np.testing.assert_allclose(outs[0], eager[0], rtol=1e-6)
    np.testing.assert_allclose(outs[4], eager[1], rtol=1e-6)
    assert float(jnp.abs(outs[2]).max()) <= 0.5
    assert [int(c) for c in (outs[7] == 0).sum(axis=0)] == [2] * 5
    assert all(o.dtype == jnp.float32 for o in outs)


@pytest.fixture
def x64():
    with jax.enable_x64(True):
        yield


@pytest.mark.parametrize("fn", [
    lambda k, **d: init.uniform(k, (3, 4), **d), lambda k, **d: init.normal(k, (3, 4), 0.0, 2.0, **d),
    lambda k, **d: init.trunc_normal(k, (3, 4), **d), lambda k, **d: init.kaiming_uniform(k, (3, 4), **d),
    lambda k, **d: init.xavier_normal(k, (3, 4), **d), lambda k, **d: init.orthogonal(k, (3, 4), **d),
    lambda k, **d: init.sparse(k, (3, 4), 0.5, **d), lambda k, **d: init.dirac((2, 2, 3), **d),
    lambda k, **d: init.eye((2, 3), **d),
])
def test_dtypes_under_x64(x64, fn):
    # Fresh parameters are float32 by default even with x64 on, as in PyTorch.
    assert fn(jax.random.key(0)).dtype == jnp.float32
    assert fn(jax.random.key(0), dtype=jnp.float64).dtype == jnp.float64
    assert fn(jax.random.key(0), dtype=jnp.bfloat16).dtype == jnp.bfloat16
