"""Pooling layers: max, average, adaptive, power-average (LP) and max-unpooling, 1-3 spatial dims.

Each is its ``jtorch.nn.functional`` op with the constructor arguments bound; ``stride=None`` means
``kernel_size``, as PyTorch. Inputs are ``(N, C, *spatial)`` or unbatched ``(C, *spatial)``.

Example:
    >>> import jax.numpy as jnp
    >>> from jtorch import nn
    >>> nn.MaxPool2d(2).apply({}, {}, jnp.arange(16.0).reshape(1, 1, 4, 4))[0]
    Array([[[[ 5.,  7.],
             [13., 15.]]]], dtype=float32)
"""
from __future__ import annotations

import dataclasses
from typing import Any, Callable, ClassVar, Sequence

import jax

from . import functional as F
from ._linear import _Stateless
from ._module import Params, State, set_fields

Size = Any  # an int or a tuple of ints (None allowed in adaptive output sizes)


def _frozen(value: Any) -> Any:
    """Lists become tuples so the spec stays hashable; ints and tuples are kept as PyTorch keeps them."""
    return tuple(value) if isinstance(value, Sequence) else value


class _Pool(_Stateless):
    """Binds the N-d functional op ``F.<_op><N>d`` and normalises the size fields."""
    _ndim: ClassVar[int]
    _op: ClassVar[str]

    def __post_init__(self):
        sizes = {f.name: _frozen(getattr(self, f.name)) for f in dataclasses.fields(self)
                 if f.name in ("kernel_size", "stride", "padding", "dilation", "output_size")}
        if sizes.get("stride", 0) is None:
            sizes["stride"] = sizes["kernel_size"]
        set_fields(self, **sizes)

    def _fn(self) -> Callable:
        return getattr(F, f"{self._op}{self._ndim}d")


@dataclasses.dataclass(frozen=True)
class _MaxPoolNd(_Pool):
    """Max over windows. Args: kernel_size; stride (None: kernel_size); padding (implicit -inf).
    Default: 0; dilation. Default: 1; return_indices: also return argmax indices (for MaxUnpool).
    Default: False; ceil_mode: ceil instead of floor in the output size. Default: False."""
    _op = "max_pool"
    kernel_size: Size
    stride: Size | None = None
    padding: Size = 0
    dilation: Size = 1
    return_indices: bool = False
    ceil_mode: bool = False

    def forward(self, input):
        return self._fn()(input, self.kernel_size, self.stride, self.padding, self.dilation,
                          ceil_mode=self.ceil_mode, return_indices=self.return_indices)


@dataclasses.dataclass(frozen=True)
class _AvgPoolNd(_Pool):
    """Mean over windows. Args: kernel_size; stride (None: kernel_size); padding (zeros). Default: 0;
    ceil_mode. Default: False; count_include_pad: padded zeros count in the divisor. Default: True."""
    _op = "avg_pool"
    kernel_size: Size
    stride: Size | None = None
    padding: Size = 0
    ceil_mode: bool = False
    count_include_pad: bool = True

    def forward(self, input):
        return self._fn()(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad)


@dataclasses.dataclass(frozen=True)
class _AvgPoolDivisorNd(_AvgPoolNd):
    """As ``_AvgPoolNd``, plus divisor_override: a fixed divisor instead of the window size. Default: None."""
    divisor_override: int | None = None

    def forward(self, input):
        return self._fn()(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad, self.divisor_override)


@dataclasses.dataclass(frozen=True)
class _LPPoolNd(_Pool):
    """``(sum over window of x^p)^(1/p)``. Args: norm_type (p); kernel_size; stride (None: kernel_size);
    ceil_mode. Default: False."""
    _op = "lp_pool"
    norm_type: float
    kernel_size: Size
    stride: Size | None = None
    ceil_mode: bool = False

    def forward(self, input):
        return self._fn()(input, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode)


@dataclasses.dataclass(frozen=True)
class _AdaptiveAvgPoolNd(_Pool):
    """Mean over adaptive windows giving ``output_size`` (an int, or a tuple whose None keeps that size)."""
    _op = "adaptive_avg_pool"
    output_size: Size

    def forward(self, input):
        return self._fn()(input, self.output_size)


