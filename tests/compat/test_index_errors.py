"""Out-of-range indices raise PyTorch's exception type and message (the first bad entry, per op), valid
ones (negative where the op wraps them) still give PyTorch's values, and a lazily computed index is
left unchecked rather than synced."""
import numpy as np
import pytest

import jtorch.compat as torch

from _compare import compare, compare_error

X = np.arange(20, dtype=np.float32).reshape(5, 4)
X3 = np.arange(60, dtype=np.float32).reshape(3, 4, 5)


def _i(lib, *v):
    return lib.tensor(v)


def _put(idx, v=1.0):
    def fn(lib, x):
        y = x * 1
        y[idx(lib) if callable(idx) else idx] = v
        return y
    return fn


ERRORS = {
    "index_select_dim0": lambda lib, x: x.index_select(0, _i(lib, 0, 5)),
    "index_select_dim0_negative": lambda lib, x: x.index_select(0, _i(lib, -1)),
    "index_select_dim1": lambda lib, x: x.index_select(1, _i(lib, 0, 9, -3)),
    "index_select_dim_last": lambda lib, x: x.index_select(-1, _i(lib, -1)),
    "index_select_1d": lambda lib, x: x[0].index_select(0, _i(lib, 4)),
    "index_select_0d": lambda lib, x: x[0, 0].index_select(0, _i(lib, 1)),
    "gather": lambda lib, x: x.gather(1, lib.tensor([[0, -3], [9, 1]])),
    "gather_unsqueezed": lambda lib, x: x.gather(1, _i(lib, 0, 4, 1, 2, 3).unsqueeze(1)),
    "gather_dim0": lambda lib, x: x.gather(0, _i(lib, 7, 1).reshape(1, 2)),
    "gather_0d": lambda lib, x: x[0, 0].gather(0, _i(lib, 1)),
    "scatter_value": lambda lib, x: x.scatter(1, _i(lib, 0, 4).view(1, 2), 1.0),
    "scatter_src_negative": lambda lib, x: x.scatter(1, _i(lib, -1, 0).view(1, 2), x[:1, :2]),
    "scatter_": lambda lib, x: (x * 1).scatter_(0, lib.tensor([[1, 5]]), x[:1, :2]),
    "scatter_add": lambda lib, x: x.scatter_add(1, _i(lib, 0, 4).view(1, 2), x[:1, :2]),
    "scatter_reduce": lambda lib, x: x.scatter_reduce(1, _i(lib, 4, 0).view(1, 2), x[:1, :2], "amax",
                                                      include_self=False),
    "take_along_dim_flat": lambda lib, x: lib.take_along_dim(x, _i(lib, 3, -1)),
    "take_high": lambda lib, x: x.take(_i(lib, 3, 20)),
    "take_negative": lambda lib, x: lib.take(x, _i(lib, 30, -25)),
    "getitem_tensor": lambda lib, x: x[_i(lib, 1, -8, 9)],
    "getitem_list": lambda lib, x: x[[1, 7]],
    "getitem_numpy": lambda lib, x: x[np.array([1, -6])],
    "getitem_int32": lambda lib, x: x[lib.tensor([7], dtype=lib.int32)],
    "getitem_dim1": lambda lib, x: x[:, _i(lib, 4)],
    "getitem_two": lambda lib, x: x[_i(lib, 0, 9), _i(lib, 7, 0)],
    "getitem_broadcast": lambda lib, x: x[_i(lib, 0, 1).reshape(2, 1), _i(lib, 1, 2, 8)],
    "getitem_after_int": lambda lib, x: x[0, _i(lib, 6)],
    "getitem_3d_gap": lambda lib, x: x.reshape(2, 2, 5)[_i(lib, 0), :, _i(lib, 9)],
    "getitem_after_mask": lambda lib, x: x.reshape(2, 2, 5)[lib.ones(2, 2, dtype=lib.bool), _i(lib, 5)],
    "getitem_shapes": lambda lib, x: x[_i(lib, 0, 1), _i(lib, 0, 1, 2)],
    "setitem_tensor": _put(lambda lib: _i(lib, 7)),
    "setitem_negative": _put(lambda lib: _i(lib, -6)),
    "setitem_list": _put([1, 7]),
    "setitem_dim1": _put((slice(None), [0, 5])),
    "index_put": lambda lib, x: x.index_put((_i(lib, 0), _i(lib, 9)), lib.tensor(1.0)),
    "index_put_accumulate": lambda lib, x: x.index_put([_i(lib, 7)], lib.tensor(1.0), accumulate=True),
    "index_put_": lambda lib, x: (x * 1).index_put_((_i(lib, -6),), lib.tensor(1.0)),
    "index_put_function": lambda lib, x: lib.index_put_(x * 1, [_i(lib, 5)], lib.tensor(1.0)),
    "index_put_dtype": lambda lib, x: x.index_put((_i(lib, 0),), lib.tensor(1.0, dtype=lib.float64)),
    "index_put_float_values": lambda lib, x: x.index_put((_i(lib, 0),), 1.0),
    "index_add": lambda lib, x: x.index_add(0, _i(lib, 0, 9, -3), x[:3]),
    "index_add_negative": lambda lib, x: x.index_add(1, _i(lib, -1), x[:, :1]),
    "index_add_": lambda lib, x: (x * 1).index_add_(0, _i(lib, 5), x[:1]),
    "index_add_0d": lambda lib, x: x[0, 0].index_add(0, _i(lib, 1), x[0, 1]),
    "index_copy": lambda lib, x: x.index_copy(0, _i(lib, 0, 9, -3), x[:3]),
    "index_copy_negative": lambda lib, x: x.index_copy(1, _i(lib, -1), x[:, :1]),
    "index_copy_0d": lambda lib, x: x[0, 0].index_copy(0, _i(lib, 1), x[0, 1]),
    "index_fill": lambda lib, x: x.index_fill(0, _i(lib, 0, -9, 7), 1.0),
    "index_fill_dim1": lambda lib, x: x.index_fill(1, _i(lib, 4), 1.0),
    "index_fill_0d": lambda lib, x: x[0, 0].index_fill(0, _i(lib, 1), 2.0),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_pytorch(name):
    compare_error(ERRORS[name], X)


VALID = {
    "index_select": lambda lib, x: (x.index_select(0, _i(lib, 4, 0)), x.index_select(1, _i(lib, 3, 3))),
    "gather": lambda lib, x: x.gather(1, _i(lib, 3, 0, 1, 2, 3).unsqueeze(1)),
    "scatter": lambda lib, x: (x.scatter(1, _i(lib, 3, 0).view(1, 2), x[:1, 2:]),
                               x.scatter_add(0, lib.tensor([[4, 0]]), x[:1, :2]),
                               x.scatter_reduce(1, _i(lib, 3, 3).view(1, 2), x[:1, :2], "sum")),
    "take_negative": lambda lib, x: x.take(_i(lib, -20, -1, 19)),
    "getitem_negative": lambda lib, x: (x[_i(lib, -5, 4)], x[[-1, 0]], x[np.array([-4])], x[:, _i(lib, -4, 3)]),
    "setitem_negative": _put(lambda lib: (_i(lib, -5, 4), _i(lib, -4, 3)), 2.5),
    "index_put": lambda lib, x: (x.index_put((_i(lib, -1, -1),), x[0], accumulate=True),
                                 x.index_put((_i(lib, -5), _i(lib, 3)), lib.tensor(-1.0))),
    "index_fill_negative": lambda lib, x: x.index_fill(0, _i(lib, -5, 4), -1.0),
    "index_add_copy": lambda lib, x: (x.index_add(0, _i(lib, 4, 0), x[:2]), x.index_copy(1, _i(lib, 3), x[:, :1])),
}


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_indices_match_pytorch(name):
    compare(VALID[name], X)


def test_index_put_in_place_matches_pytorch():
    def fn(lib, x):
        y = x * 1
        y.index_put_((_i(lib, 1, 1), _i(lib, 2, 2)), lib.tensor(3.0), accumulate=True)
        return lib.index_put_(y, [_i(lib, 0)], y[1].clone())

    compare(fn, X3[0])


def test_pending_index_is_not_synced():
    """An index computed by a pending op is not read (no sync), so it is not checked."""
    x = torch.tensor(X)
    index = torch.tensor([0, 1]) + 7
    for op in (lambda: x.index_select(0, index), lambda: x.gather(0, index.view(1, 2)), lambda: x[index],
               lambda: x.take(index), lambda: x.index_fill(0, index, 1.0)):
        op()
        assert index._node.value is None
