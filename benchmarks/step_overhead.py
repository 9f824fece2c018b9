"""Where a facade training step spends its time: Python per phase vs the executable.

``python benchmarks/step_overhead.py`` times each phase of the seed MLP + Adam step (``zero_grad``, the
model's forward, the loss, ``backward``, ``step``) and of the seed's manual two-layer loop, in microseconds per
step (medians of rounds; wall time, or with ``--cpu`` this thread's CPU time), and splits the sync into
the compiled executable's call and the engine's Python around it. A step's Python is everything but ``exe``; that is what the facade adds to a ``jax.jit`` step.
"""
from __future__ import annotations

import argparse
import statistics
import time

import jtorch.compat as torch
from jtorch.compat import engine

from .workloads._common import inputs
from .workloads.manual_loop import LR, _data

_exe_time = [0.0]
_clock = time.perf_counter  # or time.thread_time (--cpu)


def _timed_build(build):
    def timed(*args):
        exe = build(*args)

        def run(*leaves):
            t = _clock()
            out = exe(*leaves)
            _exe_time[0] += _clock() - t
            return out
        return run
    return timed


engine._build = _timed_build(engine._build)


def _mlp():
    model = torch.nn.Sequential(torch.nn.Linear(1000, 100), torch.nn.ReLU(), torch.nn.Linear(100, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    loss_fn = torch.nn.MSELoss()
    x, y = torch.tensor(inputs((100, 1000))), torch.tensor(inputs((100, 10), seed=1))  # as torch_step
    phases = [("zero_grad", optimizer.zero_grad), ("forward", lambda: model(x)),
              ("loss", lambda out: loss_fn(out, y)), ("backward", lambda loss: loss.backward()),
              ("step", optimizer.step)]
    return phases, ("forward", "loss")


def _manual():
    x, y, w1, w2 = (torch.tensor(a) for a in _data())
    w1.requires_grad_(), w2.requires_grad_()

    def update():
        w1.data -= LR * w1.grad.data
        w2.data -= LR * w2.grad.data

    def zero():
        w1.grad.data.zero_()
        w2.grad.data.zero_()

    phases = [("forward+loss", lambda: (x.mm(w1).clamp(min=0).mm(w2) - y).pow(2).sum()),
              ("backward", lambda loss: loss.backward()), ("update", update), ("zero", zero)]
    return phases, ("forward+loss",)


def _run(phases, feeds, steps: int) -> dict[str, float]:
    """Runs ``steps`` steps; phases named in ``feeds`` pass their result to the next phase."""
    totals = dict.fromkeys([name for name, _ in phases] + ["exe"], 0.0)
    _exe_time[0] = 0.0
    last = None
    for _ in range(steps):
        carry = None
        for name, fn in phases:
            t = _clock()
            result = fn() if carry is None else fn(carry)
            totals[name] += _clock() - t
            carry = result if name in feeds else None
            last = result if result is not None else last
    if last is not None:
        float(last)
    totals["exe"] = _exe_time[0]
    return {k: v / steps * 1e6 for k, v in totals.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--cpu", action="store_true",
                        help="this thread's CPU time instead of wall time: the Python phases, robust to a "
                             "loaded machine (the executable's XLA threads are then not counted)")
    args = parser.parse_args()
    global _clock
    _clock = time.thread_time if args.cpu else time.perf_counter
    for name, make in (("MLP + Adam", _mlp), ("manual 2-layer loop", _manual)):
        phases, feeds = make()
        _run(phases, feeds, 20)  # warm-up: compile
        rounds = [_run(phases, feeds, args.steps) for _ in range(args.rounds)]
        medians = {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}
        total = sum(v for k, v in medians.items() if k != "exe")
        cells = "  ".join(f"{k} {v:6.1f}" for k, v in medians.items())
        print(f"{name:20s} us/step: {cells}  | total {total:6.1f}, Python {total - medians['exe']:6.1f}")


if __name__ == "__main__":
    main()
