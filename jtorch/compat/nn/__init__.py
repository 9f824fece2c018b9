"""``torch.nn``: Modules, Parameters, containers, layers and losses over the functional core."""
from . import functional as functional
from . import init as init
from . import parallel as parallel
from . import utils as utils
from .modules import *  # noqa: F401,F403
from .modules import __all__ as _modules_all
from .parallel import DataParallel as DataParallel
from .parameter import Buffer as Buffer, Parameter as Parameter

__all__ = sorted(["Buffer", "DataParallel", "Parameter", "functional", "init", "parallel", "utils", *_modules_all])
