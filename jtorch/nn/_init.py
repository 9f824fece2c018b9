"""The deterministic half of ``jtorch.nn.init``: gains, fans and fills (no key needed)."""
from __future__ import annotations

import math
import numbers
from typing import Any, Sequence

import jax
import jax.numpy as jnp

Shape = Sequence[int]
_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d")


def calculate_gain(nonlinearity: str, param: Any = None) -> Any:
    """Returns PyTorch's recommended gain for ``nonlinearity`` (a ``torch.nn.functional`` name).

    Args:
        nonlinearity: ``'linear'``, ``'conv{1,2,3}d'``, ``'conv_transpose{1,2,3}d'``, ``'sigmoid'``
            (gain 1), ``'tanh'`` (5/3), ``'relu'`` (sqrt(2)), ``'leaky_relu'`` (sqrt(2 / (1 + slope^2)))
            or ``'selu'`` (3/4).
        param: the negative slope for ``'leaky_relu'``. Default: None (0.01).

    Example:
        >>> from jtorch.nn import init
        >>> init.calculate_gain('leaky_relu', 0.2)
        1.3867504905630728
    """
    if nonlinearity in _LINEAR or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            param = 0.01
        elif isinstance(param, bool) or not isinstance(param, (numbers.Real, jax.Array)):
            raise ValueError(f"negative_slope {param} not a valid number")
        # `** 0.5` rather than math.sqrt so a traced slope works.
        return (2.0 / (1 + param ** 2)) ** 0.5
    if nonlinearity == "selu":
        return 3.0 / 4  # torch: found empirically (pytorch/pytorch#50664)
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(shape: Shape) -> tuple[int, int]:
    """PyTorch's fans of a weight of ``shape``: ``(shape[1], shape[0])`` times the receptive field size."""
    if len(shape) < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive_field_size = math.prod(shape[2:])
    return shape[1] * receptive_field_size, shape[0] * receptive_field_size


def _calculate_correct_fan(shape: Shape, mode: str) -> int:
    mode = mode.lower()
    valid_modes = ["fan_in", "fan_out"]
    if mode not in valid_modes:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid_modes}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(shape)
    return fan_in if mode == "fan_in" else fan_out


def constant(shape: Shape, val: Any, dtype: Any = jnp.float32) -> jax.Array:
    """An array of ``shape`` filled with ``val``.

    Example:
        >>> from jtorch.nn import init
        >>> init.constant((2,), 0.5)
        Array([0.5, 0.5], dtype=float32)
    """
    return jnp.full(tuple(shape), val, dtype)


def ones(shape: Shape, dtype: Any = jnp.float32) -> jax.Array:
    """An array of ``shape`` filled with 1.

    Example:
        >>> from jtorch.nn import init
        >>> init.ones((2,))
        Array([1., 1.], dtype=float32)
    """
    return constant(shape, 1, dtype)


def zeros(shape: Shape, dtype: Any = jnp.float32) -> jax.Array:
    """An array of ``shape`` filled with 0.

    Example:
        >>> from jtorch.nn import init
        >>> init.zeros((2,))
        Array([0., 0.], dtype=float32)
    """
    return constant(shape, 0, dtype)


def eye(shape: Shape, dtype: Any = jnp.float32) -> jax.Array:
    """The 2-D identity of ``shape`` (rectangular allowed), preserving a Linear layer's inputs.

    Example:
        >>> from jtorch.nn import init
        >>> init.eye((2, 3))
        Array([[1., 0., 0.],
               [0., 1., 0.]], dtype=float32)
    """
    if len(shape) != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return jnp.eye(*shape, dtype=dtype)


def dirac(shape: Shape, groups: int = 1, dtype: Any = jnp.float32) -> jax.Array:
    """The Dirac delta as a 3-, 4- or 5-D conv weight: each group passes as many input channels as it can.

    Example:
        >>> from jtorch.nn import init
        >>> init.dirac((2, 1, 3))
        Array([[[0., 1., 0.]],
        <BLANKLINE>
               [[0., 0., 0.]]], dtype=float32)
    """
    if len(shape) not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    if shape[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    out_per_group = shape[0] // groups
    d = jnp.arange(min(out_per_group, shape[1]))
    out_idx = (jnp.arange(groups)[:, None] * out_per_group + d).ravel()
    centre = tuple(s // 2 for s in shape[2:])
    return jnp.zeros(tuple(shape), dtype).at[(out_idx, jnp.tile(d, groups)) + centre].set(1)
