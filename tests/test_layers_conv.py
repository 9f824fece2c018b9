"""Convolution, pooling and resampling layers against torch.nn, and the seed tutorial's CNN end to end."""
from __future__ import annotations

from collections import OrderedDict

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch

from jtorch import nn
from test_layers import Row, assert_same_state_dict_layout, check_layer, run_row
from torch_ref import assert_close, rand, to_torch

T = torch.nn
ROWS = [
    Row("Conv1d", lambda: nn.Conv1d(2, 4, 3), lambda: T.Conv1d(2, 4, 3), ((2, 2, 7),)),
    Row("Conv1d_unbatched_strided", lambda: nn.Conv1d(2, 4, 3, stride=2, padding=1, bias=False),
        lambda: T.Conv1d(2, 4, 3, stride=2, padding=1, bias=False), ((2, 9),)),
    Row("Conv2d", lambda: nn.Conv2d(3, 4, 3, padding=1), lambda: T.Conv2d(3, 4, 3, padding=1), ((2, 3, 5, 5),)),
    Row("Conv2d_groups_dilation", lambda: nn.Conv2d(4, 6, (3, 2), stride=(2, 1), dilation=(1, 2), groups=2),
        lambda: T.Conv2d(4, 6, (3, 2), stride=(2, 1), dilation=(1, 2), groups=2), ((2, 4, 7, 6),)),
    Row("Conv2d_same", lambda: nn.Conv2d(2, 3, 4, padding="same", dilation=2),
        lambda: T.Conv2d(2, 3, 4, padding="same", dilation=2), ((1, 2, 8, 7),)),
    Row("Conv2d_valid", lambda: nn.Conv2d(2, 3, 3, padding="valid"), lambda: T.Conv2d(2, 3, 3, padding="valid"),
        ((1, 2, 5, 5),)),
    Row("Conv2d_reflect", lambda: nn.Conv2d(2, 3, 3, padding=(1, 2), padding_mode="reflect"),
        lambda: T.Conv2d(2, 3, 3, padding=(1, 2), padding_mode="reflect"), ((2, 2, 5, 6),)),
    Row("Conv2d_replicate_same", lambda: nn.Conv2d(2, 3, (2, 3), padding="same", padding_mode="replicate"),
        lambda: T.Conv2d(2, 3, (2, 3), padding="same", padding_mode="replicate"), ((1, 2, 5, 6),)),
    Row("Conv1d_circular", lambda: nn.Conv1d(2, 3, 3, padding=2, padding_mode="circular"),
        lambda: T.Conv1d(2, 3, 3, padding=2, padding_mode="circular"), ((2, 2, 6),)),
    Row("Conv3d", lambda: nn.Conv3d(2, 3, 2, stride=(1, 2, 1), padding=(0, 1, 1)),
        lambda: T.Conv3d(2, 3, 2, stride=(1, 2, 1), padding=(0, 1, 1)), ((1, 2, 3, 4, 4),)),
    Row("ConvTranspose1d", lambda: nn.ConvTranspose1d(2, 4, 3, stride=2), lambda: T.ConvTranspose1d(2, 4, 3, stride=2),
        ((2, 2, 5),)),
    Row("ConvTranspose2d", lambda: nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2),
        lambda: T.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2), ((2, 4, 3, 4),)),
    Row("ConvTranspose2d_output_size", lambda: nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, bias=False),
        lambda: T.ConvTranspose2d(3, 2, 3, stride=2, padding=1, bias=False), ((1, 3, 4, 4),),
        kw={"output_size": [8, 8]}),
    Row("ConvTranspose3d_dilation", lambda: nn.ConvTranspose3d(2, 2, 2, dilation=2),
        lambda: T.ConvTranspose3d(2, 2, 2, dilation=2), ((1, 2, 2, 3, 2),)),
    # pooling
    Row("MaxPool1d", lambda: nn.MaxPool1d(3, 2), lambda: T.MaxPool1d(3, 2), ((2, 3, 9),)),
    Row("MaxPool2d", lambda: nn.MaxPool2d(2), lambda: T.MaxPool2d(2), ((2, 3, 6, 6),)),
    Row("MaxPool2d_pad_dilation_ceil", lambda: nn.MaxPool2d((3, 2), 2, 1, dilation=(1, 2), ceil_mode=True),
        lambda: T.MaxPool2d((3, 2), 2, 1, dilation=(1, 2), ceil_mode=True), ((1, 2, 7, 8),)),
    Row("MaxPool2d_indices", lambda: nn.MaxPool2d(2, return_indices=True),
        lambda: T.MaxPool2d(2, return_indices=True), ((1, 2, 4, 4),), check_dtype=False, grad=False),
    Row("MaxPool3d", lambda: nn.MaxPool3d(2, stride=1), lambda: T.MaxPool3d(2, stride=1), ((1, 2, 3, 3, 3),)),
    Row("AvgPool1d", lambda: nn.AvgPool1d(3, padding=1), lambda: T.AvgPool1d(3, padding=1), ((2, 3, 7),)),
    Row("AvgPool2d", lambda: nn.AvgPool2d(3, 2, 1, count_include_pad=False),
        lambda: T.AvgPool2d(3, 2, 1, count_include_pad=False), ((2, 3, 7, 6),)),
    Row("AvgPool2d_divisor_ceil", lambda: nn.AvgPool2d(2, ceil_mode=True, divisor_override=3),
        lambda: T.AvgPool2d(2, ceil_mode=True, divisor_override=3), ((1, 2, 5, 5),)),
    Row("AvgPool3d", lambda: nn.AvgPool3d((1, 2, 2)), lambda: T.AvgPool3d((1, 2, 2)), ((1, 2, 2, 4, 4),)),
    Row("LPPool1d", lambda: nn.LPPool1d(2, 3), lambda: T.LPPool1d(2, 3), ((2, 3, 9),)),
    Row("LPPool2d", lambda: nn.LPPool2d(3, (2, 2), stride=1), lambda: T.LPPool2d(3, (2, 2), stride=1),
        (rand((1, 2, 4, 4), 3, low=0.1),)),
    Row("AdaptiveAvgPool1d", lambda: nn.AdaptiveAvgPool1d(4), lambda: T.AdaptiveAvgPool1d(4), ((2, 3, 10),)),
    Row("AdaptiveAvgPool2d", lambda: nn.AdaptiveAvgPool2d((3, None)), lambda: T.AdaptiveAvgPool2d((3, None)),
        ((2, 3, 7, 5),)),
    Row("AdaptiveAvgPool2d_global", lambda: nn.AdaptiveAvgPool2d(1), lambda: T.AdaptiveAvgPool2d(1),
        ((2, 3, 7, 5),)),
    Row("AdaptiveAvgPool3d", lambda: nn.AdaptiveAvgPool3d(2), lambda: T.AdaptiveAvgPool3d(2), ((1, 2, 3, 4, 5),)),
    Row("AdaptiveMaxPool1d", lambda: nn.AdaptiveMaxPool1d(3), lambda: T.AdaptiveMaxPool1d(3), ((2, 3, 10),)),
    Row("AdaptiveMaxPool2d", lambda: nn.AdaptiveMaxPool2d((2, 3)), lambda: T.AdaptiveMaxPool2d((2, 3)),
        ((2, 3, 7, 5),)),
    # resampling and padding
    Row("Upsample_nearest", lambda: nn.Upsample(scale_factor=2), lambda: T.Upsample(scale_factor=2),
        ((1, 2, 3, 3),)),
    Row("Upsample_bilinear_size", lambda: nn.Upsample(size=(5, 7), mode="bilinear"),
        lambda: T.Upsample(size=(5, 7), mode="bilinear"), ((1, 2, 3, 3),)),
    Row("Upsample_linear_align", lambda: nn.Upsample(scale_factor=1.5, mode="linear", align_corners=True),
        lambda: T.Upsample(scale_factor=1.5, mode="linear", align_corners=True), ((1, 2, 4),)),
    Row("UpsamplingNearest2d", lambda: nn.UpsamplingNearest2d(size=5), lambda: T.UpsamplingNearest2d(size=5),
        ((1, 2, 3, 2),)),
    Row("UpsamplingBilinear2d", lambda: nn.UpsamplingBilinear2d(scale_factor=2),
        lambda: T.UpsamplingBilinear2d(scale_factor=2), ((1, 2, 3, 2),)),
    Row("PixelShuffle", lambda: nn.PixelShuffle(2), lambda: T.PixelShuffle(2), ((1, 8, 2, 3),)),
    Row("PixelUnshuffle", lambda: nn.PixelUnshuffle(2), lambda: T.PixelUnshuffle(2), ((1, 2, 4, 6),)),
    Row("ZeroPad1d", lambda: nn.ZeroPad1d((1, 2)), lambda: T.ZeroPad1d((1, 2)), ((2, 3, 4),)),
    Row("ZeroPad2d", lambda: nn.ZeroPad2d(2), lambda: T.ZeroPad2d(2), ((1, 2, 3, 3),)),
    Row("ConstantPad2d", lambda: nn.ConstantPad2d((1, 0, 2, 1), 3.5), lambda: T.ConstantPad2d((1, 0, 2, 1), 3.5),
        ((1, 2, 3, 3),)),
    Row("ConstantPad3d", lambda: nn.ConstantPad3d(1, -1.0), lambda: T.ConstantPad3d(1, -1.0), ((1, 1, 2, 2, 2),)),
    Row("ReflectionPad1d", lambda: nn.ReflectionPad1d(2), lambda: T.ReflectionPad1d(2), ((2, 3, 4),)),
    Row("ReflectionPad2d", lambda: nn.ReflectionPad2d((1, 2, 0, 2)), lambda: T.ReflectionPad2d((1, 2, 0, 2)),
        ((1, 2, 3, 4),)),
    Row("ReplicationPad2d", lambda: nn.ReplicationPad2d((3, 0, 1, 1)), lambda: T.ReplicationPad2d((3, 0, 1, 1)),
        ((1, 2, 3, 3),)),
    Row("ReplicationPad3d", lambda: nn.ReplicationPad3d(1), lambda: T.ReplicationPad3d(1), ((1, 1, 2, 2, 2),)),
    Row("CircularPad2d", lambda: nn.CircularPad2d(1), lambda: T.CircularPad2d(1), ((1, 2, 3, 3),)),
]


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_layer_matches_torch(row):
    run_row(row)


