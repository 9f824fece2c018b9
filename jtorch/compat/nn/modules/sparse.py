"""Embedding: a lookup table over the core spec."""
from __future__ import annotations

import jtorch.nn as _core

from ... import _grad_mode
from ..._index_check import check_index_range, first_out_of_range
from .. import functional as F
from ..parameter import Parameter
from ._layer import CoreLayer

__all__ = ["Embedding"]


class Embedding(CoreLayer):
    """num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0,
    scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False, device=None, dtype=None."""
    _core = _core.Embedding
    _grad_name = "EmbeddingBackward0"

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0,
                 scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False, device=None, dtype=None):
        super().__init__(num_embeddings, embedding_dim, padding_idx, max_norm, norm_type, scale_grad_by_freq,
                         sparse, device=device, dtype=dtype)
        if _weight is not None:
            if list(_weight.shape) != [num_embeddings, embedding_dim]:
                raise AssertionError("Shape of weight does not match num_embeddings and embedding_dim")
            self.weight = Parameter(_weight, requires_grad=not _freeze)
        elif _freeze:
            self.weight.requires_grad_(False)

    def forward(self, input):
        n = self.num_embeddings
        if self.max_norm is not None:
            # PyTorch renormalises first, selecting each distinct index in ascending order (negatives wrap)
            bad = first_out_of_range(input, -n, n)
            if bad is not None:
                raise IndexError(f"select(): index {bad} out of range for tensor of size [{n}, "
                                 f"{self.embedding_dim}] at dimension 0")
        check_index_range(input, n)
        if self.max_norm is not None:
            # PyTorch renormalises the looked-up rows of the weight itself, in place and without grad, before
            # the lookup (F.embedding -> embedding_renorm_). The pure core only rescales its output (the same
            # rows), so the module writes them back first; the lookup then reads the renormalised weight.
            with _grad_mode.no_grad():
                self.weight[input] = F.embedding(input, self.weight, max_norm=self.max_norm,
                                                 norm_type=self.norm_type)
        return super().forward(input)

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None, max_norm=None, norm_type=2.0,
                        scale_grad_by_freq=False, sparse=False) -> "Embedding":
        if embeddings.dim() != 2:
            raise AssertionError("Embeddings parameter is expected to be 2-dimensional")
        rows, cols = embeddings.shape
        return cls(rows, cols, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse,
                   _weight=embeddings, _freeze=freeze)

    def extra_repr(self) -> str:
        s = "{num_embeddings}, {embedding_dim}"
        if self.padding_idx is not None:
            s += ", padding_idx={padding_idx}"
        if self.max_norm is not None:
            s += ", max_norm={max_norm}"
        if self.norm_type != 2:
            s += ", norm_type={norm_type}"
        if self.scale_grad_by_freq is not False:
            s += ", scale_grad_by_freq={scale_grad_by_freq}"
        if self.sparse is not False:
            s += ", sparse=True"
        return s.format(**self.__dict__)
