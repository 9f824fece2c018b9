"""Per-op overhead: a small add (100x100). PyTorch runs it; the facade only builds a graph node (the dead
results are never computed), so the add-and-read row adds the cost of one cached executable per op."""
import jax
import jax.numpy as jnp
import numpy as np

from ._base import Workload


def _input(lib):
    return lib.from_numpy(np.ones((100, 100), np.float32))


def build(lib, quick):
    x = _input(lib)
    return lambda: x + x


def build_read(lib, quick):
    x = _input(lib)
    return lambda: (x + x).numpy()


def core(quick):
    x = jnp.ones((100, 100), jnp.float32)
    add = jax.jit(lambda a: a + a)
    return lambda: add(x)


def core_read(quick):
    step = core(quick)
    return lambda: np.asarray(step())


WORKLOADS = [Workload("add 100x100", build, core), Workload("add 100x100 + read", build_read, core_read)]
