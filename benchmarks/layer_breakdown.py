"""Per-layer milliseconds of the training workloads' layers: the functional core under ``jax.jit`` against
PyTorch eager on the same shapes, forward, each gradient alone (``d in``: w.r.t. the first input; ``d w``:
w.r.t. the others, i.e. the weights) and forward+backward (grads of ``sum(y * g)`` w.r.t. every float
input), plus the bare matmuls behind them (``jnp.dot`` vs ``torch.mm``) to separate XLA:CPU's GEMM from
our lowering. Calls of all variants are interleaved in one process and the minimum over repetitions is
reported, which is robust to other load on a shared machine.

``--xla-options NAME=VALUE`` (repeatable) compares XLA settings: every variant is also compiled with those
options (the DebugOptions behind ``XLA_FLAGS``, given per compilation), and all are timed interleaved in
one process, so that load changes hit every setting alike; ``--clock cpu`` times this process's CPU time
instead of wall time. The torch line puts PyTorch's fwd and f+b under ``core fwd`` and ``core f+b``. Not a
test; run ``python benchmarks/layer_breakdown.py [-k regex] [--repeats N] [--torch-threads T] [--no-torch]
[--clock cpu] [--xla-options NAME=VALUE]``.
"""
from __future__ import annotations

import argparse
import os
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
    ("resnet conv 64->64 3x3 56x56 N8", lambda x, w: F.conv2d(x, w, padding=1),
     lambda x, w: TF.conv2d(x, w, padding=1), [(8, 64, 56, 56), (64, 64, 3, 3)]),
    ("resnet conv 256->256 3x3 14x14 N8", lambda x, w: F.conv2d(x, w, padding=1),
     lambda x, w: TF.conv2d(x, w, padding=1), [(8, 256, 14, 14), (256, 256, 3, 3)]),
    ("lstm LSTM(200, 200, 2) T35 N20", _lstm_core, _lstm_torch,
     [(35, 20, 200)] + [tuple(p.shape) for p in _LSTM.parameters()]),
    ("lstm decoder 200->10000", F.linear, TF.linear, [(700, 200), (10000, 200), (10000,)]),
    ("gemm 64x25088 @ 25088x1024", jnp.dot, torch.mm, [(B, 25088), (25088, 1024)]),
    ("gemm 50176x576 @ 576x128", jnp.dot, torch.mm, [(B * 784, 576), (576, 128)]),
    ("gemm 20x200 @ 200x800", jnp.dot, torch.mm, [(20, 200), (200, 800)]),
]
COLUMNS = ["core fwd", "core d in", "core d w", "core f+b"]
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def _timings(fns: dict, repeats: int, clock) -> dict:
    """Minimum ms per call of each zero-argument callable, calls interleaved round-robin."""
    for fn in fns.values():
        fn()
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(repeats):
        for name, fn in fns.items():
            start = clock()
            fn()
            best[name] = min(best[name], clock() - start)
    return {name: t * 1e3 for name, t in best.items()}


def measure(core_fn, torch_fn, shapes, settings: list[dict], args) -> dict:
    """``{(setting index or "torch", column): ms}`` for one row, every variant compiled for every setting."""
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(np.float32) * 0.1 for s in shapes]
    xs = [jnp.asarray(a) for a in arrays]
    g = jnp.asarray(rng.standard_normal(jax.eval_shape(core_fn, *xs).shape).astype(np.float32))

    def grads(select):  # vjp w.r.t. the inputs ``select`` picks, the others closed over
        def fn(*a):
            picked = [i for i in range(len(a)) if select(i)]
            sub = lambda *p: core_fn(*[p[picked.index(i)] if i in picked else v for i, v in enumerate(a)])  # noqa: E731
            return jax.vjp(sub, *[a[i] for i in picked])[1](g)
        return fn

    variants = {"core fwd": core_fn, "core d in": grads(lambda i: i == 0), "core f+b": grads(lambda i: True)}
    if len(xs) > 1:
        variants["core d w"] = grads(lambda i: i > 0)
    fns = {}
    for i, options in enumerate(settings):
        for column, fn in variants.items():
            exe = jax.jit(fn).lower(*xs).compile(compiler_options=options or None)
            fns[i, column] = lambda exe=exe: jax.block_until_ready(exe(*xs))
    if not args.no_torch:
        ts = [torch.from_numpy(a).requires_grad_() for a in arrays]
        tg = torch.from_numpy(np.array(g))

        def torch_fwd():
            with torch.no_grad():
                return torch_fn(*ts)

        fns.update({("torch", "core fwd"): torch_fwd,
                    ("torch", "core f+b"): lambda: torch.autograd.grad(torch_fn(*ts), ts, tg)})
    return _timings(fns, args.repeats, CLOCKS[args.clock])


def option(text: str) -> dict:
    """``name=value[;name=value]`` as XLA compiler options (DebugOptions fields, enum values by name)."""
    return dict(item.split("=", 1) for item in text.split(";") if item)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", default="", help="regex on row names")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--torch-threads", type=int, default=1)
    parser.add_argument("--no-torch", action="store_true", help="time only the core")
    parser.add_argument("--clock", choices=CLOCKS, default="wall",
                        help="wall time, or this process's CPU time (less disturbed by other processes)")
    parser.add_argument("--xla-options", action="append", default=[], type=option, metavar="NAME=VALUE[;...]",
                        help="an XLA setting to compare with the process's own (repeatable), e.g. "
                             "xla_cpu_experimental_ynn_fusion_type=LIBRARY_FUSION_TYPE_REDUCE")
    args = parser.parse_args()
    torch.set_num_threads(args.torch_threads)
    settings = [{}] + args.xla_options
    print(f"backend {jax.default_backend()}, torch threads {torch.get_num_threads()}, load {os.getloadavg()}, "
          f"min {args.clock} ms per call; [ratios to the first setting]")
    print(f"{'row':34} {'setting':8} " + " ".join(f"{c:>9}" for c in COLUMNS))
    for name, core_fn, torch_fn, shapes in CASES:
        if not re.search(args.k, name):
            continue
        t = measure(core_fn, torch_fn, shapes, settings, args)
        for i in list(range(len(settings))) + ([] if args.no_torch else ["torch"]):
            cells = " ".join(f"{t[i, c]:9.2f}" if (i, c) in t else f"{'-':>9}" for c in COLUMNS)
            rel = " ".join(f"{t[i, c] / t[0, c]:5.2f}" for c in COLUMNS if (i, c) in t)
            print(f"{name:34} {i:8} {cells}  [{rel}]", flush=True)
    for i, options in enumerate(settings):
        print(f"setting {i}: {options or 'XLA_FLAGS=' + repr(os.environ.get('XLA_FLAGS', ''))}")


if __name__ == "__main__":
    main()
