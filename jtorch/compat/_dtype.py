"""PyTorch's dtypes for the facade: ``torch.dtype`` objects and their aliases, the NumPy/JAX mapping, the default
dtype, and legacy type names (``'torch.FloatTensor'``). Promotion lives in ``_dtype_promotion``, limits in
``_dtype_info``.

This module stands alone (no engine, no JAX config): the facade enables JAX's 64-bit mode, so every dtype here
maps to a real JAX dtype there; under JAX's default 32-bit mode the mapping is still NumPy-exact.

The aliases ``float``, ``int`` and ``bool`` (``torch.float`` etc.) shadow Python's builtins at the bottom of this
file, so the code refers to the builtins through ``builtins``.
"""
from __future__ import annotations

import builtins
from typing import Any

import jax.numpy as jnp
import numpy as np

# Promotion categories, in PyTorch's order: a higher category wins over any dtype of a lower one.
_BOOL, _INT, _FLOAT, _COMPLEX = range(4)


class dtype:
    """A PyTorch dtype such as ``torch.float32``: one singleton per type, mapped to one NumPy/JAX dtype.

    Example:
        >>> float32, float32.is_floating_point, float32.itemsize, complex64.to_real()
        (torch.float32, True, 4, torch.float32)
    """
    __slots__ = ("_name", "_c10", "_np", "_category", "is_signed")

    def __new__(cls, *args: Any, **kwargs: Any):
        raise TypeError("cannot create 'torch.dtype' instances")

    @classmethod
    def _make(cls, name: str, c10: str, np_type: Any, category: builtins.int) -> dtype:
        self = object.__new__(cls)
        np_dtype = np.dtype(np_type)
        # Signedness is the format's: ints by NumPy kind, floats by whether they hold negatives (float8_e8m0fnu not).
        signed = np_dtype.kind == "i" if category == _INT else (
            category == _COMPLEX or category == _FLOAT and jnp.finfo(np_dtype).min < 0)
        # c10 is PyTorch's ScalarType name: it appears in PyTorch's error texts and legacy type names.
        for slot, value in zip(cls.__slots__, (name, c10, np_dtype, category, builtins.bool(signed))):
            object.__setattr__(self, slot, value)
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"attribute '{name}' of 'torch.dtype' objects is not writable")

    def __repr__(self) -> str:
        return f"torch.{self._name}"

    def __reduce__(self) -> str:
        # Pickled by name: unpickling yields the module-level singleton.
        return self._name

    @property
    def is_floating_point(self) -> builtins.bool:
        return self._category == _FLOAT

    @property
    def is_complex(self) -> builtins.bool:
        return self._category == _COMPLEX

    @property
    def itemsize(self) -> builtins.int:
        return self._np.itemsize

    def to_real(self) -> dtype:
        """The real counterpart of a complex dtype; any other dtype itself."""
        return _REAL.get(self, self)

    def to_complex(self) -> dtype:
        """The complex counterpart of a floating dtype; a complex dtype itself."""
        return _supported(self._to_complex())

    def _to_complex(self) -> dtype:
        # May give the complex32 stand-in: type promotion passes through it (see `_COMPLEX32`).
        if self.is_complex:
            return self
        if self is float16:
            return _COMPLEX32
        try:
            return _COMPLEX_OF[self]
        except KeyError:
            raise RuntimeError(f"Unknown Complex ScalarType for {self._c10}") from None


_make = dtype._make
bool_ = _make("bool", "Bool", np.bool_, _BOOL)
uint8 = _make("uint8", "Byte", np.uint8, _INT)
int8 = _make("int8", "Char", np.int8, _INT)
int16 = _make("int16", "Short", np.int16, _INT)
int32 = _make("int32", "Int", np.int32, _INT)
int64 = _make("int64", "Long", np.int64, _INT)
uint16 = _make("uint16", "UInt16", np.uint16, _INT)
uint32 = _make("uint32", "UInt32", np.uint32, _INT)
uint64 = _make("uint64", "UInt64", np.uint64, _INT)
float16 = _make("float16", "Half", np.float16, _FLOAT)
bfloat16 = _make("bfloat16", "BFloat16", jnp.bfloat16, _FLOAT)
float32 = _make("float32", "Float", np.float32, _FLOAT)
float64 = _make("float64", "Double", np.float64, _FLOAT)
complex64 = _make("complex64", "ComplexFloat", np.complex64, _COMPLEX)
complex128 = _make("complex128", "ComplexDouble", np.complex128, _COMPLEX)
float8_e4m3fn = _make("float8_e4m3fn", "Float8_e4m3fn", jnp.float8_e4m3fn, _FLOAT)
float8_e5m2 = _make("float8_e5m2", "Float8_e5m2", jnp.float8_e5m2, _FLOAT)
float8_e4m3fnuz = _make("float8_e4m3fnuz", "Float8_e4m3fnuz", jnp.float8_e4m3fnuz, _FLOAT)
float8_e5m2fnuz = _make("float8_e5m2fnuz", "Float8_e5m2fnuz", jnp.float8_e5m2fnuz, _FLOAT)
float8_e8m0fnu = _make("float8_e8m0fnu", "Float8_e8m0fnu", jnp.float8_e8m0fnu, _FLOAT)

