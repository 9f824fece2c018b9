"""The facade's ops, one module per family, all registered in ``_registry.REGISTRY``."""
from . import (_activation, _convert, _creation, _diagonal, _gather, _indexing, _joining, _linalg, _methods,  # noqa: F401
               _linalg_ext, _misc, _pointwise, _products, _random_ops, _reduction, _sorting, _special, _stats,
               _views)
from ._registry import REGISTRY, install
from .. import linalg, return_types  # noqa: F401,E402  (publishes torch.linalg, torch.return_types)

__all__ = ["REGISTRY", "install"]
