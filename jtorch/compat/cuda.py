"""``torch.cuda``: the first JAX accelerator stands in for CUDA; without one, PyTorch's answers and errors."""
from __future__ import annotations

from . import _device
from ._legacy import legacy_classes

globals().update(legacy_classes(cuda=True))

_current = 0


def is_available() -> bool:
    return _device.cuda_available()


def device_count() -> int:
    return len(_device.accelerators())


def _require() -> None:
    if not is_available():
        raise AssertionError("Torch not compiled with CUDA enabled")


def set_device(device) -> None:
    global _current
    _require()
    _current = _device.device(device).index or 0 if not isinstance(device, int) else device


def current_device() -> int:
    _require()
    return _current


def get_device_name(device=None) -> str:
    _require()
    return _device.accelerators()[0 if device is None else int(getattr(device, "index", device) or 0)].device_kind


def synchronize(device=None) -> None:
    from . import engine
    engine.sync()


def manual_seed(seed: int) -> None:
    """Seeds the one generator jtorch has (``torch.manual_seed``)."""
    from ._random import manual_seed as _seed
    _seed(seed)


manual_seed_all = manual_seed


def empty_cache() -> None:
    pass
