"""Autograd against real PyTorch: composite graphs, accumulation, retain/create_graph, views, errors."""
import numpy as np
import pytest
import torch as real

import jtorch.compat as torch


def both(fn, *arrays):
    """Runs ``fn(lib, *leaves)`` in PyTorch and jtorch; returns (torch grads, jtorch grads, outputs)."""
    outs, grads = [], []
    for lib in (real, torch):
        leaves = [lib.tensor(a, requires_grad=True) for a in arrays]
        out = fn(lib, *leaves)
        out.backward()
        outs.append(out.detach().numpy())
        grads.append([None if leaf.grad is None else leaf.grad.numpy() for leaf in leaves])
    np.testing.assert_allclose(outs[1], outs[0], rtol=1e-5, atol=1e-6)
    for g_got, g_want in zip(grads[1], grads[0]):
        assert (g_got is None) == (g_want is None)
        if g_want is not None:
            np.testing.assert_allclose(g_got, g_want, rtol=1e-5, atol=1e-6)


RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4)).astype(np.float32)
B = RNG.standard_normal((4, 2)).astype(np.float32)

CASES = {
    "mm_tanh_sum": lambda lib, a, b: (a @ b).tanh().sum(),
    "broadcast_mul_mean": lambda lib, a, b: (a * a.sum(0, keepdim=True)).mean(),
    "pow_div_exp": lambda lib, a, b: ((a ** 2) / (1 + a.exp())).sum() + b.abs().sum(),
    "view_transpose": lambda lib, a, b: (a.view(12).view(4, 3).t() * 3).sum(),
    "index_and_slice": lambda lib, a, b: a[1:, ::2].sum() * a[0, 1] + b[:, 0].pow(3).sum(),
    "clamp_max_min": lambda lib, a, b: a.clamp(-0.5, 0.5).sum() + a.max() - a.min(dim=1)[0].sum(),
    "sigmoid_log": lambda lib, a, b: lib.log(lib.sigmoid(a)).sum(),
    "reused_subexpression": lambda lib, a, b: (lambda h: (h * h + h).sum())(a.mm(b)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_grads_match_pytorch(name):
    both(CASES[name], A, B)


def test_gradients_accumulate_and_reset():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    g = x.grad
    (x * x).sum().backward()
    assert x.grad is g and x.grad.tolist() == [5.0, 7.0]
    x.grad = None
    (x * 2).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_backward_twice_needs_retain_graph():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == pytest.approx((2 * (np.exp([1, 2]) * (1 + np.array([1, 2])))).tolist(), rel=1e-6)
    z = (x.exp() * x).sum()
    z.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        z.backward()


def test_create_graph_second_derivative():
    x = torch.tensor(3.0, requires_grad=True)
    y = x ** 3
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    assert g.item() == pytest.approx(27.0)
    (g2,) = torch.autograd.grad(g, x)
    assert g2.item() == pytest.approx(18.0)


def test_autograd_grad_unused_and_nonleaf():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0], requires_grad=True)
    h = x * 2
    y = (h ** 2).sum()
    with pytest.raises(RuntimeError, match="allow_unused"):
        torch.autograd.grad(y, [x, w], retain_graph=True)
    gx, gw, gh = torch.autograd.grad(y, [x, w, h], allow_unused=True)
    assert gx.tolist() == [8.0, 16.0] and gw is None and gh.tolist() == [4.0, 8.0]
    assert x.grad is None


def test_retain_grad_and_grad_fn_chain():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    h = x + 1
    h.retain_grad()
    y = (h * 2).sum()
    assert type(y.grad_fn).__name__ == "SumBackward0"
    assert type(y.grad_fn.next_functions[0][0]).__name__ == "MulBackward0"
    assert type(h.grad_fn.next_functions[0][0]).__name__ == "AccumulateGrad"
    y.backward()
    assert h.grad.tolist() == [2.0, 2.0] and x.grad.tolist() == [2.0, 2.0]


