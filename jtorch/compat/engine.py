"""The lazy graph engine under every facade Tensor.

An op builds a :class:`Node` (its output shape and dtype come from a cached ``jax.eval_shape``) and runs
nothing. A sync (reading a value, the end of ``optimizer.step``, the pending-graph cap, or :func:`sync`) computes
every pending node still held by a live tensor with **one** jitted executable. ``backward`` is not a sync:
it adds the gradient nodes, so forward, backward and the optimizer update of a step compile into one
executable. A loop without an optimizer (``w.data -= lr * w.grad``) is cut by the next ``backward``, which
first computes what the previous one left pending (:func:`settle`), so steps never chain into one graph.
Executables are cached by the canonical structure of the pending graph (op identities, static arguments,
wiring, and leaf shapes/dtypes), so a training loop compiles on its first iterations and never again.

Public API: :func:`stats`, :func:`reset_stats`, :func:`sync`, :func:`set_eager`.
"""
from __future__ import annotations

import itertools
import operator
import sys
import weakref
from typing import Any, Callable, Collection, Iterable

import jax
import numpy as np

from . import _config
from ._donation import Plan

__all__ = ["Op", "Node", "stats", "reset_stats", "sync", "set_eager"]


class Op:
    """A pure function over jax arrays, with a stable identity for the executable cache.

    ``fn(*arrays, **static)`` returns an array or a tuple of arrays. ``grad_name`` is the PyTorch
    ``grad_fn`` class name of nodes it makes (``"AddBackward0"``); ``None`` for non-differentiable ops.
    ``saves``: whether PyTorch's backward of this op keeps tensors, which ``backward`` frees; an op that
    keeps none (``add``, views, ``sum``) can be backpropagated through again, as in PyTorch.
    """

    __slots__ = ("name", "fn", "grad_name", "saves", "__weakref__")

    def __init__(self, name: str, fn: Callable, grad_name: str | None = None, saves: bool = True):
        self.name, self.fn, self.grad_name, self.saves = name, fn, grad_name, saves

    def __repr__(self) -> str:
        return f"Op({self.name})"


class Node:
    """One value in the graph: materialised (``value`` set) or pending (``op`` applied to ``inputs``).

    ``shape``/``dtype`` are known at creation (tuples of them for multi-output ops). ``requires_grad``
    is fixed at creation. ``leaf`` is set on autograd leaves: a weak reference to the Tensor that owns
    the variable, whose ``.grad`` receives the gradient. ``freed`` marks a graph released by ``backward``.
    """

    __slots__ = ("op", "static", "inputs", "shape", "dtype", "value", "seq", "requires_grad", "leaf",
                 "freed", "error", "gen", "pos", "__weakref__")

    def __init__(self, op, static, inputs, shape, dtype, value=None, requires_grad=False):
        self.op, self.static, self.inputs = op, static, inputs
        self.shape, self.dtype, self.value = shape, dtype, value
        self.seq = next(_SEQ)
        self.requires_grad = requires_grad
        self.leaf = None
        self.freed = False
        self.error = None  # the exception its computation raised; it is then never retried
        self.gen = 0  # with ``pos``: its place in the program a sync is building (``_compute``)

    @property
    def pending(self) -> bool:
        return self.value is None

    @property
    def keeps_inputs(self) -> bool:
        """Whether this node keeps its inputs once computed: a backward may still replay through it (it is
        differentiable, not an autograd leaf, and no backward has released it)."""
        return self.requires_grad and self.leaf is None and not self.freed

    def __repr__(self) -> str:
        what = "value" if self.op is None else self.op.name
        return f"Node#{self.seq}({what}, {self.shape}, {self.dtype})"


_SEQ = itertools.count()

#: Picks output ``index`` of a multi-output node; ``grad_fn`` shows the producer's name through it.
SELECT = Op("select_output", lambda xs, *, index: xs[index], saves=False)

#: A fill, with no inputs (``torch.full``/``zeros``, ``w.grad.zero_()``): syncs leave such nodes pending
#: (``_Live.nodes``), and ``backward`` takes a pending zero fill for a cleared ``.grad``.
FULL = Op("full", lambda *, shape, value, dtype: jax.numpy.full(shape, value, dtype))


# ---------------------------------------------------------------- live tensors


