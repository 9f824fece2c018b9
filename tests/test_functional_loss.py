"""Loss functions against real PyTorch: values, dtypes, shapes, gradients, errors, warnings, transforms."""
from __future__ import annotations

import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from torch_ref import assert_close, check_op, rand

import jtorch.nn.functional as JF


class Both:
    """A keyword value that differs per library (a distance function)."""

    def __init__(self, jax_value, torch_value):
        self.jax_value, self.torch_value = jax_value, torch_value


def _kwargs(kwargs: dict, lib) -> dict:
    """Constant (non-differentiated) array arguments such as weights go in as each library's arrays."""
    out = {}
    for k, v in kwargs.items():
        if isinstance(v, Both):
            v = v.jax_value if lib is JF else v.torch_value
        elif isinstance(v, np.ndarray):
            v = jnp.asarray(v) if lib is JF else torch.from_numpy(v)
        out[k] = v
    return out


def fns(name: str, kwargs: dict):
    jkw, tkw = _kwargs(kwargs, JF), _kwargs(kwargs, TF)
    return (lambda *xs, **kw: getattr(JF, name)(*xs, **jkw, **kw)), \
        (lambda *xs, **kw: getattr(TF, name)(*xs, **tkw, **kw))


def f32(values):
    return np.array(values, np.float32)


def idx(shape, n, seed=0):
    return np.random.default_rng(seed).integers(0, n, size=shape).astype(np.int64)


def prob(shape, seed=0):
    return rand(shape, seed, low=0.02, high=0.98)


def sign(shape, seed=0):
    return np.where(rand(shape, seed) > 0, 1.0, -1.0).astype(np.float32)


def softmax(shape, axis=1, seed=0):
    x = np.exp(rand(shape, seed, high=2.0))
    return (x / x.sum(axis, keepdims=True)).astype(np.float32)


def log_softmax(shape, axis=1, seed=0):
    return np.log(softmax(shape, axis, seed))


def with_ignored(target, ignore=-100, every=3):
    target = target.copy()
    target.flat[::every] = ignore
    return target


STEPS = np.array([-2.0, -1.0, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0, 2.0], np.float32)
ZEROS9 = np.zeros(9, np.float32)
W5 = rand((5,), 7, low=0.2, high=2.0)
TRIPLE = [rand((4, 6), s) for s in (1, 2, 3)]
L1_DIST = Both(lambda a, b: jnp.sum(jnp.abs(a - b), -1), lambda a, b: torch.sum(torch.abs(a - b), -1))

