"""One forward per step (``_forward_once``): a training step's executable runs an LSTM's recurrence as
often as a hand-written ``jax.jit`` step does (its while loops are counted in the compiled HLO), and the
values, gradients and updates still match real PyTorch, also where the forward feeds the cotangent or a
constant of the backward, is read before it, is differentiated in stages or twice."""
import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch as real

import jtorch.compat as torch
from jtorch.nn import functional as F
from jtorch.compat import engine
from jtorch.compat._replay import REPLAY
from test_autograd_function import functions

T, N, H = 4, 3, 5
_rng = np.random.default_rng(0)
X = _rng.standard_normal((T, N, H)).astype(np.float32)
Y = _rng.standard_normal((T, N, H)).astype(np.float32)


def _lstm(lib, layers):
    real.manual_seed(layers)
    ref = real.nn.LSTM(H, H, layers)
    if lib is real:
        return ref
    ours = torch.nn.LSTM(H, H, layers)
    ours.load_state_dict({k: torch.tensor(v.detach().numpy()) for k, v in ref.state_dict().items()})
    return ours


def _while_loops(hlo: str) -> int:
    return len(re.findall(r" while\(", hlo))


def _step_hlo() -> str:
    """The compiled HLO of the newest executable with a replay node (``engine._plans`` is the test's own)."""
    key = [k for k in engine._plans if any(op is REPLAY for op, _, _ in k[0])][-1]
    exe = next(iter(engine._plans[key].executables.values()))
    return exe.lower(*[jax.ShapeDtypeStruct(s, d) for s, d in key[1]]).compile().as_text()


def _jit_step_hlo(params: dict) -> str:
    """The hand-written jax.jit step of the same model, loss and SGD update."""
    def loss(p, x, y):
        return jnp.mean((F.lstm(x, None, p)[0] - y) ** 2)

    def step(p, x, y):
        value, grads = jax.value_and_grad(loss)(p, x, y)
        return jax.tree.map(lambda a, g: a - 0.1 * g, p, grads), value

    return jax.jit(step).lower(params, jnp.asarray(X), jnp.asarray(Y)).compile().as_text()


def _train(lib, layers, steps=2):
    model = _lstm(lib, layers)
    opt = lib.optim.SGD(model.parameters(), lr=0.1)
    x, y = lib.tensor(X), lib.tensor(Y)
    losses, grads = [], []
    for _ in range(steps):
        opt.zero_grad()
        loss = ((model(x)[0] - y) ** 2).mean()
        loss.backward()
        grads.append({k: p.grad.numpy().copy() for k, p in model.named_parameters()})
        opt.step()
        losses.append(loss.item())
    return model, losses, grads


def test_lstm_step_runs_the_recurrence_as_often_as_the_jit_step(monkeypatch):
    monkeypatch.setattr(engine, "_plans", {})
    model, losses, grads = _train(torch, 2)
    want_losses, want_grads = _train(real, 2)[1:]
    np.testing.assert_allclose(losses, want_losses, rtol=1e-5)
    for got, want in zip(grads, want_grads):
        assert got.keys() == want.keys()
        for k in want:
            np.testing.assert_allclose(got[k], want[k], rtol=1e-4, atol=1e-6, err_msg=k)
    params = {k: jnp.asarray(p.detach().numpy()) for k, p in model.named_parameters()}
    jit_loops = _while_loops(_jit_step_hlo(params))
    assert jit_loops == 4  # a forward and a reverse loop per layer
    assert _while_loops(_step_hlo()) == jit_loops


def _probe(lib, how):
    """An LSTM forward whose values the backward reads apart from the replay: ``how`` picks the pattern."""
    model = _lstm(lib, 1)
    out = model(lib.tensor(X))[0]
    if how == "cotangent":  # y.backward(f(y)): the cotangent is computed from the forward
        out.backward(out.detach().tanh())
        seen = out
    elif how == "constant":  # a constant of the replay is computed from the forward
        (out * out.detach()).sum().backward()
        seen = out
    elif how == "read_first":  # a sync between forward and backward
        loss = out.sum()
        seen = real.tensor(loss.item()) if lib is real else torch.tensor(loss.item())
        loss.backward()
    else:  # "reordered": a forward node read by an op built before a constant of the replay
        stat = out.detach().abs().sum()
        scale = lib.tensor(Y) * 2
        (out * scale).sum().backward()
        seen = stat
    return [seen.detach().numpy()] + [p.grad.numpy() for p in model.parameters()]


@pytest.mark.parametrize("how", ["cotangent", "constant", "read_first", "reordered"])
def test_forward_read_outside_the_replay_matches_pytorch(how):
    for got, want in zip(_probe(torch, how), _probe(real, how)):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)


def test_reordered_program_still_shares_the_forward(monkeypatch):
    """The replay's constant is built after an op that reads the LSTM output: the forward half moves
    before that op, and the recurrence still runs once (1 forward + 1 reverse loop)."""
    monkeypatch.setattr(engine, "_plans", {})
    _probe(torch, "reordered")
    assert _while_loops(_step_hlo()) == 2


def _staged_and_double(lib):
    model = _lstm(lib, 1)
    x = lib.tensor(X, requires_grad=True)
    out = model(x)[0]
    loss = (functions(lib).Exp.apply(out) ** 2).sum()  # a custom Function: the staged backward
    (gx,) = lib.autograd.grad(loss, x, create_graph=True)
    (gx * gx).sum().backward()  # differentiates the replay node itself
    return [loss.detach().numpy(), gx.detach().numpy(), x.grad.numpy()] + [p.grad.numpy() for p in model.parameters()]


def test_staged_and_double_backward_match_pytorch():
    for got, want in zip(_staged_and_double(torch), _staged_and_double(real)):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)


def _retained(lib):
    model = _lstm(lib, 1)
    loss = (model(lib.tensor(X))[0] ** 2).sum()
    loss.backward(retain_graph=True)
    first = [p.grad.numpy().copy() for p in model.parameters()]
    loss.backward()
    return [loss.detach().numpy()] + first + [p.grad.numpy() for p in model.parameters()]


def test_retained_graph_backward_twice_matches_pytorch():
    for got, want in zip(_retained(torch), _retained(real)):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)
