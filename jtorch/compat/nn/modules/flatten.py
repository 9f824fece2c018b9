"""Flatten and Unflatten over the core shape specs."""
from __future__ import annotations

import jtorch.nn as _core

from ._layer import CoreLayer

__all__ = ["Flatten", "Unflatten"]


class Flatten(CoreLayer):
    """Flattens dims ``start_dim`` (default 1) to ``end_dim`` (default -1)."""
    _core = _core.Flatten
    _grad_name = "ViewBackward0"

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(CoreLayer):
    """Expands dim ``dim`` into ``unflattened_size``."""
    _core = _core.Unflatten
    _grad_name = "ViewBackward0"

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