# (loss name, differentiated/array inputs, keyword arguments). Each row runs with every reduction
# that the loss accepts, unless its kwargs fix one.
CASES = [
    ("mse_loss", [rand((3, 5)), rand((3, 5), 1)], {}),
    ("mse_loss", [rand((2, 3, 4)), rand((2, 3, 4), 1)], {"weight": rand((2, 3, 4), 2, low=0.1)}),
    ("mse_loss", [rand(()), rand((), 1)], {}),
    ("mse_loss", [rand((0, 4)), rand((0, 4), 1)], {}),
    ("l1_loss", [STEPS, ZEROS9], {}),
    ("l1_loss", [rand((3, 5)), rand((3, 5), 1)], {"weight": rand((3, 5), 2, low=0.1)}),
    ("smooth_l1_loss", [STEPS, ZEROS9], {}),
    ("smooth_l1_loss", [STEPS, ZEROS9], {"beta": 0.5}),
    ("smooth_l1_loss", [STEPS, ZEROS9], {"beta": 0.0}),
    ("smooth_l1_loss", [rand((4, 3), 3, high=3.0), rand((4, 3), 4)], {"beta": 2.0}),
    ("huber_loss", [STEPS, ZEROS9], {}),
    ("huber_loss", [STEPS, ZEROS9], {"delta": 0.5}),
    ("huber_loss", [rand((3, 5), high=3.0), rand((3, 5), 1)], {"delta": 0.7, "weight": rand((3, 5), 2, low=0.1)}),
    ("cross_entropy", [rand((4, 5)), idx((4,), 5)], {}),
    ("cross_entropy", [rand((5,)), idx((), 5)], {}),
    ("cross_entropy", [rand((2, 5, 3)), idx((2, 3), 5)], {}),
    ("cross_entropy", [rand((2, 5, 3, 4)), idx((2, 3, 4), 5)], {"weight": W5}),
    ("cross_entropy", [rand((6, 5)), with_ignored(idx((6,), 5))], {"weight": W5}),
    ("cross_entropy", [rand((6, 5)), idx((6,), 5)], {"ignore_index": 2, "weight": W5}),
    ("cross_entropy", [rand((3, 5)), np.full((3,), -100)], {}),
    ("cross_entropy", [rand((6, 5)), with_ignored(idx((6,), 5))], {"label_smoothing": 0.1}),
    ("cross_entropy", [rand((6, 5)), with_ignored(idx((6,), 5))], {"label_smoothing": 0.3, "weight": W5}),
    ("cross_entropy", [rand((2, 5, 3)), with_ignored(idx((2, 3), 5))], {"label_smoothing": 1.0, "weight": W5}),
    ("cross_entropy", [rand((4, 5)), idx((4,), 5)], {"label_smoothing": -0.5}),
    ("cross_entropy", [rand((4, 5)), softmax((4, 5), seed=1)], {}),
    ("cross_entropy", [rand((5,)), softmax((5,), axis=0, seed=1)], {"label_smoothing": 0.2}),
    ("cross_entropy", [rand((2, 5, 3)), softmax((2, 5, 3), seed=1)], {"weight": W5, "label_smoothing": 0.1}),
    ("cross_entropy", [rand((0, 5)), idx((0,), 5)], {}),
    ("cross_entropy", [rand((0, 5)), rand((0, 5))], {}),
    ("nll_loss", [log_softmax((4, 5)), idx((4,), 5)], {}),
    ("nll_loss", [log_softmax((5,), axis=0), idx((), 5)], {}),
    ("nll_loss", [log_softmax((2, 5, 3, 2)), with_ignored(idx((2, 3, 2), 5), 1)], {"weight": W5, "ignore_index": 1}),
    ("binary_cross_entropy", [prob((3, 5)), prob((3, 5), 1)], {}),
    ("binary_cross_entropy", [prob((3, 5)), prob((3, 5), 1)], {"weight": W5}),
    ("binary_cross_entropy", [f32([0.0, 1.0, 1e-30, 0.5]), f32([0.3, 0.2, 1.0, 0.5])], {}),  # clamps
    ("binary_cross_entropy_with_logits", [rand((3, 5), high=3.0), prob((3, 5), 1)], {}),
    ("binary_cross_entropy_with_logits", [rand((3, 5)), prob((3, 5), 1)], {"weight": W5, "pos_weight": W5[::-1] * 2}),
    ("binary_cross_entropy_with_logits", [f32([-100.0, 100.0, 0.0]), f32([1.0, 0.0, 0.5])], {}),
    ("kl_div", [log_softmax((3, 5)), softmax((3, 5), seed=1)], {"reduction": "batchmean"}),
    ("kl_div", [log_softmax((3, 5)), softmax((3, 5), seed=1)], {}),
    ("kl_div", [log_softmax((3, 5)), log_softmax((3, 5), seed=1)], {"log_target": True}),
    ("kl_div", [log_softmax((3, 5)), f32([0.0, 0.5, 0.5, 0.0, 0.0])], {"reduction": "sum"}),
    ("poisson_nll_loss", [rand((3, 5)), rand((3, 5), 1, low=0.0, high=4.0)], {}),
    ("poisson_nll_loss", [rand((3, 5), low=0.1, high=3.0), rand((3, 5), 1, low=0.0, high=4.0)], {"log_input": False}),
    ("poisson_nll_loss", [rand((3, 5)), f32([0.0, 0.5, 1.0, 2.0, 5.0])], {"full": True}),
    ("gaussian_nll_loss", [rand((3, 5)), rand((3, 5), 1), rand((3, 5), 2, low=0.1, high=2.0)], {}),
    ("gaussian_nll_loss", [rand((3, 5)), rand((3, 5), 1), f32([1e-8, 0.5, 2.0])], {"full": True}),
    ("gaussian_nll_loss", [rand((2, 3, 4)), rand((2, 3, 4), 1), rand((2, 1, 4), 2, low=0.1)], {"eps": 0.3}),
    ("gaussian_nll_loss", [rand((3, 5)), rand((3, 5), 1)], {"var": 0.5}),
    ("margin_ranking_loss", [rand((6,)), rand((6,), 1), sign((6,), 2)], {}),
    ("margin_ranking_loss", [rand((2, 3)), rand((2, 3), 1), sign((2, 3), 2)], {"margin": 0.5}),
    ("hinge_embedding_loss", [rand((3, 4)), sign((3, 4), 1)], {}),
    ("hinge_embedding_loss", [f32([0.0, 0.5, 1.0, 0.5]), f32([-1.0, -1.0, 1.0, -1.0])], {"margin": 0.5}),
    ("soft_margin_loss", [rand((3, 4), high=3.0)], {"target": sign((3, 4), 1)}),  # target: no torch grad
    ("multilabel_soft_margin_loss", [rand((3, 5)), idx((3, 5), 2).astype(np.float32)], {}),
    ("multilabel_soft_margin_loss", [rand((2, 3, 5)), idx((2, 3, 5), 2).astype(np.float32)], {"weight": W5}),
    ("multilabel_margin_loss", [rand((3, 4)), np.array([[3, 0, -1, 1], [1, 1, 2, -1], [0, 1, 2, 3]])], {}),
    ("multilabel_margin_loss", [rand((4,)), np.array([2, -1, 0, 0])], {}),
    ("multi_margin_loss", [rand((4, 5)), idx((4,), 5)], {}),
    ("multi_margin_loss", [rand((4, 5)), idx((4,), 5)], {"p": 2, "margin": 0.5, "weight": W5}),
    ("multi_margin_loss", [rand((5,)), idx((), 5)], {"margin": 0.3}),
    ("multi_margin_loss", [f32([0.0, 1.0, 0.0]), np.array([1])], {}),
    ("cosine_embedding_loss", [rand((4, 6)), rand((4, 6), 1), sign((4,), 2)], {}),
    ("cosine_embedding_loss", [rand((4, 6)), rand((4, 6), 1), np.array([1, -1, -1, 1])], {"margin": -0.2}),
    ("cosine_embedding_loss", [rand((6,)), rand((6,), 1), np.array(-1.0, np.float32)], {}),
    ("triplet_margin_loss", TRIPLE, {}),
    ("triplet_margin_loss", TRIPLE, {"p": 1, "margin": 0.5, "swap": True}),
    ("triplet_margin_loss", [rand((2, 3, 4)), rand((1, 3, 4), 1), rand((2, 1, 4), 2)], {"eps": 0.0}),
    ("triplet_margin_with_distance_loss", TRIPLE, {}),
    ("triplet_margin_with_distance_loss", TRIPLE, {"distance_function": L1_DIST, "swap": True, "margin": 2.0}),
]


