"""Every facade layer against PyTorch: torch's state_dict loaded into jtorch, then forward outputs,
parameter gradients, ``repr`` (``print(model)``) and ``state_dict()`` keys compared; BatchNorm running
statistics, Dropout train/eval, RNN outputs."""
from __future__ import annotations

import numpy as np
import pytest
import torch as real

import jtorch.compat as torch

# (constructor expression over `nn`, input shapes; an int dtype entry means integer indices < that bound)
LAYERS = [
    ("nn.Linear(5, 3)", [(4, 5)]),
    ("nn.Linear(5, 3, bias=False)", [(2, 4, 5)]),
    ("nn.Bilinear(3, 4, 2)", [(5, 3), (5, 4)]),
    ("nn.Identity(7, x=1)", [(2, 3)]),
    ("nn.Conv1d(2, 4, 3, stride=2, padding=1)", [(2, 2, 9)]),
    ("nn.Conv2d(3, 4, (3, 2), padding=1, dilation=(1, 2), bias=False)", [(2, 3, 7, 8)]),
    ("nn.Conv2d(4, 4, 3, groups=2, padding='same', padding_mode='reflect')", [(1, 4, 6, 6)]),
    ("nn.Conv3d(2, 3, 2)", [(1, 2, 4, 4, 4)]),
    ("nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1)", [(1, 3, 4, 4)]),
    ("nn.ConvTranspose1d(2, 4, 3, groups=2)", [(2, 2, 5)]),
    ("nn.MaxPool2d(2)", [(1, 2, 6, 6)]),
    ("nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)", [(1, 2, 7, 7)]),
    ("nn.MaxPool1d(2)", [(2, 3, 8)]),
    ("nn.AvgPool2d(2, stride=1, padding=1, count_include_pad=False)", [(1, 2, 5, 5)]),
    ("nn.AvgPool1d(3)", [(2, 2, 9)]),
    ("nn.AdaptiveAvgPool2d((2, 3))", [(1, 2, 7, 8)]),
    ("nn.AdaptiveMaxPool1d(3)", [(1, 2, 9)]),
    ("nn.LPPool2d(2, 2)", [(1, 2, 6, 6)]),
    ("nn.ReLU()", [(3, 4)]),
    ("nn.ReLU6()", [(3, 4)]),
    ("nn.LeakyReLU(0.2)", [(3, 4)]),
    ("nn.ELU(alpha=0.5)", [(3, 4)]),
    ("nn.CELU()", [(3, 4)]),
    ("nn.SELU()", [(3, 4)]),
    ("nn.GELU(approximate='tanh')", [(3, 4)]),
    ("nn.SiLU()", [(3, 4)]),
    ("nn.Mish()", [(3, 4)]),
    ("nn.Hardtanh(-0.5, 0.5)", [(3, 4)]),
    ("nn.Hardswish()", [(3, 4)]),
    ("nn.Hardsigmoid()", [(3, 4)]),
    ("nn.Threshold(0.1, 20.0)", [(3, 4)]),
    ("nn.Softplus(beta=2)", [(3, 4)]),
    ("nn.Hardshrink()", [(3, 4)]),
    ("nn.Softshrink(0.3)", [(3, 4)]),
    ("nn.Sigmoid()", [(3, 4)]),
    ("nn.Tanh()", [(3, 4)]),
    ("nn.Softsign()", [(3, 4)]),
    ("nn.LogSigmoid()", [(3, 4)]),
    ("nn.Tanhshrink()", [(3, 4)]),
    ("nn.GLU()", [(3, 4)]),
    ("nn.Softmax(dim=1)", [(3, 4)]),
    ("nn.LogSoftmax(dim=-1)", [(3, 4)]),
    ("nn.Softmin(dim=0)", [(3, 4)]),
    ("nn.Softmax2d()", [(2, 3, 4, 4)]),
    ("nn.PReLU(3)", [(2, 3, 4)]),
    ("nn.BatchNorm1d(3)", [(4, 3)]),
    ("nn.BatchNorm2d(3, momentum=None)", [(4, 3, 2, 2)]),
    ("nn.BatchNorm2d(3, affine=False, track_running_stats=False)", [(4, 3, 2, 2)]),
    ("nn.BatchNorm3d(2, eps=1e-3)", [(2, 2, 2, 2, 2)]),
    ("nn.InstanceNorm2d(3, affine=True)", [(2, 3, 4, 4)]),
    ("nn.InstanceNorm1d(3)", [(3, 5)]),
    ("nn.LayerNorm([3, 4])", [(2, 3, 4)]),
    ("nn.LayerNorm(4, elementwise_affine=False)", [(2, 3, 4)]),
    ("nn.GroupNorm(2, 4)", [(2, 4, 3)]),
    ("nn.RMSNorm(4)", [(2, 4)]),
    ("nn.LocalResponseNorm(2)", [(1, 4, 3, 3)]),
    ("nn.Dropout(0.0)", [(3, 4)]),
    ("nn.Embedding(10, 3, padding_idx=0)", [10]),
    ("nn.Embedding(10, 3, max_norm=1.0)", [10]),
    ("nn.Flatten()", [(2, 3, 4)]),
    ("nn.Flatten(0, 1)", [(2, 3, 4)]),
    ("nn.Unfold(2, dilation=1, padding=1, stride=(1, 2))", [(2, 3, 4, 5)]),
    ("nn.Fold((4, 5), 2, padding=1)", [(2, 12, 30)]),
    ("nn.Unflatten(1, (2, 2))", [(3, 4)]),
    ("nn.Upsample(scale_factor=2)", [(1, 2, 3, 3)]),
    ("nn.Upsample(size=(5, 4), mode='bilinear', align_corners=False)", [(1, 2, 3, 3)]),
    ("nn.UpsamplingNearest2d(scale_factor=2)", [(1, 2, 3, 3)]),
    ("nn.UpsamplingBilinear2d(size=5)", [(1, 2, 3, 3)]),
    ("nn.PixelShuffle(2)", [(1, 8, 2, 2)]),
    ("nn.PixelUnshuffle(2)", [(1, 2, 4, 4)]),
    ("nn.ZeroPad2d((1, 0, 2, 1))", [(1, 2, 3, 3)]),
    ("nn.ConstantPad1d(2, 3.5)", [(1, 2, 3)]),
    ("nn.ReflectionPad2d(1)", [(1, 2, 3, 3)]),
    ("nn.ReplicationPad1d((1, 2))", [(1, 2, 3)]),
    ("nn.CircularPad2d(1)", [(1, 2, 3, 3)]),
    ("nn.CosineSimilarity()", [(3, 4), (3, 4)]),
    ("nn.PairwiseDistance(p=1.0)", [(3, 4), (3, 4)]),
    ("nn.RNN(3, 4)", [(5, 2, 3)]),
    ("nn.RNN(3, 4, num_layers=2, nonlinearity='relu', batch_first=True, bidirectional=True)", [(2, 5, 3)]),
    ("nn.LSTM(3, 4, bias=False)", [(5, 2, 3)]),
    ("nn.LSTM(3, 4, proj_size=2, num_layers=2)", [(5, 3)]),
    ("nn.GRU(3, 4, bidirectional=True)", [(5, 2, 3)]),
    ("nn.RNNCell(3, 4, nonlinearity='relu')", [(2, 3)]),
    ("nn.LSTMCell(3, 4)", [(2, 3)]),
    ("nn.GRUCell(3, 4, bias=False)", [(2, 3)]),
    ("nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))", [(5, 4)]),
    ("nn.Sequential(nn.Conv2d(2, 3, 3), nn.BatchNorm2d(3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), "
     "nn.Dropout(0.0), nn.Linear(12, 2))", [(2, 2, 6, 6)]),
]


