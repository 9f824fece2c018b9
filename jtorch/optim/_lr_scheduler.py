"""PyTorch's LR schedulers as pure schedules ``count -> lr`` (optax schedules).

``schedule(count)`` is the lr that PyTorch's ``scheduler.get_last_lr()`` reports after ``count`` calls of
``scheduler.step()``. Passed as an optimizer's ``lr``, the count is the optimizer step, which is PyTorch
calling ``scheduler.step()`` after every ``optimizer.step()``; for a scheduler stepped once per epoch use
``per_epoch(schedule, steps_per_epoch)``. Where PyTorch updates the lr recursively (``lr *= factor``) these
are its closed forms, equal up to float rounding; the cosine forms are written as ``sin**2`` of the distance
to the end of the period, so that float32 keeps ~1e-7 relative accuracy where the lr is near its minimum.
Schedules are jit-able; callables given to them (``lr_lambda``, ``scale_fn``) receive traced counts.
"""
from __future__ import annotations

import math
from typing import Callable, Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

Schedule = Callable[[jax.Array], jax.Array]


def _float(count) -> jax.Array:
    """The count as the default float dtype (float32, or float64 under x64)."""
    return jnp.asarray(count, dtype=jax.dtypes.canonicalize_dtype(jnp.float64))


def _int_pow(base, k) -> jax.Array:
    """``base ** k`` for a static ``base`` and traced integer ``k`` as a product of exact-rounded
    ``base ** 2**i``: about popcount(k) roundings, where ``exp(k log base)`` loses ~k ulps in float32."""
    k = jnp.asarray(k)
    if not isinstance(base, (int, float)):
        return base ** k
    with np.errstate(over="ignore", under="ignore"):  # powers past the float range are inf or 0, correctly
        table = (np.float64(base) ** (2.0 ** np.arange(31))).astype(_float(0).dtype)
    bits = (k.astype(jnp.int32)[..., None] >> jnp.arange(31)) & 1
    return jnp.prod(jnp.where(bits == 1, table, 1), axis=-1)


def _cos_weight(remaining, length) -> jax.Array:
    """``(1 + cos(pi * (1 - remaining / length))) / 2``, accurate where it is near 0."""
    return jnp.sin(math.pi / 2 * (_float(remaining) / length)) ** 2


