"""Index lookups: embedding, embedding_bag and one_hot.

Index values can only be validated when they are concrete (not traced): then out-of-range indices raise
PyTorch's errors. Under ``jit``/``vmap`` they cannot be checked, and an out-of-range ``embedding`` index
gives a NaN row, an out-of-range ``one_hot`` value an all-zero row.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.typing import ArrayLike

from ._distance import _vector_norm


def _concrete(x: jax.Array) -> np.ndarray | None:
    """The values of ``x`` when known at trace time, else None."""
    return None if isinstance(x, jax.core.Tracer) else np.asarray(x)


def _grad_only(value: jax.Array, grad_path: jax.Array) -> jax.Array:
    """An array with the value of ``value`` and the gradient of ``grad_path``."""
    return lax.stop_gradient(value - grad_path) + grad_path


def _padding_row(padding_idx: int | None, num: int, error: Exception) -> int | None:
    """``padding_idx`` in ``[0, num)`` (negatives count from the end); ``error`` when outside ``[-num, num)``."""
    if padding_idx is None:
        return None
    if not -num <= padding_idx < num:
        raise error
    return padding_idx % num


def embedding(input: ArrayLike, weight: ArrayLike, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> jax.Array:
    """Looks up rows of ``weight``: ``out[..., :] = weight[input[...], :]``.

    Args:
        input: integer indices, any shape.
        weight: ``(num_embeddings, embedding_dim)``.
        padding_idx: this row receives no gradient (static int or None). Default: None.
        max_norm: looked-up rows whose ``norm_type``-norm exceeds it are rescaled to norm ``max_norm``.
            PyTorch also rewrites those rows of ``weight`` in place; the pure op only changes the output
            (the gradient is the plain lookup's, as PyTorch's). Default: None.
        norm_type: Default: 2.
        scale_grad_by_freq: divide each row's gradient by the count of its index in ``input``. Default: False.
        sparse: accepted and ignored; gradients are dense.

    Shape:
        ``(*)`` indices, ``(V, D)`` weight ``-> (*, D)``.

    Example:
        >>> embedding(jnp.array([2, 0]), jnp.arange(6.0).reshape(3, 2))
        Array([[4., 5.],
               [0., 1.]], dtype=float32)
    """
    del sparse
    idx, w = jnp.asarray(input), jnp.asarray(weight)
    if not jnp.issubdtype(idx.dtype, jnp.integer):
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {idx.dtype} instead (while checking arguments for embedding)")
    if w.ndim != 2:
        raise RuntimeError(f"'weight' must be 2-D (num_embeddings, embedding_dim), got shape {tuple(w.shape)}")
    num = w.shape[0]
    # PyTorch's type and text (an assert in torch.nn.functional.embedding).
    padding_idx = _padding_row(padding_idx, num, AssertionError(
        f"Padding_idx must be within num_embeddings (padding_idx={padding_idx}, num_embeddings={num})"))
    values = _concrete(idx)
    if values is not None and values.size and (values.min() < 0 or values.max() >= num):
        raise IndexError(f"index out of range in self (indices must be in [0, {num}), got min {values.min()}, "
                         f"max {values.max()})")
    rows = jnp.take(w, idx, axis=0)
    if max_norm is not None:
        norms = _vector_norm(rows, norm_type, -1, keepdims=True)
        scale = jnp.where(norms > max_norm, max_norm / (norms + 1e-7), 1)  # ATen's embedding_renorm_
        rows = _grad_only(rows * scale, rows)
    if scale_grad_by_freq:
        counts = jnp.zeros(num, rows.dtype).at[idx].add(1)[idx][..., None]
        rows = _grad_only(rows, (rows - lax.stop_gradient(rows)) / counts)
    if padding_idx is not None:
        rows = jnp.where((idx == padding_idx)[..., None], lax.stop_gradient(rows), rows)
    return rows


def embedding_bag(input: ArrayLike, weight: ArrayLike, offsets: ArrayLike | None = None,
                  max_norm: float | None = None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                  mode: str = "mean", sparse: bool = False, per_sample_weights: ArrayLike | None = None,
                  include_last_offset: bool = False, padding_idx: int | None = None) -> jax.Array:
    """Sums, averages or takes the max of bags of embedding rows without building the ``(N, D)`` lookups' bags.

    Args:
        input: 2-D ``(B, N)`` indices (``B`` bags of ``N``), or 1-D indices cut into bags by ``offsets``.
        weight: ``(num_embeddings, embedding_dim)``.
        offsets: 1-D start of each bag in a 1-D ``input`` (the first must be 0). Default: None.
        max_norm, norm_type, scale_grad_by_freq: as in :func:`embedding`. sparse: accepted and ignored.
        mode: ``"sum"``, ``"mean"`` or ``"max"``; an empty bag gives zeros. Default: ``"mean"``.
        per_sample_weights: weights of ``input``'s shape, multiplied in before summing (``mode="sum"`` only).
        include_last_offset: ``offsets`` has ``B + 1`` entries, the last one the end of the last bag.
        padding_idx: entries equal to it are left out of their bag (negative counts from the end).

    Shape:
        ``(B, N)`` or ``(N,)`` with ``(B,)`` offsets, ``(V, D)`` weight ``-> (B, D)``.

    Example:
        >>> embedding_bag(jnp.array([0, 2, 1]), jnp.arange(6.0).reshape(3, 2), jnp.array([0, 2]), mode="sum")
        Array([[4., 6.],
               [2., 3.]], dtype=float32)
    """
    idx, w = jnp.asarray(input), jnp.asarray(weight)
    if per_sample_weights is not None and jnp.shape(per_sample_weights) != idx.shape:
        raise ValueError(f"embedding_bag: If per_sample_weights ({jnp.shape(per_sample_weights)}) is not None, "
                         f"then it must have the same shape as the input ({idx.shape})")
    if w.ndim != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {w.ndim}")
    if idx.ndim == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type {type(offsets)}")
        bags = idx.shape[0]
        segment = jnp.repeat(jnp.arange(bags), idx.shape[1])
    elif idx.ndim == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        offs = jnp.asarray(offsets)
        if offs.ndim != 1:
            raise ValueError("offsets has to be a 1D Tensor")
        bags = offs.shape[0] - 1 if include_last_offset else offs.shape[0]
        positions = jnp.arange(idx.shape[0])
        segment = jnp.searchsorted(offs, positions, side="right") - 1
        if include_last_offset:  # entries past the last offset belong to no bag (dropped by segment_sum)
            segment = jnp.where(positions >= offs[-1], bags, segment)
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {idx.ndim}")
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("max mode does not support scaling the gradient by the frequency")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError("embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request "
                                  "on GitHub.")
    num = w.shape[0]
    padding_idx = _padding_row(padding_idx, num, RuntimeError(
        f"padding_idx must be within the number of embeddings, -{num} through {num - 1}, but got {padding_idx}"))
    idx, segment = idx.reshape(-1), segment.reshape(-1)
    rows = embedding(idx, w, None, max_norm, norm_type, scale_grad_by_freq, sparse)
    keep = (idx != padding_idx)[:, None] if padding_idx is not None else jnp.ones((idx.shape[0], 1), bool)
    count = jax.ops.segment_sum(keep.astype(rows.dtype), segment, bags)
    if mode == "max":
        low = jnp.array(-jnp.inf, rows.dtype)
        out = jax.ops.segment_max(jnp.where(keep, rows, low), segment, bags)
        return jnp.where(count > 0, out, 0)
    if per_sample_weights is not None:
        rows = rows * jnp.asarray(per_sample_weights, rows.dtype).reshape(-1, 1)
    out = jax.ops.segment_sum(jnp.where(keep, rows, 0), segment, bags)
    return out / jnp.maximum(count, 1) if mode == "mean" else out


def one_hot(tensor: ArrayLike, num_classes: int = -1) -> jax.Array:
    """``out[..., k] = 1`` where ``tensor[...] == k``, else 0.

    The result is int64 when JAX's 64-bit mode is on (PyTorch's LongTensor), int32 otherwise.

    Args:
        tensor: integer class indices, any shape.
        num_classes: static int; -1 infers ``max(tensor) + 1``, which needs concrete (untraced) values:
            under ``jit``/``vmap`` pass it explicitly. Default: -1.

    Shape:
        ``(*) -> (*, num_classes)``.

    Example:
        >>> one_hot(jnp.array([0, 2]))
        Array([[1, 0, 0],
               [0, 0, 1]], dtype=int32)
    """
    x = jnp.asarray(tensor)
    if not jnp.issubdtype(x.dtype, jnp.integer):
        raise RuntimeError(f"one_hot is only applicable to index tensor of type LongTensor, got {x.dtype}.")
    values = _concrete(x)
    if num_classes == -1:
        if values is None:
            raise ValueError("one_hot(num_classes=-1) infers the class count from the values, which are not known "
                             "inside jit/vmap/grad: pass num_classes explicitly")
        if not values.size:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(values.max()) + 1
    if values is not None and values.size:
        if values.min() < 0:
            raise RuntimeError(f"Class values must be non-negative, got {values.min()}.")
        if values.max() >= num_classes:
            raise RuntimeError(f"Class values must be smaller than num_classes (={num_classes}), got {values.max()}.")
    return (x[..., None] == jnp.arange(num_classes, dtype=x.dtype)).astype(jax.dtypes.canonicalize_dtype(jnp.int64))
