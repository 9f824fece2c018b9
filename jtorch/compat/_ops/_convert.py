"""Turning Python data, NumPy arrays and scalars into nodes and tensors, and dtype casts."""
from __future__ import annotations

import numbers

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype, engine
from .._dtype_promotion import result_type
from .._tensor import Tensor, call, wrap
from ..engine import Node, Op
from ._registry import register

SCALARS = (bool, int, float, complex, np.number, np.bool_)



def astype(x: jax.Array, dtype) -> jax.Array:
    """``x.astype(dtype)`` that keeps IEEE results for bool inputs.

    XLA's simplifier rewrites ``convert(bool) * y`` and ``convert(bool) / y`` as ``select(bool, ...)``, which
    gives 0 where PyTorch gives NaN (``False / 0``, ``False * inf``); a barrier after the convert stops it."""
    if x.dtype == np.bool_ and np.dtype(dtype) != np.bool_:
        return jax.lax.optimization_barrier(x.astype(dtype))
    return x.astype(dtype)


CAST = Op("to", lambda x, *, dtype: astype(x, dtype), "ToCopyBackward0", saves=False)


def cast(t: Tensor, dtype: np.dtype) -> Tensor:
    """``t`` as ``dtype`` (a NumPy dtype); ``t`` itself when it already is."""
    return t if t._node.dtype == dtype else call(CAST, (t,), (("dtype", dtype),))


def py_scalar(x):
    """A NumPy scalar as the Python scalar PyTorch would see (it reads NumPy scalars as Python numbers)."""
    return x.item() if isinstance(x, (np.number, np.bool_)) else x


def scalar_node(value, dtype: np.dtype) -> Node:
    """A runtime leaf for a Python scalar: its value never enters the executable cache key."""
    if isinstance(value, int) and np.dtype(dtype).kind in "iu":  # torch wraps out-of-range ints (uint8 - 5)
        return engine.constant(np.asarray(value & 0xFFFFFFFFFFFFFFFF, np.uint64).astype(dtype))
    return engine.scalar(value, dtype)


_result_cache: dict[tuple, np.dtype] = {}


def _kind(x):
    if isinstance(x, Tensor):
        node = x._node
        return node.dtype, not node.shape
    if isinstance(x, SCALARS):
        return type(x)
    raise TypeError(f"expected Tensor or Number as operand, got {type(x).__name__}")


def promote(*operands) -> np.dtype:
    """PyTorch's result dtype (NumPy dtype) for tensors and Python scalars, cached by operand kinds."""
    key = (_dtype._default_dtype, *map(_kind, operands))
    hit = _result_cache.get(key)
    if hit is None:
        hit = _result_cache[key] = _dtype.to_jax(result_type(*[
            py_scalar(x) if isinstance(x, SCALARS) else x._node for x in operands]))
    return hit


def as_node(x, dtype: np.dtype) -> Node:
    """A tensor's node, or a scalar leaf of ``dtype``; the op casts tensor inputs itself."""
    if isinstance(x, Tensor):
        return x._node
    kind = type(x)
    if kind is float or kind is int and dtype.kind not in "iu":  # `lr * g`, `clamp(min=0)`, `pow(2)`
        return engine.scalar(x, dtype)
    if isinstance(x, SCALARS):
        return scalar_node(py_scalar(x), dtype)
    raise TypeError(f"expected Tensor or Number, got {type(x).__name__}")


def _infer_dtype(data) -> np.dtype:
    """``torch.tensor``'s dtype for Python data: bool, int64, the default float or complex dtype."""
    if isinstance(data, (np.ndarray, np.generic)):
        return _dtype.to_jax(_dtype.from_any(data.dtype))
    arr = np.asarray(data)
    if arr.dtype == object:
        raise TypeError(f"Could not infer dtype of {type(data).__name__}")
    kind = arr.dtype.kind
    if kind == "b":
        return np.dtype(np.bool_)
    if kind in "iu":
        return np.dtype(np.int64)
    if kind == "c":
        return _dtype.to_jax(_dtype.get_default_complex_dtype())
    if kind == "f":
        if _has_float_tensor(data):
            return arr.dtype
        return _dtype.to_jax(_dtype.get_default_dtype())
    raise TypeError(f"Could not infer dtype of {type(data).__name__}")


