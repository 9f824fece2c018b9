"""Ordering, scans, norms, statistics and value tests (``_ops/_sorting.py``, ``_ops/_stats.py``) and the
``torch.return_types`` results, against PyTorch: values, dtypes, shapes, ``grad_fn`` names, gradients,
named-tuple types and reprs, and error types and messages."""
import numpy as np
import pytest
import torch as real

import jtorch.compat as torch
from _compare import compare, compare_error

RNG = np.random.default_rng(1)
A = RNG.standard_normal((3, 5)).astype(np.float32)
C = RNG.standard_normal((2, 3, 4)).astype(np.float32)
TIES = np.array([[2.0, 1, 2, 1, 3], [1, 1, 1, 1, 1], [5, 4, 5, 4, 4]], np.float32)
NANS = np.array([[1.0, np.nan, 0.0, 2.0], [3.0, 1.0, -1.0, 0.5]], np.float32)
INTS = np.array([[3, 1, 3, 2], [0, 0, 5, 5]])
BOOLS = np.array([True, False, True])
S = np.float32(2.5)
E = np.zeros((0,), np.float32)
SPECIAL = np.array([1.0, np.inf, -np.inf, np.nan, 0.0], np.float32)

CASES = {
    "sort": (lambda lib, a: a.sort(), A),
    "sort_desc_dim0": (lambda lib, a: lib.sort(a, 0, True), A),
    "sort_stable_ties": (lambda lib, t: t.sort(stable=True, descending=True), TIES),
    "sort_nan": (lambda lib, n: n.sort(dim=1), NANS),
    "sort_int": (lambda lib, i: i.sort(), INTS),
    "sort_0d": (lambda lib, s: s.sort(), S),
    "argsort_ties": (lambda lib, t: (t.argsort(), t.argsort(descending=True)), TIES),
    "msort": (lambda lib, a: lib.msort(a), A),
    "topk": (lambda lib, a: a.topk(3), A),
    "topk_smallest_dim0": (lambda lib, a: lib.topk(a, 2, dim=0, largest=False), A),
    "topk_nan": (lambda lib, n: n.topk(2), NANS),
    "kthvalue": (lambda lib, a: a.kthvalue(2), A),
    "kthvalue_keepdim_dim0": (lambda lib, c: c.kthvalue(2, 0, True), C),
    "median_all": (lambda lib, a: a.median(), A),
    "median_even": (lambda lib, c: lib.median(c), C),
    "median_dim_ties": (lambda lib, t: t.median(1), TIES),
    "median_nan": (lambda lib, n: (n.median(), n.median(1)), NANS),
    "nanmedian": (lambda lib, n: (n.nanmedian(), lib.nanmedian(n, 1)), NANS),
    "median_int": (lambda lib, i: (i.median(), i.median(0, keepdim=True)), INTS),
    "mode": (lambda lib, t: t.mode(), TIES),
    "mode_int_dim0": (lambda lib, i: lib.mode(i, 0), INTS),
    "cumsum": (lambda lib, a: a.cumsum(1), A),
    "cumsum_int_bool": (lambda lib, i, b: (i.cumsum(0), lib.cumsum(b, 0)), INTS, BOOLS),
    "cumsum_dtype": (lambda lib, a: a.cumsum(0, dtype=lib.float64), A),
    "cumprod": (lambda lib, c: c.cumprod(2), C),
    "cummax": (lambda lib, t: t.cummax(1), TIES),
    "cummin": (lambda lib, a: lib.cummin(a, 0), A),
    "cummax_nan": (lambda lib, n: n.cummax(1), NANS),
    "logcumsumexp": (lambda lib, a: a.logcumsumexp(1), A),
    "unique": (lambda lib, i: lib.unique(i, return_inverse=True, return_counts=True), INTS),
    "unique_method": (lambda lib, i: i.unique(), INTS),
    "unique_dim": (lambda lib, i: lib.unique(i.repeat(2, 1), dim=0, return_counts=True), INTS),
    "unique_consecutive": (lambda lib, i: lib.unique_consecutive(i.flatten(), return_inverse=True,
                                                                   return_counts=True), INTS),
    "logsumexp": (lambda lib, a: a.logsumexp(1), A),
    "logsumexp_dims_keepdim": (lambda lib, c: lib.logsumexp(c, (0, 2), keepdim=True), C),
    "logsumexp_int": (lambda lib, i: i.logsumexp(0), INTS),
    "norm": (lambda lib, a: a.norm(), A),
    "norm_p1_dim": (lambda lib, a: a.norm(1, dim=0), A),
    "norm_inf": (lambda lib, a: (a.norm(float("inf")), lib.norm(a, float("-inf"), dim=1)), A),
    "norm_fro_keepdim": (lambda lib, c: c.norm("fro", dim=(1, 2), keepdim=True), C),
    "norm_p3": (lambda lib, a: a.norm(3, 1), A),
    "norm_zero_grad": (lambda lib, e: (e * 0).norm(), np.ones(3, np.float32)),
    "dist": (lambda lib, a, c: lib.dist(a[:1, :4], c[0]), A, C),
    "dist_p1": (lambda lib, a: lib.dist(a, a.flip(0), 1), A),
    "std_mean": (lambda lib, a: lib.std_mean(a), A),
    "var_mean_dim": (lambda lib, c: lib.var_mean(c, 1, keepdim=True, correction=0), C),
    "amax_amin": (lambda lib, t: (t.amax(1), lib.amin(t, (0, 1))), TIES),
    "aminmax": (lambda lib, a: lib.aminmax(a, dim=1), A),
    "count_nonzero": (lambda lib, i: (lib.count_nonzero(i), i.count_nonzero(dim=1)), INTS),
    "value_tests": (lambda lib, x: (x.isnan(), lib.isinf(x), x.isfinite(), x.isposinf(), x.isneginf()), SPECIAL),
    "value_tests_int": (lambda lib, i: (i.isnan(), lib.isfinite(i), i.isinf()), INTS),
    "isclose": (lambda lib, x: (lib.isclose(x, x + 1e-9), x.isclose(x * 1.1, equal_nan=True)), SPECIAL),
    "allclose_equal": (lambda lib, a: (lib.allclose(a, a + 1e-7), a.allclose(a + 1), lib.equal(a, a.clone()),
                                       lib.equal(a, a[0]), a.equal(a + 1)), A),
    "equal_promotes": (lambda lib, i: lib.equal(i, i.double()), INTS),
    "max_named_tuple": (lambda lib, a: a.max(1), A),
    "min_keepdim": (lambda lib, a: lib.min(a, 0, keepdim=True), A),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_pytorch(name):
    fn, *arrays = CASES[name]
    compare(fn, *arrays)


ERRORS = {
    "topk_k": (lambda lib, a: a.topk(6), A),
    "kthvalue_k": (lambda lib, a: a.kthvalue(0), A),
    "median_empty_dim": (lambda lib, e: e.median(0), E),
    "cumsum_dim": (lambda lib, a: a.cumsum(2), A),
    "norm_int": (lambda lib, i: i.norm(), INTS),
    "norm_order": (lambda lib, a: a.norm("foo"), A),
    "dist_shapes": (lambda lib, a, c: lib.dist(a, c), A, C),
    "std_mean_int": (lambda lib, i: lib.std_mean(i), INTS),
    "equal_number": (lambda lib, a: lib.equal(a, 1), A),
    "isclose_dtypes": (lambda lib, i, a: lib.isclose(i, a[:2, :4]), INTS, A),
    "mode_dim": (lambda lib, a: a.mode(2), A),
    "sort_dim": (lambda lib, a: a.sort(3), A),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_pytorch(name):
    fn, *arrays = ERRORS[name]
    compare_error(fn, *arrays)


def test_return_types_print_and_behave_like_pytorch():
    values = [[0.0625, 0.5, 0.125], [0.25, 0.875, 0.1875]]
    got, want = torch.tensor(values).max(dim=0), real.tensor(values).max(dim=0)
    assert repr(got) == repr(want) and str(got) == str(want)
    assert type(got).__name__ == "max" and type(got).__module__ == "torch.return_types"
    assert isinstance(got, tuple) and got.values is got[0] and got.indices is got[1]
    assert type(got) is torch.return_types.max and got.n_fields == want.n_fields
    s = torch.tensor([3.0, 1.0]).sort()
    assert repr(s) == repr(real.tensor([3.0, 1.0]).sort())
    assert isinstance(torch.aminmax(torch.tensor([1.0, 2.0])), torch.return_types.aminmax)
