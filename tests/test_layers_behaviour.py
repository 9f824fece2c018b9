"""Layer behaviour beyond one forward pass: running statistics over steps, dropout in training, init
distributions against torch's reset_parameters, constructor/input errors, jit/vmap, float64."""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch

from jtorch import nn
from test_layers import check_layer
from torch_ref import assert_close, rand, to_torch

T = torch.nn


@pytest.fixture
def x64():
    with jax.enable_x64(True):
        yield


@pytest.mark.parametrize("name,shape,kwargs", [
    ("BatchNorm1d", (6, 3), {}),
    ("BatchNorm1d", (4, 3, 5), {"momentum": None}),
    ("BatchNorm2d", (2, 3, 4, 4), {"momentum": 0.5, "eps": 1e-3}),
    ("BatchNorm2d", (2, 3, 2, 2), {"momentum": None, "affine": False}),
    ("BatchNorm3d", (2, 3, 2, 2, 3), {}),
    ("InstanceNorm1d", (2, 3, 5), {"track_running_stats": True, "momentum": 0.3}),
    ("InstanceNorm2d", (3, 4, 4), {"track_running_stats": True, "affine": True}),
])
def test_running_stats_over_steps_equal_torch(name, shape, kwargs):
    spec, tm = getattr(nn, name)(3, **kwargs), getattr(T, name)(3, **kwargs)
    params, state = spec.init(jax.random.key(0))
    train_step = jax.jit(lambda p, s, x: spec.apply(p, s, x, train=True))
    for step in range(3):
        x = rand(shape, seed=step, low=-2.0, high=3.0)
        y, state = train_step(params, state, x)
        assert_close(y, tm(to_torch(x)), rtol=1e-5, atol=1e-5)
    for key, buf in tm.named_buffers():
        assert_close(state[key], buf, rtol=1e-5, atol=1e-6, check_dtype=False)
    tm.eval()
    x = rand(shape, seed=9)
    y, eval_state = spec.apply(params, state, x)
    assert_close(y, tm(to_torch(x)), rtol=1e-5, atol=1e-5)
    assert eval_state is state  # eval never touches the statistics


def test_untracked_batchnorm_has_no_state_and_uses_batch_stats_in_eval():
    spec = nn.BatchNorm2d(2, track_running_stats=False)
    params, state = spec.init(jax.random.key(0))
    assert state == {} and list(params) == ["weight", "bias"]
    x = rand((3, 2, 2, 2))
    assert_close(spec.apply(params, state, x)[0], T.BatchNorm2d(2, track_running_stats=False).eval()(to_torch(x)),
                 atol=1e-5)


DROPOUTS = [("Dropout", (200, 100), None), ("Dropout1d", (400, 50, 3), 2), ("Dropout2d", (400, 50, 2, 2), 2),
            ("Dropout3d", (400, 50, 1, 2, 2), 2), ("AlphaDropout", (200, 100), None),
            ("FeatureAlphaDropout", (400, 50, 2, 2), 2)]


@pytest.mark.parametrize("name,shape,channel_dims", DROPOUTS)
@pytest.mark.parametrize("p", [0.2, 0.6])
def test_dropout_in_training_matches_torch_statistics(name, shape, channel_dims, p):
    x = rand(shape, seed=1, low=0.5, high=1.5)
    torch.manual_seed(0)
    want = getattr(T, name)(p)(to_torch(x)).numpy()
    got = np.asarray(getattr(nn, name)(p).apply({}, {}, x, train=True, key=jax.random.key(0))[0])
    assert got.shape == want.shape and got.dtype == want.dtype
    dropped = lambda y: np.isclose(y, y.min()) if "Alpha" in name else y == 0  # noqa: E731
    assert dropped(got).mean() == pytest.approx(dropped(want).mean(), abs=0.03)
    assert dropped(got).mean() == pytest.approx(p, abs=0.03)
    assert abs(got.mean() - want.mean()) < 0.05 * want.std()
    assert got.std() == pytest.approx(want.std(), rel=0.05)
    if channel_dims:  # whole channels are dropped together
        per_channel = dropped(got).reshape(shape[:channel_dims] + (-1,))
        assert (per_channel.all(-1) | ~per_channel.any(-1)).all()
    kept = ~dropped(got)
    if "Alpha" not in name:
        np.testing.assert_allclose(got[kept], x[kept] / (1 - p), rtol=1e-6)


