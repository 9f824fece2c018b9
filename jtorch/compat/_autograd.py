"""Autograd by replay: ``backward`` and ``torch.autograd.grad`` over the lazy graph.

The forward subgraph from the roots to the variables (autograd leaves, or probed intermediate tensors)
is captured as a canonical program and becomes the static part of one ``replay`` node, whose function
re-evaluates that program under ``jax.vjp``. XLA merges the replayed forward with the forward computed in
the same executable, so nothing is computed twice. Because the replay node is itself an op, a graph
built with ``create_graph=True`` can be differentiated again.
"""
from __future__ import annotations

import weakref
from typing import Sequence

import jax
import jax.numpy as jnp
import numpy as np

from . import _grad_mode, engine
from ._tensor import Tensor, call, wrap
from .engine import SELECT, Node, Op

__all__ = ["backward", "grad", "grad_fn_of", "retained"]

retained: "weakref.WeakSet[Tensor]" = weakref.WeakSet()  # non-leaf tensors that called retain_grad()

FREED = ("Trying to backward through the graph a second time (or directly access saved tensors after they "
         "have already been freed). Saved intermediate values of the graph are freed when you call "
         ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
         "graph a second time or if you need to access saved tensors after calling backward.")


def _replay(*inputs, structure):
    program, n_vars, n_consts, probes, probe_avals, roots = structure
    variables, consts, cots = inputs[:n_vars], inputs[n_vars:n_vars + n_consts], inputs[n_vars + n_consts:]

    def forward(vs, ps):
        env = list(vs) + list(consts)
        for k, (op, static, refs) in enumerate(program):
            out = op.fn(*[env[r] for r in refs], **dict(static))
            if k in probes:
                out = out + ps[probes.index(k)]
            env.append(out)
        return tuple(env[r] for r in roots)

    zeros = tuple(jnp.zeros(shape, dtype) for shape, dtype in probe_avals)
    _, vjp = jax.vjp(forward, tuple(variables), zeros)
    grads_v, grads_p = vjp(tuple(cots))
    return tuple(grads_v) + tuple(grads_p)


REPLAY = Op("replay", _replay)


def _collect(roots: Sequence[Node]) -> tuple[list[Node], list[Node]]:
    """Forward nodes reachable from ``roots`` along differentiable edges (seq order) and the leaves met."""
    seen: dict[int, Node] = {}
    stack = list(roots)
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen[id(n)] = n
        if n.leaf is not None:
            continue
        if n.freed:
            raise RuntimeError(FREED)
        stack.extend(i for i in n.inputs if i.requires_grad and id(i) not in seen)
    nodes = sorted(seen.values(), key=lambda n: n.seq)
    return [n for n in nodes if n.leaf is None], [n for n in nodes if n.leaf is not None]


def _vjp_nodes(roots: list[Node], cots: list[Node], targets: list[Node], create_graph: bool) -> list[Node]:
    """One replay node giving d(roots . cots)/d(target) for each target node (leaf or intermediate)."""
    inner, _ = _collect(roots)
    inner_ids = {id(n) for n in inner}
    variables = [t for t in targets if id(t) not in inner_ids]
    probes = [t for t in targets if id(t) in inner_ids]
    pos: dict[int, int] = {id(v): k for k, v in enumerate(variables)}
    consts: list[Node] = []  # everything else the program reads, non-target leaves included
    for n in inner:
        for i in n.inputs:
            if id(i) not in pos and id(i) not in inner_ids:
                pos[id(i)] = len(variables) + len(consts)
                consts.append(i)
    base = len(variables) + len(consts)
    for k, n in enumerate(inner):
        pos[id(n)] = base + k
    program = tuple((n.op, n.static, tuple(pos[id(i)] for i in n.inputs)) for n in inner)
    probe_idx = tuple(pos[id(p)] - base for p in probes)
    structure = (program, len(variables), len(consts), probe_idx,
                 tuple((p.shape, p.dtype) for p in probes), tuple(pos[id(r)] for r in roots))
    outs = variables + probes
    node = engine.apply(REPLAY, tuple(variables) + tuple(consts) + tuple(cots), (("structure", structure),),
                        aval=(tuple(o.shape for o in outs), tuple(o.dtype for o in outs)))
    node.requires_grad = create_graph and _grad_mode._State.enabled
    grads = {}
    for k, t in enumerate(outs):
        g = engine.apply(SELECT, (node,), (("index", k),), aval=(t.shape, t.dtype))
        g.requires_grad = node.requires_grad
        grads[id(t)] = g
    return [grads[id(t)] for t in targets]


def _roots_and_cots(tensors, grad_tensors) -> tuple[list[Node], list[Node]]:
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    if grad_tensors is None or isinstance(grad_tensors, Tensor):
        grad_tensors = [grad_tensors] * len(tensors) if grad_tensors is None else [grad_tensors]
    grad_tensors = list(grad_tensors)
    if len(grad_tensors) != len(tensors):
        raise RuntimeError(f"grad can be implicitly created only for scalar outputs")
    roots, cots = [], []
    for i, (t, g) in enumerate(zip(tensors, grad_tensors)):
        node = t._node
        if not node.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        if g is None:
            if int(np.prod(node.shape)) != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            g_node = engine.constant(np.ones(node.shape, node.dtype))
        else:
            if not isinstance(g, Tensor):
                from ._ops import as_tensor
                g = as_tensor(g, dtype=t.dtype)
            if tuple(g.shape) != tuple(node.shape):
                raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] "
                                   f"has a shape of {t.shape}.")
            g_node = g._node
        roots.append(node)
        cots.append(g_node)
    return roots, cots


