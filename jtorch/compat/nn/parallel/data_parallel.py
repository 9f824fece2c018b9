"""``nn.DataParallel`` with PyTorch's attributes, ``module.`` state_dict prefix and results.

PyTorch replicates the module on each GPU and scatters the batch; here the wrapped module runs once on the
whole batch, which gives the same outputs and gradients (one XLA program; ``jtorch.parallel`` shards a
batch across devices explicitly). Without an accelerator it is PyTorch's CPU pass-through.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ... import cuda
from ..._device import device
from ..modules.module import Module

__all__ = ["DataParallel"]


def _index(d: int | device) -> int:
    return d if isinstance(d, int) else (d.index or 0)


class DataParallel(Module):
    """Wraps ``module`` (registered as ``self.module``); ``forward`` calls it with the same arguments."""

    def __init__(self, module: Module, device_ids: Sequence[int | device] | None = None,
                 output_device: int | device | None = None, dim: int = 0) -> None:
        super().__init__()
        self.module = module
        if not cuda.is_available():  # PyTorch: no accelerator, no replicas, no other attributes
            self.device_ids = []
            return
        ids = [_index(d) for d in (range(cuda.device_count()) if device_ids is None else device_ids)]
        self.dim, self.device_ids = dim, ids
        self.output_device = _index(ids[0] if output_device is None else output_device)
        self.src_device_obj = device("cuda", ids[0])
        if len(ids) == 1:
            self.module.to(self.src_device_obj)

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        return self.module(*inputs, **kwargs)