def step_lr(base_lr, step_size: int, gamma=0.1) -> Schedule:
    """``torch.optim.lr_scheduler.StepLR``: ``base_lr * gamma ** (count // step_size)``.

    Example:
        >>> s = step_lr(0.1, step_size=2)
        >>> [round(float(s(i)), 6) for i in range(5)]
        [0.1, 0.1, 0.01, 0.01, 0.001]
    """
    return lambda count: base_lr * _int_pow(gamma, jnp.asarray(count) // step_size)


def multi_step_lr(base_lr, milestones: Sequence[int], gamma=0.1) -> Schedule:
    """``MultiStepLR``: ``gamma`` once per milestone reached (a repeated milestone counts each time).

    Example:
        >>> s = multi_step_lr(1.0, milestones=[2, 4, 4], gamma=0.5)
        >>> [float(s(i)) for i in range(6)]
        [1.0, 1.0, 0.5, 0.5, 0.125, 0.125]
    """
    marks = jnp.asarray(sorted(milestones), dtype=jnp.int32)
    return lambda count: base_lr * _int_pow(gamma, jnp.sum(marks <= jnp.asarray(count)[..., None], axis=-1))


def exponential_lr(base_lr, gamma) -> Schedule:
    """``ExponentialLR``: ``base_lr * gamma ** count``.

    Example:
        >>> [float(exponential_lr(1.0, 0.5)(i)) for i in range(4)]
        [1.0, 0.5, 0.25, 0.125]
    """
    return lambda count: base_lr * _int_pow(gamma, count)


def cosine_annealing_lr(base_lr, T_max: int, eta_min=0.0) -> Schedule:
    """``CosineAnnealingLR``: ``eta_min + (base_lr - eta_min) * (1 + cos(pi * count / T_max)) / 2``,
    periodic beyond ``T_max`` as PyTorch's recursive form is (equal to it within ~1e-7 relative).

    Example:
        >>> s = cosine_annealing_lr(1.0, T_max=2)
        >>> [round(float(s(i)), 6) for i in range(5)]
        [1.0, 0.5, 0.0, 0.5, 1.0]
    """
    def schedule(count):
        phase = jnp.mod(_float(count), 2 * T_max)
        return eta_min + (base_lr - eta_min) * _cos_weight(jnp.abs(T_max - phase), T_max)
    return schedule


def lambda_lr(base_lr, lr_lambda: Callable) -> Schedule:
    """``LambdaLR``: ``base_lr * lr_lambda(count)`` (``lr_lambda`` must accept a traced count).

    Example:
        >>> [float(lambda_lr(2.0, lambda e: 1 / (e + 1))(i)) for i in range(3)]
        [2.0, 1.0, 0.6666666865348816]
    """
    return lambda count: base_lr * _float(lr_lambda(count))


def multiplicative_lr(base_lr, lr_lambda: Callable) -> Schedule:
    """``MultiplicativeLR``: ``base_lr * lr_lambda(1) * ... * lr_lambda(count)``, a running product
    (one rounding per step: ~count ulps, 1e-6 relative after ~100 float32 steps).

    Example:
        >>> [float(multiplicative_lr(1.0, lambda e: 0.5)(i)) for i in range(3)]
        [1.0, 0.5, 0.25]
    """
    if not callable(lr_lambda):
        raise TypeError(f"lr_lambda should be a function, but got {type(lr_lambda).__name__}")
    return lambda count: lax.fori_loop(1, jnp.asarray(count) + 1, lambda e, lr: lr * lr_lambda(e),
                                       _float(base_lr))


def linear_lr(base_lr, start_factor=1.0 / 3, end_factor=1.0, total_iters: int = 5) -> Schedule:
    """``LinearLR``: the factor goes linearly from ``start_factor`` to ``end_factor`` over ``total_iters``.

    Example:
        >>> [float(linear_lr(1.0, 0.5, 1.0, total_iters=2)(i)) for i in range(4)]
        [0.5, 0.75, 1.0, 1.0]
    """
    if start_factor > 1.0 or start_factor <= 0:
        raise ValueError("Starting multiplicative factor expected to be greater than 0 and less or equal to 1.")
    if end_factor > 1.0 or end_factor < 0:
        raise ValueError("Ending multiplicative factor expected to be between 0 and 1.")
    def schedule(count):
        done = jnp.minimum(_float(count), total_iters)
        # weighted sum of both ends, not PyTorch's start + (end - start) * t, which cancels near end_factor=0
        return base_lr * (start_factor * (total_iters - done) + end_factor * done) / total_iters
    return schedule


def constant_lr(base_lr, factor=1.0 / 3, total_iters: int = 5) -> Schedule:
    """``ConstantLR``: ``base_lr * factor`` until ``total_iters``, then ``base_lr``.

    Example:
        >>> [float(constant_lr(1.0, 0.5, total_iters=2)(i)) for i in range(4)]
        [0.5, 0.5, 1.0, 1.0]
    """
    if factor > 1.0 or factor < 0:
        raise ValueError("Constant multiplicative factor expected to be between 0 and 1.")
    return lambda count: base_lr * jnp.where(jnp.asarray(count) >= total_iters, 1.0, _float(factor))


def polynomial_lr(base_lr, total_iters: int = 5, power=1.0) -> Schedule:
    """``PolynomialLR``: ``base_lr * (1 - min(count, total_iters) / total_iters) ** power``.

    Example:
        >>> [float(polynomial_lr(1.0, total_iters=4, power=2.0)(i)) for i in range(6)]
        [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]
    """
    return lambda count: base_lr * ((total_iters - jnp.minimum(_float(count), total_iters)) / total_iters) ** power


def cosine_annealing_warm_restarts(base_lr, T_0: int, T_mult: int = 1, eta_min=0.0) -> Schedule:
    """``CosineAnnealingWarmRestarts``: cosine annealing restarted after ``T_0``, ``T_0 * T_mult``, ... steps.

    Example:
        >>> s = cosine_annealing_warm_restarts(1.0, T_0=2, T_mult=2)
        >>> [round(float(s(i)), 4) for i in range(7)]
        [1.0, 0.5, 1.0, 0.8536, 0.5, 0.1464, 1.0]
    """
    if T_0 <= 0 or not isinstance(T_0, int):
        raise ValueError(f"Expected positive integer T_0, but got {T_0}")
    if T_mult < 1 or not isinstance(T_mult, int):
        raise ValueError(f"Expected integer T_mult >= 1, but got {T_mult}")
    # Cycle starts and lengths as static int tables (exact, where PyTorch's closed form takes a float log).
    starts, lengths = [0], [T_0]
    while T_mult > 1 and starts[-1] + lengths[-1] < 2 ** 31:
        starts.append(starts[-1] + lengths[-1])
        lengths.append(lengths[-1] * T_mult)
    starts_a, lengths_a = np.asarray(starts, np.int32), np.asarray(lengths, np.float64)

    def schedule(count):
        count = jnp.asarray(count)
        if T_mult == 1:
            t_cur, t_i = jnp.mod(count, T_0), T_0
        else:
            cycle = jnp.sum(count[..., None] >= starts_a[1:], axis=-1)
            t_cur, t_i = count - jnp.asarray(starts_a)[cycle], _float(lengths_a)[cycle]
        return eta_min + (base_lr - eta_min) * _cos_weight(t_i - t_cur, t_i)
    return schedule


def per_epoch(schedule: Schedule, steps_per_epoch: int) -> Schedule:
    """A schedule stepped once per epoch of ``steps_per_epoch`` optimizer steps, as PyTorch code that
    calls ``scheduler.step()`` at the end of each epoch: ``schedule(count // steps_per_epoch)``.

    Example:
        >>> [float(per_epoch(exponential_lr(1.0, 0.5), 2)(i)) for i in range(5)]
        [1.0, 1.0, 0.5, 0.5, 0.25]
    """
    return lambda count: schedule(jnp.asarray(count) // steps_per_epoch)


def sequential_lr(schedules: Sequence[Schedule], milestones: Sequence[int]) -> Schedule:
    """``SequentialLR``: ``schedules[i](count - milestones[i-1])`` between consecutive milestones.

    Example:
        >>> s = sequential_lr([constant_lr(1.0, 0.1, 10), exponential_lr(1.0, 0.5)], milestones=[2])
        >>> [float(s(i)) for i in range(5)]
        [0.10000000149011612, 0.10000000149011612, 1.0, 0.5, 0.25]
    """
    if len(schedules) < 1:
        raise ValueError("SequentialLR expects at least one scheduler, but got no scheduler.")
    if len(milestones) != len(schedules) - 1:
        raise ValueError(
            "Sequential Schedulers expects number of schedulers provided to be one more than the number of "
            f"milestone points, but got number of schedulers {len(schedules)} and the number of milestones to be "
            f"equal to {len(milestones)}")

    def schedule(count):
        lr = schedules[0](count)
        for milestone, later in zip(milestones, schedules[1:]):
            lr = jnp.where(jnp.asarray(count) >= milestone, later(jnp.maximum(count - milestone, 0)), lr)
        return lr
    return schedule


def chained_scheduler(base_lr, schedules: Sequence[Schedule]) -> Schedule:
    """``ChainedScheduler``: the product of the schedules' factors, ``base_lr * prod(s(count) / base_lr)``
    (PyTorch's result for multiplicative schedulers, each built here with the same ``base_lr``).

    Example:
        >>> s = chained_scheduler(1.0, [constant_lr(1.0, 0.5, 2), exponential_lr(1.0, 0.5)])
        >>> [float(s(i)) for i in range(4)]
        [0.5, 0.25, 0.25, 0.125]
    """
    if len(schedules) < 1:
        raise ValueError("ChainedScheduler expects at least one scheduler to be chained, but got no scheduler.")

    def schedule(count):
        lr = _float(base_lr)
        for s in schedules:
            lr = lr * (s(count) / base_lr)
        return lr
    return schedule
