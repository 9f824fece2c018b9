"""Batching arrays on the host and moving them to the device ahead of use.

A batch is gathered with one NumPy indexing op per array and sent to the device with one
``jax.device_put``; a background thread keeps the next ``prefetch`` batches ready, so the host work
overlaps the training step. The thread only touches NumPy and ``device_put``, both thread-safe.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence

import jax
import numpy as np

__all__ = ["batches", "gather", "index_batches", "run_ahead"]

_DONE = object()


class _Raised:
    def __init__(self, error: BaseException):
        self.error = error


def _produce(items: Iterator, out: queue.Queue, stop: threading.Event) -> None:
    try:
        for item in items:
            while not stop.is_set():
                try:
                    out.put(item, timeout=0.1)
                    break
                except queue.Full:
                    pass
            if stop.is_set():
                return
        out.put(_DONE)
    except BaseException as e:  # re-raised in the consumer, with its traceback
        out.put(_Raised(e))


def run_ahead(items: Iterable, depth: int = 2) -> Iterator:
    """Yields ``items``, produced by a background thread up to ``depth`` ahead (``depth=0``: inline).

    An exception raised while producing is re-raised in the consumer; abandoning the iterator stops
    the thread.
    """
    if depth <= 0:
        yield from items
        return
    out: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    thread = threading.Thread(target=_produce, args=(iter(items), out, stop), daemon=True,
                              name="jtorch-prefetch")
    thread.start()
    try:
        while True:
            item = out.get()
            if item is _DONE:
                return
            if isinstance(item, _Raised):
                raise item.error
            yield item
    finally:
        stop.set()


def index_batches(order: np.ndarray, batch_size: int, drop_last: bool = False) -> list[np.ndarray]:
    """``order`` cut into consecutive batches of ``batch_size`` (the last one shorter unless dropped)."""
    if batch_size <= 0:
        raise ValueError(f"`batch_size` (={batch_size}) must be a positive integer.")
    n = len(order) // batch_size * batch_size if drop_last else len(order)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


def gather(arrays: Sequence[np.ndarray], index: np.ndarray, put: Callable = jax.device_put) -> tuple:
    """One batch: each host array indexed by ``index``, then placed on the device by ``put``."""
    return tuple(put(a[index]) for a in arrays)


def batches(arrays: Sequence, batch_size: int, *, key: jax.Array | None = None, shuffle: bool = False,
            drop_last: bool = False, prefetch: int = 2) -> Iterator[tuple[jax.Array, ...]]:
    """Yields one epoch of ``arrays`` (host arrays sharing their first dimension) in device batches.

    Args:
      arrays: NumPy (or array-like) arrays with the same leading dimension ``N``.
      batch_size: samples per batch.
      key: a ``jax.random`` key, required when ``shuffle`` is set.
      shuffle: visit the samples in ``jax.random.permutation(key, N)`` order.
      drop_last: drop the last batch when it is smaller than ``batch_size``.
      prefetch: batches kept ready on the device by a background thread (0: none).

    Returns:
      An iterator of tuples of ``jax.Array``, one per input array, of shape ``(B, *a.shape[1:])``.

    Example:
      >>> import numpy as np
      >>> [tuple(b.shape) for b, in batches([np.zeros((5, 2))], 2)]
      [(2, 2), (2, 2), (1, 2)]
    """
    host = [np.asarray(a) for a in arrays]
    sizes = {len(a) for a in host}
    if len(sizes) != 1:
        raise ValueError(f"`arrays` must share their first dimension, got lengths {[len(a) for a in host]}.")
    n = sizes.pop()
    if shuffle and key is None:
        raise ValueError("`shuffle=True` requires a `key`.")
    order = np.asarray(jax.random.permutation(key, n)) if shuffle else np.arange(n)
    parts = index_batches(order, batch_size, drop_last)
    return run_ahead((gather(host, idx) for idx in parts), prefetch)
