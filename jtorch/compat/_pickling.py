"""The pickling half of ``torch.save``/``torch.load``: jtorch objects under PyTorch's globals, and back.

Saving writes tensors as ``torch._utils._rebuild_tensor_v2`` calls over storages (persistent ids), dtypes as
``torch.float32``, and facade classes under PyTorch's module paths (``jtorch.compat.nn.modules.linear.Linear``
-> ``torch.nn.modules.linear.Linear``, ``jtorch.compat.vision`` -> ``torchvision``). Loading maps those names
back to jtorch's objects; with ``weights_only`` it resolves only PyTorch's weights-only allow-list.

Plain ``pickle`` and ``copy.deepcopy`` of a Tensor go through ``Tensor.__reduce_ex__``/``__deepcopy__``,
attached here: a tensor pickles by value under jtorch's own names, so ``pickle.dumps(model)`` works whether
or not an unrelated ``torch`` is importable.
"""
from __future__ import annotations

import _compat_pickle
import collections
import copy
import importlib
import pickle
import sys
from typing import Any

import numpy as np

from . import _dtype
from ._device import device
from ._tensor import Size, Tensor

__all__ = ["Pickler", "Unpickler"]

# ---------------------------------------------------------------------------------------------- pickle, deepcopy


def _rebuild_tensor_by_value(array: np.ndarray, dtype: _dtype.dtype, requires_grad: bool, where: str,
                             attrs: dict) -> Tensor:
    from . import from_numpy
    t = from_numpy(np.array(array)).to(dtype)
    t = t.to(where) if where != "cpu" else t
    t.__dict__.update(attrs)
    return t.requires_grad_(True) if requires_grad else t


def _tensor_reduce_ex(self: Tensor, proto: int):
    """A tensor pickles as its value, dtype, device, ``requires_grad`` and user attributes (as torch's)."""
    del proto
    return _rebuild_tensor_by_value, (np.asarray(self.detach()._value()), self.dtype, self.requires_grad,
                                      str(self.device), dict(self.__dict__))


def _tensor_deepcopy(self: Tensor, memo: dict) -> Tensor:
    """torch's ``Tensor.__deepcopy__``: leaves only; copies value, ``requires_grad``, ``.grad`` and attributes."""
    if not self.is_leaf:
        raise RuntimeError(
            "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the "
            "moment.  If you were attempting to deepcopy a module, this may be because of a "
            "torch.nn.utils.weight_norm usage, see https://github.com/pytorch/pytorch/pull/103001")
    if id(self) not in memo:
        new = self.detach().clone().requires_grad_(self.requires_grad)
        memo[id(self)] = new
        if self.grad is not None:
            new.grad = _tensor_deepcopy(self.grad, memo)
        new.__dict__.update(copy.deepcopy(self.__dict__, memo))
    return memo[id(self)]


Tensor.__reduce_ex__ = _tensor_reduce_ex
Tensor.__deepcopy__ = _tensor_deepcopy

# A storage class per dtype with one (torch.FloatStorage); other dtypes use UntypedStorage + _rebuild_tensor_v3.
_LEGACY_STORAGE = ("Bool", "Byte", "Char", "Short", "Int", "Long", "Half", "BFloat16", "Float", "Double",
                   "ComplexFloat", "ComplexDouble")
# Attributes of PyTorch's Module that jtorch's lacks: written with whole modules so that PyTorch runs them.
_TORCH_MODULE_ATTRS = {name: collections.OrderedDict for name in (
    "_backward_pre_hooks", "_backward_hooks", "_forward_hooks_always_called", "_state_dict_hooks",
    "_state_dict_pre_hooks", "_load_state_dict_pre_hooks", "_load_state_dict_post_hooks")}
_TORCH_MODULE_ATTRS["_is_full_backward_hook"] = lambda: None

# ---------------------------------------------------------------------------------------------- save


class _Global:
    """A global written as ``GLOBAL module name`` whatever is importable here (PyTorch's names)."""

    def __init__(self, module: str, name: str):
        self.module, self.name = module, name

    def __call__(self, *args):  # pickle requires reduce functions to be callable
        raise TypeError(f"{self.module}.{self.name} is a pickle reference, not a function")


