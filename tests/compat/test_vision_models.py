"""torchvision.models on the facade against the same architectures written here with real ``torch.nn``
(torchvision cannot be installed next to this torch): state_dict keys/order/shapes, repr, and eval-mode
outputs with real-torch weights loaded strictly; builder interface, weights enums and checkpoint loading."""
import os
import re
import warnings
from collections import OrderedDict

import numpy as np
import pytest
import torch as real
from torch import nn as rnn

import jtorch.compat as torch
from jtorch.compat.vision import models

# --------------------------------------------------------------------- reference builders (real torch)


def _ref_vgg(cfg, bn, num_classes=1000):
    layers, c = [], 3
    for v in cfg:
        if v == "M":
            layers.append(rnn.MaxPool2d(kernel_size=2, stride=2))
            continue
        layers += [rnn.Conv2d(c, v, kernel_size=3, padding=1)] + ([rnn.BatchNorm2d(v)] if bn else []) + \
            [rnn.ReLU(inplace=True)]
        c = v
    return _named("VGG", features=rnn.Sequential(*layers), avgpool=rnn.AdaptiveAvgPool2d((7, 7)),
                  classifier=rnn.Sequential(rnn.Linear(25088, 4096), rnn.ReLU(True), rnn.Dropout(0.5),
                                            rnn.Linear(4096, 4096), rnn.ReLU(True), rnn.Dropout(0.5),
                                            rnn.Linear(4096, num_classes)))


def _named(cls_name, forward=None, base=rnn.Module, **children):
    """A real-torch module of class ``cls_name`` (for repr) with ``children`` registered in order."""
    m = type(cls_name, (base,), {"forward": forward or _sequential_flatten})()
    for k, v in children.items():
        m.add_module(k, v)
    return m


def _sequential_flatten(self, x):  # features -> avgpool -> flatten -> classifier (AlexNet, VGG)
    return self.classifier(real.flatten(self.avgpool(self.features(x)), 1))


def _ref_alexnet():
    c, r, p = rnn.Conv2d, lambda: rnn.ReLU(inplace=True), lambda: rnn.MaxPool2d(kernel_size=3, stride=2)
    return _named("AlexNet", features=rnn.Sequential(
        c(3, 64, kernel_size=11, stride=4, padding=2), r(), p(), c(64, 192, kernel_size=5, padding=2), r(), p(),
        c(192, 384, kernel_size=3, padding=1), r(), c(384, 256, kernel_size=3, padding=1), r(),
        c(256, 256, kernel_size=3, padding=1), r(), p()), avgpool=rnn.AdaptiveAvgPool2d((6, 6)),
        classifier=rnn.Sequential(rnn.Dropout(p=0.5), rnn.Linear(9216, 4096), r(), rnn.Dropout(p=0.5),
                                  rnn.Linear(4096, 4096), r(), rnn.Linear(4096, 1000)))


def _block_forward(self, x):
    out = x
    for name in ("1", "2", "3"):
        if not hasattr(self, "conv" + name):
            break
        out = getattr(self, "bn" + name)(getattr(self, "conv" + name)(out))
        if hasattr(self, "conv" + str(int(name) + 1)):
            out = self.relu(out)
    return self.relu(out + (x if self.downsample is None else self.downsample(x)))


