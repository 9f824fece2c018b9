"""The facade's ``Tensor``: a mutable handle onto an immutable graph node.

In-place ops rebind the handle to a new node. A view records its root tensor and the chain of view ops
taken from it; writing through a view writes back into the root (functionalisation), and every view of
that root recomputes from it lazily (its node is stale once the root's ``_writes`` moved on). Writes that
autograd does not record keep the written tensor's history; PyTorch's version counters are in ``_version``.

Methods and operators that are ops come from the op registry (``_ops``); this module holds the handle,
autograd attributes, views and in-place writes, and the sync points (reading values).
"""
from __future__ import annotations

import weakref
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from . import _grad_mode, engine
from ._grad_fn import grad_fn_of
from ._version import bump as _bump, version as _version_of
from .engine import Node, Op

__all__ = ["Tensor", "Size", "wrap", "call", "call_nodes"]


class Size(tuple):
    """``torch.Size``: a tuple of ints that prints as ``torch.Size([2, 3])``."""

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    __str__ = __repr__

    def numel(self) -> int:
        return int(np.prod(self, dtype=np.int64))

    def __getitem__(self, i):
        out = tuple.__getitem__(self, i)
        return Size(out) if isinstance(i, slice) else out


def _identity(x):
    return x


def _alias_write(base, new):
    del base
    return new


IDENTITY = Op("identity", _identity, "AliasBackward0", saves=False)
LEAF = Op("leaf", _identity, saves=False)    # wraps a value as a fresh autograd leaf
DETACH = Op("detach", _identity, saves=False)  # a detached alias: its edge is never differentiable
ALIAS_WRITE = Op("alias_write", _alias_write, "torch::autograd::CopyBackwards")  # as name() shows it
DETACHED = ((DETACH, (), ()),)  # the view chain of `t.data` taken from a root
ALIASED = ((DETACH, (), ()),)  # of `t.detach()`: equal, but a write through it counts on the root's version


@jax.custom_jvp
def _keep_history(old, new):
    """``new``, differentiated as ``old``: a tensor written where autograd does not record (through ``.data`` or
    ``detach()``, under ``no_grad``) takes the written value and keeps its history, as in PyTorch."""
    return new


_keep_history.defjvps(lambda tangent, out, old, new: tangent, None)
_KEEP_HISTORY: dict[str, Op] = {}  # per grad_fn name shown: the written tensor keeps its own


