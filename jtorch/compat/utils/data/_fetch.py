"""Turning one batch of indices into one batch, the same way in the main process and in workers."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Callable

__all__ = ["Fetcher", "IterableEnd"]


class IterableEnd:
    """The reply once an ``IterableDataset`` (a worker's copy of it) is exhausted."""


@dataclass
class Fetcher:
    """Fetches samples for ``indices`` (map-style) or the next ones (iterable) and collates them."""
    dataset: object
    collate_fn: Callable
    worker_init_fn: Callable | None
    auto_collation: bool
    batch_size: int | None
    drop_last: bool
    iterable: bool

    def restart(self) -> None:
        if self.iterable:
            self._it = iter(self.dataset)

    def __call__(self, indices):
        if self.iterable:
            return self._next()
        if not self.auto_collation:
            return self.collate_fn(self.dataset[indices])
        getitems = getattr(self.dataset, "__getitems__", None)
        return self.collate_fn(getitems(indices) if getitems else [self.dataset[i] for i in indices])

    def _next(self):
        if self.auto_collation:
            data = list(itertools.islice(self._it, self.batch_size))
            if not data or (self.drop_last and len(data) < self.batch_size):
                return IterableEnd()
            return self.collate_fn(data)
        for item in self._it:
            return self.collate_fn(item)
        return IterableEnd()

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k != "_it"}
