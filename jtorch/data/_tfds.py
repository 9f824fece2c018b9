"""TensorFlow Datasets as array-backed map-style datasets (``pip install jtorch[tfds]``)."""
from __future__ import annotations

import numpy as np

__all__ = ["TFDSArrays", "tfds"]


class TFDSArrays:
    """A TFDS split loaded into host NumPy arrays, one per feature, indexable like a map-style dataset.

    ``ds[i]`` is a tuple of the features at ``i`` (in ``keys`` order); ``arrays`` holds the whole columns,
    which ``jtorch.data.batches`` and the facade's ``DataLoader`` fast path gather batches from.
    """

    def __init__(self, columns: dict[str, np.ndarray], keys: tuple[str, ...]):
        self.keys = keys
        self.arrays = tuple(np.asarray(columns[k]) for k in keys)

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __getitem__(self, index: int) -> tuple:
        return tuple(a[index] for a in self.arrays)

    def _batch_arrays(self, indices: np.ndarray) -> list:
        return [a[indices] for a in self.arrays]


def tfds(name: str, split: str, data_dir: str | None = None, *, keys: tuple[str, ...] | None = None,
         download: bool = True, **data_source_kwargs) -> TFDSArrays:
    """Loads ``split`` of the TFDS dataset ``name`` whole into host memory.

    Reads through ``tfds.data_source`` (random access to TFDS's ArrayRecord files), which needs neither
    TensorFlow nor ``tf.data``.

    Args:
      name: the TFDS name, e.g. ``"mnist"``.
      split: a TFDS split string, e.g. ``"train"`` or ``"test[:10%]"``.
      data_dir: where TFDS keeps its files. Default: TFDS's own default.
      keys: the features to keep, in order. Default: ``("image", "label")`` when both exist, else all
        features sorted by name.
      download: let TFDS download and prepare the dataset when missing.
      **data_source_kwargs: passed on to ``tensorflow_datasets.data_source``.
    """
    try:
        import tensorflow_datasets as tf_datasets
    except ImportError as e:
        raise ImportError("jtorch.data.tfds needs the optional dependency tensorflow-datasets: "
                          "pip install 'jtorch[tfds]'") from e
    source = tf_datasets.data_source(name, split=split, data_dir=data_dir, download=download, **data_source_kwargs)
    examples = [source[i] for i in range(len(source))]
    if not examples:
        raise ValueError(f"TFDS split {split!r} of {name!r} is empty.")
    if keys is None:
        keys = ("image", "label") if {"image", "label"} <= examples[0].keys() else tuple(sorted(examples[0]))
    return TFDSArrays({k: np.stack([np.asarray(e[k]) for e in examples]) for k in keys}, tuple(keys))