ALL_DTYPES: tuple[dtype, ...] = (bool_, uint8, int8, int16, int32, int64, uint16, uint32, uint64, float16, bfloat16,
                                 float32, float64, complex64, complex128, float8_e4m3fn, float8_e5m2, float8_e4m3fnuz,
                                 float8_e5m2fnuz, float8_e8m0fnu)
# PyTorch's complex32 (float16's complex counterpart) has no JAX dtype. It still occurs inside promotion, where a
# later step can replace it (float64 + (float16 + 1j) is complex128), so promotion uses this internal stand-in and
# only a complex32 *result* raises. Its NumPy dtype is a 4-byte placeholder: it never reaches an array.
_COMPLEX32 = _make("complex32", "ComplexHalf", "V4", _COMPLEX)


def _supported(d: dtype) -> dtype:
    if d is _COMPLEX32:
        raise NotImplementedError("torch.complex32 (torch.chalf, the complex counterpart of torch.float16) is not "
                                  "supported: JAX has no complex32")
    return d


_REAL = {_COMPLEX32: float16, complex64: float32, complex128: float64}
_COMPLEX_OF = {float32: complex64, float64: complex128, bfloat16: complex64}
_FLOAT8 = frozenset((float8_e4m3fn, float8_e5m2, float8_e4m3fnuz, float8_e5m2fnuz, float8_e8m0fnu))
_WIDE_UINTS = frozenset((uint16, uint32, uint64))  # PyTorch promotes these only with themselves and floats
_BY_NP = {d._np: d for d in ALL_DTYPES}
# What `dtype=float` etc. mean to PyTorch (float is float64 here, not the default dtype).
_PY_TYPES = {builtins.bool: bool_, builtins.int: int64, builtins.float: float64, builtins.complex: complex128}
_PY_SCALARS = (builtins.bool, builtins.int, builtins.float, builtins.complex)


def _type_name(x: Any) -> str:
    t = type(x)
    return t.__qualname__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"


def parse_dtype_arg(x: Any, fn: str, arg: str = "dtype", position: builtins.int | None = None) -> dtype:
    """Parses a ``dtype=`` argument as PyTorch's argument parser does: a ``torch.dtype`` or ``float``/``int``/
    ``bool``/``complex``; anything else raises PyTorch's ``TypeError``.

    Example:
        >>> import builtins  # this module's `float` is torch.float, i.e. float32
        >>> parse_dtype_arg(builtins.float, "ones"), parse_dtype_arg(int32, "ones")
        (torch.float64, torch.int32)
    """
    if isinstance(x, dtype):
        return x
    if isinstance(x, type) and x in _PY_TYPES:
        return _PY_TYPES[x]
    where = "" if position is None else f" (position {position})"
    raise TypeError(f"{fn}(): argument '{arg}'{where} must be torch.dtype, not {_type_name(x)}")


def from_any(x: Any) -> dtype:
    """The ``torch.dtype`` for a ``torch.dtype``, a NumPy/JAX dtype or scalar type, or ``float``/``int``/``bool``/
    ``complex`` (as PyTorch reads them in ``dtype=``: ``float`` is float64).

    Example:
        >>> import builtins
        >>> from_any(np.dtype("int32")), from_any(jnp.bfloat16), from_any(builtins.float), from_any(float16)
        (torch.int32, torch.bfloat16, torch.float64, torch.float16)
    """
    if isinstance(x, dtype):
        return x
    if isinstance(x, np.dtype) and x in _BY_NP:  # the engine's hot path: nodes carry NumPy dtypes
        return _BY_NP[x]
    if isinstance(x, type) and x in _PY_TYPES:
        return _PY_TYPES[x]
    if isinstance(x, (np.dtype, type)):
        try:
            return _BY_NP[np.dtype(x)]
        except (TypeError, KeyError):
            names = ", ".join(d._name for d in ALL_DTYPES)
            raise TypeError(f"can't convert {x!r} to a torch.dtype. The only supported types are: {names}.") from None
    raise TypeError(f"argument 'dtype' must be torch.dtype, not {_type_name(x)}")


