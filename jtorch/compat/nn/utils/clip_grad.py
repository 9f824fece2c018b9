"""Gradient clipping, as ``torch.nn.utils.clip_grad``: tensor ops on the ``.grad`` of each parameter."""
from __future__ import annotations

import jtorch.compat as _torch

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_"]


def _grads(parameters):
    if isinstance(parameters, _torch.Tensor):
        parameters = [parameters]
    return [p for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach=None):
    """Scales the gradients so that their joint ``norm_type``-norm is at most ``max_norm``; returns the norm."""
    del foreach  # XLA fuses
    params = _grads(parameters)
    if not params:
        return _torch.tensor(0.0)
    with _torch.no_grad():
        norms = _torch.stack([_torch.linalg.vector_norm(p.grad, norm_type) for p in params])
        total = _torch.linalg.vector_norm(norms, norm_type)
        if error_if_nonfinite and not bool(_torch.isfinite(total)):
            raise RuntimeError(f"The total norm of order {float(norm_type)} for gradients from `parameters` is "
                               "non-finite, so it cannot be clipped. To disable this error and scale the gradients "
                               "by the non-finite norm anyway, set `error_if_nonfinite=False`")
        coef = _torch.clamp(max_norm / (total + 1e-6), max=1.0)
        for p in params:
            p.grad.mul_(coef.to(p.grad.dtype))
    return total


clip_grad_norm = clip_grad_norm_


def clip_grad_value_(parameters, clip_value: float, foreach=None) -> None:
    """Clamps every gradient to ``[-clip_value, clip_value]`` in place."""
    del foreach
    with _torch.no_grad():
        for p in _grads(parameters):
            p.grad.clamp_(min=-clip_value, max=clip_value)
