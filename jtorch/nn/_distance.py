"""Distance layers: CosineSimilarity and PairwiseDistance between two inputs.

Example:
    >>> import jax.numpy as jnp
    >>> from jtorch import nn
    >>> nn.CosineSimilarity(dim=1).apply({}, {}, jnp.array([[1.0, 0.0]]), jnp.array([[1.0, 1.0]]))[0]
    Array([0.70710677], dtype=float32)
"""
from __future__ import annotations

import dataclasses

from . import functional as F
from ._linear import _Stateless


@dataclasses.dataclass(frozen=True)
class CosineSimilarity(_Stateless):
    """:func:`~jtorch.nn.functional.cosine_similarity` of ``x1`` and ``x2`` along ``dim``.

    Args: dim. Default: 1. eps: lower bound of each norm. Default: 1e-8.

    Shape: ``(*1, D, *2), (*1, D, *2) -> (*1, *2)`` (inputs broadcast).
    """
    dim: int = 1
    eps: float = 1e-8

    def forward(self, x1, x2):
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


@dataclasses.dataclass(frozen=True)
class PairwiseDistance(_Stateless):
    """:func:`~jtorch.nn.functional.pairwise_distance`: ``||x1 - x2 + eps||_p`` over the last dim.

    Args: p: the norm degree. Default: 2.0. eps: added to the difference. Default: 1e-6. keepdim: keep the
    reduced dim. Default: False.

    Shape: ``(N, D), (N, D) -> (N,)`` (or ``(N, 1)`` with keepdim); unbatched ``(D,) -> ()``.
    """
    p: float = 2.0
    eps: float = 1e-6
    keepdim: bool = False

    def forward(self, x1, x2):
        return F.pairwise_distance(x1, x2, self.p, self.eps, self.keepdim)
