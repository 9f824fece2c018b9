"""Normalization layers: BatchNorm1d-3d, InstanceNorm1d-3d, LayerNorm, GroupNorm, RMSNorm, LocalResponseNorm.

Running statistics are ``state`` (``running_mean``, ``running_var``, ``num_batches_tracked``, PyTorch's
buffers); ``apply(..., train=True)`` normalises with batch statistics and returns the updated state.
"""
from __future__ import annotations

import dataclasses
import numbers
import warnings
from typing import Any, ClassVar

import jax
import jax.numpy as jnp

from . import functional as F
from . import init as nn_init
from ._linear import _param_dtype, _Stateless
from ._module import Module, Params, State, set_fields


def _affine(shape: tuple[int, ...], weight: bool, bias: bool, dtype: Any) -> Params:
    # torch: reset_parameters: init.ones_(weight), init.zeros_(bias)
    dtype = _param_dtype(dtype)
    return ({"weight": nn_init.ones(shape, dtype)} if weight else {}) | (
        {"bias": nn_init.zeros(shape, dtype)} if weight and bias else {})


@dataclasses.dataclass(frozen=True)
class _NormBase(Module):
    """Shared by BatchNorm and InstanceNorm: PyTorch's ``_NormBase`` parameters and buffers.

    Args:
        num_features: ``C`` of ``(N, C, *)`` input. eps: added to the variance. Default: 1e-5.
        momentum: running-statistics update factor; None for a cumulative average. Default: 0.1.
        affine: learn ``weight`` and ``bias``. track_running_stats: keep running statistics (else batch
        statistics also in eval). device: ignored. dtype: parameter dtype. bias (keyword): learn ``bias``.
    """
    _ranks: ClassVar[tuple[int, ...]]  # accepted input ranks
    num_features: int
    eps: float = 1e-5
    momentum: float | None = 0.1
    affine: bool = True
    track_running_stats: bool = True
    device: Any = None
    dtype: Any = None
    bias: bool = dataclasses.field(default=True, kw_only=True)

    def init(self, key: jax.Array) -> tuple[Params, State]:
        del key
        params = _affine((self.num_features,), self.affine, self.bias, self.dtype)
        if not self.track_running_stats:
            return params, {}
        # torch: reset_running_stats: mean 0, var 1, num_batches_tracked 0 (int64; int32 without JAX x64)
        dtype = _param_dtype(self.dtype)
        return params, {"running_mean": nn_init.zeros((self.num_features,), dtype),
                        "running_var": nn_init.ones((self.num_features,), dtype),
                        "num_batches_tracked": jnp.zeros((), jax.dtypes.canonicalize_dtype(jnp.int64))}

    def _check_input_dim(self, input: jax.Array) -> None:
        if jnp.ndim(input) not in self._ranks:
            ranks = " or ".join(f"{r}D" for r in self._ranks)
            raise ValueError(f"expected {ranks} input (got {jnp.ndim(input)}D input)")

    def _normalize(self, params: Params, state: State, input: jax.Array, train: bool) -> tuple[jax.Array, State]:
        raise NotImplementedError

    def apply(self, params: Params, state: State, input: jax.Array, *, train: bool = False,
              key: jax.Array | None = None) -> tuple[jax.Array, State]:
        del key
        self._check_input_dim(input)
        return self._normalize(params, state, input, train)


def _updated(state: State, train: bool, running_mean: Any, running_var: Any, **extra: Any) -> State:
    """Running statistics move only in training, and only where they are tracked."""
    if not train or not state:
        return state
    return {**state, "running_mean": running_mean, "running_var": running_var, **extra}


class _BatchNorm(_NormBase):
    """:func:`~jtorch.nn.functional.batch_norm` over ``(N, C, *)``, statistics per channel."""

    def _normalize(self, params, state, input, train):
        # torch: _BatchNorm.forward
        momentum, extra = (0.0 if self.momentum is None else self.momentum), {}
        if train and self.track_running_stats:
            extra["num_batches_tracked"] = state["num_batches_tracked"] + 1
            if self.momentum is None:  # cumulative moving average
                momentum = 1.0 / extra["num_batches_tracked"]
        out, mean, var = F.batch_norm(input, state.get("running_mean"), state.get("running_var"),
                                      params.get("weight"), params.get("bias"),
                                      train or not self.track_running_stats, momentum, self.eps)
        return out, _updated(state, train, mean, var, **extra)


@dataclasses.dataclass(frozen=True)
class _InstanceNorm(_NormBase):
    """:func:`~jtorch.nn.functional.instance_norm`: statistics per sample and channel; unbatched input allowed."""
    affine: bool = False
    track_running_stats: bool = False

    def _normalize(self, params, state, input, train):
        # torch: _InstanceNorm.forward
        feature_dim = jnp.ndim(input) - self._ranks[0]
        if input.shape[feature_dim] != self.num_features:
            if self.affine:
                raise ValueError(f"expected input's size at dim={feature_dim} to match num_features "
                                 f"({self.num_features}), but got: {input.shape[feature_dim]}.")
            warnings.warn(f"input's size at dim={feature_dim} does not match num_features. You can silence this "
                          "warning by not passing in num_features, which is not used because affine=False",
                          stacklevel=4)
        unbatched = jnp.ndim(input) == self._ranks[0]
        out, mean, var = F.instance_norm(input[None] if unbatched else input, state.get("running_mean"),
                                         state.get("running_var"), params.get("weight"), params.get("bias"),
                                         train or not self.track_running_stats,
                                         0.0 if self.momentum is None else self.momentum, self.eps)
        return (out[0] if unbatched else out), _updated(state, train, mean, var)