def _inputs(lib, shapes, rng):
    out = []
    for s in shapes:
        if isinstance(s, int):
            out.append(lib.tensor(rng.integers(0, s, (3, 4))))
        else:
            out.append(lib.tensor(rng.standard_normal(s).astype(np.float32), requires_grad=True))
    return out


def _build(expr: str, lib):
    lib.manual_seed(0)
    return eval(expr, {"nn": lib.nn})


def _flat(r):
    return [x for item in r for x in _flat(item)] if isinstance(r, (tuple, list)) else [r]


# The layers tutorials use most run by default; the rest of the table is marked slow (compiles dominate).
_FAST = {"nn.Linear(5, 3)", "nn.Conv2d(3, 4, (3, 2), padding=1, dilation=(1, 2), bias=False)", "nn.MaxPool2d(2)",
         "nn.ReLU()", "nn.BatchNorm2d(3, momentum=None)", "nn.Embedding(10, 3, padding_idx=0)", "nn.LSTM(3, 4, bias=False)",
         "nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))", "nn.Flatten()", "nn.Softmax(dim=1)"}
# Layers whose eval mode differs from train mode are also run in eval mode.
_EVAL = ("BatchNorm", "InstanceNorm", "Dropout", "Sequential", "LSTM(3, 4, proj")