def _case_id(case) -> str:
    name, inputs, kwargs = case
    shapes = "x".join(map(str, np.shape(inputs[0])))
    return f"{name}-{shapes}-" + ",".join(f"{k}" for k in kwargs)


def _reductions(kwargs: dict) -> list[str]:
    return [kwargs["reduction"]] if "reduction" in kwargs else ["none", "mean", "sum"]


def _run(name, inputs, kwargs, **tols):
    """check_op on the tuple of every reduction; the jax side jitted (one compile, not one per op)."""
    jax_fn, torch_fn = fns(name, {k: v for k, v in kwargs.items() if k != "reduction"})
    reductions = _reductions(kwargs)
    check_op(jax.jit(lambda *xs: tuple(jax_fn(*xs, reduction=r) for r in reductions)),
             lambda *xs: tuple(torch_fn(*xs, reduction=r) for r in reductions), *inputs, **tols)


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides")
@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_against_torch(case):
    _run(*case, rtol=1e-5, atol=1e-5)


X64_CASES = [c for c in CASES if c[0] in ("mse_loss", "smooth_l1_loss", "cross_entropy", "binary_cross_entropy",
                                          "gaussian_nll_loss", "multi_margin_loss", "triplet_margin_loss")][::2]


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides")
@pytest.mark.parametrize("case", X64_CASES, ids=_case_id)
def test_float64(case):
    name, inputs, kwargs = case
    as64 = [x.astype(np.float64) if getattr(x, "dtype", None) == np.float32 else x for x in inputs]
    kw64 = {k: v.astype(np.float64) if getattr(v, "dtype", None) == np.float32 else v for k, v in kwargs.items()}
    with jax.enable_x64(True):
        _run(name, as64, kw64, rtol=1e-10, atol=1e-12)


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides")
@pytest.mark.parametrize("case", list({c[0]: c for c in CASES[::-1]}.values()), ids=_case_id)
def test_eager_matches_jit(case):
    """The un-jitted path (which runs the concrete-value checks) computes the same values (first row of
    each loss: op-by-op execution is slow)."""
    name, inputs, kwargs = case
    jax_fn, _ = fns(name, {**kwargs, "reduction": _reductions(kwargs)[0]})
    np.testing.assert_allclose(jax_fn(*inputs), jax.jit(jax_fn)(*inputs), rtol=1e-6, atol=1e-6)


