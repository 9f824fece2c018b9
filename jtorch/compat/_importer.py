"""``jtorch.compat.install()``: an import hook that resolves ``torch``, ``torch.*``, ``torchvision`` and
``torchvision.*`` to jtorch's facade modules, so unmodified PyTorch scripts run on jtorch."""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

__all__ = ["install", "uninstall"]

_PREFIXES = {"torch": "jtorch.compat", "torchvision": "jtorch.compat.vision"}


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, module):
        self.module = module

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        pass


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        root, _, rest = fullname.partition(".")
        if root not in _PREFIXES:
            return None
        target_name = _PREFIXES[root] + ("." + rest if rest else "")
        try:
            module = importlib.import_module(target_name)
        except ModuleNotFoundError as e:
            if e.name and (target_name == e.name or target_name.startswith(e.name + ".")):
                raise ModuleNotFoundError(f"No module named '{fullname}': jtorch does not implement the PyTorch "
                                          f"API `{fullname}` yet", name=fullname) from None
            raise
        return importlib.util.spec_from_loader(fullname, _AliasLoader(module))


_FINDER = _Finder()


def install() -> None:
    """Makes ``import torch`` (and ``torchvision``) import jtorch's facade in this process."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
    for name in [n for n in sys.modules if n.split(".")[0] in _PREFIXES]:
        del sys.modules[name]  # a real torch imported earlier must not shadow the facade


def uninstall() -> None:
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    for name in [n for n in sys.modules if n.split(".")[0] in _PREFIXES]:
        del sys.modules[name]
