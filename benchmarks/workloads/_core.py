"""A hand-written ``jax.jit`` training step on the functional core: what a JAX user writes by hand, the
bar the facade's cached executables are measured against."""
from __future__ import annotations

import functools
from typing import Callable

import jax
import optax

from jtorch import nn


def train_step(model: nn.Module, loss_fn: Callable, optimizer: optax.GradientTransformation, x, y,
               *, train: bool = True) -> Callable[[], jax.Array]:
    """``step()`` runs forward, loss, grad and the optimizer update on ``(x, y)`` in one jitted call,
    threading params, optimizer state and a dropout key (donated, as a JAX user writes it); it returns the loss.
    The batch is an argument, not a closure constant that XLA could fold into the executable: a training
    loop feeds a new one every step."""
    key = jax.random.key(0)
    params, state = model.init(key)

    @functools.partial(jax.jit, donate_argnums=(0, 1, 2, 3))
    def update(params, state, opt_state, key, x, y):
        key, sub = jax.random.split(key)

        def loss(params):
            out, new_state = model.apply(params, state, x, train=train, key=sub)
            return loss_fn(out, y), new_state

        (value, state), grads = jax.value_and_grad(loss, has_aux=True)(params)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), state, opt_state, key, value

    carry = [params, state, optimizer.init(params), key]

    def step():
        *carry[:], value = update(*carry, x, y)
        return value

    return step
