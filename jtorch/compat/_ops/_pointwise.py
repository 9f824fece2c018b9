"""Elementwise ops: arithmetic, comparisons, logic and unary math, with PyTorch's type promotion.

Each op's function takes its inputs plus a static ``dtype`` (the promoted compute dtype) and casts inside
the executable, so promotion costs no extra graph nodes. Python scalars become runtime leaves.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _dtype, _grad_mode, engine
from .._tensor import DETACHED, Tensor, call, call_nodes
from ..engine import Op
from ._convert import SCALARS, as_node, astype, cast, promote, py_scalar
from ._registry import register

_BOOL = np.dtype(np.bool_)


def _default_float() -> np.dtype:
    return _dtype.to_jax(_dtype.get_default_dtype())


def _is_float(dt: np.dtype) -> bool:
    return _FLOATING.get(dt) or _dtype.from_any(dt)._category >= 2


_FLOATING = {np.dtype(t): True for t in (np.float16, np.float32, np.float64)}  # the common answers


_broadcast_cache: dict[tuple, tuple] = {}


def _broadcast_shape(a: tuple, b: tuple) -> tuple:
    """The broadcast of two shapes, or PyTorch's error naming the mismatched sizes."""
    hit = _broadcast_cache.get((a, b))
    if hit is None:
        hit = _broadcast_cache[(a, b)] = _broadcast(a, b)
    return hit


def _broadcast(a: tuple, b: tuple) -> tuple:
    out = []
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                               f"non-singleton dimension {max(len(a), len(b)) - i}")
        out.append(y if x == 1 else x)
    return tuple(reversed(out))


def _binary(op: Op, name: str, a, b, compute: np.dtype, out=None) -> Tensor:
    if isinstance(a, Tensor):
        na = a._node
        nb = b._node if isinstance(b, Tensor) else as_node(b, compute)
    elif isinstance(b, Tensor):
        na, nb = as_node(a, compute), b._node
    else:
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(a).__name__}")
    if na.shape != nb.shape:
        _broadcast_shape(na.shape, nb.shape)
    static = _dtype_static.get(compute)
    if static is None:
        static = _dtype_static[compute] = (("dtype", compute),)
    result = call_nodes(op, (na, nb), static)
    return result if out is None else _into(result, out)


_dtype_static: dict = {}  # the ``(("dtype", compute),)`` static argument of each compute dtype, built once


def _arith_inplace(op: Op):
    """The fast path of ``op``'s in-place variants (``w.data -= lr * w.grad.data``, ``w -= lr * w.grad`` under
    ``no_grad``): on a floating root or its ``.data`` view, with an operand of its shape and dtype or a real
    Python scalar (so the result keeps the dtype), and no grad to record (so none of PyTorch's in-place
    checks applies), the op's node is written directly, with no result tensor in between."""
    def fast(self: Tensor, other):
        if self._base is not None and self._view is not DETACHED:
            return None
        node = self._node
        dt = node.dtype
        grad = _grad_mode._State.enabled
        if not _FLOATING.get(dt) or grad and node.requires_grad:
            return None
        if isinstance(other, Tensor):
            arg = other._node
            if arg.dtype != dt or arg.shape != node.shape or grad and arg.requires_grad:
                return None
        elif type(other) is float or type(other) is int:
            arg = engine.scalar(other, dt)
        else:
            return None
        static = _dtype_static.get(dt)
        if static is None:
            static = _dtype_static[dt] = (("dtype", dt),)
        self._write_new(engine.apply(op, (node, arg), static, False, (node.shape, dt)))
        engine.maybe_sync()
        return self

    return fast


def _into(result: Tensor, out: Tensor | None) -> Tensor:
    """Implements ``out=``: writes ``result`` (cast to ``out``'s dtype) into ``out`` and returns it."""
    if out is None:
        return result
    out._write(cast(result, out._node.dtype)._node)
    return out


