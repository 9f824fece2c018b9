"""F.embedding_bag and nn.EmbeddingBag against PyTorch: values, weight/per-sample-weight grads, grad_fn, errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch as real

import jtorch.compat as torch
from tests.compat._compare import compare, compare_error

W = np.random.default_rng(0).standard_normal((6, 3)).astype(np.float32)
FLAT = np.array([0, 1, 5, 2, 2, 3])
CASES = {
    "2d": (np.array([[0, 1, 5], [2, 2, 3]]), None, {}),
    "offsets": (FLAT, np.array([0, 2, 2, 5]), {}),
    "last-offset": (FLAT, np.array([0, 2, 2, 6]), {"include_last_offset": True}),
    "padding": (np.array([[0, 1, 5], [5, 5, 3]]), None, {"padding_idx": -1}),
    "padding-offsets": (FLAT, np.array([0, 3]), {"padding_idx": 2}),
    "renorm-output": (FLAT, np.array([0, 3]), {"max_norm": 1.0}),
}


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("case", list(CASES))
def test_embedding_bag_matches_torch(mode, case):
    idx, offsets, kwargs = CASES[case]
    if "max_norm" in kwargs:  # PyTorch also rewrites the weight in place: compare on a copy
        def fn(lib, w, i, *o):
            return lib.nn.functional.embedding_bag(i, w.detach().clone(), *o, mode=mode, **kwargs)
    else:
        def fn(lib, w, i, *o):
            return lib.nn.functional.embedding_bag(i, w, *o, mode=mode, **kwargs)
    compare(fn, W, idx, *([] if offsets is None else [offsets]))


def test_per_sample_weights_get_grads_as_torch():
    psw = np.linspace(0.5, 2, FLAT.size).astype(np.float32)
    compare(lambda lib, w, i, o, p: lib.nn.functional.embedding_bag(i, w, o, mode="sum", per_sample_weights=p),
            W, FLAT, np.array([0, 2, 4]), psw)


@pytest.mark.parametrize("call", [
    "F.embedding_bag(torch.tensor([0, 9]), w, torch.tensor([0]))",
    "F.embedding_bag(torch.tensor([[0, -1]]), w)",
    "F.embedding_bag(torch.tensor([0, 1]), w, torch.tensor([0, 3]))",
    "F.embedding_bag(torch.tensor([0, 1]), w, torch.tensor([0]), padding_idx=7)",
    "F.embedding_bag(torch.tensor([0, 1]), w, torch.tensor([0]), mode='min')",
    "F.embedding_bag(torch.tensor([0, 1]), w)",
    "F.embedding_bag(torch.tensor([0, 1]), w, torch.tensor([[0]]))",
    "F.embedding_bag(torch.tensor([[[0]]]), w)",
    "F.embedding_bag(torch.tensor([[0]]), w, torch.tensor([0]))",
    "F.embedding_bag(torch.tensor([0, 1]), w, torch.tensor([0]), mode='max', scale_grad_by_freq=True)",
    "F.embedding_bag(torch.tensor([0, 1]), w, torch.tensor([0]), mode='mean', per_sample_weights=torch.ones(2))",
    "F.embedding_bag(torch.tensor([0, 1]), w, torch.tensor([0]), mode='sum', per_sample_weights=torch.ones(3))",
], ids=["past-end", "negative", "offsets-past-input", "padding-idx", "mode", "no-offsets", "offsets-2d", "3d", "2d-with-offsets",
        "max-freq", "psw-mean", "psw-shape"])
def test_embedding_bag_errors_as_torch(call):
    compare_error(lambda lib, w: eval(call, {"F": lib.nn.functional, "torch": lib, "w": w}), W)


def test_first_offset_must_be_zero():
    for lib in (real, torch):
        with pytest.raises(RuntimeError, match=r"^offsets\[0\] has to be 0, .* However, got 1"):
            lib.nn.functional.embedding_bag(lib.tensor([0, 1]), lib.tensor(W), lib.tensor([1]))


@pytest.mark.parametrize("kwargs", [{}, {"mode": "sum", "padding_idx": -1, "include_last_offset": True},
                                    {"mode": "max", "max_norm": 1.0}])
def test_module_matches_torch(kwargs):
    outs = []
    for lib in (real, torch):
        bag = lib.nn.EmbeddingBag(6, 3, **kwargs)
        with lib.no_grad():
            bag.weight.copy_(lib.tensor(W))
        offsets = lib.tensor([0, 2, 6] if kwargs.get("include_last_offset") else [0, 2])
        y = bag(lib.tensor(FLAT), offsets)
        y.sum().backward()
        outs.append((repr(bag), list(bag.state_dict()), y.grad_fn.name(), y.detach().numpy(),
                     bag.weight.grad.numpy(), bag.weight.detach().numpy()))
    got, want = outs
    assert got[:3] == want[:3]
    for g, w in zip(got[3:], want[3:]):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_module_from_pretrained_and_padding_row_as_torch():
    for lib in (real, torch):
        bag = lib.nn.EmbeddingBag.from_pretrained(lib.tensor(W), mode="sum")
        assert not bag.weight.requires_grad and repr(bag) == "EmbeddingBag(6, 3, mode='sum')"
        padded = lib.nn.EmbeddingBag(6, 3, padding_idx=-2)
        assert padded.padding_idx == 4 and padded.weight[4].abs().sum().item() == 0
        with pytest.raises(AssertionError, match="^padding_idx must be within num_embeddings$"):
            lib.nn.EmbeddingBag(6, 3, padding_idx=6)
