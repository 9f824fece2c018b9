"""PyTorch's type promotion: ``promote_types``, ``can_cast``, n-ary ``result_type`` (dimensioned tensors, zero-dim
tensors and Python scalars), and the result dtypes of ops whose output dtype is not the promoted one."""
from __future__ import annotations

from typing import Any

from ._dtype import (_COMPLEX32, _FLOAT, _FLOAT8, _INT, _PY_SCALARS, _WIDE_UINTS, ALL_DTYPES, _scalar_dtype,
                     _supported, bool_, bfloat16, dtype, float16, float32, from_any, get_default_dtype, int16, int64,
                     parse_dtype_arg)


def _promotion_rule(a: dtype, b: dtype) -> dtype | str:
    """PyTorch's ``promote_types`` table as rules; a ``str`` is the ``RuntimeError`` PyTorch raises."""
    if a is b:
        return a
    if a in _FLOAT8 or b in _FLOAT8:
        return f"Promotion for Float8 Types is not supported, attempted to promote {a._c10} and {b._c10}"
    if (a in _WIDE_UINTS or b in _WIDE_UINTS) and _FLOAT not in (a._category, b._category):
        return (f"Promotion for uint16, uint32, uint64 types is not supported, attempted to promote {a._c10} and "
                f"{b._c10}")
    hi, lo = (a, b) if a._category >= b._category else (b, a)
    if hi._category > lo._category:
        # complex + float keeps the wider real part: complex64 + float64 -> complex128
        return _promotion_rule(hi.to_real(), lo)._to_complex() if lo.is_floating_point and hi.is_complex else hi
    if hi._category == _INT and hi.is_signed != lo.is_signed:  # uint8 with a signed int: the smallest int holding both
        signed = hi if hi.is_signed else lo
        return signed if signed.itemsize > 1 else int16
    if {a, b} == {float16, bfloat16}:  # neither holds the other
        return float32
    return a if a.itemsize >= b.itemsize else b


# The complex32 stand-in is included: a float16 default makes it the dtype of complex Python scalars.
_PROMOTED = {(a, b): _promotion_rule(a, b) for a in ALL_DTYPES + (_COMPLEX32,) for b in ALL_DTYPES + (_COMPLEX32,)}


def _promote(a: dtype, b: dtype) -> dtype:
    out = _PROMOTED[a, b]
    if isinstance(out, str):
        raise RuntimeError(out)
    return out


def promote_types(type1: dtype, type2: dtype) -> dtype:
    """The smallest dtype both ``type1`` and ``type2`` convert to (``torch.promote_types``).

    Example:
        >>> from jtorch.compat import _dtype as t
        >>> promote_types(t.uint8, t.int8), promote_types(t.float16, t.bfloat16), promote_types(t.complex64, t.float64)
        (torch.int16, torch.float32, torch.complex128)
    """
    return _promote(parse_dtype_arg(type1, "promote_types", "type1", 1),
                    parse_dtype_arg(type2, "promote_types", "type2", 2))


def can_cast(from_: dtype, to: dtype) -> bool:
    """Whether PyTorch's casting rules allow ``from_`` -> ``to`` (``torch.can_cast``): never to a lower category
    (complex -> real, floating -> integral, non-bool -> bool).

    Example:
        >>> from jtorch.compat import _dtype as t
        >>> can_cast(t.int64, t.float16), can_cast(t.float32, t.int64)
        (True, False)
    """
    f = parse_dtype_arg(from_, "can_cast", "from_", 1)
    return f._category <= parse_dtype_arg(to, "can_cast", "to", 2)._category


def _combine(higher: dtype | None, lower: dtype | None) -> dtype | None:
    """PyTorch's ``combine_categories``: ``lower`` (a weaker class of operand) only counts if it is of a higher
    category; ``None`` is an empty class."""
    if higher is None or lower is None:
        return lower if higher is None else higher
    if higher.is_complex:
        return higher
    if lower.is_complex:
        return higher._to_complex() if higher.is_floating_point else lower
    if higher.is_floating_point:
        return higher
    return _promote(higher, lower) if higher is bool_ or lower.is_floating_point else higher


