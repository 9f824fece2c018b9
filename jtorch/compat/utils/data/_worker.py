"""Worker processes for ``DataLoader(num_workers > 0)``.

Workers are *spawned* by default, not forked: JAX's runtime is multithreaded and a forked child that
runs any JAX computation deadlocks (measured: even ``x + 1`` hangs), while a fresh process starts its own
runtime. A spawned child normally re-runs the main script; that would re-run an unguarded tutorial
script, so the main module is hidden while workers start and is only re-run (as ``__mp_main__``, with
the ``torch`` import hook installed first) when the dataset really needs something defined in it, which is
when PyTorch also requires the ``if __name__ == "__main__":`` guard on spawn platforms.
Tensors cross process boundaries as NumPy arrays (a ``ForkingPickler`` reducer, as PyTorch registers its own).
"""
from __future__ import annotations

import contextlib
import pickle
import queue
import random
import runpy
import sys
import traceback
import types
from dataclasses import dataclass
from multiprocessing.reduction import ForkingPickler

import numpy as np

from ..._tensor import Tensor

__all__ = ["ExceptionWrapper", "WorkerInfo", "get_worker_info"]


@dataclass(frozen=True)
class WorkerInfo:
    """What ``get_worker_info()`` returns inside a worker: ``id``, ``num_workers``, ``seed``, ``dataset``."""
    id: int
    num_workers: int
    seed: int
    dataset: object


_worker_info: WorkerInfo | None = None


def get_worker_info() -> WorkerInfo | None:
    """This worker's ``WorkerInfo``, or ``None`` in the main process."""
    return _worker_info


class ExceptionWrapper:
    """An exception with its traceback text, re-raised in another process as PyTorch does."""

    def __init__(self, exc_info=None, where: str = "in background"):
        exc_info = exc_info or sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = _KeyErrorMessage(msg)
        try:
            exception = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exception


class _KeyErrorMessage(str):
    def __repr__(self):  # KeyError reprs its argument; keep the traceback readable
        return self


def _rebuild_tensor(array: np.ndarray, requires_grad: bool) -> Tensor:
    from ..._ops._convert import from_data
    return from_data(array, requires_grad=requires_grad)


def _reduce_tensor(t: Tensor):
    return _rebuild_tensor, (np.asarray(t.detach()._value()), t.requires_grad)


ForkingPickler.register(Tensor, _reduce_tensor)


@contextlib.contextmanager
def hidden_main():
    """Starts processes without the main module in their preparation data (see the module docstring)."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield getattr(main, "__file__", None)
    finally:
        sys.modules["__main__"] = main


def _load(payload: bytes, main_path: str | None):
    try:
        return pickle.loads(payload)
    except (AttributeError, ModuleNotFoundError):
        if main_path is None:
            raise
    sys.modules["__main__"] = sys.modules["__mp_main__"] = types.ModuleType("__mp_main__")
    sys.modules["__main__"].__dict__.update(runpy.run_path(main_path, run_name="__mp_main__"))
    return pickle.loads(payload)


def worker_loop(worker_id: int, num_workers: int, seed: int, payload: bytes, main_path: str | None,
                hook: bool, index_queue, result_queue) -> None:
    """A worker: fetches and collates the batches whose indices arrive on ``index_queue``.

    Tasks are ``(epoch, task, indices)`` (``indices`` is ``None`` for an iterable dataset, whose copy is
    restarted when ``epoch`` changes); ``None`` ends the worker. Replies are ``(epoch, task, batch)``
    where ``batch`` may be an ``ExceptionWrapper`` or an ``IterableEnd``.
    """
    global _worker_info
    if hook:
        from ... import install
        install()
    from ... import _random
    _random.manual_seed(seed)
    random.seed(seed)
    where = f"in DataLoader worker process {worker_id}"
    try:
        fetch = _load(payload, main_path)
        _worker_info = WorkerInfo(worker_id, num_workers, seed, fetch.dataset)
        if fetch.worker_init_fn is not None:
            fetch.worker_init_fn(worker_id)
        failed = None
    except Exception:
        failed = ExceptionWrapper(where=where)
    epoch = None
    while True:
        try:
            task = index_queue.get(timeout=5.0)
        except queue.Empty:
            continue
        if task is None:
            return
        if task[0] != epoch and failed is None:
            epoch = task[0]
            fetch.restart()
        try:
            batch = failed or fetch(task[2])
        except Exception:
            batch = ExceptionWrapper(where=where)
        result_queue.put((task[0], task[1], batch))
