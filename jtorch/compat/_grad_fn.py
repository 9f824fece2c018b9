"""``grad_fn`` objects: PyTorch-named views of graph nodes (``AddBackward0``, ``AccumulateGrad``).

An output of a custom ``autograd.Function`` has its ``ctx`` as ``grad_fn``, as in PyTorch; the
:data:`function_outputs` registry maps such an output node to ``(ctx, output index)``.

Known differences: after an in-place write to its base, PyTorch regenerates a view's ``grad_fn`` as
``AsStridedBackward0``; jtorch keeps the view's own name (matching it needs the base's version counter at
the view's creation, which views do not record). ``next_functions`` follow the graph's nodes: an op PyTorch
composes of several (``linear``'s transposed weight, ``cross_entropy``'s log_softmax) is one node here.
"""
from __future__ import annotations

import weakref

from .engine import SELECT, Node

__all__ = ["AccumulateGrad", "GradFn", "Node_", "function_outputs", "grad_fn_of"]

#: Output node of a custom Function -> (its ctx, which output). Weak keys: it dies with the graph.
function_outputs: "weakref.WeakKeyDictionary[Node, tuple]" = weakref.WeakKeyDictionary()


class Node_:
    """Base of ``grad_fn`` objects (``torch.autograd.graph.Node``)."""

    def name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"


class GradFn(Node_):
    """The ``grad_fn`` of a non-leaf tensor: named like PyTorch's, with ``next_functions``."""

    def __init__(self, node: Node):
        self._node = node

    def name(self) -> str:
        if type(self) is not GradFn:
            return type(self)._name
        node, index = self._node, 0
        while node.op is SELECT:  # an output of a multi-output op shows its producer's name
            index, node = node.static[0][1], node.inputs[0]
        name = node.op.grad_name
        if isinstance(name, tuple):  # one name per output: PyTorch's modules build them with different ops
            return name[index]
        return name or f"{node.op.name.capitalize()}Backward0"

    @property
    def next_functions(self):
        node = self._node
        inputs = node.inputs[0].inputs if node.op is SELECT else node.inputs
        return next_functions(inputs)

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


def next_functions(inputs) -> tuple:
    return tuple((grad_fn_of(i) if i.requires_grad else None, 0) for i in inputs)


_GRAD_FN_CLASSES: dict[str, type] = {}


def grad_fn_of(node: Node):
    """The ``grad_fn`` object of ``node``: an instance of a class named like PyTorch's (``AddBackward0``)."""
    if not node.requires_grad:
        return None
    if node.leaf is not None:
        return AccumulateGrad(node)
    fn = function_outputs.get(node)
    if fn is not None:
        return fn[0]
    name = GradFn(node).name()
    cls = _GRAD_FN_CLASSES.get(name)
    if cls is None:
        # PyTorch's class of ``torch::autograd::CopySlices`` is ``CopySlices``: name() keeps the namespace
        cls = _GRAD_FN_CLASSES[name] = type(name.rpartition("::")[2], (GradFn,), {"_name": name})
    return cls(node)
