"""More elementwise math: special functions (``erfinv``, ``lgamma``, ``digamma``, ``polygamma``, ``i0``,
``sinc``, ``logit``), float-only binaries (``hypot``, ``logaddexp``, ``xlogy``, ``copysign``, ...),
``float_power``, ``heaviside``, ``lerp``, ``addcmul``/``addcdiv``, ``nan_to_num``, ``signbit``.

They reuse the ``_pointwise`` machinery, so promotion, broadcasting errors and ``out=`` behave as for ``add``.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import jax.scipy.special as jss
import numpy as np

from .. import _dtype
from .._tensor import Tensor, call
from ..engine import Op
from ._convert import as_node, promote
from ._pointwise import _binary, _binary_op, _broadcast_shape, _default_float, _into, _is_float, _unary
from ._registry import register


def _c10(dt) -> str:
    return _dtype.from_any(dt)._c10


_CPP = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16", "int64": "long int",
        "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool"}


def _cpp(dt) -> str:
    """The C++ type name some PyTorch messages print (``long int``, ``float``)."""
    return _CPP.get(np.dtype(dt).name, np.dtype(dt).name)


erfinv = _unary("erfinv", jss.erfinv, "ErfinvBackward0", floating=True)
erfc = _unary("erfc", jss.erfc, "ErfcBackward0", floating=True)
lgamma = _unary("lgamma", jss.gammaln, "LgammaBackward0", floating=True)
digamma = _unary("digamma", lambda x: jnp.where(x == 0, jnp.copysign(jnp.inf, -x), jss.digamma(x)),  # torch: ∓inf at ±0
                 "DigammaBackward0", floating=True)
i0 = _unary("i0", jss.i0, "I0Backward0", floating=True)
sinc = _unary("sinc", jnp.sinc, "SincBackward0", floating=True)
deg2rad = _unary("deg2rad", jnp.deg2rad, "Deg2RadBackward0", floating=True)
rad2deg = _unary("rad2deg", jnp.rad2deg, "Rad2DegBackward0", floating=True)
sgn = _unary("sgn", jnp.sign, "SgnBackward0")


@register("positive")
def positive(input) -> Tensor:
    if input._node.dtype == np.bool_:
        raise TypeError("The `+` operator, on a bool tensor is not supported.")
    return input


def _binary_family(name: str, fn, grad_name: str | None, ints: str = "float", scalar_grad: str | None = None):
    """A promoting binary op. Integer operands: ``ints='float'`` computes in the default float dtype,
    ``'keep'`` in the promoted integer dtype, ``'raise'`` raises PyTorch's missing-kernel error."""
    op = _binary_op(name, fn, grad_name)
    scalar_op = _binary_op(name, fn, scalar_grad) if scalar_grad else op  # torch's Tensor-Scalar overload

    def impl(input, other, *, out=None) -> Tensor:
        dt = promote(input, other)
        if not _is_float(dt) and ints != "keep":
            if ints == "raise":
                raise NotImplementedError(f'"{name}_cpu" not implemented for \'{_c10(dt)}\'')
            dt = _default_float()
        return _binary(op if isinstance(other, Tensor) else scalar_op, name, input, other, dt, out)

    impl.__name__ = name
    register(name, inplace=ints != "keep")(impl)
    return impl


def _xlogy(x, y):
    return _xlogy_bcast(*jnp.broadcast_arrays(x, y))


@jax.custom_vjp
def _xlogy_bcast(x, y):
    # torch: nan when y is nan, else 0 when x == 0 (even where log(y) is -inf), else x * log(y)
    safe = jnp.where(x == 0, 1, y)
    return jnp.where(jnp.isnan(y), jnp.nan, jnp.where(x == 0, 0, x * jnp.log(safe)))


def _xlogy_fwd(x, y):
    return _xlogy_bcast(x, y), (x, y)


def _xlogy_bwd(res, g):
    # torch (derivatives.yaml): self: grad * at::xlogy((self != 0), other); other: grad * self / other
    x, y = res
    return g * _xlogy_bcast((x != 0).astype(x.dtype), y), g * x / y


_xlogy_bcast.defvjp(_xlogy_fwd, _xlogy_bwd)


hypot = _binary_family("hypot", jnp.hypot, "HypotBackward0", "raise")
logaddexp = _binary_family("logaddexp", jnp.logaddexp, "LogaddexpBackward0", "raise")
logaddexp2 = _binary_family("logaddexp2", jnp.logaddexp2, "Logaddexp2Backward0", "raise")
nextafter = _binary_family("nextafter", jnp.nextafter, None, "raise")
xlogy = _binary_family("xlogy", _xlogy, "XlogyBackward0")
copysign = _binary_family("copysign", jnp.copysign, "CopysignBackward0", scalar_grad="CopysignBackward1")
fmax = _binary_family("fmax", jnp.fmax, "FmaxBackward0", "keep")
fmin = _binary_family("fmin", jnp.fmin, "FminBackward0", "keep")


@register("polygamma", method=lambda self, n: polygamma(n, self), inplace=False)
def polygamma(n: int, input, *, out=None) -> Tensor:
    dt = input._node.dtype if _is_float(input._node.dtype) else _default_float()
    return _into(call(_POLYGAMMA, (input,), (("n", int(n)), ("dtype", dt))), out)


