"""Normalization ops against real PyTorch: outputs, gradients, running-statistics updates, dtypes, errors."""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import jtorch.nn.functional as F
from torch_ref import assert_close, check_op, rand


@pytest.fixture
def x64():
    """JAX's 64-bit mode for one test (the other functional test files import this fixture)."""
    with jax.enable_x64(True):
        yield


def _check(jax_fn, torch_fn, *inputs, **kwargs):
    """check_op on the jitted op: one compilation instead of one per primitive keeps these files fast."""
    check_op(jax.jit(jax_fn), torch_fn, *inputs, **kwargs)


def _stats(c, dtype=np.float32):
    return rand((c,), seed=1, dtype=dtype), rand((c,), seed=2, dtype=dtype, low=0.5, high=2.0)


def _check_running(name, x, rm0, rv0, **kwargs):
    """Runs jtorch's pure op and PyTorch's in-place one; the returned statistics must equal PyTorch's."""
    trm, trv = torch.tensor(rm0), torch.tensor(rv0)
    getattr(TF, name)(torch.tensor(x), trm, trv, **kwargs)
    _, rm, rv = getattr(F, name)(jnp.asarray(x), jnp.asarray(rm0), jnp.asarray(rv0), **kwargs)
    assert_close((rm, rv), (trm, trv))


# (input shape, training, affine)
BATCH_NORM = [((4, 3), True, True), ((4, 3), False, False), ((4, 3, 5), True, False), ((4, 3, 5), False, True),
              ((2, 3, 4, 5), True, True), ((2, 3, 4, 5), False, True), ((2, 3, 2, 3, 2), True, True),
              ((2, 3, 2, 3, 2), False, False)]


@pytest.mark.parametrize("shape,training,affine", BATCH_NORM)
def test_batch_norm(shape, training, affine):
    rm0, rv0 = _stats(shape[1])
    x = rand(shape, seed=3, low=-2, high=3)
    wb = [rand((shape[1],), seed=4), rand((shape[1],), seed=5)] if affine else []
    kw = dict(training=training, momentum=0.3, eps=1e-3)
    _check(lambda v, *p: F.batch_norm(v, jnp.asarray(rm0), jnp.asarray(rv0), *p, **kw)[0],
             lambda v, *p: TF.batch_norm(v, torch.tensor(rm0), torch.tensor(rv0), *p, **kw), x, *wb)
    _check_running("batch_norm", x, rm0, rv0, **kw)


def test_batch_norm_without_running_stats():
    x = rand((5, 3, 4), seed=6)
    out, rm, rv = F.batch_norm(jnp.asarray(x), None, None, training=True)
    assert rm is None and rv is None
    assert_close(out, TF.batch_norm(torch.tensor(x), None, None, training=True))


def test_batch_norm_eval_returns_running_stats_unchanged():
    rm0, rv0 = _stats(3)
    _, rm, rv = F.batch_norm(jnp.ones((2, 3)), jnp.asarray(rm0), jnp.asarray(rv0))
    assert_close((rm, rv), (torch.tensor(rm0), torch.tensor(rv0)))


def test_batch_norm_traced_momentum_and_eps():
    rm0, rv0 = _stats(3)
    x = rand((6, 3, 2), seed=7)
    step = jax.jit(lambda x, m, e: F.batch_norm(x, jnp.asarray(rm0), jnp.asarray(rv0), training=True, momentum=m, eps=e))
    assert_close(step(jnp.asarray(x), 0.25, 1e-2),
                 F.batch_norm(jnp.asarray(x), jnp.asarray(rm0), jnp.asarray(rv0), training=True, momentum=0.25, eps=1e-2))


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_empty_1d(training):
    """torch returns an empty 1-D input unchecked (any statistics' size), the statistics unchanged."""
    for c in (0, 3):
        rm, rv = torch.zeros(c), torch.ones(c)
        want = TF.batch_norm(torch.zeros(0), rm, rv, training=training)
        got = F.batch_norm(jnp.zeros(0), jnp.zeros(c), jnp.ones(c), training=training)
        assert_close(got, (want, rm, rv))


def test_batch_norm_float64(x64):
    rm0, rv0 = _stats(3, np.float64)
    x = rand((4, 3, 5), seed=8, dtype=np.float64)
    _check(lambda v: F.batch_norm(v, jnp.asarray(rm0), jnp.asarray(rv0), training=True)[0],
             lambda v: TF.batch_norm(v, torch.tensor(rm0), torch.tensor(rv0), training=True), x, rtol=1e-12, atol=1e-12)
    _check_running("batch_norm", x, rm0, rv0, training=True)


def test_batch_norm_half_input_keeps_dtype():
    x = rand((4, 3), seed=9)
    out = F.batch_norm(jnp.asarray(x, jnp.bfloat16), None, None, training=True)[0]
    assert out.dtype == jnp.bfloat16
    assert_close(out.astype(jnp.float32), F.batch_norm(jnp.asarray(x), None, None, training=True)[0],
                 rtol=2e-2, atol=2e-2)


