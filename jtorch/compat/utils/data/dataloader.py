"""``DataLoader``: batches from a dataset, in the main process or in worker processes.

Fast path: when the dataset is array-backed (``_batch_arrays``, see ``dataset.py``) and batches are
collated by ``default_collate``, each batch is one NumPy gather per array and one device transfer, done
by a background thread a few batches ahead (``jtorch.data``'s ``run_ahead``). It gives the same batches
in the same order as the per-sample path; ``JTORCH_DATA_FAST=0`` turns it off.
"""
from __future__ import annotations

import multiprocessing
import queue
import sys
from multiprocessing.reduction import ForkingPickler

import jax.numpy as jnp
import numpy as np

from ....data._batches import index_batches, run_ahead
from ... import _config, _importer, engine
from ..._tensor import wrap
from ._collate import default_collate, default_convert
from ._fetch import Fetcher, IterableEnd
from ._worker import ExceptionWrapper, hidden_main, worker_loop
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler, numpy_rng

__all__ = ["DataLoader"]


class DataLoader:
    """Iterates over ``dataset`` in batches; PyTorch's arguments, defaults and errors.

    ``pin_memory`` is accepted and ignored (JAX owns transfers). Worker processes are spawned (see
    ``_worker``); ``multiprocessing_context`` picks another start method. Shuffled orders come from
    ``generator`` or the global generator, reproducibly, but are not PyTorch's orders.
    """

    def __init__(self, dataset, batch_size: int | None = 1, shuffle: bool | None = None, sampler=None,
                 batch_sampler=None, num_workers: int = 0, collate_fn=None, pin_memory: bool = False,
                 drop_last: bool = False, timeout: float = 0, worker_init_fn=None, multiprocessing_context=None,
                 generator=None, *, prefetch_factor: int | None = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True):
        del pin_memory, pin_memory_device, in_order
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                             "multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers "
                             "> 0 to enable multiprocessing, otherwise set prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            for name, value, unset in (("shuffle", shuffle, (False, None)), ("sampler", sampler, (None,)),
                                       ("batch_sampler", batch_sampler, (None,))):
                if value not in unset:
                    raise ValueError(f"DataLoader with IterableDataset: expected unspecified {name} option, "
                                     f"but got {name}={value}")
        elif sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, "
                                 "and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with "
                             "drop_last")
        if sampler is None and not self._iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.dataset, self.batch_size, self.drop_last = dataset, batch_size, drop_last
        self.sampler, self.batch_sampler, self.generator = sampler, batch_sampler, generator
        self.num_workers, self.timeout, self.worker_init_fn = num_workers, timeout, worker_init_fn
        self.prefetch_factor, self.persistent_workers = prefetch_factor, persistent_workers
        self.multiprocessing_context = multiprocessing_context
        self.collate_fn = collate_fn or (default_collate if self._auto_collation else default_convert)
        self._workers = None

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None or (self._iterable and self.batch_size is not None)

    @property
    def _index_sampler(self):
        return self.batch_sampler if self.batch_sampler is not None else self.sampler

    def __len__(self) -> int:
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is not None:
                n = n // self.batch_size if self.drop_last else -(-n // self.batch_size)
            return n
        return len(self._index_sampler)

    def _fetcher(self) -> Fetcher:
        return Fetcher(self.dataset, self.collate_fn, self.worker_init_fn, self._auto_collation, self.batch_size,
                       self.drop_last, self._iterable)

    def __iter__(self):
        if self.num_workers == 0:
            return self._single_process()
        if self._workers is None or not self.persistent_workers:
            self._workers = _WorkerPool(self)
        return self._workers.epoch(self._tasks())

    def _tasks(self):
        if self._iterable:
            while True:
                yield None
        yield from self._index_sampler

    def _single_process(self):
        fetch = self._fetcher()
        fetch.restart()
        if self._iterable:
            while not isinstance(batch := fetch(None), IterableEnd):
                yield batch
            return
        if _config.data_fast and self.collate_fn is default_collate and hasattr(self.dataset, "_batch_arrays"):
            parts = _index_batches(self.batch_sampler)
            if parts and (first := self.dataset._batch_arrays(parts[0])) is not None:
                yield from _array_batches(self.dataset, parts, first)
                return
        for indices in self._index_sampler:
            yield fetch(indices)


