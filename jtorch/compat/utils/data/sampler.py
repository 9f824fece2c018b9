"""Samplers: ``Sequential``, ``Random``, ``SubsetRandom``, ``WeightedRandom`` and ``Batch``.

The built-in samplers draw a whole epoch's order at once as a NumPy array (``_order()``), which the
``DataLoader`` fast path cuts into batches without a Python loop. Randomness comes from a NumPy
generator seeded, once per epoch, from ``generator`` or else the global generator, so ``torch.manual_seed``
reproduces a loader's order; the orders differ from PyTorch's (different streams).
"""
from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np

from ... import _dtype, _random
from ..._ops._convert import as_tensor

__all__ = ["BatchSampler", "RandomSampler", "Sampler", "SequentialSampler", "SubsetRandomSampler",
           "WeightedRandomSampler"]


def numpy_rng(generator=None) -> np.random.Generator:
    """A NumPy generator seeded by advancing ``generator`` (default: the global one) by one draw."""
    key = (generator or _random.default_generator)._split()
    return np.random.default_rng(np.asarray(key._value(), dtype=np.uint64))


class Sampler:
    """Base class: an iterable over dataset indices (or over lists of indices, for batch samplers)."""

    def __init__(self, data_source=None) -> None:
        del data_source

    def __iter__(self) -> Iterator:
        raise NotImplementedError

    def _order(self) -> np.ndarray:
        """The epoch's indices as one array (the built-in samplers draw them this way)."""
        return np.fromiter(iter(self), dtype=np.int64)


class _DrawnSampler(Sampler):
    """A sampler whose epoch order is drawn as an array by ``_order``."""

    def __iter__(self) -> Iterator[int]:
        return iter(self._order().tolist())


def _positive_int(name: str, value, error=ValueError) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise error(f"{name} should be a positive integer value, but got {name}={value}")


def _boolean(name: str, value, error=ValueError) -> None:
    if not isinstance(value, bool):
        raise error(f"{name} should be a boolean value, but got {name}={value}")


class SequentialSampler(Sampler):
    """``0, 1, ..., len(data_source) - 1``."""

    def __init__(self, data_source) -> None:
        self.data_source = data_source

    def _order(self) -> np.ndarray:
        return np.arange(len(self.data_source))

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(_DrawnSampler):
    """A random permutation each epoch (several, concatenated and cut, when ``num_samples`` exceeds the
    length), or ``num_samples`` uniform draws with ``replacement``."""

    def __init__(self, data_source, replacement: bool = False, num_samples: int | None = None,
                 generator=None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        _boolean("replacement", self.replacement, TypeError)
        _positive_int("num_samples", self.num_samples)

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def _order(self) -> np.ndarray:
        n, rng = len(self.data_source), numpy_rng(self.generator)
        if self.replacement:
            return rng.integers(0, n, self.num_samples)
        perms = [rng.permutation(n) for _ in range(-(-self.num_samples // n))]
        return np.concatenate(perms)[:self.num_samples]

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(_DrawnSampler):
    """``indices`` in a random order each epoch."""

    def __init__(self, indices, generator=None) -> None:
        self.indices = indices
        self.generator = generator

    def _order(self) -> np.ndarray:
        return np.asarray(self.indices)[numpy_rng(self.generator).permutation(len(self.indices))]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(_DrawnSampler):
    """``num_samples`` indices drawn with probabilities proportional to ``weights``."""

    def __init__(self, weights, num_samples: int, replacement: bool = True, generator=None) -> None:
        _positive_int("num_samples", num_samples)
        _boolean("replacement", replacement)
        weights_tensor = as_tensor(weights, dtype=_dtype.double)
        if len(weights_tensor.shape) != 1:
            raise ValueError("weights should be a 1d sequence but given "
                             f"weights have shape {tuple(weights_tensor.shape)}")
        self.weights = weights_tensor
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def _order(self) -> np.ndarray:
        p = np.asarray(self.weights._value())
        if not self.replacement and self.num_samples > np.count_nonzero(p):
            raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
        return numpy_rng(self.generator).choice(len(p), self.num_samples, self.replacement, p / p.sum())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Groups ``sampler``'s indices into lists of ``batch_size`` (the last shorter unless ``drop_last``)."""

    def __init__(self, sampler, batch_size: int, drop_last: bool) -> None:
        _positive_int("batch_size", batch_size)
        _boolean("drop_last", drop_last)
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        sampler_iter = iter(self.sampler)
        if self.drop_last:
            yield from (list(b) for b in zip(*[sampler_iter] * self.batch_size))
            return
        batch = list(itertools.islice(sampler_iter, self.batch_size))
        while batch:
            yield batch
            batch = list(itertools.islice(sampler_iter, self.batch_size))

    def __len__(self) -> int:
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size