def _binary_op(name: str, fn, grad_name: str, saves: bool = True) -> Op:
    return Op(name, lambda a, b, *, dtype: fn(astype(a, dtype), astype(b, dtype)), grad_name, saves)


_ADD = _binary_op("add", jnp.add, "AddBackward0", saves=False)
_SUB = _binary_op("sub", jnp.subtract, "SubBackward0", saves=False)
_MUL = _binary_op("mul", jnp.multiply, "MulBackward0")
_DIV = _binary_op("div", jnp.true_divide, "DivBackward0")
# a Python number minus / over a tensor: PyTorch's rsub, and reciprocal-then-mul
_RSUB = Op("sub", _SUB.fn, "RsubBackward1", saves=False)
_RDIV = Op("div", _DIV.fn, "MulBackward0")
_FLOOR_DIV = _binary_op("floor_divide", jnp.floor_divide, "DivBackward0")
_TRUNC_DIV = _binary_op("trunc_divide", lambda a, b: jnp.trunc(a / b).astype(a.dtype)
                        if jnp.issubdtype(a.dtype, jnp.floating) else lax.div(a, b), "DivBackward0")
_REMAINDER = _binary_op("remainder", jnp.remainder, "RemainderBackward0")
_FMOD = _binary_op("fmod", jnp.fmod, "FmodBackward0")
_POW = _binary_op("pow", lambda a, b: a | ~b if a.dtype == bool else _int_pow(a, b)
                  if jnp.issubdtype(a.dtype, jnp.integer) else jnp.power(a, b), "PowBackward0")
_POW_TENSORS = Op("pow", _POW.fn, "PowBackward1")  # PyTorch's name (and saved result) for a tensor exponent
_POW_BASE = Op("pow", _POW.fn, "PowBackward2")  # and for a scalar base
# A float tensor to the Python number 2, 3 or 0.5: PyTorch's kernels are x*x, x*x*x and sqrt; a static
# exponent lets XLA emit the same (a runtime exponent is a general pow). One executable per such exponent.
_POW_SMALL = Op("pow_scalar", lambda a, *, n, dtype: lax.sqrt(astype(a, dtype)) if n == 0.5
                else lax.integer_pow(astype(a, dtype), n), "PowBackward0")
_SMALL_EXPONENTS = {2: (("n", 2),), 3: (("n", 3),), 0.5: (("n", 0.5),)}


def _int_pow(a, b):
    """torch's integer pow: square-and-multiply in the dtype (so overflow wraps); a negative exponent gives 0,
    except for bases 1 and -1."""
    def step(_, state):
        acc, base, e = state
        acc = jnp.where(e & 1 == 1, acc * base, acc)
        return acc, base * base, e >> 1

    a, b = jnp.broadcast_arrays(a, b)
    acc, _, _ = jax.lax.fori_loop(0, a.dtype.itemsize * 8, step, (jnp.ones_like(a), a, jnp.maximum(b, 0)))
    neg = jnp.where(a == 1, 1, jnp.where(a == -1, jnp.where(b % 2 == 0, 1, -1), 0)).astype(a.dtype)
    return jnp.where(b < 0, neg, acc)
_ATAN2 = _binary_op("atan2", jnp.arctan2, "Atan2Backward0")
_MAXIMUM = _binary_op("maximum", jnp.maximum, "MaximumBackward0")
_MINIMUM = _binary_op("minimum", jnp.minimum, "MinimumBackward0")


def _scaled(other, alpha):
    return mul(other, alpha) if isinstance(other, Tensor) else other * alpha


def _no_bool_kernel(kernel: str, input, other):
    """PyTorch's error for an op without a Bool kernel, raised after its broadcast check as in PyTorch."""
    shapes = [x._node.shape for x in (input, other) if isinstance(x, Tensor)]
    if len(shapes) == 2:
        _broadcast_shape(*shapes)
    return NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


# ``1 + x`` and ``2 * x`` are ``x.__radd__(1)``: PyTorch adds x to 1, so the grad_fn's first input is x's
@register("add", inplace=True, dunders=("__add__", "__radd__"), idunders=("__iadd__",),
          fast_inplace=_arith_inplace(_ADD))