@pytest.mark.parametrize("name,shape", [(n, s) for n, s, _ in DROPOUTS])
def test_dropout_eval_and_p0_are_identity_without_key(name, shape):
    x = jnp.asarray(rand(tuple(min(s, 3) for s in shape)))
    np.testing.assert_array_equal(getattr(nn, name)(0.5).apply({}, {}, x)[0], x)
    np.testing.assert_array_equal(getattr(nn, name)(0.0).apply({}, {}, x, train=True)[0], x)
    with pytest.raises(RuntimeError, match="key"):
        getattr(nn, name)(0.5).apply({}, {}, x, train=True)


# (id, spec, torch module, bound of the uniform laws or None). Each parameter's law is compared with
# torch's fresh module's: uniform laws by their bound, every law by mean and std (tensors of >= 500
# elements), constant laws exactly.
INIT = [
    ("Linear", lambda: nn.Linear(1000, 500), lambda: T.Linear(1000, 500), 1 / math.sqrt(1000)),
    ("Conv2d", lambda: nn.Conv2d(16, 64, 3), lambda: T.Conv2d(16, 64, 3), 1 / math.sqrt(16 * 9)),
    ("Conv1d_groups", lambda: nn.Conv1d(32, 64, 5, groups=4), lambda: T.Conv1d(32, 64, 5, groups=4),
     1 / math.sqrt(8 * 5)),
    ("ConvTranspose2d", lambda: nn.ConvTranspose2d(16, 48, 3, groups=2),
     lambda: T.ConvTranspose2d(16, 48, 3, groups=2), 1 / math.sqrt(24 * 9)),
    ("Conv3d_nobias", lambda: nn.Conv3d(4, 8, 3, bias=False), lambda: T.Conv3d(4, 8, 3, bias=False),
     1 / math.sqrt(4 * 27)),
    ("Bilinear", lambda: nn.Bilinear(20, 30, 40), lambda: T.Bilinear(20, 30, 40), 1 / math.sqrt(20)),
    ("Embedding", lambda: nn.Embedding(1000, 16, padding_idx=3), lambda: T.Embedding(1000, 16, padding_idx=3),
     None),
    ("PReLU", lambda: nn.PReLU(5, 0.1), lambda: T.PReLU(5, 0.1), None),
    ("BatchNorm2d", lambda: nn.BatchNorm2d(7), lambda: T.BatchNorm2d(7), None),
    ("InstanceNorm1d", lambda: nn.InstanceNorm1d(4, affine=True, track_running_stats=True),
     lambda: T.InstanceNorm1d(4, affine=True, track_running_stats=True), None),
    ("LayerNorm", lambda: nn.LayerNorm([3, 4]), lambda: T.LayerNorm([3, 4]), None),
    ("GroupNorm", lambda: nn.GroupNorm(2, 6), lambda: T.GroupNorm(2, 6), None),
    ("RMSNorm", lambda: nn.RMSNorm(5), lambda: T.RMSNorm(5), None),
]


@pytest.mark.parametrize("name,spec,torch_module,bound", INIT, ids=[r[0] for r in INIT])
def test_init_distribution_matches_torch(name, spec, torch_module, bound):
    torch.manual_seed(0)
    theirs = torch_module().state_dict()
    ours = nn.state_dict(*spec().init(jax.random.key(0)))
    assert list(ours) == list(theirs)
    for key, t in theirs.items():
        got, want = np.asarray(ours[key]), t.numpy()
        assert got.shape == want.shape and got.dtype == jax.dtypes.canonicalize_dtype(want.dtype), key
        if want.std() == 0:  # constants and buffers
            np.testing.assert_array_equal(got, want, err_msg=key)
            continue
        if bound:
            assert np.abs(want).max() <= bound and np.abs(got).max() <= bound, key
        if want.size >= 500:  # 5 standard errors of the difference of two sample means / stds
            assert abs(got.mean() - want.mean()) < 5 * want.std() * math.sqrt(2 / want.size), key
            np.testing.assert_allclose(got.std(), want.std(), rtol=5 / math.sqrt(want.size), err_msg=key)
            if bound:
                assert np.abs(got).max() > 0.99 * bound, key


def test_embedding_padding_row_is_zero():
    weight = np.asarray(nn.Embedding(1000, 16, padding_idx=-2).init(jax.random.key(0))[0]["weight"])
    assert not weight[998].any() and weight[:998].std() == pytest.approx(1.0, rel=0.03)


