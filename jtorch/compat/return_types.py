"""``torch.return_types``: the named-tuple classes of ops that return values and indices."""
from ._ops._return_types import RETURN_TYPES as _RETURN_TYPES

globals().update(_RETURN_TYPES)
__all__ = sorted(_RETURN_TYPES)
