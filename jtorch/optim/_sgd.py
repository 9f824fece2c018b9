"""SGD with PyTorch's momentum, dampening and nesterov rules."""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax

from ._transform import concrete, inject, is_static_zero, pytorch_rule, validate, zero_step, zeros_like


class SGDState(NamedTuple):
    """State of :func:`sgd`.

    ``step`` counts the steps taken with ``momentum != 0``; PyTorch keeps no step for SGD but a
    ``momentum_buffer`` that is None until the first such step, which is ``step == 0`` here.
    ``momentum_buffer`` is None when the optimizer was built with ``momentum=0``.
    """
    step: jax.Array
    momentum_buffer: optax.Updates | None


def _sgd(lr, momentum, dampening, weight_decay, nesterov, maximize):
    buffered = not is_static_zero(momentum)

    def init_fn(params):
        return SGDState(step=zero_step(), momentum_buffer=zeros_like(params) if buffered else None)

    def direction(grads, state):
        if not buffered:
            return grads, state
        # momentum is a runtime value: where it is 0, PyTorch skips the buffer and steps along the gradient.
        active = momentum != 0
        first = state.step == 0

        def buffer(b, g):
            return jnp.where(active, jnp.where(first, g, b * momentum + (1 - dampening) * g), b)

        buf = jax.tree.map(buffer, state.momentum_buffer, grads)
        d = jax.tree.map(lambda g, b: g + momentum * b, grads, buf) if nesterov else buf
        d = jax.tree.map(lambda x, g: jnp.where(active, x, g), d, grads)
        return d, SGDState(step=state.step + active.astype(state.step.dtype), momentum_buffer=buf)

    return pytorch_rule(init_fn, direction, lr=lr, weight_decay=weight_decay, maximize=maximize)


def sgd(lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False,
        foreach=None, differentiable=False, fused=None) -> optax.GradientTransformationExtraArgs:
    r"""Stochastic gradient descent with PyTorch's ``torch.optim.SGD`` update rule.

    .. math::
        g_t = \nabla_\theta f(\theta_{t-1}) + \lambda \theta_{t-1}, \quad
        b_t = \mu b_{t-1} + (1 - \tau) g_t \ (b_1 = g_1), \quad
        \theta_t = \theta_{t-1} - \gamma (g_t + \mu b_t \text{ if nesterov else } b_t)

    Args:
        lr: learning rate :math:`\gamma`, a number or a schedule ``count -> lr``. Default: 1e-3
        momentum: momentum factor :math:`\mu`. Default: 0 (then no ``momentum_buffer`` is kept and
            momentum cannot be turned on later; build with a non-zero value to change it at runtime)
        dampening: dampening :math:`\tau` for momentum. Default: 0
        weight_decay: L2 penalty :math:`\lambda` added to the gradient. Default: 0
        nesterov: Nesterov momentum. Default: False
        maximize: maximize the objective (negate the gradient). Default: False
        foreach, differentiable, fused: accepted for PyTorch compatibility and ignored (XLA fuses the
            update of all parameters; everything is differentiable).

    Returns:
        An ``optax.GradientTransformation``; ``opt_state.hyperparams`` holds ``lr``, ``momentum``,
        ``dampening``, ``weight_decay`` as runtime values, and ``opt_state.inner_state`` is an
        :class:`SGDState`. ``update`` needs ``params``.

    Example:
        >>> import jax.numpy as jnp
        >>> from jtorch.optim import sgd
        >>> opt = sgd(lr=0.1, momentum=0.9)
        >>> params = {"w": jnp.array([1.0, 2.0])}
        >>> state = opt.init(params)
        >>> updates, state = opt.update({"w": jnp.array([0.5, -1.0])}, state, params)
        >>> updates["w"]
        Array([-0.05,  0.1 ], dtype=float32)
    """
    del foreach, differentiable, fused
    validate(lr=lr, momentum=momentum, weight_decay=weight_decay)
    m, d = concrete(momentum), concrete(dampening)
    if nesterov and ((m is not None and m <= 0) or (d is not None and d != 0)):
        raise ValueError("Nesterov momentum requires a momentum and zero dampening")
    static = ("momentum",) if is_static_zero(momentum) else ()
    return inject(_sgd, static, lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                  nesterov=nesterov, maximize=maximize)
