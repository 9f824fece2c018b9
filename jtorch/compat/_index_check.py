"""Range checks on index tensors, done only where they cost no sync.

PyTorch's kernels raise on an out-of-range index; XLA's gathers clamp or fill instead (an embedding
lookup returns NaN rows), so the facade checks on the host. The engine is lazy, and reading a pending
index would force a sync in the middle of building a step, so only an index whose value is already
materialised (the usual case: indices that come from data) is checked; a lazily computed index is not.
"""
from __future__ import annotations

import numpy as np

from ._tensor import Tensor

__all__ = ["axis_size", "check_advanced", "check_bags", "check_bounds", "check_index_range", "check_targets",
           "first_outside", "first_out_of_range", "host_indices"]


_SAME_VALUES = frozenset({"reshape", "squeeze", "unsqueeze", "detach"})  # view steps that keep the row-major values


def host_indices(index) -> np.ndarray | None:
    """A host copy of a materialised, non-empty integer Tensor; None otherwise (pending, empty, float).
    A view that only reshapes a materialised tensor (``y.unsqueeze(1)``, ``idx.view(-1)``) has its
    base's values, so it counts as materialised."""
    if not isinstance(index, Tensor):
        return None
    value = index._node.value
    if value is None and index._base is not None and all(op.name in _SAME_VALUES for op, *_ in index._view):
        value = index._base._node.value
        value = None if value is None else np.asarray(value).reshape(index._node.shape)
    if value is None:
        return None
    host = np.asarray(value)
    return host if host.size and host.dtype.kind in "iu" else None


def first_out_of_range(index, low: int, high: int) -> int | None:
    """The smallest entry of a materialised ``index`` outside ``[low, high)``, else None."""
    host = host_indices(index)
    if host is None:
        return None
    if host.min() < low:
        return int(host.min())
    above = host[host >= high]
    return int(above.min()) if above.size else None


def axis_size(input: Tensor, axis: int) -> int:
    """The size an index along ``axis`` is checked against: a 0-d input counts as one element."""
    shape = input._node.shape
    return shape[axis] if shape else 1


def _first_position_outside(host: np.ndarray, low: int, high: int) -> int | None:
    """The row-major position of the first entry of ``host`` outside ``[low, high)``, else None: the one
    PyTorch's CPU kernels report. Two reductions when all are in range."""
    if host.min() >= low and host.max() < high:
        return None
    flat = host.ravel()
    return int(np.flatnonzero((flat < low) | (flat >= high))[0])


def first_outside(index, low: int, high: int) -> int | None:
    """The first entry, in row-major order, of a materialised ``index`` outside ``[low, high)``, else None."""
    host = host_indices(index)
    pos = None if host is None else _first_position_outside(host, low, high)
    return None if pos is None else int(host.flat[pos])


def check_bounds(index, size: int, dim: int, *, wrap: bool = False, error: type = RuntimeError,
                 prefix: str = "") -> None:
    """Raises PyTorch's ``index i is out of bounds for dimension d with size n`` for a materialised
    ``index``; ``wrap``: negative indices down to ``-size`` count from the end, as the op allows."""
    bad = first_outside(index, -size if wrap else 0, size)
    if bad is not None:
        raise error(f"{prefix}index {bad} is out of bounds for dimension {dim} with size {size}")


def check_advanced(indices: list, sizes: list[int]) -> None:
    """PyTorch's ``IndexError`` for advanced indexing (``x[idx]``, ``x[idx] = v``, ``index_put``): at the
    first position of the broadcast indices where one leaves ``[-size, size)``, the first such index,
    its value and its position ``j`` among the index tensors (PyTorch's "dimension"). The indices'
    shapes must broadcast."""
    bad = []
    for j, (index, size) in enumerate(zip(indices, sizes)):
        host = host_indices(index)
        if host is not None and (host.min() < -size or host.max() >= size):
            bad.append((j, host, size))
    if not bad:
        return
    hosts = np.broadcast_arrays(*(host for _, host, _ in bad))
    masks = [(host < -size) | (host >= size) for host, (_, _, size) in zip(hosts, bad)]
    pos = int(np.flatnonzero(np.logical_or.reduce(masks).ravel())[0])
    k = next(k for k, mask in enumerate(masks) if mask.flat[pos])
    j, _, size = bad[k]
    raise IndexError(f"index {hosts[k].flat[pos]} is out of bounds for dimension {j} with size {size}")


def check_index_range(index, size: int) -> None:
    """Raises PyTorch's embedding ``IndexError`` when a materialised ``index`` leaves ``[0, size)``."""
    if first_outside(index, 0, size) is not None:
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
    i = None if host is None else _first_position_outside(host, 0, size)
    if i is not None:
        raise RuntimeError(f"Index {i} of input takes value {host.flat[i]} which is not in the valid range "
                           f"[0, {size})")
    offs = host_indices(offsets) if isinstance(input, Tensor) and input.ndim == 1 else None
    if offs is not None and offs.ndim == 1:
        if offs[0] != 0:
            raise RuntimeError("offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
                               f"position 0. However, got {offs[0]}")
        if offs[-1] > input.shape[0]:
            raise RuntimeError(f"offsets[-1] can not be greater than input's length {input.shape[0]} but got "
                               f"offsets[-1] of {offs[-1]}")
