"""Range checks on index tensors, done only where they cost no sync.

PyTorch's kernels raise on an out-of-range index; XLA's gathers clamp or fill instead (an embedding
lookup returns NaN rows), so the facade checks on the host. The engine is lazy, and reading a pending
index would force a sync in the middle of building a step, so only an index whose value is already
materialised (the usual case: indices that come from data) is checked; a lazily computed index is not.
"""
from __future__ import annotations

import numpy as np

from ._tensor import Tensor

__all__ = ["check_index_range", "first_out_of_range"]


def first_out_of_range(index, low: int, high: int) -> int | None:
    """The smallest entry of a materialised integer ``index`` outside ``[low, high)``, else None (also when
    ``index`` is pending, empty, or not an integer Tensor)."""
    value = index._node.value if isinstance(index, Tensor) else None
    if value is None or not value.size or not np.issubdtype(value.dtype, np.integer):
        return None
    host = np.asarray(value)
    if host.min() < low:
        return int(host.min())
    above = host[host >= high]
    return int(above.min()) if above.size else None


def check_index_range(index, size: int) -> None:
    """Raises PyTorch's embedding ``IndexError`` when a materialised ``index`` leaves ``[0, size)``."""
    if first_out_of_range(index, 0, size) is not None:
        raise IndexError("index out of range in self")
