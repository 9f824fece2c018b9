"""The host-side input pipeline: batching with device prefetch, a TFDS source, the bundled MNIST sample."""
from ._batches import batches as batches, gather as gather, index_batches as index_batches
from ._batches import run_ahead as run_ahead
from ._mnist_sample import mnist_sample as mnist_sample, read_idx as read_idx, write_idx as write_idx
from ._mnist_sample import write_mnist_raw as write_mnist_raw
from ._tfds import TFDSArrays as TFDSArrays, tfds as tfds

__all__ = ["TFDSArrays", "batches", "gather", "index_batches", "mnist_sample", "read_idx", "run_ahead", "tfds",
           "write_idx", "write_mnist_raw"]
