"""Activation layers: each is its ``jtorch.nn.functional`` op with the constructor arguments bound.

Fields are PyTorch's constructor arguments; ``inplace`` is accepted and ignored (pure ops). Every layer
here maps ``(*) -> (*)`` (same shape) unless its docstring says otherwise.

Example:
    >>> import jax.numpy as jnp
    >>> from jtorch import nn
    >>> nn.LeakyReLU(0.1).apply({}, {}, jnp.array([-1.0, 2.0]))[0]
    Array([-0.1,  2. ], dtype=float32)
"""
from __future__ import annotations

import dataclasses
import warnings
from typing import Any

import jax
import jax.numpy as jnp

from . import functional as F
from . import init as nn_init
from ._linear import _param_dtype, _Stateless
from ._module import Module, Params, State, set_fields


@dataclasses.dataclass(frozen=True)
class ReLU(_Stateless):
    """:func:`~jtorch.nn.functional.relu`, ``max(0, x)``."""
    inplace: bool = False

    def forward(self, input):
        return F.relu(input)


@dataclasses.dataclass(frozen=True)
class ReLU6(_Stateless):
    """:func:`~jtorch.nn.functional.relu6`, ``min(max(0, x), 6)``."""
    inplace: bool = False

    def forward(self, input):
        return F.relu6(input)


@dataclasses.dataclass(frozen=True)
class LeakyReLU(_Stateless):
    """:func:`~jtorch.nn.functional.leaky_relu`. Args: negative_slope. Default: 0.01."""
    negative_slope: float = 1e-2
    inplace: bool = False

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope)


@dataclasses.dataclass(frozen=True)
class ELU(_Stateless):
    """:func:`~jtorch.nn.functional.elu`. Args: alpha. Default: 1.0."""
    alpha: float = 1.0
    inplace: bool = False

    def forward(self, input):
        return F.elu(input, self.alpha)


@dataclasses.dataclass(frozen=True)
class CELU(_Stateless):
    """:func:`~jtorch.nn.functional.celu`. Args: alpha. Default: 1.0."""
    alpha: float = 1.0
    inplace: bool = False

    def forward(self, input):
        return F.celu(input, self.alpha)


@dataclasses.dataclass(frozen=True)
class SELU(_Stateless):
    """:func:`~jtorch.nn.functional.selu`."""
    inplace: bool = False

    def forward(self, input):
        return F.selu(input)


@dataclasses.dataclass(frozen=True)
class GELU(_Stateless):
    """:func:`~jtorch.nn.functional.gelu`. Args: approximate: ``'none'`` or ``'tanh'``. Default: ``'none'``."""
    approximate: str = "none"

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)


@dataclasses.dataclass(frozen=True)
class SiLU(_Stateless):
    """:func:`~jtorch.nn.functional.silu`, ``x * sigmoid(x)``."""
    inplace: bool = False

    def forward(self, input):
        return F.silu(input)


@dataclasses.dataclass(frozen=True)
class Mish(_Stateless):
    """:func:`~jtorch.nn.functional.mish`, ``x * tanh(softplus(x))``."""
    inplace: bool = False

    def forward(self, input):
        return F.mish(input)


@dataclasses.dataclass(frozen=True)
class Hardsigmoid(_Stateless):
    """:func:`~jtorch.nn.functional.hardsigmoid`."""
    inplace: bool = False

    def forward(self, input):
        return F.hardsigmoid(input)


@dataclasses.dataclass(frozen=True)
class Hardswish(_Stateless):
    """:func:`~jtorch.nn.functional.hardswish`."""
    inplace: bool = False

    def forward(self, input):
        return F.hardswish(input)


@dataclasses.dataclass(frozen=True)
class Hardtanh(_Stateless):
    """:func:`~jtorch.nn.functional.hardtanh`, ``clip(x, min_val, max_val)``.

    Args: min_val. Default: -1.0. max_val. Default: 1.0. inplace: ignored. min_value, max_value: deprecated
    spellings of ``min_val`` / ``max_val`` (warn, as PyTorch's).
    """
    min_val: float = -1.0
    max_val: float = 1.0
    inplace: bool = False
    min_value: float | None = None
    max_value: float | None = None

    def __post_init__(self):
        for old, new in (("min_value", "min_val"), ("max_value", "max_val")):
            if getattr(self, old) is not None:
                warnings.warn(f"keyword argument `{old}` is deprecated and renamed to `{new}`",
                              FutureWarning, stacklevel=3)
                # Moved, not kept, so re-running __post_init__ (compat edits) never overrides `new`.
                set_fields(self, **{new: getattr(self, old), old: None})
        if not self.max_val > self.min_val:  # PyTorch asserts this
            raise AssertionError(f"max_val ({self.max_val}) must be greater than min_val ({self.min_val})")

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val)


