"""VGG 11/13/16/19, with and without batch norm, as torchvision defines them (https://arxiv.org/abs/1409.1556)."""
from __future__ import annotations

from functools import partial
from typing import Any

from ... import flatten, nn
from ._api import WeightsEnum
from ._weights import weights_enum
from ._utils import _build, _builder

__all__ = ["VGG", "VGG11_BN_Weights", "VGG11_Weights", "VGG13_BN_Weights", "VGG13_Weights", "VGG16_BN_Weights",
           "VGG16_Weights", "VGG19_BN_Weights", "VGG19_Weights", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16",
           "vgg16_bn", "vgg19", "vgg19_bn"]


class VGG(nn.Module):
    """``features`` (from :func:`make_layers`), a 7x7 adaptive average pool and three linears with dropout."""

    def __init__(self, features: nn.Module, num_classes: int = 1000, init_weights: bool = True,
                 dropout: float = 0.5) -> None:
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        return self.classifier(flatten(self.avgpool(self.features(x)), 1))


def make_layers(cfg: list[str | int], batch_norm: bool = False) -> nn.Sequential:
    """3x3 convolutions (+ BatchNorm) + ReLU per channel count in ``cfg``, a 2x2 max-pool per ``"M"``."""
    layers: list[nn.Module] = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
        else:
            conv2d = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)
            layers += [conv2d, nn.BatchNorm2d(v), nn.ReLU(inplace=True)] if batch_norm else \
                [conv2d, nn.ReLU(inplace=True)]
            in_channels = v
    return nn.Sequential(*layers)


cfgs: dict[str, list[str | int]] = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}


def _vgg(cfg: str, batch_norm: bool, weights: WeightsEnum | None, progress: bool, **kwargs: Any) -> VGG:
    if weights is not None:
        kwargs["init_weights"] = False
    return _build(partial(VGG, make_layers(cfgs[cfg], batch_norm=batch_norm)), weights, progress, **kwargs)


VGG11_Weights = weights_enum("VGG11_Weights", __name__)
VGG11_BN_Weights = weights_enum("VGG11_BN_Weights", __name__)
VGG13_Weights = weights_enum("VGG13_Weights", __name__)
VGG13_BN_Weights = weights_enum("VGG13_BN_Weights", __name__)
VGG16_Weights = weights_enum("VGG16_Weights", __name__)
VGG16_BN_Weights = weights_enum("VGG16_BN_Weights", __name__)
VGG19_Weights = weights_enum("VGG19_Weights", __name__)
VGG19_BN_Weights = weights_enum("VGG19_BN_Weights", __name__)


def _register(name: str, weights: type[WeightsEnum], cfg: str, batch_norm: bool):
    layers = {"A": 11, "B": 13, "D": 16, "E": 19}[cfg]
    doc = f"VGG-{layers}{' with batch normalization' if batch_norm else ''} (https://arxiv.org/abs/1409.1556)."
    return _builder(__name__, name, weights, partial(_vgg, cfg, batch_norm), doc)


vgg11 = _register("vgg11", VGG11_Weights, "A", False)
vgg11_bn = _register("vgg11_bn", VGG11_BN_Weights, "A", True)
vgg13 = _register("vgg13", VGG13_Weights, "B", False)
vgg13_bn = _register("vgg13_bn", VGG13_BN_Weights, "B", True)
vgg16 = _register("vgg16", VGG16_Weights, "D", False)
vgg16_bn = _register("vgg16_bn", VGG16_BN_Weights, "D", True)
vgg19 = _register("vgg19", VGG19_Weights, "E", False)
vgg19_bn = _register("vgg19_bn", VGG19_BN_Weights, "E", True)