_POLYGAMMA = Op("polygamma", lambda x, *, n, dtype: jss.polygamma(n, x.astype(dtype)), "PolygammaBackward0")


@register("logit", inplace=True)
def logit(input, eps=None, *, out=None) -> Tensor:
    dt = input._node.dtype if _is_float(input._node.dtype) else _default_float()
    return _into(call(_LOGIT, (input,), (("eps", None if eps is None else float(eps)), ("dtype", dt))), out)


def _logit(x, *, eps, dtype):
    x = x.astype(dtype)
    if eps is not None:
        x = jnp.clip(x, eps, 1 - eps)
    return jnp.log(x / (1 - x))


_LOGIT = Op("logit", _logit, "LogitBackward0")


@register("float_power", inplace=True)
def float_power(input, exponent, *, out=None) -> Tensor:
    """``pow`` in double precision (complex128 for complex operands)."""
    dt = np.dtype(np.complex128 if np.dtype(promote(input, exponent)).kind == "c" else np.float64)
    op = _FLOAT_POW if isinstance(exponent, Tensor) and isinstance(input, Tensor) else _FLOAT_POW_SCALAR
    return _binary(op, "float_power", input, exponent, dt, out)


_FLOAT_POW = _binary_op("float_power", jnp.power, "PowBackward1")
_FLOAT_POW_SCALAR = _binary_op("float_power", jnp.power, "PowBackward0")


@register("heaviside", inplace=True)
def heaviside(input, values, *, out=None) -> Tensor:
    if input._node.dtype != values._node.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return _binary(_HEAVISIDE, "heaviside", input, values, input._node.dtype, out)


_HEAVISIDE = _binary_op("heaviside", lambda x, v: jnp.where(x == 0, v, (x > 0).astype(x.dtype)), None)


@register("signbit")
def signbit(input, *, out=None) -> Tensor:
    return _into(call(_SIGNBIT, (input,), differentiable=False), out)


_SIGNBIT = Op("signbit", lambda x: jnp.signbit(x) if jnp.issubdtype(x.dtype, jnp.floating) else x < 0)


@register("nan_to_num", inplace=True)
def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None) -> Tensor:
    """NaN -> ``nan``, +inf -> ``posinf`` (default: the dtype's largest finite value), -inf -> ``neginf``."""
    static = (("nan", float(nan)), ("posinf", posinf), ("neginf", neginf))
    return _into(call(_NAN_TO_NUM, (input,), static), out)


_NAN_TO_NUM = Op("nan_to_num", lambda x, *, nan, posinf, neginf: jnp.nan_to_num(x, nan=nan, posinf=posinf,
                                                                                 neginf=neginf), "NanToNumBackward0")


def _ternary(inputs: tuple, op: Op, dt, out, *scalars) -> Tensor:
    """Applies ``op`` to three broadcast operands (checked here, PyTorch's error) plus runtime scalars."""
    nodes = tuple(as_node(x, dt) for x in inputs)
    shape = nodes[0].shape
    for n in nodes[1:]:
        shape = _broadcast_shape(shape, n.shape)
    return _into(call(op, nodes + tuple(as_node(v, dt) for v in scalars), (("dtype", dt),)), out)


@register("lerp", inplace=True)
def lerp(input, end, weight, *, out=None) -> Tensor:
    """``input + weight * (end - input)``, evaluated from the nearer end as PyTorch's kernel does."""
    if input._node.dtype != end._node.dtype:
        raise RuntimeError(f"expected dtype {_cpp(input._node.dtype)} for `end` but got dtype {_cpp(end._node.dtype)}")
    return _ternary((input, end, weight), _LERP if isinstance(weight, Tensor) else _LERP_SCALAR, input._node.dtype,
                    out)


def _lerp(a, b, w, *, dtype):
    a, b, w = a.astype(dtype), b.astype(dtype), w.astype(dtype)
    d = b - a
    return jnp.where(jnp.abs(w) < 0.5, a + w * d, b - d * (1 - w))


_LERP = Op("lerp", _lerp, "LerpBackward1")
_LERP_SCALAR = Op("lerp", _lerp, "LerpBackward0")


def _addc(name: str, fn):
    op = Op(name, lambda x, a, b, v, *, dtype: x.astype(dtype) + v.astype(dtype) * fn(a.astype(dtype),
                                                                                       b.astype(dtype)),
            name.capitalize() + "Backward0")

    def impl(input, tensor1, tensor2, *, value=1, out=None) -> Tensor:
        dt = promote(input, tensor1, tensor2)
        if name == "addcdiv" and not _is_float(dt):
            raise RuntimeError("Integer division with addcdiv is no longer supported, and in a future  release "
                               "addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv "
                               "behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2))"
                               ".to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for "
                               "float inputs. The future addcdiv behavior is just the latter implementation: "
                               "(input + value * tensor1 / tensor2), for all dtypes.")
        return _ternary((input, tensor1, tensor2), op, dt, out, value)

    impl.__name__ = name
    register(name, inplace=True)(impl)
    return impl


addcmul = _addc("addcmul", jnp.multiply)
addcdiv = _addc("addcdiv", jnp.true_divide)
