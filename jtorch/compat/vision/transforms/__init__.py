"""``torchvision.transforms``: image transforms on PIL images and Tensors."""
from . import functional as functional
from . import transforms as transforms
from .transforms import *  # noqa: F401,F403
from .transforms import __all__ as _all

__all__ = sorted(["functional", "transforms", *_all])
