"""MNIST, FashionMNIST, KMNIST and EMNIST: torchvision's raw IDX layout under ``root/<Class>/raw``,
its mirrors and md5 sums. ``data`` is a uint8 Tensor ``(N, 28, 28)``, ``targets`` an int64 Tensor.

``MNIST(download=True)`` without the raw files first writes jtorch's bundled sample (4,000 train /
1,000 test real digits, ``jtorch.data.mnist_sample``) there, so it works offline; set
``MNIST.offline_sample = False`` to download the full set from the mirrors instead.
"""
from __future__ import annotations

import os
import shutil
import string
import sys
import urllib.error
import warnings

import numpy as np
from PIL import Image

from .... import data as _data
from ... import from_numpy
from ..._tensor import Tensor
from .utils import check_integrity, download_and_extract_archive, extract_archive, verify_str_arg
from .vision import ArrayImageDataset

__all__ = ["EMNIST", "FashionMNIST", "KMNIST", "MNIST", "read_image_file", "read_label_file"]


def _tensor(array: np.ndarray) -> Tensor:
    return from_numpy(np.ascontiguousarray(array))


def read_label_file(path: str) -> Tensor:
    x = _data.read_idx(path)
    if x.dtype != np.uint8:
        raise TypeError(f"x should be of dtype torch.uint8 instead of {x.dtype}")
    if x.ndim != 1:
        raise ValueError(f"x should have 1 dimension instead of {x.ndim}")
    return _tensor(x.astype(np.int64))


def read_image_file(path: str) -> Tensor:
    x = _data.read_idx(path)
    if x.dtype != np.uint8:
        raise TypeError(f"x should be of dtype torch.uint8 instead of {x.dtype}")
    if x.ndim != 3:
        raise ValueError(f"x should have 3 dimension instead of {x.ndim}")
    return _tensor(x)


class MNIST(ArrayImageDataset):
    """`MNIST <http://yann.lecun.com/exdb/mnist/>`_: ``root/MNIST/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte``."""

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]
    training_file = "training.pt"
    test_file = "test.pt"
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven",
               "8 - eight", "9 - nine"]
    #: ``download=True`` writes the bundled offline sample instead of downloading (MNIST only).
    offline_sample = True

    def __init__(self, root: str, train: bool = True, transform=None, target_transform=None,
                 download: bool = False) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if not self._check_exists():
            raise RuntimeError("Dataset not found. You can use download=True to download it")
        self.data, self.targets = self._load_data()

    @property
    def _split(self) -> str:
        return "train" if self.train else "t10k"

    def _load_data(self) -> tuple[Tensor, Tensor]:
        data = read_image_file(os.path.join(self.raw_folder, f"{self._split}-images-idx3-ubyte"))
        targets = read_label_file(os.path.join(self.raw_folder, f"{self._split}-labels-idx1-ubyte"))
        return data, targets

    def _image(self, array: np.ndarray) -> Image.Image:
        return Image.fromarray(array, mode="L")

    @property
    def raw_folder(self) -> str:
        return os.path.join(self.root, self.__class__.__name__, "raw")

    @property
    def processed_folder(self) -> str:
        return os.path.join(self.root, self.__class__.__name__, "processed")

    @property
    def class_to_idx(self) -> dict[str, int]:
        return {_class: i for i, _class in enumerate(self.classes)}

    def _check_exists(self) -> bool:
        return all(check_integrity(os.path.join(self.raw_folder, os.path.splitext(os.path.basename(url))[0]))
                   for url, _ in self.resources)

    def download(self) -> None:
        """Gets the raw files: the bundled sample (``offline_sample``), else each file from the first
        mirror that answers, md5-checked and decompressed."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        if self.offline_sample:
            print(f"Using jtorch's bundled MNIST sample (4000 train / 1000 test digits) in {self.raw_folder}",
                  file=sys.stderr)
            _data.write_mnist_raw(self.root, self.__class__.__name__)
            return
        for filename, md5 in self.resources:
            errors = []
            for mirror in self.mirrors:
                url = f"{mirror}{filename}"
                try:
                    download_and_extract_archive(url, download_root=self.raw_folder, filename=filename, md5=md5)
                except urllib.error.URLError as error:
                    errors.append(error)
                    continue
                break
            else:
                s = f"Error downloading {filename}:\n"
                for mirror, err in zip(self.mirrors, errors):
                    s += f"Tried {mirror}, got:\n{str(err)}\n"
                raise RuntimeError(s)

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train is True else 'Test'}"

    def _deprecated(self, name: str, new: str):
        warnings.warn(f"{name} has been renamed {new}", stacklevel=3)
        return getattr(self, new)

    train_labels = property(lambda self: self._deprecated("train_labels", "targets"))
    test_labels = property(lambda self: self._deprecated("test_labels", "targets"))
    train_data = property(lambda self: self._deprecated("train_data", "data"))
    test_data = property(lambda self: self._deprecated("test_data", "data"))


class FashionMNIST(MNIST):
    """`Fashion-MNIST <https://github.com/zalandoresearch/fashion-mnist>`_, MNIST's layout."""

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]
    offline_sample = False


