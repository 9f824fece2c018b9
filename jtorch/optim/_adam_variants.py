"""Adamax, NAdam and RAdam with PyTorch's update rules."""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax

from ._transform import ema_square, inject, lerp, pytorch_rule, validate, zero_step, zeros_like


class AdamaxState(NamedTuple):
    """State of :func:`adamax`: ``exp_inf`` is the exponentially weighted infinity norm."""
    step: jax.Array
    exp_avg: optax.Updates
    exp_inf: optax.Updates


class NAdamState(NamedTuple):
    """State of :func:`nadam`: ``mu_product`` is one float32 scalar (PyTorch keeps equal float32 copies
    per parameter, its default scalar dtype, and its rounding shows in float64 runs)."""
    step: jax.Array
    mu_product: jax.Array
    exp_avg: optax.Updates
    exp_avg_sq: optax.Updates


class RAdamState(NamedTuple):
    """State of :func:`radam`."""
    step: jax.Array
    exp_avg: optax.Updates
    exp_avg_sq: optax.Updates


def _adamax(lr, beta1, beta2, eps, weight_decay, maximize):
    def init_fn(params):
        return AdamaxState(step=zero_step(), exp_avg=zeros_like(params), exp_inf=zeros_like(params))

    def direction(grads, state):
        step = optax.safe_increment(state.step)
        exp_avg = lerp(state.exp_avg, grads, 1 - beta1)
        exp_inf = jax.tree.map(lambda u, g: jnp.maximum(u * beta2, jnp.abs(g) + eps), state.exp_inf, grads)
        bias_correction = 1 - beta1 ** step
        d = jax.tree.map(lambda m, u: m / u / bias_correction, exp_avg, exp_inf)
        return d, AdamaxState(step, exp_avg, exp_inf)

    return pytorch_rule(init_fn, direction, lr=lr, weight_decay=weight_decay, maximize=maximize)


def adamax(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *, maximize=False,
           differentiable=False, capturable=False) -> optax.GradientTransformationExtraArgs:
    r"""Adamax (Adam with the infinity norm), PyTorch's ``torch.optim.Adamax`` update rule.

    .. math::
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \quad u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon), \quad
        \theta_t = \theta_{t-1} - \frac{\gamma}{1-\beta_1^t} \frac{m_t}{u_t}

    Args:
        lr: learning rate, a number or a schedule ``count -> lr``. Default: 2e-3
        betas: :math:`(\beta_1, \beta_2)`. Default: (0.9, 0.999)
        eps: :math:`\epsilon`. Default: 1e-8
        weight_decay: L2 penalty added to the gradient. Default: 0
        maximize: maximize the objective. Default: False
        foreach, differentiable, capturable: accepted for PyTorch compatibility and ignored.

    Returns:
        An ``optax.GradientTransformation`` with runtime ``lr``, ``beta1``, ``beta2``, ``eps``,
        ``weight_decay`` and an :class:`AdamaxState` in ``opt_state.inner_state``.

    Example:
        >>> import jax.numpy as jnp
        >>> from jtorch.optim import adamax
        >>> opt = adamax(lr=0.1)
        >>> params = {"w": jnp.array([1.0, 2.0])}
        >>> updates, state = opt.update({"w": jnp.array([0.5, -1.0])}, opt.init(params), params)
        >>> updates["w"]
        Array([-0.1,  0.1], dtype=float32)
    """
    del foreach, differentiable, capturable
    beta1, beta2 = betas
    validate(lr=lr, eps=eps, beta1=beta1, beta2=beta2, weight_decay=weight_decay)
    return inject(_adamax, lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay, maximize=maximize)


def _nadam(lr, beta1, beta2, eps, weight_decay, momentum_decay, decoupled_weight_decay, maximize):
    def init_fn(params):
        return NAdamState(step=zero_step(), mu_product=jnp.ones([], jnp.float32),
                          exp_avg=zeros_like(params), exp_avg_sq=zeros_like(params))

    def direction(grads, state):
        step = optax.safe_increment(state.step)
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
        mu_product = state.mu_product * mu.astype(state.mu_product.dtype)  # PyTorch: float32 *= float32(mu)
        exp_avg = lerp(state.exp_avg, grads, 1 - beta1)
        exp_avg_sq = ema_square(state.exp_avg_sq, grads, beta2)
        bias_correction2 = 1 - beta2 ** step
        product = mu_product.astype(mu.dtype)  # the rest is computed wide, as PyTorch does in Python floats
        grad_scale = (1 - mu) / (1 - product)
        avg_scale = mu_next / (1 - product * mu_next)
        d = jax.tree.map(lambda g, m, v: (g * grad_scale + m * avg_scale) / (jnp.sqrt(v / bias_correction2) + eps),
                         grads, exp_avg, exp_avg_sq)
        return d, NAdamState(step, mu_product, exp_avg, exp_avg_sq)

    return pytorch_rule(init_fn, direction, lr=lr, weight_decay=weight_decay, maximize=maximize,
                        decoupled=decoupled_weight_decay)


