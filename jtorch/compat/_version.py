"""PyTorch's version counters on the functional engine: backward raises when a tensor an op saved for it was
modified in place afterwards, with PyTorch's message, instead of differentiating the old value in silence.

A tensor, its views and its ``detach()`` aliases share one counter (a ``.data`` alias does not, as in PyTorch).
An in-place write bumps it and marks the node it replaced with that node's version (:func:`bump`). Nothing is
recorded per op: ``backward`` and ``autograd.grad`` look for marked nodes among what the graph's ops save
(:data:`SAVES`) only when a write has happened since the graph's first node was made (:func:`check`), so a
training loop that writes its parameters between steps pays one comparison per backward.

Approximations (each errs towards not raising):

- Which inputs an op saves is listed for the common ops (arithmetic, products, unary math, reductions,
  activations, losses, ``Linear``/``Conv`` layers), following PyTorch's ``derivatives.yaml``; other ops are
  not checked.
- A saved view is traced to its base through the view ops; a saved ``detach()`` alias is not, nor a view of a
  tensor that does not require grad once it has been computed (the engine drops its inputs).
- A ``.data`` alias has no counter of its own: a write through it bumps nothing (in PyTorch it bumps the
  alias's own counter, so an op that saved the alias itself would raise).
- Where PyTorch does not raise but differentiates the modified value of a tensor written through ``.data``
  after an op saved it, jtorch differentiates the value the op saw.
- Gradient accumulation into ``.grad`` and optimizer state updates are not counted (``_write(counted=False)``:
  most of a step's writes, and no graph saves them); a layer's parameters start at version 0 (PyTorch: 1,
  their initialisation's write).
"""
from __future__ import annotations

import itertools
import re
import weakref

from . import _dtype, engine
from ._grad_fn import grad_fn_of
from .engine import SELECT, Node

__all__ = ["Counter", "SAVES", "bump", "check", "version"]


class Counter:
    """The version counter of a tensor, shared by its views and ``detach()`` aliases."""

    __slots__ = ("version", "owner")

    def __init__(self, owner):
        self.version = 0
        self.owner = weakref.ref(owner)  # the root tensor: its current grad_fn names a saved input in errors


#: id of a replaced node -> (its number, its counter, the version it had, when: a node number taken at the
#: write), in the order of the writes. Keyed by id, not by a weak reference (a third of the cost): the number
#: tells a later node at the same address apart. The oldest half is dropped past the bound: a graph kept
#: across that many writes is not checked.
_marks: dict[int, tuple[int, Counter, int, int]] = {}
_BOUND = 1 << 12  # ~0.5 MB of marks at most
_last = -1  # when the latest write was: no graph made after it saved a node replaced before
_next_seq = engine._SEQ.__next__


