"""Every workload in PyTorch eager (CPU) and in jtorch (the facade, and a hand-written ``jax.jit`` step on
the functional core), measured in the same process, as one table of medians and ratios.

    python -m benchmarks [--quick] [--json out.json] [-k regex]
    python benchmarks/run.py [--quick] [--json out.json] [-k regex]

Per row: warm time per step (median of repetitions, each a batch of steps ended by reading the result back,
which on the facade is a sync), the first step (compilation on jtorch), the facade's compilations during
warm-up and after it (``engine.stats()``; 0 is the property the engine promises), and the peak RSS growth
while the row ran (``/proc/self/clear_refs`` resets the high-water mark, so rows do not mask each other).
"""
from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

if not __package__:  # `python benchmarks/run.py`: make `benchmarks` importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import jax
import torch as real

import jtorch.compat as facade
from benchmarks.workloads import WORKLOADS
from jtorch.compat import engine

#: (warm-up steps, timed repetitions, seconds of steps per repetition) for --quick and the full run.
SETTINGS = {True: (2, 3, 0.1), False: (3, 7, 0.5)}


def _block(value) -> None:
    """Waits for a step: blocks on jax arrays, reads torch/facade tensors back to the host (NumPy values
    are already there)."""
    if isinstance(value, (tuple, list)):
        for v in value:
            _block(v)
    elif isinstance(value, jax.Array):
        value.block_until_ready()
    elif hasattr(value, "detach"):
        value.detach().numpy()


def _proc_kb(field: str) -> float | None:
    try:
        with open("/proc/self/status") as f:
            line = next(line for line in f if line.startswith(field + ":"))
    except (OSError, StopIteration):
        return None
    return float(line.split()[1])


def _reset_peak_rss() -> float | None:
    """Resets the process's RSS high-water mark (Linux) and returns the current RSS in kB."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return None
    return _proc_kb("VmRSS")


def _steps(step, n: int) -> float:
    """Runs ``n`` steps, then waits for the last; returns seconds per step."""
    start = time.perf_counter()
    for _ in range(n):
        out = step()
    _block(out)
    return (time.perf_counter() - start) / n


def measure(make, quick: bool, heavy: bool) -> dict:
    """Times ``step = make()``: the first step, warm-up in the timed calling pattern (steps back to back,
    then one read), then the median seconds per step over repetitions of that pattern."""
    warmup, reps, target = SETTINGS[quick]
    warmup = 1 if heavy else warmup
    gc.collect()
    rss0 = _reset_peak_rss()
    step = make()
    engine.reset_stats()
    first = _steps(step, 1)
    _steps(step, warmup)
    per_step = _steps(step, warmup)
    warm_compiles = engine.stats()["compilations"]
    engine.reset_stats()
    n = 1 if heavy else max(warmup, min(2000, round(target / per_step)))
    times = [_steps(step, n) for _ in range(max(2, reps // 2) if heavy else reps)]
    peak = _proc_kb("VmHWM")
    return {"ms_per_step": statistics.median(times) * 1e3, "first_step_s": first, "steps_per_rep": n,
            "reps": len(times), "compiles_warmup": warm_compiles,
            "compiles_after_warmup": engine.stats()["compilations"],
            "peak_rss_mb": None if rss0 is None or peak is None else (peak - rss0) / 1024}


def run(quick: bool, pattern: str) -> list[dict]:
    rows = []
    for w in WORKLOADS:
        if not re.search(pattern, w.name):
            continue
        impls = [("pytorch", lambda w=w: w.build(real, quick)),
                 ("facade", lambda w=w: (w.facade or w.build)(facade, quick))]
        if w.core is not None:
            impls.append(("core-jit", lambda w=w: w.core(quick)))
        for impl, make in impls:
            print(f"  {w.name} / {impl} ...", file=sys.stderr, flush=True)
            rows.append({"workload": w.name, "impl": impl, **measure(make, quick, w.heavy)})
    return rows


def _ratio(a: dict | None, b: dict | None) -> str:
    return f"{a['ms_per_step'] / b['ms_per_step']:.2f}" if a and b else "-"


def table(rows: list[dict]) -> str:
    """A markdown table, one line per workload."""
    head = ("| workload | PyTorch ms/step | facade ms/step | core-jit ms/step | facade/PyTorch | core-jit/PyTorch "
            "| facade/core-jit | first step s (PyTorch / facade / core-jit) | facade compiles (warm-up / after) "
            "| peak ΔRSS MB (PyTorch / facade / core-jit) |")
    lines = [head, "|" + "---|" * head.count(" | ") + "---|"]
    for name in dict.fromkeys(r["workload"] for r in rows):
        by = {r["impl"]: r for r in rows if r["workload"] == name}
        t, f, c = by.get("pytorch"), by.get("facade"), by.get("core-jit")
        ms = " | ".join(f"{r['ms_per_step']:.3f}" if r else "-" for r in (t, f, c))
        first = " / ".join(f"{r['first_step_s']:.2f}" if r else "-" for r in (t, f, c))
        rss = " / ".join(f"{r['peak_rss_mb']:.0f}" if r and r["peak_rss_mb"] is not None else "-"
                         for r in (t, f, c))
        lines.append(f"| {name} | {ms} | {_ratio(f, t)} | {_ratio(c, t)} | {_ratio(f, c)} | {first} "
                     f"| {f['compiles_warmup']} / {f['compiles_after_warmup']} | {rss} |")
    return "\n".join(lines)


def machine() -> dict:
    model = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            model = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=os.path.dirname(os.path.abspath(__file__))).stdout.strip()
    return {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": commit, "nproc": os.cpu_count(), "cpu": model, "loadavg_start": os.getloadavg(),
            "torch_threads": real.get_num_threads(), "python": platform.python_version(), "torch": real.__version__, "jax": jax.__version__}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, for a few-minute run")
    parser.add_argument("--json", metavar="PATH", help="also write the rows and machine info as JSON")
    parser.add_argument("-k", default="", metavar="REGEX", help="only workloads whose name matches")
    parser.add_argument("--torch-threads", type=int, metavar="N",
                        help="torch.set_num_threads(N) for PyTorch (its OpenMP pool degrades badly on a loaded machine)")
    args = parser.parse_args(argv)
    if args.torch_threads:
        real.set_num_threads(args.torch_threads)
    info = machine()
    start = time.perf_counter()
    rows = run(args.quick, args.k)
    info["loadavg_end"], info["wall_s"] = os.getloadavg(), round(time.perf_counter() - start, 1)
    print(" ".join(f"{k}={v}" for k, v in info.items()))
    print(table(rows))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": info, "quick": args.quick, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
