"""Range checks on index tensors, done only where they cost no sync.

PyTorch's kernels raise on an out-of-range index; XLA's gathers clamp or fill instead (an embedding
lookup returns NaN rows), so the facade checks on the host. The engine is lazy, and reading a pending
index would force a sync in the middle of building a step, so only an index whose value is already
materialised (the usual case: indices that come from data) is checked; a lazily computed index is not.
"""
from __future__ import annotations

import numpy as np

from ._tensor import Tensor

__all__ = ["check_index_range", "check_targets", "first_out_of_range", "host_indices"]


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
