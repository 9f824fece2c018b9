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
    """``step()``: ``zero_grad``, forward, loss, ``backward``, ``step``; returns the loss.

    The batch is a tensor of its own, as the tutorials' ``torch.randn`` data and DataLoader batches are. A
    ``from_numpy`` tensor is the NumPy array itself on the facade (writes to it stay visible), so every step
    would copy it to the device again: the MLP step took 820-900 us with ``from_numpy`` batches against
    610-660 us with these (3 alternating runs), in jax's transfer of NumPy arguments."""
    x, y = lib.tensor(x), lib.tensor(y)

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    return step


def core_arrays(*arrays):
    return tuple(jnp.asarray(a) for a in arrays)
