"""Module full backward hooks (``register_full_backward_hook`` / ``register_full_backward_pre_hook``).

As PyTorch's ``torch.utils.hooks.BackwardHook``: a module call with such hooks passes its tensor inputs and
outputs through identity ``autograd.Function``\\ s. The outputs' identity sees ``grad_output`` first (the
pre-hooks may replace it), the inputs' identity then sees ``grad_input`` and calls the hooks with both
(a hook may replace ``grad_input``). With no input requiring grad, the hooks run at the outputs with
``grad_input`` all None. Entries are positional: None for arguments that are not tensors requiring grad.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable

from ..._function import Function
from ..._tensor import Tensor

__all__ = ["BackwardHook"]


class _Identity(Function):
    """Returns its tensors unchanged; its backward hands the incoming grads to ``on_grads`` and returns
    what that gives back."""

    @staticmethod
    def forward(ctx, on_grads: Callable, *tensors: Tensor):
        ctx.on_grads = on_grads
        return tuple(t.view_as(t) for t in tensors)

    @staticmethod
    def backward(ctx, *grads):
        return (None, *ctx.on_grads(grads))


def _wrap(values: tuple, on_grads: Callable) -> tuple[tuple, list[int]]:
    """``values`` with the tensors requiring grad routed through one ``_Identity``; and their positions."""
    index = [i for i, v in enumerate(values) if isinstance(v, Tensor) and v.requires_grad]
    if not index:
        return values, index
    out = list(values)
    for i, t in zip(index, _Identity.apply(on_grads, *(values[i] for i in index))):
        out[i] = t
    return tuple(out), index


def _packed(index: list[int], grads: tuple, n: int) -> tuple:
    out = [None] * n
    for i, g in zip(index, grads):
        out[i] = g
    return tuple(out)


class BackwardHook:
    """One module call's hook state: ``inputs``/``outputs`` wrap the call's arguments and result."""

    def __init__(self, module: Any, hooks: list[Callable], pre_hooks: list[Callable]) -> None:
        self.module, self.hooks, self.pre_hooks = module, hooks, pre_hooks
        self.n_inputs, self.input_index, self.grad_outputs = 0, [], None

    def inputs(self, args: tuple) -> tuple:
        self.n_inputs = len(args)
        args, self.input_index = _wrap(args, self._on_input_grads)
        return args

    def outputs(self, result: Any) -> Any:
        single = isinstance(result, Tensor)
        values, self.output_index = _wrap((result,) if single else tuple(result), self._on_output_grads)
        self.n_outputs = len(values)
        return values[0] if single else type(result)(values) if isinstance(result, tuple) else list(values)

    def _on_output_grads(self, grads: tuple) -> tuple:
        grad_outputs = _packed(self.output_index, grads, self.n_outputs)
        for hook in self.pre_hooks:
            res = hook(self.module, grad_outputs)
            if res is not None:
                grad_outputs = res if isinstance(res, tuple) else (res,)
        self.grad_outputs = grad_outputs
        if not self.input_index:
            warnings.warn("Full backward hook is firing when gradients are computed with respect to module outputs "
                          "since no inputs require gradients. See https://docs.pytorch.org/docs/main/generated/"
                          "torch.nn.Module.html#torch.nn.Module.register_full_backward_hook for more details.",
                          stacklevel=5)
            for hook in self.hooks:
                res = hook(self.module, (None,) * self.n_inputs, grad_outputs)
                if res is not None and not all(r is None for r in res):
                    raise RuntimeError("Backward hook for Modules where no input requires gradient should always "
                                       "return None or None for all gradients.")
        return tuple(grad_outputs[i] for i in self.output_index)

    def _on_input_grads(self, grads: tuple) -> tuple:
        grad_inputs = _packed(self.input_index, grads, self.n_inputs)
        for hook in self.hooks:
            res = hook(self.module, grad_inputs, self.grad_outputs)
            if res is not None:
                if not isinstance(res, tuple) or len(res) != self.n_inputs:
                    raise RuntimeError(f"Backward hook returned an invalid number of grad_input, got "
                                       f"{len(res) if isinstance(res, tuple) else 1}, but expected {self.n_inputs}")
                grad_inputs = res
        return tuple(grad_inputs[i] for i in self.input_index)
