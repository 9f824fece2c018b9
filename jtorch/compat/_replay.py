"""The replay node: gradients of a forward subgraph by re-evaluating it under ``jax.vjp``.

The forward subgraph from the roots to the variables (autograd leaves, or probed intermediate tensors)
is captured as a canonical program and becomes the static part of one ``replay`` node. Forward nodes
computed in the same executable take their values from the replay's forward (``_forward_once``), so
nothing is computed twice. Because the replay node is itself an op, a graph built with
``create_graph=True`` can be differentiated again.
"""
from __future__ import annotations

import operator
from typing import Collection, Sequence

import jax
import jax.numpy as jnp

from . import _grad_mode, engine
from .engine import SELECT, Node, Op

__all__ = ["FREED", "REPLAY", "Plan", "backward", "collect", "forward", "vjp_nodes"]

FREED = ("Trying to backward through the graph a second time (or directly access saved tensors after they "
         "have already been freed). Saved intermediate values of the graph are freed when you call "
         ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
         "graph a second time or if you need to access saved tensors after calling backward.")


class Plan:
    """The static part of a replay node: the forward ``program`` (``(op, static, refs)`` per node; a ref
    ``j >= 0`` is input ``j`` of the replay node, ``~k`` the k-th program result), how many inputs are
    ``n_vars`` variables and ``n_consts`` constants (cotangents follow), the ``probes`` (program indices
    of intermediate targets) with their ``probe_avals``, the ``roots`` refs, ``ones``: per root,
    whether its cotangent is implicit (ones, made inside the replay) rather than the next input, and
    ``into``: per output, whether it is added to the next input (an existing ``.grad``) after them.

    Interned (:func:`_plan`): the same graph traced again at every step gives the same object, so the
    engine's executable key hashes and compares it in O(1) instead of walking the program.
    """

    __slots__ = ("key", "program", "n_vars", "n_consts", "probes", "probe_avals", "roots", "ones", "into",
                 "_hash", "static")

    def __init__(self, key: tuple):
        self.key, self._hash = key, hash(key)
        self.static = (("plan", self),)  # the replay node's static argument
        (self.program, self.n_vars, self.n_consts, self.probes, self.probe_avals, self.roots, self.ones,
         self.into) = key

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other) -> bool:
        return self is other or (type(other) is Plan and self._hash == other._hash and self.key == other.key)


_plans: dict[tuple, list[Plan]] = {}  # op sequence -> the plans with that sequence, newest last


def _plan(ops: tuple, key: tuple) -> Plan:
    """The interned plan of ``key``, found among the plans with the same ``ops`` by equality: a layer's
    static arguments are often new but equal tuples at every step, and comparing them (same objects
    inside) is cheaper than hashing them."""
    bucket = _plans.get(ops)
    if bucket is None:
        if len(_plans) >= 1024:  # graphs that change at every step: keep the table bounded
            _plans.clear()
        bucket = _plans[ops] = []
    for plan in bucket:
        if plan.key == key:
            return plan
    if len(bucket) >= 8:  # a static that changes at every step (e.g. a scalar): keep the search short
        del bucket[0]
    plan = Plan(key)
    bucket.append(plan)
    return plan


def forward(plan: Plan, inputs: Sequence, keep: Sequence[int] = ()) -> tuple:
    """The replayed forward traced under ``jax.vjp`` from the replay's ``inputs`` (variables and constants
    first): the roots' values, the vjp function, and the values of the program nodes ``keep`` (as
    computed, before a probe is added), which ``_forward_once`` hands to the forward nodes they equal."""
    n_vars = plan.n_vars
    consts = tuple(inputs[n_vars:n_vars + plan.n_consts])
    wanted = frozenset(keep)

    def run(vs, ps):
        ext = vs + consts
        env, kept = [], {}
        for k, (op, static, refs) in enumerate(plan.program):
            out = op.fn(*[ext[r] if r >= 0 else env[~r] for r in refs], **dict(static))
            if k in wanted:
                kept[k] = out
            if k in plan.probes:
                out = out + ps[plan.probes.index(k)]
            env.append(out)
        return tuple(ext[r] if r >= 0 else env[~r] for r in plan.roots), tuple([kept[k] for k in keep])

    zeros = tuple(jnp.zeros(shape, dtype) for shape, dtype in plan.probe_avals)
    return jax.vjp(run, tuple(inputs[:n_vars]), zeros, has_aux=True)


