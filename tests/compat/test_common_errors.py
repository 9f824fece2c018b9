"""The common mistakes of issue #3's "Errors" list raise PyTorch's exception type and message: indexing a 0-d
tensor, mat1/mat2 shapes, broadcasting, view of a non-viewable tensor (with PyTorch's advice), in-place on a
leaf, a freed graph, non-scalar backward, ``.item()``/``float()`` of many elements, index out of range, dtype
mismatches in mm/matmul/linear, loss target dtypes and shapes, ragged ``torch.tensor`` data."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch as real

import jtorch.compat as torch


def _backward_twice(t):
    a = t.ones(2, requires_grad=True)
    y = (a * a).sum()
    y.backward()
    y.backward()


def _iadd_leaf(t):
    a = t.ones(2, requires_grad=True)
    a += 1


def _setitem_0d(t):
    t.tensor(1.0)[0] = 2.0


def _x_requires_grad(t):
    t.tensor([1, 2]).requires_grad = True


CASES = {
    # indexing a 0-d tensor (``loss[0]``) and out of range
    "0d[0]": lambda t: t.tensor(1.0)[0], "0d[1]": lambda t: t.tensor(3)[1], "0d[-1]": lambda t: t.tensor(1.0)[-1],
    "0d[:]": lambda t: t.tensor(1.0)[:], "0d[0, 0]": lambda t: t.tensor(1.0)[0, 0], "0d[0]=": _setitem_0d,
    "index out of range": lambda t: t.ones(3)[5], "index 2d": lambda t: t.ones(3, 4)[1, 7],
    "index negative": lambda t: t.ones(3)[-4], "too many indices": lambda t: t.ones(3)[0, 0],
    # shapes
    "mm shapes": lambda t: t.randn(64, 100).mm(t.randn(1000, 10)),
    "matmul shapes": lambda t: t.randn(64, 100) @ t.randn(1000, 10),
    "Linear shapes": lambda t: t.nn.Linear(1000, 10)(t.randn(64, 100)),
    "broadcast add": lambda t: t.randn(2, 3) + t.randn(4, 3), "broadcast mul": lambda t: t.randn(2, 3) * t.randn(2, 4),
    "where shapes": lambda t: t.where(t.ones(2) > 0, t.ones(2), t.ones(3)),
    "where condition": lambda t: t.where(t.ones(4) > 0, t.ones(2), t.ones(2)),
    "expand": lambda t: t.randn(2, 1, 3).expand(2, 4, 4), "expand first dim": lambda t: t.randn(2, 3).expand(3, 3),
    "view of transpose": lambda t: t.randn(3, 4).t().view(12),
    "view of slice": lambda t: t.randn(3, 4)[:, 1:3].view(6),
    "view_as of permute": lambda t: t.randn(2, 3, 4).permute(2, 0, 1).view_as(t.ones(8, 3)),
    "view size": lambda t: t.randn(3, 4).view(5),
    # autograd
    "in-place on leaf": lambda t: t.ones(2, requires_grad=True).add_(1), "+= on leaf": _iadd_leaf,
    "in-place on leaf view": lambda t: t.ones(2, requires_grad=True)[0].add_(1),
    "freed graph": _backward_twice, "non-scalar backward": lambda t: (t.ones(2, requires_grad=True) * 2).backward(),
    "backward without grad": lambda t: t.ones(2).sum().backward(),
    "int requires_grad factory": lambda t: t.tensor([1, 2], requires_grad=True),
    "int requires_grad zeros": lambda t: t.zeros(2, dtype=t.long, requires_grad=True),
    "int requires_grad_": lambda t: t.tensor([1, 2]).requires_grad_(), "int .requires_grad =": _x_requires_grad,
    # conversions
    "item of many": lambda t: t.ones(3).item(), "float of many": lambda t: float(t.ones(3)),
    "int of many": lambda t: int(t.ones(2)), "float of empty": lambda t: float(t.ones(0)),
    "bool of many": lambda t: bool(t.ones(3)),
    # dtypes of products
    "mm dtype": lambda t: t.ones(2, 3).mm(t.ones(3, 2, dtype=t.float64)),
    "mm long": lambda t: t.ones(2, 3).mm(t.ones(3, 2, dtype=t.long)),
    "mm half": lambda t: t.ones(2, 3, dtype=t.float16).mm(t.ones(3, 2)),
    "matmul dtype": lambda t: t.ones(2, 3) @ t.ones(3, 2, dtype=t.float64),
    "matmul batched": lambda t: t.ones(2, 2, 3) @ t.ones(2, 3, 2, dtype=t.float64),
    "matmul vector": lambda t: t.ones(2, 3, dtype=t.float64) @ t.ones(3),
    "bmm dtype": lambda t: t.bmm(t.ones(1, 2, 3, dtype=t.float64), t.ones(1, 3, 2)),
    "mv dtype": lambda t: t.ones(2, 3).mv(t.ones(3, dtype=t.long)),
    "dot dtype": lambda t: t.ones(3).dot(t.ones(3, dtype=t.float64)),
    "linear double input": lambda t: t.nn.Linear(3, 2)(t.ones(2, 3, dtype=t.float64)),
    "linear long input": lambda t: t.nn.Linear(3, 2)(t.ones(2, 3, dtype=t.long)),
    "linear no bias": lambda t: t.nn.Linear(3, 2, bias=False)(t.ones(2, 3, dtype=t.float64)),
    "F.linear bias dtype": lambda t: t.nn.functional.linear(t.ones(2, 3), t.ones(2, 3), t.ones(2, dtype=t.float64)),
    "F.linear 3d": lambda t: t.nn.functional.linear(t.ones(4, 2, 3, dtype=t.float64), t.ones(2, 3), t.ones(2)),
    "Conv2d double input": lambda t: t.nn.Conv2d(1, 2, 3)(t.ones(1, 1, 5, 5, dtype=t.float64)),
    "Conv2d byte input": lambda t: t.nn.Conv2d(1, 2, 3)(t.ones(1, 1, 5, 5, dtype=t.uint8)),
    "F.conv2d double bias": lambda t: t.nn.functional.conv2d(t.ones(1, 1, 5, 5), t.ones(2, 1, 3, 3), t.ones(2, dtype=t.float64)),
    "F.conv2d no bias": lambda t: t.nn.functional.conv2d(t.ones(1, 1, 5, 5, dtype=t.float64), t.ones(2, 1, 3, 3)),
    "ConvTranspose2d double input": lambda t: t.nn.ConvTranspose2d(1, 2, 3)(t.ones(1, 1, 5, 5, dtype=t.float64)),
    # losses
    "CE float target": lambda t: t.nn.CrossEntropyLoss()(t.randn(3, 5), t.tensor([1.0, 0.0, 4.0])),
    "CE int target": lambda t: t.nn.CrossEntropyLoss()(t.randn(3, 5), t.tensor([1, 0, 4], dtype=t.int32)),
    "NLL short target": lambda t: t.nn.functional.nll_loss(t.randn(3, 5), t.tensor([1, 0, 4], dtype=t.int16)),
    "NLL float target": lambda t: t.nn.NLLLoss()(t.randn(3, 5), t.tensor([1.0, 0.0, 4.0])),
    "CE float target, other batch": lambda t: t.nn.functional.cross_entropy(t.randn(8, 4), t.tensor([1.0, 2.0, 3.0])),
    "NLL int target, other batch": lambda t: t.nn.functional.nll_loss(t.randn(8, 4), t.tensor([1, 2], dtype=t.int32)),
    "CE long input": lambda t: t.nn.CrossEntropyLoss()(t.tensor([[1, 2]]), t.tensor([1])),
    "NLL long input": lambda t: t.nn.functional.nll_loss(t.tensor([[1, 2]]), t.tensor([1])),
    "MSE long": lambda t: t.nn.MSELoss()(t.tensor([1, 2]), t.tensor([1, 2])),
    "MSE broadcast": lambda t: t.nn.MSELoss()(t.randn(3, 4), t.randn(4, 1)),
    "L1 shapes": lambda t: t.nn.functional.l1_loss(t.randn(3), t.randn(4)),
    "SmoothL1 shapes": lambda t: t.nn.SmoothL1Loss()(t.randn(3, 1), t.randn(2, 3)),
    "BCE long target": lambda t: t.nn.BCELoss()(t.tensor([0.5]), t.tensor([1])),
    "BCE sizes": lambda t: t.nn.functional.binary_cross_entropy(t.rand(3), t.rand(4)),
    "BCEWithLogits sizes": lambda t: t.nn.BCEWithLogitsLoss()(t.rand(3), t.rand(4)),
    # embeddings
    "Embedding float indices": lambda t: t.nn.Embedding(10, 2)(t.tensor([1.0])),
    "F.embedding double indices": lambda t: t.nn.functional.embedding(t.tensor([1.0], dtype=t.float64), t.ones(3, 2)),
    "Embedding bool indices": lambda t: t.nn.Embedding(10, 2)(t.tensor([True])),
    # factory sizes that are not ints (``torch.zeros(n / 2)``)
    "zeros(2.5)": lambda t: t.zeros(2.5), "zeros(2, 2.0)": lambda t: t.zeros(2, 2.0),
    "ones((2, 2.5))": lambda t: t.ones((2, 2.5)), "zeros((2.0,))": lambda t: t.zeros((2.0,)),
    "randn(2.0)": lambda t: t.randn(2.0), "rand(3, 1.5)": lambda t: t.rand(3, 1.5), "zeros(None)": lambda t: t.zeros(None),
    "new_ones(2, 2.0)": lambda t: t.ones(2).new_ones(2, 2.0), "zeros(True)": lambda t: t.zeros(True),
    # ragged data
    "ragged": lambda t: t.tensor([[1, 2], [3]]), "ragged scalar": lambda t: t.tensor([[1, 2], 3]),
    "ragged deep": lambda t: t.tensor([[[1], [2]], [[3], [4, 5]]]),
}


def _error(lib, fn):
    lib.manual_seed(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn(lib)
    except Exception as e:  # noqa: BLE001 - the comparison is the point
        return type(e).__name__, str(e)
    return None


@pytest.mark.parametrize("case", CASES)
def test_error_as_torch(case):
    want = _error(real, CASES[case])
    assert want is not None, "torch raised nothing"
    assert _error(torch, CASES[case]) == want


VALID = {
    "CE probabilities": lambda t, x: t.nn.functional.cross_entropy(x, x.detach().softmax(1)),
    "CE byte target": lambda t, x: t.nn.functional.cross_entropy(x, t.tensor([1, 0, 3], dtype=t.uint8)),
    "MSE float vs long": lambda t, x: t.nn.functional.mse_loss(x, t.ones(3, 4, dtype=t.long)),
    "linear same dtype": lambda t, x: t.nn.functional.linear(x.double(), t.ones(2, 4, dtype=t.float64),
                                                             t.ones(2, dtype=t.float64)),
    "0-d [None]": lambda t, x: x[0, 0][None], "0-d [...]": lambda t, x: x[0, 0][...],
    "zeros(size=)": lambda t, x: t.zeros(size=(2, 3)) + t.ones(t.tensor(3)) + t.zeros(t.tensor(2), 3),
}


@pytest.mark.parametrize("case", VALID)
def test_checks_let_valid_calls_through(case):
    def run(lib):
        lib.manual_seed(0)
        x = lib.arange(12.0).reshape(3, 4).requires_grad_()
        return VALID[case](lib, x).detach().numpy()
    np.testing.assert_allclose(run(torch), run(real), rtol=1e-6)


def test_reshape_of_a_non_viewable_tensor_copies_as_torch():
    """reshape where no view exists is a copy (writes stay in it); where one exists, a view (writes reach
    the base); contiguous() copies a non-contiguous view; is_contiguous() answers as PyTorch."""
    def seen(lib):
        x = lib.arange(12.0).view(3, 4)
        copy, alias, rows = x.t().reshape(12), x[:, ::2].reshape(6), x[1:].reshape(8)
        copy[0], alias[1], rows[0] = 100.0, -1.0, -2.0
        flags = [t.is_contiguous() for t in (x.t(), x[:, 1:], x[1:], x[:, :1], x.unsqueeze(0), x.t()[0],
                                              x.t().contiguous(), x[:, ::2].reshape(6))]
        c = x.t()
        return x.tolist(), flags, c.contiguous() is c, x.contiguous() is x
    assert seen(torch) == seen(real)


@pytest.mark.parametrize("idx", [True, False, (True, 0), (0, True), (Ellipsis, True), (True, True),
                                 (False, slice(1, None)), (slice(1, None), True, 2)], ids=repr)
def test_python_bool_index_as_torch(idx):
    """A Python bool is a 0-d mask: a new dim of size 1 (True) or 0 (False), read and written as PyTorch."""
    def seen(lib):
        x = lib.arange(12.0).view(3, 4).requires_grad_()
        y = x[idx]
        (y * 2).sum().backward()
        z = lib.arange(12.0).view(3, 4)
        z[idx] = -1.0
        s = lib.tensor(1.0)
        return tuple(y.shape), y.tolist(), type(y.grad_fn).__name__, x.grad.tolist(), z.tolist(), s[idx].tolist() \
            if not isinstance(idx, tuple) else None
    assert seen(torch) == seen(real)