# (loss name, inputs, kwargs with the traced hyper-parameter first): the value passed under jit.
TRACED = [
    ("smooth_l1_loss", [STEPS, ZEROS9], {"beta": 0.5}),
    ("smooth_l1_loss", [STEPS, ZEROS9], {"beta": 0.0}),
    ("huber_loss", [STEPS, ZEROS9], {"delta": 0.5}),
    ("cross_entropy", [rand((6, 5)), with_ignored(idx((6,), 5))], {"label_smoothing": 0.2, "weight": W5}),
    ("cross_entropy", [rand((4, 5)), idx((4,), 5)], {"label_smoothing": 0.0}),
    ("cross_entropy", [rand((4, 5)), softmax((4, 5))], {"label_smoothing": 0.2}),
    ("poisson_nll_loss", [rand((3, 5), low=0.0, high=2.0), rand((3, 5), 1, high=3.0)],
     {"eps": 0.5, "log_input": False}),
    ("gaussian_nll_loss", [rand((3, 5)), rand((3, 5), 1), rand((3, 5), 2, low=0.0)], {"eps": 0.2}),
    ("margin_ranking_loss", [rand((6,)), rand((6,), 1), sign((6,), 2)], {"margin": 0.3}),
    ("hinge_embedding_loss", [rand((3, 4)), sign((3, 4), 1)], {"margin": 0.4}),
    ("multi_margin_loss", [rand((4, 5)), idx((4,), 5)], {"margin": 0.6, "p": 2}),
    ("cosine_embedding_loss", [rand((4, 6)), rand((4, 6), 1), sign((4,), 2)], {"margin": 0.1}),
    ("triplet_margin_loss", TRIPLE, {"margin": 0.7}),
]


@pytest.mark.parametrize("case", TRACED, ids=_case_id)
def test_traced_hyper_parameter(case):
    """A hyper-parameter passed as a traced float32/float64 value gives PyTorch's result in float32."""
    name, inputs, kwargs = case
    (hyper, value), rest = next(iter(kwargs.items())), dict(list(kwargs.items())[1:])
    jax_fn, torch_fn = fns(name, rest)
    want = torch_fn(*[torch.from_numpy(np.asarray(x)) for x in inputs], **{hyper: value})
    with jax.enable_x64(True):
        f = jax.jit(lambda h, x0: jax_fn(x0, *inputs[1:], **{hyper: h}))
        got = f(jnp.float64(value), inputs[0])
        grad = jax.grad(lambda x0: f(jnp.float64(value), x0))(inputs[0])
    assert_close(got, want, rtol=1e-5, atol=1e-6)
    assert grad.dtype == jnp.float32 and np.all(np.isfinite(grad))


