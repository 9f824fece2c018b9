"""``torchvision.datasets``: torchvision's datasets on their own on-disk layouts."""
from .cifar import CIFAR10 as CIFAR10, CIFAR100 as CIFAR100
from .fakedata import FakeData as FakeData
from .folder import DatasetFolder as DatasetFolder, ImageFolder as ImageFolder
from .mnist import EMNIST as EMNIST, KMNIST as KMNIST, MNIST as MNIST, FashionMNIST as FashionMNIST
from .svhn import SVHN as SVHN
from .vision import VisionDataset as VisionDataset

__all__ = ["CIFAR10", "CIFAR100", "DatasetFolder", "EMNIST", "FakeData", "FashionMNIST", "ImageFolder",
           "KMNIST", "MNIST", "SVHN", "VisionDataset"]
