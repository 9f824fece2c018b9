"""``torchvision`` on jtorch: datasets (torchvision's on-disk layouts and mirrors), transforms, utils, io."""
from . import datasets as datasets
from . import io as io
from . import models as models
from . import transforms as transforms
from . import utils as utils

__version__ = "0.29.1+jtorch"

__all__ = ["datasets", "io", "transforms", "utils"]
