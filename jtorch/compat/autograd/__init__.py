"""``torch.autograd``: ``backward``, ``grad``, ``Function``, ``functional``, ``Variable`` (returns a Tensor)."""
from .._autograd import backward, grad
from .._function import Function
from .._grad_mode import enable_grad, no_grad, set_grad_enabled
from . import function, functional

__all__ = ["Function", "Variable", "backward", "enable_grad", "function", "functional", "grad", "no_grad",
           "set_grad_enabled"]


def Variable(data, requires_grad: bool = False, volatile: bool = False):
    """Deprecated wrapper: returns ``data`` itself, with ``requires_grad`` set when asked."""
    del volatile
    if requires_grad:
        data.requires_grad_(True)
    return data