def backward(plan: Plan, outs: tuple, vjp, given) -> tuple:
    """The replay's outputs from :func:`forward`'s ``outs`` and ``vjp``; ``given`` iterates over its
    inputs after the constants (cotangents, then the gradients to add to)."""
    cots = tuple(jnp.ones(o.shape, o.dtype) if one else next(given) for o, one in zip(outs, plan.ones))
    grads_v, grads_p = vjp(cots)
    grads = []
    for g, add in zip((*grads_v, *grads_p), plan.into):
        if add:  # an existing .grad keeps its dtype, as a separate add (``_staged.ADD``) does
            acc = next(given)
            g = acc + g.astype(acc.dtype)
        grads.append(g)
    return tuple(grads)


def _replay(*inputs, plan: Plan):
    outs, vjp, _ = forward(plan, inputs)
    return backward(plan, outs, vjp, iter(inputs[plan.n_vars + plan.n_consts:]))


REPLAY = Op("replay", _replay)

_by_seq = operator.attrgetter("seq")


def collect(roots: Sequence[Node], stop: Collection[int] = ()) -> tuple[list[Node], list[Node]]:
    """Forward nodes reachable from ``roots`` along differentiable edges (seq order) and the ends met.

    The ends are autograd leaves and the nodes whose ``id`` is in ``stop`` (barriers of a staged
    backward), which are not expanded unless they are roots themselves.
    """
    seen: dict[Node, None] = {}  # nodes hash by identity
    ends: dict[Node, None] = {}
    stack = list(roots)
    push = stack.append
    while stack:
        n = stack.pop()
        if n.leaf is not None:
            ends[n] = None
            continue
        if n in seen:
            continue
        if stop and id(n) in stop and not any(n is r for r in roots):
            ends[n] = None
            continue
        if n.freed:
            raise RuntimeError(FREED)
        seen[n] = None
        for i in n.inputs:
            if i.requires_grad:
                push(i)
    return sorted(seen, key=_by_seq), sorted(ends, key=_by_seq)


_INDEX = [(("index", k),) for k in range(64)]  # SELECT's static per output, built once


def vjp_nodes(roots: list[Node], cots: list[Node | None], targets: list[Node], create_graph: bool,
              stop: Collection[int] = (), inner: list[Node] | None = None,
              into: list[Node | None] | None = None) -> list[Node]:
    """One replay node giving d(roots . cots)/d(target) for each target node (leaf or intermediate);
    a ``None`` cotangent is ones; ``inner``: ``collect(roots, stop)``'s nodes where the caller has them;
    ``into``: per target, ``None`` or a node of the gradient's shape to add it to (a leaf's ``.grad``:
    the sum is the replay's output, not a separate add node); only for targets the program reads."""
    if inner is None:
        inner, _ = collect(roots, stop)
    at = {n: ~k for k, n in enumerate(inner)}  # the ref of every node the program reads or makes
    variables: list[Node] = []  # the targets the program reads (a repeated target is one output)
    probes: dict[Node, None] = {}  # the targets it makes
    for t in targets:
        if t not in at:
            at[t] = len(variables)
            variables.append(t)
        elif at[t] < 0:
            probes[t] = None
    n_vars = len(variables)
    consts: list[Node] = []  # everything else the program reads, non-target leaves included
    program, ops = [], []
    for n in inner:
        ops.append(n.op)
        refs = []
        for i in n.inputs:
            r = at.get(i)
            if r is None:
                r = at[i] = n_vars + len(consts)
                consts.append(i)
            refs.append(r)
        program.append((n.op, n.static, tuple(refs)))
    root_refs = []
    for n in roots:
        r = at.get(n)
        if r is None:  # a root that is a leaf no target names
            r = at[n] = n_vars + len(consts)
            consts.append(n)
        root_refs.append(r)
    outs = variables + list(probes) if probes else variables
    adds: list[Node | None] = [None] * len(outs)
    for t, acc in zip(targets, into or ()):
        if acc is not None:
            adds[at[t]] = acc
    plan = _plan(tuple(ops), (tuple(program), n_vars, len(consts), tuple([~at[p] for p in probes]),
                              tuple([(p.shape, p.dtype) for p in probes]), tuple(root_refs),
                              tuple([c is None for c in cots]), tuple([a is not None for a in adds])))
    avals = [(o.shape, o.dtype if a is None else a.dtype) for o, a in zip(outs, adds)]
    needs = create_graph and _grad_mode._State.enabled
    node = engine.apply(REPLAY, (*variables, *consts, *[c for c in cots if c is not None],
                                 *[a for a in adds if a is not None]), plan.static, needs,
                        (tuple([s for s, _ in avals]), tuple([d for _, d in avals])))
    grads = [engine.apply(SELECT, (node,), _INDEX[k] if k < 64 else (("index", k),), needs, aval)
             for k, aval in enumerate(avals)]
    if probes:
        at.update({p: n_vars + j for j, p in enumerate(probes)})
    return [grads[at[t]] for t in targets]
