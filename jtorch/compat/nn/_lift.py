"""Lifting a core function (``jtorch.nn.functional.conv2d``) to a facade op on Tensors.

The core function's arguments are split into tensors (graph inputs) and everything else (static: part of
the executable cache key, so they must be hashable; lists become tuples). The core function runs inside
the engine's executable; its output pytree (an array, a tuple, nested tuples, ``None`` entries) comes back
as Tensors of the same structure. This is how the facade reuses the core's math instead of repeating it.
"""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable

import jax
import numpy as np

from .. import _dtype, _grad_mode, engine
from .._random import as_key, default_generator
from .._tensor import Tensor, _is_float, call, wrap  # _is_float: cached per dtype
from ..engine import SELECT, Op

__all__ = ["bind", "binder", "bound_cache", "lift", "run_encoded"]

_treedefs: dict[tuple, Any] = {}


def _encode(value, tensors: list):
    if isinstance(value, Tensor):
        tensors.append(value)
        return ("T", len(tensors) - 1)
    if isinstance(value, (list, tuple)):
        return ("L", tuple([_encode(v, tensors) for v in value]))
    if isinstance(value, dict):
        return ("D", tuple([(k, _encode(v, tensors)) for k, v in value.items()]))
    if isinstance(value, np.ndarray):
        return ("S", tuple(value.tolist()))
    if isinstance(value, (np.number, np.bool_)):
        return ("S", value.item())
    if isinstance(value, _dtype.dtype):  # the core takes NumPy/JAX dtypes
        return ("S", _dtype.to_jax(value))
    return ("S", value)


def _decode(enc, arrays):
    kind, payload = enc
    if kind == "T":
        return arrays[payload]
    if kind == "L":
        return tuple(_decode(e, arrays) for e in payload)
    if kind == "D":
        return {k: _decode(e, arrays) for k, e in payload}
    if kind == "K":  # raw key data from the generator: the core wants a typed key
        return as_key(arrays[payload])
    return payload


def bind(sig: inspect.Signature, name: str, args: tuple, kwargs: dict) -> inspect.BoundArguments:
    """``sig.bind``, whose errors name the function as Python's do (``relu() got an unexpected keyword ...``)."""
    try:
        return sig.bind(*args, **kwargs)
    except TypeError as e:
        raise TypeError(f"{name}() {e}") from None


def _fast_binder(sig: inspect.Signature) -> Callable[[tuple, dict], dict | None] | None:
    """``sig.bind(*args, **kwargs).arguments`` without ``inspect``'s general machinery (about 10 us a
    call), for a signature without ``*args``/``**kwargs``; ``None`` where the call needs ``sig.bind``
    (a binding error, raised with ``inspect``'s message)."""
    params = list(sig.parameters.values())
    if any(p.kind not in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) for p in params):
        return None
    names = tuple(p.name for p in params)
    positional = sum(p.kind is p.POSITIONAL_OR_KEYWORD for p in params)
    required = tuple(p.name for p in params if p.default is p.empty)

    def arguments(args: tuple, kwargs: dict) -> dict | None:
        if len(args) > positional:
            return None
        out = dict(zip(names, args))
        if kwargs:
            if not all(k in names and k not in out for k in kwargs):
                return None
            out.update(kwargs)
            out = {k: out[k] for k in names if k in out}
        return out if all(k in out for k in required) else None

    return arguments


def binder(sig: inspect.Signature, name: str) -> Callable[[tuple, dict], dict]:
    """``bind(sig, name, args, kwargs).arguments`` (the passed arguments by name), without ``inspect``'s
    machinery where the signature and the call allow."""
    fast = _fast_binder(sig)

    def arguments(args: tuple, kwargs: dict) -> dict:
        out = None if fast is None else fast(args, kwargs)
        return bind(sig, name, args, kwargs).arguments if out is None else out

    return arguments


