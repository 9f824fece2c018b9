"""``torch.nn.parallel``: ``DataParallel`` (a single-program wrapper; see its docstring)."""
from .data_parallel import DataParallel as DataParallel

__all__ = ["DataParallel"]
