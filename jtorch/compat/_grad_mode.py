"""Grad mode: ``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``inference_mode``.

Each is a context manager and a decorator, as in PyTorch. Grad mode is read when a node is built: a
node made while it is off does not require grad and records no differentiable edges.
"""
from __future__ import annotations

import functools
import inspect

__all__ = ["enable_grad", "inference_mode", "is_grad_enabled", "is_inference_mode_enabled", "no_grad",
           "set_grad_enabled"]


class _State:
    enabled = True
    inference = False


def is_grad_enabled() -> bool:
    return _State.enabled


def is_inference_mode_enabled() -> bool:
    return _State.inference


class _GradModeContext:
    """Base: subclasses set ``_mode`` (and ``_inference``) in ``__init__``."""

    _mode: bool | None  # None: leave grad mode as it is
    _inference: bool | None = None

    def __enter__(self):
        self._prev = (_State.enabled, _State.inference)
        if self._mode is not None:
            _State.enabled = self._mode
        if self._inference is not None:
            _State.inference = self._inference
        return self

    def __exit__(self, *exc):
        _State.enabled, _State.inference = self._prev
        return False

    def __call__(self, fn):
        if inspect.isclass(fn):
            raise TypeError(f"{type(self).__name__} cannot decorate a class")
        if inspect.isgeneratorfunction(fn):
            @functools.wraps(fn)
            def gen_wrapper(*args, **kwargs):
                with self._fresh():
                    yield from fn(*args, **kwargs)
            return gen_wrapper

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self._fresh():
                return fn(*args, **kwargs)

        return wrapper

    def _fresh(self):
        fresh = object.__new__(type(self))
        fresh.__dict__.update(self.__dict__)
        return fresh


class no_grad(_GradModeContext):
    """Disables gradient tracking inside the block or decorated function."""

    def __init__(self):
        self._mode = False


class enable_grad(_GradModeContext):
    """Enables gradient tracking inside the block (e.g. within ``no_grad``)."""

    def __init__(self):
        self._mode = True


class set_grad_enabled(_GradModeContext):
    """Sets grad mode to ``mode``; takes effect at once (like PyTorch) and also works as a context."""

    def __init__(self, mode: bool):
        self._prev = (_State.enabled, _State.inference)
        self._mode = bool(mode)
        _State.enabled = self._mode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _State.enabled, _State.inference = self._prev
        return False

    def _fresh(self):
        return set_grad_enabled(self._mode)


class inference_mode(_GradModeContext):
    """Like ``no_grad`` (jtorch has no separate inference tensors); ``mode=False`` is a no-op."""

    def __init__(self, mode: bool = True):
        self._mode = False if mode else None
        self._inference = bool(mode)

    def __call__(self, fn=None):
        if isinstance(fn, bool):  # @inference_mode(False) written as a call on a bool
            return inference_mode(fn)
        return super().__call__(fn)
