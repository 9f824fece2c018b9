"""Activations and softmax-family ops against real PyTorch: values, dtypes, gradients (at kinks and NaN too),
traced hyper-parameters, jit/vmap, and errors."""
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import jtorch.nn.functional as F
from torch_ref import assert_close, check_op, rand
from test_functional_normalization import x64  # noqa: F401 (x64 is a fixture)

# (name, positional args after input, kwargs); jtorch and torch functions share the name.
POINTWISE = [
    ("relu", (), {}),
    ("relu6", (), {}),
    ("leaky_relu", (), {}),
    ("leaky_relu", (0.2,), {}),
    ("elu", (), {"alpha": 0.7}),
    ("selu", (), {}),
    ("celu", (), {"alpha": 2.0}),
    ("gelu", (), {}),
    ("gelu", (), {"approximate": "tanh"}),
    ("silu", (), {}),
    ("mish", (), {}),
    ("sigmoid", (), {}),
    ("tanh", (), {}),
    ("hardtanh", (), {}),
    ("hardtanh", (), {"min_val": -3.0, "max_val": 0.5}),
    ("hardsigmoid", (), {}),
    ("hardswish", (), {}),
    ("softplus", (), {}),
    ("softplus", (), {"beta": 2.0, "threshold": 1.0}),
    ("softsign", (), {}),
    ("logsigmoid", (), {}),
    ("threshold", (1.0, -2.0), {}),
    ("tanhshrink", (), {}),
    ("hardshrink", (), {}),
    ("hardshrink", (), {"lambd": 1.0}),
    ("hardshrink", (), {"lambd": -0.5}),  # no dead zone: the identity, as torch
    ("softshrink", (), {"lambd": 1.0}),
]
IDS = [f"{n}-{a}-{k}" for n, a, k in POINTWISE]
# Every kink of the ops above (0, ±0.5, ±1, ±3, 6, beta*x = threshold), NaN, and large values.
KINKS = np.array([-30, -6, -3, -1, -0.5, 0, 0.5, 1, 3, 6, 20, 30, np.nan], np.float32)


def _pair(name, args, kwargs):
    return (lambda x: getattr(F, name)(x, *args, **kwargs)), (lambda x: getattr(TF, name)(x, *args, **kwargs))


@pytest.mark.parametrize("name,args,kwargs", POINTWISE, ids=IDS)
@pytest.mark.parametrize("x", [rand((3, 4, 5), seed=1, low=-5, high=5), KINKS], ids=["random", "kinks"])
def test_pointwise(name, args, kwargs, x):
    check_op(*_pair(name, args, kwargs), x)


@pytest.mark.parametrize("name,args,kwargs", POINTWISE, ids=IDS)
def test_pointwise_float64(x64, name, args, kwargs):
    # PyTorch's hardsigmoid backward multiplies by the float constant 1.0f / 6.0f, even in float64.
    grad_tol = 1e-7 if name == "hardsigmoid" else None
    check_op(*_pair(name, args, kwargs), rand((2, 7), seed=2, dtype=np.float64, low=-5, high=5),
             rtol=1e-12, atol=1e-12, grad_rtol=grad_tol, grad_atol=grad_tol)


@pytest.mark.parametrize("shape", [(), (0,), (2, 0, 3)])
@pytest.mark.parametrize("name,args,kwargs", POINTWISE[::3], ids=IDS[::3])
def test_pointwise_edge_shapes(name, args, kwargs, shape):
    check_op(*_pair(name, args, kwargs), rand(shape, seed=3, low=-2, high=2))


# Hyper-parameters passed as traced scalars inside jit must give the same result as Python floats.
TRACED = [(n, a, k) for n, a, k in POINTWISE if any(isinstance(v, float) for v in (*a, *k.values()))]


@pytest.mark.parametrize("name,args,kwargs", TRACED, ids=[f"{n}-{a}-{k}" for n, a, k in TRACED])
def test_traced_hyperparameters(name, args, kwargs):
    x = jnp.asarray(rand((4, 6), seed=4, low=-4, high=4))
    fn = getattr(F, name)
    traced = jax.jit(lambda x, a, k: fn(x, *a, **k))(x, tuple(jnp.float32(v) for v in args),
                                                      {k: jnp.float32(v) for k, v in kwargs.items()
                                                       if isinstance(v, float)} | {
                                                          k: v for k, v in kwargs.items() if not isinstance(v, float)})
    assert_close(traced, fn(x, *args, **kwargs))


def test_hyperparameter_keeps_input_dtype():
    x = jnp.ones(3, jnp.bfloat16)
    assert F.leaky_relu(x, jnp.float32(0.1)).dtype == jnp.bfloat16
    assert F.hardtanh(x, jnp.float32(-2), jnp.float32(2)).dtype == jnp.bfloat16


def test_jit_vmap_grad_compose():
    x = jnp.asarray(rand((3, 5), seed=5, low=-2, high=2))
    f = lambda v: jnp.sum(F.softplus(F.hardswish(v), beta=2.0) * F.softmax(v, dim=0))
    assert_close(jax.jit(jax.vmap(jax.grad(f)))(x), jnp.stack([jax.grad(f)(r) for r in x]))


def test_inplace_is_accepted_and_pure():
    x = jnp.asarray([-1.0, 2.0], jnp.float32)
    y = F.relu(x, inplace=True)
    assert_close(x, np.array([-1.0, 2.0], np.float32))
    assert_close(y, np.array([0.0, 2.0], np.float32))


