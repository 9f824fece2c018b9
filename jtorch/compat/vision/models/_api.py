"""Pretrained weights and the model registry: ``Weights``, ``WeightsEnum``, ``get_model``, ``list_models``.

A weights enum member names torchvision's checkpoint URL; ``get_state_dict`` is
``torch.hub.load_state_dict_from_url`` of it (``$TORCH_HOME/hub/checkpoints/<file name of the URL>``, PyTorch's
zip format, so torchvision's own files load unchanged), downloading it first when it is missing.
"""
from __future__ import annotations

import fnmatch
import importlib
import inspect
import typing
from dataclasses import dataclass
from enum import Enum
from functools import partial
from typing import Any, Callable

from ...hub import load_state_dict_from_url

__all__ = ["Weights", "WeightsEnum", "get_model", "get_model_builder", "get_model_weights", "get_weight",
           "list_models", "load_state_dict_from_url", "register_model"]


@dataclass
class Weights:
    """A checkpoint: its ``url``, the preprocessing ``transforms`` it expects and its ``meta`` data."""
    url: str
    transforms: Callable
    meta: dict[str, Any]

    def __eq__(self, other: Any) -> bool:  # partials compare by identity; deepcopy/pickle need value equality
        if not isinstance(other, Weights):
            return NotImplemented
        if self.url != other.url or self.meta != other.meta:
            return False
        if isinstance(self.transforms, partial) and isinstance(other.transforms, partial):
            return (self.transforms.func == other.transforms.func and self.transforms.args == other.transforms.args
                    and self.transforms.keywords == other.transforms.keywords)
        return self.transforms == other.transforms


class WeightsEnum(Enum):
    """Base of the ``<Model>_Weights`` enums; members hold :class:`Weights`, ``DEFAULT`` aliases the best."""

    @classmethod
    def verify(cls, obj: Any) -> Any:
        if obj is not None:
            if type(obj) is str:
                obj = cls[obj.replace(cls.__name__ + ".", "")]
            elif not isinstance(obj, cls):
                raise TypeError(f"Invalid Weight class provided; expected {cls.__name__} but received "
                                f"{obj.__class__.__name__}.")
        return obj

    def get_state_dict(self, *args: Any, **kwargs: Any) -> dict:
        """The checkpoint's state dict. Unlike torchvision, ``weights_only`` defaults to True: a state dict
        needs nothing else, and the allow-list unpickler cannot run code from a tampered download."""
        kwargs.setdefault("weights_only", True)
        return load_state_dict_from_url(self.url, *args, **kwargs)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}.{self._name_}"

    @property
    def url(self) -> str:
        return self.value.url

    @property
    def transforms(self) -> Callable:
        return self.value.transforms

    @property
    def meta(self) -> dict[str, Any]:
        return self.value.meta

# ------------------------------------------------------------------------------------------ registry


BUILTIN_MODELS: dict[str, Callable] = {}


def register_model(name: str | None = None) -> Callable:
    def wrapper(fn: Callable) -> Callable:
        key = name if name is not None else fn.__name__
        if key in BUILTIN_MODELS:
            raise ValueError(f"An entry is already registered under the name '{key}'.")
        BUILTIN_MODELS[key] = fn
        return fn

    return wrapper


def list_models(module: Any = None, include: str | list[str] | None = None,
                exclude: str | list[str] | None = None) -> list[str]:
    """Sorted names of the registered builders (of ``module`` only, if given), filtered by fnmatch patterns."""
    all_models = {k for k, v in BUILTIN_MODELS.items()
                  if module is None or v.__module__.rsplit(".", 1)[0] == module.__name__}
    models = set()
    for pattern in [include] if isinstance(include, str) else include or ():
        models |= set(fnmatch.filter(all_models, pattern))
    models = models if include else all_models
    for pattern in [exclude] if isinstance(exclude, str) else exclude or ():
        models -= set(fnmatch.filter(all_models, pattern))
    return sorted(models)


def get_model_builder(name: str) -> Callable:
    try:
        return BUILTIN_MODELS[name.lower()]
    except KeyError:
        raise ValueError(f"Unknown model {name.lower()}") from None


def get_model(name: str, **config: Any) -> Any:
    """Builds the registered model ``name`` with the builder's keyword arguments (``weights=``...)."""
    return get_model_builder(name)(**config)


def get_model_weights(name: str | Callable) -> type[WeightsEnum]:
    """The weights enum of a builder (or its name), read from the builder's ``weights`` annotation."""
    fn = get_model_builder(name) if isinstance(name, str) else name
    if "weights" not in inspect.signature(fn).parameters:
        raise ValueError("The method is missing the 'weights' argument.")
    ann = typing.get_type_hints(fn).get("weights")
    for t in (ann, *typing.get_args(ann)):
        if isinstance(t, type) and issubclass(t, WeightsEnum):
            return t
    raise ValueError("The WeightsEnum class for the specific method couldn't be retrieved. Make sure the typing "
                     "info is correct.")


def get_weight(name: str) -> WeightsEnum:
    """``get_weight("ResNet18_Weights.IMAGENET1K_V1")``: an enum member by its full name."""
    try:
        enum_name, value_name = name.split(".")
    except ValueError:
        raise ValueError(f"Invalid weight name provided: '{name}'.") from None
    weights_enum = getattr(importlib.import_module(__name__.rsplit(".", 1)[0]), enum_name, None)
    if not (isinstance(weights_enum, type) and issubclass(weights_enum, WeightsEnum)):
        raise ValueError(f"The weight enum '{enum_name}' for the specific method couldn't be retrieved.")
    return weights_enum[value_name]