class Tensor:
    """A tensor on the lazy engine; see the module docstring. Construct with ``torch.tensor``."""

    __slots__ = ("_node_", "_base", "_view", "_view_version", "_writes", "_grad", "_retains_grad",
                 "_hooks", "_host", "__dict__", "__weakref__")
    __array_priority__ = 1000  # NumPy defers `ndarray op Tensor` to our reflected operators
    __module__ = "torch"  # `type(t)` prints <class 'torch.Tensor'>, as tutorials show
    _counter = None  # a root's version counter (``_version``), made at its first counted write

    def __new__(cls, *args, **kwargs):
        """``torch.Tensor(2, 3)`` (uninitialised) or ``torch.Tensor([1, 2])`` (values), default dtype."""
        from ._dtype import get_default_dtype
        from ._legacy import construct
        return construct(get_default_dtype(), args, "Tensor")

    # ------------------------------------------------------------------ the handle

    def _init_handle(self, node: Node, base: Tensor | None = None, view: tuple = ()) -> None:
        self._node_ = node
        self._base, self._view = base, view
        self._view_version = base._writes if base is not None else 0
        self._writes = 0  # every write to a root (``.data`` ones too): its views' nodes are stale after one
        self._grad = None
        self._retains_grad = False
        self._hooks = None
        self._host = None
        engine.live.add(self)

    @property
    def _node(self) -> Node:
        base = self._base
        if base is not None and self._view_version != base._writes:
            node = base._node
            for op, static, extra in self._view:
                node = engine.apply(op, (node, *extra), static, _grad_mode._State.enabled and node.requires_grad
                                    and op is not DETACH)
            self._node_, self._view_version = node, base._writes
        return self._node_

    @property
    def _version(self) -> int:
        """PyTorch's version counter: in-place writes to this tensor, its views and ``detach()`` aliases."""
        return _version_of(self if self._base is None else self._base)

    def _write(self, node: Node, counted: bool = True) -> None:
        """Rebinds this tensor (and, through a view, its root) to ``node``: the core of in-place ops. Autograd
        records the write under grad mode, except through a ``.data`` / ``detach()`` alias: there the root
        keeps its history with the written value (see ``_set``). ``counted=False``: the write leaves the
        version counter alone (gradient accumulation, optimizer state: PyTorch counts those, but no graph
        saves them, and they are most of a training step's writes)."""
        base = self._base
        if base is None:
            self._set(node, _grad_mode._State.enabled, counted)
            return
        chain = self._view
        if chain is DETACHED or chain is ALIASED:  # `w.data -= ...`, `w.grad.data.zero_()`: the root's value
            base._set(node, False, counted and chain is ALIASED)
            return
        recorded = _grad_mode._State.enabled
        for op, _, _ in chain:  # a loop, not all() over a generator: view writes run in loops (x[i] += v)
            if op is DETACH:
                recorded = False
                break
        base._set(_write_back(base._node, chain, node), recorded, counted and chain[0] is not DETACHED[0])

    def _set(self, node: Node, recorded: bool, counted: bool = True) -> None:
        """Makes ``node`` the value of this root. An unrecorded write keeps the root's history: a leaf stays
        the same variable; a computed tensor keeps its ``grad_fn``, its gradient reaching what it was computed
        from. ``counted``: the write bumps the version counter (all but ``.data`` writes)."""
        old = self._node_
        if self._host is not None:
            node = self._write_host(node)
        if old.leaf is not None:
            node = _leaf_node(node, self)
        elif recorded:
            if old.requires_grad and not node.requires_grad:  # `y.copy_(data)`: still requires grad, zero to y
                node = engine.apply(ALIAS_WRITE, (old, node), (), True, (node.shape, node.dtype))
        elif node.requires_grad or old.requires_grad:
            if node.requires_grad:
                node = _detach_node(node)
            if old.requires_grad and node.shape == old.shape and node.dtype == old.dtype:
                node = _keep_history_node(old, node)
        self._node_ = node
        self._writes += 1
        if counted:
            _bump(self, old)

    def _write_new(self, node: Node) -> None:
        """:meth:`_write` of a pending node built for this write alone, for a root or its ``.data`` view: a
        leaf root takes it as its leaf node itself (`w -= lr * g` under no_grad, `w.data -= ...`)."""
        base = self._base
        root = self if base is None else base
        old = root._node_
        if old.leaf is None or root._host is not None:
            self._write(node)
            return
        node.requires_grad = True
        node.leaf = weakref.ref(root)
        root._node_ = node
        root._writes += 1
        if base is None:
            _bump(root, old)

    def _share_host(self, array: np.ndarray) -> None:
        """Makes ``array`` this tensor's value and keeps it in step (``from_numpy`` / ``numpy()``).

        JAX arrays cannot alias NumPy memory, so the NumPy array itself becomes the graph leaf (later
        NumPy writes are read by later ops) and in-place tensor writes are copied back into it at once,
        except for a tensor that requires grad (a parameter trained in place by ``w.data -= ...``):
        its writes land in the array at the next sync (``engine.write_host``) or ``numpy()``, so that
        each training step is not cut by a sync per write.
        """
        self._host = array
        node = engine.constant(array, self._node_.requires_grad)
        if self._node_.leaf is not None:
            node = _leaf_node(node, self)
        self._node_ = node

    def _write_host(self, node: Node) -> Node:
        host = self._host
        if tuple(node.shape) != host.shape or node.dtype != host.dtype:
            self._host = None  # resized or re-typed by `out=`: the NumPy array no longer matches
            return node
        engine.write_host(node, host)
        if not self._node_.requires_grad:  # tutorials print the array right after `t += 1`
            engine.value(node)
        return node

    # ------------------------------------------------------------------ shape and type

    @property
    def shape(self) -> Size:
        return Size(self._node.shape)

    def size(self, dim: int | None = None):
        shape = self._node.shape
        return Size(shape) if dim is None else shape[_wrap_dim(dim, len(shape))]

    def dim(self) -> int:
        return len(self._node.shape)

    ndimension = dim

    @property
    def ndim(self) -> int:
        return len(self._node.shape)

    def numel(self) -> int:
        return int(np.prod(self._node.shape, dtype=np.int64))

    nelement = numel

    def __len__(self) -> int:
        shape = self._node.shape
        if not shape:
            raise TypeError("len() of a 0-d tensor")
        return shape[0]

    # ------------------------------------------------------------------ autograd attributes

    @property
    def requires_grad(self) -> bool:
        return self._node.requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if flag and not _is_float(self._node.dtype):  # PyTorch's setter and method word it differently
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        node = self._node
        if not self.is_leaf:
            if requires_grad:
                return self
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a computed "
                "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().")
        if requires_grad and not (np.issubdtype(node.dtype, np.floating) or np.issubdtype(node.dtype, np.complexfloating)):
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        if requires_grad != node.requires_grad:
            if requires_grad:
                self._node_ = _leaf_node(node, self)
            else:
                self._node_ = engine.apply(DETACH, (node,))
            self._base = None
        return self

    @property
    def is_leaf(self) -> bool:
        node = self._node
        return not node.requires_grad or node.leaf is not None

    @property
    def grad_fn(self):
        node = self._node
        if not node.requires_grad or node.leaf is not None:
            return None
        return grad_fn_of(node)

    @property
    def grad(self) -> Tensor | None:
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None and tuple(value.shape) != tuple(self.shape):
            raise RuntimeError(f"assigned grad has data of a different size")
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        self._grad = None

    def retain_grad(self) -> None:
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if not self.is_leaf:
            self._retains_grad = True
            from ._autograd import retained
            retained.add(self)

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def register_hook(self, hook):
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.is_leaf:
            if self._hooks is None:
                self._hooks = []
            hooks = self._hooks
        else:  # found by graph node: the staged backward runs them even after this handle is gone
            from ._staged import hooks as node_hooks
            hooks = node_hooks.setdefault(self._node, [])
        hooks.append(hook)

        class _Handle:
            def remove(self_inner):
                if hook in hooks:
                    hooks.remove(hook)

        return _Handle()

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None) -> None:
        from ._autograd import backward
        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self) -> Tensor:
        return detached(self, ALIASED)

    def detach_(self) -> Tensor:
        if self._base is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self._node_ = engine.apply(DETACH, (self._node,))
        return self

    @property
    def data(self) -> Tensor:
        return detached(self)

    @data.setter
    def data(self, other: Tensor) -> None:
        if not isinstance(other, Tensor):
            raise TypeError(f"data must be a Tensor, not {type(other).__name__}")
        if other._base is self and other._view is DETACHED and (self._node_.leaf is not None
                                                                or not self._node_.requires_grad):
            return  # `w.data -= x` ends with `w.data = <view of w>`, whose value already is w's
        node = engine.apply(DETACH, (other._node,))
        self._node_ = _leaf_node(node, self) if self._node_.leaf is not None else node
        self._writes += 1

    # ------------------------------------------------------------------ sync points

    def _value(self):
        return engine.value(self._node)

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The values as a NumPy array that stays in step with this tensor (see ``_share_host``);
        for a view it is a copy."""
        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        if self._base is not None:
            if self._view == DETACHED and self._base._host is not None:
                self._base._value()  # a pending in-place write lands in the array
                return self._base._host  # t.detach().numpy() / t.data.numpy() of a shared tensor
            return np.array(self._value())
        if self._host is None or self._node_.value is not self._host:
            self._share_host(np.array(self._value()))
        return self._host

    def __array__(self, dtype=None, copy=None):
        out = np.asarray(self._value())
        return out.astype(dtype) if dtype is not None else out

    def tolist(self):
        return np.asarray(self._value()).tolist()

    def item(self):
        if self.numel() != 1:
            raise RuntimeError(f"a Tensor with {self.numel()} elements cannot be converted to Scalar")
        return np.asarray(self._value()).reshape(()).item()

    def _scalar(self, kind: str):
        if self.numel() != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self.item()

    def __float__(self) -> float:
        return float(self._scalar("float"))

    def __int__(self) -> int:
        return int(self._scalar("int"))

    def __complex__(self) -> complex:
        return complex(self._scalar("complex"))

    def __bool__(self) -> bool:
        if self.numel() != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def __index__(self) -> int:
        if self.numel() != 1 or not (np.issubdtype(self._node.dtype, np.integer) or self._node.dtype == np.bool_):
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    __hash__ = object.__hash__  # by identity, in C: the live registry hashes every tensor

    def __iter__(self):
        if self.dim() == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.shape[0]))

    def __reversed__(self):
        return iter(self.flip(0)) if self.dim() else self

    def __format__(self, spec: str) -> str:
        from ._ops._methods import format_tensor
        return format_tensor(self, spec)

    def __repr__(self) -> str:
        from ._ops._methods import repr_tensor
        return repr_tensor(self)

    __str__ = __repr__


# ---------------------------------------------------------------------------- module helpers


def wrap(node: Node, cls: type = Tensor) -> Tensor:
    """A new handle on ``node`` (no base). Applies the engine's eager / size-cap policy."""
    t = object.__new__(cls)
    t._init_handle(node)
    engine.maybe_sync()
    return t


