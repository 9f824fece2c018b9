"""Suite-wide: each test runs in the JAX precision mode of the layer it tests.

Importing ``jtorch.compat`` turns on JAX's 64-bit mode process-wide (torch has float64 and int64), but the
functional core is written for JAX's default 32-bit mode. Under ``pytest -n`` a worker runs core and facade
tests in any order, so each test gets its mode set here rather than inheriting the last import's."""
import jax
import pytest


def _uses_facade(item: pytest.Item) -> bool:
    path = item.path.as_posix()
    return "/compat/" in path or item.get_closest_marker("facade") is not None


@pytest.fixture(autouse=True)
def _jax_precision(request):
    with jax.enable_x64(_uses_facade(request.node)):
        yield
