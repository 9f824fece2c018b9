"""Affine maps: linear and bilinear, with PyTorch's weight layouts and shape errors."""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike


def _add_bias(y: jax.Array, bias: ArrayLike | None) -> jax.Array:
    if bias is None:
        return y
    b = jnp.asarray(bias)
    try:
        jnp.broadcast_shapes(b.shape, y.shape)
    except ValueError:
        raise RuntimeError(f"`bias` of shape {tuple(b.shape)} does not broadcast to the output shape "
                           f"{tuple(y.shape)}") from None
    return y + b


def linear(input: ArrayLike, weight: ArrayLike, bias: ArrayLike | None = None) -> jax.Array:
    """``y = x W^T + b``.

    Args:
        input: ``(*, in_features)``.
        weight: ``(out_features, in_features)``, PyTorch's layout (or ``(in_features,)``).
        bias: ``(out_features,)`` or None. Default: None.

    Shape:
        ``(*, in_features) -> (*, out_features)`` (``(*)`` for a 1-d weight).

    Example:
        >>> linear(jnp.ones((2, 3)), jnp.ones((4, 3)), jnp.arange(4.0))
        Array([[3., 4., 5., 6.],
               [3., 4., 5., 6.]], dtype=float32)
    """
    x, w = jnp.asarray(input), jnp.asarray(weight)
    if x.ndim == 0 or w.ndim == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are {x.ndim}D and {w.ndim}D")
    if w.ndim > 2:
        raise RuntimeError(f"`weight` must be (out_features, in_features), got shape {tuple(w.shape)}")
    if x.shape[-1] != w.shape[-1]:
        out = f"{w.shape[0]}" if w.ndim == 2 else "1"
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied "
                           f"({math.prod(x.shape[:-1])}x{x.shape[-1]} and {w.shape[-1]}x{out})")
    return _add_bias(jnp.matmul(x, w.T), bias)


def bilinear(input1: ArrayLike, input2: ArrayLike, weight: ArrayLike, bias: ArrayLike | None = None) -> jax.Array:
    """``y_o = x1^T W_o x2 + b_o`` for each output feature ``o``.

    Args:
        input1: ``(*, in1_features)``. input2: ``(*, in2_features)``, same leading dims.
        weight: ``(out_features, in1_features, in2_features)``. bias: ``(out_features,)`` or None.

    Shape:
        ``(*, in1), (*, in2) -> (*, out_features)``.

    Example:
        >>> bilinear(jnp.ones((1, 2)), jnp.ones((1, 3)), jnp.ones((4, 2, 3)))
        Array([[6., 6., 6., 6.]], dtype=float32)
    """
    x1, x2, w = jnp.asarray(input1), jnp.asarray(input2), jnp.asarray(weight)
    if x1.ndim == 0 or x2.ndim == 0:
        raise RuntimeError(f"bilinear(): inputs need at least 1 dimension, got {x1.ndim}D and {x2.ndim}D")
    if x1.ndim != x2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {x1.ndim} and {x2.ndim}")
    for d, (a, b) in enumerate(zip(x1.shape[:-1], x2.shape[:-1])):
        if a != b:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {d}: got {a} and {b}")
    if w.ndim != 3:
        raise RuntimeError(f"bilinear(): weight must be 3-dimensional (out, in1, in2), got shape {tuple(w.shape)}")
    for i, x in ((1, x1), (2, x2)):
        if x.shape[-1] != w.shape[i]:
            raise RuntimeError(f"bilinear(): input{i} size does not match weight size: "
                               f"got {x.shape[-1]} but expected {w.shape[i]}")
    if bias is not None and jnp.shape(bias)[-1:] != w.shape[:1]:
        raise RuntimeError(f"bilinear(): bias size does not match weight size: "
                           f"got {jnp.shape(bias)[-1] if jnp.ndim(bias) else 1} but expected {w.shape[0]}")
    return _add_bias(jnp.einsum("...i,oij,...j->...o", x1, w, x2), bias)
