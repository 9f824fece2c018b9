"""Containers: Sequential, ModuleList, ModuleDict.

Children are stored as a tuple of ``(name, spec)`` pairs so that containers stay hashable, and their
parameters live under the same names PyTorch uses (``"0"``, ``"1"``, ... or the given keys).
"""
from __future__ import annotations

import dataclasses
from collections import OrderedDict
from typing import Any, Iterable, Mapping

import jax

from ._module import Module, Params, State, set_fields


def _named(modules: Iterable[Module] | Mapping[str, Module], owner: str) -> tuple[tuple[str, Module], ...]:
    pairs = tuple(modules.items()) if isinstance(modules, Mapping) else tuple(
        (str(i), m) for i, m in enumerate(modules))
    for name, m in pairs:
        if not isinstance(m, Module):
            raise TypeError(f"{owner} entry {name!r} is not a jtorch.nn.Module spec (got {type(m).__name__})")
    return pairs


@dataclasses.dataclass(frozen=True, init=False)
class _Container(Module):
    items: tuple[tuple[str, Module], ...]

    def __init__(self, modules: Iterable[Module] | Mapping[str, Module] = ()):
        set_fields(self, items=_named(modules, type(self).__name__))

    def children(self) -> tuple[tuple[str, Module], ...]:
        return self.items

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(m for _, m in self.items)


class ModuleList(_Container):
    """Holds specs in a list; parameters under ``"0"``, ``"1"``, .... Has no ``apply``, like PyTorch's."""

    def __getitem__(self, i: int) -> Module:
        return self.items[i][1]


class ModuleDict(_Container):
    """Holds specs by name, in insertion order. Has no ``apply``, like PyTorch's."""

    def __getitem__(self, name: str) -> Module:
        return dict(self.items)[name]

    def keys(self):
        return [n for n, _ in self.items]


class Sequential(_Container):
    """Applies its children in order: ``Sequential(a, b, c)`` or ``Sequential(OrderedDict(name=spec))``.

    Each child gets its own key, ``fold_in(key, index)``, so random layers stay independent.

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from jtorch import nn
        >>> model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
        >>> params, state = model.init(jax.random.key(0))
        >>> sorted(nn.state_dict(params, state))
        ['0.bias', '0.weight', '2.bias', '2.weight']
        >>> model.apply(params, state, jnp.ones((5, 4)))[0].shape
        (5, 2)
    """

    def __init__(self, *modules: Module):
        if len(modules) == 1 and isinstance(modules[0], (OrderedDict, dict)):
            modules = modules[0]
        super().__init__(modules)

    def __getitem__(self, i: int | slice) -> Module:
        if isinstance(i, slice):
            return Sequential(OrderedDict(self.items[i]))
        return self.items[i][1]

    def apply(self, params: Params, state: State, x: Any, *, train: bool = False,
              key: jax.Array | None = None) -> tuple[Any, State]:
        new_state = {}
        for i, (name, layer) in enumerate(self.items):
            sub_key = None if key is None else jax.random.fold_in(key, i)
            x, new_state[name] = layer.apply(params[name], state[name], x, train=train, key=sub_key)
        return x, new_state
