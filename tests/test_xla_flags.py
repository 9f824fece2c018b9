"""jtorch's default XLA:CPU flags: added to ``XLA_FLAGS`` only when the user has not set them, not opted out,
on a measured jaxlib, before a backend exists; in a fresh process they reach the compiler (convolutions
leave YNNPACK); and convolutions with and without them match PyTorch's values and gradients."""
import subprocess
import sys

import jax
import jax.numpy as jnp
import jaxlib
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import jtorch.nn.functional as F
from jtorch import _xla_flags
from torch_ref import assert_close, rand, to_torch

FLAG, VALUE = next(iter(_xla_flags.DEFAULTS.items()))
YNN_OPTION = "xla_cpu_experimental_ynn_fusion_type"  # the same DebugOptions field, per compilation


@pytest.fixture
def fresh(monkeypatch):
    """As if no JAX backend existed yet."""
    monkeypatch.setattr(_xla_flags, "_backends_initialized", lambda: False)


@pytest.mark.parametrize("environ, expected, added", [
    ({}, f"{FLAG}={VALUE}", True),
    ({"XLA_FLAGS": "--xla_cpu_use_thunk_runtime=true"}, f"--xla_cpu_use_thunk_runtime=true {FLAG}={VALUE}", True),
    ({"XLA_FLAGS": f"{FLAG}=dot"}, f"{FLAG}=dot", False),  # the user's own value wins
    ({"JTORCH_XLA_DEFAULTS": "0"}, None, False),
    ({"JTORCH_XLA_DEFAULTS": "off", "XLA_FLAGS": "--xla_dump_to=x"}, "--xla_dump_to=x", False),
])
def test_apply_adds_unset_flags(fresh, environ, expected, added):
    environ = dict(environ)
    assert _xla_flags.apply(environ) == ([f"{FLAG}={VALUE}"] if added else [])
    assert environ.get("XLA_FLAGS") == expected


def test_apply_leaves_initialised_backends_and_other_jaxlibs_alone(monkeypatch):
    environ = {}
    monkeypatch.setattr(_xla_flags, "_backends_initialized", lambda: True)
    assert _xla_flags.apply(environ) == [] and environ == {}
    monkeypatch.setattr(_xla_flags, "_backends_initialized", lambda: False)
    monkeypatch.setattr(jaxlib, "__version__", "99.0.0")
    assert _xla_flags.apply(environ) == [] and environ == {}


_PROBE = """
import os, sys
import jtorch, jax, jax.numpy as jnp
from jax import lax
x, w = jnp.zeros((64, 28, 28, 64)), jnp.zeros((3, 3, 64, 128))  # the seed CNN conv2
conv = lambda x, w: lax.conv_general_dilated(x, w, (1, 1), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC"))
print(os.environ.get("XLA_FLAGS"), "__ynn_fusion" in jax.jit(conv).lower(x, w).compile().as_text())
"""


@pytest.mark.skipif(not jaxlib.__version__.startswith(_xla_flags.VERSIONS), reason="defaults not applied")
@pytest.mark.parametrize("opt_out", [False, True])
def test_import_applies_flags_before_the_backend(opt_out):
    env = {"PATH": "", "JAX_PLATFORMS": "cpu", **({"JTORCH_XLA_DEFAULTS": "0"} if opt_out else {})}
    out = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, check=True)
    flags, ynn = out.stdout.split()
    assert (flags, ynn) == (("None", "True") if opt_out else (f"{FLAG}={VALUE}", "False"))


# The seed CNN's conv2 at a smaller batch (channels-last conv, patches weight gradient) and resnet18's
# 64->64 stage conv (channels-last conv and its autodiff weight gradient), with YNNPACK's convolution
# (jaxlib's default) and XLA's own (jtorch's default).
@pytest.mark.parametrize("x_shape, w_shape", [((8, 64, 28, 28), (128, 64, 3, 3)), ((2, 64, 20, 20), (64, 64, 3, 3))])
@pytest.mark.parametrize("ynn", ["LIBRARY_FUSION_TYPE_INDIVIDUAL_DOT,LIBRARY_FUSION_TYPE_REDUCE",
                                 "LIBRARY_FUSION_TYPE_INDIVIDUAL_CONVOLUTION"])
def test_conv_matches_torch_under_either_setting(x_shape, w_shape, ynn):
    x, w, g = rand(x_shape, 0), rand(w_shape, 1) * 0.1, rand((x_shape[0], w_shape[0]) + x_shape[2:], 2)

    def fwd_bwd(x, w, g):
        y, vjp = jax.vjp(lambda x, w: F.conv2d(x, w, padding=1), x, w)
        return (y,) + vjp(g)

    args = tuple(map(jnp.asarray, (x, w, g)))
    exe = jax.jit(fwd_bwd).lower(*args).compile(compiler_options={YNN_OPTION: ynn})
    assert ("__ynn_fusion" in exe.as_text()) == ("CONVOLUTION" in ynn)
    tx, tw = to_torch(x.astype(np.float64), True), to_torch(w.astype(np.float64), True)
    ty = TF.conv2d(tx, tw, padding=1)
    want = (ty,) + torch.autograd.grad(ty, (tx, tw), to_torch(g.astype(np.float64)))
    # float64 PyTorch as the reference: the weight gradient sums 6272 products of magnitude ~1 (float32
    # PyTorch itself is 1.9e-4 off it); measured max errors 4e-6 (values), 3e-4 (YNN) / 4e-5 (XLA) (weights)
    assert_close(exe(*args), want, rtol=1e-5, atol=5e-4, check_dtype=False)
