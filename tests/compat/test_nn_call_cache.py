"""A layer's steady-state call reuses the encoding of its first call (``_layer._calls``); these scripts change
what that encoding depends on between calls (parameters, attributes, mode, inputs, hooks) and must see
what PyTorch sees, call after call."""
from __future__ import annotations

import numpy as np
import pytest
import torch as real

import jtorch.compat as torch


def _record(out: list, t) -> None:
    out.append((t.detach().numpy().copy(), type(t.grad_fn).__name__ if t.grad_fn is not None else None))


def _linear_edits(lib):
    lin, out = lib.nn.Linear(3, 2), []
    with lib.no_grad():
        lin.weight.copy_(lib.tensor([[0.5, -1.0, 2.0], [0.25, 1.5, -0.75]]))
        lin.bias.copy_(lib.tensor([0.1, -0.2]))
    x = lib.tensor(np.arange(6.0, dtype=np.float32).reshape(2, 3))
    for _ in range(2):
        _record(out, lin(x))
    lin.weight = lib.nn.Parameter(lib.ones(2, 3))  # a replaced parameter
    _record(out, lin(x))
    _record(out, lin(x.reshape(1, 2, 3)))  # other ranks: other grad_fn names
    _record(out, lin(x[0]))
    lin.bias = None  # a parameter removed
    for input in (x, x[0], x.reshape(1, 2, 3)):
        _record(out, lin(input))
    with lib.no_grad():
        _record(out, lin(x))
    return out


def _dropout_edits(lib):
    lib.manual_seed(0)
    drop, out = lib.nn.Dropout(0.0), []
    x = lib.ones(4, 5, requires_grad=True)
    for p in (0.0, 0.0, 1.0, 1.0):
        drop.p = p
        _record(out, drop(x))
    drop.eval()
    _record(out, drop(x))
    out.append((np.array([drop(x) is x, lib.nn.Dropout2d(0.0)(x[0]) is x[0]]), None))
    return out


def _batchnorm_edits(lib):
    bn, out = lib.nn.BatchNorm1d(3), []
    x = lib.tensor(np.linspace(-2, 3, 12, dtype=np.float32).reshape(4, 3), requires_grad=True)
    for momentum in (0.1, 0.1, 0.5):
        bn.momentum = momentum
        _record(out, bn(x))
        _record(out, bn.running_mean)
    bn.eval()
    _record(out, bn(x))
    return out


def _hook_edits(lib):
    relu, out, seen = lib.nn.ReLU(), [], []
    x = lib.tensor([[-1.0, 2.0]], requires_grad=True)
    _record(out, relu(x))
    handle = relu.register_forward_hook(lambda m, args, y: seen.append(1) or y * 2)
    _record(out, relu(x))
    handle.remove()
    _record(out, relu(x))
    out.append((np.array(seen), None))
    return out


def _functional_calls(lib):
    """Lifted functions cache a call's encoding by its structure and non-Tensor values (``_lift._call_key``)."""
    F, out = lib.nn.functional, []
    x = lib.tensor([[-1.5, 0.5, 2.0], [1.0, -0.25, 3.0]], requires_grad=True)
    for slope in (0.1, 0.1, 0.2, 1):
        _record(out, F.leaky_relu(x, slope))
    for dim in (0, 1, 1, -1):
        _record(out, F.softmax(x, dim=dim))
    for kwargs in ({"reduction": "sum"}, {"reduction": "none"}, {"reduction": "sum"}):
        _record(out, F.mse_loss(x, lib.ones(2, 3), **kwargs))
    _record(out, F.mse_loss(target=lib.ones(2, 3), input=x))  # keywords out of signature order
    _record(out, F.mse_loss(target=lib.ones(2, 3), input=x * 2))
    w, b = lib.tensor([[0.5, -1.0, 2.0]], requires_grad=True), lib.tensor([0.25])
    for input, bias in ((x, b), (x, None), (x[0], b), (x[0], None), (x.reshape(1, 2, 3), None), (x, b)):
        _record(out, F.linear(input, w, bias))
    for training in (True, False):
        out.append((np.array(F.dropout(x, 0.5, training=training) is x), None))
    for target in (lib.tensor([0, 2]), lib.tensor([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]]), lib.tensor([1, 1])):
        _record(out, F.cross_entropy(x, target))  # class indices, then probabilities: other grad_fn
    return out  # nothing left pending (the generator's state): a later test's first sync would differ


@pytest.mark.parametrize("script", [_linear_edits, _dropout_edits, _batchnorm_edits, _hook_edits,
                                    _functional_calls])
def test_calls_after_edits_match_torch(script):
    want, got = script(real), script(torch)
    assert len(got) == len(want)
    for (g, g_name), (w, w_name) in zip(got, want):
        assert g_name == w_name
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_call_cache_stays_bounded_under_a_schedule():
    """A momentum changed every step makes a new cache key each call: the cache is emptied when full."""
    from jtorch.compat.nn.modules import _layer
    bn = torch.nn.BatchNorm1d(2)
    x = torch.ones(4, 2)
    for step in range(1100):
        bn.momentum = 0.1 + step * 1e-4
        bn(x)
    assert len(_layer._calls) <= 1024
