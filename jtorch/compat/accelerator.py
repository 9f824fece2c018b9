"""``torch.accelerator``: the current accelerator is the first JAX GPU/TPU, if any."""
from . import _device


def is_available() -> bool:
    return _device.cuda_available()


def current_accelerator():
    return _device.device("cuda") if is_available() else None


def device_count() -> int:
    return len(_device.accelerators())
