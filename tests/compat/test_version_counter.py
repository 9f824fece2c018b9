"""PyTorch's version counters: backward through an op whose saved tensor was since modified in place raises
PyTorch's error (its text: type, shape, the grad_fn, both versions); a tensor the op did not save may be written
freely. Each scenario runs on real PyTorch and on the facade; the error, or the gradients, must be equal."""
import numpy as np
import pytest
import torch as real

import jtorch.compat as torch
from jtorch.compat import _version

A = np.array([[0.5, 1.5], [2.0, 0.25]], np.float32)
B = np.array([[1.25, 0.75], [0.5, 3.0]], np.float32)


def _outcome(lib, scenario):
    """``("raised", type, message)`` or ``("ok", gradients)`` of ``scenario(lib)`` (which returns the leaves)."""
    try:  # not pytest.raises: its traceback cycle would keep the tensors (and pending nodes) alive
        leaves = scenario(lib)
    except Exception as e:  # noqa: BLE001 - the comparison is the point
        return "raised", type(e).__name__, str(e)
    return "ok", [None if t.grad is None else t.grad.tolist() for t in leaves]


def _assert_same(scenario):
    want, got = _outcome(real, scenario), _outcome(torch, scenario)
    if want[0] == "ok" and got[0] == "ok":
        assert len(got[1]) == len(want[1])
        for g, w in zip(got[1], want[1]):
            assert (g is None) == (w is None)
            if w is not None:
                np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    else:
        assert got == want


# ---------------------------------------------------------------- each op: which tensors it saves

def _F(lib):
    return lib.nn.functional


OPS = {  # name -> (function of the inputs, number of tensor inputs)
    "mul": (lambda lib, a, b: a * b, 2),
    "add": (lambda lib, a, b: a + b, 2),
    "div": (lambda lib, a, b: a / b, 2),
    "pow_tensor": (lambda lib, a, b: a ** b, 2),
    "matmul": (lambda lib, a, b: a @ b, 2),
    "linear": (lambda lib, a, b: _F(lib).linear(a, b), 2),
    "mse_loss": (lambda lib, a, b: _F(lib).mse_loss(a, b), 2),
    "atan2": (lambda lib, a, b: lib.atan2(a, b), 2),
    "dot": (lambda lib, a, b: a.view(4).dot(b.view(4)), 2),
    "outer": (lambda lib, a, b: lib.outer(a.view(4), b.view(4)), 2),
    "mv": (lambda lib, a, b: lib.mv(a, b.view(4)[:2]), 2),
    "bmm": (lambda lib, a, b: lib.bmm(a.unsqueeze(0), b.unsqueeze(0)), 2),
    "conv2d": (lambda lib, a, b: _F(lib).conv2d(a.view(1, 1, 2, 2), b.view(1, 1, 2, 2), padding=1), 2),
    "pow_scalar": (lambda lib, a: a ** 2, 1),
    "square": (lambda lib, a: a.square(), 1),
    "relu": (lambda lib, a: a.relu(), 1),
    "F.relu": (lambda lib, a: _F(lib).relu(a), 1),
    "exp": (lambda lib, a: a.exp(), 1),
    "sigmoid": (lambda lib, a: a.sigmoid(), 1),
    "tanh": (lambda lib, a: a.tanh(), 1),
    "sqrt": (lambda lib, a: a.sqrt(), 1),
    "log": (lambda lib, a: a.log(), 1),
    "sin": (lambda lib, a: a.sin(), 1),
    "abs": (lambda lib, a: a.abs(), 1),
    "clamp": (lambda lib, a: a.clamp(min=0.6), 1),
    "softmax": (lambda lib, a: a.softmax(1), 1),
    "log_softmax": (lambda lib, a: a.log_softmax(1), 1),
    "sum": (lambda lib, a: a.sum(), 1),
    "mean": (lambda lib, a: a.mean(1), 1),
    "prod": (lambda lib, a: a.prod(), 1),
    "amax": (lambda lib, a: a.amax(1), 1),
    "logsumexp": (lambda lib, a: a.logsumexp(1), 1),
    "norm": (lambda lib, a: a.norm(), 1),
    "neg": (lambda lib, a: -a, 1),
    **{name: ((lambda n: lambda lib, a: getattr(a, n)())(name), 1)
       for name in ["tan", "rsqrt", "reciprocal", "expm1", "exp2", "log2", "log1p", "erf", "acos", "cosh", "atan"]},
    **{f"F.{name}": ((lambda n: lambda lib, a: getattr(_F(lib), n)(a))(name), 1)
       for name in ["leaky_relu", "gelu", "silu", "softplus", "hardtanh", "sigmoid", "tanh"]},
    **{f"nn.{name}": ((lambda n: lambda lib, a: getattr(lib.nn, n)()(a))(name), 1)
       for name in ["ReLU", "Sigmoid", "Tanh", "LeakyReLU", "GELU", "SiLU", "Softplus", "Hardtanh"]},
    "nn.Softmax": (lambda lib, a: lib.nn.Softmax(1)(a), 1),
    "nn.LogSoftmax": (lambda lib, a: lib.nn.LogSoftmax(1)(a), 1),

    "view": (lambda lib, a: a.view(4) * 1, 1),
}
KINDS = {  # how an input is made: a computed tensor, a leaf that requires grad, plain data
    "computed": lambda lib, x: lib.tensor(x, requires_grad=True) * 1,
    "leaf": lambda lib, x: lib.tensor(x, requires_grad=True),
    "data": lambda lib, x: lib.tensor(x),
}


