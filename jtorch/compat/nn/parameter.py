"""``torch.nn.Parameter`` and ``torch.nn.Buffer``: Tensors that a Module registers when they are assigned."""
from __future__ import annotations

from .. import engine
from .._tensor import DETACH, Tensor, _leaf_node

__all__ = ["Buffer", "Parameter"]


class Parameter(Tensor):
    """A Tensor that is a module parameter: a new leaf sharing ``data``'s value (``requires_grad=True``).

    Prints as ``Parameter containing:\\ntensor(...)``.
    """

    _is_parameter = True
    __module__ = "torch.nn.parameter"  # `type(p)` prints PyTorch's class path, as tutorials show

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True):
        if data is None:
            from .. import empty
            data = empty(0)
        t = object.__new__(cls)
        t._init_handle(engine.apply(DETACH, (data._node,)))
        if requires_grad:
            t._node_ = _leaf_node(t._node_, t)
        return t

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True):
        del data, requires_grad

    def __reduce_ex__(self, proto):
        from .._pickling import _rebuild_parameter
        return _rebuild_parameter, (self.detach(), self.requires_grad, None)

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = Parameter(self.detach().clone(), self.requires_grad)
        return memo[id(self)]


class Buffer:
    """``torch.nn.Buffer(data, persistent=True)``: marks a Tensor assigned to a Module as a buffer."""

    def __new__(cls, data: Tensor | None = None, *, persistent: bool = True):
        if data is None:
            from .. import empty
            data = empty(0)
        t = data.detach()
        t._buffer_persistent = persistent
        return t