def test_vmap_over_batch():
    x, t = rand((3, 4, 5)), idx((3, 4), 5)
    per = jax.vmap(JF.cross_entropy)(jnp.asarray(x), jnp.asarray(t))
    want = [TF.cross_entropy(torch.from_numpy(x[i]), torch.from_numpy(t[i])) for i in range(3)]
    assert_close(per, torch.stack(want))
    per = jax.vmap(lambda a, b: JF.triplet_margin_loss(a, b, -b))(jnp.asarray(x), jnp.asarray(x[::-1]))
    want = [TF.triplet_margin_loss(torch.from_numpy(x[i]), torch.from_numpy(x[2 - i]), -torch.from_numpy(x[2 - i]))
            for i in range(3)]
    assert_close(per, torch.stack(want))


def test_out_of_range_target_is_nan_under_jit():
    loss = jax.jit(JF.cross_entropy)(jnp.zeros((2, 3)), jnp.array([0, 3]))
    assert np.isnan(loss)


X, Y, P = rand((3, 5)), idx((3,), 5), prob((3, 5))

# (loss name, args, kwargs, exception type (also PyTorch's), regex for our message)
ERRORS = [
    ("mse_loss", [X, X], {"reduction": "bogus"}, ValueError, "bogus is not a valid value for reduction"),
    ("mse_loss", [X, X], {"reduction": "elementwise_mean", "weight": X}, ValueError, "Invalid reduction mode"),
    ("mse_loss", [X, X], {"weight": X[0]}, ValueError, r"Weights and input must have the same size.*\(5,\).*\(3, 5\)"),
    ("l1_loss", [X[:, :4], X[:2, :, None]], {}, RuntimeError, r"\(3, 4\).*\(2, 5, 1\) cannot be broadcast"),
    ("smooth_l1_loss", [X, X], {"beta": -1.0}, RuntimeError, "does not support negative values for beta"),
    ("huber_loss", [X, X], {"delta": 0.0}, RuntimeError, "does not support non-positive values for delta"),
    ("gaussian_nll_loss", [X, X, -1.0], {}, ValueError, "var has negative entry"),
    ("gaussian_nll_loss", [X, X, -np.abs(X)], {}, ValueError, "var has negative entry"),
    ("gaussian_nll_loss", [X, X, np.ones((1, 1), np.float32)], {}, ValueError, r"var is of incorrect size.*\(1, 1\)"),
    ("gaussian_nll_loss", [X, X, 1.0], {"reduction": "elementwise_mean"}, ValueError, "elementwise_mean is not valid"),
    ("poisson_nll_loss", [X, X], {"reduction": "elementwise_mean"}, ValueError, "is not a valid value for reduction"),
    ("kl_div", [X, X], {"reduction": "bogus"}, ValueError, "bogus is not a valid value"),
    ("binary_cross_entropy", [P, P[:, :, None]], {}, ValueError, r"target size \(torch.Size\(\[3, 5, 1\]\)\)"),
    ("binary_cross_entropy", [P + 1, P], {}, RuntimeError, "elements of input should be between 0 and 1"),
    ("binary_cross_entropy", [P, P - 1], {}, RuntimeError, "elements of target should be between 0 and 1"),
    ("binary_cross_entropy", [P, P], {"weight": W5[:3]}, RuntimeError, r"`weight` shape \(3,\).*\(3, 5\)"),
    ("binary_cross_entropy_with_logits", [X, P[:, :4]], {}, ValueError, r"must be the same as input size"),
    ("binary_cross_entropy_with_logits", [X, P], {"pos_weight": np.ones((2, 3, 5), np.float32)}, RuntimeError,
     r"`pos_weight` shape \(2, 3, 5\) does not broadcast"),
    ("cross_entropy", [X, Y.astype(np.float32)], {}, RuntimeError, "expected target dtype to be an integer type"),
    ("cross_entropy", [X, np.zeros((3, 5), np.int64)], {}, RuntimeError, "Expected floating point type for target"),
    ("cross_entropy", [X, P], {"ignore_index": 1}, RuntimeError, "ignore_index is not supported"),
    ("cross_entropy", [X, np.zeros(4, np.int64)], {}, ValueError,
     r"Expected input batch_size \(3\) to match target batch_size \(4\)\."),
    ("cross_entropy", [X, np.array([0, 5, 1])], {}, IndexError, r"^Target 5 is out of bounds\.$"),
    ("cross_entropy", [X, np.array([0, -1, 1])], {"label_smoothing": 0.1}, IndexError, "Target -1 is out of bounds"),
    ("cross_entropy", [X, np.zeros((3, 2), np.int64)], {}, RuntimeError, "0D or 1D target tensor expected"),
    ("cross_entropy", [rand((2, 5, 3)), np.zeros((2, 4), np.int64)], {}, RuntimeError,
     r"Expected target size \[2, 3\], got \[2, 4\]"),
    ("cross_entropy", [X, Y], {"weight": W5[:4]}, RuntimeError, r"defined either for all 5 classes.*\[4\]"),
    ("cross_entropy", [X, P], {"weight": W5[:4]}, RuntimeError, r"cross_entropy: weight tensor should be"),
    ("cross_entropy", [X, Y], {"label_smoothing": 1.5}, RuntimeError,
     "label_smoothing must be between 0.0 and 1.0. Got: 1.5"),
    ("nll_loss", [X[0], np.zeros(2, np.int64)], {}, ValueError, "For 1D input, 1D target must have size 1"),
    ("nll_loss", [X, np.array([0, 7, 1])], {}, IndexError, "Target 7 is out of bounds"),
    ("nll_loss", [X, X], {}, RuntimeError, "0D or 1D target tensor expected"),
    ("margin_ranking_loss", [X[0], X[0, :, None], X[0]], {}, RuntimeError, r"same dimension.*\(5,\).*\(5, 1\)"),
    ("soft_margin_loss", [X[0], X], {}, RuntimeError, r"`target` shape \(3, 5\) does not broadcast"),
    ("multilabel_soft_margin_loss", [X, X], {"reduction": "bogus"}, ValueError, "bogus is not valid"),
    ("multilabel_margin_loss", [X, Y[:, None]], {}, RuntimeError, r"inconsistent target size: \[3, 1\]"),
    ("multilabel_margin_loss", [X, np.full((3, 5), 5)], {}, RuntimeError, "'target' is out of range"),
    ("multilabel_margin_loss", [rand((2, 3, 4)), np.zeros((2, 3, 4), np.int64)], {}, RuntimeError,
     r"Expected non-empty vector or matrix.*\[2, 3, 4\]"),
    ("multi_margin_loss", [X, Y], {"p": 3}, ValueError, "only p == 1 and p == 2 supported"),
    ("multi_margin_loss", [X, Y], {"weight": W5[None]}, ValueError, "weight must be one-dimensional"),
    ("multi_margin_loss", [X, Y], {"weight": W5[:4]}, RuntimeError,
     r"inconsistent weight size, expected 5 but got \[4\]"),
    ("multi_margin_loss", [X, np.zeros(4, np.int64)], {}, RuntimeError, r"Expected target size \[3\], but got \[4\]"),
    ("multi_margin_loss", [X, np.array([0, 5, 1])], {}, RuntimeError, "target out of range"),
    ("multi_margin_loss", [X, Y.astype(np.float32)], {}, RuntimeError, "integer `target` dtype"),
    ("multi_margin_loss", [rand((3, 0)), Y], {}, RuntimeError, "Expected non-empty vector or matrix"),
    ("cosine_embedding_loss", [X, X, np.ones((3, 1), np.float32)], {}, RuntimeError, "0D or 1D target tensor expected"),
    ("cosine_embedding_loss", [X, X, np.float32(1.0)], {}, RuntimeError,
     r"0D target tensor expects 1D input tensors, but found inputs with sizes \[3, 5\] and \[3, 5\]"),
    ("triplet_margin_loss", [X, X, X[0]], {}, RuntimeError, "anchor 2D, positive 2D, and negative 1D"),
    ("triplet_margin_loss", [X, X, X], {"margin": 0.0}, ValueError, "margin must be greater than 0, got 0.0"),
    ("triplet_margin_with_distance_loss", [X, X, X], {"margin": -1.0}, ValueError, "margin must be greater than 0"),
    ("triplet_margin_with_distance_loss", [X, X, X], {"reduction": "elementwise_mean"}, ValueError,
     "elementwise_mean is not a valid value for reduction"),
]


