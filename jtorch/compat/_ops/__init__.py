"""The facade's ops, one module per family, all registered in ``_registry.REGISTRY``."""
from . import (_convert, _creation, _indexing, _linalg, _methods, _pointwise, _random_ops,  # noqa: F401
               _reduction, _views)
from ._registry import REGISTRY, install

__all__ = ["REGISTRY", "install"]
