"""``torch.finfo`` and ``torch.iinfo``: the numeric limits of floating and integral dtypes, with PyTorch's fields
and reprs."""
from __future__ import annotations

import math
from typing import Any

import jax.numpy as jnp
import numpy as np

from ._dtype import _FLOAT, _INT, bool_, dtype, float8_e5m2fnuz, get_default_dtype, parse_dtype_arg


class _TypeInfo:
    """Shared repr and equality; ``_shown`` lists the fields the repr prints, in PyTorch's order."""
    __slots__ = ()
    _shown: tuple[str, ...] = ()

    def _values(self) -> tuple:
        return tuple(getattr(self, k) for k in self.__slots__)

    def __eq__(self, other: Any) -> bool:
        return type(self) is type(other) and self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        # PyTorch prints every limit, integers included, as a C++ stream prints a double: like %g.
        fields = "".join(f"{k}={float(getattr(self, k)):g}, " for k in self._shown)
        return f"{type(self).__name__}({fields}dtype={self.dtype})"


class finfo(_TypeInfo):
    """Limits of a floating (or complex: its real part's) dtype, as ``torch.finfo``.

    Attributes:
        bits, eps, max, min, tiny, smallest_normal, resolution: as in PyTorch (``resolution`` is
            ``10**-digits10``); all floats except ``bits``.
        dtype: the real dtype's name, e.g. ``'float32'``.

    Example:
        >>> from jtorch.compat._dtype import bfloat16
        >>> finfo(bfloat16)  # doctest: +NORMALIZE_WHITESPACE
        finfo(resolution=0.01, min=-3.38953e+38, max=3.38953e+38, eps=0.0078125,
              smallest_normal=1.17549e-38, tiny=1.17549e-38, dtype=bfloat16)
    """
    __slots__ = ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype")
    _shown = ("resolution", "min", "max", "eps", "smallest_normal", "tiny")

    def __init__(self, type: dtype | None = None) -> None:
        d = get_default_dtype() if type is None else parse_dtype_arg(type, "finfo", "type", 1)
        if d._category < _FLOAT:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            "'torch.finfo'")
        real = d.to_real()
        info = jnp.finfo(real._np)
        self.bits, self.dtype = int(info.bits), real._name
        self.eps, self.max, self.min = float(info.eps), float(info.max), float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0 ** -math.floor(info.nmant * math.log10(2))  # C++'s 10**-digits10
        if real is float8_e5m2fnuz:
            self.eps = 0.125  # PyTorch's value (its numeric_limits); the format's true epsilon is 0.25


class iinfo(_TypeInfo):
    """Limits of an integral dtype, as ``torch.iinfo``.

    Attributes:
        bits, min, max: Python ints.
        dtype: the dtype's name, e.g. ``'int32'``.

    Example:
        >>> from jtorch.compat._dtype import int32
        >>> iinfo(int32)
        iinfo(min=-2.14748e+09, max=2.14748e+09, dtype=int32)
    """
    __slots__ = ("bits", "min", "max", "dtype")
    _shown = ("min", "max")

    def __init__(self, type: dtype) -> None:
        d = parse_dtype_arg(type, "iinfo", "type", 1)
        if d is bool_:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if d._category != _INT:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'")
        info = np.iinfo(d._np)
        self.bits, self.min, self.max, self.dtype = int(info.bits), int(info.min), int(info.max), d._name
