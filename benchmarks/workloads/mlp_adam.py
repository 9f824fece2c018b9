"""The seed MLP with Adam: Sequential(Linear(1000, 100), ReLU(), Linear(100, 10)), MSELoss, batch 100."""
from jtorch import nn, optim
from jtorch.nn import functional as F

from ._base import Workload
from ._common import core_arrays, inputs, torch_step
from ._core import train_step

SIZES = (100, 1000, 100, 10)  # batch, in, hidden, out


def build(lib, quick, sizes=SIZES):
    batch, d_in, hidden, d_out = sizes
    model = lib.nn.Sequential(lib.nn.Linear(d_in, hidden), lib.nn.ReLU(), lib.nn.Linear(hidden, d_out))
    optimizer = lib.optim.Adam(model.parameters(), lr=1e-4)
    return torch_step(lib, model, lib.nn.MSELoss(), optimizer, inputs((batch, d_in)), inputs((batch, d_out), seed=1))


def core(quick):
    batch, d_in, hidden, d_out = SIZES
    model = nn.Sequential(nn.Linear(d_in, hidden), nn.ReLU(), nn.Linear(hidden, d_out))
    x, y = core_arrays(inputs((batch, d_in)), inputs((batch, d_out), seed=1))
    return train_step(model, F.mse_loss, optim.adam(lr=1e-4), x, y)


WORKLOADS = [Workload("MLP + Adam", build, core)]
