"""``backward`` and ``torch.autograd.grad`` over the lazy graph: autograd by replay.

The gradients come from one replay node (``_replay``) over the subgraph from the roots to the targets;
a graph that passes through user Python (custom Functions, hooks on non-leaf tensors) goes through the
staged backward (``_staged``) instead, one replay per stage.
"""
from __future__ import annotations

import math
import weakref

import jax.numpy as jnp
import numpy as np

from . import _grad_mode, engine
from ._grad_fn import grad_fn_of
from ._replay import collect, vjp_nodes
from ._staged import ADD, barriers, staged_vjp
from ._tensor import Tensor, wrap
from ._version import check as check_versions
from .engine import FULL, SELECT, Node  # noqa: F401  (SELECT: re-exported for _ops)

__all__ = ["backward", "grad", "grad_fn_of", "retained"]

retained: "weakref.WeakSet[Tensor]" = weakref.WeakSet()  # non-leaf tensors that called retain_grad()


def _vjp(roots: list[Node], cots: list[Node], targets: list[Node], create_graph: bool,
         cut: dict[int, Node], inner: list[Node], into: list[Node | None] | None = None) -> list[Node | None]:
    """One replay node; the staged backward when the graph has barriers (``None``: no gradient arrived).
    ``into``: see ``vjp_nodes`` (ignored by the staged backward)."""
    if cut:
        return staged_vjp(roots, [_ones(r) if c is None else c for r, c in zip(roots, cots)], targets,
                          create_graph, cut)
    return vjp_nodes(roots, cots, targets, create_graph, inner=inner, into=into)


def _ones(node: Node) -> Node:
    """The implicit cotangent of a one-element root, as a node (the replay makes its own)."""
    return (engine.scalar(1, node.dtype) if node.shape == () else
            engine.constant(np.ones(node.shape, node.dtype)))


def _roots_and_cots(tensors, grad_tensors) -> tuple[list[Node], list[Node | None]]:
    """The root nodes and their cotangents (``None``: ones, implicit for a one-element root)."""
    if grad_tensors is None and isinstance(tensors, Tensor):  # loss.backward()
        node = tensors._node
        if node.requires_grad and (node.shape == () or math.prod(node.shape) == 1):
            return [node], [None]
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
            if node.shape != () and math.prod(node.shape) != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            g_node = None
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


def _free(inner: list[Node]) -> None:
    """Releases what PyTorch's backward releases: the graph of ops that saved tensors (a node still
    pending keeps its inputs until a sync computes it)."""
    for n in inner:
        if n.op.saves:
            n.freed = True
            if n.value is not None:
                n.inputs = ()


def _targets(leaves: list[Node], inner: list[Node], inputs) -> tuple[list[Tensor], list[Node]]:
    """The tensors that receive a gradient and the nodes it is taken at. A leaf's is the node the graph
    recorded, not its current one: a leaf written in place under no_grad after the forward still
    receives its gradient, as in PyTorch."""
    owners, nodes = [], []
    if inputs is None:
        for leaf in leaves:
            owner = leaf.leaf()
            if owner is not None:
                owners.append(owner)
                nodes.append(leaf)
        if retained:
            ids = {id(n) for n in inner}
            kept = [t for t in list(retained) if id(t._node) in ids]
            owners += kept
            nodes += [t._node for t in kept]
        return owners, nodes
    wanted = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    for leaf in leaves:
        owner = leaf.leaf()
        if any(owner is w for w in wanted):
            owners.append(owner)
            nodes.append(leaf)
    kept = [w for w in wanted if w._node.leaf is None]
    return owners + kept, nodes + [w._node for w in kept]


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None,
             inputs=None) -> None:
    """Accumulates d(tensors)/d(leaf) into each leaf's ``.grad`` (PyTorch's ``Tensor.backward``)."""
    if grad_variables is not None:
        grad_tensors = grad_variables
    roots, cots = _roots_and_cots(tensors, grad_tensors)
    retain_graph = create_graph if retain_graph is None else retain_graph
    inner, leaves = collect(roots)
    check_versions(inner)  # a saved tensor written in place since: PyTorch's error
    engine.settle(inner)
    owners, targets = _targets(leaves, inner, inputs)
    cut = barriers(inner)
    if owners or cut:  # hooks and Functions run even when no leaf is left to receive a gradient
        into = None if create_graph or cut else [_into(o, n) for o, n in zip(owners, targets)]
        adds = None if into is None else [None if _cleared(a, t) else a for a, t in zip(into, targets)]
        grads = _vjp(roots, cots, targets, create_graph, cut, inner, adds)
        for owner, g, acc in zip(owners, grads, into or [None] * len(owners)):
            if g is None:
                continue
            if acc is not None:  # the replay added it to the .grad, or it replaces zeros
                owner._grad._write(g, counted=False)
            elif owner._grad is None and not owner._hooks:
                # A gradient no hook saw is ``.grad`` itself, not a detached view: the view would keep
                # the replay's output live, and the step's executable would return it twice.
                owner._grad = wrap(g)
            else:
                with _grad_mode.set_grad_enabled(create_graph):
                    _accumulate(owner, g, create_graph)
        engine.maybe_sync()
    engine.owe_backward_sync()
    if not retain_graph:
        _free(inner)


