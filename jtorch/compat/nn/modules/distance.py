"""CosineSimilarity and PairwiseDistance over the core specs."""
from __future__ import annotations

import jtorch.nn as _core

from ._layer import CoreLayer

__all__ = ["CosineSimilarity", "PairwiseDistance"]


class CosineSimilarity(CoreLayer):
    """Cosine similarity of ``x1`` and ``x2`` along ``dim`` (default 1), eps=1e-8."""
    _core = _core.CosineSimilarity
    _grad_name = "SumBackward1"


class PairwiseDistance(CoreLayer):
    """p-norm distance of ``x1 - x2 + eps`` along the last dim: p=2.0, eps=1e-6, keepdim=False."""
    _core = _core.PairwiseDistance
    _grad_name = "NormBackward1"
    _torch_names = {"p": "norm"}