def _index_batches(batch_sampler) -> list[np.ndarray]:
    """The epoch's index batches as arrays; drawn in bulk for a plain ``BatchSampler``."""
    if type(batch_sampler) is BatchSampler and hasattr(batch_sampler.sampler, "_order"):
        order = batch_sampler.sampler._order()
        return index_batches(order, batch_sampler.batch_size, batch_sampler.drop_last)
    return [np.asarray(b, dtype=np.int64) for b in batch_sampler]


def _array_batches(dataset, parts: list[np.ndarray], first: list):
    """Gathers and transfers batches in a background thread; wraps them as tensors here.

    ``jnp.asarray`` places a host array on the default device at about 60% of ``jax.device_put``'s
    host cost (measured on XLA:CPU, where the transfers were two thirds of the thread's work)."""
    def produce():
        yield [jnp.asarray(a) for a in first]
        for idx in parts[1:]:
            yield [jnp.asarray(a) for a in dataset._batch_arrays(idx)]
    for arrays in run_ahead(produce(), 2):
        yield [wrap(engine.constant(a)) for a in arrays]


class _WorkerPool:
    """``num_workers`` worker processes, fed round-robin; results are yielded in task order."""

    def __init__(self, loader: DataLoader):
        ctx = loader.multiprocessing_context or "spawn"
        ctx = multiprocessing.get_context(ctx) if isinstance(ctx, str) else ctx
        payload = bytes(ForkingPickler.dumps(loader._fetcher()))
        seed = int(numpy_rng(loader.generator).integers(2 ** 62))
        hook = _importer._FINDER in sys.meta_path
        self.loader, self.epoch_id = loader, 0
        self.results = ctx.Queue()
        self.index_queues = [ctx.Queue() for _ in range(loader.num_workers)]
        with hidden_main() as main_path:
            self.procs = [ctx.Process(target=worker_loop, daemon=True, args=(
                i, loader.num_workers, seed + i, payload, main_path, hook, self.index_queues[i], self.results))
                for i in range(loader.num_workers)]
            for p in self.procs:
                p.start()

    def epoch(self, tasks):
        self.epoch_id += 1
        epoch, n = self.epoch_id, self.loader.num_workers
        active, done, pending, sent, next_out = set(range(n)), {}, {}, 0, 0
        tasks = iter(tasks)
        try:
            while True:
                while active and len(pending) < self.loader.prefetch_factor * n:
                    task = next(tasks, StopIteration)
                    if task is StopIteration:
                        break
                    worker = sorted(active)[sent % len(active)]
                    self.index_queues[worker].put((epoch, sent, task))
                    pending[sent], sent = worker, sent + 1
                if next_out == sent:
                    return
                while next_out not in done:
                    got_epoch, task, batch = self._get()
                    if got_epoch == epoch:
                        done[task] = batch
                batch, worker = done.pop(next_out), pending.pop(next_out)
                next_out += 1
                if isinstance(batch, IterableEnd):
                    active.discard(worker)
                elif isinstance(batch, ExceptionWrapper):
                    batch.reraise()
                else:
                    yield batch
        finally:
            if not self.loader.persistent_workers:
                self.shutdown()

    def _get(self):
        waited = 0.0
        while True:
            try:
                return self.results.get(timeout=1.0)
            except queue.Empty:
                waited += 1.0
            dead = [p.pid for p in self.procs if not p.is_alive()]
            if dead:
                raise RuntimeError(f"DataLoader worker (pid(s) {', '.join(map(str, dead))}) exited unexpectedly")
            if self.loader.timeout and waited >= self.loader.timeout:
                raise RuntimeError(f"DataLoader timed out after {self.loader.timeout} seconds")

    def shutdown(self):
        for q in self.index_queues:
            q.put(None)
        for p in self.procs:
            p.join(timeout=5)
            if p.is_alive():
                p.terminate()

    def __del__(self):
        if any(p.is_alive() for p in self.procs):
            self.shutdown()
