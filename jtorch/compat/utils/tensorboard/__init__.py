"""``torch.utils.tensorboard``: ``SummaryWriter`` writing TensorBoard event files (needs ``tensorboard``)."""
import re

try:
    import tensorboard
except ImportError:
    tensorboard = None

if tensorboard is None or tuple(map(int, re.findall(r"\d+", getattr(tensorboard, "__version__", "0"))[:2])) < (1, 15):
    # PyTorch's message, plus the fix
    raise ImportError("TensorBoard logging requires TensorBoard version 1.15 or above "
                      "(install it with `pip install tensorboard`)")
del re, tensorboard

from tensorboard.summary.writer.record_writer import RecordWriter as RecordWriter  # noqa: E402

from .writer import FileWriter as FileWriter, SummaryWriter as SummaryWriter  # noqa: E402

__all__ = ["FileWriter", "RecordWriter", "SummaryWriter"]