class _Live:
    """Registry of live tensor-like holders (anything with a ``_node_``), in creation order.

    A dict keyed by weak references whose callback is the dict's own ``__delitem__``: registering costs
    one ``weakref.ref`` and one dict insert, and iteration order is deterministic (insertion order).
    Holders must hash by identity (``object.__hash__``).
    """

    def __init__(self):
        self.refs: dict[weakref.ref, None] = {}
        self._remove = self.refs.__delitem__

    def add(self, holder) -> None:
        self.refs[weakref.ref(holder, self._remove)] = None

    def nodes(self) -> list[Node]:
        """The pending nodes the holders hold, except fills (``torch.zeros``, ``w.grad.zero_()``): a node with no
        inputs holds no graph, so it can wait until a program needs it, where XLA folds it into its consumers
        (the seed loop's zeroed ``.grad`` is replaced by the next backward before anything reads it)."""
        out = []
        for ref in list(self.refs):
            holder = ref()
            if holder is not None:
                node = holder._node_
                if node.value is None and node.error is None and node.inputs:
                    out.append(node)
        return out


live = _Live()


# ---------------------------------------------------------------- stats


class _Stats:
    __slots__ = ("compilations", "executions", "cache_hits", "nodes", "syncs", "donated")

    def __init__(self):
        self.compilations = self.executions = self.cache_hits = self.nodes = self.syncs = self.donated = 0


_stats = _Stats()
_pending_since_sync = 0
_backward_owed = False  # a backward built gradient nodes and no sync has run since


def stats() -> dict[str, int]:
    """Counters since start or :func:`reset_stats`: ``compilations`` (new executables built),
    ``executions`` (executables run), ``cache_hits``, ``nodes`` (graph nodes built), ``syncs``,
    ``donated`` (input buffers handed to executables to update in place)."""
    return {k: getattr(_stats, k) for k in _Stats.__slots__}


def reset_stats() -> None:
    global _stats
    _stats = _Stats()


def set_eager(flag: bool) -> None:
    """Sync after every op (debugging): same engine and results, no laziness."""
    _config.eager = bool(flag)


# ---------------------------------------------------------------- building nodes

_shape_cache: dict[tuple, tuple] = {}


def _abstract(op: Op, static: tuple, inputs: tuple[Node, ...]) -> tuple:
    if len(inputs) == 2:  # the common arities without building a list
        a, b = inputs
        key = (op, static, a.shape, a.dtype, b.shape, b.dtype)
    elif len(inputs) == 1:
        a = inputs[0]
        key = (op, static, a.shape, a.dtype)
    else:
        key = (op, static, *[x for n in inputs for x in (n.shape, n.dtype)])
    hit = _shape_cache.get(key)
    if hit is None:
        kwargs = dict(static)
        avals = [tuple(map(jax.ShapeDtypeStruct, n.shape, n.dtype)) if isinstance(n.dtype, tuple)
                 else jax.ShapeDtypeStruct(n.shape, n.dtype) for n in inputs]
        out = jax.eval_shape(lambda *xs: op.fn(*xs, **kwargs), *avals)
        if isinstance(out, (tuple, list)):
            hit = (tuple(o.shape for o in out), tuple(np.dtype(o.dtype) for o in out))
        else:
            hit = (out.shape, np.dtype(out.dtype))
        _shape_cache[key] = hit
    return hit


def constant(value: Any, requires_grad: bool = False) -> Node:
    """A materialised node holding ``value`` (a jax array or NumPy array/scalar)."""
    _stats.nodes += 1
    return Node(None, (), (), value.shape, value.dtype, value, requires_grad)  # np.shape, np.dtype: +0.6 us


_scalars: dict[tuple, Any] = {}


def scalar(value, dtype) -> Node:
    """A materialised 0-d node for a Python scalar, its device array cached by value: a NumPy leaf is
    copied to the device at every executable call (~4 us each, measured with 5 scalar arguments)."""
    key = (value, type(value), dtype)
    if value == 0:
        key += (str(value),)  # -0.0 == 0.0, but not for 1 / x
    try:
        array = _scalars.get(key)
    except TypeError:  # an unhashable value (a 0-d array as a hyper-parameter)
        return constant(np.asarray(value, dtype))
    if array is None:
        if len(_scalars) >= 4096:  # a schedule makes a new value every step: keep the cache bounded
            _scalars.clear()
        array = _scalars[key] = jax.device_put(np.asarray(value, dtype))
    return constant(array)