class KMNIST(MNIST):
    """`Kuzushiji-MNIST <https://github.com/rois-codh/kmnist>`_, MNIST's layout."""

    mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
        ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
        ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
        ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134"),
    ]
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]
    offline_sample = False


class EMNIST(MNIST):
    """`EMNIST <https://www.westernsydney.edu.au/bens/home/reproducible_research/emnist>`_:
    ``root/EMNIST/raw/emnist-<split>-{train,test}-{images-idx3,labels-idx1}-ubyte``. As in torchvision the
    images are served as stored (transposed relative to MNIST)."""

    url = "https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip"
    md5 = "58c8d27c78d21e728a6bc7b3cc06412e"
    splits = ("byclass", "bymerge", "balanced", "letters", "digits", "mnist")
    # Merged Classes assumes Same structure for both uppercase and lowercase version
    _merged_classes = {"c", "i", "j", "k", "l", "m", "o", "p", "s", "u", "v", "w", "x", "y", "z"}
    _all_classes = set(string.digits + string.ascii_letters)
    classes_split_dict = {
        "byclass": sorted(_all_classes),
        "bymerge": sorted(_all_classes - _merged_classes),
        "balanced": sorted(_all_classes - _merged_classes),
        "letters": ["N/A"] + list(string.ascii_lowercase),
        "digits": list(string.digits),
        "mnist": list(string.digits),
    }
    offline_sample = False

    def __init__(self, root: str, split: str, **kwargs) -> None:
        self.split = verify_str_arg(split, "split", self.splits)
        self.training_file = f"training_{split}.pt"
        self.test_file = f"test_{split}.pt"
        super().__init__(root, **kwargs)
        self.classes = self.classes_split_dict[self.split]

    @property
    def _file_prefix(self) -> str:
        return f"emnist-{self.split}-{'train' if self.train else 'test'}"

    @property
    def images_file(self) -> str:
        return os.path.join(self.raw_folder, f"{self._file_prefix}-images-idx3-ubyte")

    @property
    def labels_file(self) -> str:
        return os.path.join(self.raw_folder, f"{self._file_prefix}-labels-idx1-ubyte")

    def _load_data(self) -> tuple[Tensor, Tensor]:
        return read_image_file(self.images_file), read_label_file(self.labels_file)

    def _check_exists(self) -> bool:
        return all(check_integrity(file) for file in (self.images_file, self.labels_file))

    def download(self) -> None:
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        download_and_extract_archive(self.url, download_root=self.raw_folder, md5=self.md5)
        gzip_folder = os.path.join(self.raw_folder, "gzip")
        for gzip_file in os.listdir(gzip_folder):
            if gzip_file.endswith(".gz"):
                extract_archive(os.path.join(gzip_folder, gzip_file), self.raw_folder)
        shutil.rmtree(gzip_folder)
