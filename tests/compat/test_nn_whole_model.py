"""Whole-model pickles (``torch.save(model)``) across libraries: a model saved by real PyTorch loads into
facade classes (never real torch ones) that run forward and backward like the original; a facade model
pickles only PyTorch's attributes (derived caches are rebuilt on load) and loads in real PyTorch."""
from __future__ import annotations

import copy
import io

import numpy as np
import pytest
import torch as real

import jtorch.compat as torch
from jtorch.compat.serialization import load, save

MODELS = [
    "nn.Sequential(nn.Conv2d(2, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), "
    "nn.InstanceNorm2d(4, affine=True), nn.PixelShuffle(2), nn.Identity(), "
    "nn.Flatten(), nn.Linear(16, 5), nn.PReLU(5), nn.Dropout(0.2), nn.Linear(5, 3))",
    "nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.LayerNorm(6, bias=False), nn.Hardtanh(-0.5, 0.5), "
    "nn.Linear(6, 2, bias=False))",
]
X = {0: (2, 2, 4, 4), 1: (3, 4)}


def _torch_model(i: int):
    real.manual_seed(0)
    model = eval(MODELS[i], {"nn": real.nn})
    model.eval()
    buf = io.BytesIO()
    real.save(model, buf)
    return model, buf.getvalue()


@pytest.mark.parametrize("i", range(len(MODELS)))
def test_pytorch_whole_model_loads_and_runs(i):
    want_m, data = _torch_model(i)
    got_m = load(io.BytesIO(data), weights_only=False)
    assert all(type(m).__module__.startswith("jtorch.compat.") for m in got_m.modules())
    assert repr(got_m) == repr(want_m) and list(got_m.state_dict()) == list(want_m.state_dict())
    x = np.random.default_rng(0).standard_normal(X[i]).astype(np.float32)
    want_x, got_x = real.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    want, got = want_m(want_x), got_m(got_x)
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-5, atol=1e-6)
    want.sum().backward()
    got.sum().backward()
    np.testing.assert_allclose(got_x.grad.numpy(), want_x.grad.numpy(), rtol=1e-4, atol=1e-6)
    for (name, w), (_, g) in zip(want_m.named_parameters(), got_m.named_parameters()):
        np.testing.assert_allclose(g.grad.numpy(), w.grad.numpy(), rtol=1e-4, atol=1e-6, err_msg=name)


def test_loaded_model_follows_attribute_changes():
    want_m, data = _torch_model(1)
    got_m = load(io.BytesIO(data), weights_only=False)
    for m in (want_m, got_m):
        m[3].min_val, m[3].max_val = -0.1, 0.2
    x = np.random.default_rng(1).standard_normal(X[1]).astype(np.float32)
    np.testing.assert_allclose(got_m(torch.tensor(x)).detach().numpy(), want_m(real.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)


def test_facade_model_pickles_pytorch_attributes_only():
    torch.manual_seed(0)
    model = eval(MODELS[0], {"nn": torch.nn}).eval()
    assert not set(model[0].__getstate__()) & {"_spec0", "_spec_fields", "_spec_cache"}
    buf = io.BytesIO()
    save(model, buf)
    assert b"jtorch" not in buf.getvalue()
    want = real.load(io.BytesIO(buf.getvalue()), weights_only=False)
    assert [type(m).__name__ for m in want.modules()] == [type(m).__name__ for m in model.modules()]
    x = np.random.default_rng(2).standard_normal(X[0]).astype(np.float32)
    np.testing.assert_allclose(model(torch.tensor(x)).detach().numpy(), want(real.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)
    twin = copy.deepcopy(model)
    assert repr(twin) == repr(model) and twin[0].weight is not model[0].weight
    assert torch.equal(twin(torch.tensor(x)), model(torch.tensor(x)))