def result_type(*operands: Any) -> dtype:
    """The dtype PyTorch computes an elementwise op in (``torch.result_type``, n-ary as TensorIterator does).

    Operands are of three classes: dimensioned tensors, zero-dim tensors and Python scalars. Each class is promoted
    within itself; then a weaker class (zero-dim, then scalars) only counts if it is of a higher category
    (bool < integer < floating < complex): a float scalar gives the default dtype, a complex one the default
    complex dtype, and an integer scalar never widens an integer tensor.

    Args:
        operands: Python ``bool``/``int``/``float``/``complex`` values, or tensors described by anything with
            ``.dtype`` and ``.shape`` (a Tensor, ``jax.Array``, ``jax.ShapeDtypeStruct``, engine node, ndarray).

    Example:
        >>> import jax
        >>> i32, f64 = jax.ShapeDtypeStruct((3,), "int32"), jax.ShapeDtypeStruct((), "float64")
        >>> result_type(i32, 5), result_type(i32, 2.5), result_type(i32, f64), result_type(f64, 2.5)
        (torch.int32, torch.float32, torch.float64, torch.float64)
    """
    return _supported(_result_type(operands))


def _result_type(operands: tuple) -> dtype:
    # May give the complex32 stand-in, which ops that do not return the promoted dtype (comparisons) accept.
    classes: dict[int, dtype] = {}  # 0: dimensioned tensors, 1: zero-dim tensors, 2: Python scalars
    for x in operands:
        if isinstance(x, _PY_SCALARS):
            k, d = 2, _scalar_dtype(x)
        else:
            k, d = (0 if len(x.shape) else 1), from_any(x.dtype)
        classes[k] = _promote(classes[k], d) if k in classes else d
    out = _combine(classes.get(0), _combine(classes.get(1), classes.get(2)))
    if out is None:
        raise TypeError("result_type() needs at least one operand")
    return out


def true_divide_dtype(*operands: Any) -> dtype:
    """Result dtype of ``/`` (``torch.true_divide``): the promoted dtype, or the default dtype if that is
    integral or bool.

    Example:
        >>> import jax
        >>> true_divide_dtype(jax.ShapeDtypeStruct((2,), "int64"), 2)
        torch.float32
    """
    out = result_type(*operands)
    return out if out._category >= _FLOAT else get_default_dtype()


def comparison_dtype(*operands: Any) -> dtype:
    """Result dtype of a comparison (``eq``, ``lt``, ...): bool, once the operands' promotion is checked valid.

    Example:
        >>> import jax
        >>> comparison_dtype(jax.ShapeDtypeStruct((2,), "float32"), 1)
        torch.bool
    """
    _result_type(operands)
    return bool_


def sum_dtype(input_dtype: dtype, dtype: dtype | None = None) -> dtype:
    """Result dtype of ``sum``/``prod``/``cumsum``/``cumprod``: ``dtype`` when given, else int64 for bool and
    integer inputs, else the input's dtype.

    Example:
        >>> from jtorch.compat import _dtype as t
        >>> sum_dtype(t.bool), sum_dtype(t.uint8), sum_dtype(t.float16), sum_dtype(t.int32, t.float32)
        (torch.int64, torch.int64, torch.float16, torch.float32)
    """
    if dtype is not None:
        return from_any(dtype)
    return int64 if input_dtype._category <= _INT else input_dtype


def mean_dtype(input_dtype: dtype, dtype: dtype | None = None, *, op: str = "mean") -> dtype:
    """Result dtype of ``mean``-like reductions: ``dtype`` when given, else the input's; PyTorch's
    ``RuntimeError`` if that is not floating or complex.

    Args:
        input_dtype: the input tensor's dtype.
        dtype: the op's ``dtype=`` argument, or ``None``.
        op: the op's name, for the error message. Default: ``'mean'``.

    Example:
        >>> from jtorch.compat import _dtype as t
        >>> mean_dtype(t.float16), mean_dtype(t.int64, t.float64)
        (torch.float16, torch.float64)
    """
    out = input_dtype if dtype is None else from_any(dtype)
    if out._category < _FLOAT:
        which = "Input" if dtype is None else "Optional"
        raise RuntimeError(f"{op}(): could not infer output dtype. {which} dtype must be either a floating point or "
                           f"complex dtype. Got: {out._c10}")
    return out