def _modify(lib, t, how: str):
    if how == "direct":
        t.mul_(2)
    elif how == "no_grad":
        with lib.no_grad():
            t.mul_(2)
    elif how == "detach":
        t.detach().mul_(2)
    else:  # a view of it, under no_grad (a leaf's view may not be written in grad mode)
        with lib.no_grad():
            t[0] += 1


def _op_scenario(op: str, kinds: tuple, target, how: str):
    fn, n = OPS[op]

    def scenario(lib):
        xs = [KINDS[k](lib, x) for k, x in zip(kinds, (A, B))]
        out = fn(lib, *xs)
        _modify(lib, out if target == "out" else xs[target], how)
        out.sum().backward()
        return [x for x in xs if x.is_leaf]  # the computed ones' leaves are not kept: compare via their ops

    return scenario


def _cases(ops, kinds_2, kinds_1, hows):
    for op in ops:
        n = OPS[op][1]
        for kinds in (kinds_2 if n == 2 else kinds_1):
            for target in [*range(n), "out"]:
                for how in hows:
                    if target == "out" and how == "view" and op in ("sum", "prod", "mse_loss", "dot", "norm"):
                        continue  # 0-d: not indexable
                    yield op, kinds, target, how


_SMALL = list(_cases(["mul", "div", "matmul", "relu", "exp", "pow_scalar", "sum"],
                     [("computed", "data"), ("data", "computed")], [("computed",)], ["direct", "detach"]))
_PAIRS = [("computed", "computed"), ("computed", "data"), ("data", "computed"), ("leaf", "data"), ("data", "leaf")]
_FULL = [c for c in _cases(OPS, _PAIRS,
                           [(k,) for k in KINDS], ["direct", "no_grad", "detach", "view"]) if c not in _SMALL]


@pytest.mark.parametrize("op,kinds,target,how", _SMALL, ids=lambda v: str(v))
def test_saved_tensors_match_pytorch(op, kinds, target, how):
    _assert_same(_op_scenario(op, kinds, target, how))


@pytest.mark.slow
@pytest.mark.parametrize("op,kinds,target,how", _FULL, ids=lambda v: str(v))
def test_saved_tensors_match_pytorch_all(op, kinds, target, how):
    _assert_same(_op_scenario(op, kinds, target, how))


# ---------------------------------------------------------------- writes around backward, layers, optimizers

def _retain_then_write(lib):
    x = lib.tensor(A, requires_grad=True)
    y = x * 2
    z = (y * x).sum()
    z.backward(retain_graph=True)
    y.mul_(10)
    z.backward()
    return [x]


def _twice_then_grad(lib):
    x = lib.tensor(A[0], requires_grad=True, dtype=lib.float64)
    y = x * 2
    z = y * x
    y.mul_(10)
    y.detach().add_(1)
    return list(lib.autograd.grad(z.sum(), x))


