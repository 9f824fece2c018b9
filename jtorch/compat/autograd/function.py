"""``torch.autograd.function``: custom autograd Functions (implemented in ``jtorch.compat._function``)."""
from .._function import BackwardCFunction, Function, FunctionCtx, once_differentiable

__all__ = ["BackwardCFunction", "Function", "FunctionCtx", "once_differentiable"]
