"""Dropout layers: element-wise, channel-wise (1d/2d/3d) and SELU's alpha dropout.

They are active only with ``apply(..., train=True, key=...)``; in eval mode (the default) they return
their input and need no key. ``inplace`` is accepted and ignored (pure ops).

Example:
    >>> import jax, jax.numpy as jnp
    >>> from jtorch import nn
    >>> y, _ = nn.Dropout(0.5).apply({}, {}, jnp.ones(4), train=True, key=jax.random.key(0))
    >>> sorted(set(y.tolist())) in ([0.0, 2.0], [0.0], [2.0])
    True
"""
from __future__ import annotations

import dataclasses

import jax

from . import functional as F
from ._module import Module, Params, State


@dataclasses.dataclass(frozen=True)
class _DropoutNd(Module):
    p: float = 0.5
    inplace: bool = False

    def __post_init__(self):
        if self.p < 0 or self.p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {self.p}")

    def _drop(self, input: jax.Array, train: bool, key: jax.Array | None) -> jax.Array:
        raise NotImplementedError

    def apply(self, params: Params, state: State, input: jax.Array, *, train: bool = False,
              key: jax.Array | None = None) -> tuple[jax.Array, State]:
        del params
        return self._drop(input, train, key), state


class Dropout(_DropoutNd):
    """:func:`~jtorch.nn.functional.dropout`: zeroes each element with probability ``p``, scales the rest
    by ``1 / (1 - p)``. Args: p. Default: 0.5. inplace: ignored. Shape: ``(*) -> (*)``."""

    def _drop(self, input, train, key):
        return F.dropout(input, self.p, train, key=key)


class Dropout1d(_DropoutNd):
    """:func:`~jtorch.nn.functional.dropout1d`: zeroes whole channels. Shape: ``(N, C, L)`` or ``(C, L)``."""

    def _drop(self, input, train, key):
        return F.dropout1d(input, self.p, train, key=key)


class Dropout2d(_DropoutNd):
    """:func:`~jtorch.nn.functional.dropout2d`: zeroes whole channels. Shape: ``(N, C, H, W)`` or ``(C, H, W)``."""

    def _drop(self, input, train, key):
        return F.dropout2d(input, self.p, train, key=key)


class Dropout3d(_DropoutNd):
    """:func:`~jtorch.nn.functional.dropout3d`: zeroes whole channels. Shape: ``(N, C, D, H, W)`` or
    ``(C, D, H, W)``."""

    def _drop(self, input, train, key):
        return F.dropout3d(input, self.p, train, key=key)


class AlphaDropout(_DropoutNd):
    """:func:`~jtorch.nn.functional.alpha_dropout`: dropout that keeps SELU's zero mean and unit variance."""

    def _drop(self, input, train, key):
        return F.alpha_dropout(input, self.p, train, key=key)


class FeatureAlphaDropout(_DropoutNd):
    """:func:`~jtorch.nn.functional.feature_alpha_dropout`: alpha dropout of whole channels."""

    def _drop(self, input, train, key):
        return F.feature_alpha_dropout(input, self.p, train, key=key)
