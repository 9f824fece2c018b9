"""``torch.autograd.Function``: a custom forward and backward written in Python.

``apply`` runs ``forward`` under ``no_grad`` and gives each differentiable output a ``function`` node:
its value is the forward result, its autograd inputs are the Function's tensor inputs, and
``function_outputs`` maps it to the ``ctx`` (which is also its ``grad_fn``, as in PyTorch). The staged
backward (``_staged``) stops at such nodes and calls :func:`run_backward`, so the user's ``backward``
runs in Python on lazy Tensors and builds ordinary, differentiable nodes (``create_graph`` works).
"""
from __future__ import annotations

import functools
import warnings
import weakref

import numpy as np

from . import _grad_mode, engine
from ._ops._convert import cast
from ._grad_fn import Node_, function_outputs, next_functions
from ._replay import FREED
from ._tensor import Tensor, _is_float, wrap
from .engine import Node, Op

__all__ = ["BackwardCFunction", "Function", "FunctionCtx", "once_differentiable", "run_backward"]

# The value is the forward's result; the other inputs are autograd edges only (jit drops them).
FUNCTION = Op("function", lambda value, *inputs: value)


class FunctionCtx:
    """The ``ctx`` of ``forward``/``backward``: saved tensors and flags shared by the two."""

    materialize_grads = True

    def save_for_backward(self, *tensors) -> None:
        for k, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward can only save variables, but argument {k} is of type "
                                f"{type(t).__name__}")
        self.to_save = tensors

    def mark_non_differentiable(self, *args) -> None:
        self.non_differentiable = args

    def mark_dirty(self, *args) -> None:
        """Declares inputs that ``forward`` modified in place: they become outputs of this Function."""
        self.dirty_tensors = args

    def set_materialize_grads(self, value: bool) -> None:
        self.materialize_grads = bool(value)

    @property
    def saved_tensors(self) -> tuple:
        """The saved tensors as they were when saved; an output is read through its graph node."""
        outputs = [None if r is None else r() for r in getattr(self, "_outputs", ())]
        if any(r is not None and (o is None or o.freed) for r, o in zip(self._outputs, outputs)):
            raise RuntimeError(FREED)
        return tuple(None if s is None else wrap(outputs[s] if isinstance(s, int) else s)
                     for s in getattr(self, "_saved", ()))


class BackwardCFunction(FunctionCtx, Node_):
    """Base of the per-Function ``<Name>Backward`` classes: a ctx is its outputs' ``grad_fn``."""

    _forward_cls: type
    __module__ = "torch.autograd.function"  # a Python class in PyTorch: its default repr names this module
    __repr__ = object.__repr__

    @property
    def next_functions(self):
        return next_functions(self._edges)


