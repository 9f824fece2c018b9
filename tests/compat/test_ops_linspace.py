"""``torch.linspace`` bit for bit against PyTorch's CPU kernel (the step, the two halves, fused multiply-add
rounding, per-op rounding in half precision, integer truncation) over a grid of inputs and dtypes."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch as real

import jtorch.compat as torch

_R = np.random.default_rng(0)
GRID = [(-100, 100, 10), (0, 1, 5), (1, 0, 7), (-5, 5, 3), (2.5, 9.75, 2), (3, 3, 4), (0, 10, 1), (0, 10, 0),
        (-1e-3, 7.5, 1000), (0.1, 0.7, 40000)]
GRID += [(float(a), float(b), int(n)) for a, b, n in zip(_R.uniform(-1e3, 1e3, 40) * 10.0 ** _R.integers(-4, 3, 40),
                                                         _R.uniform(-1e3, 1e3, 40), _R.integers(2, 300, 40))]
SMALL = [(a, b, n) for a, b, n in GRID if abs(a) < 250 and abs(b) < 250 and n <= 1000]
DTYPES = {"float32": GRID, "float64": GRID, "int64": GRID, "int32": SMALL, "float16": SMALL, "bfloat16": SMALL,
          "complex64": SMALL[:8], "complex128": SMALL[:8]}


def _np(t):
    return t.float().numpy() if t.dtype in (real.bfloat16, torch.bfloat16) else t.numpy()


@pytest.mark.parametrize("dtype", list(DTYPES))
def test_linspace_bitwise(dtype):
    grid = DTYPES[dtype]
    got = [torch.linspace(a, b, n, dtype=getattr(torch, dtype)) for a, b, n in grid]  # one executable
    for (a, b, n), g in zip(grid, got):
        want = real.linspace(a, b, n, dtype=getattr(real, dtype))
        assert str(g.dtype) == str(want.dtype)
        np.testing.assert_array_equal(_np(g), _np(want), err_msg=f"linspace({a}, {b}, {n}, dtype={dtype})")


def test_linspace_defaults_and_errors():
    for args in itertools.product((-3, 0.5), (2, 7.25), (0, 1, 6)):
        got, want = torch.linspace(*args), real.linspace(*args)
        assert got.dtype == torch.float32 and want.dtype == real.float32
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    assert float(torch.linspace(-100, 100, 10)[3]) == float(real.linspace(-100, 100, 10)[3]) == -33.333335876464844
    with pytest.raises(RuntimeError, match="number of steps must be non-negative"):
        torch.linspace(0, 1, -1)
    with pytest.raises(RuntimeError, match="number of steps must be non-negative"):
        real.linspace(0, 1, -1)
