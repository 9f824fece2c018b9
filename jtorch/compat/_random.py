"""Random numbers: ``Generator``, ``manual_seed``, and the sampling ops.

The generator's state is a JAX key held by a tensor, so it is a graph leaf: each sampling op splits it
(new state, sample) inside the executable, and no random op ever forces a recompile. The distributions
are PyTorch's; the streams are JAX's, so the same seed gives different numbers than PyTorch.
"""
from __future__ import annotations

import time

import jax
import jax.numpy as jnp
import numpy as np

from . import engine
from ._tensor import Tensor, call, wrap
from .engine import SELECT, Op

__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed", "get_rng_state",
           "set_rng_state", "sample"]


#: JAX's "rbg" keys: sampling and its compilation are several times cheaper on CPU than threefry's
#: (a 1024x25088 uniform init: ~3.5x faster to run), and splitting stays well defined.
KEY_IMPL = "rbg"


def _key_data(seed: int) -> np.ndarray:
    return np.asarray(jax.random.key_data(jax.random.key(int(seed) % 2 ** 63, impl=KEY_IMPL)))


def as_key(data) -> jax.Array:
    """A typed JAX key from the raw key data the graph carries."""
    return jax.random.wrap_key_data(data, impl=KEY_IMPL)


class Generator:
    """``torch.Generator``: ``manual_seed``, ``seed``, ``initial_seed``, ``get_state``/``set_state``."""

    def __init__(self, device="cpu"):
        self.device = device
        self._seed = 67280421310721
        self._state = wrap(engine.constant(jnp.asarray(_key_data(self._seed))))

    def manual_seed(self, seed: int) -> "Generator":
        self._seed = int(seed)
        self._state._write(engine.constant(jnp.asarray(_key_data(self._seed))))
        return self

    def seed(self) -> int:
        self.manual_seed(time.time_ns() & 0xFFFFFFFFFFFF)
        return self._seed

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> Tensor:
        """The key as a uint8 tensor (PyTorch's states are ByteTensors too, of another layout)."""
        data = np.asarray(self._state._value())
        return wrap(engine.constant(jnp.asarray(data.view(np.uint8))))

    def set_state(self, state: Tensor) -> "Generator":
        data = np.asarray(state._value()).astype(np.uint8).view(np.uint32)
        self._state._write(engine.constant(jnp.asarray(data)))
        return self

    def _split(self) -> Tensor:
        """Advances the state; returns the node of a fresh subkey for one sampling op."""
        both = call(_SPLIT, (self._state,), differentiable=False)
        self._state._write(call(SELECT, (both,), (("index", 0),), differentiable=False)._node, counted=False)
        return call(SELECT, (both,), (("index", 1),), differentiable=False)


def _split(key):
    k = as_key(key)
    a, b = jax.random.split(k)
    return jax.random.key_data(a), jax.random.key_data(b)


_SPLIT = Op("rng_split", _split)

default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    return default_generator.manual_seed(seed)


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    return default_generator.get_state()


def set_rng_state(state: Tensor) -> None:
    default_generator.set_state(state)


def sample(op: Op, static: tuple, generator: Generator | None, inputs: tuple = ()) -> Tensor:
    """Runs a sampling op ``op(key, *inputs, **static)`` with a subkey of ``generator``."""
    key = (generator or default_generator)._split()
    return call(op, (key, *inputs), static, differentiable=False)


def key_of(fn):
    """Adapts ``fn(key, ...)`` taking a JAX key to take raw key data (what the graph carries)."""
    return lambda data, *args, **kw: fn(as_key(data), *args, **kw)

