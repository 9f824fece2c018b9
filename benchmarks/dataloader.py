"""One epoch of a DataLoader over 60,000 synthetic 28x28 images (a TensorDataset of float tensors, batch 64,
num_workers=0): jtorch's DataLoader (array fast path) against PyTorch's, measured in the same run.

    python benchmarks/dataloader.py
"""
import time

import numpy as np
import torch as real

import jtorch.compat as torch


def epoch_seconds(lib, shuffle: bool, repeats: int = 3) -> float:
    rng = np.random.default_rng(0)
    images = (rng.integers(0, 256, (60_000, 1, 28, 28), dtype=np.uint8) / 255).astype(np.float32)
    labels = rng.integers(0, 10, 60_000)
    dataset = lib.utils.data.TensorDataset(lib.from_numpy(images), lib.from_numpy(labels))
    loader = lib.utils.data.DataLoader(dataset, batch_size=64, shuffle=shuffle)
    best = float("inf")
    for _ in range(repeats + 1):  # the first epoch warms caches (host copies, jtorch's RNG executable)
        start = time.perf_counter()
        for x, y in loader:
            pass
        np.asarray(x.numpy())  # the last batch is really there
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    print(f"{'shuffle':>8} {'torch (s)':>10} {'jtorch (s)':>11} {'speed-up':>9}")
    for shuffle in (False, True):
        t_real, t_j = epoch_seconds(real, shuffle), epoch_seconds(torch, shuffle)
        print(f"{shuffle!s:>8} {t_real:10.3f} {t_j:11.3f} {t_real / t_j:8.1f}x")


if __name__ == "__main__":
    main()
