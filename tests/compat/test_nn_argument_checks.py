"""Facade argument handling PyTorch's kernels do and the pure core cannot: out-of-range embedding indices,
class targets and one_hot values; targets that receive no gradient; composite losses' grad_fn names."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch as real

import jtorch.compat as torch
from tests.compat._compare import compare, compare_error

W = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
BAD = [[0, 5], [-1, 2], [[1, 2], [3, 9]], [-7, 9, 6]]


@pytest.mark.parametrize("idx", BAD, ids=["past-end", "negative", "2d", "several"])
def test_functional_embedding_out_of_range_raises_as_torch(idx):
    compare_error(lambda lib, w, i: lib.nn.functional.embedding(i, w), W, np.array(idx))


@pytest.mark.parametrize("idx", BAD, ids=["past-end", "negative", "2d", "several"])
@pytest.mark.parametrize("max_norm", [None, 1.0])
def test_embedding_module_out_of_range_raises_as_torch(idx, max_norm):
    errors = []
    for lib in (real, torch):
        lib.manual_seed(0)
        layer = lib.nn.Embedding(5, 3, max_norm=max_norm)
        with pytest.raises(IndexError) as e:
            layer(lib.tensor(idx))
        errors.append(str(e.value))
    assert errors[1] == errors[0]


@pytest.mark.parametrize("idx", [[0, 4, 4, 2], [], [[3], [1]]], ids=["edges", "empty", "2d"])
def test_embedding_in_range_matches_torch(idx):
    compare(lambda lib, w, i: lib.nn.functional.embedding(i, w, padding_idx=4), W, np.array(idx, dtype=np.int64))


def test_pending_index_is_not_checked():
    """A lazily computed index is not read back (that would force a sync): documented, not PyTorch's error."""
    w = torch.tensor(W)
    idx = torch.tensor([1, 2]) + 3
    assert idx._node.value is None
    out = torch.nn.functional.embedding(idx, w)
    assert out.shape == (2, 3)


@pytest.mark.parametrize("loss", ["nll_loss", "cross_entropy"])
@pytest.mark.parametrize("target,kwargs", [
    ([0, 5, -2, 1], {}), ([0, -2, 5, 1], {}), ([0, 5, 1, 1], {"ignore_index": 4}), ([[0, 3], [1, 1]], {}),
], ids=["past-end-first", "negative-first", "ignore-other", "2d"])
def test_class_target_out_of_bounds_raises_as_torch(loss, target, kwargs):
    x = np.random.default_rng(3).standard_normal((4, 3) if np.ndim(target) == 1 else (2, 3, 2)).astype(np.float32)
    compare_error(lambda lib, x, t: getattr(lib.nn.functional, loss)(x, t, **kwargs), x, np.array(target))


def test_label_smoothed_target_out_of_bounds_raises_as_torch():
    x = np.random.default_rng(3).standard_normal((4, 3)).astype(np.float32)
    compare_error(lambda lib, x, t: lib.nn.functional.cross_entropy(x, t, label_smoothing=0.1), x,
                  np.array([0, 5, 1, 1]))


@pytest.mark.parametrize("loss", ["nll_loss", "cross_entropy"])
@pytest.mark.parametrize("target", [[0, -100, 2, 1], [-100, -100, -100, -100], [0, 5, 1, 2]], ids=["some", "all", "5"])
def test_ignored_targets_pass_as_torch(loss, target):
    kwargs = {"ignore_index": 5} if 5 in target else {}
    x = np.random.default_rng(4).standard_normal((4, 3)).astype(np.float32)
    compare(lambda lib, x, t: getattr(lib.nn.functional, loss)(x, t, **kwargs), x, np.array(target), atol=1e-5)


@pytest.mark.parametrize("values,num_classes", [([-1], 3), ([3], 3), ([1, -1], -1), (np.zeros(0, np.int64), -1)],
                         ids=["negative", "too-large", "negative-inferred", "empty-inferred"])
def test_one_hot_errors_as_torch(values, num_classes):
    compare_error(lambda lib, t: lib.nn.functional.one_hot(t, num_classes), np.array(values))


@pytest.mark.parametrize("values,num_classes", [([[1, 2]], -1), ([0, 4, 2], -1), (np.zeros(0, np.int64), 3)],
                         ids=["2d-inferred", "inferred", "empty"])
def test_one_hot_matches_torch(values, num_classes):
    compare(lambda lib, t: lib.nn.functional.one_hot(t, num_classes), np.array(values))


def test_one_hot_infers_classes_from_a_pending_tensor():
    """The output shape depends on the values, so a pending tensor is computed first, as PyTorch syncs."""
    labels = torch.tensor([0, 1]) + 2
    assert labels._node.value is None
    assert torch.nn.functional.one_hot(labels).tolist() == real.nn.functional.one_hot(real.tensor([2, 3])).tolist()