def _ref_block(bottleneck, inplanes, planes, stride, downsample):
    conv = lambda i, o, k, s=1: rnn.Conv2d(i, o, kernel_size=k, stride=s, padding=k // 2, bias=False)  # noqa: E731
    if bottleneck:
        kids = dict(conv1=conv(inplanes, planes, 1), bn1=rnn.BatchNorm2d(planes),
                    conv2=conv(planes, planes, 3, stride), bn2=rnn.BatchNorm2d(planes),
                    conv3=conv(planes, planes * 4, 1), bn3=rnn.BatchNorm2d(planes * 4), relu=rnn.ReLU(inplace=True))
    else:
        kids = dict(conv1=conv(inplanes, planes, 3, stride), bn1=rnn.BatchNorm2d(planes), relu=rnn.ReLU(inplace=True),
                    conv2=conv(planes, planes, 3), bn2=rnn.BatchNorm2d(planes))
    m = _named("Bottleneck" if bottleneck else "BasicBlock", _block_forward, **kids)
    m.downsample = downsample
    return m


def _ref_resnet(bottleneck, layers):
    exp, inplanes, stages = 4 if bottleneck else 1, 64, {}
    for i, (planes, n) in enumerate(zip((64, 128, 256, 512), layers)):
        stride = 1 if i == 0 else 2
        down = rnn.Sequential(rnn.Conv2d(inplanes, planes * exp, 1, stride, bias=False),
                              rnn.BatchNorm2d(planes * exp)) if stride != 1 or inplanes != planes * exp else None
        blocks = [_ref_block(bottleneck, inplanes, planes, stride, down)]
        inplanes = planes * exp
        blocks += [_ref_block(bottleneck, inplanes, planes, 1, None) for _ in range(1, n)]
        stages[f"layer{i + 1}"] = rnn.Sequential(*blocks)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(real.flatten(self.avgpool(x), 1))
    return _named("ResNet", forward, conv1=rnn.Conv2d(3, 64, 7, 2, 3, bias=False), bn1=rnn.BatchNorm2d(64),
                  relu=rnn.ReLU(inplace=True), maxpool=rnn.MaxPool2d(kernel_size=3, stride=2, padding=1), **stages,
                  avgpool=rnn.AdaptiveAvgPool2d((1, 1)), fc=rnn.Linear(512 * exp, 1000))


def _fire_forward(self, x):
    x = self.squeeze_activation(self.squeeze(x))
    return real.cat([self.expand1x1_activation(self.expand1x1(x)), self.expand3x3_activation(self.expand3x3(x))], 1)


def _fire(i, s, e1, e3):
    m = _named("Fire", _fire_forward, squeeze=rnn.Conv2d(i, s, 1), squeeze_activation=rnn.ReLU(inplace=True),
               expand1x1=rnn.Conv2d(s, e1, 1), expand1x1_activation=rnn.ReLU(inplace=True),
               expand3x3=rnn.Conv2d(s, e3, 3, padding=1), expand3x3_activation=rnn.ReLU(inplace=True))
    m.inplanes = i
    return m


def _ref_squeezenet(version):
    pool = lambda: rnn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True)  # noqa: E731
    if version == "1_0":
        f = [rnn.Conv2d(3, 96, kernel_size=7, stride=2), rnn.ReLU(inplace=True), pool(), _fire(96, 16, 64, 64),
             _fire(128, 16, 64, 64), _fire(128, 32, 128, 128), pool(), _fire(256, 32, 128, 128),
             _fire(256, 48, 192, 192), _fire(384, 48, 192, 192), _fire(384, 64, 256, 256), pool(),
             _fire(512, 64, 256, 256)]
    else:
        f = [rnn.Conv2d(3, 64, kernel_size=3, stride=2), rnn.ReLU(inplace=True), pool(), _fire(64, 16, 64, 64),
             _fire(128, 16, 64, 64), pool(), _fire(128, 32, 128, 128), _fire(256, 32, 128, 128), pool(),
             _fire(256, 48, 192, 192), _fire(384, 48, 192, 192), _fire(384, 64, 256, 256), _fire(512, 64, 256, 256)]
    return _named("SqueezeNet", lambda self, x: real.flatten(self.classifier(self.features(x)), 1),
                  features=rnn.Sequential(*f), classifier=rnn.Sequential(
                      rnn.Dropout(p=0.5), rnn.Conv2d(512, 1000, kernel_size=1), rnn.ReLU(inplace=True),
                      rnn.AdaptiveAvgPool2d((1, 1))))


def _dense_layer_forward(self, inputs):
    x = self.conv1(self.relu1(self.norm1(real.cat(inputs, 1))))
    return self.conv2(self.relu2(self.norm2(x)))


