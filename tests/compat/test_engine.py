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
