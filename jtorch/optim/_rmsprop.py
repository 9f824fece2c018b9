"""RMSprop with PyTorch's update rule (eps outside the square root, centered and momentum variants)."""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax

from ._transform import ema_square, inject, is_static_zero, lerp, pytorch_rule, validate, zero_step, zeros_like


class RMSpropState(NamedTuple):
    """State of :func:`rmsprop`; ``momentum_buffer`` is None when built with ``momentum=0``, ``grad_avg``
    None unless ``centered``."""
    step: jax.Array
    square_avg: optax.Updates
    momentum_buffer: optax.Updates | None
    grad_avg: optax.Updates | None


def _rmsprop(lr, alpha, eps, weight_decay, momentum, centered, maximize):
    buffered = not is_static_zero(momentum)

    def init_fn(params):
        return RMSpropState(step=zero_step(), square_avg=zeros_like(params),
                            momentum_buffer=zeros_like(params) if buffered else None,
                            grad_avg=zeros_like(params) if centered else None)

    def direction(grads, state):
        square_avg = ema_square(state.square_avg, grads, alpha)
        grad_avg = lerp(state.grad_avg, grads, 1 - alpha) if centered else None
        if centered:
            avg = jax.tree.map(lambda s, m: jnp.sqrt(s - m * m) + eps, square_avg, grad_avg)
        else:
            avg = jax.tree.map(lambda s: jnp.sqrt(s) + eps, square_avg)
        d = jax.tree.map(jnp.divide, grads, avg)
        # With the buffer, a runtime momentum of 0 gives buf = g / avg: PyTorch's momentum-free step.
        buf = jax.tree.map(lambda b, x: b * momentum + x, state.momentum_buffer, d) if buffered else None
        return buf if buffered else d, RMSpropState(optax.safe_increment(state.step), square_avg, buf, grad_avg)

    return pytorch_rule(init_fn, direction, lr=lr, weight_decay=weight_decay, maximize=maximize)


def rmsprop(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False, capturable=False,
            foreach=None, maximize=False, differentiable=False) -> optax.GradientTransformationExtraArgs:
    r"""RMSprop with PyTorch's ``torch.optim.RMSprop`` update rule.

    .. math::
        v_t = \alpha v_{t-1} + (1-\alpha) g_t^2, \quad
        \tilde v_t = v_t - \bar g_t^2 \text{ if centered } (\bar g_t = \alpha \bar g_{t-1} + (1-\alpha) g_t), \\
        b_t = \mu b_{t-1} + g_t / (\sqrt{\tilde v_t} + \epsilon), \quad \theta_t = \theta_{t-1} - \gamma b_t

    Note ``eps`` is added outside the square root (optax's ``scale_by_rms`` adds it inside).

    Args:
        lr: learning rate :math:`\gamma`, a number or a schedule ``count -> lr``. Default: 1e-2
        alpha: smoothing constant :math:`\alpha`. Default: 0.99
        eps: :math:`\epsilon`. Default: 1e-8
        weight_decay: L2 penalty added to the gradient. Default: 0
        momentum: momentum factor :math:`\mu` (0: no buffer is kept, as in PyTorch). Default: 0
        centered: normalise by the estimated variance of the gradient. Default: False
        maximize: maximize the objective. Default: False
        capturable, foreach, differentiable: accepted for PyTorch compatibility and ignored.

    Returns:
        An ``optax.GradientTransformation`` with runtime ``lr``, ``alpha``, ``eps``, ``weight_decay``,
        ``momentum`` in ``opt_state.hyperparams`` and an :class:`RMSpropState` in ``opt_state.inner_state``.

    Example:
        >>> import jax.numpy as jnp
        >>> from jtorch.optim import rmsprop
        >>> opt = rmsprop(lr=0.01, alpha=0.75)
        >>> params = {"w": jnp.array([1.0, 2.0])}
        >>> updates, state = opt.update({"w": jnp.array([0.5, -1.0])}, opt.init(params), params)
        >>> updates["w"]
        Array([-0.02,  0.02], dtype=float32)
    """
    del capturable, foreach, differentiable
    validate(lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
    static = ("momentum",) if is_static_zero(momentum) else ()
    return inject(_rmsprop, static, lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                  centered=centered, maximize=maximize)
