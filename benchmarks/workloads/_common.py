"""Helpers shared by the training workloads: random inputs, and one training step in PyTorch's idiom."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np


def inputs(shape, classes: int | None = None, seed: int = 0) -> np.ndarray:
    """Standard-normal float32 inputs, or int64 class labels in ``[0, classes)``."""
    rng = np.random.default_rng(seed)
    if classes is None:
        return rng.standard_normal(shape).astype(np.float32)
    return rng.integers(0, classes, shape)


def torch_step(lib, model, loss_fn, optimizer, x, y):
    """``step()``: ``zero_grad``, forward, loss, ``backward``, ``step``; returns the loss."""
    x, y = lib.from_numpy(x), lib.from_numpy(y)

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    return step


def core_arrays(*arrays):
    return tuple(jnp.asarray(a) for a in arrays)
