"""Milliseconds per jitted call of each convolution lowering in ``jtorch.nn.functional._conv``, and PyTorch's.

Forward and forward+backward (grads of ``sum(y * g)`` w.r.t. input and weight) on the seed CNN's shapes,
a CIFAR-like stem and a 1-d conv. ``auto`` is what ``conv2d`` picks on this backend. Not a test; run
``python benchmarks/conv_lowering.py [--repeats N]``.
"""
from __future__ import annotations

import argparse
import time

import jax
import jax.numpy as jnp
import numpy as np
import torch

from jtorch.nn.functional import _conv

# (name, input shape, weight shape, padding)
CASES = [
    ("mnist conv1 1->64 3x3", (64, 1, 28, 28), (64, 1, 3, 3), 1),
    ("mnist conv2 64->128 3x3", (64, 64, 28, 28), (128, 64, 3, 3), 1),
    ("cifar stem 3->32 3x3", (64, 3, 32, 32), (32, 3, 3, 3), 1),
    ("cifar 32->64 3x3", (64, 32, 16, 16), (64, 32, 3, 3), 1),
    ("1-d 16->32 k5", (64, 16, 128), (32, 16, 5), 2),
]

LOWERINGS = {
    "nchw": lambda x, w, spec: _conv._lax_conv(x, w, spec, channels_last=False),
    "channels-last": lambda x, w, spec: _conv._lax_conv(x, w, spec, channels_last=True),
    "patches": _conv._patches_conv,
    "cl+patches-dw": _conv._cpu_conv,
}


def _time(fn, *args, repeats: int) -> float:
    """Fastest of ``repeats`` timed calls, in ms: the minimum is robust to other load on a shared machine."""
    jax.block_until_ready(fn(*args))
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        jax.block_until_ready(fn(*args))
        best = min(best, time.perf_counter() - start)
    return best * 1e3


def _torch_time(x, w, padding, repeats: int) -> tuple[float, float]:
    conv = {3: torch.nn.functional.conv1d, 4: torch.nn.functional.conv2d}[x.ndim]
    x, w = torch.from_numpy(x).requires_grad_(), torch.from_numpy(w).requires_grad_()
    with torch.no_grad():
        fwd = _time(lambda: conv(x, w, padding=padding), repeats=repeats)
    g = torch.ones(conv(x, w, padding=padding).shape)
    return fwd, _time(lambda: torch.autograd.grad(conv(x, w, padding=padding), (x, w), g), repeats=repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    repeats = parser.parse_args().repeats
    print(f"backend {jax.default_backend()}, torch threads {torch.get_num_threads()}, best ms per call")
    print(f"{'case':26} {'lowering':15} {'fwd':>8} {'fwd+bwd':>8} {'fwd/torch':>9} {'f+b/torch':>9}")
    for name, xs, ws, p in CASES:
        rng = np.random.default_rng(0)
        x, w = rng.standard_normal(xs, np.float32), rng.standard_normal(ws, np.float32)
        n = len(xs) - 2
        spec = ((1,) * n, ((p, p),) * n, (1,) * n, (1,) * n, 1)
        t_fwd, t_bwd = _torch_time(x, w, p, repeats)
        auto = lambda x, w, spec: _conv.conv_lowered(x, w, stride=spec[0], padding=spec[1],  # noqa: E731
                                                     lhs_dilation=spec[2], rhs_dilation=spec[3], groups=1)
        for lowering, fn in {**LOWERINGS, "auto": auto}.items():
            fwd = jax.jit(lambda x, w, fn=fn: fn(x, w, spec))
            bwd = jax.jit(jax.grad(lambda x, w, fn=fn: jnp.sum(fn(x, w, spec)), argnums=(0, 1)))
            ms_f, ms_b = _time(fwd, x, w, repeats=repeats), _time(bwd, x, w, repeats=repeats)
            print(f"{name:26} {lowering:15} {ms_f:8.2f} {ms_b:8.2f} {ms_f / t_fwd:9.2f} {ms_b / t_bwd:9.2f}")
        print(f"{name:26} {'torch':15} {t_fwd:8.2f} {t_bwd:8.2f}")


if __name__ == "__main__":
    main()