def _scalar_view_saved(lib):
    x = lib.tensor(A, requires_grad=True)
    y = x * 2
    z = y[0, 1] * x[1, 0]
    y[1] = 5  # the other row: the shared counter still moved
    z.backward()
    return [x]


def _view_written_through_view(lib):
    x = lib.tensor(A, requires_grad=True)
    y = x * 2
    v = y.t()
    z = (v * x).sum()
    v.detach()[0, 0] = 7.0
    z.backward()
    return [x]


def _integer_input(lib):
    w = lib.tensor(A[0], requires_grad=True)
    i = lib.tensor([1, 2])
    z = w * i
    i.add_(1)
    z.sum().backward()
    return [w]


def _written_before_use(lib):
    x = lib.tensor(A, requires_grad=True)
    y = x * 2
    y.detach().mul_(10)
    z = y * x  # uses the written value
    z.sum().backward()
    return [x]


def _leaf_written_then_unsaved(lib):
    w = lib.tensor(A, requires_grad=True)
    z = w + lib.tensor(B)  # add saves nothing
    with lib.no_grad():
        w -= 1
    z.sum().backward()
    return [w]


def _layers_then_step(lib):
    """The GAN mistake: a step between a retained graph's two backwards (weights saved by the second layer)."""
    model = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.ReLU(), lib.nn.Linear(3, 1))
    for layer in (model[0], model[2]):  # fresh Parameters: PyTorch's init writes count on a layer's own
        for name, p in list(layer.named_parameters()):
            setattr(layer, name, lib.nn.Parameter(lib.tensor(np.resize(A.ravel() - 1, tuple(p.shape)))))
    opt = lib.optim.SGD(model.parameters(), lr=0.1)
    loss = model(lib.tensor(A)).sum()
    loss.backward(retain_graph=True)
    opt.step()
    loss.backward()
    return list(model.parameters())


def _step_then_new_forward(lib):
    model = lib.nn.Linear(2, 2)
    with lib.no_grad():
        model.weight.copy_(lib.tensor(A))
        model.bias.zero_()
    opt = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for _ in range(3):
        opt.zero_grad()
        model(lib.tensor(B)).pow(2).sum().backward()
        opt.step()
    return list(model.parameters())


def _conv_input_written(lib):
    conv = lib.nn.Conv2d(1, 1, 2, bias=False)
    with lib.no_grad():
        conv.weight.copy_(lib.tensor(A).view(1, 1, 2, 2))
    x = lib.tensor(np.arange(9, dtype=np.float32).reshape(1, 1, 3, 3))
    out = conv(x)
    x.mul_(2)
    out.sum().backward()
    return [conv.weight]


def _conv_weight_stepped(lib):
    conv = lib.nn.Conv2d(1, 2, 2)
    conv.weight = lib.nn.Parameter(lib.tensor(np.resize(A, (2, 1, 2, 2))))
    opt = lib.optim.SGD(conv.parameters(), lr=0.1)
    loss = conv(lib.tensor(np.arange(9, dtype=np.float32).reshape(1, 1, 3, 3))).relu().sum()
    loss.backward(retain_graph=True)
    opt.step()
    loss.backward()
    return [conv.weight]


def _batchnorm_steps(lib):
    """Running statistics are written during the forward (a scan each backward): no op saves them."""
    model = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.BatchNorm1d(2), lib.nn.Tanh())
    with lib.no_grad():
        model[0].weight.copy_(lib.tensor(A))
    opt = lib.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(2):
        opt.zero_grad()
        model(lib.tensor(B)).pow(2).sum().backward()
        opt.step()
    return list(model.parameters())


def _history_kept_twice_differentiable(lib):
    x = lib.tensor(A[0], requires_grad=True)
    y = x ** 2
    y.detach().mul_(3)
    g, = lib.autograd.grad((y * x).sum(), x, create_graph=True)
    g.sum().backward()
    return [x]


