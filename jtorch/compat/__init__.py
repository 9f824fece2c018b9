"""``torch`` on jtorch: ``import jtorch.compat as torch``.

Importing the facade enables JAX's 64-bit mode, so ``torch.tensor([1, 2])`` is int64 as in PyTorch
(the default float dtype stays float32). The functional core never flips that switch itself. It also turns
on JAX's persistent compilation cache (``~/.cache/jtorch/xla``; ``JTORCH_CACHE_DIR=`` disables it) unless
the program already chose a cache directory.
"""
import jax as _jax

from . import _config as _cfg

_jax.config.update("jax_enable_x64", True)
if _cfg.cache_dir and not _jax.config.jax_compilation_cache_dir:
    _jax.config.update("jax_compilation_cache_dir", _cfg.cache_dir)
    _jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.2)

from . import _interop, _ops, autograd, engine  # noqa: E402
from ._compile import compile  # noqa: E402
from ._device import device  # noqa: E402
from ._dtype import (bfloat16, bool, cdouble, cfloat, complex64, complex128, double, dtype, float,  # noqa: E402
                     float16, float32, float64, get_default_dtype, half, int, int8, int16, int32, int64, long,
                     set_default_dtype, short, uint8, uint16, uint32, uint64)
from ._dtype_info import finfo, iinfo  # noqa: E402
from ._dtype_promotion import can_cast, promote_types, result_type  # noqa: E402
from ._grad_mode import (enable_grad, inference_mode, is_grad_enabled, no_grad,  # noqa: E402
                         set_grad_enabled)
from ._printing import get_printoptions, set_printoptions  # noqa: E402
from ._random import Generator, default_generator, get_rng_state, initial_seed, manual_seed, seed  # noqa: E402
from ._random import set_rng_state  # noqa: E402
from ._importer import install, uninstall  # noqa: E402
from ._legacy import legacy_classes as _legacy_classes  # noqa: E402
from ._tensor import Size, Tensor  # noqa: E402

_ops.install(globals())
_interop.install(Tensor)

__version__ = "2.13.0+jtorch"


def is_tensor(obj) -> "bool":
    return isinstance(obj, Tensor)


def numel(input) -> "int":
    return input.numel()

from . import nn  # noqa: E402  (torch.nn.Module without `import torch.nn`, as in PyTorch)
from . import utils  # noqa: E402  (torch.utils.data without `import torch.utils.data`, as in PyTorch)
from . import accelerator, backends, cuda, hub  # noqa: E402

globals().update(_legacy_classes())
strided = "torch.strided"
from . import optim  # noqa: E402
from .serialization import load, save  # noqa: E402