def _dense_block_forward(self, x):
    features = [x]
    for layer in self.values():
        features.append(layer(features))
    return real.cat(features, 1)


def _ref_densenet(growth, blocks, init, bn_size=4):
    feats = OrderedDict(conv0=rnn.Conv2d(3, init, 7, 2, 3, bias=False), norm0=rnn.BatchNorm2d(init),
                        relu0=rnn.ReLU(inplace=True), pool0=rnn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    c = init
    for i, n in enumerate(blocks):
        block = _named("_DenseBlock", _dense_block_forward, rnn.ModuleDict)
        for j in range(n):
            block.add_module(f"denselayer{j + 1}", _named(
                "_DenseLayer", _dense_layer_forward, norm1=rnn.BatchNorm2d(c + j * growth),
                relu1=rnn.ReLU(inplace=True), conv1=rnn.Conv2d(c + j * growth, bn_size * growth, 1, 1, bias=False),
                norm2=rnn.BatchNorm2d(bn_size * growth), relu2=rnn.ReLU(inplace=True),
                conv2=rnn.Conv2d(bn_size * growth, growth, 3, 1, 1, bias=False)))
        feats[f"denseblock{i + 1}"], c = block, c + n * growth
        if i != len(blocks) - 1:
            feats[f"transition{i + 1}"] = _named(
                "_Transition", rnn.Sequential.forward, rnn.Sequential, norm=rnn.BatchNorm2d(c),
                relu=rnn.ReLU(inplace=True), conv=rnn.Conv2d(c, c // 2, 1, 1, bias=False),
                pool=rnn.AvgPool2d(kernel_size=2, stride=2))
            c //= 2
    feats["norm5"] = rnn.BatchNorm2d(c)
    return _named("DenseNet", lambda self, x: self.classifier(real.flatten(
        rnn.functional.adaptive_avg_pool2d(rnn.functional.relu(self.features(x)), 1), 1)),
        features=rnn.Sequential(feats), classifier=rnn.Linear(c, 1000))


def _cna(i, o, k=3, s=1, groups=1):
    return _named("Conv2dNormActivation", rnn.Sequential.forward, rnn.Sequential,
                  **{"0": rnn.Conv2d(i, o, k, s, (k - 1) // 2, groups=groups, bias=False), "1": rnn.BatchNorm2d(o),
                     "2": rnn.ReLU6(inplace=True)})


def _ref_mobilenet_v2(width_mult=1.0):
    div = models.mobilenetv2._make_divisible
    c, last = div(32 * width_mult, 8), div(1280 * max(1.0, width_mult), 8)
    feats = [_cna(3, c, s=2)]
    for t, ch, n, s in [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1],
                        [6, 160, 3, 2], [6, 320, 1, 1]]:
        out = div(ch * width_mult, 8)
        for i in range(n):
            stride, hidden = s if i == 0 else 1, int(round(c * t))
            layers = ([_cna(c, hidden, k=1)] if t != 1 else []) + [
                _cna(hidden, hidden, s=stride, groups=hidden), rnn.Conv2d(hidden, out, 1, 1, 0, bias=False),
                rnn.BatchNorm2d(out)]
            res = stride == 1 and c == out
            feats.append(_named("InvertedResidual", (lambda self, x: x + self.conv(x)) if res else
                                (lambda self, x: self.conv(x)), conv=rnn.Sequential(*layers)))
            c = out
    feats.append(_cna(c, last, k=1))
    return _named("MobileNetV2", lambda self, x: self.classifier(real.flatten(
        rnn.functional.adaptive_avg_pool2d(self.features(x), 1), 1)),
        features=rnn.Sequential(*feats), classifier=rnn.Sequential(rnn.Dropout(p=0.2), rnn.Linear(last, 1000)))


VGG_CFG = {"A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
           "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
           "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512,
                 "M"]}
SLOW = pytest.mark.slow
# (builder name, builder kwargs, reference, input size or None for structure only)
MODELS = [
    ("alexnet", {}, _ref_alexnet, None),
    pytest.param("alexnet", {}, _ref_alexnet, 64, marks=SLOW),
    ("vgg11", {}, lambda: _ref_vgg(VGG_CFG["A"], False), None),
    ("resnet18", {}, lambda: _ref_resnet(False, [2, 2, 2, 2]), None),
    ("squeezenet1_0", {}, lambda: _ref_squeezenet("1_0"), None),
    ("squeezenet1_1", {}, lambda: _ref_squeezenet("1_1"), None),
    pytest.param("vgg11", {}, lambda: _ref_vgg(VGG_CFG["A"], False), 32, marks=SLOW),
    pytest.param("vgg11_bn", {}, lambda: _ref_vgg(VGG_CFG["A"], True), 32, marks=SLOW),
    ("vgg16", {}, lambda: _ref_vgg(VGG_CFG["D"], False), None),
    pytest.param("vgg19_bn", {}, lambda: _ref_vgg(VGG_CFG["E"], True), None, marks=SLOW),
    pytest.param("resnet18", {}, lambda: _ref_resnet(False, [2, 2, 2, 2]), 64, marks=SLOW),
    ("resnet34", {}, lambda: _ref_resnet(False, [3, 4, 6, 3]), None),
    ("resnet50", {}, lambda: _ref_resnet(True, [3, 4, 6, 3]), None),
    pytest.param("resnet50", {}, lambda: _ref_resnet(True, [3, 4, 6, 3]), 64, marks=SLOW),
    pytest.param("resnet101", {}, lambda: _ref_resnet(True, [3, 4, 23, 3]), None, marks=SLOW),
    pytest.param("resnet152", {}, lambda: _ref_resnet(True, [3, 8, 36, 3]), None, marks=SLOW),
    pytest.param("squeezenet1_0", {}, lambda: _ref_squeezenet("1_0"), 64, marks=SLOW),
    pytest.param("squeezenet1_1", {}, lambda: _ref_squeezenet("1_1"), 64, marks=SLOW),
    ("mobilenet_v2", {}, _ref_mobilenet_v2, None),
    pytest.param("mobilenet_v2", {"width_mult": 0.35}, lambda: _ref_mobilenet_v2(0.35), 32, marks=SLOW),
    pytest.param("densenet121", {}, lambda: _ref_densenet(32, (6, 12, 24, 16), 64), 64, marks=SLOW),  # init: >4096 ops
    pytest.param("densenet161", {}, lambda: _ref_densenet(48, (6, 12, 36, 24), 96), None, marks=SLOW),
    pytest.param("densenet169", {}, lambda: _ref_densenet(32, (6, 12, 32, 32), 64), None, marks=SLOW),
    pytest.param("densenet201", {}, lambda: _ref_densenet(32, (6, 12, 48, 32), 64), None, marks=SLOW),
]


def _small_densenet():
    return models.DenseNet(growth_rate=8, block_config=(2, 3), num_init_features=16)


@pytest.mark.parametrize("name,kwargs,ref,size", MODELS)
def test_model_matches_reference(name, kwargs, ref, size):
    got, want = models.get_model(name, **kwargs), ref()
    _check(got, want, size)


@SLOW  # materialises a model's initialisation: compiles one RNG op per parameter
def test_small_densenet_matches_reference():
    _check(_small_densenet(), _ref_densenet(8, (2, 3), 16), 64)


def _check(got, want, size):
    want_sd, got_sd = want.state_dict(), got.state_dict()
    assert [(k, tuple(v.shape)) for k, v in got_sd.items()] == [(k, tuple(v.shape)) for k, v in want_sd.items()]
    assert repr(got) == repr(want)
    if size is None:
        return
    rng = np.random.default_rng(0)
    with real.no_grad():  # non-trivial BN statistics, so eval mode exercises them
        for k, v in want_sd.items():
            if k.endswith("running_mean"):
                v.copy_(real.from_numpy(rng.standard_normal(v.shape).astype(np.float32)) * 0.1)
            elif k.endswith("running_var"):
                v.copy_(real.from_numpy(rng.uniform(0.5, 1.5, v.shape).astype(np.float32)))
    result = got.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in want_sd.items()}, strict=True)
    assert repr(result) == "<All keys matched successfully>"
    x = rng.random((1, 3, size, size)).astype(np.float32)
    got.eval(), want.eval()
    with real.no_grad(), torch.no_grad():
        np.testing.assert_allclose(got(torch.from_numpy(x)).numpy(), want(real.from_numpy(x)).numpy(),
                                   rtol=1e-4, atol=1e-5)


