"""linear/bilinear, dropout, embedding/one_hot and distances against real PyTorch."""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import jtorch.nn.functional as F
from torch_ref import assert_close, check_op, rand
from test_functional_normalization import _check, x64  # noqa: F401 (x64 is a fixture)


# (input shape, weight shape, bias)
LINEAR = [((5, 3), (4, 3), True), ((2, 5, 3), (4, 3), False), ((3,), (4, 3), True), ((5, 3), (3,), False),
          ((0, 3), (4, 3), True), ((2, 3), (0, 3), False)]


@pytest.mark.parametrize("shape,wshape,bias", LINEAR)
def test_linear(shape, wshape, bias):
    b = [rand(wshape[:1], seed=3)] if bias else []
    check_op(F.linear, TF.linear, rand(shape, seed=1), rand(wshape, seed=2), *b)


def test_linear_float64(x64):
    check_op(F.linear, TF.linear, *(rand(s, seed=i, dtype=np.float64) for i, s in enumerate([(5, 3), (4, 3), (4,)])),
             rtol=1e-12, atol=1e-12)


# (input1 shape, input2 shape, weight shape, bias)
BILINEAR = [((5, 3), (5, 4), (2, 3, 4), True), ((2, 5, 3), (2, 5, 4), (6, 3, 4), False), ((3,), (4,), (5, 3, 4), True)]


@pytest.mark.parametrize("s1,s2,ws,bias", BILINEAR)
def test_bilinear(s1, s2, ws, bias):
    b = [rand(ws[:1], seed=7)] if bias else []
    _check(F.bilinear, TF.bilinear, rand(s1, seed=4), rand(s2, seed=5), rand(ws, seed=6), *b)


# (name, input shape, number of leading dims the mask varies over (None: every element), alpha)
DROPOUT = [("dropout", (40, 50), None, False), ("alpha_dropout", (40, 50), None, True),
           ("dropout1d", (4, 300, 8), 2, False), ("dropout1d", (300, 8), 1, False),
           ("dropout2d", (4, 300, 3, 3), 2, False), ("dropout3d", (2, 300, 2, 2, 2), 2, False),
           ("dropout3d", (300, 2, 2, 2), 1, False), ("feature_alpha_dropout", (4, 300, 3), 2, True)]
P = 0.3


def _torch_values(name, ndim, x):
    """The set of values PyTorch's op produces on a constant input (its keep and drop values)."""
    torch.manual_seed(0)
    out = getattr(TF, name)(torch.full((20, 100) + (1,) * (ndim - 2), x), P, True)
    return np.unique(out.numpy())


@pytest.mark.parametrize("name,shape,channels,alpha", DROPOUT)
def test_dropout(name, shape, channels, alpha):
    fn = getattr(F, name)
    x = jnp.asarray(rand(shape, seed=8, low=0.5, high=1.5))
    out = fn(x, P, True, key=jax.random.key(0))
    dropped_value = _torch_values(name, len(shape), 0.0)[0] if alpha else 0.0
    kept = jnp.abs(out - dropped_value) > 1e-5
    assert abs(float(jnp.mean(kept)) - (1 - P)) < 0.05
    if channels is not None:  # one draw per channel: the mask is constant over the trailing dims
        flat = kept.reshape(shape[:channels] + (-1,))
        assert bool(jnp.all(flat == flat[..., :1]))
    for v in (0.0, 1.0):  # keep and drop values equal PyTorch's
        ours = np.unique(np.asarray(fn(jnp.full(shape, v), P, True, key=jax.random.key(1))))
        np.testing.assert_allclose(ours, _torch_values(name, len(shape), v), rtol=1e-6)
    # The gradient is the mask times the keep scale.
    grad = jax.grad(lambda v: jnp.sum(fn(v, P, True, key=jax.random.key(0))))(x)
    scale = 1 / math.sqrt((1.7580993408473766 ** 2 * P + 1) * (1 - P)) if alpha else 1 / (1 - P)
    assert_close(grad, jnp.where(kept, scale, 0.0).astype(x.dtype))


@pytest.mark.parametrize("name,shape", [d[:2] for d in DROPOUT])
def test_dropout_identity_cases(name, shape):
    fn, x = getattr(F, name), jnp.asarray(rand(shape, seed=9))
    assert fn(x, 0.5, training=False) is x  # no key needed
    assert fn(x, 0.0, training=True) is x
    zeros = jax.jit(lambda v, p: fn(v, p, True, key=jax.random.key(0)))(x, 1.0)  # traced p == 1
    assert_close(zeros, np.zeros(x.shape, np.float32))