@pytest.mark.parametrize("pool,unpool,shape,kw", [
    (lambda: T.MaxPool1d(2, return_indices=True), lambda: nn.MaxUnpool1d(2), (1, 2, 8), {}),
    (lambda: T.MaxPool2d(2, 2, return_indices=True), lambda: nn.MaxUnpool2d(2, 2), (2, 2, 4, 4), {}),
    (lambda: T.MaxPool2d(3, 2, 1, return_indices=True), lambda: nn.MaxUnpool2d(3, 2, 1), (1, 2, 6, 6),
     {"output_size": (6, 6)}),
])
def test_max_unpool_inverts_torch_max_pool(pool, unpool, shape, kw):
    pooled, indices = pool()(to_torch(rand(shape)))
    spec = unpool()
    torch_unpool = getattr(T, type(spec).__name__)(spec.kernel_size, spec.stride, spec.padding)
    check_layer(spec, torch_unpool, [pooled.numpy(), indices.numpy()], kw)


def _seed_cnn(m):
    """The seed tutorial's MNIST CNN, in either library (``m`` is ``jtorch.nn`` or ``torch.nn``)."""
    return m.Sequential(m.Conv2d(1, 64, 3, padding=1), m.ReLU(), m.Conv2d(64, 128, 3, padding=1), m.ReLU(),
                        m.MaxPool2d(2), m.Flatten(), m.Linear(14 * 14 * 128, 1024), m.ReLU(), m.Dropout(0.5),
                        m.Linear(1024, 10))


