"""jtorch: PyTorch's programming model on JAX.

``jtorch.nn`` / ``jtorch.nn.functional`` / ``jtorch.optim`` are the functional core (pure JAX, PyTorch's
layouts, names, initialisers and update rules); ``jtorch.compat`` is the PyTorch facade built on it.
"""
from . import nn as nn
from . import optim as optim

__version__ = "0.1.0"