def test_dropout_traced_p_matches_static_and_keys_matter():
    x, key = jnp.ones((50, 40)), jax.random.key(3)
    traced = jax.jit(lambda v, p: F.dropout(v, p, key=key))(x, 0.3)
    assert_close(traced, F.dropout(x, 0.3, key=key))
    assert not bool(jnp.all(F.dropout(x, 0.3, key=jax.random.key(4)) == traced))
    per_row = jax.vmap(lambda k, v: F.dropout(v, 0.3, key=k))(jax.random.split(key, 50), x)
    assert per_row.shape == x.shape


def test_dropout_float64(x64):
    x = jnp.ones((4, 3, 2, 2), jnp.float64)
    for fn in (F.dropout, F.alpha_dropout, F.dropout2d):
        assert fn(x, 0.5, True, key=jax.random.key(0)).dtype == jnp.float64


def test_dropout2d_warnings():
    with pytest.warns(UserWarning, match="dropout2d: Received a 3D input to dropout2d and assuming that channel-wise"):
        F.dropout2d(jnp.ones((2, 3, 4)), training=False)
    with pytest.warns(UserWarning, match="dropout3d: Received a 3-D input to dropout3d, which is deprecated"):
        F.dropout3d(jnp.ones((2, 3, 4)), training=False)


# (index array, num_embeddings, embedding_dim, kwargs)
IDX = np.array([[1, 2, 2, 0], [4, 2, 1, 1]], np.int64)
EMBEDDING = [(np.array([3, 0, 3], np.int64), 5, 3, {}), (IDX, 5, 3, {"padding_idx": 2}),
             (IDX, 5, 3, {"padding_idx": -1}), (IDX, 5, 4, {"max_norm": 1.0}),
             (IDX, 5, 4, {"max_norm": 0.5, "norm_type": 1.0}), (IDX, 5, 3, {"scale_grad_by_freq": True}),
             (IDX, 5, 3, {"padding_idx": 1, "max_norm": 1.2, "scale_grad_by_freq": True}),
             (IDX, 5, 3, {"padding_idx": 0, "sparse": True}),
             (np.array(2, np.int64), 4, 3, {}), (np.zeros((0, 2), np.int64), 4, 3, {})]


@pytest.mark.parametrize("idx,num,dim,kwargs", EMBEDDING)
def test_embedding(idx, num, dim, kwargs):
    dense = {k: v for k, v in kwargs.items() if k != "sparse"}  # ours ignores sparse=True: compare dense grads
    _check(lambda w: F.embedding(jnp.asarray(idx), w, **kwargs), lambda w: TF.embedding(torch.from_numpy(idx), w, **dense),
           rand((num, dim), seed=10, low=-1.5, high=1.5))


@pytest.mark.parametrize("x,num_classes", [(np.array([0, 2, 1]), -1), (np.array([[0, 4], [3, 1]]), 5),
                                           (np.zeros((0,), np.int64), 3), (np.array(1), 2)])
def test_one_hot(x, num_classes):
    got = F.one_hot(jnp.asarray(x), num_classes)
    assert got.dtype == jax.dtypes.canonicalize_dtype(jnp.int64)  # int32 unless JAX's 64-bit mode is on
    assert_close(got, TF.one_hot(torch.from_numpy(x), num_classes), check_dtype=False)
    assert_close(jax.jit(F.one_hot, static_argnums=1)(jnp.asarray(x), got.shape[-1]), got)


def test_one_hot_int64_under_x64(x64):
    assert_close(F.one_hot(jnp.array([0, 2])), TF.one_hot(torch.tensor([0, 2])))


# (x1 shape, x2 shape, kwargs); ZERO rows put an all-zero vector first, for PyTorch's zero gradient there.
COSINE = [((4, 5), (4, 5), {}), ((3, 4), (1, 4), {"dim": 1}), ((2, 3, 4), (2, 3, 4), {"dim": -1}),
          ((5,), (5,), {"dim": 0}), ((4, 5), (4, 5), {"eps": 0.5}), ("zero", (3, 4), {})]
PAIRWISE = [((4, 5), (4, 5), {}), ((4, 5), (4, 5), {"p": 1.0}), ((4, 5), (4, 5), {"p": 3.0, "keepdim": True}),
            ((4, 5), (4, 5), {"p": math.inf}), ((3, 1, 4), (2, 4), {}), ((5,), (5,), {"eps": 0.0}),
            ("zero", (3, 4), {"eps": 0.0})]


