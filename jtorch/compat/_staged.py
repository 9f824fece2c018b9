"""Staged backward: gradients that pass through user Python (custom Functions, non-leaf hooks).

Python on gradient Tensors cannot run inside one ``jax.vjp``. The differentiable subgraph is cut at
*barriers*, outputs of Function nodes and hooked non-leaf nodes, which are visited in reverse creation
order (a reverse topological order: inputs are always older). A replay from the current seeds yields
gradients for the targets and for the barriers it meets; the latest barrier's gradient is then
complete, so its hooks and its Function's ``backward`` run on it, and their results seed the next replay
(from the Function's inputs, or through the hooked node). Contributions add up per node, so every path
from the roots to a target is counted once. A graph without barriers never comes here.
"""
from __future__ import annotations

import weakref

from . import _grad_mode
from ._function import run_backward
from ._grad_fn import function_outputs
from ._replay import collect, vjp_nodes
from ._tensor import call, wrap
from .engine import Node, Op

__all__ = ["ADD", "barriers", "hooks", "staged_vjp"]

#: Non-leaf node -> hooks registered by ``Tensor.register_hook`` (kept while the graph holds the node).
hooks: "weakref.WeakKeyDictionary[Node, list]" = weakref.WeakKeyDictionary()

ADD = Op("add", lambda a, b: a + b.astype(a.dtype), "AddBackward0")


def barriers(inner: list[Node]) -> dict[int, Node]:
    """The barrier nodes among ``inner``, by id (empty, cheaply, when nothing is registered)."""
    if not function_outputs and not hooks:
        return {}
    return {id(n): n for n in inner if n in function_outputs or n in hooks}


def add_all(parts: list[Node]) -> Node:
    total = parts[0]
    for p in parts[1:]:
        total = call(ADD, (total, p))._node
    return total


def _units(cut: dict[int, Node]) -> list:
    """Barriers grouped per Function (all its outputs at once), latest first."""
    units: dict[int, list] = {}
    for n in cut.values():
        fn = function_outputs.get(n)
        key = id(fn[0]) if fn is not None else id(n)
        unit = units.setdefault(key, [n.seq, fn[0] if fn is not None else n])
        unit[0] = max(unit[0], n.seq)
    return [u for _, u in sorted(units.values(), key=lambda u: -u[0])]


def _run_hooks(node: Node, g: Node) -> Node:
    for hook in hooks.get(node, ()):
        out = hook(wrap(g))
        if out is not None:
            if tuple(out.shape) != tuple(node.shape):
                raise RuntimeError(f"hook '{getattr(hook, '__name__', hook)}' has changed the size of value")
            g = out._node
    return g


def staged_vjp(roots: list[Node], cots: list[Node], targets: list[Node], create_graph: bool,
               cut: dict[int, Node]) -> list[Node | None]:
    """d(roots . cots)/d(target) per target (``None`` where no gradient arrives), through the barriers."""
    wanted = {id(t) for t in targets}
    got: dict[int, list[Node]] = {}
    final: dict[int, Node | None] = {}  # a barrier's complete gradient, after its hooks

    def replay(nodes: list[Node], grads: list[Node]) -> None:
        inner, ends = collect(nodes, cut)
        outs = [n for n in ends if id(n) in cut or id(n) in wanted]
        outs += [n for n in inner if id(n) in wanted and id(n) not in cut]
        if outs:
            for n, g in zip(outs, vjp_nodes(nodes, grads, outs, create_graph, cut)):
                got.setdefault(id(n), []).append(g)

    def seed(nodes: list[Node], grads: list[Node]) -> None:
        through = [(n, g) for n, g in zip(nodes, grads) if id(n) not in cut and n.leaf is None]
        for n, g in zip(nodes, grads):
            if id(n) in cut or n.leaf is not None:
                got.setdefault(id(n), []).append(g)
        if through:
            replay([n for n, _ in through], [g for _, g in through])

    def complete(node: Node | None) -> Node | None:
        parts = got.pop(id(node), None) if node is not None else None
        g = _run_hooks(node, add_all(parts)) if parts else None
        if node is not None:
            final[id(node)] = g
        return g

    with _grad_mode.set_grad_enabled(create_graph):
        seed(roots, cots)
        for unit in _units(cut):
            if isinstance(unit, Node):
                g = complete(unit)
                if g is not None:
                    replay([unit], [g])
                continue
            grads = [complete(None if r is None else r()) for r in unit._outputs]
            if any(g is not None for g in grads):
                pairs = run_backward(unit, grads)
                seed([n for n, _ in pairs], [g for _, g in pairs])
        return [final.get(id(t)) if id(t) in cut else add_all(got[id(t)]) if id(t) in got else None
                for t in targets]
