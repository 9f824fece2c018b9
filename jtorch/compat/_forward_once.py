"""One forward per step: a replay node and the forward nodes it replays share one evaluation.

A training step's executable computes the forward nodes (the loss is live) and the replay node, which
re-evaluates that forward under ``jax.vjp``. XLA merges the two copies of a loop-free forward (CSE), but
not of a ``while`` loop: the replay's copy of an LSTM's scan also emits the residuals, so the recurrence
ran twice (6 while loops where a hand-written ``jax.jit`` step has 4); max_pool's reduce-window too.

So :func:`runner` evaluates such a program with each replay split in two. Its forward half
(``_replay.forward``) runs once the replay's variables and constants are computed, and its auxiliary
outputs are the values of the program's nodes that equal nodes of the replayed forward: same op, static
arguments and inputs, so the same value (ops are pure; the executable cache relies on that too). Those
nodes are not evaluated again. Its backward half runs at the replay's place, where the cotangents are.

A node is taken over only if the replay's variables and constants do not depend on it (a constant such
as ``y.detach()``, or a cotangent ``f(y)``, is computed before the forward half or after, as needed), and
by one replay only (staged backwards, ``create_graph``). The program is then evaluated in a topological
order of the nodes left and the forward halves. A forward node computed by an earlier sync is a leaf
here, so nothing equals it: the replay recomputes it, as it must for its residuals.
"""
from __future__ import annotations

from typing import Callable

from . import _replay
from ._replay import REPLAY

__all__ = ["runner"]

_EVAL, _FORWARD, _BACKWARD = range(3)


def runner(program: tuple, outputs: tuple[int, ...]) -> Callable | None:
    """The function of the leaves that evaluates ``program`` (``engine._build``'s format) and returns the
    results ``outputs``, each replayed forward evaluated once; ``None`` when no replay shares a node."""
    replays = [k for k, (op, _, _) in enumerate(program) if op is REPLAY]
    if not replays:
        return None
    index: dict[tuple, int] = {}
    for k, entry in enumerate(program):
        index.setdefault(entry, k)
    taken = _Taken(program)
    for k in replays:
        _, static, refs = program[k]
        plan = dict(static)["plan"]
        args = refs[:plan.n_vars + plan.n_consts]
        before = taken.ancestors([r for r in args if r >= 0])
        keep = [(i, p) for i, p in _match(plan, args, index) if p not in taken.owner and p not in before]
        if keep:
            taken.add(k, keep)
    if not taken.keep:
        return None
    return _evaluator(program, outputs, taken)


def _match(plan: _replay.Plan, args: tuple, index: dict[tuple, int]) -> list[tuple[int, int]]:
    """(program index in ``plan``, position in the engine program) of each replayed node the engine
    program also computes; ``args``: the engine refs of the replay's variables and constants."""
    at: list[int | None] = []
    found = []
    for i, (op, static, refs) in enumerate(plan.program):
        mapped = tuple([args[r] if r >= 0 else at[~r] for r in refs])
        pos = None if None in mapped else index.get((op, static, mapped))
        at.append(pos)
        if pos is not None:
            found.append((i, pos))
    return found


class _Taken:
    """The dependency graph as the replays' forward halves change it. Vertices: the program positions,
    and ``n + k`` for the forward half of the replay at ``k``; a position taken over depends on it."""

    def __init__(self, program: tuple):
        self.program, self.n = program, len(program)
        self.owner: dict[int, int] = {}  # position taken over -> the replay computing it
        self.keep: dict[int, list[tuple[int, int]]] = {}  # replay -> its (plan index, position) pairs

    def add(self, k: int, keep: list[tuple[int, int]]) -> None:
        self.keep[k] = keep
        for _, p in keep:
            self.owner[p] = k

    def deps(self, v: int) -> list[int]:
        n, owner = self.n, self.owner
        if v >= n:  # a forward half: the replay's variables and constants
            _, static, refs = self.program[v - n]
            plan = dict(static)["plan"]
            refs = refs[:plan.n_vars + plan.n_consts]
        elif v in self.keep:  # a backward half: its forward half, cotangents and gradients to add to
            _, static, refs = self.program[v]
            plan = dict(static)["plan"]
            return [n + v] + [n + owner[r] if r in owner else r
                              for r in refs[plan.n_vars + plan.n_consts:] if r >= 0]
        else:
            refs = self.program[v][2]
        return [n + owner[r] if r in owner else r for r in refs if r >= 0]

    def ancestors(self, starts: list[int]) -> set[int]:
        seen, stack = set(), list(starts)
        while stack:
            v = stack.pop()
            if v not in seen:
                seen.add(v)
                stack.extend(self.deps(v))
        return seen

    def order(self) -> list[int]:
        """Every vertex still evaluated, inputs first (depth-first, from the positions in order)."""
        done: set[int] = set()
        order = []
        for start in range(self.n):
            if start in self.owner or start in done:
                continue
            stack = [(start, iter(self.deps(start)))]
            done.add(start)
            while stack:
                v, pending = stack[-1]
                for d in pending:
                    if d not in done:
                        done.add(d)
                        stack.append((d, iter(self.deps(d))))
                        break
                else:
                    stack.pop()
                    order.append(v)
        return order


def _evaluator(program: tuple, outputs: tuple[int, ...], taken: _Taken) -> Callable:
    n = taken.n
    steps = []  # (kind, position, plan, plan indices kept, positions they give)
    for v in taken.order():
        k = v - n if v >= n else v
        op, static, _ = program[k]
        plan = dict(static)["plan"] if op is REPLAY else None
        if v >= n:
            keep = taken.keep[k]
            steps.append((_FORWARD, k, plan, tuple([i for i, _ in keep]), tuple([p for _, p in keep])))
        else:
            steps.append((_BACKWARD if v in taken.keep else _EVAL, k, plan, (), ()))

    def run(*leaves):
        env: list = [None] * n
        halves = {}  # replay -> its forward half's (root values, vjp function)

        def values(refs):
            return [env[r] if r >= 0 else leaves[~r] for r in refs]

        for kind, k, plan, keep, positions in steps:
            op, static, refs = program[k]
            if kind == _EVAL:
                env[k] = op.fn(*values(refs), **dict(static))
                continue
            n_in = plan.n_vars + plan.n_consts
            if kind == _FORWARD:
                outs, vjp, kept = _replay.forward(plan, values(refs[:n_in]), keep)
                halves[k] = (outs, vjp)
                for p, value in zip(positions, kept):
                    env[p] = value
            else:
                env[k] = _replay.backward(plan, *halves.pop(k), iter(values(refs[n_in:])))
        return tuple(env[i] for i in outputs)

    return run
