"""Datasets for the DataLoader worker tests, importable by spawned workers (no real torch import)."""
import jtorch.compat as torch
from jtorch.compat.utils.data import Dataset, IterableDataset, get_worker_info


class Squares(Dataset):
    """``(tensor([i*i]), i)``; index ``bad`` raises a ValueError."""

    def __init__(self, n=10, bad=None):
        self.n, self.bad = n, bad

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i == self.bad:
            raise ValueError(f"bad index {i}")
        return torch.tensor([i * i]), i


class Sharded(IterableDataset):
    """``0..n-1`` split between workers by ``get_worker_info()``."""

    def __init__(self, n=10):
        self.n = n

    def __iter__(self):
        info = get_worker_info()
        start, step = (0, 1) if info is None else (info.id, info.num_workers)
        return iter(range(start, self.n, step))
