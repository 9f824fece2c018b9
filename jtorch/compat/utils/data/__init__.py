"""``torch.utils.data``: datasets, samplers, ``DataLoader`` and collation, with PyTorch's semantics."""
from ._collate import default_collate as default_collate, default_convert as default_convert
from ._worker import get_worker_info as get_worker_info
from .dataloader import DataLoader as DataLoader
from .dataset import ChainDataset as ChainDataset, ConcatDataset as ConcatDataset, Dataset as Dataset
from .dataset import IterableDataset as IterableDataset, StackDataset as StackDataset, Subset as Subset
from .dataset import TensorDataset as TensorDataset, random_split as random_split
from .sampler import BatchSampler as BatchSampler, RandomSampler as RandomSampler, Sampler as Sampler
from .sampler import SequentialSampler as SequentialSampler, SubsetRandomSampler as SubsetRandomSampler
from .sampler import WeightedRandomSampler as WeightedRandomSampler

__all__ = ["BatchSampler", "ChainDataset", "ConcatDataset", "DataLoader", "Dataset", "IterableDataset",
           "RandomSampler", "Sampler", "SequentialSampler", "StackDataset", "Subset", "SubsetRandomSampler",
           "TensorDataset", "WeightedRandomSampler", "default_collate", "default_convert", "get_worker_info",
           "random_split"]