class BatchNorm1d(_BatchNorm):
    """Batch normalization of ``(N, C)`` or ``(N, C, L)`` input; args as ``_NormBase``."""
    _ranks = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalization of ``(N, C, H, W)`` input; args as ``_NormBase``.

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from jtorch import nn
        >>> bn = nn.BatchNorm2d(3)
        >>> params, state = bn.init(jax.random.key(0))
        >>> x = jnp.arange(24.0).reshape(2, 3, 2, 2)
        >>> y, state = bn.apply(params, state, x, train=True)
        >>> state["running_mean"].round(2), int(state["num_batches_tracked"])
        (Array([0.75, 1.15, 1.55], dtype=float32), 1)
    """
    _ranks = (4,)


class BatchNorm3d(_BatchNorm):
    """Batch normalization of ``(N, C, D, H, W)`` input; args as ``_NormBase``."""
    _ranks = (5,)


class InstanceNorm1d(_InstanceNorm):
    """Instance normalization of ``(N, C, L)`` or ``(C, L)``; args as ``_NormBase`` (affine and
    track_running_stats default to False)."""
    _ranks = (2, 3)


class InstanceNorm2d(_InstanceNorm):
    """Instance normalization of ``(N, C, H, W)`` or ``(C, H, W)``; args as ``InstanceNorm1d``."""
    _ranks = (3, 4)


class InstanceNorm3d(_InstanceNorm):
    """Instance normalization of ``(N, C, D, H, W)`` or ``(C, D, H, W)``; args as ``InstanceNorm1d``."""
    _ranks = (4, 5)


class _TrailingNorm(Module):
    """Shared by LayerNorm and RMSNorm: an int ``normalized_shape`` becomes a tuple; ``weight`` (ones) and
    ``bias`` (zeros) of that shape when ``elementwise_affine`` (and ``bias``)."""

    def __post_init__(self):
        shape = self.normalized_shape
        set_fields(self, normalized_shape=(shape,) if isinstance(shape, numbers.Integral) else tuple(shape))

    def init(self, key: jax.Array) -> tuple[Params, State]:
        del key
        return _affine(self.normalized_shape, self.elementwise_affine, self.bias, self.dtype), {}


@dataclasses.dataclass(frozen=True)
class LayerNorm(_TrailingNorm):
    """:func:`~jtorch.nn.functional.layer_norm` over the trailing ``normalized_shape`` dims.

    Args:
        normalized_shape: int or tuple, the trailing shape. eps. Default: 1e-5. elementwise_affine: learn
        ``weight`` (ones) and ``bias`` (zeros) of ``normalized_shape``. Default: True. bias. Default: True.

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from jtorch import nn
        >>> ln = nn.LayerNorm(2)
        >>> ln.apply(*ln.init(jax.random.key(0)), jnp.array([[1.0, 3.0]]))[0].round(4)
        Array([[-1.,  1.]], dtype=float32)
    """
    normalized_shape: int | tuple[int, ...]
    eps: float = 1e-5
    elementwise_affine: bool = True
    bias: bool = True
    device: Any = None
    dtype: Any = None

    def apply(self, params: Params, state: State, input: jax.Array, *, train: bool = False,
              key: jax.Array | None = None) -> tuple[jax.Array, State]:
        del train, key
        return F.layer_norm(input, self.normalized_shape, params.get("weight"), params.get("bias"), self.eps), state


@dataclasses.dataclass(frozen=True)
class GroupNorm(Module):
    """:func:`~jtorch.nn.functional.group_norm`: ``num_channels`` split into ``num_groups`` normalised groups.

    Args: num_groups; num_channels; eps. Default: 1e-5; affine: per-channel ``weight`` (ones) and ``bias``
    (zeros). Default: True; device; dtype; bias (keyword). Default: True.
    """
    num_groups: int
    num_channels: int
    eps: float = 1e-5
    affine: bool = True
    device: Any = None
    dtype: Any = None
    bias: bool = dataclasses.field(default=True, kw_only=True)

    def __post_init__(self):
        if self.num_channels % self.num_groups != 0:
            raise ValueError(f"num_channels ({self.num_channels}) must be divisible by num_groups "
                             f"({self.num_groups})")

    def init(self, key: jax.Array) -> tuple[Params, State]:
        del key
        return _affine((self.num_channels,), self.affine, self.bias, self.dtype), {}

    def apply(self, params: Params, state: State, input: jax.Array, *, train: bool = False,
              key: jax.Array | None = None) -> tuple[jax.Array, State]:
        del train, key
        return F.group_norm(input, self.num_groups, params.get("weight"), params.get("bias"), self.eps), state


@dataclasses.dataclass(frozen=True)
class RMSNorm(_TrailingNorm):
    """:func:`~jtorch.nn.functional.rms_norm` over the trailing ``normalized_shape`` dims.

    Args: normalized_shape; eps (None: the dtype's machine epsilon). Default: None; elementwise_affine:
    learn ``weight`` (ones). Default: True; device; dtype.
    """
    bias: ClassVar[bool] = False
    normalized_shape: int | tuple[int, ...]
    eps: float | None = None
    elementwise_affine: bool = True
    device: Any = None
    dtype: Any = None

    def apply(self, params: Params, state: State, input: jax.Array, *, train: bool = False,
              key: jax.Array | None = None) -> tuple[jax.Array, State]:
        del train, key
        return F.rms_norm(input, self.normalized_shape, params.get("weight"), self.eps), state


@dataclasses.dataclass(frozen=True)
class LocalResponseNorm(_Stateless):
    """:func:`~jtorch.nn.functional.local_response_norm` across ``size`` neighbouring channels.

    Args: size; alpha. Default: 1e-4; beta. Default: 0.75; k. Default: 1.0.
    """
    size: int
    alpha: float = 1e-4
    beta: float = 0.75
    k: float = 1.0

    def forward(self, input):
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)
