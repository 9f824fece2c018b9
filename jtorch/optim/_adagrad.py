"""Adagrad and Adadelta with PyTorch's update rules."""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax

from ._transform import ema_square, inject, pytorch_rule, validate, zero_step, zeros_like


class AdagradState(NamedTuple):
    """State of :func:`adagrad`: ``sum`` of squared gradients (PyTorch's name)."""
    step: jax.Array
    sum: optax.Updates


class AdadeltaState(NamedTuple):
    """State of :func:`adadelta`."""
    step: jax.Array
    square_avg: optax.Updates
    acc_delta: optax.Updates


def _adagrad(lr, lr_decay, weight_decay, initial_accumulator_value, eps, maximize):
    def init_fn(params):
        return AdagradState(step=zero_step(),
                            sum=jax.tree.map(lambda p: jnp.full_like(p, initial_accumulator_value), params))

    def direction(grads, state):
        step = optax.safe_increment(state.step)
        total = jax.tree.map(lambda s, g: s + g * g, state.sum, grads)
        decay = 1 + (step - 1) * lr_decay
        d = jax.tree.map(lambda g, s: g / (jnp.sqrt(s) + eps) / decay, grads, total)
        return d, AdagradState(step, total)

    return pytorch_rule(init_fn, direction, lr=lr, weight_decay=weight_decay, maximize=maximize)


def adagrad(lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10, foreach=None, *,
            maximize=False, differentiable=False, fused=None) -> optax.GradientTransformationExtraArgs:
    r"""Adagrad with PyTorch's ``torch.optim.Adagrad`` update rule.

    .. math::
        s_t = s_{t-1} + g_t^2 \ (s_0 = \text{initial\_accumulator\_value}), \quad
        \theta_t = \theta_{t-1} - \frac{\gamma}{1 + (t-1)\eta} \frac{g_t}{\sqrt{s_t} + \epsilon}

    Args:
        lr: learning rate :math:`\gamma`, a number or a schedule ``count -> lr``. Default: 1e-2
        lr_decay: learning-rate decay :math:`\eta`. Default: 0
        weight_decay: L2 penalty added to the gradient. Default: 0
        initial_accumulator_value: initial value of ``sum`` (read at ``init``). Default: 0
        eps: :math:`\epsilon`, outside the square root. Default: 1e-10
        maximize: maximize the objective. Default: False
        foreach, differentiable, fused: accepted for PyTorch compatibility and ignored.

    Returns:
        An ``optax.GradientTransformation`` with runtime hyper-parameters in ``opt_state.hyperparams``
        and an :class:`AdagradState` in ``opt_state.inner_state``.

    Example:
        >>> import jax.numpy as jnp
        >>> from jtorch.optim import adagrad
        >>> opt = adagrad(lr=0.1)
        >>> params = {"w": jnp.array([1.0, 2.0])}
        >>> updates, state = opt.update({"w": jnp.array([0.5, -1.0])}, opt.init(params), params)
        >>> updates["w"]
        Array([-0.1,  0.1], dtype=float32)
    """
    del foreach, differentiable, fused
    validate(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
             initial_accumulator_value=initial_accumulator_value, eps=eps)
    return inject(_adagrad, lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                  initial_accumulator_value=initial_accumulator_value, eps=eps, maximize=maximize)


def _adadelta(lr, rho, eps, weight_decay, maximize):
    def init_fn(params):
        return AdadeltaState(step=zero_step(), square_avg=zeros_like(params), acc_delta=zeros_like(params))

    def direction(grads, state):
        square_avg = ema_square(state.square_avg, grads, rho)
        delta = jax.tree.map(lambda g, s, a: jnp.sqrt(a + eps) / jnp.sqrt(s + eps) * g,
                             grads, square_avg, state.acc_delta)
        acc_delta = ema_square(state.acc_delta, delta, rho)
        return delta, AdadeltaState(optax.safe_increment(state.step), square_avg, acc_delta)

    return pytorch_rule(init_fn, direction, lr=lr, weight_decay=weight_decay, maximize=maximize)


def adadelta(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False, maximize=False,
             differentiable=False) -> optax.GradientTransformationExtraArgs:
    r"""Adadelta with PyTorch's ``torch.optim.Adadelta`` update rule.

    .. math::
        v_t = \rho v_{t-1} + (1-\rho) g_t^2, \quad \Delta_t = \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}} g_t,
        \quad u_t = \rho u_{t-1} + (1-\rho) \Delta_t^2, \quad \theta_t = \theta_{t-1} - \gamma \Delta_t

    Args:
        lr: coefficient :math:`\gamma` scaling the delta, a number or a schedule. Default: 1.0
        rho: running-average coefficient :math:`\rho`. Default: 0.9
        eps: :math:`\epsilon`, inside both square roots. Default: 1e-6
        weight_decay: L2 penalty added to the gradient. Default: 0
        maximize: maximize the objective. Default: False
        foreach, capturable, differentiable: accepted for PyTorch compatibility and ignored.

    Returns:
        An ``optax.GradientTransformation`` with runtime hyper-parameters in ``opt_state.hyperparams``
        and an :class:`AdadeltaState` (``square_avg``, ``acc_delta``) in ``opt_state.inner_state``.

    Example:
        >>> import jax.numpy as jnp
        >>> from jtorch.optim import adadelta
        >>> opt = adadelta()
        >>> params = {"w": jnp.array([1.0, 2.0])}
        >>> updates, state = opt.update({"w": jnp.array([0.5, -1.0])}, opt.init(params), params)
        >>> updates["w"]
        Array([-0.00316221,  0.00316226], dtype=float32)
    """
    del foreach, capturable, differentiable
    validate(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay)
    return inject(_adadelta, lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize)
