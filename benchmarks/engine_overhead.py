"""Compat-engine speed against PyTorch eager (CPU), as ratios measured in the same run.

1. Graph-building overhead: microseconds of Python per op in steady state (no sync inside the timed loop).
2. The seed tutorial's manual two-layer autograd loop (100x1000 -> 100 -> 10, `w.data -= lr * w.grad.data`).

    python benchmarks/engine_overhead.py [--iters 200]
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import torch as real

import jtorch.compat as jt
from jtorch.compat import engine


def _per_op_us(lib, n_ops: int) -> float:
    """Time per op of a 3-op expression rebuilt from the same input: jtorch only builds graph nodes
    (the dead expressions are never computed), PyTorch runs each op eagerly."""
    x = lib.ones(8, 8)
    x.sum().item()
    start = time.perf_counter()
    for _ in range(n_ops // 3):
        y = (x * 0.5 + x) - x
    elapsed = time.perf_counter() - start
    y.sum().item()
    return elapsed / n_ops * 1e6


def _manual_loop(lib, iters: int) -> tuple[float, float]:
    rng = np.random.default_rng(0)
    x = lib.from_numpy(rng.standard_normal((100, 1000)).astype(np.float32))
    y = lib.from_numpy(rng.standard_normal((100, 10)).astype(np.float32))
    w1 = lib.from_numpy(rng.standard_normal((1000, 100)).astype(np.float32) * 0.03).requires_grad_()
    w2 = lib.from_numpy(rng.standard_normal((100, 10)).astype(np.float32) * 0.1).requires_grad_()

    def step():
        loss = (x.mm(w1).clamp(min=0).mm(w2) - y).pow(2).sum()
        loss.backward()
        w1.data -= 1e-6 * w1.grad.data
        w2.data -= 1e-6 * w2.grad.data
        w1.grad.data.zero_()
        w2.grad.data.zero_()
        return loss

    for _ in range(5):
        step().item()
    start = time.perf_counter()
    for _ in range(iters):
        loss = step()
    final = loss.item()
    return (time.perf_counter() - start) / iters * 1e3, final


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iters", type=int, default=200)
    args = parser.parse_args()
    rows = []
    _per_op_us(jt, 4000), _per_op_us(real, 4000)
    rows.append(("per-op overhead (us)", _per_op_us(jt, 40000), _per_op_us(real, 40000)))
    engine.reset_stats()
    jt_ms, _ = _manual_loop(jt, args.iters)
    compiles, executions = engine.stats()["compilations"], engine.stats()["executions"]
    real_ms, _ = _manual_loop(real, args.iters)
    rows.append(("manual 2-layer loop (ms/iter)", jt_ms, real_ms))
    print(f"{'benchmark':32s} {'jtorch':>10s} {'pytorch':>10s} {'ratio':>8s}")
    for name, a, b in rows:
        print(f"{name:32s} {a:10.3f} {b:10.3f} {a / b:8.2f}x")
    print(f"compilations during the manual loop (after warm-up included): {compiles}")
    print(f"executions per step of the manual loop (from_numpy weights): {executions / (args.iters + 5):.2f}")


if __name__ == "__main__":
    main()
