"""The replay node's plan and gradient accumulation against real PyTorch: repeated targets, implicit
cotangents of one-element roots, roots that are leaves, accumulation dtypes and hooks, plan reuse."""
import numpy as np
import pytest
import torch as real

import jtorch.compat as torch
from jtorch.compat import _replay, engine

X = np.array([1.0, -2.0, 3.0], np.float32)


def _grads(lib, inputs_of):
    x = lib.tensor(X, requires_grad=True)
    h = x * 2
    y = (h ** 2).sum() + h.tanh().sum()
    return [g.numpy() for g in lib.autograd.grad(y, inputs_of(x, h))]


@pytest.mark.parametrize("inputs_of", [lambda x, h: [h, h], lambda x, h: [x, x], lambda x, h: [h, x, h, x]],
                         ids=["probe_twice", "leaf_twice", "interleaved"])
def test_repeated_targets_each_get_the_gradient(inputs_of):
    for got, want in zip(_grads(torch, inputs_of), _grads(real, inputs_of)):
        np.testing.assert_allclose(got, want, rtol=1e-6)


@pytest.mark.parametrize("shape", [(), (1,), (1, 1)])
def test_implicit_cotangent_of_one_element_root(shape):
    got, want = [], []
    for lib, out in ((torch, got), (real, want)):
        x = lib.tensor(np.full(shape, 2.0, np.float32), requires_grad=True)
        w = lib.tensor(X, requires_grad=True)
        ((x * w.sum()) ** 2).backward()
        out += [x.grad.numpy(), w.grad.numpy()]
    for g, w in zip(got, want):
        assert g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=1e-6)


def test_leaf_root_gradient_is_ones():
    x, r = torch.tensor(X, requires_grad=True), real.tensor(X, requires_grad=True)
    x.backward(torch.ones(3) * 3)
    r.backward(real.ones(3) * 3)
    np.testing.assert_array_equal(x.grad.numpy(), r.grad.numpy())


def test_accumulation_keeps_the_grad_dtype_and_runs_hooks_on_the_new_part():
    seen = {}
    for lib in (torch, real):
        w = lib.tensor(X, requires_grad=True)
        w.grad = lib.ones(3) * 10
        w.register_hook(lambda g, lib=lib: seen.setdefault(lib, []).append(g.numpy().copy()) or g * 2)
        (w * w).sum().backward()
        (w * 3).sum().backward()
        seen[lib].append(w.grad.numpy())
        assert str(w.grad.dtype).endswith("float32")
    for got, want in zip(seen[torch], seen[real]):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_same_graph_reuses_one_plan_and_one_executable():
    w = torch.tensor(X, requires_grad=True)
    plans, compilations = [], []
    for _ in range(3):
        w.grad = None
        (w.tanh() * w).sum().backward()
        plans.append(w.grad._node.inputs[0].static[0][1])  # .grad selects an output of the replay node
        w.grad.tolist()
        compilations.append(engine.stats()["compilations"])
    assert isinstance(plans[0], _replay.Plan) and plans[0] is plans[1] is plans[2]
    assert compilations[1] == compilations[2]  # step 0 also computed the leaf


def test_manual_loop_accumulates_inside_the_replay():
    """``w.grad`` existing and hook-free: the replay adds into it (its node selects a replay output),
    and values over steps with ``.grad.data.zero_()`` and double backward match PyTorch."""
    xs = np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3)
    results = {}
    for lib in (torch, real):
        w = lib.tensor(X, requires_grad=True)
        out = []
        for step in range(3):
            for _ in range(2):  # two backwards per step: the second adds into the first's gradient
                (lib.tensor(xs) @ w).tanh().pow(2).sum().backward()
            if lib is torch:
                assert w.grad._node.op is engine.SELECT and w.grad._node.inputs[0].op is _replay.REPLAY
            out.append(np.array(w.grad.tolist()))  # (numpy() would share memory: a sync per write)
            with lib.no_grad():
                w -= 0.1 * w.grad
            w.grad.data.zero_()
        results[lib] = out
    for got, want in zip(results[torch], results[real]):
        np.testing.assert_allclose(got, want, rtol=1e-5)
