"""``torch.device`` over JAX devices, and the ``torch.cuda`` / ``torch.backends.mps`` availability queries.

``"cuda"`` means the first JAX accelerator (GPU or TPU); with none, using it raises PyTorch's error.
"""
from __future__ import annotations

import functools

import jax

__all__ = ["device", "accelerators", "cuda_available", "jax_device"]


class device:
    """``torch.device('cuda:0')``, ``torch.device('cpu')``, ``torch.device('cuda', 1)``."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, int):
            type, index = "cuda", type
        elif ":" in type:
            type, _, idx = type.partition(":")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{idx}'")
            index = int(idx)
        if type not in ("cpu", "cuda", "mps", "meta", "xla", "tpu"):
            raise RuntimeError(f"Expected one of cpu, cuda, mps, meta, xla device type at start of device string: {type}")
        self.type, self.index = type, index

    def __repr__(self) -> str:
        return f"device(type='{self.type}')" if self.index is None else f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))


@functools.lru_cache(maxsize=None)
def accelerators() -> tuple:
    return tuple(d for d in jax.devices() if d.platform != "cpu")


def cuda_available() -> bool:
    return bool(accelerators())


def jax_device(dev: device):
    """The JAX device a torch device names; PyTorch's error when it names an accelerator we lack."""
    if dev.type == "cpu":
        return jax.devices("cpu")[0]
    accs = accelerators()
    if not accs:
        raise AssertionError("Torch not compiled with CUDA enabled")
    idx = dev.index or 0
    if idx >= len(accs):
        raise RuntimeError("CUDA error: invalid device ordinal")
    return accs[idx]