# (input shape, with running stats, use_input_stats, affine)
INSTANCE_NORM = [((2, 3, 5), True, True, True), ((2, 3, 4, 4), False, True, False), ((2, 3, 2, 3, 2), True, True, False),
                 ((2, 3, 5), True, False, True), ((1, 2, 3, 3), False, True, True)]


@pytest.mark.parametrize("shape,running,use_input_stats,affine", INSTANCE_NORM)
def test_instance_norm(shape, running, use_input_stats, affine):
    c = shape[1]
    rm0, rv0 = _stats(c)
    x = rand(shape, seed=10, low=-2, high=3)
    wb = [rand((c,), seed=11), rand((c,), seed=12)] if affine else []
    kw = dict(use_input_stats=use_input_stats, momentum=0.2)

    def stats(make):
        return (make(rm0), make(rv0)) if running else (None, None)
    _check(lambda v, *p: F.instance_norm(v, *stats(jnp.asarray), *p, **kw)[0],
             lambda v, *p: TF.instance_norm(v, *stats(torch.tensor), *p, **kw), x, *wb)
    if running:
        _check_running("instance_norm", x, rm0, rv0, **kw)


# (input shape, normalized_shape, affine)
LAYER_NORM = [((4, 5), 5, True), ((2, 3, 4), (3, 4), True), ((2, 3, 4), (4,), False), ((3,), [3], True),
              ((0, 4), 4, True)]


@pytest.mark.parametrize("shape,normalized_shape,affine", LAYER_NORM)
def test_layer_norm(shape, normalized_shape, affine):
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    wb = [rand(ns, seed=13), rand(ns, seed=14)] if affine else []
    _check(lambda v, *p: F.layer_norm(v, normalized_shape, *p, eps=1e-4),
             lambda v, *p: TF.layer_norm(v, ns, *p, eps=1e-4), rand(shape, seed=15, low=-2, high=3), *wb)


def test_layer_norm_keeps_bias_under_large_scale():
    """One normalised element: x - mean is 0, so the output is the bias even when weight / sqrt(eps) is large
    (folding weight into the shift lost ~2e-4 of it to float32 cancellation)."""
    x, w, b = (np.array([v], np.float32) for v in (-4.3228, -8.4784, -1.7658))
    x = np.concatenate([x, rand((3,), seed=16, low=-50, high=50)])[:, None]
    got = F.layer_norm(jnp.asarray(x), (1,), jnp.asarray(w), jnp.asarray(b))
    assert_close(got, TF.layer_norm(torch.tensor(x), (1,), torch.tensor(w), torch.tensor(b)), rtol=0, atol=1e-6)


def test_layer_norm_float64(x64):
    _check(lambda v: F.layer_norm(v, (3,)), lambda v: TF.layer_norm(v, (3,)), rand((4, 3), seed=16, dtype=np.float64),
             rtol=1e-12, atol=1e-12)


# (input shape, normalized_shape, eps, with weight)
RMS_NORM = [((4, 5), 5, None, True), ((2, 3, 4), (3, 4), 1e-3, False), ((3,), 3, 0.1, True)]


@pytest.mark.parametrize("shape,normalized_shape,eps,weighted", RMS_NORM)
def test_rms_norm(shape, normalized_shape, eps, weighted):
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    w = [rand(ns, seed=17)] if weighted else []
    _check(lambda v, *p: F.rms_norm(v, normalized_shape, *p, eps=eps),
             lambda v, *p: TF.rms_norm(v, ns, *p, eps=eps), rand(shape, seed=18), *w)


# (input shape, num_groups, affine)
GROUP_NORM = [((2, 6), 3, True), ((2, 6, 5), 2, True), ((2, 4, 3, 3), 4, False), ((2, 4, 2, 2, 2), 1, True),
              ((3, 4, 5), 2, False), ((0, 2), 1, True), ((0, 4, 3), 2, False)]


@pytest.mark.parametrize("shape,groups,affine", GROUP_NORM)
def test_group_norm(shape, groups, affine):
    wb = [rand((shape[1],), seed=19), rand((shape[1],), seed=20)] if affine else []
    _check(lambda v, *p: F.group_norm(v, groups, *p, eps=1e-4), lambda v, *p: TF.group_norm(v, groups, *p, eps=1e-4),
             rand(shape, seed=21, low=-2, high=3), *wb)


# (input shape, size, alpha, beta, k)
LRN = [((2, 5, 4), 3, 1e-4, 0.75, 1.0), ((2, 6, 3, 3), 2, 0.5, 0.75, 1.0), ((1, 4, 2, 2, 2), 5, 1e-2, 0.5, 2.0),
       ((1, 2, 1), 2, 1.0, 1.0, 1.0), ((0, 3, 4), 3, 1e-4, 0.75, 1.0)]


@pytest.mark.parametrize("shape,size,alpha,beta,k", LRN)
def test_local_response_norm(shape, size, alpha, beta, k):
    _check(lambda v: F.local_response_norm(v, size, alpha, beta, k),
             lambda v: TF.local_response_norm(v, size, alpha, beta, k), rand(shape, seed=22, low=-2, high=2))