# (name, input shape, weight shape)
PRELU = [("scalar weight", (2, 3, 4), ()), ("one weight", (2, 3, 4), (1,)), ("per channel", (2, 3, 4), (3,)),
         ("per channel 4d", (2, 3, 2, 2), (3,)), ("2d", (5, 4), (4,)), ("1d input", (5,), (1,)), ("0-d", (), (1,))]


@pytest.mark.parametrize("name,shape,wshape", PRELU, ids=[p[0] for p in PRELU])
def test_prelu(name, shape, wshape):
    x = rand(shape, seed=6)
    if x.size:
        x.flat[0] = 0.0  # PyTorch's gradient at the kink: weight for x, x itself (0) for weight
    check_op(F.prelu, TF.prelu, x, rand(wshape, seed=7, low=0, high=0.5))


SOFTMAX = ["softmax", "log_softmax", "softmin"]


# Each op on the 4-d case, the other shapes shared round-robin between the three ops.
SOFTMAX_CASES = [(n, (2, 3, 4, 5), 1) for n in SOFTMAX] + [
    (SOFTMAX[i % 3], shape, dim) for i, (shape, dim) in enumerate(
        [((5,), 0), ((3, 4), 0), ((2, 3, 4), -1), ((), 0), ((0, 3), 1), ((2, 0), 1)])]


@pytest.mark.parametrize("name,shape,dim", SOFTMAX_CASES)
def test_softmax_family(name, shape, dim):
    check_op(lambda x: getattr(F, name)(x, dim=dim), lambda x: getattr(TF, name)(x, dim=dim),
             rand(shape, seed=8, low=-10, high=10))


@pytest.mark.parametrize("name", SOFTMAX)
def test_softmax_family_dtype_and_float64(x64, name):
    x = rand((3, 4), seed=9, low=-10, high=10)
    check_op(lambda v: getattr(F, name)(v, 1, dtype=jnp.float64), lambda v: getattr(TF, name)(v, 1, dtype=torch.float64), x)
    check_op(lambda v: getattr(F, name)(v, 0), lambda v: getattr(TF, name)(v, 0), x.astype(np.float64),
             rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", SOFTMAX)
def test_softmax_stability_and_neg_inf(name):
    # Large logits must not overflow; a -inf logit gets probability 0 (and a log-probability of -inf).
    x = np.array([[1000.0, 0.0, -np.inf], [-1000.0, -1000.0, 5.0]], np.float32)
    check_op(lambda v: getattr(F, name)(v, dim=1), lambda v: getattr(TF, name)(v, dim=1), x, grad=False)


@pytest.mark.parametrize("name", SOFTMAX)
@pytest.mark.parametrize("shape", [(), (4,), (2, 3), (2, 3, 4), (2, 3, 4, 5)])
def test_softmax_implicit_dim(name, shape):
    x = rand(shape, seed=10)
    with pytest.warns(UserWarning, match=f"Implicit dimension choice for {name} has been deprecated") as got:
        out = getattr(F, name)(jnp.asarray(x))
    assert got[0].filename == __file__  # _stacklevel=3 points at the caller, as PyTorch's
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_close(out, getattr(TF, name)(torch.from_numpy(x)))


@pytest.mark.parametrize("shape,dim", [((4,), 0), ((3, 4), 1), ((2, 6, 3), 1), ((2, 6, 3), -2), ((2, 0, 4), 2)])
def test_glu(shape, dim):
    check_op(lambda x: F.glu(x, dim), lambda x: TF.glu(x, dim), rand(shape, seed=11, low=-3, high=3))


ERRORS = [
    (F.gelu, (jnp.ones(2),), {"approximate": "foo"}, RuntimeError, "approximate argument must be either none or tanh"),
    (F.hardtanh, (jnp.ones(2), 1.0, 0.0), {}, ValueError, "min_val cannot be greater than max_val"),
    (F.softshrink, (jnp.ones(2, jnp.float32), -1.0), {}, RuntimeError,
     r"^lambda must be in range \[0, 3.40282e\+38\] for input dtype Float, but found -1$"),
    (F.prelu, (jnp.ones((2, 3)), jnp.ones(2)), {}, RuntimeError,
     "Mismatch of parameter numbers and input channel size. Found parameter numbers = 2 and channel size = 3"),
    (F.prelu, (jnp.ones(3), jnp.ones(3)), {}, RuntimeError, "parameter numbers = 3 and channel size = 1"),
    (F.prelu, (jnp.ones((2, 3)), jnp.ones((3, 1))), {}, RuntimeError, "scalar or 1D tensor, but got: ndim = 2"),
    (F.glu, (jnp.ones((2, 3)),), {}, RuntimeError, "Halving dimension must be even, but dimension 1 is size 3"),
    (F.glu, (jnp.ones(()),), {}, RuntimeError, "glu does not support scalars"),
    (F.glu, (jnp.ones((2, 4)), 2), {}, IndexError, r"expected to be in range of \[-2, 1\], but got 2"),
    (F.softmax, (jnp.ones((2, 3)), 2), {}, IndexError, r"Dimension out of range \(expected to be in range of \[-2, 1\]"),
    (F.log_softmax, (jnp.ones(()), 1), {}, IndexError, r"range of \[-1, 0\], but got 1"),
]


@pytest.mark.parametrize("fn,args,kwargs,exc,match", ERRORS, ids=[f"{e[0].__name__}-{i}" for i, e in enumerate(ERRORS)])
def test_errors(fn, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        fn(*args, **kwargs)
