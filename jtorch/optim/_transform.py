"""Shared pieces of the PyTorch optimizers: argument checks, the update skeleton, runtime hyper-parameters.

Every optimizer is ``inject_hyperparams(factory)(**hyper_parameters)``: the factory builds one
:class:`optax.GradientTransformation` whose state is a NamedTuple with PyTorch's state names, and
``inject_hyperparams`` keeps the numeric hyper-parameters (lr, momentum, betas, eps, weight_decay, ...)
in ``opt_state.hyperparams``, as runtime arrays: changing one never recompiles a jitted step.
"""
from __future__ import annotations

from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import optax

# PyTorch's constructor checks (torch/optim/*.py), by argument name: (message, accepted values).
_CHECKS: dict[str, tuple[str, Callable[[float], bool]]] = {
    "lr": ("Invalid learning rate: {}", lambda v: v >= 0.0),
    "momentum": ("Invalid momentum value: {}", lambda v: v >= 0.0),
    "weight_decay": ("Invalid weight_decay value: {}", lambda v: v >= 0.0),
    "eps": ("Invalid epsilon value: {}", lambda v: v >= 0.0),
    "beta1": ("Invalid beta parameter at index 0: {}", lambda v: 0.0 <= v < 1.0),
    "beta2": ("Invalid beta parameter at index 1: {}", lambda v: 0.0 <= v < 1.0),
    "alpha": ("Invalid alpha value: {}", lambda v: v >= 0.0),
    "lr_decay": ("Invalid lr_decay value: {}", lambda v: v >= 0.0),
    "initial_accumulator_value": ("Invalid initial_accumulator_value value: {}", lambda v: v >= 0.0),
    "rho": ("Invalid rho value: {}", lambda v: 0.0 <= v <= 1.0),
    "momentum_decay": ("Invalid momentum_decay value: {}", lambda v: v >= 0.0),
}


def concrete(value: Any) -> float | None:
    """The Python value of a hyper-parameter, or None when it is traced or a schedule (not checkable)."""
    if callable(value) or isinstance(value, jax.core.Tracer):
        return None
    return float(value)


def is_static_zero(value: Any) -> bool:
    """Whether ``value`` is a plain Python 0: PyTorch then allocates no buffer for it (e.g. momentum)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0


def validate(**values: Any) -> None:
    """Raises PyTorch's ValueError for the first invalid argument, checked in the order given."""
    for name, value in values.items():
        message, ok = _CHECKS[name]
        v = concrete(value)
        if v is not None and not ok(v):
            raise ValueError(message.format(value))


def inject(factory: Callable[..., optax.GradientTransformation], static: tuple[str, ...] = (),
           **arguments: Any) -> optax.GradientTransformationExtraArgs:
    """``optax.inject_hyperparams(factory)(**arguments)`` with Python ints made floats, so that every
    numeric hyper-parameter is a float array of the params' dtype (an int 0 would stay int32)."""
    arguments = {k: float(v) if isinstance(v, int) and not isinstance(v, bool) and k not in static else v
                 for k, v in arguments.items()}
    return optax.inject_hyperparams(factory, static_args=static)(**arguments)


def zero_step() -> jax.Array:
    return jnp.zeros([], jnp.int32)


def zeros_like(params: optax.Params) -> optax.Params:
    return jax.tree.map(jnp.zeros_like, params)


def lerp(start: optax.Updates, end: optax.Updates, weight: jax.Array) -> optax.Updates:
    """``torch.lerp``: ``start + weight * (end - start)``, the form PyTorch uses for exp_avg updates."""
    return jax.tree.map(lambda s, e: s + weight * (e - s), start, end)


def ema_square(avg: optax.Updates, grads: optax.Updates, decay: jax.Array) -> optax.Updates:
    """PyTorch's ``avg.mul_(decay).addcmul_(g, g, value=1 - decay)``."""
    return jax.tree.map(lambda a, g: a * decay + (1 - decay) * g * g, avg, grads)


def pytorch_rule(init_fn: Callable[[optax.Params], NamedTuple],
                 direction: Callable[[optax.Updates, NamedTuple], tuple[optax.Updates, NamedTuple]],
                 *, lr: jax.Array, weight_decay: jax.Array, maximize: bool,
                 decoupled: bool = False) -> optax.GradientTransformation:
    """PyTorch's shared step around a rule's ``direction(grads, state) -> (d, state)``: negate the
    gradient for ``maximize``, add ``weight_decay * param`` to it (L2), or to ``d`` for decoupled decay
    (``param *= 1 - lr * weight_decay``), and return ``-lr * d``. Updates and state keep their dtypes."""

    def checked_init(params):
        if any(jnp.iscomplexobj(p) for p in jax.tree.leaves(params)):
            raise NotImplementedError("complex parameters are not supported by jtorch.optim "
                                      "(PyTorch updates them as real views)")
        return init_fn(params)

    def update_fn(updates, state, params=None):
        if params is None:
            raise ValueError("jtorch optimizers need the params: call `update(grads, state, params)` "
                             "(weight decay reads them, as in PyTorch)")
        def decay(tree):
            return jax.tree.map(lambda x, p: x + weight_decay * p, tree, params)

        grads = jax.tree.map(jnp.negative, updates) if maximize else updates
        d, new_state = direction(grads if decoupled else decay(grads), state)
        d = decay(d) if decoupled else d
        new_updates = jax.tree.map(lambda x, u: (-lr * x).astype(u.dtype), d, updates)
        return new_updates, jax.tree.map(lambda n, o: n.astype(o.dtype), new_state, state)

    return optax.GradientTransformation(checked_init, update_fn)


def set_hyperparams(opt_state: optax.InjectHyperparamsState, **values: Any) -> optax.InjectHyperparamsState:
    """Sets runtime hyper-parameters in place, as PyTorch's ``optimizer.param_groups[0][name] = value``.

    Each value is cast to the stored dtype, so a jitted step that takes ``opt_state`` does not recompile
    (optax's plain ``opt_state.hyperparams["lr"] = 0.01`` stores a weakly typed Python float and costs one
    more compilation). ``betas=(b1, b2)`` sets ``beta1`` and ``beta2``.

    Args:
        opt_state: the state of a ``jtorch.optim`` optimizer (an ``optax.InjectHyperparamsState``).
        **values: new values by PyTorch's names (``lr``, ``momentum``, ``weight_decay``, ``betas``, ...).

    Returns:
        ``opt_state`` (modified in place).

    Example:
        >>> import jax.numpy as jnp
        >>> from jtorch.optim import sgd, set_hyperparams
        >>> state = sgd(lr=0.1).init({"w": jnp.zeros(2)})
        >>> set_hyperparams(state, lr=0.01).hyperparams["lr"]
        Array(0.01, dtype=float32)
    """
    if "betas" in values:
        values["beta1"], values["beta2"] = values.pop("betas")
    hyperparams = opt_state.hyperparams
    for name, value in values.items():
        if name not in hyperparams:
            raise KeyError(f"`{name}` is not a runtime hyper-parameter of this optimizer "
                           f"(it has {sorted(hyperparams)}); pass it at construction")
        if name in opt_state.hyperparams_states:
            raise ValueError(f"`{name}` follows a schedule; setting it has no effect")
        hyperparams[name] = jnp.asarray(value, dtype=jnp.result_type(hyperparams[name]))
    return opt_state
