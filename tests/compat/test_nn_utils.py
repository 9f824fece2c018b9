"""torch.nn.utils (gradient clipping, parameter vectors) and nn.DataParallel against PyTorch."""
from __future__ import annotations

import numpy as np
import pytest
import torch as real

import jtorch.compat as torch

_R = np.random.default_rng(0)
W, B = _R.standard_normal((3, 4)).astype(np.float32), _R.standard_normal(3).astype(np.float32)
X = _R.standard_normal((5, 4)).astype(np.float32)


def _model(lib, grads=True):
    m = lib.nn.Linear(4, 3)
    m.load_state_dict({"weight": lib.tensor(W), "bias": lib.tensor(B)})
    if grads:
        (m(lib.tensor(X)) ** 2).sum().backward()
    return m


def _grads(m):
    return [p.grad.numpy().copy() for p in m.parameters()]


@pytest.mark.parametrize("max_norm,norm_type", [(1.0, 2.0), (100.0, 2), (0.5, 1), (0.5, "inf")])
def test_clip_grad_norm_matches_torch(max_norm, norm_type):
    out = []
    for lib in (real, torch):
        m = _model(lib)
        nt = float(norm_type) if norm_type == "inf" else norm_type
        total = lib.nn.utils.clip_grad_norm_((p for p in m.parameters()), max_norm, nt)  # a generator, as usual
        out.append((total.item(), _grads(m)))
    np.testing.assert_allclose(out[1][0], out[0][0], rtol=1e-5)
    for g, w in zip(out[1][1], out[0][1]):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_total_norm_split_value_clip_and_errors_match_torch():
    out = []
    for lib in (real, torch):
        u = lib.nn.utils
        m = _model(lib)
        grads = [p.grad for p in m.parameters()]
        total = u.get_total_norm(grads, 3.0)
        u.clip_grads_with_norm_(m.parameters(), 0.1, total)
        clipped = _grads(m)
        u.clip_grad_value_(m.parameters(), 0.01)
        row = [total.item(), clipped, _grads(m), u.get_total_norm([]).item(),
               u.clip_grad_norm_(_model(lib, grads=False).parameters(), 1.0).item()]
        m.weight.grad[0, 0] = float("nan")
        with pytest.raises(RuntimeError, match=r"^The total norm of order 2\.0 for gradients from `parameters` is "
                                               r"non-finite, so it cannot be clipped\."):
            u.clip_grad_norm_(m.parameters(), 1.0, error_if_nonfinite=True)
        vec = u.parameters_to_vector(m.parameters())
        u.vector_to_parameters(vec * 0 + 2, m.parameters())
        out.append(row + [tuple(vec.shape), m.weight.detach().numpy().tolist()])
    np.testing.assert_allclose(out[1][0], out[0][0], rtol=1e-5)
    for i in (1, 2):
        for g, w in zip(out[1][i], out[0][i]):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)
    assert out[1][3:] == out[0][3:]


def test_data_parallel_matches_torch():
    out = []
    for lib in (real, torch):
        inner = _model(lib, grads=False)
        dp = lib.nn.DataParallel(inner)
        y = dp(lib.tensor(X))
        y.sum().backward()
        out.append((repr(dp), {k: v for k, v in vars(dp).items() if not k.startswith("_")}, list(dp.state_dict()),
                    dp.module is inner, y.detach().numpy(), inner.weight.grad.numpy()))
    assert out[1][:4] == out[0][:4]
    np.testing.assert_allclose(out[1][4], out[0][4], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out[1][5], out[0][5], rtol=1e-5, atol=1e-6)
