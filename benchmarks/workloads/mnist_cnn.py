"""The seed MNIST CNN step: Conv(3->64)/ReLU/Conv(64->128)/ReLU/MaxPool, view(-1, 14*14*128),
Linear(25088, 1024)/ReLU/Dropout(0.5)/Linear(1024, 10); batch 64 of 3x28x28, CrossEntropyLoss, Adam."""
from jtorch import nn, optim
from jtorch.nn import functional as F

from ._base import Workload
from ._common import core_arrays, inputs, torch_step
from ._core import train_step


def _layers(nn_, channels=3, width=28):
    """The seed's layers in order (same names on the core, where Flatten stands in for the view)."""
    return (nn_.Conv2d(channels, 64, kernel_size=3, stride=1, padding=1), nn_.ReLU(),
            nn_.Conv2d(64, 128, kernel_size=3, stride=1, padding=1), nn_.ReLU(),
            nn_.MaxPool2d(stride=2, kernel_size=2), nn_.Flatten(),
            nn_.Linear((width // 2) ** 2 * 128, 1024), nn_.ReLU(), nn_.Dropout(p=0.5), nn_.Linear(1024, 10))


def build(lib, quick, batch=64, width=28):
    model = lib.nn.Sequential(*_layers(lib.nn, width=width))
    optimizer = lib.optim.Adam(model.parameters())
    x, y = inputs((batch, 3, width, width)), inputs((batch,), classes=10)
    return torch_step(lib, model, lib.nn.CrossEntropyLoss(), optimizer, x, y)


def core(quick, batch=64):
    x, y = core_arrays(inputs((batch, 3, 28, 28)), inputs((batch,), classes=10))
    return train_step(nn.Sequential(*_layers(nn)), F.cross_entropy, optim.adam(), x, y)


WORKLOADS = [Workload("MNIST CNN + Adam", build, core, heavy=True)]
