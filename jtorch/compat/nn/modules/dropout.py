"""Dropout layers: the core's dropout with a key from the global generator, only in training mode."""
from __future__ import annotations

import jtorch.nn as _core

from ._layer import CoreLayer

__all__ = ["AlphaDropout", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "FeatureAlphaDropout"]


class _DropoutNd(CoreLayer):
    _random = True
    _grad_name = "MulBackward0"

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


def _make(name):
    return type(name, (_DropoutNd,), {"_core": getattr(_core, name), "__module__": __name__,
                                      "__doc__": f"PyTorch's ``nn.{name}``: zeroes with probability ``p`` "
                                                 "in training mode, identity in eval mode."})


Dropout = _make("Dropout")
Dropout1d = _make("Dropout1d")
Dropout2d = _make("Dropout2d")
Dropout3d = _make("Dropout3d")
AlphaDropout = _make("AlphaDropout")
FeatureAlphaDropout = _make("FeatureAlphaDropout")