def lift(core_fn: Callable, grad_name: str | Callable[[dict], str] | None = None, *, name: str | None = None,
         random: bool = False, differentiable: bool = True) -> Callable:
    """A facade function with ``core_fn``'s signature that runs it through the engine on Tensors.

    ``grad_name``: PyTorch's ``grad_fn`` name, or a function of the call's explicitly passed arguments that
    returns it (a composite loss's name depends on its reduction).
    ``random``: ``core_fn`` takes a keyword ``key``; the facade draws it from the global generator (or the
    ``generator=`` argument) only when the call needs one (``training`` and ``p > 0`` for dropout).
    """
    name = name or core_fn.__name__
    arguments_of = binder(inspect.signature(core_fn), core_fn.__name__)

    def run(*arrays, spec):
        out = core_fn(**{k: _decode(e, arrays) for k, e in spec})
        leaves, treedef = jax.tree_util.tree_flatten(out)
        _treedefs[(run, spec)] = treedef  # run is the fn of every Op this function makes
        return leaves[0] if len(leaves) == 1 else tuple(leaves)  # one output: no select node

    default_name = f"{''.join(p.capitalize() for p in name.split('_'))}Backward0"
    op = Op(name, run, default_name if callable(grad_name) else grad_name or default_name)
    named_ops = {op.grad_name: op}

    def op_named(arguments: dict) -> Op:
        grad = grad_name(arguments)
        hit = named_ops.get(grad)
        if hit is None:
            hit = named_ops[grad] = Op(name, run, grad)
        return hit

    def encode(args: tuple, kwargs: dict) -> tuple[Op, list, tuple]:
        """A call's op, its graph inputs (Tensors, in argument order) and its encoded static arguments."""
        generator = kwargs.pop("generator", None) if kwargs else None
        arguments = arguments_of(args, kwargs)
        tensors: list[Tensor] = []
        spec = [(k, _encode(v, tensors)) for k, v in arguments.items() if k != "key"]
        if random and _needs_key(arguments):
            tensors.append((generator or default_generator)._split())
            spec.append(("key", ("K", len(tensors) - 1)))
        return op_named(arguments) if callable(grad_name) else op, tensors, (("spec", tuple(spec)),)

    calls: dict[tuple, tuple | None] = {}  # _call_key -> (op, static, treedef, takes a key), or None

    @functools.wraps(core_fn)
    def facade(*args, **kwargs):
        key, tensors = _call_key(args, kwargs, callable(grad_name))
        hit = calls.get(key) if key is not None else None
        if hit is not None:  # a call seen before: only its Tensors change
            hit_op, static, treedef, keyed = hit
            if keyed:
                tensors.append(default_generator._split())
            out = call(hit_op, tuple(tensors), static, differentiable)
            return out if treedef is None else _unflatten(out, treedef)
        op_, encoded, static = encode(args, kwargs)
        out, treedef = run_encoded(op_, encoded, static, differentiable)
        if key is not None:
            bound_cache(calls)
            same = len(encoded) >= len(tensors) and all(a is b for a, b in zip(encoded, tensors))
            calls[key] = (op_, static, None if treedef == _SINGLE else treedef, len(encoded) > len(tensors)) \
                if same else None  # keywords out of signature order: encode every call
        return _unflatten(out, treedef)

    facade.__wrapped_core__ = core_fn
    facade.encode = encode
    return facade


def bound_cache(calls: dict, size: int = 1024) -> None:
    """Empties a call cache that is full: a value that changes every call (a schedule of ``p`` or
    ``momentum``) would otherwise add an entry per step for ever."""
    if len(calls) >= size:
        calls.clear()


def run_encoded(op: Op, tensors: list, static: tuple, differentiable: bool = True) -> tuple[Tensor, Any]:
    """The flat output of an encoded call (``encode``'s result) and its treedef, for ``_unflatten``. A caller
    that makes the same call every step may keep ``(op, static, treedef)`` and skip the encoding."""
    out = call(op, tuple(tensors), static, differentiable)
    return out, _treedefs[(op.fn, static[0][1])]


_KEYED_TYPES = frozenset({int, float, bool, str, complex, type(None), _dtype.dtype})


def _call_key(args: tuple, kwargs: dict, detail: bool) -> tuple[tuple | None, list]:
    """A key of the call's structure and its non-Tensor values (with their types: ``1``, ``1.0`` and ``True``
    differ), and its Tensors in call order; ``None`` where a value is not a plain scalar or string (a list, an
    array, a ``generator=``). ``detail``: the key has the Tensors' dtypes and ranks (a grad name reads them)."""
    key, tensors = [], []
    for value in (*args, *kwargs.values()) if kwargs else args:
        kind = type(value)
        if kind in _KEYED_TYPES:
            key.append((kind, value))
        elif isinstance(value, Tensor):
            tensors.append(value)
            if detail:
                node = value._node
                key.append((node.dtype, len(node.shape)))
            else:
                key.append(Tensor)
        else:
            return None, tensors
    if kwargs:
        key.append(tuple(kwargs))
    return tuple(key), tensors


def _needs_key(arguments: dict) -> bool:
    return bool(arguments.get("training", True)) and arguments.get("p", 1) != 0


def _unflatten(t: Tensor, treedef) -> Any:
    """The op's output (a flat tuple, or its only array) as Tensors in the core function's output structure."""
    if treedef == _SINGLE:
        return t
    if treedef.num_leaves == 1:
        return jax.tree_util.tree_unflatten(treedef, [t])
    return jax.tree_util.tree_unflatten(treedef, [_select(t, i) for i in range(treedef.num_leaves)])


_SINGLE = jax.tree_util.tree_structure(0)  # the treedef of a single array


def _select(t: Tensor, i: int) -> Tensor:
    node = t._node
    out = engine.apply(SELECT, (node,), (("index", i),), aval=(node.shape[i], node.dtype[i]))
    out.requires_grad = node.requires_grad and _grad_mode._State.enabled and _is_float(node.dtype[i])
    return wrap(out)

