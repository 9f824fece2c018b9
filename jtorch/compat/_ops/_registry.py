"""The op registry: one entry per torch op generates ``torch.<name>``, ``Tensor.<name>``, the in-place
``Tensor.<name>_`` and operator dunders, so no method is written twice.

An entry's ``impl`` is the signature adapter (PyTorch's arguments -> engine op on nodes); in-place
variants are derived: compute out-of-place, check PyTorch's in-place rules, rebind (``Tensor._write``).
"""
from __future__ import annotations

import dataclasses
import functools
from typing import Callable

import numpy as np

from .. import _dtype, _grad_mode
from .._dtype_promotion import can_cast
from .._tensor import DETACH, DETACHED, Tensor

__all__ = ["register", "REGISTRY", "install", "inplace"]


@dataclasses.dataclass(frozen=True)
class Entry:
    name: str
    impl: Callable
    function: bool = True       # torch.<name>
    method: bool | Callable = True   # Tensor.<name>: impl, or this adapter when its signature differs
    inplace: bool = False       # Tensor.<name>_
    dunders: tuple[str, ...] = ()    # Tensor.__x__ = method
    rdunders: tuple[str, ...] = ()   # Tensor.__rx__(self, other) = impl(other, self)
    idunders: tuple[str, ...] = ()   # Tensor.__ix__ = in-place variant
    aliases: tuple[str, ...] = ()
    # in-place variants try it first with `(self, other)`: it returns self when it did the write, else None
    fast_inplace: Callable | None = None


REGISTRY: dict[str, Entry] = {}


def register(name: str, **flags) -> Callable[[Callable], Callable]:
    """Decorator: ``@register("add", inplace=True, dunders=("__add__",), rdunders=("__radd__",))``."""

    def deco(impl: Callable) -> Callable:
        REGISTRY[name] = Entry(name, impl, **flags)
        return impl

    return deco


def inplace(self: Tensor, result: Tensor, name: str) -> Tensor:
    """Writes ``result`` (computed out of place from ``self``) into ``self`` under PyTorch's rules."""
    node = self._node
    if _grad_mode._State.enabled:
        base = self._base
        if base is None:
            if node.leaf is not None:
                raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        elif self._view is not DETACHED and _differentiable_view(self):
            root = base._node
            if root.leaf is not None and root.requires_grad:
                raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place "
                                   "operation.")
    new = result._node
    if new.shape != node.shape and tuple(new.shape) != tuple(node.shape):
        raise RuntimeError(f"output with shape {list(node.shape)} doesn't match the broadcast shape "
                           f"{list(new.shape)}")
    src, dst = new.dtype, node.dtype
    if src != dst:
        if not can_cast(_dtype.from_any(src), _dtype.from_any(dst)):
            raise RuntimeError(f"result type {_dtype.from_any(src)._c10} can't be cast to the desired output "
                               f"type {_dtype.from_any(dst)._c10}")
        from ._convert import cast
        new = cast(result, dst)._node
    self._write(new)
    return self


def _differentiable_view(t: Tensor) -> bool:
    for op, *_ in t._view:
        if op is DETACH:
            return False
    return True


def install(namespace: dict, tensor_cls: type = Tensor) -> None:
    """Publishes every entry into ``namespace`` (the ``torch`` module dict) and onto ``tensor_cls``."""
    for entry in REGISTRY.values():
        impl = entry.impl
        for name in (entry.name,) + entry.aliases:
            if entry.function:
                namespace[name] = impl
            if entry.method:
                setattr(tensor_cls, name, impl if entry.method is True else entry.method)
            if entry.inplace:
                setattr(tensor_cls, name + "_", _make_inplace(impl, name, entry.fast_inplace))
        for d in entry.dunders:
            setattr(tensor_cls, d, impl)
        for d in entry.rdunders:
            setattr(tensor_cls, d, _reflected(impl))
        for d in entry.idunders:
            setattr(tensor_cls, d, _make_inplace(impl, entry.name, entry.fast_inplace))


def _make_inplace(impl: Callable, name: str, fast: Callable | None = None) -> Callable:
    name += "_"

    @functools.wraps(impl)
    def method(self, *args, **kwargs):
        if fast is not None and len(args) == 1 and not kwargs and fast(self, args[0]) is not None:
            return self
        return inplace(self, impl(self, *args, **kwargs), name)

    method.__name__ = name
    return method


def _reflected(impl: Callable) -> Callable:
    def method(self, other):
        return impl(other, self)

    return method


def dims(x, ndim: int) -> tuple[int, ...]:
    """Normalises a dim / tuple of dims (PyTorch's wrap rules and error) to non-negative ints."""
    from .._tensor import _wrap_dim
    xs = (x,) if isinstance(x, (int, np.integer)) else tuple(x)
    return tuple(_wrap_dim(int(d), ndim) for d in xs)