def _free(roots: list[Node]) -> None:
    """Releases what PyTorch's backward releases: the graph of ops that saved tensors."""
    inner, _ = _collect(roots)
    for n in inner:
        if n.op.saves:
            n.freed = True
            if n.value is not None:
                n.inputs = ()


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None,
             inputs=None) -> None:
    """Accumulates d(tensors)/d(leaf) into each leaf's ``.grad`` (PyTorch's ``Tensor.backward``)."""
    if grad_variables is not None:
        grad_tensors = grad_variables
    roots, cots = _roots_and_cots(tensors, grad_tensors)
    retain_graph = create_graph if retain_graph is None else retain_graph
    _, leaves = _collect(roots)
    if inputs is not None:
        owners = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    else:
        owners = [leaf.leaf() for leaf in leaves]
        owners = [o for o in owners if o is not None and o._node.leaf is not None]
        inner_ids = {id(n) for n in _collect(roots)[0]}
        owners += [t for t in list(retained) if id(t._node) in inner_ids]
    owners = [o for o in owners if o is not None]
    if owners:
        grads = _vjp_nodes(roots, cots, [o._node for o in owners], create_graph)
        with _grad_mode.set_grad_enabled(create_graph):
            for owner, g in zip(owners, grads):
                _accumulate(owner, g, create_graph)
    engine.sync()
    if not retain_graph:
        _free(roots)


def _accumulate(owner: Tensor, g: Node, create_graph: bool) -> None:
    gt = wrap(g)
    for hook in owner._hooks or ():
        out = hook(gt)
        if out is not None:
            gt = out
    if owner._grad is None:
        owner._grad = gt if create_graph else gt.detach()
    elif create_graph:
        owner._grad = owner._grad + gt
    else:
        owner._grad._write(call(_ADD, (owner._grad, gt))._node)


_ADD = Op("add", lambda a, b: a + b.astype(a.dtype), "AddBackward0")


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """``torch.autograd.grad``: the gradients of ``outputs`` w.r.t. ``inputs``, without touching ``.grad``."""
    if is_grads_batched:
        raise NotImplementedError("torch.autograd.grad(is_grads_batched=True)")
    single = isinstance(inputs, Tensor)
    inputs = [inputs] if single else list(inputs)
    roots, cots = _roots_and_cots(outputs, grad_outputs)
    retain_graph = create_graph if retain_graph is None else retain_graph
    inner, leaves = _collect(roots)
    reached = {id(n) for n in inner} | {id(n) for n in leaves}
    used = [t for t in inputs if id(t._node) in reached]
    if len(used) != len(inputs) and not (allow_unused or materialize_grads):
        raise RuntimeError("One of the differentiated Tensors appears to not have been used in the graph. "
                           "Set allow_unused=True if this is the desired behavior.")
    for t in inputs:
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    grads = dict(zip(map(id, used), _vjp_nodes(roots, cots, [t._node for t in used], create_graph))) if used else {}
    out = []
    for t in inputs:
        g = grads.get(id(t))
        if g is None:
            out.append(_zeros_like(t) if materialize_grads else None)
        else:
            out.append(wrap(g))
    engine.sync()
    if not retain_graph:
        _free(roots)
    return tuple(out)


def _zeros_like(t: Tensor) -> Tensor:
    return wrap(engine.constant(jnp.zeros(t._node.shape, t._node.dtype)))


# ---------------------------------------------------------------------------- grad_fn objects


class Node_:
    """Base of ``grad_fn`` objects (``torch.autograd.graph.Node``)."""

    def name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{self.name()} object at {hex(id(self))}>"


class GradFn(Node_):
    """The ``grad_fn`` of a non-leaf tensor: named like PyTorch's, with ``next_functions``."""

    def __init__(self, node: Node):
        self._node = node

    def name(self) -> str:
        if type(self) is not GradFn:
            return type(self).__name__
        node = self._node
        while node.op is SELECT:  # an output of a multi-output op shows its producer's name
            node = node.inputs[0]
        return node.op.grad_name or f"{node.op.name.capitalize()}Backward0"

    @property
    def next_functions(self):
        node = self._node
        inputs = node.inputs[0].inputs if node.op is SELECT else node.inputs
        return tuple((grad_fn_of(i) if i.requires_grad else None, 0) for i in inputs)

    def __eq__(self, other):
        return isinstance(other, GradFn) and other._node is self._node

    def __hash__(self):
        return id(self._node)


class AccumulateGrad(Node_):
    """The ``next_functions`` entry of a leaf: holds the leaf tensor as ``.variable``."""

    def __init__(self, node: Node):
        self._node = node

    @property
    def variable(self):
        return self._node.leaf()

    @property
    def next_functions(self):
        return ()


_GRAD_FN_CLASSES: dict[str, type] = {}


def grad_fn_of(node: Node):
    """The ``grad_fn`` object of ``node``: an instance of a class named like PyTorch's (``AddBackward0``)."""
    if not node.requires_grad:
        return None
    if node.leaf is not None:
        return AccumulateGrad(node)
    name = GradFn(node).name()
    cls = _GRAD_FN_CLASSES.get(name)
    if cls is None:
        cls = _GRAD_FN_CLASSES[name] = type(name, (GradFn,), {})
    return cls(node)
