"""Argument normalisation shared by the transform classes, with torchvision's messages."""
from __future__ import annotations

import numbers
from collections.abc import Sequence

__all__ = ["check_sequence_input", "setup_angle", "setup_size"]


def setup_size(size, error_msg: str):
    """``(h, w)`` from an int, a 1-sequence or a 2-sequence."""
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, Sequence) and len(size) == 1:
        return size[0], size[0]
    if len(size) != 2:
        raise ValueError(error_msg)
    return size


def check_sequence_input(x, name: str, req_sizes: tuple) -> None:
    msg = req_sizes[0] if len(req_sizes) < 2 else " or ".join([str(s) for s in req_sizes])
    if not isinstance(x, Sequence):
        raise TypeError(f"{name} should be a sequence of length {msg}.")
    if len(x) not in req_sizes:
        raise ValueError(f"{name} should be a sequence of length {msg}.")


def setup_angle(x, name: str, req_sizes: tuple = (2,)) -> list[float]:
    """``[-x, x]`` for a number, else the checked sequence, as floats."""
    if isinstance(x, numbers.Number):
        if x < 0:
            raise ValueError(f"If {name} is a single number, it must be positive.")
        x = [-x, x]
    else:
        check_sequence_input(x, name, req_sizes)
    return [float(d) for d in x]