def apply(op: Op, inputs: tuple[Node, ...], static: tuple = (), requires_grad: bool = False,
          aval: tuple | None = None) -> Node:
    """Adds a pending node ``op(*inputs, **dict(static))``; shape errors surface here, at the caller.

    ``aval`` (``(shape, dtype)``) skips shape inference where the caller already knows the result.
    """
    global _pending_since_sync
    shape, dtype = _abstract(op, static, inputs) if aval is None else aval
    _stats.nodes += 1
    _pending_since_sync += 1
    return Node(op, static, inputs, shape, dtype, None, requires_grad)


def maybe_sync() -> None:
    """Called after an op's result is owned by a tensor: applies the eager and size-cap policies."""
    if _config.eager or _pending_since_sync >= _config.max_pending:
        sync()


# ---------------------------------------------------------------- sync

_plans: dict[tuple, Plan] = {}  # (program, leaves, outputs) -> its executables, by donated leaves
_key_parts: list[tuple] = []  # for JTORCH_LOG_COMPILES: (ops, leaves, outputs, donated) of each compilation


_GEN = itertools.count(1)  # one number per _compute: marks the nodes it has numbered
_by_seq = operator.attrgetter("seq")


def _pending_closure(roots: Iterable[Node], gen: int) -> list[Node]:
    """The pending nodes ``roots`` need, in creation order, each marked with ``gen``."""
    order = []
    stack = [n for n in roots if n.value is None]
    pop, push, add = stack.pop, stack.extend, order.append
    while stack:
        n = pop()
        if n.gen == gen or n.value is not None:  # pushing every input and testing here is 2x faster
            continue
        n.gen = gen
        add(n)
        push(n.inputs)
    order.sort(key=_by_seq)
    return order


def _program(order: list[Node], gen: int) -> tuple[tuple, list[Node]]:
    """``order`` as a program (see :func:`_build`) and its leaves, the materialised inputs in first-use order.

    Numbers every node of ``order`` (creation order: a node's pending inputs are numbered before it). A
    function of its own, so that no loop variable outlives it: donation counts references exactly."""
    leaf_nodes: list[Node] = []
    program = []
    for k, n in enumerate(order):
        n.pos = k
        inputs = n.inputs
        for i in inputs:
            if i.gen != gen:  # a materialised input met for the first time: the next leaf
                i.gen, i.pos = gen, ~len(leaf_nodes)
                leaf_nodes.append(i)
        program.append((n.op, n.static, tuple([i.pos for i in inputs])))
    return tuple(program), leaf_nodes


def _build(program: tuple, outputs: tuple[int, ...], donate: tuple[int, ...] = ()) -> Callable:
    """The executable of ``program``: ``refs`` ``k >= 0`` name the k-th op's result, ``~j`` leaf ``j``;
    the buffers of the leaves ``donate`` are handed to XLA (see ``_donation``). A program with a replay
    node evaluates the forward it replays once (``_forward_once``)."""
    from ._forward_once import runner  # here: it imports _replay, which imports this module

    def run(*leaves):
        env = []
        for op, static, refs in program:
            env.append(op.fn(*[env[r] if r >= 0 else leaves[~r] for r in refs], **dict(static)))
        return tuple(env[i] for i in outputs)

    return jax.jit(runner(program, outputs) or run, donate_argnums=donate)


def _explain(ops: tuple, leaves: tuple, outputs: tuple, donate: tuple) -> str:
    if not _key_parts:
        return "first compilation"
    best = min(_key_parts, key=lambda p: (p[0] != ops, p[1] != leaves, p[2] != outputs, p[3] != donate))
    if best[0] != ops:
        diff = next((i for i, (a, b) in enumerate(zip(best[0], ops)) if a != b), min(len(ops), len(best[0])))
        return (f"new graph structure: {len(ops)} ops, first difference at op {diff} "
                f"({ops[diff][0].name if diff < len(ops) else 'end'}) vs a cached graph of {len(best[0])} ops")
    if best[1] != leaves:
        i = next((i for i, (a, b) in enumerate(zip(best[1], leaves)) if a != b), min(len(leaves), len(best[1])))
        return f"new leaf shapes/dtypes: leaf {i}: expected={best[1][i] if i < len(best[1]) else None} != got={leaves[i] if i < len(leaves) else None}"
    if best[2] != outputs:
        return f"new set of outputs: expected={best[2]} != got={outputs}"
    return f"new set of donated leaves: expected={best[3]} != got={donate}"


_host_writes: dict[int, tuple[Node, np.ndarray]] = {}  # id(host) -> (pending node, host array)