def bump(root, old: Node) -> None:
    """Counts an in-place write to ``root`` (a tensor without base) whose node was ``old``."""
    global _last
    counter = root._counter
    if counter is None:
        counter = root._counter = Counter(root)
    version = counter.version
    key = id(old)
    _marks.pop(key, None)  # a dead node's mark at this address: the new one goes last, in time order
    _last = _next_seq()
    _marks[key] = (old.seq, counter, version, _last)
    counter.version = version + 1
    if len(_marks) > _BOUND:  # keep the newest half
        for key in list(itertools.islice(_marks, len(_marks) - _BOUND // 2)):
            del _marks[key]


def version(root) -> int:
    """``root._version``: the writes counted on its counter."""
    counter = root._counter
    return 0 if counter is None else counter.version


# ---------------------------------------------------------------- what each op saves

ALL = None  # the input is saved whenever the op records a gradient
OUT = "out"  # the op's output
_SELF = ((0, ALL),)
_RESULT = ((OUT, ALL),)
_OPERANDS = ((0, (1,)), (1, (0,)))  # a product: each operand is saved for the other's gradient

#: op name -> ((input position or OUT, when: the positions whose requiring grad make it saved, ALL, or a test
#: of the node), ...)
SAVES: dict[str, tuple] = {
    "mul": _OPERANDS, "matmul": _OPERANDS, "bmm": _OPERANDS, "dot": _OPERANDS, "vdot": _OPERANDS,
    "mv": _OPERANDS, "outer": _OPERANDS, "linear": _OPERANDS,
    "div": ((0, (1,)), (1, ALL)),
    "pow": ((0, ALL), (1, ALL), (OUT, lambda n: n.op.grad_name != "PowBackward0")),  # a tensor exponent
    "pow_scalar": _SELF,
    "atan2": ((0, ALL), (1, ALL)), "mse_loss": ((0, ALL), (1, ALL)),
    "cross_entropy": ((1, ALL),), "nll_loss": ((0, ALL), (1, ALL)),
    "Linear": ((0, (-1,)), (-1, (0,))),  # a layer call's inputs: its parameters, then its input (the last)
    "Conv1d": ((0, ALL), (-1, ALL)), "Conv2d": ((0, ALL), (-1, ALL)), "Conv3d": ((0, ALL), (-1, ALL)),
    "conv1d": ((0, ALL), (1, ALL)), "conv2d": ((0, ALL), (1, ALL)), "conv3d": ((0, ALL), (1, ALL)),
    **dict.fromkeys(["abs", "acos", "asin", "atan", "cos", "cosh", "sin", "sinh", "log", "log2", "log10", "log1p",
                     "erf", "erfinv", "lgamma", "digamma", "square", "clamp", "leaky_relu", "gelu", "silu",
                     "softplus", "hardtanh", "LeakyReLU", "GELU", "SiLU", "Softplus", "Hardtanh"], _SELF),
    **dict.fromkeys(["relu", "exp", "exp2", "expm1", "sigmoid", "tanh", "tan", "sqrt", "rsqrt", "reciprocal",
                     "softmax", "log_softmax", "ReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax"], _RESULT),
    **dict.fromkeys(["prod", "amax", "amin", "logsumexp", "norm"], ((0, ALL), (OUT, ALL))),
}
#: op name -> (input, its shape -> the shape of the view of it PyTorch saves): ``linear`` saves ``weight.t()``
VIEWED = {"Linear": (0, lambda s: s[::-1]), "linear": (1, lambda s: s[::-1]), "outer": (0, lambda s: (*s, 1))}


def check(inner: list[Node]) -> None:
    """Raises PyTorch's error if a node that an op of ``inner`` (a backward's forward nodes, in creation
    order) saves was replaced by an in-place write since: one comparison unless a write followed the graph."""
    if _marks and inner and _last > inner[0].seq:
        _scan(inner)


def _scan(inner: list[Node]) -> None:
    start = inner[0].seq
    recent = {}  # the marks of writes made since the graph's first node: only those can concern it
    for key in reversed(_marks):
        mark = _marks[key]
        if mark[3] < start:
            break
        recent[key] = mark
    for n in reversed(inner):  # the order backward meets the ops in
        name = n.op.name
        spec = SAVES.get(name)
        if spec is None:
            continue
        inputs = n.inputs
        k = len(inputs)
        for pos, when in spec:
            if pos != OUT and not -k <= pos < k:
                continue
            if when is not ALL and not (when(n) if callable(when) else
                                        any(-k <= t < k and inputs[t].requires_grad for t in when)):
                continue
            saved = n if pos == OUT else inputs[pos]
            found = _find(saved, recent)
            if found is not None:
                at, shape = VIEWED.get(name, (None, None))
                raise RuntimeError(_message(saved, pos == OUT, *found, shape if at == pos else None))


_view_ops: list = []  # ``_tensor``'s WRITE_OPS (the view ops, each with its write) and DETACH, at the first scan


def _find(node: Node, marks: dict) -> tuple | None:
    """The mark on ``node`` or on the base its view ops were taken from, and how many view ops that took. A
    detached alias is not traced: ``.data`` (which has its own counter) and ``detach()`` make the same nodes."""
    if not _view_ops:
        from ._tensor import DETACH, WRITE_OPS  # not at import: ``_tensor`` imports this module
        _view_ops.extend((WRITE_OPS, DETACH))
    views, detach = _view_ops
    steps = 0
    while True:
        mark = marks.get(id(node))
        if mark is not None and mark[0] == node.seq:
            return mark[1:3], steps
        if node.op not in views or node.op is detach or not node.inputs:
            return None
        node, steps = node.inputs[0], steps + 1


def _message(saved: Node, is_output: bool, mark: tuple[Counter, int], steps: int, viewed) -> str:
    counter, expected = mark
    shape = ", ".join(map(str, saved.shape if viewed is None else viewed(saved.shape)))
    steps += viewed is not None
    text = (f"one of the variables needed for gradient computation has been modified by an inplace operation: "
            f"[{_dtype.type_name(_dtype.from_any(saved.dtype))} [{shape}]]")
    name = _producer(saved, is_output, counter, steps)
    if name is not None:
        index = dict(saved.static).get("index", 0) if saved.op is SELECT else 0
        text += f", which is output {index} of {re.sub(r'Backward0$|Backward(?=[0-9]+$)', '', name)},"  # Pow1
    return (text + f" is at version {counter.version}; expected version {expected} instead. Hint: enable anomaly "
            "detection to find the operation that failed to compute its gradient, with "
            "torch.autograd.set_detect_anomaly(True, check_nan=False).")


def _producer(saved: Node, is_output: bool, counter: Counter, steps: int) -> str | None:
    """The ``grad_fn`` PyTorch names: the saving op's for its output; a view's is regenerated after its base
    was written (``AsStrided``); a saved input's is its tensor's current one."""
    if not saved.requires_grad:
        return None
    if is_output:
        return grad_fn_of(saved).name()
    if steps:
        return "AsStrided"
    if saved.leaf is not None:
        return None
    owner = counter.owner()
    node = saved if owner is None else owner._node_
    return grad_fn_of(node).name() if node.requires_grad and node.leaf is None else None
