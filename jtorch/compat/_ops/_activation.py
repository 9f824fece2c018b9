"""Activation functions in the ``torch`` namespace and as Tensor methods (``torch.relu``, ``x.relu()``,
``x.softmax(1)``), delegating to the lifted core ops of ``torch.nn.functional``."""
from __future__ import annotations

from .. import _dtype
from ._registry import register


def _functional():
    from ..nn import functional  # imported late: torch.nn imports the op registry
    return functional


@register("relu", inplace=True)
def relu(input):
    return _functional().relu(input)


@register("softmax")
def softmax(input, dim=None, dtype=None):
    return _functional().softmax(input, dim, dtype=_core_dtype(dtype))


@register("log_softmax")
def log_softmax(input, dim=None, dtype=None):
    return _functional().log_softmax(input, dim, dtype=_core_dtype(dtype))


def _core_dtype(dtype):
    """The core takes a NumPy dtype; the lifted functional passes ``dtype=`` through unconverted."""
    return None if dtype is None else _dtype.to_jax(_dtype.from_any(dtype))


@register("hardtanh", method=False, inplace=False)
def hardtanh(input, min_val=-1.0, max_val=1.0):
    return _functional().hardtanh(input, min_val, max_val)


@register("selu", inplace=True)
def selu(input):
    return _functional().selu(input)


@register("celu", inplace=True)
def celu(input, alpha=1.0):
    return _functional().celu(input, alpha)


@register("dropout", method=False)
def dropout(input, p=0.5, train=True):
    return _functional().dropout(input, p, train)