def _cases():
    for case in LAYERS:
        values = case.values if hasattr(case, "values") else case
        expr = values[0]
        for mode in ("train", "eval") if any(k in expr for k in _EVAL) else ("train",):
            marks = list(getattr(case, "marks", ())) + ([] if expr in _FAST else [pytest.mark.slow])
            yield pytest.param(expr, values[1], mode, marks=marks, id=f"{mode}-{expr}")


@pytest.mark.parametrize("expr,shapes,mode", list(_cases()))
def test_layer_matches_torch(expr, shapes, mode):
    want_m, got_m = _build(expr, real), _build(expr, torch)
    assert repr(got_m) == repr(want_m)
    want_sd = want_m.state_dict()
    assert list(got_m.state_dict()) == list(want_sd)
    result = got_m.load_state_dict({k: torch.tensor(v.numpy()) for k, v in want_sd.items()})
    assert repr(result) == "<All keys matched successfully>"
    for m in (want_m, got_m):
        m.train(mode == "train")
    rng = np.random.default_rng(0)
    want_in, got_in = _inputs(real, shapes, rng), _inputs(torch, shapes, np.random.default_rng(0))
    want, got = _flat(want_m(*want_in)), _flat(got_m(*got_in))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert tuple(g.shape) == tuple(w.shape) and str(g.dtype) == str(w.dtype)
        np.testing.assert_allclose(g.detach().numpy(), w.detach().numpy(), rtol=1e-4, atol=1e-5)
    if any(w.requires_grad for w in want):
        rng = np.random.default_rng(1)
        cots = [rng.standard_normal(tuple(w.shape)).astype(np.float32) for w in want]
        sum((w * real.tensor(c)).sum() for w, c in zip(want, cots) if w.requires_grad).backward()
        sum((g * torch.tensor(c)).sum() for g, c in zip(got, cots) if g.requires_grad).backward()
        for (name, wp), (_, gp) in zip(want_m.named_parameters(), got_m.named_parameters()):
            assert (gp.grad is None) == (wp.grad is None), name
            if wp.grad is not None:
                np.testing.assert_allclose(gp.grad.numpy(), wp.grad.numpy(), rtol=1e-4, atol=1e-5, err_msg=name)
        for g, w in zip(got_in, want_in):
            if w.grad is not None:
                np.testing.assert_allclose(g.grad.numpy(), w.grad.numpy(), rtol=1e-4, atol=1e-5)
    for (name, wb), (_, gb) in zip(want_m.named_buffers(), got_m.named_buffers()):  # running statistics
        np.testing.assert_allclose(gb.numpy(), wb.numpy(), rtol=1e-5, atol=1e-6, err_msg=name)


_WINDOWS = ("nn.Sequential(nn.AvgPool2d(2, stride=1, padding=1, count_include_pad=False), nn.LPPool2d(2, 2), "
            "nn.LocalResponseNorm(2), nn.AdaptiveAvgPool2d((2, 3)), nn.Dropout(0.0), nn.Flatten(2), nn.AvgPool1d(3))")


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_window_layers_backward(mode):
    """Regression: these layers' core ops once failed under jit + vjp ("Linearization failed")."""
    grads = []
    for lib in (real, torch):
        model = _build(_WINDOWS, lib).train(mode == "train")
        x = lib.tensor(np.random.default_rng(0).standard_normal((2, 4, 7, 8)).astype(np.float32), requires_grad=True)
        y = model(x)
        (y * lib.arange(y.numel(), dtype=lib.float32).reshape(y.shape)).sum().backward()
        grads.append((y.detach().numpy(), x.grad.numpy()))
    for g, w in zip(*reversed(grads)):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-6)


def test_embedding_max_norm_renormalises_weight():
    """PyTorch rewrites the looked-up rows of the weight in place (norm <= max_norm); gradients are the
    plain lookup's."""
    got = []
    weight = np.random.default_rng(3).standard_normal((6, 3)).astype(np.float32)
    for lib in (real, torch):
        emb = _build("nn.Embedding(6, 3, max_norm=1.5, norm_type=1.0, padding_idx=1)", lib)
        emb.load_state_dict({"weight": lib.tensor(weight)})
        steps = []
        for idx in ([[0, 1, 1], [4, 0, 2]], [5, 4, 3]):
            y = emb(lib.tensor(idx))
            (y * lib.arange(3.0)).sum().backward()
            steps.append([t.detach().numpy().copy() for t in (y, emb.weight, emb.weight.grad)])
        assert emb.weight.is_leaf and emb.weight.requires_grad
        got.append(steps)
    for g, w in zip(*reversed(got)):
        for a, b in zip(g, w):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


