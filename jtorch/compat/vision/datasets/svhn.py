"""SVHN: torchvision's ``root/{train,test,extra}_32x32.mat`` (read with SciPy, as torchvision does);
``data`` is uint8 ``(N, 3, 32, 32)``, ``labels`` int64 with the digit 0 stored as 0 (the files use 10)."""
from __future__ import annotations

import os

import numpy as np
from PIL import Image

from .utils import check_integrity, download_url, verify_str_arg
from .vision import ArrayImageDataset

__all__ = ["SVHN"]


class SVHN(ArrayImageDataset):
    """`SVHN <http://ufldl.stanford.edu/housenumbers/>`_ (format 2, cropped digits)."""

    split_list = {
        "train": ["http://ufldl.stanford.edu/housenumbers/train_32x32.mat", "train_32x32.mat",
                  "e26dedcc434d2e4c54c9b2d4a06d8373"],
        "test": ["http://ufldl.stanford.edu/housenumbers/test_32x32.mat", "test_32x32.mat",
                 "eb5a983be6a315427106f1b164d9cef3"],
        "extra": ["http://ufldl.stanford.edu/housenumbers/extra_32x32.mat", "extra_32x32.mat",
                  "a93ce644f1a588dc4d68dda5feec44a7"],
    }

    def __init__(self, root: str, split: str = "train", transform=None, target_transform=None,
                 download: bool = False) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.split = verify_str_arg(split, "split", tuple(self.split_list.keys()))
        self.url, self.filename, self.file_md5 = self.split_list[split]
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError("Dataset not found or corrupted. You can use download=True to download it")
        import scipy.io as sio  # optional dependency, as in torchvision

        loaded_mat = sio.loadmat(os.path.join(self.root, self.filename))
        self.labels = loaded_mat["y"].astype(np.int64).squeeze()
        np.place(self.labels, self.labels == 10, 0)
        self.data = np.transpose(loaded_mat["X"], (3, 2, 0, 1))

    def _images(self) -> np.ndarray:
        return self._host("data").transpose(0, 2, 3, 1)

    def _labels(self) -> np.ndarray:
        return self._host("labels")

    def _image(self, array: np.ndarray) -> Image.Image:
        return Image.fromarray(array)

    def _check_integrity(self) -> bool:
        return check_integrity(os.path.join(self.root, self.filename), self.file_md5)

    def download(self) -> None:
        download_url(self.url, self.root, self.filename, self.file_md5)

    def extra_repr(self) -> str:
        return f"Split: {self.split}"
