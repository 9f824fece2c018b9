"""Joining, splitting, views and index-driven ops (``_ops/_joining.py``, ``_ops/_gather.py``) against PyTorch:
values, dtypes, shapes, ``grad_fn`` names, gradients, and error types and messages."""
import numpy as np
import pytest

import jtorch.compat as torch
from _compare import compare, compare_error

RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4)).astype(np.float32)
B = RNG.standard_normal((2, 4)).astype(np.float32)
C = RNG.standard_normal((2, 3, 4)).astype(np.float32)
V = RNG.standard_normal(4).astype(np.float32)
I = np.arange(12).reshape(3, 4)
E = np.zeros((0,), np.float32)
S = np.float32(1.5)
IDX = np.array([[0, 2, 1, 0], [2, 1, 0, 1]])
MASK = A > 0

CASES = {
    "cat": (lambda lib, a, b: lib.cat([a, b]), A, B),
    "cat_dim1_promote": (lambda lib, a, i: lib.cat((a, i), dim=1), A, I),
    "cat_skip_empty": (lambda lib, a, e: lib.cat([e, a, e]), A, E),
    "concat_neg_dim": (lambda lib, c: lib.concat([c, c], -1), C),
    "stack": (lambda lib, a: lib.stack([a, a * 2], 1), A),
    "stack_scalars": (lambda lib, s: lib.stack([s, s + 1]), S),
    "hstack": (lambda lib, v: lib.hstack([v, v]), V),
    "vstack": (lambda lib, v, a: lib.vstack([v, a]), V, A),
    "dstack": (lambda lib, a: lib.dstack([a, a]), A),
    "column_stack": (lambda lib, v: lib.column_stack([v, v, v]), V),
    "split_int": (lambda lib, a: a.split(2, dim=1), A),
    "split_sizes": (lambda lib, c: lib.split(c, [1, 3], 2), C),
    "split_uneven": (lambda lib, v: v.split(3), V),
    "chunk": (lambda lib, a: a.chunk(2), A),
    "chunk_more_than_size": (lambda lib, v: lib.chunk(v, 8), V),
    "tensor_split_sections": (lambda lib, v: v.tensor_split(3), V),
    "tensor_split_indices": (lambda lib, a: a.tensor_split([1, 3], dim=1), A),
    "unbind": (lambda lib, c: c.unbind(1), C),
    "narrow": (lambda lib, a: a.narrow(1, 1, 2) * 3, A),
    "narrow_neg_start": (lambda lib, a: lib.narrow(a, 0, -2, 2), A),
    "select": (lambda lib, c: c.select(2, -1), C),
    "movedim": (lambda lib, c: c.movedim(0, -1), C),
    "moveaxis_multi": (lambda lib, c: lib.moveaxis(c, (0, 1), (2, 0)), C),
    "broadcast_tensors": (lambda lib, a, v: lib.broadcast_tensors(a, v[None, :], v.sum()), A, V),
    "broadcast_to": (lambda lib, v: lib.broadcast_to(v, (2, 3, 4)), V),
    "repeat": (lambda lib, a: a.repeat(2, 1, 3), A),
    "repeat_int": (lambda lib, i: i.repeat(1, 2), I),
    "tile_short": (lambda lib, a: a.tile((2,)), A),
    "flip": (lambda lib, c: c.flip(0, 2), C),
    "flip_kw": (lambda lib, a: lib.flip(a, dims=[1]), A),
    "fliplr_flipud": (lambda lib, a: (a.fliplr(), lib.flipud(a)), A),
    "roll_flat": (lambda lib, a: a.roll(5), A),
    "roll_dims": (lambda lib, c: lib.roll(c, (1, -1), (0, 2)), C),
    "diagonal": (lambda lib, a: a.diagonal(1), A),
    "diagonal_3d": (lambda lib, c: c.diagonal(-1, 1, 2), C),
    "diag_vector": (lambda lib, v: lib.diag(v, 1), V),
    "diag_matrix": (lambda lib, a: lib.diag(a, -1), A),
    "tril_triu": (lambda lib, a: (a.tril(), lib.triu(a, 1)), A),
    "trace": (lambda lib, a: a.trace(), A),
    "trace_int": (lambda lib, i: i.trace(), I),
    "gather": (lambda lib, a, i: a.gather(1, i[:, :3].clamp(0, 2)), A, IDX[:1].repeat(3, 0)),
    "gather_small_index": (lambda lib, a, i: lib.gather(a, 0, i[:, :2]), A, IDX),
    "take_along_dim": (lambda lib, a, i: lib.take_along_dim(a, a.argsort(1), 1), A, I),
    "take_along_dim_flat": (lambda lib, a, i: lib.take_along_dim(a, i[0]), A, IDX),
    "scatter_src": (lambda lib, b, a, i: b.scatter(0, i, a[:2, :3]), B, A, np.array([[0, 1, 0], [1, 0, 1]])),
    "scatter_value": (lambda lib, a, i: a.scatter(1, i, 7.0), A, np.array([[0], [3], [1]])),
    "scatter_reduce_add": (lambda lib, i: lib.zeros(3, 4).scatter_(0, i, 2.0, reduce="add"), IDX),
    "scatter_add": (lambda lib, a, i: lib.scatter_add(a, 0, i, a[:2] * 2), A, IDX),
    "scatter_reduce_sum": (lambda lib, a, i: a.scatter_reduce(0, i, a[:2], "sum"), A, IDX),
    "scatter_reduce_amax_excl": (lambda lib, a, i: a.detach().scatter_reduce(0, i, a.detach()[:2], "amax",
                                                                              include_self=False), A, IDX),
    "scatter_reduce_mean": (lambda lib, a, i: a.detach().scatter_reduce(0, i, a.detach()[:2], "mean"), A, IDX),
    "scatter_onehot_inplace": (lambda lib, i: lib.zeros(3, 5).scatter_(1, i[:, :1], 1), IDX[[0, 1, 1]]),
    "index_select": (lambda lib, a, i: a.index_select(1, i[0]), A, IDX),
    "index_select_int": (lambda lib, i: lib.index_select(i, 0, lib.tensor([2, 0])), I),
    "masked_fill": (lambda lib, a, m: a.masked_fill(m, -1.0), A, MASK),
    "masked_fill_tensor_value": (lambda lib, a, m, s: lib.masked_fill(a, m[0], s), A, MASK, S),
    "masked_scatter": (lambda lib, a, m, b: a.masked_scatter(m, b.repeat(2, 1)), A, MASK, B),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_pytorch(name):
    fn, *arrays = CASES[name]
    compare(fn, *arrays)


ERRORS = {
    "cat_empty": (lambda lib: lib.cat([]),),
    "cat_ndim": (lambda lib, a, v: lib.cat([a, v]), A, V),
    "cat_sizes": (lambda lib, a, b: lib.cat([a, b], 1), A, B),
    "cat_zero_dim": (lambda lib, a, s: lib.cat([a, s]), A, S),
    "cat_tensor_arg": (lambda lib, a: lib.cat(a), A),
    "cat_bad_dim": (lambda lib, a: lib.cat([a, a], 2), A),
    "stack_sizes": (lambda lib, a, b: lib.stack([a, b]), A, B),
    "stack_empty": (lambda lib: lib.stack([]),),
    "split_negative": (lambda lib, a: a.split(-1), A),
    "split_sizes_sum": (lambda lib, a: a.split([1, 1], 1), A),
    "chunk_zero": (lambda lib, a: a.chunk(0), A),
    "repeat_too_few": (lambda lib, a: a.repeat(2), A),
    "flip_duplicate": (lambda lib, a: a.flip(0, 0), A),
    "roll_misaligned": (lambda lib, a: a.roll((1, 2), 0), A),
    "gather_float_index": (lambda lib, a, v: a.gather(0, v[None].long().float()), A, V),
    "gather_ndim": (lambda lib, a, i: a.gather(0, i[0]), A, IDX),
    "gather_too_large": (lambda lib, a, i: a.gather(0, i.repeat(1, 2)), A, IDX),
    "scatter_too_large": (lambda lib, b, i: b.scatter(0, i.repeat(1, 2), 1.0), B, IDX),
    "scatter_src_small": (lambda lib, a, i: a.scatter(0, i, a[:1, :1]), A, IDX),
    "scatter_dtype": (lambda lib, a, i: a.scatter(0, i, a.double()), A, IDX),
    "scatter_bad_reduce": (lambda lib, a, i: a.scatter(0, i, 1.0, reduce="max"), A, IDX),
    "scatter_reduce_bad": (lambda lib, a, i: a.scatter_reduce(0, i, a, "foo"), A, IDX),
    "index_select_matrix": (lambda lib, a, i: a.index_select(0, i), A, IDX),
    "index_select_float": (lambda lib, a, v: a.index_select(0, v), A, V),
    "masked_fill_float_mask": (lambda lib, a: a.masked_fill(a, 1.0), A),
    "masked_fill_vector_value": (lambda lib, a, m, v: a.masked_fill(m, v), A, MASK, V),
    "take_along_dim_float": (lambda lib, a: lib.take_along_dim(a, a, 0), A),
    "narrow_start": (lambda lib, a: a.narrow(0, 5, 1), A),
    "narrow_length": (lambda lib, a: a.narrow(0, 2, 2), A),
    "narrow_0d": (lambda lib, s: s.narrow(0, 0, 1), S),
    "select_range": (lambda lib, a: a.select(0, 5), A),
    "select_0d": (lambda lib, s: s.select(0, 0), S),
    "movedim_count": (lambda lib, a: a.movedim((0, 1), (0,)), A),
    "movedim_repeated": (lambda lib, a: a.movedim((0, 0), (0, 1)), A),
    "diagonal_same_dims": (lambda lib, a: a.diagonal(0, 1, 1), A),
    "diag_3d": (lambda lib, c: lib.diag(c), C),
    "tril_1d": (lambda lib, v: v.tril(), V),
    "trace_3d": (lambda lib, c: c.trace(), C),
    "fliplr_1d": (lambda lib, v: v.fliplr(), V),
    "broadcast_mismatch": (lambda lib, a, b: lib.broadcast_tensors(a, b), A, B),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_pytorch(name):
    fn, *arrays = ERRORS[name]
    compare_error(fn, *arrays)


def test_split_pieces_are_views():
    x = torch.zeros(2, 4)
    left, right = x.split(2, dim=1)
    right.add_(1)
    x.unbind(0)[0][0] = 5
    x.diagonal().mul_(2)
    x.narrow(1, 3, 1).fill_(-1)
    assert x.tolist() == [[10.0, 0.0, 1.0, -1.0], [0.0, 0.0, 1.0, -1.0]]
    assert left.tolist() == [[10.0, 0.0], [0.0, 0.0]]


def test_inplace_scatter_and_masked_fill_return_self():
    z = torch.zeros(2, 4)
    assert z.scatter_(1, torch.tensor([[3], [0]]), 5.0) is z
    assert z.masked_fill_(z > 1, 2.0) is z
    assert z.tolist() == [[0.0, 0.0, 0.0, 2.0], [2.0, 0.0, 0.0, 0.0]]
