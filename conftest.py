"""Suite-wide settings.

Each test runs in the JAX precision mode of the layer it tests. Importing ``jtorch.compat`` turns on JAX's
64-bit mode process-wide (torch has float64 and int64), but the functional core is written for JAX's default
32-bit mode. Under ``pytest -n`` a worker runs core and facade tests in any order, so each test gets its mode
set here rather than inheriting the last import's.

Property tests (hypothesis) draw a fixed sequence of examples by default, so a CI run cannot fail on a case
no earlier run saw; ``JTORCH_HYPOTHESIS=explore`` draws fresh random examples to hunt for new failures."""
import os

import jax
import pytest
from hypothesis import settings

settings.register_profile("fixed", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("JTORCH_HYPOTHESIS", "fixed"))


def _uses_facade(item: pytest.Item) -> bool:
    path = item.path.as_posix()
    return "/compat/" in path or item.get_closest_marker("facade") is not None


@pytest.fixture(autouse=True)
def _jax_precision(request):
    with jax.enable_x64(_uses_facade(request.node)):
        yield