def _torch_module(module: str) -> str | None:
    """PyTorch's module path for a jtorch facade module (``jtorch.compat.nn...`` -> ``torch.nn...``)."""
    for ours, theirs in (("jtorch.compat.vision", "torchvision"), ("jtorch.compat", "torch")):
        if module == ours or module.startswith(ours + "."):
            return theirs + module[len(ours):]
    return None


class _Storage:
    """One tensor's data, saved as the storage record ``data/<key>`` (jtorch tensors never share storage)."""

    def __init__(self, key: str, array: np.ndarray):
        self.key, self.array = key, array


class Pickler(pickle._Pickler):
    """The pure-Python pickler with jtorch objects written under PyTorch's globals."""

    dispatch = dict(pickle._Pickler.dispatch)

    def __init__(self, file, protocol):
        super().__init__(file, protocol)
        self.globals: dict[tuple[str, str], _Global] = {}
        self.storages: dict[int, tuple[_Storage, Tensor]] = {}  # by id(tensor); the tensor keeps the id unique

    def save_torch_global(self, obj: _Global) -> None:
        self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode())
        self.memoize(obj)

    dispatch[_Global] = save_torch_global

    def save(self, obj, save_persistent_id=True):
        if isinstance(obj, _dtype.dtype):
            obj = self._global("torch", obj._name)
        elif isinstance(obj, type) and _torch_module(obj.__module__):
            obj = self._global(_torch_module(obj.__module__), obj.__qualname__)
        super().save(obj, save_persistent_id)

    def _global(self, module: str, name: str) -> _Global:
        """One object per name, so that the memo writes each global once."""
        return self.globals.setdefault((module, name), _Global(module, name))

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            from .nn.parameter import Parameter
            if isinstance(obj, Parameter):
                return (self._global("torch._utils", "_rebuild_parameter"),
                        (obj.detach(), obj.requires_grad, collections.OrderedDict()))
            return self._reduce_tensor(obj)
        if isinstance(obj, Size):
            return self._global("torch", "Size"), (tuple(obj),)
        from .nn import Module
        if isinstance(obj, Module):
            func, args, state, *rest = obj.__reduce_ex__(self.proto)
            return (func, args, {**{k: v() for k, v in _TORCH_MODULE_ATTRS.items()}, **state}, *rest)
        if isinstance(obj, device):
            return self._global("torch", "device"), (str(obj),)
        return NotImplemented

    def _reduce_tensor(self, t: Tensor):
        if id(t) not in self.storages:
            array = np.ascontiguousarray(np.asarray(t.detach()._value()))
            self.storages[id(t)] = (_Storage(str(len(self.storages)), array), t)
        storage = self.storages[id(t)][0]
        stride = tuple(int(np.prod(t.shape[i + 1:], dtype=np.int64)) for i in range(t.dim()))
        args = (storage, 0, tuple(t.shape), stride, t.requires_grad, collections.OrderedDict())
        if t.dtype._c10 in _LEGACY_STORAGE:
            return self._global("torch._utils", "_rebuild_tensor_v2"), args
        return self._global("torch._utils", "_rebuild_tensor_v3"), args + (t.dtype,)

    def persistent_id(self, obj):
        if not isinstance(obj, _Storage):
            return None
        c10 = _dtype._BY_NP[obj.array.dtype]._c10
        if c10 in _LEGACY_STORAGE:
            return ("storage", self._global("torch", f"{c10}Storage"), obj.key, "cpu", obj.array.size)
        return ("storage", self._global("torch.storage", "UntypedStorage"), obj.key, "cpu", obj.array.nbytes)

# ---------------------------------------------------------------------------------------------- load


class _StorageType:
    """``torch.FloatStorage`` & co. as named in a checkpoint: the dtype of the storage's elements."""

    def __init__(self, dtype: _dtype.dtype | None):
        self.dtype = dtype  # None: torch.storage.UntypedStorage (bytes; the dtype comes with the tensor)


class _LoadedStorage:
    def __init__(self, data: bytes, dtype: _dtype.dtype | None, location: str):
        self.data, self.dtype, self.location = data, dtype, location