@dataclasses.dataclass(frozen=True)
class Threshold(_Stateless):
    """:func:`~jtorch.nn.functional.threshold`: ``x`` if ``x > threshold`` else ``value``."""
    threshold: float
    value: float
    inplace: bool = False

    def forward(self, input):
        return F.threshold(input, self.threshold, self.value)


@dataclasses.dataclass(frozen=True)
class Softplus(_Stateless):
    """:func:`~jtorch.nn.functional.softplus`. Args: beta. Default: 1.0. threshold. Default: 20.0."""
    beta: float = 1.0
    threshold: float = 20.0

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)


@dataclasses.dataclass(frozen=True)
class Hardshrink(_Stateless):
    """:func:`~jtorch.nn.functional.hardshrink`. Args: lambd. Default: 0.5."""
    lambd: float = 0.5

    def forward(self, input):
        return F.hardshrink(input, self.lambd)


@dataclasses.dataclass(frozen=True)
class Softshrink(_Stateless):
    """:func:`~jtorch.nn.functional.softshrink`. Args: lambd. Default: 0.5."""
    lambd: float = 0.5

    def forward(self, input):
        return F.softshrink(input, self.lambd)


class Sigmoid(_Stateless):
    """:func:`~jtorch.nn.functional.sigmoid`."""

    def forward(self, input):
        return F.sigmoid(input)


class Tanh(_Stateless):
    """:func:`~jtorch.nn.functional.tanh`."""

    def forward(self, input):
        return F.tanh(input)


class Softsign(_Stateless):
    """:func:`~jtorch.nn.functional.softsign`, ``x / (1 + |x|)``."""

    def forward(self, input):
        return F.softsign(input)


class LogSigmoid(_Stateless):
    """:func:`~jtorch.nn.functional.logsigmoid`."""

    def forward(self, input):
        return F.logsigmoid(input)


class Tanhshrink(_Stateless):
    """:func:`~jtorch.nn.functional.tanhshrink`, ``x - tanh(x)``."""

    def forward(self, input):
        return F.tanhshrink(input)


@dataclasses.dataclass(frozen=True)
class GLU(_Stateless):
    """:func:`~jtorch.nn.functional.glu`: halves ``dim``. Args: dim. Default: -1."""
    dim: int = -1

    def forward(self, input):
        return F.glu(input, self.dim)


@dataclasses.dataclass(frozen=True)
class Softmax(_Stateless):
    """:func:`~jtorch.nn.functional.softmax` along ``dim`` (None: PyTorch's deprecated implicit dim)."""
    dim: int | None = None

    def forward(self, input):
        return F.softmax(input, self.dim, _stacklevel=5)


@dataclasses.dataclass(frozen=True)
class LogSoftmax(_Stateless):
    """:func:`~jtorch.nn.functional.log_softmax` along ``dim`` (None: PyTorch's implicit dim)."""
    dim: int | None = None

    def forward(self, input):
        return F.log_softmax(input, self.dim, _stacklevel=5)


@dataclasses.dataclass(frozen=True)
class Softmin(_Stateless):
    """:func:`~jtorch.nn.functional.softmin` along ``dim`` (None: PyTorch's implicit dim)."""
    dim: int | None = None

    def forward(self, input):
        return F.softmin(input, self.dim, _stacklevel=5)


class Softmax2d(_Stateless):
    """Softmax over the channels of ``(N, C, H, W)`` or ``(C, H, W)`` input."""

    def forward(self, input):
        if jnp.ndim(input) not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {jnp.ndim(input)}D instead")
        return F.softmax(input, -3, _stacklevel=5)


@dataclasses.dataclass(frozen=True, init=False)
class PReLU(Module):
    """:func:`~jtorch.nn.functional.prelu` with a learned slope per channel (or one shared).

    Args:
        num_parameters: 1 or the number of channels (dim 1 of the input). Default: 1.
        init: the slopes' initial value. Default: 0.25. device: ignored. dtype: parameter dtype.

    Params:
        ``weight`` ``(num_parameters,)``, filled with ``init``.

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from jtorch import nn
        >>> layer = nn.PReLU()
        >>> layer.apply(*layer.init(jax.random.key(0)), jnp.array([-2.0, 3.0]))[0]
        Array([-0.5,  3. ], dtype=float32)
    """
    num_parameters: int = 1
    init_value: float = 0.25  # PyTorch's `init` argument; that name is the spec's init method here
    device: Any = None
    dtype: Any = None

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: Any = None, dtype: Any = None):
        set_fields(self, num_parameters=num_parameters, init_value=init, device=device, dtype=dtype)

    def init(self, key: jax.Array) -> tuple[Params, State]:
        del key  # torch: weight filled with `init`
        return {"weight": nn_init.constant((self.num_parameters,), self.init_value, _param_dtype(self.dtype))}, {}

    def apply(self, params: Params, state: State, input: jax.Array, *, train: bool = False,
              key: jax.Array | None = None) -> tuple[jax.Array, State]:
        del train, key
        return F.prelu(input, params["weight"]), state
