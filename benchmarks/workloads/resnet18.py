"""resnet18 inference, batch 8 of 3x224x224, in eval mode under ``no_grad``.

The facade row is ``jtorch.compat.vision.models.resnet18()``; torchvision cannot be installed next to this
torch, so PyTorch's row runs torchvision's resnet18 (BasicBlock, [2, 2, 2, 2]) restated here on ``torch.nn``.
No core twin is written yet."""
from jtorch.compat import vision as torchvision

from ._base import Workload
from ._common import inputs


def resnet18(lib, num_classes=1000):
    nn = lib.nn

    class BasicBlock(nn.Module):
        def __init__(self, inplanes, planes, stride=1):
            super().__init__()
            self.conv1 = nn.Conv2d(inplanes, planes, 3, stride=stride, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(planes)
            self.relu = nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(planes)
            self.downsample = None
            if stride != 1 or inplanes != planes:
                self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride=stride, bias=False),
                                                nn.BatchNorm2d(planes))

        def forward(self, x):
            identity = x if self.downsample is None else self.downsample(x)
            out = self.relu(self.bn1(self.conv1(x)))
            return self.relu(self.bn2(self.conv2(out)) + identity)

    class ResNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
            self.bn1 = nn.BatchNorm2d(64)
            self.relu = nn.ReLU(inplace=True)
            self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
            widths = (64, 64, 128, 256, 512)
            for i in range(1, 5):
                stride = 1 if i == 1 else 2
                blocks = [BasicBlock(widths[i - 1], widths[i], stride), BasicBlock(widths[i], widths[i])]
                setattr(self, f"layer{i}", nn.Sequential(*blocks))
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(512, num_classes)

        def forward(self, x):
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
            x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
            return self.fc(lib.flatten(self.avgpool(x), 1))

    return ResNet()


def _inference(lib, model, batch=8, size=224):
    model.eval()
    x = lib.from_numpy(inputs((batch, 3, size, size)))

    def step():
        with lib.no_grad():
            return model(x)

    return step


def build(lib, quick):
    return _inference(lib, resnet18(lib))


def build_vision(lib, quick):
    return _inference(lib, torchvision.models.resnet18())


WORKLOADS = [Workload("resnet18 inference, batch 8", build, heavy=True, facade=build_vision)]
