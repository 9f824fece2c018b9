"""PyTorch's optimizers, each a signature and a defaults dict (PyTorch's order) over a ``jtorch.optim`` rule.

The update rules, argument checks and their messages live in the core (``jtorch.optim``); ``foreach``,
``fused``, ``capturable`` and ``differentiable`` are accepted and recorded in the groups as PyTorch does.
"""
from __future__ import annotations

from .. import _grad_mode
from .._tensor import Tensor
from ._core_step import CoreOptimizer

__all__ = ["Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "RMSprop", "SGD"]

_ADAM_RUNTIME = ("lr", "betas", "eps", "weight_decay")


class SGD(CoreOptimizer):
    """``torch.optim.SGD``: see :func:`jtorch.optim.sgd` for the rule (momentum buffer = first gradient)."""

    _factory, _hidden_step = "sgd", True
    _runtime, _static = ("lr", "momentum", "dampening", "weight_decay"), ("nesterov", "maximize")

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize, foreach=foreach,
                                      differentiable=differentiable, fused=fused))

    def _starts_from_init(self, runtime: dict) -> bool:
        # PyTorch's first momentum buffer is the gradient itself; without dampening, a step from the zero
        # buffer gives exactly that (momentum * 0 + 1 * g), so the first step's graph is every later step's.
        dampening = runtime.get("dampening")
        return "momentum" in runtime and not isinstance(dampening, Tensor) and dampening == 0


class Adam(CoreOptimizer):
    """``torch.optim.Adam``: see :func:`jtorch.optim.adam`."""

    _factory, _runtime, _static = "adam", _ADAM_RUNTIME, ("amsgrad", "maximize", "decoupled_weight_decay")

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad, maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable, fused=fused,
                                      decoupled_weight_decay=decoupled_weight_decay))


class AdamW(Adam):
    """``torch.optim.AdamW``: Adam with decoupled weight decay (``decoupled_weight_decay=True``)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)


class RMSprop(CoreOptimizer):
    """``torch.optim.RMSprop``: see :func:`jtorch.optim.rmsprop` (eps outside the square root)."""

    _factory, _static = "rmsprop", ("centered", "maximize")
    _runtime = ("lr", "momentum", "alpha", "eps", "weight_decay")

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                                      weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))


class Adagrad(CoreOptimizer):
    """``torch.optim.Adagrad``: see :func:`jtorch.optim.adagrad`. Its state exists from construction
    (``step`` 0 and ``sum`` filled with ``initial_accumulator_value``), as in PyTorch."""

    _factory, _static = "adagrad", ("maximize",)
    _runtime = ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, fused=fused))
        from .. import full_like, tensor
        with _grad_mode.no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    self.state[p] = {"step": tensor(0.0),
                                     "sum": full_like(p, group["initial_accumulator_value"])}


class Adadelta(CoreOptimizer):
    """``torch.optim.Adadelta``: see :func:`jtorch.optim.adadelta`."""

    _factory, _runtime, _static = "adadelta", ("lr", "rho", "eps", "weight_decay"), ("maximize",)

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      capturable=capturable, foreach=foreach, differentiable=differentiable))


class Adamax(CoreOptimizer):
    """``torch.optim.Adamax``: see :func:`jtorch.optim.adamax`."""

    _factory, _runtime, _static = "adamax", _ADAM_RUNTIME, ("maximize",)

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, capturable=capturable))


class NAdam(CoreOptimizer):
    """``torch.optim.NAdam``: see :func:`jtorch.optim.nadam` (PyTorch's momentum schedule)."""

    _factory, _static = "nadam", ("decoupled_weight_decay", "maximize")
    _runtime = _ADAM_RUNTIME + ("momentum_decay",)

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable))


class RAdam(CoreOptimizer):
    """``torch.optim.RAdam``: see :func:`jtorch.optim.radam`."""

    _factory, _runtime, _static = "radam", _ADAM_RUNTIME, ("decoupled_weight_decay", "maximize")

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      foreach=foreach, capturable=capturable,
                                      decoupled_weight_decay=decoupled_weight_decay, differentiable=differentiable))
