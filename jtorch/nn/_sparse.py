"""Embedding and EmbeddingBag: lookup tables of ``num_embeddings`` vectors, over
:func:`jtorch.nn.functional.embedding` and :func:`jtorch.nn.functional.embedding_bag`."""
from __future__ import annotations

import dataclasses
from typing import Any

import jax
import jax.numpy as jnp

from . import functional as F
from . import init as nn_init
from ._linear import _param_dtype
from ._module import Module, Params, State, set_fields


@dataclasses.dataclass(frozen=True)
class Embedding(Module):
    """Looks up rows of ``weight`` by integer index.

    Args:
        num_embeddings: size of the table. embedding_dim: size of each vector.
        padding_idx: a row initialised to zeros that gets no gradient; negative counts from the end.
            Default: None. max_norm: rows looked up are rescaled to at most this ``norm_type``-norm.
            Default: None. norm_type. Default: 2.0. scale_grad_by_freq: scale gradients by the inverse
            frequency of each index in the batch. Default: False. sparse: accepted (gradients are dense).
        _freeze: the weight gets no gradient (``stop_gradient``), PyTorch's ``requires_grad=False``; set by
            :meth:`from_pretrained`. Default: False. device: ignored. dtype: parameter dtype.

    Shape:
        ``(*)`` integer indices ``-> (*, embedding_dim)``.

    Params:
        ``weight`` ``(num_embeddings, embedding_dim)``, N(0, 1) with the ``padding_idx`` row zero.

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from jtorch import nn
        >>> emb = nn.Embedding(10, 3, padding_idx=0)
        >>> params, state = emb.init(jax.random.key(0))
        >>> y, _ = emb.apply(params, state, jnp.array([[0, 2], [4, 5]]))
        >>> y.shape, y[0, 0].tolist()
        ((2, 2, 3), [0.0, 0.0, 0.0])
    """
    num_embeddings: int
    embedding_dim: int
    padding_idx: int | None = None
    max_norm: float | None = None
    norm_type: float = 2.0
    scale_grad_by_freq: bool = False
    sparse: bool = False
    _freeze: bool = False
    device: Any = None
    dtype: Any = None

    def __post_init__(self):
        # torch: Embedding.__init__ raises AssertionError here.
        if self.padding_idx is not None:
            if not -self.num_embeddings <= self.padding_idx < self.num_embeddings:
                raise AssertionError(f"Padding_idx must be within num_embeddings (got padding_idx="
                                     f"{self.padding_idx}, num_embeddings={self.num_embeddings})")
            set_fields(self, padding_idx=self.padding_idx % self.num_embeddings)

    @classmethod
    def from_pretrained(cls, embeddings: Any, freeze: bool = True, padding_idx: int | None = None,
                        max_norm: float | None = None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                        sparse: bool = False) -> tuple[Embedding, Params, State]:
        """Returns ``(spec, params, state)`` holding the 2-D ``embeddings`` as ``weight`` (unchanged, also
        at ``padding_idx``); with ``freeze`` it gets no gradient.

        Example:
            >>> import jax.numpy as jnp
            >>> from jtorch import nn
            >>> emb, params, state = nn.Embedding.from_pretrained(jnp.array([[1.0, 2.3, 3.0], [4.0, 5.1, 6.3]]))
            >>> emb.apply(params, state, jnp.array([1]))[0]
            Array([[4. , 5.1, 6.3]], dtype=float32)
        """
        weight = jnp.asarray(embeddings)
        if weight.ndim != 2:
            raise AssertionError(f"Embeddings parameter is expected to be 2-dimensional (got shape {weight.shape})")
        spec = cls(*weight.shape, padding_idx=padding_idx, max_norm=max_norm, norm_type=norm_type,
                   scale_grad_by_freq=scale_grad_by_freq, sparse=sparse, _freeze=freeze, dtype=weight.dtype)
        return spec, {"weight": weight}, {}

    def init(self, key: jax.Array) -> tuple[Params, State]:
        # torch: normal_(weight); the padding_idx row filled with 0
        weight = nn_init.normal(key, (self.num_embeddings, self.embedding_dim), dtype=_param_dtype(self.dtype))
        if self.padding_idx is not None:
            weight = weight.at[self.padding_idx].set(0)
        return {"weight": weight}, {}

    def apply(self, params: Params, state: State, input: jax.Array, *, train: bool = False,
              key: jax.Array | None = None) -> tuple[jax.Array, State]:
        del train, key
        weight = jax.lax.stop_gradient(params["weight"]) if self._freeze else params["weight"]
        return F.embedding(input, weight, self.padding_idx, self.max_norm, self.norm_type,
                           self.scale_grad_by_freq, self.sparse), state


@dataclasses.dataclass(frozen=True)
class EmbeddingBag(Module):
    """Sums, averages or takes the max of bags of embedding rows (:func:`jtorch.nn.functional.embedding_bag`).

    Args:
        num_embeddings: size of the table. embedding_dim: size of each vector.
        max_norm, norm_type, scale_grad_by_freq, sparse: as in :class:`Embedding`.
        mode: ``"sum"``, ``"mean"`` or ``"max"``. Default: ``"mean"``.
        include_last_offset: ``offsets`` has one entry per bag plus the end. Default: False.
        padding_idx: a row initialised to zeros and left out of every bag; negative counts from the end.
            Default: None. device: ignored. dtype: parameter dtype.

    Shape:
        ``(B, N)``, or ``(N,)`` with ``offsets`` ``(B,)`` ``-> (B, embedding_dim)``.

    Params:
        ``weight`` ``(num_embeddings, embedding_dim)``, N(0, 1) with the ``padding_idx`` row zero.

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from jtorch import nn
        >>> bag = nn.EmbeddingBag(10, 3, mode="sum")
        >>> params, state = bag.init(jax.random.key(0))
        >>> bag.apply(params, state, jnp.array([1, 2, 4, 5]), jnp.array([0, 2]))[0].shape
        (2, 3)
    """
    num_embeddings: int
    embedding_dim: int
    max_norm: float | None = None
    norm_type: float = 2.0
    scale_grad_by_freq: bool = False
    mode: str = "mean"
    sparse: bool = False
    include_last_offset: bool = False
    padding_idx: int | None = None
    device: Any = None
    dtype: Any = None

    def __post_init__(self):
        # torch: EmbeddingBag.__init__ raises AssertionError here.
        if self.padding_idx is not None:
            if not -self.num_embeddings <= self.padding_idx < self.num_embeddings:
                raise AssertionError("padding_idx must be within num_embeddings")
            set_fields(self, padding_idx=self.padding_idx % self.num_embeddings)

    def init(self, key: jax.Array) -> tuple[Params, State]:
        return Embedding.init(self, key)  # torch: the same normal_ init, padding row zeroed

    def apply(self, params: Params, state: State, input: jax.Array, offsets: jax.Array | None = None,
              per_sample_weights: jax.Array | None = None, *, train: bool = False,
              key: jax.Array | None = None) -> tuple[jax.Array, State]:
        del train, key
        return F.embedding_bag(input, params["weight"], offsets, self.max_norm, self.norm_type,
                               self.scale_grad_by_freq, self.mode, self.sparse, per_sample_weights,
                               self.include_last_offset, self.padding_idx), state
