"""``torch.backends``: only the availability queries tutorials use."""
from . import cudnn, mps  # noqa: F401
