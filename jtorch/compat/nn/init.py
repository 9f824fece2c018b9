"""``torch.nn.init``: PyTorch's in-place initialisers over the core's pure ones (``jtorch.nn.init``).

Each ``xxx_(tensor, ...)`` draws ``jtorch.nn.init.xxx(key, tensor.shape, ..., dtype)`` with a key from the
global generator (or ``generator=``) as one lifted op and writes it into ``tensor`` under ``no_grad``.
"""
from __future__ import annotations

import jtorch.nn.init as _core

from .. import _grad_mode
from ._lift import lift

__all__ = ["calculate_gain", "constant_", "dirac_", "eye_", "kaiming_normal_", "kaiming_uniform_", "normal_",
           "ones_", "orthogonal_", "sparse_", "trunc_normal_", "uniform_", "xavier_normal_", "xavier_uniform_",
           "zeros_"]

calculate_gain = _core.calculate_gain
_calculate_fan_in_and_fan_out = _core._calculate_fan_in_and_fan_out


def _random(name, shape, dtype, kwargs, key=None):
    return getattr(_core, name)(key, shape, dtype=dtype, **dict(kwargs))


def _fixed(name, shape, dtype, kwargs):
    return getattr(_core, name)(shape, dtype=dtype, **dict(kwargs))


_draw = lift(_random, name="init", random=True, differentiable=False)
_make = lift(_fixed, name="init", differentiable=False)


def _fill(tensor, name: str, random: bool, generator=None, **kwargs):
    shape, dtype = tuple(tensor.shape), tensor._node.dtype
    if random:
        value = _draw(name, shape, dtype, tuple(kwargs.items()), generator=generator)
    else:
        value = _make(name, shape, dtype, tuple(kwargs.items()))
    with _grad_mode.no_grad():
        tensor.copy_(value)
    return tensor


def uniform_(tensor, a: float = 0.0, b: float = 1.0, generator=None):
    return _fill(tensor, "uniform", True, generator, a=a, b=b)


def normal_(tensor, mean: float = 0.0, std: float = 1.0, generator=None):
    return _fill(tensor, "normal", True, generator, mean=mean, std=std)


def trunc_normal_(tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0, generator=None):
    return _fill(tensor, "trunc_normal", True, generator, mean=mean, std=std, a=a, b=b)


def constant_(tensor, val: float):
    return _fill(tensor, "constant", False, val=val)


def ones_(tensor):
    return _fill(tensor, "ones", False)


def zeros_(tensor):
    return _fill(tensor, "zeros", False)


def eye_(tensor):
    return _fill(tensor, "eye", False)


def dirac_(tensor, groups: int = 1):
    return _fill(tensor, "dirac", False, groups=groups)


def xavier_uniform_(tensor, gain: float = 1.0, generator=None):
    return _fill(tensor, "xavier_uniform", True, generator, gain=gain)


def xavier_normal_(tensor, gain: float = 1.0, generator=None):
    return _fill(tensor, "xavier_normal", True, generator, gain=gain)


def kaiming_uniform_(tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu", generator=None):
    return _fill(tensor, "kaiming_uniform", True, generator, a=a, mode=mode, nonlinearity=nonlinearity)


def kaiming_normal_(tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu", generator=None):
    return _fill(tensor, "kaiming_normal", True, generator, a=a, mode=mode, nonlinearity=nonlinearity)


def orthogonal_(tensor, gain: float = 1, generator=None):
    return _fill(tensor, "orthogonal", True, generator, gain=gain)


def sparse_(tensor, sparsity: float, std: float = 0.01, generator=None):
    return _fill(tensor, "sparse", True, generator, sparsity=sparsity, std=std)
