"""Gradient clipping with ``torch.nn.utils``'s rules, as transformations to chain before an optimizer.

PyTorch clips the ``.grad`` of every parameter in place between ``backward`` and ``optimizer.step()``
(the word language model example: ``clip_grad_norm_(model.parameters(), 0.25)``). In a jitted step the
same is ``optax.chain(clip_grad_norm(0.25), sgd(lr=20))``: stateless transformations over the gradient
pytree, with PyTorch's norm (the norm of the per-tensor norms) and scale ``min(1, max / (norm + 1e-6))``.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import optax

__all__ = ["clip_grad_norm", "clip_grad_value", "get_total_norm"]


def get_total_norm(grads: optax.Updates, norm_type: float = 2.0) -> jax.Array:
    """The ``norm_type``-norm of all the elements of ``grads`` (``torch.nn.utils.get_total_norm``), ``inf``
    included; 0 for an empty tree."""
    leaves = jax.tree.leaves(grads)
    if not leaves:
        return jnp.zeros(())
    norm_type = float(norm_type)
    norms = jnp.stack([jnp.linalg.norm(g.ravel(), norm_type) for g in leaves])
    return jnp.linalg.norm(norms, norm_type)


def clip_grad_norm(max_norm: float, norm_type: float = 2.0) -> optax.GradientTransformation:
    """Scales the updates by ``min(1, max_norm / (total_norm + 1e-6))`` (``torch.nn.utils.clip_grad_norm_``);
    ``total_norm`` is :func:`get_total_norm` of the incoming updates."""
    def update_fn(updates, state, params=None):
        del params
        coef = jnp.minimum(max_norm / (get_total_norm(updates, norm_type) + 1e-6), 1.0)
        return jax.tree.map(lambda g: g * coef.astype(g.dtype), updates), state

    return optax.GradientTransformation(lambda params: optax.EmptyState(), update_fn)


def clip_grad_value(clip_value: float) -> optax.GradientTransformation:
    """Clamps every update element to ``[-clip_value, clip_value]`` (``torch.nn.utils.clip_grad_value_``)."""
    def update_fn(updates, state, params=None):
        del params
        return jax.tree.map(lambda g: jnp.clip(g, -clip_value, clip_value), updates), state

    return optax.GradientTransformation(lambda params: optax.EmptyState(), update_fn)
