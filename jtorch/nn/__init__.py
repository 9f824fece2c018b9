"""Core layer specs over parameter pytrees, with PyTorch's names, layouts and initialisers."""
from . import functional as functional
from . import init as init
from ._container import ModuleDict as ModuleDict, ModuleList as ModuleList, Sequential as Sequential
from ._module import Module as Module
from ._state_dict import load_state_dict as load_state_dict, state_dict as state_dict

# --- layers (helper E): re-export each layer spec here, one per line ---
# --- end layers ---

# --- recurrent layers (helper D) ---
# --- end recurrent layers ---