@pytest.mark.filterwarnings("ignore:Using a target size")
@pytest.mark.parametrize("case", ERRORS, ids=lambda c: f"{c[0]}-{c[4][:30]}" if isinstance(c, tuple) else None)
def test_errors(case):
    name, args, kwargs, err, regex = case
    jax_fn, torch_fn = fns(name, kwargs)
    is_array = (np.ndarray, np.generic)
    with pytest.raises(err):
        torch_fn(*[torch.from_numpy(np.asarray(a)) if isinstance(a, is_array) else a for a in args])
    with pytest.raises(err, match=regex):
        jax_fn(*[jnp.asarray(a) if isinstance(a, is_array) else a for a in args])


def _warning_texts(fn, *args, **kwargs) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn(*args, **kwargs)
    return [str(w.message) for w in caught]


@pytest.mark.parametrize("name, args, kwargs", [
    ("mse_loss", [rand((1, 10)), rand((10, 1))], {}),
    ("l1_loss", [rand((3,)), rand(())], {}),
    ("huber_loss", [rand((2, 1)), rand((3,))], {}),
    ("smooth_l1_loss", [X, X], {"size_average": False}),
    ("cross_entropy", [X, Y], {"reduce": False}),
    ("nll_loss", [X, Y], {"size_average": True, "reduce": True}),
    ("kl_div", [X, X], {}),
    ("kl_div", [X, X], {"reduction": "batchmean"}),
    ("kl_div", [X, X], {"reduction": "elementwise_mean"}),
    ("multi_margin_loss", [X, Y], {"reduction": "elementwise_mean"}),
    ("binary_cross_entropy", [P, P], {"size_average": False, "reduce": False}),
])
def test_warnings_match_torch(name, args, kwargs):
    jax_fn, torch_fn = fns(name, kwargs)
    want = _warning_texts(torch_fn, *[torch.from_numpy(a) for a in args])
    got = _warning_texts(jax_fn, *[jnp.asarray(a) for a in args])
    assert got == want


def test_warning_points_at_caller():
    with pytest.warns(UserWarning, match="Using a target size") as record:
        JF.mse_loss(jnp.zeros((1, 10)), jnp.zeros((10, 1)))
    assert record[0].filename == __file__
    with pytest.warns(UserWarning, match="size_average and reduce") as record:
        JF.cross_entropy(jnp.zeros((1, 3)), jnp.zeros(1, int), size_average=False)
    assert record[0].filename == __file__


def test_legacy_flags_select_reduction():
    x, y = rand((3, 5)), rand((3, 5), 1)
    for size_average, reduce, reduction in [(None, None, "mean"), (False, None, "sum"), (True, False, "none"),
                                            (None, False, "none"), (False, True, "sum")]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = JF.mse_loss(jnp.asarray(x), jnp.asarray(y), size_average=size_average, reduce=reduce,
                              reduction="bogus" if size_average is not None or reduce is not None else "mean")
        assert_close(got, TF.mse_loss(torch.from_numpy(x), torch.from_numpy(y), reduction=reduction))
