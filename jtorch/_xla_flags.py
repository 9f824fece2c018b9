"""XLA:CPU settings jtorch applies by default, through ``XLA_FLAGS``, before JAX creates its CPU client.

jaxlib 0.10 hands convolutions to YNNPACK on CPU by default (``--xla_cpu_experimental_ynn_fusion_type``,
item ``individual_convolution``). XLA's own convolution computes the weight gradient 2.5-4x faster on
the shapes this project trains, forward and input gradient within noise, with errors no larger (see
``DEFAULTS``). XLA reads ``XLA_FLAGS`` once, when the first backend is created, so this runs at ``import
jtorch``; once a backend exists (JAX used before jtorch was imported) it changes nothing. A flag the user
already set in ``XLA_FLAGS`` is left alone, and ``JTORCH_XLA_DEFAULTS=0`` switches the defaults off. XLA
aborts the process on a flag it does not know, so they are applied only on the jaxlib versions they were
measured on.
"""
from __future__ import annotations

import os

import jaxlib

#: jaxlib versions (prefixes) whose XLA has the flags below and on which they were measured.
VERSIONS = ("0.10.",)
#: flag name -> value. ``benchmarks/conv_lowering.py --clock cpu`` (2 cores, CPU ms per call), channels-last
#: conv weight gradient YNNPACK -> XLA: seed CNN 64->128 259 -> 63, resnet18 64->64 at 56x56 51 -> 22,
#: 32->64 at 16x16 19 -> 6; max error of the 64->128 weight gradient (batch 8) against float64 PyTorch
#: 3e-4 -> 4e-5 (float32 PyTorch: 2e-4). Dots and reductions stay on YNNPACK: taking dots off it made the
#: LSTM's forward+backward 1.25x slower.
DEFAULTS = {"--xla_cpu_experimental_ynn_fusion_type": "-individual_convolution"}


def _backends_initialized() -> bool:
    from jax._src import xla_bridge
    return xla_bridge.backends_are_initialized()


def apply(environ=os.environ) -> list[str]:
    """Appends each of ``DEFAULTS`` the user has not set to ``environ["XLA_FLAGS"]``; returns those added."""
    switch = environ.get("JTORCH_XLA_DEFAULTS", "1").strip().lower()
    if switch in ("0", "false", "no", "off") or not jaxlib.__version__.startswith(VERSIONS):
        return []
    if _backends_initialized():
        return []
    current = environ.get("XLA_FLAGS", "")
    added = [f"{name}={value}" for name, value in DEFAULTS.items() if name not in current]
    if added:
        environ["XLA_FLAGS"] = " ".join([current, *added]).strip()
    return added
