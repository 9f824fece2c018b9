"""Embedding and EmbeddingBag: lookup tables over the core specs."""
from __future__ import annotations

import jtorch.nn as _core

from ... import _grad_mode
from ..._index_check import check_bags, check_index_range, first_out_of_range
from .. import functional as F
from ..parameter import Parameter
from ._layer import CoreLayer

__all__ = ["Embedding", "EmbeddingBag"]


def _renorm(layer, input) -> None:
    """PyTorch renormalises the looked-up rows of the weight itself, in place and without grad, before the
    lookup (``embedding_renorm_``). The pure core only rescales its output (the same rows), so the module
    writes them back first; the lookup then reads the renormalised weight."""
    if layer.max_norm is None:
        return
    n = layer.num_embeddings
    bad = first_out_of_range(input, -n, n)  # renorm selects each distinct index in ascending order
    if bad is not None:
        raise IndexError(f"select(): index {bad} out of range for tensor of size [{n}, {layer.embedding_dim}] at "
                         "dimension 0")
    with _grad_mode.no_grad():
        layer.weight[input] = F.embedding(input, layer.weight, max_norm=layer.max_norm, norm_type=layer.norm_type)


def _norm_repr(layer) -> str:
    """The renormalisation and gradient-scaling part of an embedding layer's ``extra_repr`` template."""
    s = ""
    if layer.max_norm is not None:
        s += ", max_norm={max_norm}"
    if layer.norm_type != 2:
        s += ", norm_type={norm_type}"
    if layer.scale_grad_by_freq is not False:
        s += ", scale_grad_by_freq={scale_grad_by_freq}"
    return s


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
        F.embedding_indices(input)
        _renorm(self, input)
        check_index_range(input, self.num_embeddings)
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
        s += _norm_repr(self)
        if self.sparse is not False:
            s += ", sparse=True"
        return s.format(**self.__dict__)


class EmbeddingBag(CoreLayer):
    """num_embeddings, embedding_dim, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, mode="mean",
    sparse=False, _weight=None, include_last_offset=False, padding_idx=None, device=None, dtype=None."""
    _core = _core.EmbeddingBag
    _grad_name = "EmbeddingBagBackward0"

    def __init__(self, num_embeddings, embedding_dim, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
                 mode="mean", sparse=False, _weight=None, include_last_offset=False, padding_idx=None, device=None,
                 dtype=None):
        super().__init__(num_embeddings, embedding_dim, max_norm, norm_type, scale_grad_by_freq, mode, sparse,
                         include_last_offset, padding_idx, device=device, dtype=dtype)
        if _weight is not None:
            if list(_weight.shape) != [num_embeddings, embedding_dim]:
                raise AssertionError("Shape of weight does not match num_embeddings and embedding_dim")
            self.weight = Parameter(_weight)

    def forward(self, input, offsets=None, per_sample_weights=None):
        _renorm(self, input)
        check_bags(input, self.num_embeddings, offsets)
        return super().forward(input, offsets, per_sample_weights)

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
                        mode="mean", sparse=False, include_last_offset=False, padding_idx=None) -> "EmbeddingBag":
        if embeddings.dim() != 2:
            raise AssertionError("Embeddings parameter is expected to be 2-dimensional")
        rows, cols = embeddings.shape
        bag = cls(rows, cols, max_norm, norm_type, scale_grad_by_freq, mode, sparse, embeddings,
                  include_last_offset, padding_idx)
        bag.weight.requires_grad = not freeze
        return bag

    def extra_repr(self) -> str:
        s = "{num_embeddings}, {embedding_dim}" + _norm_repr(self) + ", mode={mode!r}"
        if self.padding_idx is not None:
            s += ", padding_idx={padding_idx}"
        return s.format(**self.__dict__)