def write_host(node: Node, host: np.ndarray) -> None:
    """Copies ``node``'s value into the NumPy array ``host`` (a ``from_numpy`` tensor written in place)
    at the sync that computes it, then makes ``host`` the node's value, so that later NumPy writes are
    read by later ops. A later write to the same array replaces an earlier one still pending."""
    if node.value is None:
        _host_writes[id(host)] = (node, host)
    else:
        _copy_to_host(node, host)


def _copy_to_host(node: Node, host: np.ndarray) -> None:
    if node.value is not host:
        np.copyto(host, np.asarray(node.value))
        node.value = host


def _flush_host_writes() -> None:
    for key, (node, host) in list(_host_writes.items()):
        if node.value is not None:
            _copy_to_host(node, host)
            del _host_writes[key]
        elif node.error is not None:
            del _host_writes[key]


def owe_backward_sync() -> None:
    """Marks gradient nodes left pending by ``backward`` (see :func:`settle`)."""
    global _backward_owed
    _backward_owed = True


def settle(graph: Iterable[Node]) -> None:
    """Called by ``backward`` before it builds gradients: if the previous backward's nodes are still
    pending, computes every pending live node except those of ``graph`` (the forward about to be
    differentiated), so that a loop that never syncs runs one step per executable, not a growing chain."""
    if _backward_owed:
        sync(skip={id(n) for n in graph})


def sync(extra: Iterable[Node] = (), skip: Collection[int] = ()) -> None:
    """Computes every pending node held by a live tensor (and ``extra``) with one cached executable;
    live nodes whose ``id`` is in ``skip`` are left pending unless another root needs them.

    If that fails, each root is retried alone so that only the failing ones keep the error (re-raised
    whenever they are read) and later syncs go on without them; the first error propagates.
    """
    global _pending_since_sync, _backward_owed
    roots = live.nodes()
    if skip:
        roots = [n for n in roots if id(n) not in skip]
    roots.extend(n for n in extra if n.value is None and n.error is None)
    roots.extend(n for n, _ in _host_writes.values() if n.error is None)
    _pending_since_sync = 0
    _backward_owed = False
    for n in extra:
        if n.error is not None:
            raise n.error
    if not roots:
        return
    try:
        _compute(roots)
        if _host_writes:
            _flush_host_writes()
    except Exception as first:
        for root in roots if len(roots) > 1 else ():
            try:
                if root.value is None:
                    _compute([root])
            except Exception as e:  # noqa: BLE001 - stored, re-raised when the node is read
                root.error = e
        if len(roots) == 1:
            roots[0].error = first
        _flush_host_writes()
        raise


def realize(nodes: list[Node]) -> None:
    """Computes just ``nodes`` (and the pending nodes they need), leaving every other node pending."""
    pending = [n for n in nodes if n.value is None]
    if pending:
        _compute(pending)


def _compute(roots: list[Node]) -> None:
    gen = next(_GEN)
    order = _pending_closure(roots, gen)
    program, leaf_nodes = _program(order, gen)
    outputs = tuple(sorted({n.pos for n in roots if n.value is None}))
    leaves = tuple([(n.shape, n.dtype) for n in leaf_nodes])
    key = (program, leaves, outputs)
    plan = _plans.get(key)
    if plan is None:
        plan = _plans[key] = Plan(order, leaves, program, outputs)
    donate = plan.donatable(order, leaf_nodes, leaves, program) if _config.donate else ()
    exe = plan.executables.get(donate)
    if exe is None:
        if _config.log_compiles:
            print(f"[jtorch] compile #{_stats.compilations + 1}: {_explain(*key, donate)}", file=sys.stderr)
            _key_parts.append((*key, donate))
        exe = plan.executables[donate] = _build(program, outputs, donate)
        _stats.compilations += 1
    else:
        _stats.cache_hits += 1
    _stats.executions += 1
    _stats.syncs += 1
    _stats.donated += len(donate)
    values = exe(*[n.value for n in leaf_nodes])
    for node, value in zip([order[k] for k in outputs], values):
        node.value = value
        if not node.keeps_inputs:  # nothing can backpropagate through it: drop the inputs so old graphs are freed
            node.inputs = ()
            if not node.requires_grad or node.leaf is not None:  # one a backward released keeps its op (`grad_fn`)
                node.op = None


def value(node: Node):
    """The materialised value of ``node``, syncing if it is pending."""
    if node.error is not None:
        raise node.error
    if node.value is None:
        sync((node,))
    return node.value
