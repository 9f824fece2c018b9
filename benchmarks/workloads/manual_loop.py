"""The seed's manual two-layer autograd loop: 100x1000 -> 100 -> 10, ReLU, sum of squares,
``w.data -= lr * w.grad.data`` and ``w.grad.data.zero_()``."""
import functools

import jax
import jax.numpy as jnp
import numpy as np

from ._base import Workload

LR = 1e-6


def _data(batch=100, d_in=1000, hidden=100, d_out=10):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, d_in)).astype(np.float32)
    y = rng.standard_normal((batch, d_out)).astype(np.float32)
    w1 = rng.standard_normal((d_in, hidden)).astype(np.float32) * 0.03
    w2 = rng.standard_normal((hidden, d_out)).astype(np.float32) * 0.1
    return x, y, w1, w2


def build(lib, quick, sizes=()):
    # Copies, as the seed's ``torch.randn`` weights: a ``from_numpy`` tensor shares NumPy memory, and on
    # the facade every in-place write to it is copied back to that memory at once (a sync per write).
    x, y, w1, w2 = (lib.tensor(a) for a in _data(*sizes))
    w1.requires_grad_(), w2.requires_grad_()

    def step():
        loss = (x.mm(w1).clamp(min=0).mm(w2) - y).pow(2).sum()
        loss.backward()
        w1.data -= LR * w1.grad.data
        w2.data -= LR * w2.grad.data
        w1.grad.data.zero_()
        w2.grad.data.zero_()
        return loss

    return step


def _loss(ws, x, y):
    w1, w2 = ws
    return jnp.sum((jnp.maximum(x @ w1, 0) @ w2 - y) ** 2)


@functools.partial(jax.jit, donate_argnums=0)
def _core_step(ws, x, y):
    loss, grads = jax.value_and_grad(_loss)(ws, x, y)
    return jax.tree.map(lambda w, g: w - LR * g, ws, grads), loss


def core(quick):
    x, y, w1, w2 = (jnp.asarray(a) for a in _data())
    state = [(w1, w2)]

    def step():
        state[0], loss = _core_step(state[0], x, y)
        return loss

    return step


WORKLOADS = [Workload("manual 2-layer loop", build, core)]
