"""Where a training step's executable spends its time: XLA:CPU's thunks (fusions, convolutions, dots), per
step, from JAX's profiler trace.

``python -m benchmarks.step_profile [-k regex] [--facade] [--steps N] [--top N]`` runs the matching
workloads' hand-written ``jax.jit`` steps (or, with ``--facade``, the facade's), then traces ``--steps``
steps and lists the thunks by microseconds per step. Thunks of one executable may run concurrently on the
CPU's threads, so their sum can exceed the step's wall time. To see what a thunk computes, dump the
optimised HLO (``XLA_FLAGS=--xla_dump_to=DIR --xla_dump_hlo_as_text``) and look its name up. This is how
LeNet's step was broken down (``jtorch/nn/functional/_conv.py``, ``_pooling.py``). Not a test.
"""
from __future__ import annotations

import argparse
import collections
import glob
import gzip
import json
import os
import re
import tempfile

import jax

import jtorch.compat as facade
from benchmarks.workloads import WORKLOADS

#: Trace events that are the runtime around the thunks, not a thunk.
_RUNTIME = ("ThunkExecutor", "PjitFunction", "$", "CommonPjRt", "ParseArguments", "SlinkyThreadPool")


def _wait(value) -> None:
    if isinstance(value, jax.Array):
        value.block_until_ready()
    else:
        value.item()


def thunk_us(step, steps: int) -> dict[str, float]:
    """Microseconds per step of each thunk over ``steps`` traced steps (after a warm-up)."""
    for _ in range(3):
        _wait(step())
    with tempfile.TemporaryDirectory() as trace_dir:
        with jax.profiler.trace(trace_dir, create_perfetto_trace=True):
            for _ in range(steps):
                _wait(step())
        with gzip.open(glob.glob(f"{trace_dir}/**/*perfetto_trace.json.gz", recursive=True)[0]) as f:
            events = json.load(f)
    total = collections.Counter()
    for event in events["traceEvents"] if isinstance(events, dict) else events:
        if event.get("ph") == "X" and not event["name"].startswith(_RUNTIME):
            total[event["name"]] += event["dur"] / steps
    return dict(total.most_common())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", default="LeNet", help="regex on workload names")
    parser.add_argument("--facade", action="store_true", help="profile the facade's step, not the jit step")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    for workload in WORKLOADS:
        if not re.search(args.k, workload.name) or (workload.core is None and not args.facade):
            continue
        step = (workload.facade or workload.build)(facade, False) if args.facade else workload.core(False)
        thunks = thunk_us(step, args.steps)
        print(f"{workload.name} ({'facade' if args.facade else 'core-jit'}, load {os.getloadavg()[0]:.1f}): "
              f"sum of thunks {sum(thunks.values()):.0f} us per step")
        for name, us in list(thunks.items())[:args.top]:
            print(f"  {us:10.1f} us  {name}")


if __name__ == "__main__":
    main()
