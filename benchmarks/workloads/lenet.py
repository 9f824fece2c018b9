"""LeNet-5 on 1x32x32 (batch 64) with SGD(lr=0.01, momentum=0.9) and CrossEntropyLoss."""
from jtorch import nn, optim
from jtorch.nn import functional as F

from ._base import Workload
from ._common import core_arrays, inputs, torch_step
from ._core import train_step

BATCH = 64


def _layers(nn_):
    return (nn_.Conv2d(1, 6, 5), nn_.ReLU(), nn_.MaxPool2d(2), nn_.Conv2d(6, 16, 5), nn_.ReLU(), nn_.MaxPool2d(2),
            nn_.Flatten(), nn_.Linear(16 * 5 * 5, 120), nn_.ReLU(), nn_.Linear(120, 84), nn_.ReLU(),
            nn_.Linear(84, 10))


def build(lib, quick, batch=BATCH):
    model = lib.nn.Sequential(*_layers(lib.nn))
    optimizer = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = inputs((batch, 1, 32, 32)), inputs((batch,), classes=10)
    return torch_step(lib, model, lib.nn.CrossEntropyLoss(), optimizer, x, y)


def core(quick):
    x, y = core_arrays(inputs((BATCH, 1, 32, 32)), inputs((BATCH,), classes=10))
    return train_step(nn.Sequential(*_layers(nn)), F.cross_entropy, optim.sgd(lr=0.01, momentum=0.9), x, y)


WORKLOADS = [Workload("LeNet-5 + SGD momentum", build, core)]