def test_linear_default_init_bounds():
    params, _ = nn.Linear(1000, 500).init(jax.random.key(1))
    w, b, bound = np.asarray(params["weight"]), np.asarray(params["bias"]), 1 / math.sqrt(1000)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.999 * bound
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.01)
    assert np.abs(b).max() <= bound and b.std() == pytest.approx(bound / math.sqrt(3), rel=0.15)


# (ours, torch's or None where torch accepts it, exception type, message regex)
ERRORS = [
    (lambda: nn.Conv2d(3, 4, 3, groups=2), lambda: T.Conv2d(3, 4, 3, groups=2), ValueError,
     "^in_channels must be divisible by groups$"),
    (lambda: nn.Conv1d(4, 3, 3, groups=2), lambda: T.Conv1d(4, 3, 3, groups=2), ValueError,
     "^out_channels must be divisible by groups$"),
    (lambda: nn.Conv2d(4, 4, 3, groups=0), lambda: T.Conv2d(4, 4, 3, groups=0), ValueError,
     "^groups must be a positive integer$"),
    (lambda: nn.Conv2d(1, 1, 3, padding_mode="edge"), lambda: T.Conv2d(1, 1, 3, padding_mode="edge"), ValueError,
     "padding_mode must be one of .*, but got padding_mode='edge'"),
    (lambda: nn.Conv2d(1, 1, 3, padding="full"), lambda: T.Conv2d(1, 1, 3, padding="full"), ValueError,
     "Invalid padding string 'full'"),
    (lambda: nn.Conv3d(1, 1, 3, 2, "same"), lambda: T.Conv3d(1, 1, 3, 2, "same"), ValueError,
     "^padding='same' is not supported for strided convolutions$"),
    (lambda: nn.ConvTranspose2d(1, 1, 3, padding_mode="reflect"),
     lambda: T.ConvTranspose2d(1, 1, 3, padding_mode="reflect"), ValueError,
     'Only "zeros" padding mode is supported for ConvTranspose2d'),
    (lambda: nn.Conv2d(1, 1, (3, 3, 3)), None, ValueError, r"`kernel_size` \(=\(3, 3, 3\)\) must be an int or"),
    (lambda: nn.ConvTranspose1d(1, 1, 3, padding="same"), None, ValueError, "does not support string padding"),
    (lambda: nn.Dropout(1.5), lambda: T.Dropout(1.5), ValueError,
     "dropout probability has to be between 0 and 1, but got 1.5"),
    (lambda: nn.Dropout2d(-0.1), lambda: T.Dropout2d(-0.1), ValueError, "but got -0.1"),
    (lambda: nn.GroupNorm(3, 4), lambda: T.GroupNorm(3, 4), ValueError,
     r"num_channels \(4\) must be divisible by num_groups \(3\)"),
    (lambda: nn.Embedding(10, 3, padding_idx=10), lambda: T.Embedding(10, 3, padding_idx=10), AssertionError,
     "Padding_idx must be within num_embeddings"),
    (lambda: nn.Embedding(10, 3, padding_idx=-11), lambda: T.Embedding(10, 3, padding_idx=-11), AssertionError,
     "Padding_idx must be within num_embeddings"),
    (lambda: nn.Embedding.from_pretrained(np.zeros(3)), lambda: T.Embedding.from_pretrained(torch.zeros(3)),
     AssertionError, "Embeddings parameter is expected to be 2-dimensional"),
    (lambda: nn.Hardtanh(1.0, -1.0), lambda: T.Hardtanh(1.0, -1.0), AssertionError,
     r"max_val \(-1.0\) must be greater than min_val \(1.0\)"),
    (lambda: nn.Unflatten(1, 5), lambda: T.Unflatten(1, 5), TypeError,
     "unflattened_size must be a tuple of ints, but found type int"),
    (lambda: nn.Unflatten(1, (2, 2.5)), lambda: T.Unflatten(1, (2, 2.5)), TypeError,
     "found element of type float at pos 1"),
    (lambda: nn.Unflatten("x", (2, 2)), None, NotImplementedError, "named dimension"),
    # bad inputs, raised at trace time from the layer's own checks
    (lambda: nn.BatchNorm2d(3).apply(*nn.BatchNorm2d(3).init(jax.random.key(0)), jnp.ones((3, 2, 2))),
     lambda: T.BatchNorm2d(3)(torch.ones(3, 2, 2)), ValueError, r"expected 4D input \(got 3D input\)"),
    (lambda: nn.BatchNorm1d(3).apply(*nn.BatchNorm1d(3).init(jax.random.key(0)), jnp.ones((2, 3, 2, 2))),
     lambda: T.BatchNorm1d(3)(torch.ones(2, 3, 2, 2)), ValueError, r"expected 2D or 3D input \(got 4D input\)"),
    (lambda: nn.InstanceNorm2d(3, affine=True).apply(*nn.InstanceNorm2d(3, affine=True).init(jax.random.key(0)),
                                                     jnp.ones((2, 4, 3, 3))),
     lambda: T.InstanceNorm2d(3, affine=True)(torch.ones(2, 4, 3, 3)), ValueError,
     r"expected input's size at dim=1 to match num_features \(3\), but got: 4."),
    (lambda: nn.Softmax2d().apply({}, {}, jnp.ones((2, 2))), lambda: T.Softmax2d()(torch.ones(2, 2)), ValueError,
     "Softmax2d: expected input to be 3D or 4D, got 2D instead"),
    (lambda: nn.Flatten(2, 1).apply({}, {}, jnp.ones((2, 3, 4))), lambda: T.Flatten(2, 1)(torch.ones(2, 3, 4)),
     RuntimeError, "start_dim cannot come after end_dim"),
    (lambda: nn.Flatten(0, 5).apply({}, {}, jnp.ones((2, 7))), lambda: T.Flatten(0, 5)(torch.ones(2, 7)),
     IndexError, r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 5\)"),
    (lambda: nn.Unflatten(1, (2, 3)).apply({}, {}, jnp.ones((2, 7))),
     lambda: T.Unflatten(1, (2, 3))(torch.ones(2, 7)), RuntimeError,
     r"unflatten: Provided sizes \[2, 3\] don't multiply up to the size of dim 1 \(7\) in the input tensor"),
    (lambda: nn.Unflatten(1, (-1, -1)).apply({}, {}, jnp.ones((2, 4))),
     lambda: T.Unflatten(1, (-1, -1))(torch.ones(2, 4)), RuntimeError, "only one dimension can be inferred"),
    (lambda: nn.ConvTranspose2d(2, 2, 3, stride=2).apply(*nn.ConvTranspose2d(2, 2, 3, stride=2).init(
        jax.random.key(0)), jnp.ones((1, 2, 4, 4)), output_size=(20, 20)),
     lambda: T.ConvTranspose2d(2, 2, 3, stride=2)(torch.ones(1, 2, 4, 4), output_size=(20, 20)), ValueError,
     r"requested an output size of \[20, 20\], but valid sizes range from \[9, 9\] to \[10, 10\]"),
    (lambda: nn.ConvTranspose1d(2, 2, 3).apply(*nn.ConvTranspose1d(2, 2, 3).init(jax.random.key(0)),
                                               jnp.ones((1, 2, 4)), output_size=(1, 2, 3, 6)),
     lambda: T.ConvTranspose1d(2, 2, 3)(torch.ones(1, 2, 4), output_size=(1, 2, 3, 6)), ValueError,
     r"ConvTranspose1D: for 3D input, output_size must have 1 or 3 elements \(got 4\)"),
    (lambda: nn.CircularPad2d(1).apply({}, {}, jnp.ones((2, 2))), lambda: T.CircularPad2d(1)(torch.ones(2, 2)),
     ValueError, r"expected 3D or 4D input \(got 2D input\)"),
    (lambda: nn.Unflatten(1, (-1, 0)).apply({}, {}, jnp.ones((2, 0))),
     lambda: T.Unflatten(1, (-1, 0))(torch.ones(2, 0)), RuntimeError, "ambiguous"),
]


