"""Core layer specs against torch.nn modules: state_dict keys/shapes/dtypes, outputs and gradients with
PyTorch's weights loaded, running statistics, init distributions and constructor errors.

``check_layer`` is the one harness; conv/pooling/resampling rows live in ``test_layers_conv.py``.
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
from torch.func import functional_call

from jtorch import nn
from torch_ref import assert_close, check_op, rand, to_torch


class Row(NamedTuple):
    id: str
    spec: Callable[[], nn.Module]
    torch_module: Callable[[], torch.nn.Module]
    inputs: tuple  # shapes (uniform in [-1, 1]) or ready NumPy arrays
    kw: dict = {}  # extra apply / forward keyword arguments
    train: bool = False
    rtol: float = 1e-5
    atol: float = 1e-6
    check_dtype: bool = True  # False where torch's int64 indices meet int32 without JAX x64
    grad: bool = True


def nest(flat: dict[str, Any], template: dict, prefix: str = "") -> dict:
    """The nested params for flat PyTorch keys (``"0.weight"``), shaped like ``template`` (which also has
    the empty dicts of parameter-free children)."""
    return {k: nest(flat, v, f"{prefix}{k}.") if isinstance(v, dict) else flat[prefix + k]
            for k, v in template.items()}


def init_layout(spec: nn.Module) -> list[tuple[str, tuple, Any]]:
    """``(key, shape, dtype)`` of ``nn.state_dict(*spec.init(key))`` in order, from a trace (nothing is
    compiled or sampled: jax.eval_shape's own output would come back with sorted dict keys)."""
    layout = []

    def traced(key):
        params, state = spec.init(key)
        layout.extend((k, tuple(v.shape), v.dtype) for k, v in nn.state_dict(params, state).items())
        return params, state

    jax.eval_shape(traced, jax.random.key(0))
    return layout


def assert_same_state_dict_layout(spec: nn.Module, theirs: dict) -> None:
    assert init_layout(spec) == [(k, tuple(v.shape), jax.dtypes.canonicalize_dtype(v.numpy().dtype))
                                 for k, v in theirs.items()]


def check_layer(spec: nn.Module, tm: torch.nn.Module, inputs: list, kw: dict | None = None, train: bool = False,
                **tol) -> None:
    """Same state_dict layout; with torch's state_dict loaded, same outputs and input/param gradients."""
    kw = kw or {}
    assert_same_state_dict_layout(spec, tm.state_dict())
    flat = {k: v.detach().numpy() for k, v in tm.state_dict().items()}
    params, state = nn.load_state_dict(spec, flat)
    names = [n for n, _ in tm.named_parameters()]
    # Sorted: load_state_dict's dicts come out of jax.eval_shape, which sorts dict keys.
    assert sorted(names) == sorted(nn.state_dict(params))
    tm.train(train)
    n = len(inputs)

    @jax.jit
    def ours(*args):
        return spec.apply(nest(dict(zip(names, args[n:])), params), state, *args[:n], train=train, **kw)[0]

    def theirs(*args):
        return functional_call(tm, dict(zip(names, args[n:])), tuple(args[:n]), kw)

    check_op(ours, theirs, *inputs, *[flat[k] for k in names], **tol)


def run_row(row: Row) -> None:
    torch.manual_seed(0)
    inputs = [x if isinstance(x, np.ndarray) else rand(x, seed=i + 1) for i, x in enumerate(row.inputs)]
    check_layer(row.spec(), row.torch_module(), inputs, row.kw, row.train, rtol=row.rtol, atol=row.atol,
                check_dtype=row.check_dtype, grad=row.grad)


def wide(shape, seed=1):
    return rand(shape, seed, low=-4.0, high=4.0)


T = torch.nn
ROWS = [
    Row("Identity", lambda: nn.Identity(3, k=1), lambda: T.Identity(3, k=1), ((2, 3),)),
    Row("Linear", lambda: nn.Linear(5, 3), lambda: T.Linear(5, 3), ((4, 5),)),
    Row("Linear_nobias_3d", lambda: nn.Linear(5, 3, bias=False), lambda: T.Linear(5, 3, bias=False), ((2, 4, 5),)),
    Row("Linear_1d_input", lambda: nn.Linear(5, 2), lambda: T.Linear(5, 2), ((5,),)),
    Row("Linear_empty_batch", lambda: nn.Linear(5, 2), lambda: T.Linear(5, 2), ((0, 5),)),
    Row("Bilinear", lambda: nn.Bilinear(3, 4, 2), lambda: T.Bilinear(3, 4, 2), ((5, 3), (5, 4))),
    Row("Bilinear_nobias", lambda: nn.Bilinear(3, 4, 2, bias=False), lambda: T.Bilinear(3, 4, 2, bias=False),
        ((2, 5, 3), (2, 5, 4))),
    # activations
    Row("ReLU", nn.ReLU, T.ReLU, (wide((3, 4)),)),
    Row("ReLU6", lambda: nn.ReLU6(inplace=True), T.ReLU6, (wide((3, 4)) * 2,)),
    Row("LeakyReLU", lambda: nn.LeakyReLU(0.2), lambda: T.LeakyReLU(0.2), (wide((3, 4)),)),
    Row("ELU", lambda: nn.ELU(alpha=0.5), lambda: T.ELU(alpha=0.5), (wide((3, 4)),)),
    Row("CELU", lambda: nn.CELU(2.0), lambda: T.CELU(2.0), (wide((3, 4)),)),
    Row("SELU", nn.SELU, T.SELU, (wide((3, 4)),)),
    Row("GELU", nn.GELU, T.GELU, (wide((3, 4)),)),
    Row("GELU_tanh", lambda: nn.GELU("tanh"), lambda: T.GELU("tanh"), (wide((3, 4)),)),
    Row("SiLU", nn.SiLU, T.SiLU, (wide((3, 4)),)),
    Row("Mish", nn.Mish, T.Mish, (wide((3, 4)),)),
    Row("Sigmoid", nn.Sigmoid, T.Sigmoid, (wide((3, 4)),)),
    Row("Tanh", nn.Tanh, T.Tanh, (wide(()),)),
    Row("Hardtanh", lambda: nn.Hardtanh(-2.0, 1.5), lambda: T.Hardtanh(-2.0, 1.5), (wide((3, 4)),)),
    Row("Hardsigmoid", nn.Hardsigmoid, T.Hardsigmoid, (wide((3, 4)),)),
    Row("Hardswish", nn.Hardswish, T.Hardswish, (wide((3, 4)),)),
    Row("Softplus", lambda: nn.Softplus(2.0, 3.0), lambda: T.Softplus(2.0, 3.0), (wide((3, 4)),)),
    Row("Softsign", nn.Softsign, T.Softsign, (wide((3, 4)),)),
    Row("LogSigmoid", nn.LogSigmoid, T.LogSigmoid, (wide((3, 4)),)),
    Row("Threshold", lambda: nn.Threshold(0.5, -3.0), lambda: T.Threshold(0.5, -3.0), (wide((3, 4)),)),
    Row("Tanhshrink", nn.Tanhshrink, T.Tanhshrink, (wide((3, 4)),)),
    Row("Hardshrink", lambda: nn.Hardshrink(1.0), lambda: T.Hardshrink(1.0), (wide((3, 4)),)),
    Row("Softshrink", nn.Softshrink, T.Softshrink, (wide((3, 4)),)),
    Row("GLU", nn.GLU, T.GLU, ((3, 4),)),
    Row("GLU_dim0", lambda: nn.GLU(0), lambda: T.GLU(0), ((4, 3),)),
    Row("Softmax", lambda: nn.Softmax(dim=1), lambda: T.Softmax(dim=1), (wide((2, 3, 4)),)),
    Row("LogSoftmax", lambda: nn.LogSoftmax(-1), lambda: T.LogSoftmax(-1), (wide((2, 3, 4)),)),
    Row("Softmin", lambda: nn.Softmin(0), lambda: T.Softmin(0), (wide((3, 4)),)),
    Row("Softmax2d", nn.Softmax2d, T.Softmax2d, (wide((2, 3, 2, 2)),)),
    Row("Softmax2d_unbatched", nn.Softmax2d, T.Softmax2d, (wide((3, 2, 2)),)),
    Row("PReLU", nn.PReLU, T.PReLU, (wide((2, 3, 4)),)),
    Row("PReLU_channels", lambda: nn.PReLU(3, init=0.1), lambda: T.PReLU(3, init=0.1), (wide((2, 3, 4)),)),
    # normalization (eval: running statistics; train: batch statistics)
    Row("BatchNorm1d_eval", lambda: nn.BatchNorm1d(3), lambda: T.BatchNorm1d(3), ((4, 3),)),
    Row("BatchNorm1d_train_3d", lambda: nn.BatchNorm1d(3), lambda: T.BatchNorm1d(3), ((4, 3, 5),), train=True),
    Row("BatchNorm2d_train", lambda: nn.BatchNorm2d(3, momentum=None), lambda: T.BatchNorm2d(3, momentum=None),
        ((2, 3, 4, 4),), train=True),
    Row("BatchNorm2d_noaffine", lambda: nn.BatchNorm2d(3, affine=False), lambda: T.BatchNorm2d(3, affine=False),
        ((2, 3, 2, 2),)),
    Row("BatchNorm2d_nobias", lambda: nn.BatchNorm2d(3, bias=False), lambda: T.BatchNorm2d(3, bias=False),
        ((2, 3, 2, 2),), train=True),
    Row("BatchNorm3d_untracked", lambda: nn.BatchNorm3d(2, track_running_stats=False),
        lambda: T.BatchNorm3d(2, track_running_stats=False), ((2, 2, 2, 3, 2),)),
    Row("InstanceNorm1d", lambda: nn.InstanceNorm1d(3), lambda: T.InstanceNorm1d(3), ((2, 3, 6),)),
    Row("InstanceNorm2d_affine", lambda: nn.InstanceNorm2d(3, affine=True),
        lambda: T.InstanceNorm2d(3, affine=True), ((2, 3, 4, 4),)),
    Row("InstanceNorm2d_unbatched", lambda: nn.InstanceNorm2d(3, affine=True),
        lambda: T.InstanceNorm2d(3, affine=True), ((3, 4, 4),)),
    Row("InstanceNorm3d_tracked_train", lambda: nn.InstanceNorm3d(2, track_running_stats=True),
        lambda: T.InstanceNorm3d(2, track_running_stats=True), ((2, 2, 3, 2, 2),), train=True),
    Row("InstanceNorm1d_tracked_eval", lambda: nn.InstanceNorm1d(2, affine=True, track_running_stats=True),
        lambda: T.InstanceNorm1d(2, affine=True, track_running_stats=True), ((2, 2, 5),)),
    Row("LayerNorm", lambda: nn.LayerNorm(4), lambda: T.LayerNorm(4), ((2, 3, 4),)),
    Row("LayerNorm_2d_shape", lambda: nn.LayerNorm([3, 4], eps=1e-3), lambda: T.LayerNorm([3, 4], eps=1e-3),
        ((2, 3, 4),)),
    Row("LayerNorm_nobias", lambda: nn.LayerNorm(4, bias=False), lambda: T.LayerNorm(4, bias=False), ((3, 4),)),
    Row("LayerNorm_noaffine", lambda: nn.LayerNorm(4, elementwise_affine=False),
        lambda: T.LayerNorm(4, elementwise_affine=False), ((3, 4),)),
    Row("GroupNorm", lambda: nn.GroupNorm(2, 4), lambda: T.GroupNorm(2, 4), ((3, 4, 5),)),
    Row("GroupNorm_noaffine", lambda: nn.GroupNorm(1, 4, affine=False), lambda: T.GroupNorm(1, 4, affine=False),
        ((2, 4, 2, 2),)),
    Row("RMSNorm", lambda: nn.RMSNorm(4), lambda: T.RMSNorm(4), ((2, 3, 4),)),
    Row("RMSNorm_eps", lambda: nn.RMSNorm((3, 4), eps=1e-2, elementwise_affine=False),
        lambda: T.RMSNorm((3, 4), eps=1e-2, elementwise_affine=False), ((2, 3, 4),)),
    Row("LocalResponseNorm", lambda: nn.LocalResponseNorm(3), lambda: T.LocalResponseNorm(3),
        (wide((2, 5, 3, 3)),)),
    # dropout in eval mode is the identity
    Row("Dropout_eval", lambda: nn.Dropout(0.3), lambda: T.Dropout(0.3), ((3, 4),)),
    Row("Dropout2d_eval", nn.Dropout2d, T.Dropout2d, ((2, 3, 4, 4),)),
    Row("AlphaDropout_eval", nn.AlphaDropout, T.AlphaDropout, ((3, 4),)),
    # embedding, shape, distance
    Row("Embedding", lambda: nn.Embedding(10, 3), lambda: T.Embedding(10, 3),
        (np.array([[1, 2, 4], [4, 3, 9]]),)),
    Row("Embedding_padding_idx", lambda: nn.Embedding(10, 3, padding_idx=-1),
        lambda: T.Embedding(10, 3, padding_idx=-1), (np.array([9, 2, 9, 0]),)),
    Row("Embedding_scale_grad", lambda: nn.Embedding(6, 2, scale_grad_by_freq=True),
        lambda: T.Embedding(6, 2, scale_grad_by_freq=True), (np.array([1, 1, 3]),)),
    Row("Flatten", nn.Flatten, T.Flatten, ((2, 3, 4, 5),)),
    Row("Flatten_range", lambda: nn.Flatten(0, 2), lambda: T.Flatten(0, 2), ((2, 3, 4, 5),)),
    Row("Flatten_single_dim", lambda: nn.Flatten(-1), lambda: T.Flatten(-1), ((2, 3),)),
    Row("Unflatten", lambda: nn.Unflatten(1, (2, 5)), lambda: T.Unflatten(1, (2, 5)), ((3, 10),)),
    Row("Unflatten_infer", lambda: nn.Unflatten(-1, [2, -1]), lambda: T.Unflatten(-1, [2, -1]), ((3, 2, 6),)),
    Row("CosineSimilarity", nn.CosineSimilarity, T.CosineSimilarity, ((4, 5), (4, 5))),
    Row("CosineSimilarity_dim", lambda: nn.CosineSimilarity(0, 1e-3), lambda: T.CosineSimilarity(0, 1e-3),
        ((4, 5), (1, 5))),
    Row("PairwiseDistance", nn.PairwiseDistance, T.PairwiseDistance, ((4, 5), (4, 5))),
    Row("PairwiseDistance_p1_keepdim", lambda: nn.PairwiseDistance(1.0, keepdim=True),
        lambda: T.PairwiseDistance(1.0, keepdim=True), ((4, 5), (4, 5))),
]


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_layer_matches_torch(row):
    run_row(row)
