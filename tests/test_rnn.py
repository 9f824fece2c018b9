"""Recurrent layers and functional recurrences against torch.nn.RNN/LSTM/GRU and their cells."""
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
from torch.func import functional_call

from jtorch import nn
from jtorch.nn import functional as F
from torch_ref import assert_close, check_op, rand, to_torch


@pytest.fixture
def x64():
    with jax.enable_x64(True):
        yield


def _torch_module(name, args, kwargs, dtype=torch.float32):
    torch.manual_seed(0)
    return getattr(torch.nn, name)(*args, **kwargs).to(dtype)


def _flat(result):
    """(out, h) / (out, (h, c)) / (h, c) / h -> a flat tuple of arrays."""
    if not isinstance(result, (tuple, list)):
        return (result,)
    return tuple(a for r in result for a in _flat(r))


# name, constructor args, kwargs, input shape, hx shapes (None: zeros)
SEQ = [
    ("RNN", (4, 6), {}, (5, 3, 4), None),
    ("RNN", (4, 6, 3), {"nonlinearity": "relu"}, (5, 2, 4), [(3, 2, 6)]),
    ("RNN", (4, 6, 2), {"bidirectional": True, "batch_first": True}, (3, 5, 4), [(4, 3, 6)]),
    ("RNN", (4, 6), {"bias": False}, (7, 4), [(1, 6)]),
    ("LSTM", (4, 6), {}, (5, 3, 4), None),
    ("LSTM", (4, 6, 3), {"bidirectional": True}, (4, 2, 4), [(6, 2, 6), (6, 2, 6)]),
    ("LSTM", (4, 6, 2), {"proj_size": 3, "bidirectional": True, "batch_first": True}, (2, 5, 4),
     [(4, 2, 3), (4, 2, 6)]),
    ("LSTM", (4, 6), {"proj_size": 2, "bias": False}, (6, 4), [(1, 2), (1, 6)]),
    ("LSTM", (4, 6, 2), {}, (3, 0, 4), None),
    ("GRU", (4, 6), {}, (5, 3, 4), None),
    ("GRU", (4, 6, 3), {"bidirectional": True}, (4, 2, 4), [(6, 2, 6)]),
    ("GRU", (4, 6), {"batch_first": True, "bias": False}, (5, 4), [(1, 6)]),
    ("GRU", (4, 6, 2), {"batch_first": True}, (1, 1, 4), None),
]


def _seq_case(name, args, kwargs, in_shape, hx_shapes, dtype):
    tm = _torch_module(name, args, kwargs, torch.float64 if dtype == np.float64 else torch.float32)
    names = list(tm.state_dict())
    spec = getattr(nn, name)(*args, **kwargs)
    inputs = [rand(in_shape, 1, dtype)] + [rand(s, 2 + i, dtype) for i, s in enumerate(hx_shapes or [])]
    inputs += [v.numpy() for v in tm.state_dict().values()]
    n_hx = len(hx_shapes or [])

    def pack_hx(hs):
        return None if not hs else (tuple(hs) if name == "LSTM" else hs[0])

    def jax_fn(x, *rest):
        params = dict(zip(names, rest[n_hx:]))
        return _flat(spec.apply(params, {}, x, pack_hx(rest[:n_hx]))[0])

    def torch_fn(x, *rest):
        return _flat(functional_call(tm, dict(zip(names, rest[n_hx:])), (x, pack_hx(rest[:n_hx]))))

    # jit: eager dispatch re-traces every scan; one compile per test is several times faster.
    return spec, tm, inputs, jax.jit(jax_fn), torch_fn


@pytest.mark.parametrize("name,args,kwargs,in_shape,hx_shapes", SEQ)
def test_sequence_matches_torch(name, args, kwargs, in_shape, hx_shapes):
    _, _, inputs, jax_fn, torch_fn = _seq_case(name, args, kwargs, in_shape, hx_shapes, np.float32)
    check_op(jax_fn, torch_fn, *inputs, rtol=1e-5, atol=1e-5, grad_rtol=1e-4, grad_atol=1e-5)


