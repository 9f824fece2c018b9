"""The facade's ops, one module per family, all registered in ``_registry.REGISTRY``."""
from . import (_activation, _convert, _creation, _diagonal, _gather, _index_dim, _indexing, _joining,  # noqa: F401
               _linalg, _linalg_ext, _methods, _misc, _pointwise, _products, _random_ops, _reduction, _sorting,
               _special, _stats, _views)
from ._registry import REGISTRY, install
from .. import linalg, return_types  # noqa: F401,E402  (publishes torch.linalg, torch.return_types)

__all__ = ["REGISTRY", "install"]
