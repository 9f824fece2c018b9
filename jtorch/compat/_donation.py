"""Which materialised inputs of a sync's executable it may overwrite (``jax.jit``'s ``donate_argnums``).

An optimizer step replaces each parameter and state buffer with a new one of the same shape and dtype.
Donating the old buffer lets XLA update it in place instead of writing fresh memory: 6-20% of the MLP's
jit step on CPU. A buffer is donated only when nothing can read it after the sync:

- its array is referenced by its node alone (no ``detach()`` alias, no cached scalar, no NumPy view);
- its node is referenced only by the inputs of this sync's nodes (no tensor, no graph outside the sync);
- none of those nodes keeps its inputs afterwards: an output that a backward may still replay through,
  or a pending intermediate that something outside the sync (or such an output) still reaches;
- an output of the same shape and dtype is there to take it (XLA aliases only those).

The reference counts are exact (``sys.getrefcount``), so the test costs no bookkeeping elsewhere.
"""
from __future__ import annotations

import math
import sys
from collections import Counter
from itertools import chain
from typing import Callable

import numpy as np

__all__ = ["Plan"]

#: Smaller buffers gain nothing measurable from in-place updates; skipping them keeps syncs cheap.
MIN_BYTES = 1 << 14

# A node (or array) inspected as ``getrefcount(nodes[j])`` (``getrefcount(node.value)``) has two references
# of ours: the caller's list (the node's slot) and getrefcount's argument; every other one is counted.
_getrefcount = sys.getrefcount


class Plan:
    """The executables of one program structure (``engine._compute``'s key), keyed by the leaves they
    donate, and the part of the donation test that depends on that structure alone, worked out once."""

    __slots__ = ("executables", "candidates", "free", "uses", "outputs")

    def __init__(self, order: list, leaves: tuple, program: tuple, outputs: tuple[int, ...]):
        self.executables: dict[tuple[int, ...], Callable] = {}
        #: Output avals a donated buffer can alias, and the leaves big enough and of one of those avals.
        self.free = Counter([(n.shape, n.dtype) for n in map(order.__getitem__, outputs)
                             if not isinstance(n.dtype, tuple)])
        self.candidates = [j for j, aval in enumerate(leaves) if self.free[aval] and _big(aval)]
        self.uses = Counter(chain.from_iterable([refs for _, _, refs in program]))  # references per ref
        self.outputs = set(outputs)

    def donatable(self, order: list, leaf_nodes: list, leaves: tuple, program: tuple) -> tuple[int, ...]:
        """The positions in ``leaf_nodes`` whose buffers this sync's executable may take over."""
        candidates = [j for j in self.candidates if _getrefcount(leaf_nodes[j].value) == 2
                      and not isinstance(leaf_nodes[j].value, np.ndarray)]
        if not candidates:
            return ()
        uses = self.uses
        reached = _reached(order, program, self.outputs, uses)
        taken = Counter()  # outputs of each aval promised so far
        donated = []
        for j in candidates:
            aval = leaves[j]
            if ~j not in reached and taken[aval] < self.free[aval] and _getrefcount(leaf_nodes[j]) == 2 + uses[~j]:
                taken[aval] += 1
                donated.append(j)
        return tuple(donated)


def _big(aval: tuple) -> bool:
    shape, dtype = aval  # a multi-output node's value is a tuple of arrays: never donated
    return not isinstance(dtype, tuple) and math.prod(shape) * dtype.itemsize >= MIN_BYTES


def _reached(order: list, program: tuple, outputs: set[int], uses: Counter) -> set[int]:
    """The refs (positions and ``~leaf``) read by a node that keeps its inputs after the sync: an output
    that stays differentiable (``Node.keeps_inputs``), or an intermediate still reachable."""
    reached: set[int] = set()
    for k in range(len(order) - 1, -1, -1):
        if k in outputs:
            keeps = order[k].keeps_inputs
        else:  # referenced by ``order`` and getrefcount's argument, and by its consumers here
            keeps = k in reached or _getrefcount(order[k]) > 2 + uses[k]
        if keeps:
            reached.update(program[k][2])
    return reached