@pytest.mark.parametrize("name,args,kwargs,in_shape,hx_shapes", SEQ[1::3])
def test_sequence_float64(x64, name, args, kwargs, in_shape, hx_shapes):
    _, _, inputs, jax_fn, torch_fn = _seq_case(name, args, kwargs, in_shape, hx_shapes, np.float64)
    check_op(jax_fn, torch_fn, *inputs, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name,args,kwargs,in_shape,hx_shapes", SEQ[:8])
def test_state_dict_round_trip(name, args, kwargs, in_shape, hx_shapes):
    spec, tm, inputs, _, _ = _seq_case(name, args, kwargs, in_shape, hx_shapes, np.float32)
    fresh = nn.state_dict(*spec.init(jax.random.key(0)))
    assert [(k, tuple(v.shape), v.dtype) for k, v in fresh.items()] == \
        [(k, tuple(v.shape), np.float32) for k, v in tm.state_dict().items()]
    params, state = nn.load_state_dict(spec, tm.state_dict())
    got = spec.apply(params, state, jnp.asarray(inputs[0]))[0]
    assert_close(_flat(got), _flat(tm(to_torch(inputs[0]))), rtol=1e-5, atol=1e-5)
    assert all(np.array_equal(v, tm.state_dict()[k].numpy()) for k, v in nn.state_dict(params, state).items())


# name, args, kwargs, input shape, hx shapes
CELLS = [
    ("RNNCell", (4, 6), {}, (3, 4), [(3, 6)]),
    ("RNNCell", (4, 6), {"nonlinearity": "relu", "bias": False}, (4,), None),
    ("LSTMCell", (4, 6), {}, (3, 4), [(3, 6), (3, 6)]),
    ("LSTMCell", (4, 6), {"bias": False}, (4,), [(6,), (6,)]),
    ("GRUCell", (4, 6), {}, (3, 4), None),
    ("GRUCell", (4, 6), {}, (4,), [(6,)]),
    ("GRUCell", (4, 6), {}, (0, 4), None),
]


@pytest.mark.parametrize("name,args,kwargs,in_shape,hx_shapes", CELLS)
def test_cell_matches_torch(name, args, kwargs, in_shape, hx_shapes):
    tm = _torch_module(name, args, kwargs)
    names = list(tm.state_dict())
    spec = getattr(nn, name)(*args, **kwargs)
    assert [(k, v.shape) for k, v in spec.init(jax.random.key(0))[0].items()] == \
        [(k, tuple(v.shape)) for k, v in tm.state_dict().items()]
    n_hx = len(hx_shapes or [])
    inputs = [rand(in_shape, 1)] + [rand(s, 2 + i) for i, s in enumerate(hx_shapes or [])]
    inputs += [v.numpy() for v in tm.state_dict().values()]

    def pack_hx(hs):
        return None if not hs else (tuple(hs) if name == "LSTMCell" else hs[0])

    check_op(jax.jit(lambda x, *r: _flat(spec.apply(dict(zip(names, r[n_hx:])), {}, x, pack_hx(r[:n_hx]))[0])),
             lambda x, *r: _flat(functional_call(tm, dict(zip(names, r[n_hx:])), (x, pack_hx(r[:n_hx])))),
             *inputs, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name,args,kwargs,in_shape,hx_shapes", [SEQ[2], SEQ[5], SEQ[10]])
def test_forward_mode_matches_torch(name, args, kwargs, in_shape, hx_shapes):
    # The CPU recurrence has a custom JVP (weight tangents hoisted out of the scan): check it directly.
    _, tm, inputs, jax_fn, torch_fn = _seq_case(name, args, kwargs, in_shape, hx_shapes, np.float32)
    tangents = [rand(np.shape(a), 10 + i) for i, a in enumerate(inputs)]
    got = jax.jit(lambda p, t: jax.jvp(jax_fn, p, t))(inputs, tangents)
    with torch.backends.mkldnn.flags(enabled=False):  # oneDNN's LSTM has no forward AD
        want = torch.func.jvp(torch_fn, tuple(map(to_torch, inputs)), tuple(map(to_torch, tangents)))
    assert_close(got, want, rtol=1e-4, atol=1e-5)


def test_jit_vmap_and_unbatched_agree():
    spec = nn.LSTM(4, 6, bidirectional=True, proj_size=3)
    params, state = spec.init(jax.random.key(1))
    xs = jnp.asarray(rand((3, 5, 4), 7))  # 3 unbatched sequences (L=5)
    run = jax.jit(lambda p, x: spec.apply(p, state, x)[0])
    vmapped = jax.vmap(run, in_axes=(None, 0))(params, xs)
    batched = spec.apply(params, state, jnp.swapaxes(xs, 0, 1))[0]
    assert_close(jnp.swapaxes(vmapped[0], 0, 1), batched[0], atol=1e-6)
    assert_close(jnp.moveaxis(vmapped[1][0], 0, 1), batched[1][0], atol=1e-6)


def _two_layer_gru(dropout):
    tm = _torch_module("GRU", (4, 6, 2), {"dropout": dropout})
    params, state = nn.load_state_dict(nn.GRU(4, 6, 2, dropout=dropout), tm.state_dict())
    return tm, params, rand((5, 3, 4), 3)


def test_dropout_one_matches_torch_and_p_is_traceable():
    # p = 1 zeroes layer 0's output, so training mode is deterministic in both libraries.
    tm, params, x = _two_layer_gru(1.0)
    xt = to_torch(x, requires_grad=True)
    want = tm.train()(xt)
    want[0].sum().backward()
    run = jax.jit(lambda x, p: F.gru(x, None, params, dropout=p, train=True, key=jax.random.key(0)))
    assert_close(run(x, 1.0), want, atol=1e-6)
    assert_close(jax.grad(lambda x: run(x, 1.0)[0].sum())(x), xt.grad)  # zeros, not 0 * inf
    assert_close(run(x, 0.0), tm.eval()(to_torch(x)), atol=1e-6)


def test_dropout_half_is_random_and_needs_key():
    _, params, x = _two_layer_gru(0.5)
    run = jax.jit(lambda key: F.gru(x, None, params, dropout=0.5, train=True, key=key)[0])
    a, b, a2 = run(jax.random.key(0)), run(jax.random.key(1)), run(jax.random.key(0))
    assert not np.allclose(a, b) and np.array_equal(a, a2)
    assert not np.allclose(a, F.gru(x, None, params, dropout=0.5)[0])  # eval mode ignores dropout
    with pytest.raises(RuntimeError, match="needs a random key"):
        F.gru(x, None, params, dropout=0.5, train=True)
    np.testing.assert_array_equal(F.gru(x, None, params, dropout=0.0, train=True)[0], F.gru(x, None, params)[0])


def test_init_statistics_match_torch():
    spec = nn.LSTM(8, 64, 2, bidirectional=True)
    params, _ = spec.init(jax.random.key(3))
    mine = np.concatenate([np.ravel(v) for v in params.values()])
    theirs = np.concatenate([v.numpy().ravel() for v in _torch_module("LSTM", (8, 64, 2),
                                                                       {"bidirectional": True}).state_dict().values()])
    bound = 1 / 8
    assert mine.shape == theirs.shape and np.abs(mine).max() <= bound and np.abs(mine).max() > 0.99 * bound
    assert abs(mine.mean()) < 2e-3 and abs(mine.std() - theirs.std()) < 1e-3
    assert abs(mine.std() - bound / np.sqrt(3)) < 1e-3
    assert len({float(v.ravel()[0]) for v in params.values()}) == len(params)  # independent draws


def _forward_error(name, args, kwargs, x_shape, hx_shapes, x_dtype=np.float32):
    """Runs the same bad call through torch and jtorch; returns both exceptions."""
    errors = []
    for lib in ("torch", "jtorch"):
        x = [rand(x_shape, 1, x_dtype)] + [rand(s, 2) for s in hx_shapes or []]
        hx = None if not hx_shapes else (tuple(x[1:]) if len(x) == 3 else x[1])
        try:
            if lib == "torch":
                hx = None if hx is None else jax.tree.map(to_torch, hx)
                _torch_module(name, args, kwargs)(to_torch(x[0]), hx)
            else:
                spec = getattr(nn, name)(*args, **kwargs)
                spec.apply(spec.init(jax.random.key(0))[0], {}, jnp.asarray(x[0]), hx)
        except Exception as e:  # noqa: BLE001 - both libraries' exceptions are compared below
            errors.append(e)
    return errors


FORWARD_ERRORS = [
    ("LSTM", (100, 8), {}, (5, 3, 50), None, np.float32, RuntimeError,
     r"input.size\(-1\) must be equal to input_size. Expected 100, got 50"),
    ("GRU", (4, 8), {}, (2, 5, 3, 4), None, np.float32, ValueError, "GRU: Expected input to be 2D or 3D, got 4D"),
    ("RNN", (4, 8), {}, (5, 3, 4), [(3, 8)], np.float32, RuntimeError,
     "For batched 3-D input, hx should also be 3-D but got 2-D tensor"),
    ("RNN", (4, 8), {}, (5, 4), [(1, 1, 8)], np.float32, RuntimeError,
     "For unbatched 2-D input, hx should also be 2-D but got 3-D tensor"),
    ("GRU", (4, 8), {}, (5, 3, 4), [(1, 2, 8)], np.float32, RuntimeError,
     r"Expected hidden size \(1, 3, 8\), got \[1, 2, 8\]"),
    ("LSTM", (4, 8, 2), {"proj_size": 3}, (5, 3, 4), [(2, 3, 3), (2, 3, 3)], np.float32, RuntimeError,
     r"Expected hidden\[1\] size \(2, 3, 8\), got \[2, 3, 3\]"),
    ("LSTM", (4, 8), {}, (5, 4), [(1, 8), (1, 1, 8)], np.float32, RuntimeError,
     r"For unbatched 2-D input, hx and cx should also be 2-D but got \(2-D, 3-D\) tensors"),
    ("GRU", (4, 8), {}, (0, 3, 4), None, np.float32, RuntimeError, "Expected sequence length to be larger than 0"),
    ("RNN", (4, 8), {}, (5, 3, 4), None, np.int32, ValueError, r"RNN input dtype \(int32\) does not match weight"),
    ("GRUCell", (4, 8), {}, (2, 3, 4), None, np.float32, ValueError, "GRUCell: Expected input to be 1D or 2D, got 3D"),
    ("RNNCell", (4, 8), {}, (3, 4), [(1, 3, 8)], np.float32, ValueError,
     "RNNCell: Expected hidden to be 1D or 2D, got 3D"),
    ("LSTMCell", (4, 8), {}, (3, 5), None, np.float32, RuntimeError,
     "input has inconsistent input_size: got 5 expected 4"),
    ("LSTMCell", (4, 8), {}, (3, 4), [(3, 8), (2, 8)], np.float32, RuntimeError,
     "Input batch size 3 doesn't match hidden1 batch size 2"),
    ("GRUCell", (4, 8), {}, (3, 4), [(3, 7)], np.float32, RuntimeError,
     "hidden0 has inconsistent hidden_size: got 7, expected 8"),
]


@pytest.mark.parametrize("name,args,kwargs,x_shape,hx_shapes,x_dtype,err,match", FORWARD_ERRORS)
def test_forward_errors(name, args, kwargs, x_shape, hx_shapes, x_dtype, err, match):
    theirs, mine = _forward_error(name, args, kwargs, x_shape, hx_shapes, x_dtype)
    assert type(mine) is err and type(theirs) is err, (theirs, mine)
    with pytest.raises(err, match=match):
        raise mine
    if x_dtype == np.float32:  # torch names its own dtypes, jtorch names NumPy's
        with pytest.raises(err, match=match):
            raise theirs


CONSTRUCTOR_ERRORS = [
    ("RNN", (4, 8), {"nonlinearity": "gelu"}, ValueError, "Unknown nonlinearity 'gelu'. Select from 'tanh' or 'relu'"),
    ("GRU", (4, 8), {"dropout": 1.5}, ValueError, r"dropout should be a number in range \[0, 1\]"),
    ("LSTM", (4, 8), {"proj_size": 8}, ValueError, "proj_size has to be smaller than hidden_size"),
    ("LSTM", (4, 8), {"proj_size": -1}, ValueError, "proj_size should be a positive integer or zero"),
    ("RNN", (0, 8), {}, ValueError, "input_size must be greater than zero"),
    ("GRU", (4, 8, 0), {}, ValueError, "num_layers must be greater than zero"),
    ("LSTM", (4, 8), {"bias": 1}, TypeError, "bias should be of type bool, got: int"),
    ("RNN", (4, 8.0), {}, TypeError, "hidden_size should be of type int, got: float"),
    ("RNNCell", (4, 8), {"bias": None}, TypeError, "bias should be of type bool, got: NoneType"),
    ("LSTMCell", (4, 0), {}, ValueError, "hidden_size must be greater than zero"),
]


@pytest.mark.parametrize("name,args,kwargs,err,match", CONSTRUCTOR_ERRORS)
def test_constructor_errors(name, args, kwargs, err, match):
    with pytest.raises(err, match=match):
        getattr(nn, name)(*args, **kwargs)
    if name not in ("RNNCell", "LSTMCell"):  # torch's cells do not validate these
        with pytest.raises(err, match=match):
            getattr(torch.nn, name)(*args, **kwargs)


def test_dropout_warning_and_functional_errors():
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1, but got dropout=0.5"):
        nn.GRU(4, 8, dropout=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.GRU(4, 8, 2, dropout=0.5)
    params, _ = nn.RNN(4, 8).init(jax.random.key(0))
    with pytest.raises(ValueError, match="Unknown nonlinearity 'sigmoid'"):
        F.rnn(jnp.ones((2, 4)), None, params, nonlinearity="sigmoid")
    with pytest.raises(TypeError, match="`hx` must be a pair"):
        F.lstm(jnp.ones((2, 4)), jnp.zeros((1, 8)), nn.LSTM(4, 8).init(jax.random.key(0))[0])
    with pytest.raises(ValueError, match=r"hx\[0\] dtype \(float16\) does not match input dtype \(float32\)"):
        F.rnn(jnp.ones((2, 4)), jnp.zeros((1, 8), jnp.float16), params)
    with pytest.raises(TypeError, match="core layer spec"):
        nn.RNN(4, 8)(jnp.ones((2, 4)))
