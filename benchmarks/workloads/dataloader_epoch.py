"""One shuffled DataLoader epoch (batch 64) over 60,000 MNIST-shaped uint8 images with ToTensor + Normalize.

PyTorch's side is torchvision's MNIST as torchvision writes it (uint8 tensor, a PIL image per sample,
``to_tensor`` and ``normalize``), restated here because torchvision cannot be installed next to this
torch; the facade row is ``jtorch.compat.vision.datasets.MNIST`` (what ``jtorch run`` gives a script)
over the same raw files. The restated class also runs on the facade (``_torchvision_style(facade)``), but
not in the suite: each ``data[index]`` with a new index compiles a new executable (see RESULTS.md)."""
import atexit
import functools
import os
import shutil
import tempfile

import jax
import jax.numpy as jnp
import numpy as np
from PIL import Image

from jtorch import data
from jtorch.compat import vision as torchvision

from ._base import Workload

N_IMAGES, BATCH, MEAN, STD = 60_000, 64, 0.1307, 0.3081


@functools.cache
def _root() -> str:
    """torchvision's raw MNIST layout in a temporary folder, removed at exit."""
    root = tempfile.mkdtemp(prefix="jtorch-bench-mnist-")
    atexit.register(shutil.rmtree, root, True)
    raw = os.path.join(root, "MNIST", "raw")
    os.makedirs(raw)
    rng = np.random.default_rng(0)
    for split, n in (("train", N_IMAGES), ("t10k", 1_000)):
        data.write_idx(os.path.join(raw, f"{split}-images-idx3-ubyte"), rng.integers(0, 256, (n, 28, 28), np.uint8))
        data.write_idx(os.path.join(raw, f"{split}-labels-idx1-ubyte"), rng.integers(0, 10, n, np.uint8))
    return root


def _raw(kind: str) -> np.ndarray:
    return data.read_idx(os.path.join(_root(), "MNIST", "raw", f"train-{kind}-ubyte"))


def _torchvision_style(lib):
    """torchvision's ``MNIST.__getitem__`` with ``Compose([ToTensor(), Normalize((MEAN,), (STD,))])``."""

    class MNIST(lib.utils.data.Dataset):
        def __init__(self):
            self.data = lib.from_numpy(_raw("images-idx3"))
            self.targets = lib.from_numpy(_raw("labels-idx1").astype(np.int64))

        def __len__(self):
            return len(self.data)

        def __getitem__(self, index):
            img, target = self.data[index], int(self.targets[index])
            pic = Image.fromarray(img.numpy())
            img = lib.from_numpy(np.array(pic, np.uint8, copy=True)).view(pic.size[1], pic.size[0], 1)
            img = img.permute((2, 0, 1)).contiguous().to(dtype=lib.get_default_dtype()).div(255)
            mean, std = lib.as_tensor((MEAN,), dtype=img.dtype), lib.as_tensor((STD,), dtype=img.dtype)
            return img.sub(mean.view(-1, 1, 1)).div(std.view(-1, 1, 1)), target

    return MNIST()


def _epoch(loader):
    def step():
        for images, labels in loader:
            pass
        return images, labels

    return step


def build(lib, quick):
    return _epoch(lib.utils.data.DataLoader(_torchvision_style(lib), batch_size=BATCH, shuffle=True))


def build_vision(lib, quick):
    transforms = torchvision.transforms
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((MEAN,), (STD,))])
    dataset = torchvision.datasets.MNIST(_root(), train=True, transform=transform)
    return _epoch(lib.utils.data.DataLoader(dataset, batch_size=BATCH, shuffle=True))


@jax.jit
def _normalize(images):
    return ((images.astype(jnp.float32) / 255 - MEAN) / STD)[:, None]


def core(quick):
    """``jtorch.data.batches`` of the uint8 arrays, normalised on the device batch by batch."""
    images, labels = _raw("images-idx3"), _raw("labels-idx1").astype(np.int64)
    keys = iter(jax.random.split(jax.random.key(0), 10_000))

    def step():
        for x, y in data.batches([images, labels], BATCH, key=next(keys), shuffle=True):
            x = _normalize(x)
        return x, y

    return step


WORKLOADS = [Workload("DataLoader epoch, MNIST 60k", build, core, heavy=True, facade=build_vision)]