@pytest.mark.parametrize("ours,theirs,exc,match", ERRORS, ids=[f"{i}-{e[2].__name__}" for i, e in enumerate(ERRORS)])
def test_errors_match_torch_type(ours, theirs, exc, match):
    with pytest.raises(exc, match=match):
        ours()
    if theirs is not None:
        with pytest.raises(exc):
            theirs()


def test_specs_are_hashable_jit_static_and_vmappable():
    conv = nn.Conv2d(3, 4, [3, 3], padding=[1, 1])
    assert conv == nn.Conv2d(3, 4, 3, padding=1) and hash(conv) == hash(nn.Conv2d(3, 4, 3, padding=1))
    spec = nn.Linear(4, 3)
    keys = jax.random.split(jax.random.key(0), 5)
    ensemble = jax.vmap(lambda k: spec.init(k)[0])(keys)  # 5 independent initialisations
    assert ensemble["weight"].shape == (5, 3, 4) and len({float(w.sum()) for w in ensemble["weight"]}) == 5
    x = jnp.asarray(rand((2, 4)))
    ys = jax.jit(jax.vmap(lambda p: spec.apply(p, {}, x)[0]))(ensemble)
    np.testing.assert_allclose(ys[3], x @ ensemble["weight"][3].T + ensemble["bias"][3], rtol=1e-5, atol=1e-6)
    bn = nn.BatchNorm1d(4)
    params, state = bn.init(jax.random.key(0))
    # vmap over the batch axis of per-example BatchNorm (eval mode: running statistics).
    y = jax.vmap(lambda xi: bn.apply(params, state, xi[None])[0][0])(x)
    np.testing.assert_allclose(y, bn.apply(params, state, x)[0], rtol=1e-6)

    @jax.jit
    def loss(p, s, x):
        y, s = bn.apply(p, s, x, train=True)
        return (y ** 2).sum(), s

    (_, new_state), grads = jax.value_and_grad(loss, has_aux=True)(params, state, x)
    assert set(grads) == {"weight", "bias"} and int(new_state["num_batches_tracked"]) == 1


