"""PyTorch's ``__torch_function__`` protocol on jtorch tensors.

PyTorch's own Python functions (``torch.nn.functional.*``, ``torch.functional.norm``) and its C functions
(``torch.add``, ``torch._C._nn.linear``) first ask their tensor arguments' types for ``__torch_function__``.
Answering it lets real-PyTorch code called on jtorch tensors run jtorch's implementation of the same public
function: the function's public name (module and name) picks ours.
"""
from __future__ import annotations

import sys

# PyTorch module of a function -> (jtorch.compat attribute paths to try, prefix that PyTorch's C name carries).
# torch.special.X is torch.X wherever both exist.
_MODULES = {
    "torch": (((),), ""),
    "torch.functional": (((),), ""),
    "torch.nn.functional": ((("nn", "functional"),), ""),
    "torch._C._nn": ((("nn", "functional"),), ""),
    "torch._C._linalg": ((("linalg",),), "linalg_"),
    "torch._C._special": ((("special",), ()), "special_"),
    "torch._C._fft": ((("fft",),), "fft_"),
}


def _method_name(func) -> str | None:
    """``Tensor.add`` / property accessors -> the attribute name, or None when ``func`` is not a Tensor member."""
    owner = getattr(func, "__self__", None)
    if getattr(func, "__name__", None) in ("__get__", "__set__") and owner is not None:
        return owner.__name__
    qualname = getattr(func, "__qualname__", "") or ""
    head, _, name = qualname.rpartition(".")
    return name if head in ("Tensor", "TensorBase") else None


def _public(func) -> tuple[str, object]:
    """PyTorch's public name for ``func`` and the jtorch.compat callable implementing it (None if missing)."""
    module = getattr(func, "__module__", None) or ""
    if module.split(".")[0] == "jtorch":  # PyTorch code run with `torch` bound to jtorch passes our own function
        return module, func
    paths, prefix = _MODULES.get(module, (((),), ""))
    name = getattr(func, "__name__", repr(func)).removeprefix(prefix)
    public = ".".join(("torch", *paths[0], name)) if module in _MODULES else f"{module}.{name}"
    for path in paths if module in _MODULES else ():
        obj = sys.modules[__package__]
        for part in path:
            obj = getattr(obj, part, None)
        # a private spelling (F._threshold is F.threshold's implementation) falls back to the public name
        impl = getattr(obj, name, None) or getattr(obj, name.lstrip("_"), None)
        if impl is not None:
            return public, impl
    return public, None


def torch_function(cls, func, types, args=(), kwargs=None):
    """Run jtorch's implementation of the PyTorch public function ``func``."""
    kwargs = kwargs or {}
    method = _method_name(func)
    if method is None:
        public, impl = _public(func)
    elif func.__name__ == "__get__":
        return getattr(args[0], method)
    elif func.__name__ == "__set__":
        return setattr(args[0], method, args[1])
    else:
        public, impl = f"torch.Tensor.{method}", getattr(cls, method, None)
    if impl is None:
        raise NotImplementedError(f"jtorch does not implement {public} (called with a jtorch tensor)")
    return impl(*args, **kwargs)


def install(tensor_cls) -> None:
    tensor_cls.__torch_function__ = classmethod(torch_function)