def to_jax(x: Any) -> np.dtype:
    """The NumPy/JAX dtype of a ``torch.dtype`` (or of anything :func:`from_any` accepts).

    Example:
        >>> to_jax(float32), to_jax(bfloat16)
        (dtype('float32'), dtype(bfloat16))
    """
    return from_any(x)._np


_default_dtype = float32
# `torch.set_default_dtype` allows exactly these; float8 types fail for lack of a legacy storage class.
_DEFAULT_OK = (float16, bfloat16, float32, float64)


def get_default_dtype() -> dtype:
    """The dtype of Python floats turned into tensors (``torch.get_default_dtype``).

    Example:
        >>> get_default_dtype()
        torch.float32
    """
    return _default_dtype


def set_default_dtype(d: dtype) -> None:
    """Sets the default floating dtype (``torch.set_default_dtype``); the default complex dtype follows it.

    Args:
        d: ``float32``, ``float64``, ``float16`` or ``bfloat16``; anything else raises PyTorch's ``TypeError``.

    Example:
        >>> set_default_dtype(float64); get_default_complex_dtype(); set_default_dtype(float32)
        torch.complex128
    """
    global _default_dtype
    if not isinstance(d, dtype):
        raise TypeError("invalid dtype object: only floating-point types are supported as the default type")
    if d in _FLOAT8:
        raise TypeError(f"couldn't find storage object {d._c10}Storage")
    if d not in _DEFAULT_OK:
        raise TypeError("only floating-point types are supported as the default type")
    _default_dtype = d


def get_default_complex_dtype() -> dtype:
    """The dtype of Python complex numbers turned into tensors: complex128 for a float64 default, else complex64
    (PyTorch's complex32 for a float16 default is unsupported: JAX has none).

    Note: PyTorch's ``torch.tensor(1j)`` raises under a bfloat16 default, while its type promotion uses complex64;
    this function gives the promotion's answer.
    """
    return _supported(_default_dtype._to_complex())


def scalar_dtype(value: builtins.bool | builtins.int | builtins.float | builtins.complex) -> dtype:
    """The dtype PyTorch gives a Python scalar (``torch.tensor(value).dtype``).

    Example:
        >>> scalar_dtype(True), scalar_dtype(2), scalar_dtype(2.5), scalar_dtype(1j)
        (torch.bool, torch.int64, torch.float32, torch.complex64)
    """
    return _supported(_scalar_dtype(value))


def _scalar_dtype(value: builtins.bool | builtins.int | builtins.float | builtins.complex) -> dtype:
    if isinstance(value, builtins.bool):
        return bool_
    if isinstance(value, builtins.int):
        return int64
    return _default_dtype if isinstance(value, builtins.float) else _default_dtype._to_complex()


_BY_TYPE_NAME = {f"torch.{cuda}{d._c10}Tensor": (d, cuda == "cuda.") for d in ALL_DTYPES for cuda in ("", "cuda.")}


def type_name(d: dtype, cuda: builtins.bool = False) -> str:
    """The legacy type string of a tensor of dtype ``d`` (``Tensor.type()``).

    Example:
        >>> type_name(float32), type_name(int64, cuda=True)
        ('torch.FloatTensor', 'torch.cuda.LongTensor')
    """
    return f"torch.{'cuda.' if cuda else ''}{d._c10}Tensor"


def from_type_name(name: str) -> tuple[dtype, builtins.bool]:
    """``(dtype, is_cuda)`` for a legacy type string as given to ``Tensor.type(name)``; PyTorch's ``ValueError``
    for an unknown one.

    Example:
        >>> from_type_name("torch.cuda.DoubleTensor")
        (torch.float64, True)
    """
    try:
        return _BY_TYPE_NAME[name]
    except (KeyError, TypeError):
        raise ValueError(f"invalid type: '{name}'") from None


# PyTorch's aliases. Defined last: `float`, `int` and `bool` shadow the builtins in this module from here on.
half = float16
float = float32  # noqa: A001
double = float64
cfloat = complex64
cdouble = complex128
short = int16
int = int32  # noqa: A001
long = int64
bool = bool_  # noqa: A001
