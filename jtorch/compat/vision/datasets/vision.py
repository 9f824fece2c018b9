"""``VisionDataset`` and ``StandardTransform``: the shared constructor, transforms and repr of
torchvision's datasets, plus the array-backed base that the MNIST family and CIFAR build on."""
from __future__ import annotations

import os

import numpy as np

from ...utils.data import Dataset

__all__ = ["StandardTransform", "VisionDataset"]


class StandardTransform:
    """Applies ``transform`` to the input and ``target_transform`` to the target."""

    def __init__(self, transform=None, target_transform=None) -> None:
        self.transform = transform
        self.target_transform = target_transform

    def __call__(self, input, target):
        if self.transform is not None:
            input = self.transform(input)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return input, target

    def _format_transform_repr(self, transform, head: str) -> list[str]:
        lines = repr(transform).splitlines()
        return [f"{head}{lines[0]}"] + [f"{' ' * len(head)}{line}" for line in lines[1:]]

    def __repr__(self) -> str:
        body = [self.__class__.__name__]
        if self.transform is not None:
            body += self._format_transform_repr(self.transform, "Transform: ")
        if self.target_transform is not None:
            body += self._format_transform_repr(self.target_transform, "Target transform: ")
        return "\n".join(body)


class VisionDataset(Dataset):
    """Base class of the datasets: ``root``, ``transforms`` (or ``transform``/``target_transform``)."""

    _repr_indent = 4

    def __init__(self, root=None, transforms=None, transform=None, target_transform=None) -> None:
        if isinstance(root, str):
            root = os.path.expanduser(root)
        self.root = root
        has_separate_transform = transform is not None or target_transform is not None
        if transforms is not None and has_separate_transform:
            raise ValueError("Only transforms or transform/target_transform can be passed as argument")
        self.transform = transform
        self.target_transform = target_transform
        if has_separate_transform:
            transforms = StandardTransform(transform, target_transform)
        self.transforms = transforms

    def __getitem__(self, index: int):
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def __repr__(self) -> str:
        head = "Dataset " + self.__class__.__name__
        body = [f"Number of datapoints: {self.__len__()}"]
        if self.root is not None:
            body.append(f"Root location: {self.root}")
        body += self.extra_repr().splitlines()
        if getattr(self, "transforms", None) is not None:
            body += [repr(self.transforms)]
        return "\n".join([head] + [" " * self._repr_indent + line for line in body])

    def extra_repr(self) -> str:
        return ""


class ArrayImageDataset(VisionDataset):
    """A dataset whose images are rows of an array ``data`` and labels a sequence ``targets``.

    Subclasses give ``_image(array) -> PIL.Image``. ``__getitems__`` (PyTorch's batch protocol) and
    ``_batch_arrays`` (the ``DataLoader`` fast path: the collated batch as NumPy arrays, exact when the
    transform can be applied to a whole batch, see ``transforms``' ``_apply_batch``) read the arrays
    directly.
    """

    def _image(self, array: np.ndarray):
        raise NotImplementedError

    def _host(self, name: str) -> np.ndarray:
        """A NumPy copy of attribute ``name`` (a facade Tensor, ndarray or list), made once per graph node
        of the Tensor, so indexing samples never goes through the engine."""
        value = getattr(self, name)
        node = getattr(value, "_node", value)
        cache = self.__dict__.setdefault("_host_cache", {})
        if name not in cache or cache[name][0] is not node:
            cache[name] = (node, np.asarray(value._value() if hasattr(value, "_node") else value))
        return cache[name][1]

    def _images(self) -> np.ndarray:
        return self._host("data")

    def _labels(self) -> np.ndarray:
        return self._host("targets")

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k != "_host_cache"}

    def __getitem__(self, index: int):
        img, target = self._image(self._images()[index]), int(self._labels()[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __getitems__(self, indices) -> list:
        return [self[i] for i in indices]

    def __len__(self) -> int:
        return len(self.data)

    def _batch_arrays(self, indices: np.ndarray) -> list | None:
        apply = getattr(self.transform, "_apply_batch", None)
        if (apply is None or self.target_transform is not None
                or type(self).__getitem__ is not ArrayImageDataset.__getitem__):
            return None
        images = self._images()[indices]
        batch = apply(images[..., None] if images.ndim == 3 else images)
        return None if batch is None else [batch, self._labels()[indices].astype(np.int64)]