def _into(owner: Tensor, target: Node) -> Node | None:
    """The ``.grad`` node the replay can add ``owner``'s gradient to: a leaf's existing gradient that
    no hook needs to see first."""
    grad = owner._grad
    if grad is None or owner._hooks or target.leaf is None:
        return None
    acc = grad._node
    return acc if acc.shape == target.shape else None


def _cleared(acc: Node | None, target: Node) -> bool:
    """Whether the ``.grad`` node ``acc`` is zeros that no sync has computed (``w.grad.zero_()``,
    ``w.grad.data.zero_()``: the seed's manual loop; syncs leave fills pending): the gradient then replaces it
    instead of being added to it, and the step's executable neither fills nor reads those zeros."""
    return (acc is not None and acc.op is FULL and acc.value is None and acc.dtype == target.dtype
            and acc.static[1] == ("value", 0))


def _accumulate(owner: Tensor, g: Node, create_graph: bool) -> None:
    """Adds ``g`` into ``owner.grad`` after the owner's hooks (PyTorch's ``AccumulateGrad``), under
    grad mode ``create_graph``, where ``backward`` could not (see ``_into``) or need not (a first
    gradient without hooks) leave it to the replay."""
    hooks = owner._hooks
    gt = None  # the gradient as a Tensor, made only for hooks or a differentiable sum
    if hooks:
        gt = wrap(g)
        for hook in hooks:
            out = hook(gt)
            if out is not None:
                gt = out
    grad = owner._grad
    if grad is None:
        owner._grad = gt if create_graph else gt.detach()
    elif create_graph:
        owner._grad = grad + (wrap(g) if gt is None else gt)
    else:
        a, b = grad._node, g if gt is None else gt._node
        grad._write(engine.apply(ADD, (a, b), aval=(a.shape, a.dtype) if a.shape == b.shape else None),
                    counted=False)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """``torch.autograd.grad``: the gradients of ``outputs`` w.r.t. ``inputs``, without touching ``.grad``."""
    if is_grads_batched:
        raise NotImplementedError("torch.autograd.grad(is_grads_batched=True)")
    single = isinstance(inputs, Tensor)
    inputs = [inputs] if single else list(inputs)
    roots, cots = _roots_and_cots(outputs, grad_outputs)
    retain_graph = create_graph if retain_graph is None else retain_graph
    inner, leaves = collect(roots)
    check_versions(inner)  # a saved tensor written in place since: PyTorch's error
    engine.settle(inner)
    for t in inputs:
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    reached = {id(n) for n in inner} | {id(n) for n in leaves}
    used = [t for t in inputs if id(t._node) in reached]
    if len(used) != len(inputs) and not (allow_unused or materialize_grads):
        index = next(i for i, t in enumerate(inputs) if id(t._node) not in reached)
        raise RuntimeError(f"The differentiated Tensor at index {index} appears to not have been used in the graph. "
                           "Set allow_unused=True if this is the desired behavior.")
    cut = barriers(inner)
    grads = dict(zip(map(id, used), _vjp(roots, cots, [t._node for t in used], create_graph, cut, inner))) if used or cut else {}
    out = []
    for t in inputs:
        g = grads.get(id(t))
        if g is None:
            out.append(_zeros_like(t) if materialize_grads else None)
        else:
            out.append(wrap(g))
    engine.owe_backward_sync()
    if not retain_graph:
        _free(inner)
    return tuple(out)


def _zeros_like(t: Tensor) -> Tensor:
    return wrap(engine.constant(jnp.zeros(t._node.shape, t._node.dtype)))
