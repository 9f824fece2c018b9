"""F.triplet_margin_with_distance_loss / nn.TripletMarginWithDistanceLoss with a user distance function (Tensor
code, e.g. an nn.Module) against PyTorch: values, input grads, grad_fn names and errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch as real

import jtorch.compat as torch

_R = np.random.default_rng(3)
A, P, N = (_R.standard_normal((5, 4)).astype(np.float32) for _ in range(3))
DISTANCES = {"module": lambda lib: lib.nn.PairwiseDistance(p=1.5),
             "lambda": lambda lib: (lambda x, y: 1.0 - lib.nn.functional.cosine_similarity(x, y)),
             "none": lambda lib: None}


def _run(lib, distance, reduction, swap, module):
    leaves = [lib.tensor(v, requires_grad=True) for v in (A, P, N)]
    kw = dict(distance_function=DISTANCES[distance](lib), margin=0.7, swap=swap, reduction=reduction)
    loss = (lib.nn.TripletMarginWithDistanceLoss(**kw)(*leaves) if module
            else lib.nn.functional.triplet_margin_with_distance_loss(*leaves, **kw))
    grads = lib.autograd.grad(loss.sum(), leaves)
    return loss, [np.asarray(g.tolist()) for g in grads]


@pytest.mark.parametrize("distance", list(DISTANCES))
@pytest.mark.parametrize("reduction,swap,module", [("mean", False, False), ("sum", True, False),
                                                   ("none", True, True), ("mean", False, True)])
def test_matches_torch(distance, reduction, swap, module):
    got, got_grads = _run(torch, distance, reduction, swap, module)
    want, want_grads = _run(real, distance, reduction, swap, module)
    np.testing.assert_allclose(np.asarray(got.tolist()), want.detach().numpy(), rtol=1e-5, atol=1e-6)
    for g, w in zip(got_grads, want_grads):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-6)
    assert type(got.grad_fn).__name__ == type(want.grad_fn).__name__


@pytest.mark.parametrize("kw,args,exc", [({"margin": 0.0}, (A, P, N), ValueError),
                                         ({"reduction": "elementwise_mean"}, (A, P, N), ValueError),
                                         ({}, (A, P, N[0]), RuntimeError)])
def test_errors_match_torch(kw, args, exc):
    def call(lib):
        dist = lib.nn.PairwiseDistance()
        return lib.nn.functional.triplet_margin_with_distance_loss(*map(lib.tensor, args), distance_function=dist, **kw)

    with pytest.raises(exc) as want:
        call(real)
    with pytest.raises(exc) as got:
        call(torch)
    assert str(got.value) == str(want.value)
