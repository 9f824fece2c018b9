"""Identity, Linear and Bilinear specs, and the pieces every core layer shares.

``_Stateless`` is the base of layers without parameters (activations, pooling, dropout...): they define
``forward`` and inherit an ``apply`` that passes the (empty) state through.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Any

import jax
import jax.numpy as jnp

from . import functional as F
from . import init
from ._module import Module, Params, State


def _param_dtype(dtype: Any) -> Any:
    """PyTorch's factory ``dtype=None`` means the default float dtype, float32 (also under JAX x64)."""
    return jnp.float32 if dtype is None else dtype


def _kaiming_weight_bias(key: jax.Array, weight_shape: tuple[int, ...], bias_size: int | None,
                         dtype: Any) -> Params:
    """PyTorch's ``reset_parameters`` of Linear and Conv: ``kaiming_uniform_(a=sqrt(5))`` on the weight,
    which is U(±1/sqrt(fan_in)); a bias of ``bias_size`` (None: no bias) U(±1/sqrt(fan_in)), 0 if no fan."""
    dtype = _param_dtype(dtype)
    k_w, k_b = jax.random.split(key)
    params = {"weight": init.kaiming_uniform(k_w, weight_shape, a=math.sqrt(5), dtype=dtype)}
    if bias_size is not None:
        fan_in, _ = init._calculate_fan_in_and_fan_out(weight_shape)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        params["bias"] = init.uniform(k_b, (bias_size,), -bound, bound, dtype)
    return params


@dataclasses.dataclass(frozen=True)
class _Stateless(Module):
    """A layer without parameters or buffers: ``apply`` is ``forward`` on the inputs."""

    def forward(self, *inputs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__}.forward")

    def apply(self, params: Params, state: State, *inputs: Any, train: bool = False,
              key: jax.Array | None = None) -> tuple[Any, State]:
        del params, train, key
        return self.forward(*inputs), state


@dataclasses.dataclass(frozen=True, init=False)
class Identity(_Stateless):
    """Returns its input. Accepts and ignores any constructor arguments, as PyTorch's does.

    Example:
        >>> import jax.numpy as jnp
        >>> from jtorch import nn
        >>> nn.Identity(54, unused="x").apply({}, {}, jnp.ones(2))[0]
        Array([1., 1.], dtype=float32)
    """

    def __init__(self, *args: Any, **kwargs: Any):
        del args, kwargs

    def forward(self, input: jax.Array) -> jax.Array:
        return input


@dataclasses.dataclass(frozen=True)
class Linear(Module):
    """``y = x W^T + b`` (:func:`jtorch.nn.functional.linear`).

    Args:
        in_features: size of each input sample. out_features: size of each output sample.
        bias: learn an additive bias. Default: True. device: ignored. dtype: parameter dtype. Default: float32.

    Shape:
        ``(*, in_features) -> (*, out_features)``.

    Params:
        ``weight`` ``(out_features, in_features)`` and ``bias`` ``(out_features,)``, both
        U(-1/sqrt(in_features), 1/sqrt(in_features)).

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from jtorch import nn
        >>> layer = nn.Linear(20, 30)
        >>> params, state = layer.init(jax.random.key(0))
        >>> layer.apply(params, state, jnp.ones((128, 20)))[0].shape
        (128, 30)
    """

    in_features: int
    out_features: int
    bias: bool = True
    device: Any = None
    dtype: Any = None

    def init(self, key: jax.Array) -> tuple[Params, State]:
        # torch: kaiming_uniform_(a=sqrt(5)); bias U(±1/sqrt(fan_in))
        bias_size = self.out_features if self.bias else None
        return _kaiming_weight_bias(key, (self.out_features, self.in_features), bias_size, self.dtype), {}

    def apply(self, params: Params, state: State, input: jax.Array, *, train: bool = False,
              key: jax.Array | None = None) -> tuple[jax.Array, State]:
        del train, key
        return F.linear(input, params["weight"], params.get("bias")), state


@dataclasses.dataclass(frozen=True)
class Bilinear(Module):
    """``y = x1^T A x2 + b`` (:func:`jtorch.nn.functional.bilinear`).

    Args:
        in1_features, in2_features: sizes of the two inputs. out_features: size of the output.
        bias: learn an additive bias. Default: True. device: ignored. dtype: parameter dtype. Default: float32.

    Shape:
        ``(*, in1_features), (*, in2_features) -> (*, out_features)``.

    Params:
        ``weight`` ``(out_features, in1_features, in2_features)`` and ``bias`` ``(out_features,)``, both
        U(-1/sqrt(in1_features), 1/sqrt(in1_features)).

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from jtorch import nn
        >>> layer = nn.Bilinear(20, 30, 40)
        >>> params, state = layer.init(jax.random.key(0))
        >>> layer.apply(params, state, jnp.ones((128, 20)), jnp.ones((128, 30)))[0].shape
        (128, 40)
    """

    in1_features: int
    in2_features: int
    out_features: int
    bias: bool = True
    device: Any = None
    dtype: Any = None

    def init(self, key: jax.Array) -> tuple[Params, State]:
        # torch: weight and bias U(±1/sqrt(in1_features))
        dtype, bound = _param_dtype(self.dtype), 1 / math.sqrt(self.in1_features)
        k_w, k_b = jax.random.split(key)
        params = {"weight": init.uniform(k_w, (self.out_features, self.in1_features, self.in2_features),
                                         -bound, bound, dtype)}
        if self.bias:
            params["bias"] = init.uniform(k_b, (self.out_features,), -bound, bound, dtype)
        return params, {}

    def apply(self, params: Params, state: State, input1: jax.Array, input2: jax.Array, *, train: bool = False,
              key: jax.Array | None = None) -> tuple[jax.Array, State]:
        del train, key
        return F.bilinear(input1, input2, params["weight"], params.get("bias")), state
