"""Dropout layers: the core's dropout with a key from the global generator, only in training mode."""
from __future__ import annotations

from typing import Any, ClassVar

import jtorch.nn as _core

from ..functional import _dropout_is_identity
from ._layer import CoreLayer

__all__ = ["AlphaDropout", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "FeatureAlphaDropout"]


class _DropoutNd(CoreLayer):
    _random = True
    _grad_name = "MulBackward0"
    _batched_rank: ClassVar[int | None] = None  # Dropout1d-3d: PyTorch unsqueezes an unbatched input

    def forward(self, input: Any) -> Any:
        """In eval mode or with ``p == 0`` PyTorch returns the input itself (no op, no ``grad_fn``)."""
        self._spec()  # checks ``p`` as PyTorch does even then
        if _dropout_is_identity(input, self.p, self.training, self._batched_rank):
            return input
        return super().forward(input)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


def _make(name, batched_rank=None):
    return type(name, (_DropoutNd,), {"_core": getattr(_core, name), "__module__": __name__,
                                      "_batched_rank": batched_rank,
                                      "__doc__": f"PyTorch's ``nn.{name}``: zeroes with probability ``p`` "
                                                 "in training mode, identity in eval mode."})


Dropout = _make("Dropout")
Dropout1d = _make("Dropout1d", 3)
Dropout2d = _make("Dropout2d", 4)
Dropout3d = _make("Dropout3d", 5)
AlphaDropout = _make("AlphaDropout")
FeatureAlphaDropout = _make("FeatureAlphaDropout")