def test_batchnorm_running_stats_over_steps():
    for kw in ({}, {"momentum": None}, {"momentum": 0.3}):
        want, got = real.nn.BatchNorm1d(3, **kw), torch.nn.BatchNorm1d(3, **kw)
        rng = np.random.default_rng(2)
        for _ in range(3):
            x = rng.standard_normal((5, 3)).astype(np.float32) * 2 + 1
            want(real.tensor(x)), got(torch.tensor(x))
        for name in ("running_mean", "running_var", "num_batches_tracked"):
            np.testing.assert_allclose(getattr(got, name).numpy(), getattr(want, name).numpy(), rtol=1e-5)
        assert got.num_batches_tracked.dtype == torch.int64


def test_dropout_train_and_eval():
    drop = torch.nn.Dropout(0.5)
    x = torch.ones(10000)
    y = drop(x)
    kept = y[y != 0]
    assert bool((kept == 2.0).all()) and 0.45 < float((y == 0).float().mean()) < 0.55
    drop.eval()
    assert torch.equal(drop(x), x)
    torch.manual_seed(3)
    a = torch.nn.Dropout(0.5)(x)
    torch.manual_seed(3)
    assert torch.equal(torch.nn.Dropout(0.5)(x), a)


def test_manual_seed_reproduces_model():
    torch.manual_seed(5)
    a = torch.nn.Linear(4, 3)
    torch.manual_seed(5)
    b = torch.nn.Linear(4, 3)
    assert torch.equal(a.weight, b.weight) and torch.equal(a.bias, b.bias)
    bound = 1 / 2
    assert float(a.weight.abs().max()) <= bound


def test_softmax_without_dim_warns():
    with pytest.warns(UserWarning, match="Implicit dimension choice"):
        y = torch.nn.Softmax()(torch.ones(2, 3))
    np.testing.assert_allclose(y.numpy(), np.full((2, 3), 1 / 3), rtol=1e-6)
    assert repr(torch.nn.Softmax()) == "Softmax(dim=None)"


def test_lstm_returns_state_tuple():
    lstm = torch.nn.LSTM(3, 4, num_layers=2)
    out, (h, c) = lstm(torch.randn(5, 2, 3))
    assert tuple(out.shape) == (5, 2, 4) and tuple(h.shape) == (2, 2, 4) and tuple(c.shape) == (2, 2, 4)
    out2, h2 = torch.nn.GRU(3, 4)(torch.randn(5, 2, 3), torch.zeros(1, 2, 4))
    assert tuple(h2.shape) == (1, 2, 4)


def test_embedding_from_pretrained():
    w = torch.tensor([[1.0, 2.3, 3.0], [4.0, 5.1, 6.3]])
    emb = torch.nn.Embedding.from_pretrained(w)
    assert not emb.weight.requires_grad
    np.testing.assert_allclose(emb(torch.tensor([1])).numpy(), [[4.0, 5.1, 6.3]], rtol=1e-6)
    assert repr(emb) == "Embedding(2, 3)"


def test_changed_attribute_takes_effect():
    bn = torch.nn.BatchNorm1d(2)
    bn.momentum = 1.0
    bn(torch.tensor([[1.0, 2.0], [3.0, 6.0]]))
    np.testing.assert_allclose(bn.running_mean.numpy(), [2.0, 4.0])
    lin = torch.nn.Linear(2, 1)
    lin.weight = torch.nn.Parameter(torch.tensor([[1.0, 1.0]]))
    lin.bias = None
    assert float(lin(torch.tensor([[2.0, 3.0]]))) == 5.0
    assert repr(lin) == "Linear(in_features=2, out_features=1, bias=False)"


@pytest.mark.parametrize("expr", [e for e, _ in LAYERS])
def test_public_attributes_match_torch(expr):
    """The attributes a layer shows (``conv.kernel_size``, ``dist.norm``...) have PyTorch's names and values."""
    got = []
    for lib in (real, torch):
        got.append({k: repr(v) for k, v in vars(_build(expr, lib)).items() if not k.startswith("_")})
    assert got[1] == got[0]