def add(input, other, *, alpha=1, out=None) -> Tensor:
    """``input + alpha * other`` with PyTorch's promotion."""
    if alpha != 1:
        other = _scaled(other, alpha)
    return _binary(_ADD, "add", input, other, promote(input, other), out)


@register("sub", inplace=True, dunders=("__sub__",), rdunders=("__rsub__",), idunders=("__isub__",),
          aliases=("subtract",), fast_inplace=_arith_inplace(_SUB))
def sub(input, other, *, alpha=1, out=None) -> Tensor:
    if _is_bool(input) or _is_bool(other):
        _bool_sub_error(_is_bool(input) and _is_bool(other))
    if alpha != 1:
        other = _scaled(other, alpha)
    return _binary(_SUB if isinstance(input, Tensor) else _RSUB, "sub", input, other, promote(input, other), out)


def _is_bool(x) -> bool:
    return x._node.dtype == _BOOL if isinstance(x, Tensor) else isinstance(x, (bool, np.bool_))


def _bool_sub_error(both: bool):
    if both:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
                       "invert a mask, use the `~` or `logical_not()` operator instead.")


@register("mul", inplace=True, dunders=("__mul__", "__rmul__"), idunders=("__imul__",),
          aliases=("multiply",), fast_inplace=_arith_inplace(_MUL))
def mul(input, other, *, out=None) -> Tensor:
    return _binary(_MUL, "mul", input, other, promote(input, other), out)


@register("div", inplace=True, dunders=("__truediv__",), rdunders=("__rtruediv__",), idunders=("__itruediv__",),
          aliases=("divide", "true_divide"), fast_inplace=_arith_inplace(_DIV))
def div(input, other, *, rounding_mode=None, out=None) -> Tensor:
    """True division (ints give the default float dtype), or ``rounding_mode='trunc'|'floor'``."""
    dt = promote(input, other)
    if rounding_mode is None:
        return _binary(_DIV if isinstance(input, Tensor) else _RDIV, "div", input, other,
                       dt if _is_float(dt) else _default_float(), out)
    if rounding_mode in ("floor", "trunc") and dt == _BOOL:
        raise _no_bool_kernel(f"div_{rounding_mode}_cpu", input, other)
    if rounding_mode == "floor":
        return _binary(_FLOOR_DIV, "div", input, other, dt, out)
    if rounding_mode == "trunc":
        return _binary(_TRUNC_DIV, "div", input, other, dt, out)
    raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")


@register("floor_divide", inplace=True, dunders=("__floordiv__",), rdunders=("__rfloordiv__",),
          idunders=("__ifloordiv__",))
def floor_divide(input, other, *, out=None) -> Tensor:
    return div(input, other, rounding_mode="floor", out=out)


@register("remainder", inplace=True, dunders=("__mod__",), rdunders=("__rmod__",), idunders=("__imod__",))
def remainder(input, other, *, out=None) -> Tensor:
    if promote(input, other) == _BOOL:
        raise _no_bool_kernel("remainder_cpu", input, other)
    return _binary(_REMAINDER, "remainder", input, other, promote(input, other), out)


@register("fmod", inplace=True)
def fmod(input, other, *, out=None) -> Tensor:
    return _binary(_FMOD, "fmod", input, other, promote(input, other), out)


@register("pow", inplace=True, dunders=("__pow__",), rdunders=("__rpow__",), idunders=("__ipow__",))
def pow(input, exponent, *, out=None) -> Tensor:
    dt = promote(input, exponent)
    if dt == _BOOL and isinstance(exponent, Tensor):  # a bool scalar exponent is fine, a bool tensor one not
        raise _no_bool_kernel("pow", input, exponent)
    if not _is_float(dt) and isinstance(exponent, SCALARS) and py_scalar(exponent) < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    small = (type(exponent) is int or type(exponent) is float) and _SMALL_EXPONENTS.get(exponent)
    if small and isinstance(input, Tensor) and _is_float(dt):
        return _into(call_nodes(_POW_SMALL, (input._node,), small + (("dtype", dt),)), out)
    op = _POW if not isinstance(exponent, Tensor) else _POW_TENSORS if isinstance(input, Tensor) else _POW_BASE
    return _binary(op, "pow", input, exponent, dt, out)


