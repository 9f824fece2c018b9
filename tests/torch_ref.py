"""One helper to check a jtorch result against real PyTorch: shape, dtype, values and gradients."""
from __future__ import annotations

from typing import Callable, Sequence

import jax
import jax.numpy as jnp
import numpy as np
import torch


def to_torch(x, requires_grad: bool = False) -> torch.Tensor:
    t = torch.from_numpy(np.array(x))
    return t.requires_grad_(requires_grad) if requires_grad else t


def to_numpy(x) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().numpy()
    return np.asarray(x)


def assert_close(got, want, *, rtol: float = 1e-5, atol: float = 1e-6, check_dtype: bool = True) -> None:
    """Compares a jax/NumPy result (or pytree of them) with a torch result (or matching tuple/list)."""
    if isinstance(want, (tuple, list)):
        assert isinstance(got, (tuple, list)) and len(got) == len(want), (type(got), len(want))
        for g, w in zip(got, want):
            assert_close(g, w, rtol=rtol, atol=atol, check_dtype=check_dtype)
        return
    g, w = to_numpy(got), to_numpy(want)
    assert g.shape == w.shape, f"shape {g.shape} != torch's {w.shape}"
    if check_dtype:
        assert g.dtype == w.dtype, f"dtype {g.dtype} != torch's {w.dtype}"
    np.testing.assert_allclose(g.astype(np.float64) if g.dtype != bool else g,
                               w.astype(np.float64) if w.dtype != bool else w, rtol=rtol, atol=atol)


def rand(shape: Sequence[int], seed: int = 0, dtype=np.float32, low: float = -1.0, high: float = 1.0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(low, high, size=shape).astype(dtype)


def check_op(jax_fn: Callable, torch_fn: Callable, *inputs: np.ndarray, grad: bool = True,
             rtol: float = 1e-5, atol: float = 1e-6, grad_rtol: float | None = None,
             grad_atol: float | None = None, check_dtype: bool = True) -> None:
    """Runs ``jax_fn`` and ``torch_fn`` on the same NumPy inputs; compares outputs and, for ``grad``,
    the gradients of ``sum(out * cotangent)`` (a fixed random cotangent) w.r.t. every float input."""
    tin = [to_torch(x, grad and np.issubdtype(np.asarray(x).dtype, np.floating)) for x in inputs]
    want = torch_fn(*tin)
    got = jax_fn(*[jnp.asarray(x) for x in inputs])
    assert_close(got, want, rtol=rtol, atol=atol, check_dtype=check_dtype)
    if not grad:
        return
    float_idx = [i for i, x in enumerate(inputs) if np.issubdtype(np.asarray(x).dtype, np.floating)]
    outs = want if isinstance(want, (tuple, list)) else (want,)
    cots = [rand(o.shape, seed=100 + i, dtype=to_numpy(o).dtype) for i, o in enumerate(outs)]
    torch.autograd.backward([o for o in outs], [to_torch(c) for c in cots])

    def scalar(*floats):
        args = [jnp.asarray(x) for x in inputs]
        for i, f in zip(float_idx, floats):
            args[i] = f
        out = jax_fn(*args)
        out = out if isinstance(out, (tuple, list)) else (out,)
        return sum(jnp.sum(o * c) for o, c in zip(out, cots))

    grads = jax.grad(scalar, argnums=tuple(range(len(float_idx))))(*[jnp.asarray(inputs[i]) for i in float_idx])
    for i, g in zip(float_idx, grads):
        tg = tin[i].grad if tin[i].grad is not None else torch.zeros_like(tin[i])
        assert_close(g, tg, rtol=grad_rtol or rtol * 10, atol=grad_atol or atol * 10, check_dtype=check_dtype)
