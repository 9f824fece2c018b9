"""``torch.compile``: accepted and returns its argument unchanged.

The engine already compiles: a whole training step (forward, backward, optimizer update) becomes one cached
XLA executable, so a module or function needs no separate compilation. ``torch.compile`` is kept so scripts
that call it (as a function or a decorator, with or without arguments) run unchanged; its arguments are
validated as PyTorch validates them, and otherwise ignored.
"""
from __future__ import annotations

from typing import Any, Callable

__all__ = ["compile"]

_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")


def compile(model: Callable | None = None, *, fullgraph: bool = False, dynamic: bool | None = None,
            backend: str | Callable | None = None, mode: str | None = None, options: dict | None = None,
            name: str | None = None, disable: bool = False, recompile_limit: int | None = None,
            isolate_recompiles: bool = False, shapes_spec: Any = None) -> Callable:
    """PyTorch's ``torch.compile``: returns ``model`` itself (or, without ``model``, a decorator that does)."""
    del fullgraph, dynamic, backend, name, disable, recompile_limit, isolate_recompiles, shapes_spec
    if model is None:
        def decorate(model: Callable) -> Callable:
            if model is None:
                raise RuntimeError("Model can't be None")
            return compile(model, mode=mode, options=options)

        return decorate
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    if mode is not None and mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(_MODES)}")
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    return model
