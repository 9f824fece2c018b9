"""Flatten and Unflatten: reshapes of a contiguous range of dimensions, as ``torch.flatten`` / ``unflatten``."""
from __future__ import annotations

import dataclasses
import math
from typing import Sequence

import jax
import jax.numpy as jnp

from ._linear import _Stateless
from ._module import set_fields
from .functional._activation import _dim


@dataclasses.dataclass(frozen=True)
class Flatten(_Stateless):
    """Flattens dims ``start_dim`` to ``end_dim`` (inclusive) into one.

    Args: start_dim. Default: 1. end_dim. Default: -1.

    Shape: ``(*, S_start, ..., S_end, *) -> (*, prod(S_start..S_end), *)``.

    Example:
        >>> import jax.numpy as jnp
        >>> from jtorch import nn
        >>> nn.Flatten().apply({}, {}, jnp.zeros((32, 1, 5, 5)))[0].shape
        (32, 25)
    """
    start_dim: int = 1
    end_dim: int = -1

    def forward(self, input: jax.Array) -> jax.Array:
        shape = jnp.shape(input)
        start, end = _dim(self.start_dim, len(shape)), _dim(self.end_dim, len(shape))
        if start > end:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim "
                               f"(got start_dim={self.start_dim}, end_dim={self.end_dim} for {len(shape)}-d input)")
        return jnp.reshape(input, shape[:start] + (math.prod(shape[start:end + 1]),) + shape[end + 1:])


@dataclasses.dataclass(frozen=True)
class Unflatten(_Stateless):
    """Splits dim ``dim`` into ``unflattened_size`` (one entry may be -1, inferred).

    Args: dim: the dim to split. unflattened_size: tuple of ints whose product is that dim's size.

    Shape: ``(*, S_dim, *) -> (*, U_1, ..., U_n, *)``.

    Example:
        >>> import jax.numpy as jnp
        >>> from jtorch import nn
        >>> nn.Unflatten(1, (2, 5, 5)).apply({}, {}, jnp.zeros((2, 50)))[0].shape
        (2, 2, 5, 5)
    """
    dim: int
    unflattened_size: Sequence[int]

    def __post_init__(self):
        # torch: Unflatten._require_tuple_int
        if isinstance(self.dim, str):
            raise NotImplementedError("Unflatten with a named dimension (str `dim`) is not supported")
        if not isinstance(self.unflattened_size, (tuple, list)):
            raise TypeError("unflattened_size must be a tuple of ints, but found type "
                            f"{type(self.unflattened_size).__name__}")
        for idx, elem in enumerate(self.unflattened_size):
            if not isinstance(elem, int):
                raise TypeError(f"unflattened_size must be tuple of ints, but found element of type "
                                f"{type(elem).__name__} at pos {idx}")
        set_fields(self, unflattened_size=tuple(self.unflattened_size))

    def forward(self, input: jax.Array) -> jax.Array:
        shape = jnp.shape(input)
        d, sizes = _dim(self.dim, len(shape)), self.unflattened_size
        if sizes.count(-1) > 1:
            raise RuntimeError(f"unflatten: only one dimension can be inferred (got {list(sizes)})")
        known = math.prod(s for s in sizes if s != -1)
        if -1 in sizes and known == 0 == shape[d]:
            raise RuntimeError(f"unflatten: sizes {list(sizes)} for a dim of 0 elements are ambiguous: the -1 "
                               "can be any value")
        if (shape[d] % known != 0 if -1 in sizes and known else shape[d] != known):
            raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {d} "
                               f"({shape[d]}) in the input tensor")
        if -1 in sizes:
            sizes = tuple(shape[d] // known if s == -1 else s for s in sizes)
        return jnp.reshape(input, shape[:d] + sizes + shape[d + 1:])