def _history_kept_hook_and_retain_grad(lib):
    x = lib.tensor(A[0], requires_grad=True)
    y = x * 3
    seen = []
    y.register_hook(lambda g: seen.append(g.tolist()))
    y.retain_grad()
    with lib.no_grad():
        y[1] = 0.5
    (y * 2).sum().backward()
    assert seen == [[2.0, 2.0]]
    return [x, y]


def _class_loss(loss: str, modified: str):
    def scenario(lib):
        x = lib.tensor(A, requires_grad=True)
        scores = x * 1
        target = lib.tensor([1, 0])
        out = getattr(lib.nn.functional, loss)(scores, target)
        (target if modified == "target" else scores).mul_(2)
        out.backward()
        return [x]

    scenario.__name__ = f"{loss}_{modified}_written"
    return scenario


def _manual_loop(lib):
    x, y = lib.tensor(A), lib.tensor(B)
    w = lib.tensor(A, requires_grad=True)
    for _ in range(3):
        loss = (x.mm(w).clamp(min=0) - y).pow(2).sum()
        loss.backward()
        w.data -= 0.01 * w.grad.data
        w.grad.data.zero_()
    return [w]


def _data_write_after_save(lib):
    """``.data`` has its own counter: no error (PyTorch then differentiates the new value, jtorch the one the op
    saw, so only a tensor the op did not save is written here)."""
    x = lib.tensor(A, requires_grad=True)
    y = x * 2
    z = y + x
    y.data.mul_(10)
    z.sum().backward()
    return [x]


@pytest.mark.parametrize("scenario", [
    _retain_then_write, _twice_then_grad, _scalar_view_saved, _view_written_through_view, _integer_input,
    _written_before_use, _leaf_written_then_unsaved, _layers_then_step, _step_then_new_forward,
    _conv_input_written, _conv_weight_stepped, _batchnorm_steps, _manual_loop, _data_write_after_save,
    _history_kept_twice_differentiable, _history_kept_hook_and_retain_grad,
    *[_class_loss(loss, modified) for loss in ("nll_loss", "cross_entropy") for modified in ("target", "input")],
], ids=lambda f: f.__name__.strip("_"))
def test_scenarios_match_pytorch(scenario):
    _assert_same(scenario)


def test_autograd_grad_raises_as_pytorch():
    def scenario(lib):
        x = lib.tensor(A, requires_grad=True)
        y = x.sigmoid()
        y.add_(1)
        return lib.autograd.grad(y.sum(), x)
    assert _outcome(torch, scenario) == _outcome(real, scenario)
    assert _outcome(torch, scenario)[0] == "raised"


def test_version_attribute_matches_pytorch():
    def versions(lib):
        x = lib.tensor(A, requires_grad=True)
        y = x * 2
        out = [y._version]
        y.detach().mul_(2)
        out.append(y._version)
        y.data.mul_(2)  # its own counter
        out.append(y._version)
        v = y[0]
        v.mul_(2)
        out += [y._version, v._version]
        with lib.no_grad():
            x -= 1
        y.add_(1)
        return out + [x._version, y._version]
    assert versions(torch) == versions(real)


def test_training_loops_do_not_scan(monkeypatch):
    """Parameters written between steps never make ``backward`` look through the graph (the cost is one
    comparison); a write within the graph does."""
    scans = []
    monkeypatch.setattr(_version, "_scan", lambda inner: scans.append(len(inner)))
    _manual_loop(torch)
    _step_then_new_forward(torch)
    w = torch.tensor(A, requires_grad=True)
    opt = torch.optim.Adam([w])
    for _ in range(3):
        opt.zero_grad()
        with torch.no_grad():
            w.mul_(0.5)
        (w * w).sum().backward()
        opt.step()
    assert scans == []
    x = torch.tensor(A, requires_grad=True)
    y = x * 2
    z = y * x
    y.add_(1)
    z.sum().backward()
    assert len(scans) == 1


def test_marks_stay_bounded(monkeypatch):
    monkeypatch.setattr(_version, "_BOUND", 32)
    t = torch.zeros(2)
    for _ in range(40):
        t.add_(1)
    assert len(_version._marks) <= 32
    assert _outcome(torch, _retain_then_write)[0] == "raised"  # the latest writes are still seen