# (input, p, dim); rows with an all-zero vector check PyTorch's zero gradient there.
ZERO_ROW = np.array([[0.0, 0.0, 0.0], [1.0, -2.0, 0.5]], np.float32)
NORMALIZE = [(rand((4, 5), seed=23), 2.0, 1), (rand((3, 4), seed=24), 1.0, 0), (rand((2, 3, 4), seed=25), 3.0, -1),
             (rand((4, 5), seed=26), math.inf, 1), (ZERO_ROW, 2.0, 1), (ZERO_ROW, 3.0, 1), (rand((5,), seed=27), 2.0, 0)]


@pytest.mark.parametrize("x,p,dim", NORMALIZE)
def test_normalize(x, p, dim):
    _check(lambda v: F.normalize(v, p, dim), lambda v: TF.normalize(v, p, dim), x)


def test_normalize_traced_p_and_eps():
    x = jnp.asarray(rand((3, 4), seed=28))
    assert_close(jax.jit(F.normalize, static_argnames="dim")(x, 3.0, dim=1, eps=1e-3), F.normalize(x, 3.0, 1, 1e-3))


ERRORS = [
    (F.batch_norm, (jnp.ones((1, 3)), jnp.zeros(3), jnp.ones(3)), {"training": True}, ValueError,
     r"^Expected more than 1 value per channel when training, got input size torch\.Size\(\[1, 3\]\)$"),
    (F.batch_norm, (jnp.ones((2, 3)), jnp.zeros(4), jnp.ones(4)), {}, RuntimeError, "running_mean should contain 3 elements not 4"),
    (F.batch_norm, (jnp.ones((2, 3)), None, None, jnp.ones(4)), {"training": True}, RuntimeError,
     "weight should contain 3 elements not 4"),
    (F.batch_norm, (jnp.ones((2, 3)), None, jnp.ones(3)), {}, RuntimeError, "running_mean must be defined in evaluation mode"),
    (F.batch_norm, (jnp.ones((2, 3)), jnp.ones(3), None), {}, RuntimeError, "running_var must be defined in evaluation mode"),
    (F.batch_norm, (jnp.ones((2, 3)), None, None), {"training": True, "eps": 0.0}, ValueError,
     "batch_norm eps must be positive during training, but got 0.0"),
    (F.batch_norm, (jnp.ones((2, 3)), jnp.ones(3), jnp.ones(3)), {"eps": -1.0}, ValueError,
     "batch_norm eps must be non-negative, but got -1.0"),
    (F.batch_norm, (jnp.ones(3), None, None), {"training": True}, IndexError, r"shape \(3,\)"),
    (F.instance_norm, (jnp.ones((2, 3, 1)),), {}, ValueError,
     r"^Expected more than 1 spatial element when training, got input size torch\.Size\(\[2, 3, 1\]\)$"),
    (F.instance_norm, (jnp.ones((2, 3, 4)),), {"use_input_stats": False}, RuntimeError,
     "Expected running_mean and running_var to be defined when use_input_stats is false"),
    (F.layer_norm, (jnp.ones((2, 3)), (4,)), {}, RuntimeError,
     r"Given normalized_shape=\[4\], expected input with shape \[\*, 4\], but got input of size\[2, 3\]"),
    (F.layer_norm, (jnp.ones((2, 3)), (3,), jnp.ones(4)), {}, RuntimeError,
     r"Expected weight to be of same shape as normalized_shape, but got weight of shape \[4\] and normalized_shape = \[3\]"),
    (F.rms_norm, (jnp.ones((2, 3)), (2, 3, 4)), {}, RuntimeError, r"Given normalized_shape=\[2, 3, 4\]"),
    (F.group_norm, (jnp.ones((2, 6)), 4), {}, RuntimeError,
     r"divisible by num_groups, but got input of shape \[2, 6\] and num_groups=4"),
    (F.group_norm, (jnp.ones((2, 6, 3)), 3, jnp.ones(5)), {}, RuntimeError,
     r"Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape \[5\]"),
    (F.group_norm, (jnp.ones(3), 1), {}, RuntimeError, "Expected at least 2 dimensions for input tensor but received 1"),
    (F.group_norm, (jnp.ones((1, 2)), 2), {}, ValueError,
     r"^Expected more than 1 value per channel when training, got input size \[1, 2\]$"),  # torch passes a list
    (F.local_response_norm, (jnp.ones((2, 3)), 2), {}, ValueError, r"Expected 3D or higher dimensionality input \(got 2"),
    (F.normalize, (jnp.ones((2, 3)),), {"dim": 3}, IndexError, r"range of \[-2, 1\], but got 3"),
]


@pytest.mark.parametrize("fn,args,kwargs,exc,match", ERRORS, ids=[f"{e[0].__name__}-{i}" for i, e in enumerate(ERRORS)])
def test_errors(fn, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        fn(*args, **kwargs)
