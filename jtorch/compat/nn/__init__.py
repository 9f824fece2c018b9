"""``torch.nn``: Modules, Parameters, containers, layers and losses over the functional core."""
from . import functional as functional
from . import init as init
from . import utils as utils
from .modules import *  # noqa: F401,F403
from .modules import __all__ as _modules_all
from .parameter import Buffer as Buffer, Parameter as Parameter

__all__ = sorted(["Buffer", "Parameter", "functional", "init", "utils", *_modules_all])
