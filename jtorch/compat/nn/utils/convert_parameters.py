"""``parameters_to_vector`` and ``vector_to_parameters``."""
from __future__ import annotations

import jtorch.compat as _torch

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters):
    """One flat vector of all the parameters (differentiable)."""
    return _torch.cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec, parameters) -> None:
    """Writes consecutive slices of ``vec`` into the parameters' data."""
    if not isinstance(vec, _torch.Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    offset = 0
    for p in parameters:
        n = p.numel()
        p.data = vec[offset:offset + n].view_as(p).data
        offset += n
