"""torchvision's ImageNet-1K checkpoints as one table, and the factory that makes each ``<Model>_Weights`` enum.

Every checkpoint is an ImageNet-1K classifier with a 224 crop and ImageNet mean/std; rows differ by file,
size, accuracy and a few preset overrides, so they are data, not one enum class body per model.
"""
from __future__ import annotations

from functools import partial
from typing import Any

from ._api import Weights, WeightsEnum
from ._presets import ImageClassification

__all__ = ["weights_enum"]

_URL = "https://download.pytorch.org/models/"
_V2 = {"preset": {"resize_size": 232}}  # torchvision's "new training recipe" checkpoints evaluate at 232
# Ported from https://github.com/amdegroot/ssd.pytorch: features only, inputs in [0, 255] minus the mean.
_SSD_FEATURES = {"categories": None, "preset": {"mean": (0.48235, 0.45882, 0.40784), "std": (1.0 / 255.0,) * 3}}

# enum -> (min input side, rows); row: (member, file name, num_params, acc@1, acc@5[, other meta]).
# DEFAULT is the enum's last IMAGENET1K_V<n> member, as in torchvision.
_TABLE: dict[str, tuple[int, tuple[tuple, ...]]] = {
    "AlexNet_Weights": (63, (("IMAGENET1K_V1", "alexnet-owt-7be5be79.pth", 61100840, 56.522, 79.066),)),
    "DenseNet121_Weights": (29, (("IMAGENET1K_V1", "densenet121-a639ec97.pth", 7978856, 74.434, 91.972),)),
    "DenseNet161_Weights": (29, (("IMAGENET1K_V1", "densenet161-8d451a50.pth", 28681000, 77.138, 93.56),)),
    "DenseNet169_Weights": (29, (("IMAGENET1K_V1", "densenet169-b2777c0a.pth", 14149480, 75.6, 92.806),)),
    "DenseNet201_Weights": (29, (("IMAGENET1K_V1", "densenet201-c1103571.pth", 20013928, 76.896, 93.37),)),
    "MobileNet_V2_Weights": (1, (("IMAGENET1K_V1", "mobilenet_v2-b0353104.pth", 3504872, 71.878, 90.286),
                                 ("IMAGENET1K_V2", "mobilenet_v2-7ebf99e0.pth", 3504872, 72.154, 90.822, _V2))),
    "ResNet18_Weights": (1, (("IMAGENET1K_V1", "resnet18-f37072fd.pth", 11689512, 69.758, 89.078),)),
    "ResNet34_Weights": (1, (("IMAGENET1K_V1", "resnet34-b627a593.pth", 21797672, 73.314, 91.42),)),
    "ResNet50_Weights": (1, (("IMAGENET1K_V1", "resnet50-0676ba61.pth", 25557032, 76.13, 92.862),
                             ("IMAGENET1K_V2", "resnet50-11ad3fa6.pth", 25557032, 80.858, 95.434, _V2))),
    "ResNet101_Weights": (1, (("IMAGENET1K_V1", "resnet101-63fe2227.pth", 44549160, 77.374, 93.546),
                              ("IMAGENET1K_V2", "resnet101-cd907fc2.pth", 44549160, 81.886, 95.78, _V2))),
    "ResNet152_Weights": (1, (("IMAGENET1K_V1", "resnet152-394f9c45.pth", 60192808, 78.312, 94.046),
                              ("IMAGENET1K_V2", "resnet152-f82ba261.pth", 60192808, 82.284, 96.002, _V2))),
    "ResNeXt50_32X4D_Weights": (1, (
        ("IMAGENET1K_V1", "resnext50_32x4d-7cdf4587.pth", 25028904, 77.618, 93.698),
        ("IMAGENET1K_V2", "resnext50_32x4d-1a0047aa.pth", 25028904, 81.198, 95.34, _V2))),
    "ResNeXt101_32X8D_Weights": (1, (
        ("IMAGENET1K_V1", "resnext101_32x8d-8ba56ff5.pth", 88791336, 79.312, 94.526),
        ("IMAGENET1K_V2", "resnext101_32x8d-110c445d.pth", 88791336, 82.834, 96.228, _V2))),
    "ResNeXt101_64X4D_Weights": (1, (
        ("IMAGENET1K_V1", "resnext101_64x4d-173b62eb.pth", 83455272, 83.246, 96.454, _V2),)),
    "Wide_ResNet50_2_Weights": (1, (
        ("IMAGENET1K_V1", "wide_resnet50_2-95faca4d.pth", 68883240, 78.468, 94.086),
        ("IMAGENET1K_V2", "wide_resnet50_2-9ba9bcbe.pth", 68883240, 81.602, 95.758, _V2))),
    "Wide_ResNet101_2_Weights": (1, (
        ("IMAGENET1K_V1", "wide_resnet101_2-32ee1156.pth", 126886696, 78.848, 94.284),
        ("IMAGENET1K_V2", "wide_resnet101_2-d733dc28.pth", 126886696, 82.51, 96.02, _V2))),
    "SqueezeNet1_0_Weights": (21, (("IMAGENET1K_V1", "squeezenet1_0-b66bff10.pth", 1248424, 58.092, 80.42),)),
    "SqueezeNet1_1_Weights": (17, (("IMAGENET1K_V1", "squeezenet1_1-b8a52dc0.pth", 1235496, 58.178, 80.624),)),
    "VGG11_Weights": (32, (("IMAGENET1K_V1", "vgg11-8a719046.pth", 132863336, 69.02, 88.628),)),
    "VGG11_BN_Weights": (32, (("IMAGENET1K_V1", "vgg11_bn-6002323d.pth", 132868840, 70.37, 89.81),)),
    "VGG13_Weights": (32, (("IMAGENET1K_V1", "vgg13-19584684.pth", 133047848, 69.928, 89.246),)),
    "VGG13_BN_Weights": (32, (("IMAGENET1K_V1", "vgg13_bn-abd245e5.pth", 133053736, 71.586, 90.374),)),
    "VGG16_Weights": (32, (("IMAGENET1K_V1", "vgg16-397923af.pth", 138357544, 71.592, 90.382),
                           ("IMAGENET1K_FEATURES", "vgg16_features-amdegroot-88682ab5.pth", 138357544,
                            float("nan"), float("nan"), _SSD_FEATURES))),
    "VGG16_BN_Weights": (32, (("IMAGENET1K_V1", "vgg16_bn-6c64b313.pth", 138365992, 73.36, 91.516),)),
    "VGG19_Weights": (32, (("IMAGENET1K_V1", "vgg19-dcbb9e9d.pth", 143667240, 72.376, 90.876),)),
    "VGG19_BN_Weights": (32, (("IMAGENET1K_V1", "vgg19_bn-c79401a0.pth", 143678248, 74.218, 91.842),)),
}


def _imagenet_weights(file: str, num_params: int, acc1: float, acc5: float, meta: dict[str, Any] | None = None,
                      *, min_size: int) -> Weights:
    """One checkpoint. ``meta`` has no ``"categories"`` list (the 1000 ImageNet class names are not bundled),
    so ``_utils._build`` takes ``_IMAGENET_NUM_CLASSES`` classes where torchvision takes their count."""
    meta = dict(meta or {})
    preset = meta.pop("preset", {})
    return Weights(url=_URL + file, transforms=partial(ImageClassification, crop_size=224, **preset),
                   meta={"num_params": num_params, "min_size": (min_size, min_size),
                         "_metrics": {"ImageNet-1K": {"acc@1": acc1, "acc@5": acc5}}, **meta})


def weights_enum(name: str, module: str) -> type[WeightsEnum]:
    """torchvision's enum ``name`` (``ResNet50_Weights``) from its table rows, defined in ``module``."""
    min_size, rows = _TABLE[name]
    members = {member: _imagenet_weights(*row, min_size=min_size) for member, *row in rows}
    default = [m for m in members if m.startswith("IMAGENET1K_V")][-1]
    return WeightsEnum(name, [*members.items(), ("DEFAULT", members[default])], module=module, qualname=name)
