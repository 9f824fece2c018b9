"""Adam and AdamW (with amsgrad) with PyTorch's update rule."""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax

from ._transform import ema_square, inject, lerp, pytorch_rule, validate, zero_step, zeros_like


class AdamState(NamedTuple):
    """State of :func:`adam` / :func:`adamw`, by PyTorch's names; ``max_exp_avg_sq`` is None without amsgrad."""
    step: jax.Array
    exp_avg: optax.Updates
    exp_avg_sq: optax.Updates
    max_exp_avg_sq: optax.Updates | None


def _adam(lr, beta1, beta2, eps, weight_decay, amsgrad, maximize, decoupled_weight_decay):
    def init_fn(params):
        return AdamState(step=zero_step(), exp_avg=zeros_like(params), exp_avg_sq=zeros_like(params),
                         max_exp_avg_sq=zeros_like(params) if amsgrad else None)

    def direction(grads, state):
        step = optax.safe_increment(state.step)
        exp_avg = lerp(state.exp_avg, grads, 1 - beta1)
        exp_avg_sq = ema_square(state.exp_avg_sq, grads, beta2)
        # amsgrad keeps the max of the raw second moment and bias-corrects it with the current step
        # (optax's scale_by_amsgrad takes the max of the corrected moments instead).
        max_sq = jax.tree.map(jnp.maximum, state.max_exp_avg_sq, exp_avg_sq) if amsgrad else None
        bias_correction1 = 1 - beta1 ** step
        bias_correction2_sqrt = jnp.sqrt(1 - beta2 ** step)
        d = jax.tree.map(lambda m, v: m / bias_correction1 / (jnp.sqrt(v) / bias_correction2_sqrt + eps),
                         exp_avg, max_sq if amsgrad else exp_avg_sq)
        return d, AdamState(step, exp_avg, exp_avg_sq, max_sq)

    return pytorch_rule(init_fn, direction, lr=lr, weight_decay=weight_decay, maximize=maximize,
                        decoupled=decoupled_weight_decay)


def adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *, foreach=None,
         maximize=False, capturable=False, differentiable=False, fused=None,
         decoupled_weight_decay=False) -> optax.GradientTransformationExtraArgs:
    r"""Adam with PyTorch's ``torch.optim.Adam`` update rule.

    .. math::
        g_t = \nabla f(\theta_{t-1}) + \lambda\theta_{t-1}, \quad m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,
        \quad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2, \\
        \theta_t = \theta_{t-1} - \gamma \frac{m_t / (1-\beta_1^t)}{\sqrt{v_t} / \sqrt{1-\beta_2^t} + \epsilon}
        \quad (v_t \to \max_{s \le t} v_s \text{ with amsgrad})

    Args:
        lr: learning rate :math:`\gamma`, a number or a schedule ``count -> lr``. Default: 1e-3
        betas: :math:`(\beta_1, \beta_2)`, running-average coefficients. Default: (0.9, 0.999)
        eps: :math:`\epsilon`, added to the denominator outside the square root. Default: 1e-8
        weight_decay: :math:`\lambda`, L2 penalty added to the gradient (decoupled, as AdamW, with
            ``decoupled_weight_decay=True``). Default: 0
        amsgrad: use the AMSGrad variant. Default: False
        maximize: maximize the objective (negate the gradient). Default: False
        foreach, capturable, differentiable, fused: accepted for PyTorch compatibility and ignored.

    Returns:
        An ``optax.GradientTransformation``; ``opt_state.hyperparams`` holds ``lr``, ``beta1``, ``beta2``,
        ``eps``, ``weight_decay`` (PyTorch's ``betas`` split in two) and ``opt_state.inner_state`` is an
        :class:`AdamState`. ``update`` needs ``params``.

    Example:
        >>> import jax.numpy as jnp
        >>> from jtorch.optim import adam
        >>> opt = adam(lr=0.1)
        >>> params = {"w": jnp.array([1.0, 2.0])}
        >>> updates, state = opt.update({"w": jnp.array([0.5, -1.0])}, opt.init(params), params)
        >>> updates["w"]
        Array([-0.1,  0.1], dtype=float32)
    """
    del foreach, capturable, differentiable, fused
    beta1, beta2 = betas
    validate(lr=lr, eps=eps, beta1=beta1, beta2=beta2, weight_decay=weight_decay)
    return inject(_adam, lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                  maximize=maximize, decoupled_weight_decay=decoupled_weight_decay)


def adamw(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *, maximize=False,
          foreach=None, capturable=False, differentiable=False,
          fused=None) -> optax.GradientTransformationExtraArgs:
    r"""AdamW: :func:`adam` with decoupled weight decay (``param *= 1 - lr * weight_decay`` before the
    Adam step), PyTorch's ``torch.optim.AdamW``. Arguments as :func:`adam`; ``weight_decay`` defaults to 1e-2.

    Example:
        >>> import jax.numpy as jnp
        >>> from jtorch.optim import adamw
        >>> opt = adamw(lr=0.1, weight_decay=0.25)
        >>> params = {"w": jnp.array([1.0, 2.0])}
        >>> updates, state = opt.update({"w": jnp.array([0.5, -1.0])}, opt.init(params), params)
        >>> updates["w"]
        Array([-0.125,  0.05 ], dtype=float32)
    """
    return adam(lr, betas, eps, weight_decay, amsgrad, maximize=maximize, foreach=foreach, capturable=capturable,
                differentiable=differentiable, fused=fused, decoupled_weight_decay=True)
