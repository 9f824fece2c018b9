"""Max, average, power-average, adaptive pooling and max-unpooling: Modules over the core pooling specs."""
from __future__ import annotations

import jtorch.nn as _core

from ..functional import adaptive_avg_name
from ._layer import CoreLayer

__all__: list[str] = []  # filled by _family with the layers the core has


class _MaxPoolNd(CoreLayer):
    def extra_repr(self) -> str:
        return ("kernel_size={kernel_size}, stride={stride}, padding={padding}"
                ", dilation={dilation}, ceil_mode={ceil_mode}".format(**self.__dict__))


class _AvgPoolNd(CoreLayer):
    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _LPPoolNd(CoreLayer):
    def __init__(self, norm_type, kernel_size, stride=None, ceil_mode=False):
        super().__init__(norm_type, kernel_size, stride, ceil_mode)
        self.stride = stride  # torch keeps None (the core spec normalises it to kernel_size)

    def extra_repr(self) -> str:
        return ("norm_type={norm_type}, kernel_size={kernel_size}, stride={stride}, "
                "ceil_mode={ceil_mode}".format(**self.__dict__))


class _AdaptivePoolNd(CoreLayer):
    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class _MaxUnpoolNd(CoreLayer):
    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


def _ntuple(cls, n):
    """AvgPool1d and MaxUnpoolNd keep their sizes as n-tuples, as PyTorch's ``_single``/``_pair``."""
    init = cls.__init__

    def __init__(self, *args, **kwargs):
        init(self, *args, **kwargs)
        for name in ("kernel_size", "stride", "padding"):
            value = getattr(self, name)
            if isinstance(value, int):
                setattr(self, name, (value,) * n)
    cls.__init__ = __init__
    return cls


def _adaptive_avg_grad_name(arguments: dict) -> str:
    spec = arguments["spec"]
    return adaptive_avg_name(spec.output_size, int(type(spec).__name__[-2]))  # AdaptiveAvgPool{n}d


def _family(base, op, grad=None, single=()):
    """``grad``: PyTorch's grad_fn name, ``{n}`` the rank; its 1-d ops run the 2-d kernel and squeeze."""
    out = {}
    for n in (1, 2, 3):
        name = f"{op}{n}d"
        if not hasattr(_core, name):  # the core has no LPPool3d yet
            continue
        named = "SqueezeBackward1" if n == 1 and isinstance(grad, str) and "{n}" in grad else \
            grad.format(n=n) if isinstance(grad, str) else grad
        cls = type(name, (base,), {"_core": getattr(_core, name), "_grad_name": named, "__module__": __name__,
                                   "__doc__": f"PyTorch's ``nn.{name}`` over :class:`jtorch.nn.{name}`."})
        out[name] = _ntuple(cls, n) if n in single else cls
        __all__.append(name)
    return out


globals().update(_family(_MaxPoolNd, "MaxPool", "MaxPool{n}DWithIndicesBackward0"))
globals().update(_family(_AvgPoolNd, "AvgPool", "AvgPool{n}DBackward0", single=(1,)))
globals().update(_family(_LPPoolNd, "LPPool", "PowBackward0"))
globals().update(_family(_AdaptivePoolNd, "AdaptiveAvgPool", _adaptive_avg_grad_name))
globals().update(_family(_AdaptivePoolNd, "AdaptiveMaxPool", "AdaptiveMaxPool{n}DBackward0"))
globals().update(_family(_MaxUnpoolNd, "MaxUnpool", "MaxUnpool{n}DBackward0", single=(1, 2, 3)))
