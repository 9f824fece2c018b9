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


# Arguments PyTorch's loss kernels refuse to differentiate: (call over F/lib with x, t, w; kernel; argument).
REFUSED = [
    ("F.nll_loss(x.log_softmax(1), lib.tensor(CLS), weight=w)", "nll_loss_forward", "weight"),
    ("F.cross_entropy(x, lib.tensor(CLS), weight=w, label_smoothing=0.1)", "nll_loss_forward", "weight"),
    ("F.binary_cross_entropy(x.sigmoid(), t.sigmoid(), weight=w)", "binary_cross_entropy", "weight"),
    ("F.binary_cross_entropy_with_logits(x, t.sigmoid(), pos_weight=w)", "binary_cross_entropy_with_logits",
     "pos_weight"),
    ("F.soft_margin_loss(x, t)", "soft_margin_loss", "target"),
    ("lib.nn.SoftMarginLoss()(x, t)", "soft_margin_loss", "target"),
    ("F.multi_margin_loss(x, lib.tensor(CLS), weight=w)", "multi_margin_loss", "weight"),
]
# Where PyTorch differentiates the target or weight (composite losses): gradients for every input.
DIFFERENTIATED = ["F.mse_loss(x, t)", "F.l1_loss(x, t)", "F.smooth_l1_loss(x, t)", "F.huber_loss(x, t)",
                  "F.binary_cross_entropy(x.sigmoid(), t.sigmoid())", "F.kl_div(x.log_softmax(1), t.softmax(1))",
                  "F.cross_entropy(x, t.softmax(1), weight=w)", "F.poisson_nll_loss(x, t.abs())",
                  "F.multilabel_soft_margin_loss(x, t.sigmoid(), weight=w)",
                  "F.gaussian_nll_loss(x, t, w.abs().expand(4, 3))"]


def _xtw(lib, grad):
    return (lib.tensor(X, requires_grad=grad[0]), lib.tensor(Y, requires_grad=grad[1]),
            lib.tensor(W3, requires_grad=grad[2]))


@pytest.mark.parametrize("call,kernel,arg", REFUSED, ids=[c[0].split("(")[0] + "-" + c[2] for c in REFUSED])
def test_not_differentiable_argument_refused_as_torch(call, kernel, arg):
    grad = (True, arg == "target", arg in ("weight", "pos_weight"))
    values = []
    for lib in (real, torch):
        x, t, w = _xtw(lib, grad)
        env = {"F": lib.nn.functional, "lib": lib, "x": x, "t": t, "w": w, "CLS": CLS}
        with pytest.raises(RuntimeError, match=rf"^The function '{kernel}' is not differentiable with respect to "
                                               rf"argument '{arg}'\. This input cannot have requires_grad True\.$"):
            eval(call, env)
        with lib.no_grad():  # PyTorch checks only when grad mode is on
            values.append(eval(call, env).numpy())
    np.testing.assert_allclose(values[1], values[0], rtol=1e-5)


@pytest.mark.parametrize("call", DIFFERENTIATED)
def test_target_and_weight_gradients_as_torch(call):
    grads = []
    for lib in (real, torch):
        x, t, w = _xtw(lib, (True, True, True))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            eval(call, {"F": lib.nn.functional, "x": x, "t": t, "w": w}).backward()
        grads.append([None if v.grad is None else v.grad.numpy() for v in (x, t, w)])
    for g, want in zip(grads[1], grads[0]):
        assert (g is None) == (want is None)
        if want is not None:
            np.testing.assert_allclose(g, want, rtol=1e-4, atol=1e-6)
