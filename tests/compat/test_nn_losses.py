"""Loss modules against PyTorch: values and input gradients for each reduction, class weights (a buffer),
ignore_index, label_smoothing, legacy size_average/reduce, repr."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch as real

import jtorch.compat as torch

_R = np.random.default_rng(0)
X = _R.standard_normal((4, 3)).astype(np.float32)
Y = _R.standard_normal((4, 3)).astype(np.float32)
P = (1 / (1 + np.exp(-X))).astype(np.float32)
T01 = (_R.random((4, 3)) > 0.5).astype(np.float32)
CLS = np.array([0, 2, 1, 2])
SIGN = np.array([1.0, -1.0, 1.0, -1.0], np.float32)
W3 = np.array([0.2, 1.0, 2.0], np.float32)

# (constructor over `nn`/`lib`, inputs (float arrays get requires_grad), also test reduction none/sum)
LOSSES = [
    ("nn.MSELoss()", [X, Y]),
    ("nn.L1Loss()", [X, Y]),
    ("nn.SmoothL1Loss(beta=0.5)", [X, Y]),
    ("nn.HuberLoss(delta=0.5)", [X, Y]),
    ("nn.CrossEntropyLoss()", [X, CLS]),
    ("nn.CrossEntropyLoss(weight=lib.tensor(W3), ignore_index=1, label_smoothing=0.1)", [X, CLS]),
    ("nn.NLLLoss(weight=lib.tensor(W3))", [np.log(P), CLS]),
    ("nn.BCELoss()", [P, T01]),
    ("nn.BCELoss(weight=lib.tensor(W3))", [P, T01]),
    ("nn.BCEWithLogitsLoss(pos_weight=lib.tensor(W3))", [X, T01]),
    ("nn.KLDivLoss(reduction='batchmean')", [np.log(P), P]),
    ("nn.PoissonNLLLoss()", [X, np.abs(Y)]),
    ("nn.GaussianNLLLoss()", [X, Y, np.abs(Y) + 0.1]),
    ("nn.MarginRankingLoss(margin=0.1)", [X[:, 0], Y[:, 0], SIGN]),
    ("nn.HingeEmbeddingLoss()", [X[:, 0], SIGN]),
    ("nn.SoftMarginLoss()", [X[:, 0], SIGN]),
    ("nn.CosineEmbeddingLoss(margin=0.2)", [X, Y, SIGN]),
    ("nn.MultiLabelSoftMarginLoss()", [X, T01]),
    ("nn.MultiMarginLoss(p=2, margin=0.5)", [X, CLS]),
    ("nn.TripletMarginLoss(margin=0.5)", [X, Y, X[::-1].copy()]),
]

# Inputs PyTorch refuses to differentiate (its derivative formula leaves them out): given without grad.
NO_GRAD = {"nn.SoftMarginLoss()": {1}}


@pytest.mark.parametrize("reduction", ["default", "sum", "none"])
@pytest.mark.parametrize("expr,inputs", LOSSES, ids=[(c.values if hasattr(c, "values") else c)[0] for c in LOSSES])
def test_loss_matches_torch(expr, inputs, reduction):
    if reduction != "default" and "batchmean" in expr:
        pytest.skip("KLDivLoss batchmean is its own reduction")
    fixed = NO_GRAD.get(expr, set())
    if reduction != "default":
        expr = expr[:-1] + (", " if not expr.endswith("()") else "") + f"reduction='{reduction}')"
    values, grads = [], []
    for lib in (real, torch):
        loss_fn = eval(expr, {"nn": lib.nn, "lib": lib, "W3": W3})
        ts = [lib.tensor(a, requires_grad=a.dtype.kind == "f" and i not in fixed) for i, a in enumerate(inputs)]
        out = loss_fn(*ts)
        out.sum().backward()
        values.append(out.detach().numpy())
        grads.append([t.grad.numpy() if t.grad is not None else None for t in ts])
        if lib is real:
            want_repr, want_keys = repr(loss_fn), list(loss_fn.state_dict())
    assert repr(loss_fn) == want_repr and list(loss_fn.state_dict()) == want_keys
    np.testing.assert_allclose(values[1], values[0], rtol=1e-5, atol=1e-6)
    for g, w in zip(*reversed(grads)):
        if w is not None:
            np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-6)


def test_legacy_size_average_and_reduce():
    for kwargs, reduction in (({"size_average": False}, "sum"), ({"reduce": False}, "none")):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            got = torch.nn.MSELoss(**kwargs)
        assert got.reduction == reduction == real.nn.MSELoss(**kwargs).reduction
        assert "size_average and reduce args will be deprecated" in str(caught[0].message)


def test_weight_is_a_buffer():
    got = torch.nn.CrossEntropyLoss(weight=torch.tensor(W3))
    assert [n for n, _ in got.named_buffers()] == ["weight"] and not list(got.parameters())
    assert repr(got) == "CrossEntropyLoss()"


def test_not_differentiable_target_refused_as_torch():
    values = []
    for lib in (real, torch):
        x, t = lib.tensor(X[:, 0], requires_grad=True), lib.tensor(SIGN, requires_grad=True)
        with pytest.raises(RuntimeError, match=r"^The function 'soft_margin_loss' is not differentiable with "
                                               r"respect to argument 'target'\. This input cannot have "
                                               r"requires_grad True\.$"):
            lib.nn.SoftMarginLoss()(x.detach(), t)
        with lib.no_grad():  # PyTorch checks only when grad mode is on
            values.append(lib.nn.SoftMarginLoss()(x, t).numpy())
    np.testing.assert_allclose(values[1], values[0], rtol=1e-6)
