"""Buffer donation (``_donation``): a sync hands XLA only buffers that nothing can read afterwards."""
import numpy as np
import pytest

import jtorch.compat as torch
from jtorch.compat import _config, engine

# 64x64 float32 (16 KiB): the smallest buffer the engine donates.
SHAPE = (64, 64)


def _donated(fn) -> int:
    before = engine.stats()["donated"]
    fn()
    return engine.stats()["donated"] - before


def _train(lib, steps: int):
    import torch as real
    real.manual_seed(0)
    init = real.nn.Sequential(real.nn.Linear(64, 64), real.nn.Tanh(), real.nn.Linear(64, 64)).state_dict()
    model = lib.nn.Sequential(lib.nn.Linear(64, 64), lib.nn.Tanh(), lib.nn.Linear(64, 64))
    model.load_state_dict({k: lib.tensor(v.numpy()) for k, v in init.items()})
    opt = lib.optim.Adam(model.parameters(), lr=1e-2)
    x = lib.tensor(np.random.default_rng(0).standard_normal((8, 64)).astype(np.float32))
    for _ in range(steps):
        opt.zero_grad()
        loss = (model(x) ** 2).mean()
        loss.backward()
        opt.step()
    return [p.detach().numpy() for p in model.parameters()]


def test_training_donates_parameters_and_state_and_matches_pytorch():
    import torch as real
    want = _train(real, 6)
    # The two 64x64 weights, with Adam's two moments each, from the second step on.
    assert _donated(lambda: _train(torch, 3)) >= 2 * 3 * 2
    for got, ref in zip(_train(torch, 6), want):
        np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-5)


def test_switch_off(monkeypatch):
    monkeypatch.setattr(_config, "donate", False)
    assert _donated(lambda: _train(torch, 3)) == 0


@pytest.mark.parametrize("alias", ["detach", "data"])
def test_aliases_of_a_parameter_follow_its_updates(alias):
    """As in PyTorch, ``detach()`` and ``.data`` share the parameter's storage: they read the
    updated value (the engine writes through them, so their buffer was not donated from under them)."""
    import torch as real
    got = []
    for lib in (torch, real):
        w = lib.ones(SHAPE, requires_grad=True)
        opt = lib.optim.SGD([w], lr=0.5)
        (w * 3).sum().backward()
        old = w.detach() if alias == "detach" else w.data
        opt.step()
        got.append(old.numpy().copy())
    np.testing.assert_array_equal(*got)


def test_numpy_snapshot_stays_intact():
    """``numpy()`` returns a read-only snapshot here (not shared memory): an update may not reuse its buffer."""
    w = torch.ones(SHAPE, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.5)
    (w * 3).sum().backward()
    old = w.detach().numpy()
    opt.step()
    float(w.sum())
    np.testing.assert_array_equal(old, np.ones(SHAPE, np.float32))
    np.testing.assert_array_equal(w.detach().numpy(), np.full(SHAPE, -0.5, np.float32))


def _materialised(lib, value: float):
    t = lib.ones(SHAPE) * value
    float(t.sum())  # computed now: a later sync sees it as a leaf holding a device buffer
    return t


def test_a_held_tensor_keeps_its_buffer():
    m = _materialised(torch, 3.0)
    y = m + 1  # same shape: m's buffer could take y's value if the tensor m did not count
    float(y.sum())
    np.testing.assert_array_equal(m.numpy(), np.full(SHAPE, 3.0, np.float32))


def test_a_shared_buffer_is_not_donated():
    m = _materialised(torch, 3.0)
    d = m.detach()  # another node over m's buffer
    y = d + 1
    del d
    float(y.sum())
    np.testing.assert_array_equal(m.numpy(), np.full(SHAPE, 3.0, np.float32))


def test_graph_kept_for_backward_keeps_its_inputs():
    """A result that can still be backpropagated reaches its inputs, even once their tensors are gone."""
    import torch as real
    got = []
    for lib in (torch, real):
        w = lib.ones(SHAPE, requires_grad=True)
        m = _materialised(lib, 3.0)
        y = w * m  # keeps m for its backward
        del m
        float(y.sum())  # a sync: y is an output of m's shape
        y.sum().backward()
        got.append((y.detach().numpy().copy(), w.grad.numpy().copy()))
    for a, b in zip(*got):
        np.testing.assert_array_equal(a, b)


def test_a_node_left_pending_keeps_its_inputs():
    """``engine.realize`` computes part of the graph: a pending node it leaves behind still needs its inputs."""
    x = _materialised(torch, 3.0)
    a = x * 2  # left pending below, and still reading x's buffer
    b = a + 1
    del x
    engine.realize([b._node])
    np.testing.assert_array_equal(a.numpy(), np.full(SHAPE, 6.0, np.float32))


def test_retained_graph_replays_after_an_in_place_update():
    w = torch.ones(SHAPE, requires_grad=True)
    loss = (w.exp()).sum()
    loss.backward(retain_graph=True)
    with torch.no_grad():
        w -= 1.0
    float(w.sum())
    loss.backward()  # replays through the recorded (old) value of w
    np.testing.assert_allclose(w.grad.numpy(), np.full(SHAPE, 2 * np.e, np.float32), rtol=1e-6)


def test_no_recompiles_with_donation():
    model = torch.nn.Linear(64, 64)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x = torch.ones(4, 64)
    for i in range(6):
        if i == 3:
            compiled = engine.stats()["compilations"]
        opt.zero_grad()
        model(x).sum().backward()
        opt.step()
    assert engine.stats()["compilations"] == compiled