# ------------------------------------------------------------------------- builders, enums, weights

def test_registry_and_enums():
    names = models.list_models()
    assert {"alexnet", "vgg16_bn", "resnet152", "squeezenet1_1", "densenet201", "mobilenet_v2"} <= set(names)
    assert models.list_models(include="vgg1[19]*", exclude="*_bn") == ["vgg11", "vgg19"]
    assert models.get_model_weights("resnet50") is models.ResNet50_Weights
    assert models.get_model_weights(models.vgg16) is models.VGG16_Weights
    assert models.get_weight("ResNet50_Weights.DEFAULT") is models.ResNet50_Weights.IMAGENET1K_V2
    assert repr(models.ResNet18_Weights.DEFAULT) == "ResNet18_Weights.IMAGENET1K_V1"
    assert models.VGG16_Weights.IMAGENET1K_V1.url == "https://download.pytorch.org/models/vgg16-397923af.pth"
    assert models.ResNet18_Weights.verify("IMAGENET1K_V1") is models.ResNet18_Weights.IMAGENET1K_V1
    assert models.ResNet18_Weights.verify("ResNet18_Weights.DEFAULT") is models.ResNet18_Weights.IMAGENET1K_V1
    assert models.DenseNet121_Weights.DEFAULT.meta["num_params"] == 7978856
    t = models.ResNet50_Weights.DEFAULT.transforms()
    assert (t.crop_size, t.resize_size, t.mean) == ([224], [232], [0.485, 0.456, 0.406])
    with pytest.raises(ValueError, match="Unknown model nope"):
        models.get_model("nope")
    with pytest.raises(ValueError, match=re.escape("Invalid weight name provided: 'ResNet50_Weights'.")):
        models.get_weight("ResNet50_Weights")
    with pytest.raises(TypeError, match="expected ResNet18_Weights but received VGG11_Weights"):
        models.resnet18(weights=models.VGG11_Weights.DEFAULT)


