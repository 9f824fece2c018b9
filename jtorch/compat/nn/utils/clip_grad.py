"""Gradient clipping, as ``torch.nn.utils.clip_grad``: tensor ops on the ``.grad`` of each parameter."""
from __future__ import annotations

import jtorch.compat as _torch
from jtorch import optim as _core

from .._lift import lift

_total_norm = lift(_core.get_total_norm, differentiable=False)

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_", "get_total_norm"]


def _tensors(tensors) -> list:
    return [tensors] if isinstance(tensors, _torch.Tensor) else list(tensors)


def get_total_norm(tensors, norm_type: float = 2.0, error_if_nonfinite: bool = False, foreach=None):
    """The ``norm_type``-norm of the tensors' norms (the norm of all their elements together)."""
    del foreach  # XLA fuses
    tensors = _tensors(tensors)
    if not tensors:
        return _torch.tensor(0.0)
    norm_type = float(norm_type)
    with _torch.no_grad():
        total = _total_norm(tensors, norm_type)
    if error_if_nonfinite and not bool(_torch.isfinite(total)):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so "
                           "it cannot be clipped. To disable this error and scale the gradients by the non-finite "
                           "norm anyway, set `error_if_nonfinite=False`")
    return total


def clip_grads_with_norm_(parameters, max_norm: float, total_norm, foreach=None) -> None:
    """Scales every ``.grad`` by ``min(1, max_norm / (total_norm + 1e-6))`` in place."""
    del foreach
    with _torch.no_grad():
        coef = _torch.clamp(float(max_norm) / (total_norm + 1e-6), max=1.0)
        for p in _tensors(parameters):
            if p.grad is not None:
                p.grad.mul_(coef.to(p.grad.dtype))


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach=None):
    """Scales the gradients so that their joint ``norm_type``-norm is at most ``max_norm``; returns the norm."""
    parameters = _tensors(parameters)
    total = get_total_norm([p.grad for p in parameters if p.grad is not None], norm_type, error_if_nonfinite)
    clip_grads_with_norm_(parameters, max_norm, total, foreach)
    return total


clip_grad_norm = clip_grad_norm_


def clip_grad_value_(parameters, clip_value: float, foreach=None) -> None:
    """Clamps every gradient to ``[-clip_value, clip_value]`` in place."""
    del foreach
    with _torch.no_grad():
        for p in _tensors(parameters):
            if p.grad is not None:
                p.grad.clamp_(min=-clip_value, max=clip_value)