def call(op: Op, inputs: tuple, static: tuple = (), differentiable: bool = True) -> Tensor:
    """Applies ``op`` to tensors (or raw nodes), recording grad edges when grad mode is on."""
    return call_nodes(op, tuple([x._node if isinstance(x, Tensor) else x for x in inputs]), static, differentiable)


def call_nodes(op: Op, nodes: tuple[Node, ...], static: tuple = (), differentiable: bool = True) -> Tensor:
    """:func:`call` on nodes: for ops that already hold their inputs' nodes."""
    node = engine.apply(op, nodes, static)
    if differentiable and _grad_mode._State.enabled:
        for n in nodes:
            if n.requires_grad:
                node.requires_grad = _is_float(node.dtype)
                break
    return wrap(node)


def _detach_node(node: Node) -> Node:
    """The value of ``node`` with no grad edge: an alias of a computed value (`loss.detach()`, `w.data`), no op
    to compute; else a DETACH node, without shape inference."""
    if node.value is not None:
        return engine.constant(node.value)
    return engine.apply(DETACH, (node,), (), False, (node.shape, node.dtype))


def detached(base: Tensor, chain: tuple = DETACHED) -> Tensor:
    """``base.data`` (``chain`` DETACHED) / ``base.detach()`` (ALIASED): the commonest views. Of a view, both
    are a ``detach()`` alias (a write through ``v.data`` counts on the root's version)."""
    if base._base is not None:
        return view(base, DETACH, ())
    node = base._node_
    if node.requires_grad:  # else the node itself is the detached value (`w.grad.data`)
        node = _detach_node(node)
    t = object.__new__(Tensor)
    t._init_handle(node, base, chain)
    engine.maybe_sync()
    return t