def test_seed_cnn_loads_torch_weights_and_matches_outputs():
    torch.manual_seed(0)
    tm = _seed_cnn(T).eval()
    model, theirs = _seed_cnn(nn), tm.state_dict()
    assert_same_state_dict_layout(model, theirs)
    assert list(theirs) == ["0.weight", "0.bias", "2.weight", "2.bias", "6.weight", "6.bias", "9.weight", "9.bias"]
    params, state = nn.load_state_dict(model, theirs)
    x = rand((2, 1, 28, 28), seed=3, low=0.0, high=1.0)
    y, _ = jax.jit(lambda p, s, x: model.apply(p, s, x))(params, state, x)
    assert_close(y, tm(to_torch(x)), rtol=1e-4, atol=1e-5)
    # Training mode: dropout is active, so two keys give different outputs; gradients flow to every layer.
    loss = lambda p, k: model.apply(p, state, x, train=True, key=k)[0].sum()  # noqa: E731
    grads = jax.jit(jax.grad(loss))(params, jax.random.key(1))
    assert sorted(nn.state_dict(grads)) == sorted(theirs)
    assert not jnp.allclose(loss(params, jax.random.key(1)), loss(params, jax.random.key(2)))


def test_sequential_with_ordered_dict_names():
    model = nn.Sequential(OrderedDict(conv=nn.Conv2d(1, 2, 3), act=nn.ReLU(), pool=nn.AdaptiveAvgPool2d(1),
                                      flat=nn.Flatten(), fc=nn.Linear(2, 3)))
    torch.manual_seed(0)
    tm = T.Sequential(OrderedDict(conv=T.Conv2d(1, 2, 3), act=T.ReLU(), pool=T.AdaptiveAvgPool2d(1),
                                  flat=T.Flatten(), fc=T.Linear(2, 3)))
    check_layer(model, tm, [rand((2, 1, 5, 5))])
