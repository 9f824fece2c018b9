"""Resampling layers: Upsample (and its 2-d shorthands), PixelShuffle/Unshuffle, and the padding layers.

``padding`` of an N-d padding layer is an int or ``2N`` ints ``(left, right, top, bottom, front, back)``,
last dim first, as :func:`jtorch.nn.functional.pad`.

Example:
    >>> import jax.numpy as jnp
    >>> from jtorch import nn
    >>> nn.ZeroPad2d((1, 0, 0, 1)).apply({}, {}, jnp.ones((1, 1, 1, 2)))[0]
    Array([[[[0., 1., 1.],
             [0., 0., 0.]]]], dtype=float32)
"""
from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import jax.numpy as jnp

from . import functional as F
from ._conv import _ntuple
from ._linear import _Stateless
from ._module import set_fields


@dataclasses.dataclass(frozen=True)
class Upsample(_Stateless):
    """:func:`~jtorch.nn.functional.interpolate` to ``size`` or by ``scale_factor``.

    Args: size; scale_factor (float or tuple of floats); mode: ``'nearest'``, ``'linear'``, ``'bilinear'``,
    ``'bicubic'``, ``'trilinear'``, ``'area'`` or ``'nearest-exact'``. Default: ``'nearest'``;
    align_corners. Default: None; recompute_scale_factor. Default: None.

    Shape: ``(N, C, *in) -> (N, C, *out)``, ``out = size`` or ``floor(in * scale_factor)``.
    """
    size: Any = None
    scale_factor: Any = None
    mode: str = "nearest"
    align_corners: bool | None = None
    recompute_scale_factor: bool | None = None

    def __post_init__(self):
        # torch: Upsample.__init__ stores scale factors as floats
        scale = self.scale_factor
        set_fields(self, size=tuple(self.size) if isinstance(self.size, list) else self.size,
                   scale_factor=tuple(float(f) for f in scale) if isinstance(scale, (tuple, list))
                   else float(scale) if scale else None)

    def forward(self, input):
        return F.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)


class UpsamplingNearest2d(Upsample):
    """``Upsample(size, scale_factor, mode='nearest')``."""

    def __init__(self, size: Any = None, scale_factor: Any = None):
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """``Upsample(size, scale_factor, mode='bilinear', align_corners=True)``."""

    def __init__(self, size: Any = None, scale_factor: Any = None):
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


@dataclasses.dataclass(frozen=True)
class PixelShuffle(_Stateless):
    """:func:`~jtorch.nn.functional.pixel_shuffle`: ``(*, C r^2, H, W) -> (*, C, H r, W r)``, r = upscale_factor."""
    upscale_factor: int

    def forward(self, input):
        return F.pixel_shuffle(input, self.upscale_factor)


@dataclasses.dataclass(frozen=True)
class PixelUnshuffle(_Stateless):
    """:func:`~jtorch.nn.functional.pixel_unshuffle`: ``(*, C, H r, W r) -> (*, C r^2, H, W)``."""
    downscale_factor: int

    def forward(self, input):
        return F.pixel_unshuffle(input, self.downscale_factor)


@dataclasses.dataclass(frozen=True)
class _PadNd(_Stateless):
    """Pads the last N dims with ``F.pad(input, padding, mode)``."""
    _ndim: ClassVar[int]
    _mode: ClassVar[str]
    padding: int | tuple[int, ...]

    def __post_init__(self):
        set_fields(self, padding=_ntuple(self.padding, 2 * self._ndim, "padding"))

    def forward(self, input):
        return F.pad(input, self.padding, self._mode)


@dataclasses.dataclass(frozen=True)
class _ConstantPadNd(_PadNd):
    """Pads with ``value``."""
    _mode = "constant"
    value: float

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)


class _ZeroPadNd(_ConstantPadNd):
    """Pads with zeros."""

    def __init__(self, padding: int | tuple[int, ...]):
        super().__init__(padding, 0.0)


class _CircularPadNd(_PadNd):
    """Pads by wrapping around (``(N, C, *)`` or unbatched input)."""
    _mode = "circular"

    def forward(self, input):
        ranks = (self._ndim + 1, self._ndim + 2)  # torch: _CircularPadNd._check_input_dim
        if jnp.ndim(input) not in ranks:
            raise ValueError(f"expected {ranks[0]}D or {ranks[1]}D input (got {jnp.ndim(input)}D input)")
        return super().forward(input)


class _ReflectionPadNd(_PadNd):
    """Pads with the reflection of the input (edge not repeated)."""
    _mode = "reflect"


class _ReplicationPadNd(_PadNd):
    """Pads by repeating the edge values."""
    _mode = "replicate"


class ConstantPad1d(_ConstantPadNd):
    """As ``_ConstantPadNd`` over the last dim."""
    _ndim = 1


class ConstantPad2d(_ConstantPadNd):
    """As ``_ConstantPadNd`` over the last 2 dims."""
    _ndim = 2


class ConstantPad3d(_ConstantPadNd):
    """As ``_ConstantPadNd`` over the last 3 dims."""
    _ndim = 3


class ZeroPad1d(_ZeroPadNd):
    """As ``_ZeroPadNd`` over the last dim."""
    _ndim = 1


class ZeroPad2d(_ZeroPadNd):
    """As ``_ZeroPadNd`` over the last 2 dims."""
    _ndim = 2


class ZeroPad3d(_ZeroPadNd):
    """As ``_ZeroPadNd`` over the last 3 dims."""
    _ndim = 3


class ReflectionPad1d(_ReflectionPadNd):
    """As ``_ReflectionPadNd`` over the last dim."""
    _ndim = 1


class ReflectionPad2d(_ReflectionPadNd):
    """As ``_ReflectionPadNd`` over the last 2 dims."""
    _ndim = 2


class ReflectionPad3d(_ReflectionPadNd):
    """As ``_ReflectionPadNd`` over the last 3 dims."""
    _ndim = 3


class ReplicationPad1d(_ReplicationPadNd):
    """As ``_ReplicationPadNd`` over the last dim."""
    _ndim = 1


class ReplicationPad2d(_ReplicationPadNd):
    """As ``_ReplicationPadNd`` over the last 2 dims."""
    _ndim = 2


class ReplicationPad3d(_ReplicationPadNd):
    """As ``_ReplicationPadNd`` over the last 3 dims."""
    _ndim = 3


class CircularPad1d(_CircularPadNd):
    """As ``_CircularPadNd`` over the last dim."""
    _ndim = 1


class CircularPad2d(_CircularPadNd):
    """As ``_CircularPadNd`` over the last 2 dims."""
    _ndim = 2


class CircularPad3d(_CircularPadNd):
    """As ``_CircularPadNd`` over the last 3 dims."""
    _ndim = 3
