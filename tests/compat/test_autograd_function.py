"""Custom ``autograd.Function`` and hooks on non-leaf tensors against real PyTorch (the staged backward)."""
import types

import numpy as np
import pytest
import torch as real

import jtorch.compat as torch
from jtorch.compat import engine


def functions(lib):
    """The same custom Functions written against ``lib`` (real PyTorch or the facade)."""
    F = lib.autograd.Function

    class MyReLU(F):  # the seed tutorial's ReLU
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return input.clamp(min=0)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            grad_input = grad_output.clone()
            grad_input[input < 0] = 0
            return grad_input

    class Exp(F):  # saves its output
        @staticmethod
        def forward(ctx, i):
            result = i.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad_output):
            result, = ctx.saved_tensors
            return grad_output * result

    class SinCos(F):  # two outputs, a non-tensor argument, needs_input_grad
        @staticmethod
        def forward(ctx, x, y, scale):
            ctx.save_for_backward(x, y)
            ctx.scale = scale
            return x.sin() * scale, (x * y).cos()

        @staticmethod
        def backward(ctx, ga, gb):
            x, y = ctx.saved_tensors
            s = -(x * y).sin() * gb
            gx = ga * x.cos() * ctx.scale + s * y if ctx.needs_input_grad[0] else None
            gy = s * x if ctx.needs_input_grad[1] else None
            return gx, gy, None

    class ArgMaxScale(F):  # a non-differentiable output; grads are not materialised
        @staticmethod
        def forward(ctx, x):
            idx = x.argmax()
            ctx.mark_non_differentiable(idx)
            ctx.set_materialize_grads(False)
            return x * 2, idx

        @staticmethod
        def backward(ctx, g, g_idx):
            assert g_idx is None
            return g * 2

    class Cube(F):  # setup_context style; differentiable backward (create_graph)
        @staticmethod
        def forward(x):
            return x ** 3

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(inputs[0])

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return 3 * x ** 2 * g

    class TripleInPlace(F):  # modifies its input in place (mark_dirty)
        @staticmethod
        def forward(ctx, x):
            x.mul_(3)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 3

    return types.SimpleNamespace(**{c.__name__: c for c in (MyReLU, Exp, SinCos, ArgMaxScale, Cube, TripleInPlace)})


X = np.array([0.5, -1.0, 2.0, -0.25], np.float32)
Y = np.array([1.5, 0.3, -0.7, 2.0], np.float32)


def _two_output(lib, f, x, y):
    a, b = f.SinCos.apply(x, y, 2.0)
    return {"loss": (a * b + a).sum()}


def _used_twice(lib, f, x, y):
    return {"loss": (f.Exp.apply(x) * f.Exp.apply(x * y)).sum() + f.MyReLU.apply(f.MyReLU.apply(x - y)).sum()}


def _create_graph(lib, f, x, y):
    (g,) = lib.autograd.grad(f.Cube.apply(x * y).sum(), x, create_graph=True)
    (g2,) = lib.autograd.grad((g * g).sum(), x, create_graph=True)
    return {"g": g, "g2": g2, "loss": g2.sum()}


def _hooks(lib, f, x, y):
    seen = []
    h = x * y
    h.register_hook(lambda g: seen.append(g.detach().clone()))  # observes
    h.register_hook(lambda g: g * 3)  # scales; hooks run in order
    h.register_hook(lambda g: seen.append(g.detach().clone()))
    h.retain_grad()  # sees the gradient after the hooks
    k = h.exp()
    k.register_hook(lambda g: g + 1)
    out = (h * k + h).sum()  # h used twice: its hooks see the summed gradient once
    return {"loss": out, "seen0": lambda: seen[0], "seen1": lambda: seen[1], "h.grad": lambda: h.grad}


def _hook_on_function_output(lib, f, x, y):
    e = f.Exp.apply(x)
    e.register_hook(lambda g: g * -2)
    return {"loss": (f.MyReLU.apply(e - 1) * y).sum()}


def _nondiff_output(lib, f, x, y):
    z, idx = f.ArgMaxScale.apply(x * y)
    return {"loss": z.sum() + z[idx], "idx": idx, "idx_requires_grad": lib.tensor(idx.requires_grad)}


def _mark_dirty(lib, f, x, y):
    h = x * y
    out = f.TripleInPlace.apply(h)
    return {"loss": (out * y).sum() + h.sum(), "h": h, "same": lib.tensor(out is h),
            "grad_fn": lib.tensor(type(h.grad_fn).__name__ == "TripleInPlaceBackward")}


CASES = {
    "mark_dirty": _mark_dirty,
    "relu": lambda lib, f, x, y: {"loss": (f.MyReLU.apply(x * y) ** 2).sum()},
    "exp_saves_output": lambda lib, f, x, y: {"loss": (f.Exp.apply(x) * y).sum()},
    "two_output": _two_output,
    "used_twice": _used_twice,
    "create_graph": _create_graph,
    "hooks": _hooks,
    "hook_on_function_output": _hook_on_function_output,
    "nondiff_output": _nondiff_output,
    "setup_context": lambda lib, f, x, y: {"loss": f.Cube.apply(x).sum() + y.sum()},
}


def _run(lib, case):
    x, y = (lib.tensor(a, requires_grad=True) for a in (X, Y))
    out = CASES[case](lib, functions(lib), x, y)
    out["loss"].backward()
    out.update({"x.grad": x.grad, "y.grad": y.grad})
    return {k: np.asarray((v() if callable(v) else v).detach().numpy()) for k, v in out.items()}