def view(base: Tensor, op: Op, static: tuple) -> Tensor:
    """A view of ``base`` through ``op``: shares "storage" (in-place writes go through to the root)."""
    node = base._node
    node = _detach_node(node) if op is DETACH else engine.apply(op, (node,), static)
    return view_handle(base, node, op, static)


def view_handle(base: Tensor, node: Node, op: Op, static: tuple, extra: tuple = ()) -> Tensor:
    """The handle of a view of ``base`` whose value is ``node``; ``(op, static, extra)`` is the step
    recorded in its chain (replayed after a write to the root, inverted to write through it): ``op``
    applied to the base and the ``extra`` input nodes (runtime index starts), with ``static``."""
    root = base if base._base is None else base._base
    chain = (base._view if base._base is not None else ()) + ((op, static, extra),)
    node.requires_grad = (op is not DETACH and _grad_mode._State.enabled and base._node.requires_grad
                          and _is_float(node.dtype))
    t = object.__new__(Tensor)
    t._init_handle(node, root, chain)
    engine.maybe_sync()
    return t


_float_cache: dict = {}


def _is_float(dtype) -> bool:
    hit = _float_cache.get(dtype)
    if hit is None:
        if isinstance(dtype, tuple):  # a multi-output op: differentiable if any output is
            hit = any(map(_is_float, dtype))
        else:
            hit = isinstance(dtype, np.dtype) and (np.issubdtype(dtype, np.floating) or dtype.name == "bfloat16"
                                                   or np.issubdtype(dtype, np.complexfloating))
        _float_cache[dtype] = hit
    return hit


def _keep_history_node(old: Node, new: Node) -> Node:
    """``new``'s value with ``old``'s gradient, named as ``old``'s ``grad_fn`` (PyTorch's tensor keeps it)."""
    name = grad_fn_of(old).name()
    op = _KEEP_HISTORY.get(name)
    if op is None:
        op = _KEEP_HISTORY[name] = Op("keep_history", _keep_history, name, saves=False)
    return engine.apply(op, (old, new), (), True, (new.shape, new.dtype))


def _leaf_node(node: Node, owner: Tensor) -> Node:
    """A fresh autograd leaf owned by ``owner`` whose value is ``node``'s (edge not differentiable)."""
    leaf = engine.apply(LEAF, (node,), (), True, (node.shape, node.dtype))
    leaf.leaf = weakref.ref(owner)
    return leaf


# Write ops for each view op: write(base, new_view_value, **static) -> new base value.
WRITE_OPS: dict[Op, Op] = {IDENTITY: ALIAS_WRITE, DETACH: ALIAS_WRITE}


def _write_back(root: Node, chain: tuple, new: Node) -> Node:
    op, static, extra = chain[0]
    if len(chain) > 1:
        inner = engine.apply(op, (root, *extra), static)
        inner.requires_grad = root.requires_grad and op is not DETACH
        new = _write_back(inner, chain[1:], new)
    write = WRITE_OPS.get(op)
    if write is None:
        raise RuntimeError(f"in-place write through a `{op.name}` view is not supported")
    out = engine.apply(write, (root, new, *extra), static)
    out.requires_grad = _grad_mode._State.enabled and (root.requires_grad or (new.requires_grad and op is not DETACH))
    return out


def _wrap_dim(dim: int, ndim: int) -> int:
    lo, hi = (-1, 0) if ndim == 0 else (-ndim, ndim - 1)
    if not lo <= dim <= hi:
        raise IndexError(f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {dim})")
    return dim % max(ndim, 1)