@pytest.mark.parametrize("name,args,shape", [
    ("Linear", (5, 3), (4, 5)), ("Bilinear", (3, 4, 2), None), ("BatchNorm1d", (3,), (4, 3)),
    ("LayerNorm", (4,), (3, 4)), ("GroupNorm", (2, 4), (2, 4, 3)), ("PReLU", (), (2, 3)),
    ("Embedding", (6, 3), None),
])
def test_float64_under_x64(x64, name, args, shape):
    # Fresh parameters are float32 (PyTorch's default dtype) even with x64 on; dtype=float64 asks for float64.
    assert all(v.dtype != jnp.float64 for v in nn.state_dict(*getattr(nn, name)(*args).init(jax.random.key(0))).values())
    spec = getattr(nn, name)(*args, dtype=jnp.float64)
    torch.manual_seed(0)
    tm = getattr(T, name)(*args, dtype=torch.float64)
    if name == "Bilinear":
        inputs = [rand((4, 3), 1, np.float64), rand((4, 4), 2, np.float64)]
    elif name == "Embedding":
        inputs = [np.array([[0, 5], [2, 2]])]
    else:
        inputs = [rand(shape, 1, np.float64)]
    check_layer(spec, tm, inputs, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("freeze", [True, False])
def test_embedding_from_pretrained(freeze):
    weights = rand((5, 3))
    emb, params, state = nn.Embedding.from_pretrained(weights, freeze=freeze, padding_idx=1)
    assert (emb.num_embeddings, emb.embedding_dim, emb.padding_idx) == (5, 3, 1)
    np.testing.assert_array_equal(params["weight"], weights)  # unchanged, also at padding_idx
    idx = jnp.array([[1, 4], [0, 4]])
    theirs = T.Embedding.from_pretrained(to_torch(weights), freeze=freeze, padding_idx=1)
    assert_close(emb.apply(params, state, idx)[0], theirs(to_torch(np.asarray(idx)).long()))
    grad = jax.grad(lambda p: emb.apply(p, state, idx)[0].sum())(params)["weight"]
    want = np.zeros((5, 3), np.float32) if freeze else np.array([[1] * 3, [0] * 3, [0] * 3, [0] * 3, [2] * 3])
    np.testing.assert_array_equal(grad, want)


def test_hardtanh_deprecated_keywords_warn_like_torch():
    layers = []
    for make in (nn.Hardtanh, T.Hardtanh):
        with pytest.warns(FutureWarning, match="keyword argument `min_value` is deprecated and renamed to `min_val`"):
            layers.append(make(min_value=-2.0, max_val=3.0))
    assert [(layer.min_val, layer.max_val) for layer in layers] == [(-2.0, 3.0)] * 2
    assert layers[0].min_value is None  # moved to min_val
