"""The benchmark workloads' training loops on the facade, at tiny sizes: after warm-up they compile
nothing more (``engine.stats()``), in both calling patterns the benchmark times (read the loss after every
step; several steps back to back, then one read). No timings are asserted. The conv and LSTM loops
compile for 30-60 s on a 2-core machine (several executables of conv backward graphs), so they are slow tests."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import jtorch.compat as torch  # noqa: E402
from benchmarks.run import _steps  # noqa: E402
from benchmarks.workloads import lenet, lstm_lm, manual_loop, mlp_adam, mnist_cnn  # noqa: E402
from jtorch.compat import engine  # noqa: E402

pytestmark = pytest.mark.facade

TINY = {
    "manual 2-layer loop": lambda: manual_loop.build(torch, True, sizes=(4, 8, 6, 3)),
    "MLP + Adam": lambda: mlp_adam.build(torch, True, sizes=(4, 8, 6, 3)),
    "MNIST CNN + Adam": lambda: mnist_cnn.build(torch, True, batch=2, width=4),
    "LeNet-5 + SGD momentum": lambda: lenet.build(torch, True, batch=2),
    "LSTM LM + SGD": lambda: lstm_lm.build(torch, True, sizes=(11, 5, 2, 3, 2)),
}
SLOW = {"MNIST CNN + Adam", "LeNet-5 + SGD momentum", "LSTM LM + SGD"}


def _both_patterns(step):
    _steps(step, 1)
    _steps(step, 3)


@pytest.mark.parametrize("name", [pytest.param(n, marks=[pytest.mark.slow] if n in SLOW else []) for n in TINY])
def test_no_compilations_after_warmup(name):
    step = TINY[name]()
    _both_patterns(step)
    _both_patterns(step)
    engine.reset_stats()
    _both_patterns(step)
    _both_patterns(step)
    assert engine.stats()["compilations"] == 0
    assert engine.stats()["executions"] > 0
