"""index_add / index_copy / index_fill (+ in-place) and repeat_interleave against PyTorch."""
import numpy as np
import pytest

from _compare import compare, compare_error

RNG = np.random.default_rng(11)
X = RNG.standard_normal((4, 3)).astype(np.float32)
S = RNG.standard_normal((3, 3)).astype(np.float32)
IDX = np.array([2, 0, 2])


def _idx(lib):
    return lib.tensor(IDX)


CASES = {
    "index_add": lambda lib, x, s: x.index_add(0, _idx(lib), s),
    "index_add_alpha_dim1": lambda lib, x, s: lib.index_add(x, 1, _idx(lib)[:2], x[:, :2], alpha=-2.0),
    "index_add_": lambda lib, x, s: (x * 1).index_add_(0, _idx(lib), s),
    "index_copy": lambda lib, x, s: x.index_copy(0, lib.tensor([3, 1, 0]), s),
    "index_copy_": lambda lib, x, s: (x * 1).index_copy_(1, lib.tensor([2, 0]), x[:, :2]),
    "index_fill": lambda lib, x, s: (x.index_fill(1, lib.tensor([0, 2]), -1.5),
                                     x.index_fill(0, lib.tensor([1]), s[0, 0])),
    "index_fill_": lambda lib, x, s: (x * 1).index_fill_(0, lib.tensor([3]), 7),
    "repeat_interleave": lambda lib, x, s: (x.repeat_interleave(2), x.repeat_interleave(3, dim=1),
                                            lib.repeat_interleave(x, lib.tensor([1, 0, 2, 1]), dim=0),
                                            lib.repeat_interleave(x, lib.tensor(2), dim=-1)),
    "repeat_interleave_counts": lambda lib, x, s: lib.repeat_interleave(lib.tensor([1, 0, 3])),
}

ERRORS = {
    "index_not_vector": lambda lib, x, s: x.index_add(0, lib.tensor([[0]]), s[:1]),
    "index_float": lambda lib, x, s: x.index_add(0, lib.tensor([0.0]), s[:1]),
    "index_count": lambda lib, x, s: x.index_add(0, lib.tensor([0, 1]), s[:1]),
    "fill_value_dims": lambda lib, x, s: x.index_fill(0, lib.tensor([0]), s[0]),
    "repeat_negative": lambda lib, x, s: x.repeat_interleave(-1),
    "repeat_sizes": lambda lib, x, s: x.repeat_interleave(lib.tensor([1, 2]), dim=1),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_pytorch(name):
    compare(CASES[name], X, S)


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_pytorch(name):
    compare_error(ERRORS[name], X, S)
