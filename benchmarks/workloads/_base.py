"""What a workload is: one model or loop, written once for PyTorch and the facade, plus a core variant."""
from __future__ import annotations

import dataclasses
from typing import Any, Callable

#: ``(lib, quick) -> step``: ``lib`` is ``torch`` or ``jtorch.compat``; ``step()`` runs one step and returns
#: a value (tensor, array, or tuple of them) that the harness reads to wait for the step to finish.
Build = Callable[[Any, bool], Callable[[], Any]]


@dataclasses.dataclass(frozen=True)
class Workload:
    """A benchmark row. ``core``: ``quick -> step`` with a hand-written ``jax.jit`` step on the functional
    core (``None`` where there is none). ``facade``: a different build for the facade (where PyTorch's side
    stands in for a library jtorch ships, e.g. torchvision).
    ``heavy``: one step per timed repetition (epochs, big models)."""

    name: str
    build: Build
    core: Callable[[bool], Callable[[], Any]] | None = None
    heavy: bool = False
    facade: Build | None = None
