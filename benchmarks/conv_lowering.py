"""Milliseconds per jitted call of each convolution lowering in ``jtorch.nn.functional._conv``, and PyTorch's.

Forward, input gradient, weight gradient and forward+backward (grads of ``sum(y * g)``) on the seed CNN's
shapes, LeNet's, resnet18's, a CIFAR-like stem and a 1-d conv, each lowering under the process's XLA
settings and under every ``--xla-options`` setting, all interleaved in one process
(``benchmarks/layer_breakdown.py`` times them). ``auto`` is what ``conv2d`` picks on this backend (on CPU
each derivative lowered apart); ``taps`` is the elementwise sum under plain autodiff, whose gradients are
slow: its forward column is the one ``auto`` uses. Not a test; run
``python benchmarks/conv_lowering.py [-k regex] [--repeats N] [--clock cpu] [--xla-options ...]``.
"""
from __future__ import annotations

import argparse
import os
import re
import sys

if not __package__:  # `python benchmarks/conv_lowering.py`: make `benchmarks` importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import torch
import torch.nn.functional as TF

from benchmarks import layer_breakdown
from jtorch.nn.functional import _conv

# (name, input shape, weight shape, padding)
CASES = [
    ("mnist conv1 3->64 3x3", (64, 3, 28, 28), (64, 3, 3, 3), 1),
    ("lenet conv1 1->6 5x5", (64, 1, 32, 32), (6, 1, 5, 5), 0),
    ("mnist conv2 64->128 3x3", (64, 64, 28, 28), (128, 64, 3, 3), 1),
    ("lenet conv2 6->16 5x5", (64, 6, 14, 14), (16, 6, 5, 5), 0),
    ("cifar 32->64 3x3", (64, 32, 16, 16), (64, 32, 3, 3), 1),
    ("resnet 64->64 3x3 56x56 N8", (8, 64, 56, 56), (64, 64, 3, 3), 1),
    ("resnet 128->128 3x3 28x28 N8", (8, 128, 28, 28), (128, 128, 3, 3), 1),
    ("resnet 512->512 3x3 7x7 N8", (8, 512, 7, 7), (512, 512, 3, 3), 1),
    ("1-d 16->32 k5", (64, 16, 128), (32, 16, 5), 2),
]

LOWERINGS = {
    "nchw": lambda x, w, spec: _conv._lax_conv(x, w, spec, channels_last=False),
    "channels-last": lambda x, w, spec: _conv._lax_conv(x, w, spec, channels_last=True),
    "patches": _conv._patches_conv,
    "taps": _conv._taps_sum,
    "auto": lambda x, w, spec: _conv.conv_lowered(x, w, stride=spec[0], padding=spec[1], lhs_dilation=spec[2],
                                                  rhs_dilation=spec[3], groups=spec[4]),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", default="", help="regex on case names")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--clock", choices=layer_breakdown.CLOCKS, default="wall")
    parser.add_argument("--xla-options", action="append", default=[], type=layer_breakdown.option,
                        metavar="NAME=VALUE[;...]", help="an XLA setting to compare (repeatable)")
    parser.add_argument("--lowerings", default=",".join(LOWERINGS), help="comma-separated subset")
    args = parser.parse_args()
    torch.set_num_threads(1)
    settings = [{}] + args.xla_options
    print(f"torch threads 1, load {os.getloadavg()}, min {args.clock} ms per call; [ratios to torch]")
    print(f"{'case':28} {'lowering':14} {'setting':7} " + " ".join(f"{c:>9}" for c in layer_breakdown.COLUMNS))
    for name, xs, ws, p in CASES:
        if not re.search(args.k, name):
            continue
        n = len(xs) - 2
        spec = ((1,) * n, ((p, p),) * n, (1,) * n, (1,) * n, 1)
        torch_conv = {1: TF.conv1d, 2: TF.conv2d}[n]
        torch_ms = {}
        for lowering in args.lowerings.split(","):
            fn, args.no_torch = LOWERINGS[lowering], bool(torch_ms)  # PyTorch timed with the first lowering
            core = lambda x, w, fn=fn: fn(x, w, spec)  # noqa: E731
            t = torch_ms | layer_breakdown.measure(core, lambda x, w: torch_conv(x, w, padding=p), [xs, ws],
                                                   settings, args)
            torch_ms = {key: ms for key, ms in t.items() if key[0] == "torch"}
            for i in range(len(settings)):
                cells = " ".join(f"{t[i, c]:9.2f}" for c in layer_breakdown.COLUMNS)
                rel = " ".join(f"{t[i, c] / t['torch', c]:5.2f}" for c in ("core fwd", "core f+b"))
                print(f"{name:28} {lowering:14} {i:7} {cells}  [{rel}]", flush=True)
        print(f"{name:28} {'torch':14} {'':7} {torch_ms['torch', 'core fwd']:9.2f} {'-':>9} {'-':>9} "
              f"{torch_ms['torch', 'core f+b']:9.2f}", flush=True)
    for i, options in enumerate(settings):
        print(f"setting {i}: {options or 'XLA_FLAGS=' + repr(os.environ.get('XLA_FLAGS', ''))}")


if __name__ == "__main__":
    main()
