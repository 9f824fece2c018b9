"""Per-layer milliseconds of the training workloads' layers: the functional core under ``jax.jit`` against
PyTorch eager on the same shapes, forward and forward+backward (grads of ``sum(y * g)`` w.r.t. every float
input), plus the bare matmuls behind them (``jnp.dot`` vs ``torch.mm``) to separate XLA:CPU's GEMM from our
lowering. Calls of all variants are interleaved in one process and the minimum over repetitions is
reported, which is robust to other load on a shared machine. Not a test; run
``python benchmarks/layer_breakdown.py [-k regex] [--repeats N] [--torch-threads T]``.
"""
from __future__ import annotations

import argparse
import re
import time

import jax
import jax.numpy as jnp
import numpy as np
import torch
import torch.nn.functional as TF

from jtorch.nn import functional as F

B = 64
_LSTM = torch.nn.LSTM(200, 200, 2)
_LSTM_NAMES = [name for name, _ in _LSTM.named_parameters()]


def _lstm_core(x, *weights):
    return F.lstm(x, None, dict(zip(_LSTM_NAMES, weights)))[0]


def _lstm_torch(x, *weights):
    return torch.func.functional_call(_LSTM, dict(zip(_LSTM_NAMES, weights)), (x,))[0]


# (row, core fn, torch fn, input shapes)
CASES = [
    ("cnn conv1 3->64 3x3 p1", lambda x, w, b: F.conv2d(x, w, b, padding=1),
     lambda x, w, b: TF.conv2d(x, w, b, padding=1), [(B, 3, 28, 28), (64, 3, 3, 3), (64,)]),
    ("cnn conv2 64->128 3x3 p1", lambda x, w, b: F.conv2d(x, w, b, padding=1),
     lambda x, w, b: TF.conv2d(x, w, b, padding=1), [(B, 64, 28, 28), (128, 64, 3, 3), (128,)]),
    ("cnn relu 128x28x28", F.relu, TF.relu, [(B, 128, 28, 28)]),
    ("cnn max_pool2d 2", lambda x: F.max_pool2d(x, 2), lambda x: TF.max_pool2d(x, 2), [(B, 128, 28, 28)]),
    ("cnn linear 25088->1024", F.linear, TF.linear, [(B, 25088), (1024, 25088), (1024,)]),
    ("lenet conv1 1->6 5x5", F.conv2d, TF.conv2d, [(B, 1, 32, 32), (6, 1, 5, 5), (6,)]),
    ("lenet conv2 6->16 5x5", F.conv2d, TF.conv2d, [(B, 6, 14, 14), (16, 6, 5, 5), (16,)]),
    ("lenet max_pool2d 2", lambda x: F.max_pool2d(x, 2), lambda x: TF.max_pool2d(x, 2), [(B, 6, 28, 28)]),
    ("lstm LSTM(200, 200, 2) T35 N20", _lstm_core, _lstm_torch,
     [(35, 20, 200)] + [tuple(p.shape) for p in _LSTM.parameters()]),
    ("lstm decoder 200->10000", F.linear, TF.linear, [(700, 200), (10000, 200), (10000,)]),
    ("gemm 64x25088 @ 25088x1024", jnp.dot, torch.mm, [(B, 25088), (25088, 1024)]),
    ("gemm 50176x576 @ 576x128", jnp.dot, torch.mm, [(B * 784, 576), (576, 128)]),
    ("gemm 20x200 @ 200x800", jnp.dot, torch.mm, [(20, 200), (200, 800)]),
]


def _timings(fns: dict, repeats: int) -> dict:
    """Minimum ms per call of each zero-argument callable, calls interleaved round-robin."""
    for fn in fns.values():
        fn()
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - start)
    return {name: t * 1e3 for name, t in best.items()}


def _case(core_fn, torch_fn, shapes, repeats: int) -> dict:
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(np.float32) * 0.1 for s in shapes]
    xs = [jnp.asarray(a) for a in arrays]
    fwd = jax.jit(core_fn)
    g = jnp.asarray(rng.standard_normal(fwd(*xs).shape).astype(np.float32))
    bwd = jax.jit(lambda *a: jax.vjp(core_fn, *a)[1](g))
    ts = [torch.from_numpy(a).requires_grad_() for a in arrays]
    tg = torch.from_numpy(np.array(g))

    def torch_fwd():
        with torch.no_grad():
            return torch_fn(*ts)

    return _timings({"core fwd": lambda: jax.block_until_ready(fwd(*xs)), "torch fwd": torch_fwd,
                     "core f+b": lambda: jax.block_until_ready(bwd(*xs)),
                     "torch f+b": lambda: torch.autograd.grad(torch_fn(*ts), ts, tg)}, repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", default="", help="regex on row names")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--torch-threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.torch_threads)
    print(f"backend {jax.default_backend()}, torch threads {torch.get_num_threads()}, min ms per call")
    print(f"{'row':32} {'core fwd':>9} {'torch fwd':>9} {'ratio':>6} {'core f+b':>9} {'torch f+b':>9} {'ratio':>6}")
    for name, core_fn, torch_fn, shapes in CASES:
        if re.search(args.k, name):
            t = _case(core_fn, torch_fn, shapes, args.repeats)
            print(f"{name:32} {t['core fwd']:9.2f} {t['torch fwd']:9.2f} {t['core fwd'] / t['torch fwd']:6.2f} "
                  f"{t['core f+b']:9.2f} {t['torch f+b']:9.2f} {t['core f+b'] / t['torch f+b']:6.2f}", flush=True)


if __name__ == "__main__":
    main()