@register("atan2", inplace=True, aliases=("arctan2",))
def atan2(input, other, *, out=None) -> Tensor:
    dt = promote(input, other)
    return _binary(_ATAN2, "atan2", input, other, dt if _is_float(dt) else _default_float(), out)


@register("maximum")
def maximum(input, other, *, out=None) -> Tensor:
    return _binary(_MAXIMUM, "maximum", input, other, promote(input, other), out)


@register("minimum")
def minimum(input, other, *, out=None) -> Tensor:
    return _binary(_MINIMUM, "minimum", input, other, promote(input, other), out)


# ---------------------------------------------------------------------------- comparisons and logic


def _compare(name: str, fn, dunder: str | None, rdunder: str | None = None, aliases=()):
    op = Op(name, lambda a, b, *, dtype: fn(a.astype(dtype), b.astype(dtype)))

    def impl(input, other, *, out=None) -> Tensor:
        return _binary(op, name, input, other, promote(input, other), out)

    impl.__name__ = name
    register(name, inplace=True, dunders=(dunder,) if dunder else (), rdunders=(rdunder,) if rdunder else (),
             aliases=aliases)(impl)
    return impl


eq = _compare("eq", jnp.equal, "__eq__")
ne = _compare("ne", jnp.not_equal, "__ne__", aliases=("not_equal",))
lt = _compare("lt", jnp.less, "__lt__", aliases=("less",))
le = _compare("le", jnp.less_equal, "__le__", aliases=("less_equal",))
gt = _compare("gt", jnp.greater, "__gt__", aliases=("greater",))
ge = _compare("ge", jnp.greater_equal, "__ge__", aliases=("greater_equal",))
logical_and = _compare("logical_and", jnp.logical_and, None)
logical_or = _compare("logical_or", jnp.logical_or, None)
logical_xor = _compare("logical_xor", jnp.logical_xor, None)


def _bitwise(name: str, fn, dunder: str, rdunder: str, idunder: str):
    op = _binary_op(name, fn, None)

    def impl(input, other, *, out=None) -> Tensor:
        dt = promote(input, other)
        if isinstance(input, Tensor) and isinstance(other, Tensor):  # torch: shape errors come first
            _broadcast_shape(input._node.shape, other._node.shape)
        if _is_float(dt):
            raise NotImplementedError(f'"{name}_cpu" not implemented for \'{_dtype.from_any(dt)._c10}\'')
        return _binary(op, name, input, other, dt, out)

    impl.__name__ = name
    register(name, inplace=True, dunders=(dunder,), rdunders=(rdunder,), idunders=(idunder,))(impl)
    return impl


bitwise_and = _bitwise("bitwise_and", jnp.bitwise_and, "__and__", "__rand__", "__iand__")
bitwise_or = _bitwise("bitwise_or", jnp.bitwise_or, "__or__", "__ror__", "__ior__")
bitwise_xor = _bitwise("bitwise_xor", jnp.bitwise_xor, "__xor__", "__rxor__", "__ixor__")


# ---------------------------------------------------------------------------- unary


def _unary(name: str, fn, grad_name: str | None, *, floating: bool = False, keep_int: bool = False,
           aliases=(), dunder: str | None = None, saves: bool = True):
    """Registers a unary op. ``floating``: integer inputs compute in the default float dtype (``sqrt``);
    ``keep_int``: integer inputs pass through unchanged (``floor`` of an int is itself)."""
    op = Op(name, lambda x, *, dtype: fn(astype(x, dtype)), grad_name, saves)

    def impl(input, *, out=None) -> Tensor:
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
        dt = input._node.dtype
        if dt == _BOOL and name in _NO_BOOL:
            error, message = _NO_BOOL[name]
            raise error(message)
        if not _is_float(dt):
            if keep_int:
                return _into(call(_COPY, (input,)), out)
            if floating:
                dt = _default_float()
        return _into(call(op, (input,), (("dtype", dt),)), out)

    impl.__name__ = name
    register(name, inplace=True, aliases=aliases, dunders=(dunder,) if dunder else ())(impl)
    return impl