def _has_float_tensor(data) -> bool:
    if isinstance(data, Tensor):
        return True
    if isinstance(data, (list, tuple)) and data:
        return _has_float_tensor(data[0])
    return False


def _to_array(data, dtype: np.dtype) -> np.ndarray:
    if isinstance(data, Tensor):
        return np.asarray(engine.value(data._node)).astype(dtype)
    if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in _flat(data)):
        data = _unwrap_nested(data)
    return np.asarray(data, dtype=dtype)


def _sequence_error(data) -> Exception | None:
    """PyTorch's error for ragged nested sequences: the sizes come from the first elements, then every
    sequence is checked against them, depth first."""
    sizes, x = [], data
    while isinstance(x, (list, tuple)):
        sizes.append(len(x))
        if not x:
            break
        x = x[0]

    def walk(x, dim: int) -> Exception | None:
        if dim == len(sizes):
            return None
        if not isinstance(x, (list, tuple)):
            return TypeError("not a sequence")
        if len(x) != sizes[dim]:
            return ValueError(f"expected sequence of length {sizes[dim]} at dim {dim} (got {len(x)})")
        return next(filter(None, (walk(item, dim + 1) for item in x)), None)

    return walk(data, 0)


def _flat(data):
    for x in data:
        if isinstance(x, (list, tuple)):
            yield from _flat(x)
        else:
            yield x


def _unwrap_nested(data):
    if isinstance(data, (list, tuple)):
        return [_unwrap_nested(x) for x in data]
    if isinstance(data, Tensor):
        if data.numel() != 1 and data.dim() != 0:
            return _unwrap_nested(data.tolist())
        return data.item()
    return data


def from_data(data, dtype=None, requires_grad: bool = False, cls: type = Tensor) -> Tensor:
    """A new leaf tensor holding a copy of ``data`` (the core of ``torch.tensor``)."""
    try:
        np_dtype = _infer_dtype(data) if dtype is None else _dtype.to_jax(_dtype.parse_dtype_arg(dtype, "tensor"))
        arr = _to_array(data, np_dtype)
    except ValueError as e:
        raise _sequence_error(data) or e from None
    # a private copy: on CPU, device_put of an aligned NumPy array aliases its memory (torch.tensor copies)
    t = wrap(engine.constant(jax.device_put(np.array(arr, copy=True))), cls)
    return requiring_grad(t) if requires_grad else t


def requiring_grad(t: Tensor) -> Tensor:
    """``t`` made a leaf that requires grad, for a factory's ``requires_grad=True`` (PyTorch's factory error)."""
    if not (t.is_floating_point() or t.is_complex()):
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    return t.requires_grad_(True)


@register("tensor", method=False)
def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    """``torch.tensor``: copies ``data`` (nested lists, scalars, NumPy arrays, tensors) into a new leaf."""
    del device, pin_memory
    if isinstance(data, Tensor):
        import warnings
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() or "
                      "sourceTensor.clone().detach().requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
    return from_data(data, dtype, requires_grad)


@register("as_tensor", method=False)
def as_tensor(data, dtype=None, device=None) -> Tensor:
    """``torch.as_tensor``: ``data`` itself when already a tensor of that dtype, else a new tensor."""
    del device
    if isinstance(data, Tensor):
        return data if dtype is None else to_dtype(data, dtype)
    return from_data(data, dtype)


@register("from_numpy", method=False)
def from_numpy(ndarray: np.ndarray) -> Tensor:
    """``torch.from_numpy``: a tensor with the array's dtype, kept in step with the array as PyTorch's
    shared memory is: the array is the tensor's graph leaf, and in-place tensor writes are copied back
    (``Tensor._share_host``). Unlike PyTorch, an op already built but not yet computed reads the array as it
    is when it computes."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _infer_dtype(ndarray)  # PyTorch's error for unsupported dtypes
    t = wrap(engine.constant(ndarray))
    t._host = ndarray
    return t


def to_dtype(t: Tensor, dtype) -> Tensor:
    return cast(t, _dtype.to_jax(_dtype.parse_dtype_arg(dtype, "to")))


def is_number(x) -> bool:
    return isinstance(x, numbers.Number) and not isinstance(x, Tensor)


def scalar_array(value, dtype: np.dtype) -> jax.Array:
    return jnp.asarray(value, dtype)