X = np.random.default_rng(1).standard_normal((4, 3)).astype(np.float32)
X2 = np.random.default_rng(2).standard_normal((4, 3)).astype(np.float32)
T = np.array([[1, -1, 1], [-1, -1, 1], [1, 1, -1], [-1, 1, 2]], dtype=np.float32)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_hinge_embedding_target_gets_no_grad(reduction):
    compare(lambda lib, x, t: lib.nn.functional.hinge_embedding_loss(x, t, margin=0.5, reduction=reduction), X, T)


@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_cosine_embedding_target_gets_no_grad(reduction):
    compare(lambda lib, a, b, t: lib.nn.functional.cosine_embedding_loss(a, b, t, margin=0.1, reduction=reduction),
            X, X2, T[:, 0])


@pytest.mark.parametrize("loss", ["hinge", "cosine"])
def test_only_target_requiring_grad_gives_no_graph(loss):
    outs = []
    for lib in (real, torch):
        F, t = lib.nn.functional, lib.tensor(T[:, 0], requires_grad=True)
        out = (F.hinge_embedding_loss(lib.tensor(X[:, 0]), t) if loss == "hinge"
               else F.cosine_embedding_loss(lib.tensor(X), lib.tensor(X2), t))
        outs.append((out.requires_grad, out.grad_fn))
    assert outs[1] == outs[0] == (False, None)


# PyTorch writes these losses as composites: grad_fn is the reduction's, or the last op's when unreduced.
COMPOSITE = ["F.l1_loss(x, y, reduction=r)", "F.kl_div(x, y, reduction=r)",
             "F.kl_div(x, y, log_target=True, reduction=r)",
             "F.hinge_embedding_loss(x, y.sign(), reduction=r)", "F.cosine_embedding_loss(x, y, t1, reduction=r)",
             "F.margin_ranking_loss(x, y, y.sign(), reduction=r)",
             "F.multilabel_soft_margin_loss(x, (y > 0).float(), reduction=r)",
             "F.poisson_nll_loss(x, y.abs(), reduction=r)", "F.poisson_nll_loss(x, y.abs(), full=True, reduction=r)",
             "F.gaussian_nll_loss(x, y, x.abs() + 1, reduction=r)",
             "F.gaussian_nll_loss(x, y, x.abs() + 1, full=True, reduction=r)",
             "F.triplet_margin_loss(x, y, y + 1, reduction=r)", "F.cross_entropy(x, y.softmax(1), reduction=r)",
             "F.cross_entropy(x, c, reduction=r)", "F.cross_entropy(x, c, label_smoothing=0.1, reduction=r)",
             "F.l1_loss(x, y, size_average=False)", "F.l1_loss(x, y, reduce=False)",
             "F.kl_div(x, y, reduction='batchmean')"]


@pytest.mark.parametrize("call", COMPOSITE)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_composite_loss_grad_fn_names_as_torch(call, reduction):
    names = []
    for lib in (real, torch):
        env = {"F": lib.nn.functional, "x": lib.tensor(X, requires_grad=True), "y": lib.tensor(X2),
               "t1": lib.tensor(T[:, 0]), "c": lib.tensor([0, 2, 1, 1]), "r": reduction}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            names.append(eval(call, env).grad_fn.name())
    assert names[1] == names[0]


@pytest.mark.parametrize("call", ["F.relu(x, foo=1)", "F.nll_loss(x, c, label_smoothing=0.1)",
                                  "F.embedding(c, x, padding=0)"])
def test_unexpected_keyword_names_the_function_as_torch(call):
    errors = []
    for lib in (real, torch):
        with pytest.raises(TypeError) as e:
            eval(call, {"F": lib.nn.functional, "x": lib.tensor(X), "c": lib.tensor([0, 2, 1, 1])})
        errors.append(str(e.value))
    assert errors[1] == errors[0]


@pytest.mark.parametrize("call", ["F.mse_loss(x, y, None, None, 'sum')", "F.mse_loss(x, y, reduction='sum')",
                                  "F.mse_loss(target=y, input=x)", "F.softplus(x, 2.0, threshold=1.0)",
                                  "F.linear(x, w)", "F.linear(x, w, bias=b)"])
def test_lifted_calls_bind_arguments_as_torch(call):
    """Positional, keyword and mixed arguments reach the core as PyTorch binds them (lift's fast binder)."""
    rng = np.random.default_rng(1)
    arrays = {"x": X, "y": X2, "w": rng.standard_normal((2, X.shape[1])).astype(np.float32),
              "b": rng.standard_normal(2).astype(np.float32)}
    got, want = (eval(call, {"F": lib.nn.functional, **{k: lib.tensor(v) for k, v in arrays.items()}})
                 for lib in (torch, real))
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("call", ["F.mse_loss(x)", "F.mse_loss(x, y, input=x)", "F.linear(x, x, x, x)",
                                  "F.softplus(x, 1.0, 2.0, 3.0)"])
def test_lifted_calls_with_bad_arguments_raise_type_error(call):
    for lib in (real, torch):
        with pytest.raises(TypeError):
            eval(call, {"F": lib.nn.functional, "x": lib.tensor(X), "y": lib.tensor(X2)})
