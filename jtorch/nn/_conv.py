"""Convolution layers: Conv1d-3d and ConvTranspose1d-3d, thin specs over one N-d implementation.

Weights are PyTorch's layout: ``(out_channels, in_channels / groups, *kernel_size)``, transposed
``(in_channels, out_channels / groups, *kernel_size)``; activations ``(N, C, *spatial)`` or unbatched
``(C, *spatial)``. Non-zero ``padding_mode`` pads with :func:`jtorch.nn.functional.pad` first, as PyTorch.
"""
from __future__ import annotations

import dataclasses
from typing import Any, ClassVar, Sequence

import jax

from . import functional as F
from ._linear import _kaiming_weight_bias
from ._module import Module, Params, State, set_fields

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _ntuple(value: Any, n: int, name: str) -> tuple[int, ...]:
    """An int repeated ``n`` times, or a length-``n`` sequence, as a tuple (hashable spec field)."""
    if isinstance(value, int):
        return (value,) * n
    if isinstance(value, Sequence) and len(value) == n:
        return tuple(value)
    raise ValueError(f"`{name}` (={value!r}) must be an int or a sequence of {n} ints")


class _Conv(Module):
    """Shared by ``_ConvNd`` and ``_ConvTransposeNd``: validation, parameters, ``padding_mode``."""
    _ndim: ClassVar[int]
    _transposed: ClassVar[bool] = False

    def __post_init__(self):
        # torch: _ConvNd.__init__'s checks, word for word.
        name = type(self).__name__
        if self.groups <= 0:
            raise ValueError("groups must be a positive integer")
        for arg in ("in_channels", "out_channels"):
            if getattr(self, arg) % self.groups != 0:
                raise ValueError(f"{arg} must be divisible by groups")
        if self.padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {set(_PADDING_MODES)}, but got "
                             f"padding_mode='{self.padding_mode}'")
        if self._transposed and self.padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {name}')
        tuples = ["kernel_size", "stride", "dilation"] + ["output_padding"] * self._transposed
        set_fields(self, **{f: _ntuple(getattr(self, f), self._ndim, f) for f in tuples})
        if not isinstance(self.padding, str):
            set_fields(self, padding=_ntuple(self.padding, self._ndim, "padding"))
        elif self._transposed:
            raise ValueError(f"{name} does not support string padding (got padding={self.padding!r})")
        elif self.padding not in ("same", "valid"):
            raise ValueError(f"Invalid padding string {self.padding!r}, should be one of {{'same', 'valid'}}")
        elif self.padding == "same" and any(s != 1 for s in self.stride):
            raise ValueError("padding='same' is not supported for strided convolutions")

    def init(self, key: jax.Array) -> tuple[Params, State]:
        # torch: kaiming_uniform_(a=sqrt(5)); bias U(±1/sqrt(fan_in)), fan_in from the weight's shape
        io = (self.in_channels, self.out_channels) if self._transposed else (self.out_channels, self.in_channels)
        shape = (io[0], io[1] // self.groups) + self.kernel_size
        return _kaiming_weight_bias(key, shape, self.out_channels if self.bias else None, self.dtype), {}

    def _pad_pairs(self) -> tuple[int, ...]:
        """``F.pad``'s (last dim first) pairs for ``padding``; 'same' puts an odd extra pad on the right."""
        if self.padding == "valid":
            return (0, 0) * self._ndim
        totals = [d * (k - 1) for d, k in zip(self.dilation, self.kernel_size)] if self.padding == "same" \
            else [2 * p for p in self.padding]
        return tuple(x for t in reversed(totals) for x in (t // 2, t - t // 2))


@dataclasses.dataclass(frozen=True)
class _ConvNd(_Conv):
    """An N-d convolution spec (``Conv1d`` - ``Conv3d`` fix N).

    Args:
        in_channels, out_channels: channels of input and output. kernel_size: int or tuple.
        stride: int or tuple. Default: 1. padding: int, tuple, ``'valid'`` or ``'same'``. Default: 0.
        dilation: int or tuple. Default: 1. groups: blocked connections. Default: 1.
        bias: learn a bias. Default: True. padding_mode: ``'zeros'``, ``'reflect'``, ``'replicate'`` or
        ``'circular'``. Default: ``'zeros'``. device: ignored. dtype: parameter dtype. Default: float32.

    Shape:
        ``(N, C_in, *in) -> (N, C_out, *out)``, ``out = (in + 2 padding - dilation (k - 1) - 1) // stride + 1``.

    Params:
        ``weight`` ``(C_out, C_in / groups, *k)`` and ``bias`` ``(C_out,)``, U(±1/sqrt(C_in / groups * prod(k))).
    """
    in_channels: int
    out_channels: int
    kernel_size: int | tuple[int, ...]
    stride: int | tuple[int, ...] = 1
    padding: str | int | tuple[int, ...] = 0
    dilation: int | tuple[int, ...] = 1
    groups: int = 1
    bias: bool = True
    padding_mode: str = "zeros"
    device: Any = None
    dtype: Any = None

    def apply(self, params: Params, state: State, input: jax.Array, *, train: bool = False,
              key: jax.Array | None = None) -> tuple[jax.Array, State]:
        del train, key
        padding = self.padding
        if self.padding_mode != "zeros":
            input, padding = F.pad(input, self._pad_pairs(), mode=self.padding_mode), 0
        conv = getattr(F, f"conv{self._ndim}d")
        return conv(input, params["weight"], params.get("bias"), self.stride, padding, self.dilation,
                    self.groups), state


@dataclasses.dataclass(frozen=True)
class _ConvTransposeNd(_Conv):
    """An N-d transposed convolution spec (``ConvTranspose1d`` - ``3d`` fix N).

    Args:
        as ``_ConvNd``, plus output_padding: int or tuple added to one side of the output. Default: 0.
        padding is an int or tuple; ``padding_mode`` must be ``'zeros'``.

    Shape:
        ``(N, C_in, *in) -> (N, C_out, *out)``,
        ``out = (in - 1) stride - 2 padding + dilation (k - 1) + output_padding + 1``. ``apply`` also
        takes ``output_size`` (spatial, or with batch and channel dims) to choose ``output_padding``.

    Params:
        ``weight`` ``(C_in, C_out / groups, *k)`` and ``bias`` ``(C_out,)``, U(±1/sqrt(C_out / groups * prod(k))).
    """
    _transposed: ClassVar[bool] = True
    in_channels: int
    out_channels: int
    kernel_size: int | tuple[int, ...]
    stride: int | tuple[int, ...] = 1
    padding: int | tuple[int, ...] = 0
    output_padding: int | tuple[int, ...] = 0
    groups: int = 1
    bias: bool = True
    dilation: int | tuple[int, ...] = 1
    padding_mode: str = "zeros"
    device: Any = None
    dtype: Any = None

    def _output_padding(self, input: jax.Array, output_size: Sequence[int] | None) -> tuple[int, ...]:
        # torch: _ConvTransposeNd._output_padding, the output_padding that yields `output_size`.
        if output_size is None:
            return self.output_padding
        n = self._ndim
        lead = 2 if input.ndim == n + 2 else 1
        output_size = tuple(output_size)
        if len(output_size) == lead + n:
            output_size = output_size[lead:]
        if len(output_size) != n:
            raise ValueError(f"ConvTranspose{n}D: for {input.ndim}D input, output_size must have {n} or "
                             f"{lead + n} elements (got {len(output_size)})")
        min_sizes = [(size - 1) * s - 2 * p + d * (k - 1) + 1 for size, s, p, d, k in zip(
            input.shape[lead:], self.stride, self.padding, self.dilation, self.kernel_size)]
        max_sizes = [m + s - 1 for m, s in zip(min_sizes, self.stride)]
        if any(not lo <= size <= hi for size, lo, hi in zip(output_size, min_sizes, max_sizes)):
            raise ValueError(f"requested an output size of {list(output_size)}, but valid sizes range from "
                             f"{min_sizes} to {max_sizes} (for an input of {list(input.shape[lead:])})")
        return tuple(size - lo for size, lo in zip(output_size, min_sizes))

    def apply(self, params: Params, state: State, input: jax.Array, output_size: Sequence[int] | None = None,
              *, train: bool = False, key: jax.Array | None = None) -> tuple[jax.Array, State]:
        del train, key
        conv = getattr(F, f"conv_transpose{self._ndim}d")
        return conv(input, params["weight"], params.get("bias"), self.stride, self.padding,
                    self._output_padding(input, output_size), self.groups, self.dilation), state


class Conv1d(_ConvNd):
    """As ``_ConvNd`` over ``(N, C, L)``: :func:`~jtorch.nn.functional.conv1d`."""
    _ndim = 1


class Conv2d(_ConvNd):
    """As ``_ConvNd`` over ``(N, C, H, W)``: :func:`~jtorch.nn.functional.conv2d`.

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from jtorch import nn
        >>> conv = nn.Conv2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2), dilation=(3, 1))
        >>> params, state = conv.init(jax.random.key(0))
        >>> params["weight"].shape, conv.apply(params, state, jnp.ones((20, 16, 50, 100)))[0].shape
        ((33, 16, 3, 5), (20, 33, 26, 100))
    """
    _ndim = 2


class Conv3d(_ConvNd):
    """As ``_ConvNd`` over ``(N, C, D, H, W)``: :func:`~jtorch.nn.functional.conv3d`."""
    _ndim = 3


class ConvTranspose1d(_ConvTransposeNd):
    """As ``_ConvTransposeNd`` over ``(N, C, L)``: :func:`~jtorch.nn.functional.conv_transpose1d`."""
    _ndim = 1


class ConvTranspose2d(_ConvTransposeNd):
    """As ``_ConvTransposeNd`` over ``(N, C, H, W)``: :func:`~jtorch.nn.functional.conv_transpose2d`.

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from jtorch import nn
        >>> up = nn.ConvTranspose2d(16, 16, 3, stride=2, padding=1)
        >>> params, state = up.init(jax.random.key(0))
        >>> up.apply(params, state, jnp.ones((1, 16, 6, 6)), output_size=(1, 16, 12, 12))[0].shape
        (1, 16, 12, 12)
    """
    _ndim = 2


class ConvTranspose3d(_ConvTransposeNd):
    """As ``_ConvTransposeNd`` over ``(N, C, D, H, W)``: :func:`~jtorch.nn.functional.conv_transpose3d`."""
    _ndim = 3