def _from_storage(storage: _LoadedStorage, dtype, offset, size, stride, requires_grad) -> Tensor:
    from . import from_numpy
    flat = np.frombuffer(storage.data, dtype=dtype._np)
    if sys.byteorder == "big" and flat.dtype.itemsize > 1:
        flat = flat.byteswap()
    item = flat.dtype.itemsize
    array = np.lib.stride_tricks.as_strided(flat[offset:], tuple(size), tuple(s * item for s in stride)) \
        if flat.size else np.zeros(tuple(size), flat.dtype)
    t = from_numpy(np.array(array))
    if storage.location != "cpu":
        t = t.to(storage.location)
    return t.requires_grad_(bool(requires_grad)) if requires_grad else t


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
    del backward_hooks, metadata
    return _from_storage(storage, storage.dtype, storage_offset, size, stride, requires_grad)


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype, metadata=None):
    del backward_hooks, metadata
    return _from_storage(storage, dtype, storage_offset, size, stride, requires_grad)


def _rebuild_parameter(data, requires_grad, backward_hooks):
    del backward_hooks
    from .nn.parameter import Parameter
    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    param = _rebuild_parameter(data, requires_grad, backward_hooks)
    param.__dict__.update(state or {})
    return param


def _rebuild_from_type_v2(func, new_type, args, state):
    del new_type, state
    return func(*args)


def _safe_globals() -> dict[str, Any]:
    """PyTorch's weights-only allow-list, resolved to jtorch's objects."""
    from .nn.parameter import Parameter
    out = {"collections.OrderedDict": collections.OrderedDict, "collections.Counter": collections.Counter,
           "torch.nn.parameter.Parameter": Parameter, "torch.Size": Size, "torch.Tensor": Tensor,
           "torch.device": device, "_codecs.encode": __import__("codecs").encode, "builtins.bytearray": bytearray,
           "builtins.set": set, "builtins.complex": complex,
           "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2,
           "torch.storage.UntypedStorage": _StorageType(None)}
    for f in (_rebuild_tensor_v2, _rebuild_tensor_v3, _rebuild_parameter, _rebuild_parameter_with_state):
        out[f"torch._utils.{f.__name__}"] = f
    for d in _dtype.ALL_DTYPES:
        out[f"torch.{d._name}"] = d
        out[f"torch.{d._c10}Storage"] = _StorageType(d)
    return out


class Unpickler(pickle.Unpickler):
    def __init__(self, file, records: dict[str, bytes], map_location, weights_only: bool, **kwargs):
        super().__init__(file, **kwargs)
        self.records, self.map_location, self.weights_only = records, map_location, weights_only
        self.safe, self.loaded = _safe_globals(), {}

    def find_class(self, module: str, name: str):
        if (module, name) in _compat_pickle.NAME_MAPPING:  # Python 2 names of protocol 2 (__builtin__.set)
            module, name = _compat_pickle.NAME_MAPPING[(module, name)]
        module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        full = f"{module}.{name}"
        if full in self.safe:
            return self.safe[full]
        if self.weights_only:
            if module in ("sys", "os", "posix", "nt"):
                raise pickle.UnpicklingError(f"Trying to load unsupported GLOBAL {full} whose module {module} is blocked.")
            raise pickle.UnpicklingError(
                f"Unsupported global: GLOBAL {full} was not an allowed global by default. Please use "
                f"`torch.serialization.add_safe_globals([{full}])` or the `torch.serialization.safe_globals([{full}])` "
                "context manager to allowlist this global if you trust this class/function.")
        ours = module.replace("torchvision", "jtorch.compat.vision", 1) if module.split(".")[0] == "torchvision" \
            else "jtorch.compat" + module[5:] if module.split(".")[0] == "torch" else None
        if ours is not None:
            try:
                return getattr(importlib.import_module(ours), name)
            except (ImportError, AttributeError):
                pass
        return super().find_class(module, name)

    def persistent_load(self, pid):
        kind, storage_type, key, location, _ = pid
        if kind != "storage" or not isinstance(storage_type, _StorageType):
            raise pickle.UnpicklingError(f"Unsupported persistent id {pid!r}")
        if key not in self.loaded:
            self.loaded[key] = _LoadedStorage(self.records[f"data/{key}"], storage_type.dtype,
                                              _map_location(location, self.map_location))
        return self.loaded[key]


def _map_location(location: str, map_location) -> str:
    """The device a storage saved at ``location`` goes to (str / device / dict / callable map_location)."""
    if map_location is None:
        return location
    if isinstance(map_location, dict):
        return str(map_location.get(location, location))
    if callable(map_location):
        out = map_location(_LoadedStorage(b"", None, location), location)
        return out.location if isinstance(out, _LoadedStorage) else str(out) if out is not None else location
    return str(map_location)
