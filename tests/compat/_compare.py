"""One helper for facade op tables: run ``fn(lib, *tensors)`` in PyTorch and jtorch on the same NumPy
inputs and compare result types, shapes, dtypes, values, ``grad_fn`` names and leaf gradients, or the
exception type and message."""
from __future__ import annotations

import numpy as np
import torch as real

import jtorch.compat as torch


def _leaves(lib, arrays, grad: bool):
    out = []
    for a in arrays:
        a = np.asarray(a)
        if a.dtype.kind == "f" and grad:
            out.append(lib.tensor(a, requires_grad=True))
        else:
            out.append(lib.tensor(a))
    return out


def _flat(r):
    if isinstance(r, (tuple, list)):
        return [x for item in r for x in _flat(item)]
    return [r]


def _describe(r) -> tuple:
    if isinstance(r, (tuple, list)):
        return (type(r).__name__, len(r)) + tuple(_describe(x) for x in r)
    if isinstance(r, (real.Tensor, torch.Tensor)):
        fn = r.grad_fn.name() if r.grad_fn is not None else None
        return ("tensor", tuple(r.shape), str(r.dtype), fn)
    return (type(r).__name__, r)


def compare(fn, *arrays, grad: bool = True, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    results, grads = [], []
    for lib in (real, torch):
        leaves = _leaves(lib, arrays, grad)
        r = fn(lib, *leaves)
        outs = [o for o in _flat(r) if isinstance(o, lib.Tensor) and o.requires_grad]
        if outs:
            rng = np.random.default_rng(7)
            cots = [lib.tensor(rng.standard_normal(tuple(o.shape)).astype(np.float32)).to(o.dtype) for o in outs]
            lib.autograd.backward(outs, cots)
        results.append(r)
        grads.append([None if t.grad is None else t.grad.numpy() for t in leaves])
    want, got = results
    assert _describe(got) == _describe(want), f"{_describe(got)} != torch's {_describe(want)}"
    if type(want).__module__ == "torch.return_types":
        assert repr(got).split("(")[0] == repr(want).split("(")[0]
    for g, w in zip(_flat(got), _flat(want)):
        if isinstance(w, real.Tensor):
            np.testing.assert_allclose(g.detach().numpy(), w.detach().numpy(), rtol=rtol, atol=atol)
        else:
            assert g == w
    for g, w in zip(*reversed(grads)):
        assert (g is None) == (w is None)
        if w is not None:
            np.testing.assert_allclose(g, w, rtol=rtol * 10, atol=atol * 10)


def compare_error(fn, *arrays) -> None:
    errors = []
    for lib in (real, torch):
        try:
            fn(lib, *_leaves(lib, arrays, False))
        except Exception as e:  # noqa: BLE001 - the comparison is the point
            errors.append((type(e), str(e)))
        else:
            errors.append(None)
    want, got = errors
    assert want is not None, "torch raised nothing"
    assert got == want, f"{got} != torch's {want}"