class Function(FunctionCtx):
    """Subclass with static ``forward(ctx, *args)`` and ``backward(ctx, *grads)``; call ``apply``."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._backward_cls = type(f"{cls.__name__}Backward", (BackwardCFunction,), {"_forward_cls": cls, "__module__": BackwardCFunction.__module__})

    def __init__(self, *args, **kwargs):
        warnings.warn(f"{type(self)} should not be instantiated. Methods on autograd functions are all static, "
                      "so you should invoke them on the class itself. Instantiating an autograd function will "
                      "raise an error in a future version of PyTorch.", DeprecationWarning, stacklevel=2)

    @staticmethod
    def forward(*args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = cls._backward_cls() if cls is not Function else FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        inputs = tuple(a._node if isinstance(a, Tensor) else None for a in args)  # before in-place writes
        with _grad_mode.no_grad():
            if cls.setup_context is not Function.setup_context:
                out = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, out)
            else:
                out = cls.forward(ctx, *args, **kwargs)
        connect = _grad_mode.is_grad_enabled() and any(ctx.needs_input_grad)
        return _connect(ctx, args, inputs, out) if connect else out


def _connect(ctx: BackwardCFunction, args: tuple, inputs: tuple, out):
    """Rebinds the differentiable outputs to ``function`` nodes recording ``ctx``; converts saved tensors.

    ``inputs`` are the argument nodes from before ``forward``: the edges, even for inputs it modified."""
    ctx._inputs = tuple(n if needs else None for n, needs in zip(inputs, ctx.needs_input_grad))
    ctx._is_tensor = tuple(isinstance(a, Tensor) for a in args)
    ctx._edges = tuple(n for n in inputs if n is not None)
    single = not isinstance(out, tuple)
    outs = (out,) if single else out
    skip = {id(t) for t in getattr(ctx, "non_differentiable", ())}
    dirty = {id(t) for t in getattr(ctx, "dirty_tensors", ())}
    for t in getattr(ctx, "dirty_tensors", ()):
        if t._node_.leaf is not None and t._base is None:
            raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")
    edges = tuple(n for n in ctx._inputs if n is not None)
    saved_as, nodes, result = {}, [], []
    for t in outs:
        if not isinstance(t, Tensor):
            result.append(t)
            continue
        node = t._node
        if id(t) not in skip and _is_float(node.dtype):
            saved_as[id(t)] = len(nodes)
            fn_node = engine.apply(FUNCTION, (node,) + edges, aval=(node.shape, node.dtype))
            fn_node.requires_grad = True
            function_outputs[fn_node] = (ctx, len(nodes))
            if id(t) in dirty:
                t._write(fn_node)  # modified in place: the input itself now holds this Function's output
            elif t._base is not None or any(t is a for a in args):
                t = wrap(fn_node)  # never rebind a view or an input: they belong to someone else
            else:
                t._node_ = fn_node
            node = fn_node
        nodes.append(node)
        result.append(t)
    # Outputs are kept weakly (an output saved for backward would otherwise keep its own graph alive).
    ctx._outputs = tuple(weakref.ref(n) if n.requires_grad else None for n in nodes)
    ctx._avals = tuple((n.shape, n.dtype) for n in nodes)
    ctx._saved = tuple(None if t is None else saved_as.get(id(t), t._node) for t in getattr(ctx, "to_save", ()))
    return result[0] if single else tuple(result)


def run_backward(ctx: BackwardCFunction, grads: list[Node | None]) -> list[tuple[Node, Node]]:
    """Calls the user's ``backward`` with the output gradients; returns (input node, gradient node) pairs."""
    cls, name = ctx._forward_cls, type(ctx).__name__
    args = [wrap(g) if g is not None else wrap(engine.constant(np.zeros(shape, dtype)))
            if ctx.materialize_grads else None for g, (shape, dtype) in zip(grads, ctx._avals)]
    out = (cls.vjp if cls.vjp is not Function.vjp else cls.backward)(ctx, *args)
    out = out if isinstance(out, tuple) else (out,)
    n = len(ctx._inputs)
    if len(out) > n and all(g is None for g in out[n:]):
        out = out[:n]
    if len(out) != n:
        raise RuntimeError(f"function {name} returned an incorrect number of gradients (expected {n}, got {len(out)})")
    pairs = []
    for k, (g, node) in enumerate(zip(out, ctx._inputs)):
        if g is None:
            continue
        if node is None:
            if not ctx._is_tensor[k]:
                raise RuntimeError(f"function {name} returned a gradient different than None at position {k + 1}, "
                                   "but the corresponding forward input was not a Variable")
            continue
        pairs.append((node, _fit(name, k, g, node)))
    return pairs


def _fit(name: str, k: int, g: Tensor, node: Node) -> Node:
    """PyTorch's check of a returned gradient: summed down to the input's shape if it broadcasts, cast."""
    shape = tuple(g.shape)
    if shape != node.shape:
        try:
            fits = np.broadcast_shapes(node.shape, shape) == shape
        except ValueError:
            fits = False
        if not fits:
            raise RuntimeError(f"Function {name} returned an invalid gradient at index {k} - got {list(shape)} but "
                               f"expected shape compatible with {list(node.shape)}")
        lead = len(shape) - len(node.shape)
        dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(node.shape) if s == 1 and shape[lead + i] != 1)
        g = g.sum(dim=dims, keepdim=True).reshape(node.shape)
    return cast(g, node.dtype)._node


def once_differentiable(fn):
    """Runs ``backward`` under ``no_grad``: its result cannot be differentiated again."""
    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with _grad_mode.no_grad():
            return fn(ctx, *args)
    return wrapper
