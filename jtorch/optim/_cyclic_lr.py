"""PyTorch's cyclical schedules: OneCycleLR and CyclicLR, each with its momentum cycle.

PyTorch writes the cycled momentum into the optimizer's ``momentum`` (or ``betas[0]``); here it is a
schedule of its own, passed as ``momentum=`` (SGD, RMSprop) or ``betas=(schedule, beta2)`` (Adam family).
"""
from __future__ import annotations

from typing import Callable, Sequence

import jax.numpy as jnp

from ._lr_scheduler import Schedule, _cos_weight, _float, _int_pow


def _one_cycle_phases(total_steps, epochs, steps_per_epoch, pct_start, anneal_strategy, three_phase):
    """PyTorch's checks, then the phase end steps (floats, as PyTorch computes them)."""
    if total_steps is not None:
        if total_steps <= 0 or not isinstance(total_steps, int):
            raise ValueError(f"Expected positive integer total_steps, but got {total_steps}")
    elif epochs is not None and steps_per_epoch is not None:
        if not isinstance(epochs, int) or epochs <= 0:
            raise ValueError(f"Expected positive integer epochs, but got {epochs}")
        if not isinstance(steps_per_epoch, int) or steps_per_epoch <= 0:
            raise ValueError(f"Expected positive integer steps_per_epoch, but got {steps_per_epoch}")
        total_steps = epochs * steps_per_epoch
    else:
        raise ValueError("You must define either total_steps OR (epochs AND steps_per_epoch)")
    if pct_start < 0 or pct_start > 1 or not isinstance(pct_start, float):
        raise ValueError(f"Expected float between 0 and 1 pct_start, but got {pct_start}")
    if anneal_strategy not in ["cos", "linear"]:
        raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}")
    ends = [float(pct_start * total_steps) - 1]
    if three_phase:
        ends.append(float(2 * pct_start * total_steps) - 2)
    return total_steps, ends + [total_steps - 1]


def _anneal_phases(ends: Sequence[float], points: Sequence[float], anneal_strategy: str, total_steps: int):
    """Piecewise anneal from ``points[i]`` to ``points[i + 1]`` over the phase ending at ``ends[i]``."""
    def schedule(count):
        # PyTorch raises past total_steps; a traced count cannot, so it is clamped there.
        step = jnp.minimum(_float(count), total_steps)
        phases, start = [], 0.0
        for end, a, b in zip(ends, points[:-1], points[1:]):
            if anneal_strategy == "cos":
                phases.append(b + (a - b) * _cos_weight(end - step, end - start))
            else:
                phases.append((a * (end - step) + b * (step - start)) / (end - start))  # no cancellation at b
            start = end
        value = phases[-1]
        for end, phase in zip(ends[-2::-1], phases[-2::-1]):
            value = jnp.where(step <= end, phase, value)
        return value
    return schedule


def one_cycle_lr(max_lr, total_steps: int | None = None, epochs: int | None = None,
                 steps_per_epoch: int | None = None, pct_start=0.3, anneal_strategy="cos", div_factor=25.0,
                 final_div_factor=1e4, three_phase=False) -> Schedule:
    """``OneCycleLR``'s lr: from ``max_lr / div_factor`` up to ``max_lr`` over ``pct_start`` of the steps,
    then down to ``max_lr / div_factor / final_div_factor`` (through the initial lr with ``three_phase``).

    Example:
        >>> s = one_cycle_lr(1.0, total_steps=10, anneal_strategy="linear")
        >>> [round(float(s(i)), 4) for i in (0, 1, 2, 9)]
        [0.04, 0.52, 1.0, 0.0]
    """
    total, ends = _one_cycle_phases(total_steps, epochs, steps_per_epoch, pct_start, anneal_strategy, three_phase)
    initial = max_lr / div_factor
    points = [initial, max_lr, initial, initial / final_div_factor] if three_phase else \
        [initial, max_lr, initial / final_div_factor]
    return _anneal_phases(ends, points, anneal_strategy, total)


