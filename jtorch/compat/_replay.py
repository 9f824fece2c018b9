"""The replay node: gradients of a forward subgraph by re-evaluating it under ``jax.vjp``.

The forward subgraph from the roots to the variables (autograd leaves, or probed intermediate tensors)
is captured as a canonical program and becomes the static part of one ``replay`` node. XLA merges the
replayed forward with the forward computed in the same executable, so nothing is computed twice. Because
the replay node is itself an op, a graph built with ``create_graph=True`` can be differentiated again.
"""
from __future__ import annotations

from typing import Collection, Sequence

import jax
import jax.numpy as jnp

from . import _grad_mode, engine
from .engine import SELECT, Node, Op

__all__ = ["FREED", "collect", "vjp_nodes"]

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


def collect(roots: Sequence[Node], stop: Collection[int] = ()) -> tuple[list[Node], list[Node]]:
    """Forward nodes reachable from ``roots`` along differentiable edges (seq order) and the ends met.

    The ends are autograd leaves and the nodes whose ``id`` is in ``stop`` (barriers of a staged
    backward), which are not expanded unless they are roots themselves.
    """
    seen: dict[int, Node] = {}
    ends: dict[int, Node] = {}
    root_ids = {id(r) for r in roots}
    stack = list(roots)
    while stack:
        n = stack.pop()
        if id(n) in seen or id(n) in ends:
            continue
        if n.leaf is not None or (id(n) in stop and id(n) not in root_ids):
            ends[id(n)] = n
            continue
        if n.freed:
            raise RuntimeError(FREED)
        seen[id(n)] = n
        stack.extend(i for i in n.inputs if i.requires_grad)
    by_seq = lambda d: sorted(d.values(), key=lambda n: n.seq)  # noqa: E731
    return by_seq(seen), by_seq(ends)


def vjp_nodes(roots: list[Node], cots: list[Node], targets: list[Node], create_graph: bool,
              stop: Collection[int] = (), inner: list[Node] | None = None) -> list[Node]:
    """One replay node giving d(roots . cots)/d(target) for each target node (leaf or intermediate);
    ``inner``: ``collect(roots, stop)``'s nodes where the caller has them."""
    if inner is None:
        inner, _ = collect(roots, stop)
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