SLOW = {"create_graph", "used_twice", "hook_on_function_output"}  # compile-bound (> 7 s each)


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.slow) if c in SLOW else c for c in sorted(CASES)])
def test_matches_pytorch(case):
    want, got = _run(real, case), _run(torch, case)
    assert want.keys() == got.keys()
    for k in want:
        np.testing.assert_allclose(got[k], want[k], rtol=1e-5, atol=1e-6, err_msg=k)
        assert got[k].dtype == want[k].dtype, k


def test_grad_fn_and_ctx():
    f = functions(torch)
    x = torch.tensor(X, requires_grad=True)
    a, b = f.SinCos.apply(x, torch.tensor(Y), 1.0)
    assert type(a.grad_fn).__name__ == "SinCosBackward" and a.grad_fn is b.grad_fn
    assert a.grad_fn.needs_input_grad == (True, False, False)
    assert [type(n).__name__ for n, _ in a.grad_fn.next_functions] == ["AccumulateGrad", "NoneType"]
    assert "grad_fn=<SinCosBackward>" in repr(a)
    with torch.no_grad():
        assert not f.Exp.apply(x).requires_grad
    assert not f.Exp.apply(torch.tensor(X)).requires_grad


def _bad(lib, grads, nargs):
    class Bad(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, n=2):
            return x * n

        @staticmethod
        def backward(ctx, g):
            return grads(g)

    x = lib.tensor(X, requires_grad=True)
    Bad.apply(*(x, 3)[:nargs]).sum().backward()
    return x.grad


ERRORS = {  # (backward's result, number of forward args)
    "too_few": (lambda g: g, 2),
    "too_many": (lambda g: (g, g), 1),
    "not_a_tensor_input": (lambda g: (g, 1.0), 2),
    "bad_shape": (lambda g: (g[:1], None), 2),
    "scalar_grad": (lambda g: (g.sum(), None), 2),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_backward_errors_match_pytorch(case):
    grads, nargs = ERRORS[case]
    with pytest.raises(RuntimeError) as want:
        _bad(real, grads, nargs)
    with pytest.raises(RuntimeError) as got:
        _bad(torch, grads, nargs)
    assert str(got.value) == str(want.value)


FIXED_UP = {  # results PyTorch accepts and fixes: extra Nones dropped, dtype cast, broadcast summed
    "extra_nones": (lambda g: (g, None, None), 1),
    "cast": (lambda g: (g.double(), None), 2),
    "sum_to": (lambda g: (g.expand(3, 4), None), 2),
}


@pytest.mark.parametrize("case", sorted(FIXED_UP))
def test_backward_results_fixed_up_as_pytorch(case):
    grads, nargs = FIXED_UP[case]
    want, got = _bad(real, grads, nargs), _bad(torch, grads, nargs)
    np.testing.assert_allclose(got.numpy(), want.numpy())
    assert str(got.dtype) == str(want.dtype)


def test_mark_dirty_on_a_leaf_raises():
    for lib in (real, torch):
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad has been used in an in-place"):
            functions(lib).TripleInPlace.apply(lib.tensor(X, requires_grad=True))
        plain = lib.tensor(X)
        assert functions(lib).TripleInPlace.apply(plain) is plain and plain.tolist() == (3 * X).tolist()


def test_misuse_errors():
    with pytest.raises(NotImplementedError, match="implement the forward"):
        torch.autograd.Function.apply(torch.ones(1))

    class Saves(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(3)

    with pytest.raises(TypeError, match="argument 0 is of type int"):
        Saves.apply(torch.ones(1))
    h = torch.ones(2, requires_grad=True) * 2
    h.register_hook(lambda g: g[:1])
    with pytest.raises(RuntimeError, match="hook '<lambda>' has changed the size of value"):
        h.sum().backward()


def test_freed_saved_tensors_and_retain_graph():
    f = functions(torch)
    x = torch.tensor(X, requires_grad=True)
    y = f.Exp.apply(x)
    y.sum().backward(retain_graph=True)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.exp(X), rtol=1e-6)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.sum().backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.grad_fn.saved_tensors


def test_leaf_hooks_unchanged_and_handle_remove():
    x = torch.tensor(X, requires_grad=True)
    x.register_hook(lambda g: g * 2)
    h = x * 1
    handle = h.register_hook(lambda g: g * 100)
    handle.remove()
    h.sum().backward()
    assert x.grad.tolist() == [2.0] * 4


def test_no_barrier_graph_stays_one_replay():
    x = torch.tensor(X, requires_grad=True)
    for step in range(3):  # two to warm up
        if step == 2:
            engine.reset_stats()
        x.grad = None
        (x.exp() * x).sum().backward()
        x.grad.tolist()  # backward leaves its gradient pending: reading it is the sync
    assert engine.stats()["executions"] == 1 and engine.stats()["compilations"] == 0


@pytest.mark.slow
def test_function_in_a_loop_does_not_recompile():
    f = functions(torch)
    w = torch.tensor(X, requires_grad=True)
    for step in range(6):
        if step == 3:  # the first sync also makes the leaf w; the second step's is the steady one
            engine.reset_stats()
        loss = f.MyReLU.apply(f.Exp.apply(w) - 1.5).sum()
        loss.backward()
        with torch.no_grad():
            w -= 0.1 * w.grad
        w.grad = None
    assert engine.stats()["compilations"] == 0