_COPY = Op("clone", lambda x: x, "CloneBackward0", saves=False)
# unary ops PyTorch has no bool kernel for
_NO_BOOL = {name: (NotImplementedError, f"\"{name}{'_vml' if name != 'abs' else ''}_cpu\" not implemented for 'Bool'")
            for name in ("abs", "floor", "ceil", "trunc")}
_NO_BOOL["neg"] = (RuntimeError, "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
                                 "to invert a mask, use the `~` or `logical_not()` operator instead.")

neg = _unary("neg", jnp.negative, "NegBackward0", aliases=("negative",), dunder="__neg__", saves=False)
abs = _unary("abs", jnp.abs, "AbsBackward0", aliases=("absolute",), dunder="__abs__")
sign = _unary("sign", lambda x: x if x.dtype == bool else jnp.sign(x), "SignBackward0")
sqrt = _unary("sqrt", jnp.sqrt, "SqrtBackward0", floating=True)
rsqrt = _unary("rsqrt", lax.rsqrt, "RsqrtBackward0", floating=True)
exp = _unary("exp", jnp.exp, "ExpBackward0", floating=True)
exp2 = _unary("exp2", jnp.exp2, "Exp2Backward0", floating=True)
expm1 = _unary("expm1", jnp.expm1, "Expm1Backward0", floating=True)
log = _unary("log", jnp.log, "LogBackward0", floating=True)
log2 = _unary("log2", jnp.log2, "Log2Backward0", floating=True)
log10 = _unary("log10", jnp.log10, "Log10Backward0", floating=True)
log1p = _unary("log1p", jnp.log1p, "Log1PBackward0", floating=True)
sin = _unary("sin", jnp.sin, "SinBackward0", floating=True)
cos = _unary("cos", jnp.cos, "CosBackward0", floating=True)
tan = _unary("tan", jnp.tan, "TanBackward0", floating=True)
asin = _unary("asin", jnp.arcsin, "AsinBackward0", floating=True, aliases=("arcsin",))
acos = _unary("acos", jnp.arccos, "AcosBackward0", floating=True, aliases=("arccos",))
atan = _unary("atan", jnp.arctan, "AtanBackward0", floating=True, aliases=("arctan",))
sinh = _unary("sinh", jnp.sinh, "SinhBackward0", floating=True)
cosh = _unary("cosh", jnp.cosh, "CoshBackward0", floating=True)
tanh = _unary("tanh", jnp.tanh, "TanhBackward0", floating=True)
sigmoid = _unary("sigmoid", jax.nn.sigmoid, "SigmoidBackward0", floating=True)
reciprocal = _unary("reciprocal", jnp.reciprocal, "ReciprocalBackward0", floating=True)
erf = _unary("erf", lax.erf, "ErfBackward0", floating=True)
floor = _unary("floor", jnp.floor, "FloorBackward0", keep_int=True)
ceil = _unary("ceil", jnp.ceil, "CeilBackward0", keep_int=True)
trunc = _unary("trunc", jnp.trunc, "TruncBackward0", keep_int=True, aliases=("fix",))
frac = _unary("frac", lambda x: x - jnp.trunc(x), "FracBackward0")
square = _unary("square", jnp.square, "PowBackward0")


@register("round", inplace=True)
def round(input, *, decimals: int = 0, out=None) -> Tensor:
    """Rounds half to even, like PyTorch (and NumPy)."""
    if not _is_float(input._node.dtype):
        return _into(call(_COPY, (input,)), out)
    op = _ROUND_DECIMALS if decimals else _ROUND
    return _into(call(op, (input,), (("decimals", decimals),) if decimals else ()), out)


