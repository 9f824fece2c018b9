"""jtorch: PyTorch's programming model on JAX.

``jtorch.nn`` / ``jtorch.nn.functional`` / ``jtorch.optim`` are the functional core (pure JAX, PyTorch's
layouts, names, initialisers and update rules); ``jtorch.compat`` is the PyTorch facade built on it.
"""
from . import _xla_flags

_xla_flags.apply()  # before anything below can create JAX's CPU client

from . import nn as nn  # noqa: E402
from . import optim as optim  # noqa: E402

__version__ = "0.1.0"