def one_cycle_momentum(base_momentum=0.85, max_momentum=0.95, total_steps: int | None = None,
                       epochs: int | None = None, steps_per_epoch: int | None = None, pct_start=0.3,
                       anneal_strategy="cos", three_phase=False) -> Schedule:
    """``OneCycleLR``'s momentum (``cycle_momentum=True``): from ``max_momentum`` down to ``base_momentum``
    while the lr rises, then back up.

    Example:
        >>> s = one_cycle_momentum(0.8, 0.9, total_steps=10, anneal_strategy="linear")
        >>> [round(float(s(i)), 4) for i in (0, 1, 2, 9)]
        [0.9, 0.85, 0.8, 0.9]
    """
    total, ends = _one_cycle_phases(total_steps, epochs, steps_per_epoch, pct_start, anneal_strategy, three_phase)
    points = [max_momentum, base_momentum, max_momentum, max_momentum] if three_phase else \
        [max_momentum, base_momentum, max_momentum]
    return _anneal_phases(ends, points, anneal_strategy, total)


def _cyclic_height(step_size_up, step_size_down, mode, gamma, scale_fn, scale_mode) -> Schedule:
    """The fraction of the cycle's amplitude at ``count`` (PyTorch's ``scale_factor * scale_fn(...)``)."""
    if mode not in ["triangular", "triangular2", "exp_range"] and scale_fn is None:
        raise ValueError("mode is invalid and scale_fn is None")
    up = float(step_size_up)
    down = float(step_size_down) if step_size_down is not None else up
    if scale_fn is None:
        scale_fn, scale_mode = {"triangular": (lambda x: 1.0, "cycle"),
                                "triangular2": (lambda x: _int_pow(0.5, x - 1), "cycle"),
                                "exp_range": (lambda x: _int_pow(gamma, x), "iterations")}[mode]

    def height(count):
        count = jnp.asarray(count)
        cycle = jnp.floor(_float(count) / (up + down)).astype(jnp.int32) + 1
        # position in the cycle from integer counts, not PyTorch's float `1 + count / total - cycle`
        r = _float(count) - (cycle - 1) * (up + down)
        factor = jnp.where(r <= up, r / up, (up + down - r) / down)
        return factor * scale_fn(cycle if scale_mode == "cycle" else count)
    return height


def cyclic_lr(base_lr, max_lr, step_size_up: int = 2000, step_size_down: int | None = None,
              mode="triangular", gamma=1.0, scale_fn: Callable | None = None, scale_mode="cycle") -> Schedule:
    """``CyclicLR``'s lr: cycles between ``base_lr`` and ``max_lr`` (``triangular``, ``triangular2``
    halving the amplitude each cycle, ``exp_range`` scaling it by ``gamma ** count``, or ``scale_fn``).

    Example:
        >>> s = cyclic_lr(0.0, 1.0, step_size_up=2, mode="triangular2")
        >>> [float(s(i)) for i in range(8)]
        [0.0, 0.5, 1.0, 0.5, 0.0, 0.25, 0.5, 0.25]
    """
    height = _cyclic_height(step_size_up, step_size_down, mode, gamma, scale_fn, scale_mode)
    return lambda count: base_lr + (max_lr - base_lr) * height(count)


def cyclic_momentum(base_momentum=0.8, max_momentum=0.9, step_size_up: int = 2000,
                    step_size_down: int | None = None, mode="triangular", gamma=1.0,
                    scale_fn: Callable | None = None, scale_mode="cycle") -> Schedule:
    """``CyclicLR``'s momentum (``cycle_momentum=True``): ``max_momentum`` at the cycle's ends, down to
    ``base_momentum`` at its peak lr.

    Example:
        >>> s = cyclic_momentum(0.8, 0.9, step_size_up=2)
        >>> [round(float(s(i)), 4) for i in range(5)]
        [0.9, 0.85, 0.8, 0.85, 0.9]
    """
    height = _cyclic_height(step_size_up, step_size_down, mode, gamma, scale_fn, scale_mode)
    return lambda count: max_momentum - (max_momentum - base_momentum) * height(count)
