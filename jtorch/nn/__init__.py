"""Core layer specs over parameter pytrees, with PyTorch's names, layouts and initialisers."""

from ._activation import CELU as CELU
from ._activation import ELU as ELU
from ._activation import GELU as GELU
from ._activation import GLU as GLU
from ._activation import Hardshrink as Hardshrink
from ._activation import Hardsigmoid as Hardsigmoid
from ._activation import Hardswish as Hardswish
from ._activation import Hardtanh as Hardtanh
from ._activation import LeakyReLU as LeakyReLU
from ._activation import LogSigmoid as LogSigmoid
from ._activation import LogSoftmax as LogSoftmax
from ._activation import Mish as Mish
from ._activation import PReLU as PReLU
from ._activation import ReLU as ReLU
from ._activation import ReLU6 as ReLU6
from ._activation import SELU as SELU
from ._activation import Sigmoid as Sigmoid
from ._activation import SiLU as SiLU
from ._activation import Softmax as Softmax
from ._activation import Softmax2d as Softmax2d
from ._activation import Softmin as Softmin
from ._activation import Softplus as Softplus
from ._activation import Softshrink as Softshrink
from ._activation import Softsign as Softsign
from ._activation import Tanh as Tanh
from ._activation import Tanhshrink as Tanhshrink
from ._activation import Threshold as Threshold
from ._container import ModuleDict as ModuleDict
from ._container import ModuleList as ModuleList
from ._container import Sequential as Sequential
from ._conv import Conv1d as Conv1d
from ._conv import Conv2d as Conv2d
from ._conv import Conv3d as Conv3d
from ._conv import ConvTranspose1d as ConvTranspose1d
from ._conv import ConvTranspose2d as ConvTranspose2d
from ._conv import ConvTranspose3d as ConvTranspose3d
from ._distance import CosineSimilarity as CosineSimilarity
from ._distance import PairwiseDistance as PairwiseDistance
from ._dropout import AlphaDropout as AlphaDropout
from ._dropout import Dropout as Dropout
from ._dropout import Dropout1d as Dropout1d
from ._dropout import Dropout2d as Dropout2d
from ._dropout import Dropout3d as Dropout3d
from ._dropout import FeatureAlphaDropout as FeatureAlphaDropout
from ._linear import Bilinear as Bilinear
from ._linear import Identity as Identity
from ._linear import Linear as Linear
from ._module import Module as Module
from ._normalization import BatchNorm1d as BatchNorm1d
from ._normalization import BatchNorm2d as BatchNorm2d
from ._normalization import BatchNorm3d as BatchNorm3d
from ._normalization import GroupNorm as GroupNorm
from ._normalization import InstanceNorm1d as InstanceNorm1d
from ._normalization import InstanceNorm2d as InstanceNorm2d
from ._normalization import InstanceNorm3d as InstanceNorm3d
from ._normalization import LayerNorm as LayerNorm
from ._normalization import LocalResponseNorm as LocalResponseNorm
from ._normalization import RMSNorm as RMSNorm
from ._pooling import AdaptiveAvgPool1d as AdaptiveAvgPool1d
from ._pooling import AdaptiveAvgPool2d as AdaptiveAvgPool2d
from ._pooling import AdaptiveAvgPool3d as AdaptiveAvgPool3d
from ._pooling import AdaptiveMaxPool1d as AdaptiveMaxPool1d
from ._pooling import AdaptiveMaxPool2d as AdaptiveMaxPool2d
from ._pooling import AvgPool1d as AvgPool1d
from ._pooling import AvgPool2d as AvgPool2d
from ._pooling import AvgPool3d as AvgPool3d
from ._pooling import LPPool1d as LPPool1d
from ._pooling import LPPool2d as LPPool2d
from ._pooling import MaxPool1d as MaxPool1d
from ._pooling import MaxPool2d as MaxPool2d
from ._pooling import MaxPool3d as MaxPool3d
from ._pooling import MaxUnpool1d as MaxUnpool1d
from ._pooling import MaxUnpool2d as MaxUnpool2d
from ._resample import CircularPad1d as CircularPad1d
from ._resample import CircularPad2d as CircularPad2d
from ._resample import CircularPad3d as CircularPad3d
from ._resample import ConstantPad1d as ConstantPad1d
from ._resample import ConstantPad2d as ConstantPad2d
from ._resample import ConstantPad3d as ConstantPad3d
from ._resample import PixelShuffle as PixelShuffle
from ._resample import PixelUnshuffle as PixelUnshuffle
from ._resample import ReflectionPad1d as ReflectionPad1d
from ._resample import ReflectionPad2d as ReflectionPad2d
from ._resample import ReflectionPad3d as ReflectionPad3d
from ._resample import ReplicationPad1d as ReplicationPad1d
from ._resample import ReplicationPad2d as ReplicationPad2d
from ._resample import ReplicationPad3d as ReplicationPad3d
from ._resample import Upsample as Upsample
from ._resample import UpsamplingBilinear2d as UpsamplingBilinear2d
from ._resample import UpsamplingNearest2d as UpsamplingNearest2d
from ._resample import ZeroPad1d as ZeroPad1d
from ._resample import ZeroPad2d as ZeroPad2d
from ._resample import ZeroPad3d as ZeroPad3d
from ._rnn import GRU as GRU
from ._rnn import GRUCell as GRUCell
from ._rnn import LSTM as LSTM
from ._rnn import LSTMCell as LSTMCell
from ._rnn import RNN as RNN
from ._rnn import RNNCell as RNNCell
from ._shape import Flatten as Flatten
from ._shape import Unflatten as Unflatten
from ._sparse import Embedding as Embedding
from ._sparse import EmbeddingBag as EmbeddingBag
from ._state_dict import load_state_dict as load_state_dict
from ._state_dict import state_dict as state_dict
from . import functional as functional
from . import init as init

__all__ = [
    "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d",
    "AlphaDropout", "AvgPool1d", "AvgPool2d", "AvgPool3d", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d",
    "Bilinear", "CELU", "CircularPad1d", "CircularPad2d", "CircularPad3d", "ConstantPad1d", "ConstantPad2d",
    "ConstantPad3d", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d",
    "CosineSimilarity", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "ELU", "Embedding", "EmbeddingBag",
    "FeatureAlphaDropout", "Flatten", "GELU", "GLU", "GRU", "GRUCell", "GroupNorm", "Hardshrink",
    "Hardsigmoid", "Hardswish", "Hardtanh", "Identity", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d",
    "LPPool1d", "LPPool2d", "LSTM", "LSTMCell", "LayerNorm", "LeakyReLU", "Linear", "LocalResponseNorm",
    "LogSigmoid", "LogSoftmax", "MaxPool1d", "MaxPool2d", "MaxPool3d", "MaxUnpool1d", "MaxUnpool2d", "Mish",
    "Module", "ModuleDict", "ModuleList", "PReLU", "PairwiseDistance", "PixelShuffle", "PixelUnshuffle",
    "RMSNorm", "RNN", "RNNCell", "ReLU", "ReLU6", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
    "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "SELU", "Sequential", "SiLU", "Sigmoid",
    "Softmax", "Softmax2d", "Softmin", "Softplus", "Softshrink", "Softsign", "Tanh", "Tanhshrink",
    "Threshold", "Unflatten", "Upsample", "UpsamplingBilinear2d", "UpsamplingNearest2d", "ZeroPad1d",
    "ZeroPad2d", "ZeroPad3d", "functional", "init", "load_state_dict", "state_dict",
]
