"""Range checks on index tensors, done only where they cost no sync.

PyTorch's kernels raise on an out-of-range index; XLA's gathers clamp or fill instead (an embedding
lookup returns NaN rows), so the facade checks on the host. The engine is lazy, and reading a pending
index would force a sync in the middle of building a step, so only an index whose value is already
materialised (the usual case: indices that come from data) is checked; a lazily computed index is not.
"""
from __future__ import annotations

import numpy as np

from ._tensor import Tensor

__all__ = ["check_bags", "check_index_range", "check_targets", "first_out_of_range", "host_indices"]


def host_indices(index) -> np.ndarray | None:
    """A host copy of a materialised, non-empty integer Tensor; None otherwise (pending, empty, float)."""
    value = index._node.value if isinstance(index, Tensor) else None
    if value is None or not value.size or not np.issubdtype(value.dtype, np.integer):
        return None
    return np.asarray(value)


def first_out_of_range(index, low: int, high: int) -> int | None:
    """The smallest entry of a materialised ``index`` outside ``[low, high)``, else None."""
    host = host_indices(index)
    if host is None:
        return None
    if host.min() < low:
        return int(host.min())
    above = host[host >= high]
    return int(above.min()) if above.size else None


def check_index_range(index, size: int) -> None:
    """Raises PyTorch's embedding ``IndexError`` when a materialised ``index`` leaves ``[0, size)``."""
    if first_out_of_range(index, 0, size) is not None:
        raise IndexError("index out of range in self")


def check_targets(target, classes: int, ignore_index: int) -> None:
    """Raises PyTorch's ``nll_loss`` ``IndexError`` for the first materialised class target outside
    ``[0, classes)`` that is not ``ignore_index``."""
    host = host_indices(target)
    if host is not None and (host.min() < 0 or host.max() >= classes):
        bad = host[((host < 0) | (host >= classes)) & (host != ignore_index)]
        if bad.size:
            raise IndexError(f"Target {bad.flat[0]} is out of bounds.")


def check_bags(input, size: int, offsets) -> None:
    """Raises PyTorch's ``embedding_bag`` errors for materialised indices outside ``[0, size)`` and 1-D
    offsets that do not start at 0 or run past the input."""
    host = host_indices(input)
    if host is not None and (host.min() < 0 or host.max() >= size):
        i = int(np.flatnonzero((host.ravel() < 0) | (host.ravel() >= size))[0])
        raise RuntimeError(f"Index {i} of input takes value {host.ravel()[i]} which is not in the valid range "
                           f"[0, {size})")
    offs = host_indices(offsets) if isinstance(input, Tensor) and input.ndim == 1 else None
    if offs is not None and offs.ndim == 1:
        if offs[0] != 0:
            raise RuntimeError("offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
                               f"position 0. However, got {offs[0]}")
        if offs[-1] > input.shape[0]:
            raise RuntimeError(f"offsets[-1] can not be greater than input's length {input.shape[0]} but got "
                               f"offsets[-1] of {offs[-1]}")