def _inputs(s1, s2):
    x2 = rand(s2, seed=12)
    if s1 == "zero":
        x1 = x2.copy()
        x2[0] = 0.0
        x1[0] = 0.0
        return x1, x2
    return rand(s1, seed=11), x2


@pytest.mark.parametrize("name,s1,s2,kwargs", [("cosine_similarity", *c) for c in COSINE]
                         + [("pairwise_distance", *c) for c in PAIRWISE])
def test_similarity_and_pairwise_distance(name, s1, s2, kwargs):
    _check(lambda a, b: getattr(F, name)(a, b, **kwargs), lambda a, b: getattr(TF, name)(a, b, **kwargs), *_inputs(s1, s2))


def test_distances_float64(x64):
    x1, x2 = rand((4, 5), seed=13, dtype=np.float64), rand((4, 5), seed=14, dtype=np.float64)
    for name in ("cosine_similarity", "pairwise_distance"):
        _check(getattr(F, name), getattr(TF, name), x1, x2, rtol=1e-12, atol=1e-12)
    _check(F.cdist, torch.cdist, x1, x2, rtol=1e-12, atol=1e-12)


PDIST = [((5, 3), 2.0), ((4, 2), 1.0), ((4, 3), math.inf), ((4, 3), 3.0), ((1, 3), 2.0)]


@pytest.mark.parametrize("shape,p", PDIST)
def test_pdist(shape, p):
    x = rand(shape, seed=15)
    if shape[0] > 2:
        x[2] = x[0]  # a zero distance: PyTorch's gradient there is 0
    _check(lambda v: F.pdist(v, p), lambda v: TF.pdist(v, p), x)


# (x1 shape, x2 shape, p, compute_mode)
CDIST = [((4, 3), (5, 3), 2.0, None), ((2, 4, 3), (2, 6, 3), 1.0, None), ((30, 3), (5, 3), 2.0, None),
         ((4, 3), (5, 3), 2.0, "use_mm_for_euclid_dist"), ((40, 3), (5, 3), 2.0, "donot_use_mm_for_euclid_dist"),
         ((4, 3), (5, 3), math.inf, None), ((2, 1, 4, 3), (3, 5, 3), 3.0, None)]


@pytest.mark.parametrize("s1,s2,p,mode", CDIST)
def test_cdist(s1, s2, p, mode):
    kw = {} if mode is None else {"compute_mode": mode}
    _check(lambda a, b: F.cdist(a, b, p, **kw), lambda a, b: torch.cdist(a, b, p, **kw), rand(s1, seed=16),
           rand(s2, seed=17), rtol=1e-4, atol=1e-5)