@pytest.mark.parametrize("call", [lambda t, x: x.clamp(min=0.5), lambda t, x: x.clamp(max=0.5),
                                  lambda t, x: x.clamp(t.tensor(0.0), t.tensor(1.0)),
                                  lambda t, x: x.clamp_min(0.5), lambda t, x: t.clamp_min(x, t.tensor(0.5)),
                                  lambda t, x: x.clamp_max(0.5), lambda t, x: x.clamp_max(t.tensor(0.5))])
def test_clamp_overloads_name_their_grad_fn_as_torch(call):
    def name(lib):
        return type(call(lib, lib.ones(2, requires_grad=True)).grad_fn).__name__
    assert name(torch) == name(real)


@pytest.mark.parametrize("expr", ["x.squeeze()", "x.squeeze(1)", "x.squeeze((1,))", "x.unsqueeze(0)",
                                  "x.view(6)", "x.transpose(0, 2)", "x[0]"])
def test_view_grad_fn_names_as_torch(expr):
    def names(lib):
        y = eval(expr, {"x": lib.ones(2, 1, 3, requires_grad=True) * 1})
        return type(y.grad_fn).__name__, repr(y).split("grad_fn=")[1]
    assert names(torch) == names(real)


def test_grad_fn_class_repr_and_name_as_torch():
    """A CopySlices grad_fn is class ``CopySlices``, whose name() is ``torch::autograd::CopySlices``; a
    custom Function's backward object is a Python class of torch.autograd.function."""
    def seen(lib):
        class Double(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g * 2

        z = lib.ones(3, requires_grad=True) * 1
        z[0] = 5
        f = Double.apply(z).grad_fn
        return [repr(z), z.grad_fn.name(), repr(z.grad_fn).split(" at ")[0], f.name(), repr(f).split(" at ")[0]]
    assert seen(torch) == seen(real)


def test_inplace_through_views_reaches_base():
    x = torch.zeros(2, 3)
    row = x[0]
    row += 1
    x[1][2] = 5
    assert x.tolist() == [[1, 1, 1], [0, 0, 5]]
    v = x.view(6)
    x.add_(1)
    assert v.tolist() == [2, 2, 2, 1, 1, 6]
    assert x.clone().view(6).add_(1).tolist() != v.tolist()


def test_inplace_on_view_of_nonleaf_is_differentiated():
    for lib in (real, torch):
        a = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        b = a * 2
        b[1] = b[0] * 3
        b.sum().backward()
        if lib is real:
            want = a.grad.numpy()
        else:
            np.testing.assert_allclose(a.grad.numpy(), want)


def test_leaf_inplace_errors():
    w = torch.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        w.add_(1)
    with pytest.raises(RuntimeError, match="view of a leaf Variable"):
        w[0].mul_(2)
    with torch.no_grad():
        w -= 0.5
    assert w.is_leaf and w.requires_grad and w.tolist() == [0.5] * 3


def test_backward_errors_match_pytorch():
    x = torch.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (x * 2).backward()
    with pytest.raises(RuntimeError, match="does not require grad"):
        torch.ones(2).sum().backward()
    with pytest.raises(RuntimeError, match="cannot be converted to Scalar"):
        x.item()


def test_no_grad_and_detach():
    x = torch.ones(2, requires_grad=True)
    with torch.no_grad():
        y = x * 2
    assert not y.requires_grad and y.grad_fn is None
    assert not x.detach().requires_grad

    @torch.no_grad()
    def f(t):
        return t * 2
    assert not f(x).requires_grad and torch.is_grad_enabled()


def test_leaf_written_in_place_after_forward_still_gets_its_grad():
    for lib in (real, torch):
        w = lib.ones(3, requires_grad=True)
        y = w * 2
        with lib.no_grad():
            w.add_(1)
        y.sum().backward()
        assert w.grad.tolist() == [2.0, 2.0, 2.0] and w.tolist() == [2.0, 2.0, 2.0]


@pytest.mark.parametrize("second", ["unused", "no_grad"])
def test_autograd_grad_input_errors_as_torch(second):
    def message(lib):
        x = lib.ones(2, requires_grad=True)
        other = lib.ones(2, requires_grad=second == "unused")
        try:
            lib.autograd.grad((x * 2).sum(), [x, other])
        except RuntimeError as e:
            return str(e)
    assert message(torch) == message(real) is not None
