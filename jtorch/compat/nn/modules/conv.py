"""Conv1d-3d and ConvTranspose1d-3d: Modules over the core convolution specs."""
from __future__ import annotations

import jtorch.nn as _core

from ..functional import conv_bias_dtype
from ._layer import CoreLayer

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]


class _ConvNd(CoreLayer):
    """PyTorch's ``_ConvNd`` attributes (``kernel_size`` etc. as tuples) and ``extra_repr``."""
    _grad_name = "ConvolutionBackward0"
    _optional = ("bias",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.transposed = self._core._transposed
        if not self.transposed:
            self.output_padding = (0,) * self._core._ndim

    def forward(self, input):
        bias = self._parameters.get("bias")
        if not self.transposed and bias is not None and input._node.dtype != bias._node.dtype:
            conv_bias_dtype(input, bias)
        return super().forward(input)

    def extra_repr(self) -> str:
        s = "{in_channels}, {out_channels}, kernel_size={kernel_size}, stride={stride}"
        if self.padding != (0,) * len(self.padding):
            s += ", padding={padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += ", dilation={dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += ", output_padding={output_padding}"
        if self.groups != 1:
            s += ", groups={groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += ", padding_mode={padding_mode}"
        return s.format(**self.__dict__)


class Conv1d(_ConvNd):
    """1-d convolution over ``(N, C, L)``: in_channels, out_channels, kernel_size, stride=1, padding=0,
    dilation=1, groups=1, bias=True, padding_mode='zeros', device=None, dtype=None."""
    _core = _core.Conv1d


class Conv2d(_ConvNd):
    """2-d convolution over ``(N, C, H, W)``; arguments as :class:`Conv1d`."""
    _core = _core.Conv2d


class Conv3d(_ConvNd):
    """3-d convolution over ``(N, C, D, H, W)``; arguments as :class:`Conv1d`."""
    _core = _core.Conv3d


class ConvTranspose1d(_ConvNd):
    """1-d transposed convolution: in_channels, out_channels, kernel_size, stride=1, padding=0,
    output_padding=0, groups=1, bias=True, dilation=1, padding_mode='zeros'. ``forward(x, output_size)``."""
    _core = _core.ConvTranspose1d


class ConvTranspose2d(_ConvNd):
    """2-d transposed convolution; arguments as :class:`ConvTranspose1d`."""
    _core = _core.ConvTranspose2d


class ConvTranspose3d(_ConvNd):
    """3-d transposed convolution; arguments as :class:`ConvTranspose1d`."""
    _core = _core.ConvTranspose3d