@pytest.mark.parametrize("call,messages", [
    (lambda: models.alexnet(pretrained=False), [
        "The parameter 'pretrained' is deprecated since 0.13 and may be removed in the future, please use "
        "'weights' instead.",
        "Arguments other than a weight enum or `None` for 'weights' are deprecated since 0.13 and may be removed "
        "in the future. The current behavior is equivalent to passing `weights=None`."]),
    (lambda: models.alexnet(False), [
        "Using 'weights' as positional parameter(s) is deprecated since 0.13 and may be removed in the future. "
        "Please use keyword parameter(s) instead.",
        "Arguments other than a weight enum or `None` for 'weights' are deprecated since 0.13 and may be removed "
        "in the future. The current behavior is equivalent to passing `weights=None`."]),
    (lambda: models.alexnet(weights=None, num_classes=10), []),
])
def test_legacy_interface_warnings(call, messages):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = call()
    assert [str(w.message) for w in caught] == messages
    assert isinstance(m, models.AlexNet)


@SLOW  # materialises a model's initialisation: compiles one RNG op per parameter
def test_builder_arguments():
    assert models.resnet18(num_classes=10).fc.out_features == 10
    assert models.squeezenet1_1(num_classes=7).classifier[1].out_channels == 7
    m = models.resnet18(zero_init_residual=True)
    assert float(m.layer1[0].bn2.weight.abs().sum()) == 0
    with pytest.raises(ValueError, match="The parameter 'groups' expected value 32 but got 1 instead."):
        models.resnext50_32x4d(groups=1)
    with pytest.raises(ValueError, match="Unsupported SqueezeNet version 2_0: 1_0 or 1_1 expected"):
        models.SqueezeNet("2_0")
    with pytest.raises(ValueError, match="BasicBlock only supports groups=1 and base_width=64"):
        models.ResNet(models.resnet.BasicBlock, [1, 1, 1, 1], groups=2)


