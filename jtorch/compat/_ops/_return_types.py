"""``torch.return_types``: the named-tuple results of ``max``, ``sort``, ``topk``, ... that print like
PyTorch's structseqs (``torch.return_types.max(\\nvalues=tensor(...),\\nindices=tensor(...))``), plus
:func:`outputs`, which splits a multi-output op's node into one tensor per output."""
from __future__ import annotations

from .._autograd import SELECT
from .._tensor import Tensor, call
from ..engine import Op

__all__ = ["structseq", "outputs", "RETURN_TYPES"]


def structseq(name: str, fields: tuple[str, ...]) -> type:
    """A tuple subclass named ``torch.return_types.<name>`` with one read-only property per field."""

    def __new__(cls, values):
        values = tuple(values)
        if len(values) != len(fields):
            raise TypeError(f"torch.return_types.{name}() takes a {len(fields)}-sequence "
                            f"({len(values)}-sequence given)")
        return tuple.__new__(cls, values)

    def __repr__(self) -> str:
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"torch.return_types.{name}(\n{body})"

    def __reduce__(self):
        return type(self), (tuple(self),)

    namespace = {"__new__": __new__, "__repr__": __repr__, "__str__": __repr__, "__reduce__": __reduce__,
                 "__slots__": (), "__module__": "torch.return_types", "__qualname__": name,
                 "n_fields": len(fields), "n_sequence_fields": len(fields), "n_unnamed_fields": 0}
    for i, f in enumerate(fields):
        namespace[f] = property(lambda self, i=i: tuple.__getitem__(self, i))
    return type(name, (tuple,), namespace)


_VI = ("values", "indices")
RETURN_TYPES: dict[str, type] = {n: structseq(n, _VI) for n in (
    "max", "min", "sort", "topk", "kthvalue", "median", "nanmedian", "mode", "cummax", "cummin")}
RETURN_TYPES["aminmax"] = structseq("aminmax", ("min", "max"))


def outputs(op: Op, inputs: tuple, static: tuple, differentiable: tuple[bool, ...]) -> tuple[Tensor, ...]:
    """Applies a multi-output ``op`` and returns one tensor per output; ``differentiable[k]`` says
    whether output ``k`` carries gradient (indices never do)."""
    node = call(op, inputs, static)
    return tuple(call(SELECT, (node,), (("index", k),), differentiable=d) for k, d in enumerate(differentiable))