def nadam(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
          decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
          differentiable=False) -> optax.GradientTransformationExtraArgs:
    r"""NAdam (Adam with Nesterov momentum and a momentum schedule), PyTorch's ``torch.optim.NAdam``.

    .. math::
        \mu_t = \beta_1 (1 - \tfrac12 0.96^{t\psi}), \quad
        \theta_t = \theta_{t-1} - \gamma \Big(\frac{(1-\mu_t) g_t}{1 - \prod_{i \le t}\mu_i}
        + \frac{\mu_{t+1} m_t}{1 - \prod_{i \le t+1}\mu_i}\Big) \Big/ \Big(\sqrt{v_t / (1-\beta_2^t)} + \epsilon\Big)

    (This is PyTorch's rule; optax's ``nadam`` has no momentum schedule.)

    Args:
        lr: learning rate, a number or a schedule ``count -> lr``. Default: 2e-3
        betas: :math:`(\beta_1, \beta_2)`. Default: (0.9, 0.999)
        eps: :math:`\epsilon`. Default: 1e-8
        weight_decay: weight decay, L2 or decoupled. Default: 0
        momentum_decay: :math:`\psi`. Default: 4e-3
        decoupled_weight_decay: decay the weights as AdamW does (NAdamW). Default: False
        maximize: maximize the objective. Default: False
        foreach, capturable, differentiable: accepted for PyTorch compatibility and ignored.

    Returns:
        An ``optax.GradientTransformation`` with runtime hyper-parameters and a :class:`NAdamState`.

    Example:
        >>> import jax.numpy as jnp
        >>> from jtorch.optim import nadam
        >>> opt = nadam(lr=0.1)
        >>> params = {"w": jnp.array([1.0, 2.0])}
        >>> updates, state = opt.update({"w": jnp.array([0.5, -1.0])}, opt.init(params), params)
        >>> updates["w"]
        Array([-0.10564518,  0.10564518], dtype=float32)
    """
    del foreach, capturable, differentiable
    beta1, beta2 = betas
    validate(lr=lr, eps=eps, beta1=beta1, beta2=beta2, weight_decay=weight_decay, momentum_decay=momentum_decay)
    return inject(_nadam, lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay,
                  momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)


def _radam(lr, beta1, beta2, eps, weight_decay, decoupled_weight_decay, maximize):
    def init_fn(params):
        return RAdamState(step=zero_step(), exp_avg=zeros_like(params), exp_avg_sq=zeros_like(params))

    def direction(grads, state):
        step = optax.safe_increment(state.step)
        exp_avg = lerp(state.exp_avg, grads, 1 - beta1)
        exp_avg_sq = ema_square(state.exp_avg_sq, grads, beta2)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * beta2 ** step / bias_correction2
        rectified = rho_t > 5.0
        # Where the variance is not tractable (rho_t <= 5) PyTorch steps along the corrected momentum alone;
        # the ratio is replaced there so that the unused branch has no NaN (and no NaN gradient).
        ratio = (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
        rect = jnp.sqrt(jnp.where(rectified, ratio, 1.0))

        def leaf(m, v):
            adaptive = jnp.sqrt(bias_correction2) / (jnp.sqrt(v) + eps)
            return m / bias_correction1 * jnp.where(rectified, adaptive * rect, 1.0)

        return jax.tree.map(leaf, exp_avg, exp_avg_sq), RAdamState(step, exp_avg, exp_avg_sq)

    return pytorch_rule(init_fn, direction, lr=lr, weight_decay=weight_decay, maximize=maximize,
                        decoupled=decoupled_weight_decay)


def radam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False, *,
          foreach=None, maximize=False, capturable=False,
          differentiable=False) -> optax.GradientTransformationExtraArgs:
    r"""RAdam (rectified Adam), PyTorch's ``torch.optim.RAdam`` update rule.

    .. math::
        \rho_\infty = \frac{2}{1-\beta_2} - 1, \quad \rho_t = \rho_\infty - \frac{2t\beta_2^t}{1-\beta_2^t},
        \quad \theta_t = \theta_{t-1} - \gamma \frac{m_t}{1-\beta_1^t}
        \begin{cases} r_t \frac{\sqrt{1-\beta_2^t}}{\sqrt{v_t} + \epsilon} & \rho_t > 5 \\ 1 & \text{else} \end{cases},
        \quad r_t = \sqrt{\frac{(\rho_t-4)(\rho_t-2)\rho_\infty}{(\rho_\infty-4)(\rho_\infty-2)\rho_t}}

    Args:
        lr: learning rate, a number or a schedule ``count -> lr``. Default: 1e-3
        betas: :math:`(\beta_1, \beta_2)`. Default: (0.9, 0.999)
        eps: :math:`\epsilon`. Default: 1e-8
        weight_decay: weight decay, L2 or decoupled. Default: 0
        decoupled_weight_decay: decay the weights as AdamW does. Default: False
        maximize: maximize the objective. Default: False
        foreach, capturable, differentiable: accepted for PyTorch compatibility and ignored.

    Returns:
        An ``optax.GradientTransformation`` with runtime hyper-parameters and a :class:`RAdamState`.

    Example:
        >>> import jax.numpy as jnp
        >>> from jtorch.optim import radam
        >>> opt = radam(lr=0.1)
        >>> params = {"w": jnp.array([1.0, 2.0])}
        >>> updates, state = opt.update({"w": jnp.array([0.5, -1.0])}, opt.init(params), params)
        >>> updates["w"]
        Array([-0.05,  0.1 ], dtype=float32)
    """
    del foreach, capturable, differentiable
    beta1, beta2 = betas
    validate(lr=lr, eps=eps, beta1=beta1, beta2=beta2, weight_decay=weight_decay)
    return inject(_radam, lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay,
                  decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)