ERRORS = [
    (F.linear, (jnp.ones((64, 100)), jnp.ones((10, 1000))), RuntimeError,
     r"mat1 and mat2 shapes cannot be multiplied \(64x100 and 1000x10\)"),
    (F.linear, (jnp.ones(()), jnp.ones((10, 4))), RuntimeError, "both arguments to linear need to be at least 1D"),
    (F.linear, (jnp.ones((2, 3)), jnp.ones((4, 3)), jnp.ones(5)), RuntimeError, r"`bias` of shape \(5,\)"),
    (F.bilinear, (jnp.ones((2, 3)), jnp.ones((2, 4)), jnp.ones((5, 2, 4))), RuntimeError,
     "bilinear\\(\\): input1 size does not match weight size: got 3 but expected 2"),
    (F.bilinear, (jnp.ones((2, 3)), jnp.ones((3, 4)), jnp.ones((5, 3, 4))), RuntimeError,
     "input batch dimensions do not match at dim 0: got 2 and 3"),
    (F.bilinear, (jnp.ones((2, 3)), jnp.ones((2, 4)), jnp.ones((5, 3, 4)), jnp.ones(4)), RuntimeError,
     "bias size does not match weight size: got 4 but expected 5"),
    (F.dropout, (jnp.ones(3), 1.5), ValueError, "dropout probability has to be between 0 and 1, but got 1.5"),
    (F.alpha_dropout, (jnp.ones(3), -0.1), ValueError, "dropout probability has to be between 0 and 1, but got -0.1"),
    (F.dropout, (jnp.ones(3), 0.5), RuntimeError, "needs a random key: pass `key=`"),
    (F.dropout1d, (jnp.ones((2, 3, 4, 5)),), RuntimeError, "dropout1d: Expected 2D or 3D input, but received a 4D input"),
    (lambda *a: F.feature_alpha_dropout(*a, key=jax.random.key(0)), (jnp.ones(3), 0.5, True), RuntimeError,
     "Feature dropout requires at least 2 dimensions in the input"),
    (F.embedding, (jnp.ones(2), jnp.ones((3, 4))), RuntimeError,
     "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int"),
    (F.embedding, (jnp.array([5]), jnp.ones((3, 4))), IndexError, "index out of range in self"),
    (F.embedding, (jnp.array([1]), jnp.ones((3, 4)), 3), AssertionError, "Padding_idx must be within num_embeddings"),
    (F.one_hot, (jnp.ones(2),), RuntimeError, "one_hot is only applicable to index tensor of type LongTensor"),
    (F.one_hot, (jnp.array([1, 5]), 3), RuntimeError, "Class values must be smaller than num_classes"),
    (F.one_hot, (jnp.array([1, -1]), 3), RuntimeError, "Class values must be non-negative"),
    (F.one_hot, (jnp.zeros(0, jnp.int32),), RuntimeError, "Can not infer total number of classes from empty tensor"),
    (jax.jit(F.one_hot), (jnp.array([1, 2]),), ValueError, "pass num_classes explicitly"),
    (F.cosine_similarity, (jnp.ones((2, 3)), jnp.ones((4, 3))), RuntimeError,
     r"The size of tensor a \(2\) must match the size of tensor b \(4\) at non-singleton dimension 0"),
    (F.cosine_similarity, (jnp.ones(3), jnp.ones(3)), IndexError, r"range of \[-1, 0\], but got 1"),
    (F.pdist, (jnp.ones((2, 3, 3)),), RuntimeError, "pdist only supports 2D tensors, got: 3D"),
    (F.pdist, (jnp.ones((4, 3)), -1.0), RuntimeError, "pdist only supports non-negative p values"),
    (F.cdist, (jnp.ones(3), jnp.ones((3, 3))), RuntimeError, "cdist only supports at least 2D tensors, X1 got: 1D"),
    (F.cdist, (jnp.ones((2, 3)), jnp.ones((3, 4))), RuntimeError,
     "X1 and X2 must have the same number of columns. X1: 3 X2: 4"),
    (F.cdist, (jnp.ones((2, 2, 3)), jnp.ones((3, 3, 3))), RuntimeError, r"size of tensor a \(2\) must match"),
    (F.cdist, (jnp.ones((2, 3)), jnp.ones((3, 3)), 2.0, "foo"), ValueError, "foo is not a valid value for compute_mode"),
]


@pytest.mark.parametrize("fn,args,exc,match", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_errors(fn, args, exc, match):
    with pytest.raises(exc, match=match):
        fn(*args)


_I = np.array([[3, -1, 0, 2], [1, 4, -2, 5]], np.int64)
_J = np.array([[1, 2, -3, 0], [2, -1, 4, 1]], np.int64)


def _other(lib):
    return jnp.asarray(_J) if lib is jnp else torch.tensor(_J)


INTEGER_INPUTS = [
    ("softsign", lambda f, t, x: f.softsign(x)), ("tanhshrink", lambda f, t, x: f.tanhshrink(x)),
    ("local_response_norm", lambda f, t, x: f.local_response_norm(x[None], 2)),
    ("pairwise_distance", lambda f, t, x: f.pairwise_distance(x, _other(t))),
    ("margin_ranking_loss", lambda f, t, x: f.margin_ranking_loss(x, _other(t), t.sign(x), margin=0.5)),
    ("triplet_margin_loss", lambda f, t, x: f.triplet_margin_loss(x, _other(t), x * 2, margin=0.5)),
    ("cosine_embedding_loss", lambda f, t, x: f.cosine_embedding_loss(x, _other(t), t.sign(x[:, 0]), margin=0.5)),
    ("poisson_nll_loss", lambda f, t, x: f.poisson_nll_loss(x, abs(x), full=True, reduction="none")),
]


@pytest.mark.parametrize("name,call", INTEGER_INPUTS, ids=[n for n, _ in INTEGER_INPUTS])
def test_integer_inputs_give_default_float(x64, name, call):
    """Integer inputs compute in float32 as PyTorch's default dtype, not float64 (JAX's int64 promotion)."""
    got = call(F, jnp, jnp.asarray(_I))
    want = call(TF, torch, torch.tensor(_I))
    assert got.dtype == jnp.float32 and want.dtype == torch.float32
    assert_close(got, want)