@dataclasses.dataclass(frozen=True)
class _AdaptiveMaxPoolNd(_Pool):
    """Max over adaptive windows giving ``output_size``; return_indices as MaxPool. Default: False."""
    _op = "adaptive_max_pool"
    output_size: Size
    return_indices: bool = False

    def forward(self, input):
        return self._fn()(input, self.output_size, self.return_indices)


@dataclasses.dataclass(frozen=True)
class _MaxUnpoolNd(_Pool):
    """Partial inverse of MaxPool: scatters ``input`` to ``indices`` in a zero output.

    ``apply(params, state, input, indices, output_size=None)``; ``output_size`` resolves the ambiguity
    of the output shape. Args: kernel_size; stride (None: kernel_size); padding. Default: 0."""
    _op = "max_unpool"
    kernel_size: Size
    stride: Size | None = None
    padding: Size = 0

    def apply(self, params: Params, state: State, input: jax.Array, indices: jax.Array,
              output_size: Sequence[int] | None = None, *, train: bool = False,
              key: jax.Array | None = None) -> tuple[jax.Array, State]:
        del params, train, key
        return self._fn()(input, indices, self.kernel_size, self.stride, self.padding, output_size), state


class MaxPool1d(_MaxPoolNd):
    """As ``_MaxPoolNd`` over ``(N, C, L)``: :func:`~jtorch.nn.functional.max_pool1d`."""
    _ndim = 1


class MaxPool2d(_MaxPoolNd):
    """As ``_MaxPoolNd`` over ``(N, C, H, W)``: :func:`~jtorch.nn.functional.max_pool2d`."""
    _ndim = 2


class MaxPool3d(_MaxPoolNd):
    """As ``_MaxPoolNd`` over ``(N, C, D, H, W)``: :func:`~jtorch.nn.functional.max_pool3d`."""
    _ndim = 3


class AvgPool1d(_AvgPoolNd):
    """As ``_AvgPoolNd`` over ``(N, C, L)``: :func:`~jtorch.nn.functional.avg_pool1d`."""
    _ndim = 1


class AvgPool2d(_AvgPoolDivisorNd):
    """As ``_AvgPoolDivisorNd`` over ``(N, C, H, W)``: :func:`~jtorch.nn.functional.avg_pool2d`."""
    _ndim = 2


class AvgPool3d(_AvgPoolDivisorNd):
    """As ``_AvgPoolDivisorNd`` over ``(N, C, D, H, W)``: :func:`~jtorch.nn.functional.avg_pool3d`."""
    _ndim = 3


class LPPool1d(_LPPoolNd):
    """As ``_LPPoolNd`` over ``(N, C, L)``: :func:`~jtorch.nn.functional.lp_pool1d`."""
    _ndim = 1


class LPPool2d(_LPPoolNd):
    """As ``_LPPoolNd`` over ``(N, C, H, W)``: :func:`~jtorch.nn.functional.lp_pool2d`."""
    _ndim = 2


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    """As ``_AdaptiveAvgPoolNd`` over ``(N, C, L)``: :func:`~jtorch.nn.functional.adaptive_avg_pool1d`."""
    _ndim = 1


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    """As ``_AdaptiveAvgPoolNd`` over ``(N, C, H, W)``: :func:`~jtorch.nn.functional.adaptive_avg_pool2d`."""
    _ndim = 2


class AdaptiveAvgPool3d(_AdaptiveAvgPoolNd):
    """As ``_AdaptiveAvgPoolNd`` over ``(N, C, D, H, W)``: :func:`~jtorch.nn.functional.adaptive_avg_pool3d`."""
    _ndim = 3


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """As ``_AdaptiveMaxPoolNd`` over ``(N, C, L)``: :func:`~jtorch.nn.functional.adaptive_max_pool1d`."""
    _ndim = 1


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """As ``_AdaptiveMaxPoolNd`` over ``(N, C, H, W)``: :func:`~jtorch.nn.functional.adaptive_max_pool2d`."""
    _ndim = 2


class MaxUnpool1d(_MaxUnpoolNd):
    """As ``_MaxUnpoolNd`` over ``(N, C, L)``: :func:`~jtorch.nn.functional.max_unpool1d`."""
    _ndim = 1


class MaxUnpool2d(_MaxUnpoolNd):
    """As ``_MaxUnpoolNd`` over ``(N, C, H, W)``: :func:`~jtorch.nn.functional.max_unpool2d`."""
    _ndim = 2