@SLOW  # materialises a model's initialisation: compiles one RNG op per parameter
def test_default_initialisation():
    torch.manual_seed(0)
    m = models.VGG(models.vgg.make_layers([64, "M"]), num_classes=10)
    w, b = m.classifier[6].weight.detach().numpy(), m.classifier[6].bias.detach().numpy()
    assert abs(w.std() - 0.01) < 1e-3 and not b.any()  # normal(0, 0.01), zero bias
    conv = m.features[0].weight.detach().numpy()  # kaiming_normal_ fan_out: std sqrt(2 / (64 * 9))
    assert abs(conv.std() - np.sqrt(2 / (64 * 9))) < 0.01 and not m.features[0].bias.detach().numpy().any()


def _fake_checkpoint(tmp_path, monkeypatch, weights, model):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    path = tmp_path / "hub" / "checkpoints" / os.path.basename(weights.url)
    path.parent.mkdir(parents=True)
    state = {k: real.from_numpy(np.full(tuple(v.shape), 0.5, np.float32)) if v.dtype == torch.float32
             else real.tensor(3) for k, v in model.state_dict().items()}
    real.save(state, path)
    return state


@SLOW  # materialises a model's initialisation: compiles one RNG op per parameter
def test_weights_load_from_torch_home(tmp_path, monkeypatch):
    _fake_checkpoint(tmp_path, monkeypatch, models.SqueezeNet1_1_Weights.IMAGENET1K_V1, models.squeezenet1_1())
    m = models.squeezenet1_1(weights="DEFAULT")
    assert np.all(m.features[0].weight.detach().numpy() == 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        legacy = models.squeezenet1_1(pretrained=True)
    assert np.all(legacy.classifier[1].bias.detach().numpy() == 0.5)
    with pytest.raises(ValueError, match="The parameter 'num_classes' expected value 1000 but got 10 instead."):
        models.squeezenet1_1(weights="DEFAULT", num_classes=10)


@SLOW  # materialises a model's initialisation: compiles one RNG op per parameter
def test_densenet_old_checkpoint_keys(tmp_path, monkeypatch):
    model = models.densenet121()
    state = _fake_checkpoint(tmp_path, monkeypatch, models.DenseNet121_Weights.DEFAULT, model)
    # The published checkpoints predate BatchNorm's num_batches_tracked (and carry no version metadata).
    old = {re.sub(r"(denselayer\d+\.(?:norm|conv))([12])\.", r"\1.\2.", k): v for k, v in state.items()
           if not k.endswith("num_batches_tracked")}
    assert "features.denseblock1.denselayer1.norm.1.weight" in old
    real.save(old, tmp_path / "hub" / "checkpoints" / "densenet121-a639ec97.pth")
    loaded = models.densenet121(weights=models.DenseNet121_Weights.IMAGENET1K_V1)
    assert np.all(loaded.features.denseblock1.denselayer1.norm1.weight.detach().numpy() == 0.5)


def test_missing_checkpoint_offline(tmp_path, monkeypatch):
    import urllib.request

    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    where = str(tmp_path / "hub" / "checkpoints" / "alexnet-owt-7be5be79.pth")
    with pytest.raises(RuntimeError, match=re.escape(where)):
        models.alexnet(weights=models.AlexNet_Weights.DEFAULT)
    assert os.listdir(tmp_path / "hub" / "checkpoints") == []  # no partial file left
