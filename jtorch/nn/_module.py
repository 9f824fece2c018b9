"""The base of every core layer spec.

A spec is a frozen, hashable dataclass of hyper-parameters. It owns no arrays: ``init`` makes the
parameter and state pytrees, ``apply`` is a pure function of them. Because a spec is hashable it can be
closed over or passed as a static argument to ``jax.jit``.
"""
from __future__ import annotations

import dataclasses
from typing import Any

import jax

Params = dict[str, Any]
State = dict[str, Any]


@dataclasses.dataclass(frozen=True)
class Module:
    """A layer spec: ``init(key) -> (params, state)``, ``apply(params, state, *inputs) -> (y, state)``.

    ``params`` and ``state`` are nested dicts whose flattened keys are PyTorch's ``state_dict()`` keys
    (``state`` holds buffers such as BatchNorm's running statistics; ``{}`` when there are none).
    Subclasses without parameters override only ``apply``.
    """

    def children(self) -> tuple[tuple[str, Module], ...]:
        """Named sub-specs: by default the fields that hold a ``Module``, in field order."""
        return tuple((f.name, getattr(self, f.name)) for f in dataclasses.fields(self)
                     if isinstance(getattr(self, f.name), Module))

    def init(self, key: jax.Array) -> tuple[Params, State]:
        """Returns freshly initialised ``(params, state)``, following PyTorch's ``reset_parameters``.

        The default initialises each child under its name, so a composite spec written as a dataclass
        with ``Module`` fields gets PyTorch's nested keys (``"conv1.weight"``) without writing ``init``.
        """
        params, state = {}, {}
        for i, (name, child) in enumerate(self.children()):
            params[name], state[name] = child.init(jax.random.fold_in(key, i))
        return params, state

    def apply(self, params: Params, state: State, *inputs, train: bool = False,
              key: jax.Array | None = None) -> tuple[Any, State]:
        """Runs the layer. ``train`` selects training behaviour (dropout, batch statistics); ``key``
        feeds random layers and is required only by those, in training mode."""
        raise NotImplementedError(f"{type(self).__name__}.apply")

    def __call__(self, *args, **kwargs):
        raise TypeError(
            f"{type(self).__name__} is a core layer spec: call "
            f"`.apply(params, state, x)` with the pytrees from `.init(key)`. "
            f"For PyTorch's stateful modules use `jtorch.compat.nn`.")


def set_fields(spec: Module, **values) -> None:
    """Normalises fields inside ``__post_init__`` of a frozen dataclass (``int`` -> tuple etc.)."""
    for name, value in values.items():
        object.__setattr__(spec, name, value)
