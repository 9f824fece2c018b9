"""BatchNorm1d/2d/3d over the core specs (in PyTorch's ``torch.nn.modules.batchnorm``, so pickled whole
models keep PyTorch's class paths).

In training mode the running statistics the core returns are written back into the buffers
(``momentum``, ``momentum=None`` for a cumulative average, ``track_running_stats=False``: no buffers).
"""
from __future__ import annotations

import jtorch.nn as _core

from ._layer import CoreLayer

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d"]


class _NormBase(CoreLayer):
    _grad_name = "NativeBatchNormBackward0"
    _optional = ("weight", "bias")
    _optional_buffers = ("running_mean", "running_var", "num_batches_tracked")
    _version = 2  # PyTorch's: version 2 added num_batches_tracked

    def _absent_before_version(self, name: str, version: int | None) -> bool:
        return name == "num_batches_tracked" and (version is None or version < 2)

    def extra_repr(self) -> str:
        return ("{num_features}, eps={eps}, momentum={momentum}, affine={affine}, "
                "bias={use_bias}, track_running_stats={track_running_stats}".format(
                    **self.__dict__, use_bias=self.bias is not None))

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()


def make_norm(base: type, name: str, module: str, doc: str) -> type:
    """The facade class ``name`` over the core spec of the same name."""
    return type(name, (base,), {"_core": getattr(_core, name), "__module__": module, "__doc__": doc})


BatchNorm1d = make_norm(_NormBase, "BatchNorm1d", __name__, "Batch normalization over ``(N, C)`` or ``(N, C, L)``.")
BatchNorm2d = make_norm(_NormBase, "BatchNorm2d", __name__, "Batch normalization over ``(N, C, H, W)``.")
BatchNorm3d = make_norm(_NormBase, "BatchNorm3d", __name__, "Batch normalization over ``(N, C, D, H, W)``.")
