"""Engine properties: one executable per sync, zero steady-state recompiles, eager mode equal."""
import numpy as np
import pytest

import jtorch.compat as torch
from jtorch.compat import _config, engine


def _manual_loop(steps: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = torch.from_numpy(rng.standard_normal((16, 30)).astype(np.float32))
    y = torch.from_numpy(rng.standard_normal((16, 5)).astype(np.float32))
    w1 = torch.from_numpy((rng.standard_normal((30, 20)) * 0.1).astype(np.float32)).requires_grad_()
    w2 = torch.from_numpy((rng.standard_normal((20, 5)) * 0.1).astype(np.float32)).requires_grad_()
    losses = []
    engine.sync()  # what earlier code left pending (a generator's state) is not part of the loop's graphs
    for _ in range(steps):
        loss = (x.mm(w1).clamp(min=0).mm(w2) - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        w1.data -= 1e-3 * w1.grad.data
        w2.data -= 1e-3 * w2.grad.data
        w1.grad.data.zero_()
        w2.grad.data.zero_()
    return losses, w1.detach().numpy(), w2.detach().numpy()


def test_training_loop_compiles_only_while_warming_up():
    _manual_loop(3)
    engine.reset_stats()
    losses, _, _ = _manual_loop(20)
    assert engine.stats()["compilations"] == 0
    assert losses[-1] < losses[0]


def test_training_loop_matches_pytorch():
    import torch as real
    rng = np.random.default_rng(0)
    x = real.from_numpy(rng.standard_normal((16, 30)).astype(np.float32))
    y = real.from_numpy(rng.standard_normal((16, 5)).astype(np.float32))
    w1 = real.from_numpy((rng.standard_normal((30, 20)) * 0.1).astype(np.float32)).requires_grad_()
    w2 = real.from_numpy((rng.standard_normal((20, 5)) * 0.1).astype(np.float32)).requires_grad_()
    want = []
    for _ in range(5):
        loss = (x.mm(w1).clamp(min=0).mm(w2) - y).pow(2).sum()
        want.append(loss.item())
        loss.backward()
        w1.data -= 1e-3 * w1.grad.data
        w2.data -= 1e-3 * w2.grad.data
        w1.grad.data.zero_()
        w2.grad.data.zero_()
    got, g1, g2 = _manual_loop(5)
    np.testing.assert_allclose(got, want, rtol=1e-5)
    np.testing.assert_allclose(g1, w1.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(g2, w2.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_one_executable_per_sync():
    a = torch.ones(3, 4)
    b = (a * 2 + 1).sum(1)
    c = b.exp()
    d = a.t() @ a
    engine.reset_stats()
    engine.sync()
    assert engine.stats()["executions"] == 1
    assert engine.stats()["nodes"] == 0
    assert c.tolist() == pytest.approx([np.exp(12.0)] * 3, rel=1e-6) and d.shape == (4, 4)


def test_python_scalars_are_runtime_leaves():
    x = torch.ones(5)
    (x * 0.5).sum().item()  # materialises x too: the next graph reads it as a leaf
    (x * 0.5).sum().item()
    engine.reset_stats()
    for s in (1.5, 2.5, 3.5):
        got = (x * s).sum().item()  # outside `assert`: pytest would keep the temporaries alive
        assert got == pytest.approx(5 * s)
    assert engine.stats()["compilations"] == 0


def test_random_ops_never_recompile():
    torch.manual_seed(0)
    torch.randn(3, 3).sum().item()
    torch.randn(3, 3).sum().item()
    engine.reset_stats()
    vals = [torch.randn(3, 3).sum().item() for _ in range(4)]
    assert engine.stats()["compilations"] == 0
    assert len(set(vals)) == 4


def test_eager_mode_gives_identical_results(monkeypatch):
    lazy = _manual_loop(4)
    monkeypatch.setattr(_config, "eager", True)
    eager = _manual_loop(4)
    np.testing.assert_allclose(lazy[0], eager[0], rtol=1e-6)
    np.testing.assert_allclose(lazy[1], eager[1], rtol=1e-6, atol=1e-7)


def test_log_compiles_says_why(monkeypatch, capsys):
    monkeypatch.setattr(_config, "log_compiles", True)
    (torch.ones(2, 7, 3) * 3).sum().item()
    (torch.ones(2, 7, 4) * 3).sum().item()
    err = capsys.readouterr().err
    assert "[jtorch] compile" in err and "leaf" in err or "structure" in err


def test_a_failing_node_does_not_poison_later_syncs():
    from jtorch.compat._tensor import call
    calls = {"n": 0}

    def flaky(x):  # passes shape inference, fails when the executable is traced
        calls["n"] += 1
        if calls["n"] > 1:
            raise ValueError("boom")
        return x * 2

    a = torch.ones(3)
    bad = call(engine.Op("flaky", flaky), (a,))
    good = a + 1
    with pytest.raises(ValueError, match="boom"):
        good.tolist()
    assert good.tolist() == [2.0, 2.0, 2.0]
    with pytest.raises(ValueError, match="boom"):
        bad.tolist()
    assert (a * 5).tolist() == [5.0, 5.0, 5.0]


def _linear_mse_loop(lib, opt_name: str, steps: int, step_hook=None):
    rng = np.random.default_rng(1)
    model = lib.nn.Linear(6, 3)
    model.load_state_dict({"weight": lib.tensor(rng.standard_normal((3, 6)).astype(np.float32) * 0.3),
                           "bias": lib.tensor(rng.standard_normal(3).astype(np.float32) * 0.3)})
    opt = getattr(lib.optim, opt_name)(model.parameters(), lr=0.05)
    x = lib.tensor(rng.standard_normal((8, 6)).astype(np.float32))
    y = lib.tensor(rng.standard_normal((8, 3)).astype(np.float32))
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = lib.nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        if step_hook is not None:
            step_hook()
        losses.append(loss)
    return [loss.item() for loss in losses], model


@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
def test_training_step_is_one_execution(opt_name):
    """backward() is not a sync: forward, backward and the update run as ONE executable per step."""
    counts = []
    _linear_mse_loop(torch, opt_name, 3)  # warm-up
    engine.reset_stats()
    _linear_mse_loop(torch, opt_name, 20, lambda: counts.append(engine.stats()["executions"]))
    assert engine.stats()["compilations"] == 0
    assert np.diff(counts).tolist() == [1] * 19


def test_training_step_returns_each_value_once():
    """The step's executable returns the loss, new parameters, gradients and optimizer state, each once
    (a gradient held both by ``.grad`` and by a view's base would be returned, and copied, twice)."""
    engine._plans.clear()
    _, model = _linear_mse_loop(torch, "Adam", 2)
    (program, _, outputs), = [k for k in engine._plans if any(op.name == "optimizer_step" for op, *_ in k[0])]
    params = list(model.parameters())
    assert len(outputs) == 1 + 2 * len(params) + 3 * len(params)  # loss, params, grads, Adam's 3 states each


@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
def test_training_loop_matches_pytorch_optimizers(opt_name):
    import torch as real
    want, ref = _linear_mse_loop(real, opt_name, 5)
    got, model = _linear_mse_loop(torch, opt_name, 5)
    np.testing.assert_allclose(got, want, rtol=1e-5)
    np.testing.assert_allclose(model.weight.detach().numpy(), ref.weight.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_backward_then_read_grad():
    import torch as real
    got, want = [], []
    for lib, out in ((torch, got), (real, want)):
        w = lib.tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True)
        x = lib.tensor([1.0, 3.0])
        (w @ x).exp().sum().backward()
        out.append(w.grad.tolist())
        (w * w).sum().backward()  # accumulates into the pending grad
        out.append(w.grad.tolist())
        out.append(lib.autograd.grad((w ** 3).sum(), w)[0].tolist())
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_backward_alone_does_not_chain_steps():
    """A loop that never reads a value: each backward first computes what the last one left pending."""
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    for _ in range(3):  # warm-up
        (w * w).sum().backward()
        w.data -= 0.1 * w.grad.data
        w.grad.data.zero_()
    engine.reset_stats()
    for _ in range(10):
        (w * w).sum().backward()
        w.data -= 0.1 * w.grad.data
        w.grad.data.zero_()
    assert engine.stats()["executions"] == 10 and engine.stats()["compilations"] == 0  # one per backward
    np.testing.assert_allclose(w.tolist(), np.array([1.0, 2.0]) * 0.8 ** 13, rtol=1e-5)


def test_second_backward_through_a_pending_freed_graph_raises():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    loss = (w.exp() * w).sum()
    loss.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        loss.backward()
    assert loss.grad_fn is not None and w.grad is not None


@pytest.mark.parametrize("make_opt", [None, "SGD", "Adam", ("SGD", {"momentum": 0.9}),
                                      ("SGD", {"momentum": 0.9, "nesterov": True})])
def test_first_step_compiles_the_step_once(make_opt):
    """Parameter initialisation is computed before the first forward (module call or optimizer
    creation), and an optimizer's initial state before its first step, so step 1's graph is step 2's:
    step 2 compiles nothing."""
    model = torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.Tanh(), torch.nn.Linear(7, 2))
    name, kwargs = make_opt if isinstance(make_opt, tuple) else (make_opt, {})
    opt = getattr(torch.optim, name)(model.parameters(), lr=0.1, **kwargs) if name else None
    x, y = torch.tensor(np.ones((3, 5), np.float32)), torch.tensor(np.zeros((3, 2), np.float32))
    for step in range(2):
        if step == 1:
            engine.reset_stats()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        if opt is not None:
            opt.step()
        model.zero_grad()
        loss.item()
    assert engine.stats()["compilations"] == 0


def test_from_numpy_write_back():
    """Plain tensors write back at once (tutorials print the array right after `t += 1`); a tensor
    that requires grad writes back at the next sync, and a write lands even if the tensor is gone."""
    import torch as real
    results = {}
    for lib in (torch, real):
        a = np.arange(6, dtype=np.float32).reshape(2, 3)
        t = lib.from_numpy(a)
        t += 1
        out = [a.copy()]
        t[0, 1] = -1.0
        out.append(a.copy())
        w_array = np.ones(3, np.float32)
        w = lib.from_numpy(w_array).requires_grad_()
        w.data -= 0.5
        if lib is torch:
            assert engine._host_writes  # pending until the next sync
        (t * 1).tolist()  # any sync
        out.append(w_array.copy())
        w.data.mul_(4)
        del w
        (t * 1).tolist()
        out.append(w_array.copy())
        a[1, 2] = 100.0  # NumPy writes are read by later ops
        out.append(t.sum().item())
        out.append(np.shares_memory(t.add_(1).numpy(), a))
        results[lib] = out
    for got, want in zip(results[torch], results[real]):
        np.testing.assert_array_equal(got, want)


def test_from_numpy_weights_train_with_one_execution_per_step():
    _manual_loop(3)
    engine.reset_stats()
    _manual_loop(10)
    assert engine.stats()["executions"] == 10 + 2 and engine.stats()["compilations"] == 0  # + setup sync, final read


def test_reading_a_computed_loss_runs_nothing():
    """`loss.item()` / `loss.detach().numpy()` after `optimizer.step()` read the value the step computed."""
    model = torch.nn.Linear(4, 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x = torch.tensor(np.ones((3, 4), np.float32))
    loss = model(x).pow(2).mean()
    loss.backward()
    opt.step()
    engine.reset_stats()
    value, array = loss.item(), loss.detach().numpy()
    assert engine.stats()["executions"] == 0 and value == array


@pytest.mark.parametrize("clear", ["data", "grad", "read"])
def test_cleared_grad_is_replaced_by_the_next_gradient(clear, monkeypatch):
    """``w.grad.zero_()`` then ``backward``: the gradient replaces the zeros (no fill, no add in the step's
    executable), still accumulates as PyTorch's does, and a view of ``.grad`` taken before sees it."""
    import torch as real

    def run(lib):
        w = lib.tensor([[1.0, -2.0], [3.0, 0.5]], requires_grad=True)
        x = lib.tensor([[0.5, 1.0], [-1.0, 2.0]])
        seen = []
        for step in range(4):
            (x.mm(w).relu() * (step + 1)).sum().backward()
            if step % 2:  # accumulate over two backwards, then clear
                view = w.grad.view(-1)
                if clear == "read":
                    w.grad.zero_()
                    seen.append(float(w.grad.sum()))
                else:
                    (w.grad.data if clear == "data" else w.grad).zero_()
                (x.mm(w) * 2).sum().backward()
                seen.append(view.tolist())
            seen.append(w.grad.tolist())
        return seen

    programs, program = [], engine._program
    monkeypatch.setattr(engine, "_program", lambda *a: programs.append(program(*a)) or programs[-1])
    assert run(torch) == run(real)
    ops = [op.name for p, _ in programs for op, _, _ in p]
    assert "replay" in ops and ("full" in ops) == (clear == "read")


def test_syncs_leave_fills_pending(monkeypatch):
    """The seed loop reading its loss every step: each read is a sync, and the zeroed ``.grad`` it finds
    pending is left for the next backward to replace (never filled); a fill is computed when read."""
    programs, program = [], engine._program
    monkeypatch.setattr(engine, "_program", lambda *a: programs.append(program(*a)) or programs[-1])
    losses, _, _ = _manual_loop(4)
    assert not any(op.name == "full" for p, _ in programs for op, _, _ in p)
    assert losses[-1] < losses[0]
    z = torch.zeros(2, 3)
    assert z.tolist() == [[0.0] * 3] * 2 and z._node.value is not None  # read: computed and kept
