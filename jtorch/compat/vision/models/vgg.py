"""VGG 11/13/16/19, with and without batch norm, as torchvision defines them (https://arxiv.org/abs/1409.1556)."""
from __future__ import annotations

from functools import partial
from typing import Any

from ... import flatten, nn
from ._api import WeightsEnum
from ._presets import _imagenet_weights
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


_URL = "https://download.pytorch.org/models/"
_META = {"min_size": (32, 32)}


class VGG11_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(_URL + "vgg11-8a719046.pth", num_params=132863336, acc1=69.02, acc5=88.628,
                                      **_META)
    DEFAULT = IMAGENET1K_V1


class VGG11_BN_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(_URL + "vgg11_bn-6002323d.pth", num_params=132868840, acc1=70.37,
                                      acc5=89.81, **_META)
    DEFAULT = IMAGENET1K_V1


class VGG13_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(_URL + "vgg13-19584684.pth", num_params=133047848, acc1=69.928, acc5=89.246,
                                      **_META)
    DEFAULT = IMAGENET1K_V1


class VGG13_BN_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(_URL + "vgg13_bn-abd245e5.pth", num_params=133053736, acc1=71.586,
                                      acc5=90.374, **_META)
    DEFAULT = IMAGENET1K_V1


class VGG16_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(_URL + "vgg16-397923af.pth", num_params=138357544, acc1=71.592, acc5=90.382,
                                      **_META)
    # Ported from https://github.com/amdegroot/ssd.pytorch: features only, inputs in [0, 255] minus the mean.
    IMAGENET1K_FEATURES = _imagenet_weights(
        _URL + "vgg16_features-amdegroot-88682ab5.pth", num_params=138357544, acc1=float("nan"),
        acc5=float("nan"), categories=None,
        preset={"mean": (0.48235, 0.45882, 0.40784), "std": (1.0 / 255.0,) * 3}, **_META)
    DEFAULT = IMAGENET1K_V1


class VGG16_BN_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(_URL + "vgg16_bn-6c64b313.pth", num_params=138365992, acc1=73.36,
                                      acc5=91.516, **_META)
    DEFAULT = IMAGENET1K_V1


class VGG19_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(_URL + "vgg19-dcbb9e9d.pth", num_params=143667240, acc1=72.376, acc5=90.876,
                                      **_META)
    DEFAULT = IMAGENET1K_V1


class VGG19_BN_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(_URL + "vgg19_bn-c79401a0.pth", num_params=143678248, acc1=74.218,
                                      acc5=91.842, **_META)
    DEFAULT = IMAGENET1K_V1


def _register(name: str, weights_enum: type[WeightsEnum], cfg: str, batch_norm: bool):
    layers = {"A": 11, "B": 13, "D": 16, "E": 19}[cfg]
    doc = f"VGG-{layers}{' with batch normalization' if batch_norm else ''} (https://arxiv.org/abs/1409.1556)."
    return _builder(__name__, name, weights_enum, partial(_vgg, cfg, batch_norm), doc)


vgg11 = _register("vgg11", VGG11_Weights, "A", False)
vgg11_bn = _register("vgg11_bn", VGG11_BN_Weights, "A", True)
vgg13 = _register("vgg13", VGG13_Weights, "B", False)
vgg13_bn = _register("vgg13_bn", VGG13_BN_Weights, "B", True)
vgg16 = _register("vgg16", VGG16_Weights, "D", False)
vgg16_bn = _register("vgg16_bn", VGG16_BN_Weights, "D", True)
vgg19 = _register("vgg19", VGG19_Weights, "E", False)
vgg19_bn = _register("vgg19_bn", VGG19_BN_Weights, "E", True)
