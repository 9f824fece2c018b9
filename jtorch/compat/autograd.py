"""``torch.autograd``: ``backward``, ``grad``, ``Variable`` (returns a Tensor, as in PyTorch >= 0.4)."""
from ._autograd import backward, grad
from ._grad_mode import enable_grad, no_grad, set_grad_enabled

__all__ = ["Variable", "backward", "enable_grad", "grad", "no_grad", "set_grad_enabled"]


def Variable(data, requires_grad: bool = False, volatile: bool = False):
    """Deprecated wrapper: returns ``data`` itself, with ``requires_grad`` set when asked."""
    del volatile
    if requires_grad:
        data.requires_grad_(True)
    return data