_ROUND = Op("round", jnp.round, "RoundBackward0")
_ROUND_DECIMALS = Op("round", lambda x, *, decimals: jnp.round(x, decimals), "RoundBackward1")


@register("logical_not", inplace=True)
def logical_not(input, *, out=None) -> Tensor:
    return _into(call(_LOGICAL_NOT, (input,)), out)


_LOGICAL_NOT = Op("logical_not", jnp.logical_not)


@register("bitwise_not", inplace=True)
def bitwise_not(input, *, out=None) -> Tensor:
    if _is_float(input._node.dtype):
        raise NotImplementedError(f"\"bitwise_not_cpu\" not implemented for '{_dtype.from_any(input._node.dtype)._c10}'")
    return _into(call(_BITWISE_NOT, (input,)), out)


_BITWISE_NOT = Op("bitwise_not", jnp.invert)


def _invert(self: Tensor) -> Tensor:
    """``~t``: PyTorch refuses floating tensors here with a TypeError (``bitwise_not`` raises another error)."""
    if _is_float(self._node.dtype):
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return bitwise_not(self)


Tensor.__invert__ = _invert


@register("clamp", inplace=True, aliases=("clip",))
def clamp(input, min=None, max=None, *, out=None) -> Tensor:
    """``min(max(input, min), max)``; either bound may be a number or a tensor."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    return _into(_clamp_node(input, min, max, "Clamp"), out)


def _clamp_node(input, min, max, kind: str) -> Tensor:
    bounds = (min,) if max is None else (max,) if min is None else (min, max)
    dt = promote(input, *bounds)
    nodes = (as_node(input, dt), *[as_node(b, dt) for b in bounds])
    static = (("dtype", dt), ("has_min", min is not None), ("has_max", max is not None))
    tensor_bounds = isinstance(min, Tensor) or isinstance(max, Tensor)
    return call_nodes(_CLAMP[kind, tensor_bounds], nodes, static)


def _clamp(x, *bounds, dtype, has_min, has_max):
    x = x.astype(dtype)
    bounds = list(bounds)
    if has_min:
        x = jnp.maximum(x, bounds.pop(0).astype(dtype))
    if has_max:
        x = jnp.minimum(x, bounds.pop(0).astype(dtype))
    return x


# grad_fn names of PyTorch's overloads: scalar bounds ClampBackward1 / ClampMinBackward0, tensor bounds
# ClampBackward0 / ClampMinBackward1
_CLAMP = {(kind, tensors): Op("clamp", _clamp, f"{kind}Backward{int(tensors) ^ (kind == 'Clamp')}")
          for kind in ("Clamp", "ClampMin", "ClampMax") for tensors in (False, True)}


@register("clamp_min", inplace=True)
def clamp_min(input, min) -> Tensor:
    return _clamp_node(input, min, None, "ClampMin")


@register("clamp_max", inplace=True)
def clamp_max(input, max) -> Tensor:
    return _clamp_node(input, None, max, "ClampMax")


@register("where", method=lambda self, condition, other: where(condition, self, other))
def where(condition, input=None, other=None, *, out=None):
    """``torch.where(cond, x, y)``; ``torch.where(cond)`` is ``nonzero(cond, as_tuple=True)``."""
    if input is None and other is None:
        from ._indexing import nonzero
        return nonzero(condition, as_tuple=True)
    dt = promote(input, other)
    nodes = (condition._node, as_node(input, dt), as_node(other, dt))
    _broadcast_shape(_broadcast_shape(nodes[0].shape, nodes[1].shape), nodes[2].shape)  # PyTorch's error, in its order
    return _into(call(_WHERE, nodes, (("dtype", dt),)), out)


_WHERE = Op("where", lambda c, a, b, *, dtype: jnp.where(c.astype(bool), a.astype(dtype), b.astype(dtype)),
            "WhereBackward0")