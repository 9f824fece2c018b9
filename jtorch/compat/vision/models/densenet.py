"""DenseNet 121/161/169/201 as torchvision defines them (https://arxiv.org/abs/1608.06993)."""
from __future__ import annotations

import re
from collections import OrderedDict
from functools import partial
from typing import Any

from ... import cat, flatten, nn
from ..._tensor import Tensor
from ...nn import functional as F
from ._api import WeightsEnum
from ._weights import weights_enum
from ._utils import _build, _builder

__all__ = ["DenseNet", "DenseNet121_Weights", "DenseNet161_Weights", "DenseNet169_Weights", "DenseNet201_Weights",
           "densenet121", "densenet161", "densenet169", "densenet201"]


class _DenseLayer(nn.Module):
    """BN-ReLU-1x1 conv (to ``bn_size * growth_rate``), BN-ReLU-3x3 conv (to ``growth_rate``) over all inputs.

    ``memory_efficient`` (gradient checkpointing in torchvision) is accepted and kept: XLA plans the memory.
    """

    def __init__(self, num_input_features: int, growth_rate: int, bn_size: int, drop_rate: float,
                 memory_efficient: bool = False) -> None:
        super().__init__()
        self.norm1 = nn.BatchNorm2d(num_input_features)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(num_input_features, bn_size * growth_rate, kernel_size=1, stride=1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, kernel_size=3, stride=1, padding=1, bias=False)
        self.drop_rate = float(drop_rate)
        self.memory_efficient = memory_efficient

    def bn_function(self, inputs: list[Tensor]) -> Tensor:
        return self.conv1(self.relu1(self.norm1(cat(inputs, 1))))

    def forward(self, input: Tensor | list[Tensor]) -> Tensor:
        prev_features = [input] if isinstance(input, Tensor) else input
        new_features = self.conv2(self.relu2(self.norm2(self.bn_function(prev_features))))
        if self.drop_rate > 0:
            new_features = F.dropout(new_features, p=self.drop_rate, training=self.training)
        return new_features


class _DenseBlock(nn.ModuleDict):
    """``num_layers`` dense layers, each fed the concatenation of the block input and all earlier outputs."""
    _version = 2

    def __init__(self, num_layers: int, num_input_features: int, bn_size: int, growth_rate: int, drop_rate: float,
                 memory_efficient: bool = False) -> None:
        super().__init__()
        for i in range(num_layers):
            layer = _DenseLayer(num_input_features + i * growth_rate, growth_rate=growth_rate, bn_size=bn_size,
                                drop_rate=drop_rate, memory_efficient=memory_efficient)
            self.add_module("denselayer%d" % (i + 1), layer)

    def forward(self, init_features: Tensor) -> Tensor:
        features = [init_features]
        for _, layer in self.items():
            features.append(layer(features))
        return cat(features, 1)


class _Transition(nn.Sequential):
    """BN-ReLU-1x1 conv halving the channels, then a 2x2 average pool."""

    def __init__(self, num_input_features: int, num_output_features: int) -> None:
        super().__init__()
        self.norm = nn.BatchNorm2d(num_input_features)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(num_input_features, num_output_features, kernel_size=1, stride=1, bias=False)
        self.pool = nn.AvgPool2d(kernel_size=2, stride=2)


class DenseNet(nn.Module):
    """A 7x7 stem, dense blocks joined by transitions, a final BN, ReLU, global average pool and ``classifier``."""

    def __init__(self, growth_rate: int = 32, block_config: tuple[int, int, int, int] = (6, 12, 24, 16),
                 num_init_features: int = 64, bn_size: int = 4, drop_rate: float = 0, num_classes: int = 1000,
                 memory_efficient: bool = False) -> None:
        super().__init__()
        self.features = nn.Sequential(OrderedDict([
            ("conv0", nn.Conv2d(3, num_init_features, kernel_size=7, stride=2, padding=3, bias=False)),
            ("norm0", nn.BatchNorm2d(num_init_features)),
            ("relu0", nn.ReLU(inplace=True)),
            ("pool0", nn.MaxPool2d(kernel_size=3, stride=2, padding=1)),
        ]))
        num_features = num_init_features
        for i, num_layers in enumerate(block_config):
            block = _DenseBlock(num_layers=num_layers, num_input_features=num_features, bn_size=bn_size,
                                growth_rate=growth_rate, drop_rate=drop_rate, memory_efficient=memory_efficient)
            self.features.add_module("denseblock%d" % (i + 1), block)
            num_features = num_features + num_layers * growth_rate
            if i != len(block_config) - 1:
                trans = _Transition(num_input_features=num_features, num_output_features=num_features // 2)
                self.features.add_module("transition%d" % (i + 1), trans)
                num_features = num_features // 2
        self.features.add_module("norm5", nn.BatchNorm2d(num_features))
        self.classifier = nn.Linear(num_features, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.constant_(m.bias, 0)

    def forward(self, x: Tensor) -> Tensor:
        out = F.adaptive_avg_pool2d(F.relu(self.features(x), inplace=True), (1, 1))
        return self.classifier(flatten(out, 1))


# '.'s are no longer allowed in module names, but the published checkpoints have the old _DenseLayer keys
# 'norm.1', 'relu.1', 'conv.1', 'norm.2', 'relu.2', 'conv.2'.
_OLD_KEY = re.compile(r"^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$")


def _fix_keys(state_dict: dict) -> dict:
    for key in list(state_dict.keys()):
        res = _OLD_KEY.match(key)
        if res:
            state_dict[res.group(1) + res.group(2)] = state_dict.pop(key)
    return state_dict


def _densenet(growth_rate: int, block_config: tuple[int, int, int, int], num_init_features: int,
              weights: WeightsEnum | None, progress: bool, **kwargs: Any) -> DenseNet:
    return _build(partial(DenseNet, growth_rate, block_config, num_init_features), weights, progress,
                  fix_state_dict=_fix_keys, **kwargs)


DenseNet121_Weights = weights_enum("DenseNet121_Weights", __name__)
DenseNet161_Weights = weights_enum("DenseNet161_Weights", __name__)
DenseNet169_Weights = weights_enum("DenseNet169_Weights", __name__)
DenseNet201_Weights = weights_enum("DenseNet201_Weights", __name__)


_PAPER = "(`Densely Connected Convolutional Networks <https://arxiv.org/abs/1608.06993>`__)"
densenet121 = _builder(__name__, "densenet121", DenseNet121_Weights, partial(_densenet, 32, (6, 12, 24, 16), 64),
                       f"DenseNet-121 {_PAPER}.")
densenet161 = _builder(__name__, "densenet161", DenseNet161_Weights, partial(_densenet, 48, (6, 12, 36, 24), 96),
                       f"DenseNet-161 {_PAPER}.")
densenet169 = _builder(__name__, "densenet169", DenseNet169_Weights, partial(_densenet, 32, (6, 12, 32, 32), 64),
                       f"DenseNet-169 {_PAPER}.")
densenet201 = _builder(__name__, "densenet201", DenseNet201_Weights, partial(_densenet, 32, (6, 12, 48, 32), 64),
                       f"DenseNet-201 {_PAPER}.")
