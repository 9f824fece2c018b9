"""Pure ops on jax.Array with PyTorch's semantics, argument names and defaults."""

from ._activation import celu as celu
from ._activation import elu as elu
from ._activation import gelu as gelu
from ._activation import hardshrink as hardshrink
from ._activation import hardsigmoid as hardsigmoid
from ._activation import hardswish as hardswish
from ._activation import hardtanh as hardtanh
from ._activation import leaky_relu as leaky_relu
from ._activation import logsigmoid as logsigmoid
from ._activation import mish as mish
from ._activation import prelu as prelu
from ._activation import relu as relu
from ._activation import relu6 as relu6
from ._activation import selu as selu
from ._activation import sigmoid as sigmoid
from ._activation import silu as silu
from ._activation import softplus as softplus
from ._activation import softshrink as softshrink
from ._activation import softsign as softsign
from ._activation import tanh as tanh
from ._activation import tanhshrink as tanhshrink
from ._activation import threshold as threshold
from ._conv import conv1d as conv1d
from ._conv import conv2d as conv2d
from ._conv import conv3d as conv3d
from ._conv import conv_transpose1d as conv_transpose1d
from ._conv import conv_transpose2d as conv_transpose2d
from ._conv import conv_transpose3d as conv_transpose3d
from ._distance import cdist as cdist
from ._distance import cosine_similarity as cosine_similarity
from ._distance import pairwise_distance as pairwise_distance
from ._distance import pdist as pdist
from ._dropout import alpha_dropout as alpha_dropout
from ._dropout import dropout as dropout
from ._dropout import dropout1d as dropout1d
from ._dropout import dropout2d as dropout2d
from ._dropout import dropout3d as dropout3d
from ._dropout import feature_alpha_dropout as feature_alpha_dropout
from ._linear import bilinear as bilinear
from ._linear import linear as linear
from ._loss import huber_loss as huber_loss
from ._loss import l1_loss as l1_loss
from ._loss import mse_loss as mse_loss
from ._loss import smooth_l1_loss as smooth_l1_loss
from ._loss_likelihood import binary_cross_entropy as binary_cross_entropy
from ._loss_likelihood import binary_cross_entropy_with_logits as binary_cross_entropy_with_logits
from ._loss_likelihood import gaussian_nll_loss as gaussian_nll_loss
from ._loss_likelihood import kl_div as kl_div
from ._loss_likelihood import poisson_nll_loss as poisson_nll_loss
from ._loss_margin import cosine_embedding_loss as cosine_embedding_loss
from ._loss_margin import hinge_embedding_loss as hinge_embedding_loss
from ._loss_margin import margin_ranking_loss as margin_ranking_loss
from ._loss_margin import multi_margin_loss as multi_margin_loss
from ._loss_margin import multilabel_margin_loss as multilabel_margin_loss
from ._loss_margin import multilabel_soft_margin_loss as multilabel_soft_margin_loss
from ._loss_margin import soft_margin_loss as soft_margin_loss
from ._loss_margin import triplet_margin_loss as triplet_margin_loss
from ._loss_margin import triplet_margin_with_distance_loss as triplet_margin_with_distance_loss
from ._loss_nll import cross_entropy as cross_entropy
from ._loss_nll import nll_loss as nll_loss
from ._normalization import batch_norm as batch_norm
from ._normalization import group_norm as group_norm
from ._normalization import instance_norm as instance_norm
from ._normalization import layer_norm as layer_norm
from ._normalization import local_response_norm as local_response_norm
from ._normalization import normalize as normalize
from ._normalization import rms_norm as rms_norm
from ._pooling import adaptive_avg_pool1d as adaptive_avg_pool1d
from ._pooling import adaptive_avg_pool2d as adaptive_avg_pool2d
from ._pooling import adaptive_avg_pool3d as adaptive_avg_pool3d
from ._pooling import adaptive_max_pool1d as adaptive_max_pool1d
from ._pooling import adaptive_max_pool2d as adaptive_max_pool2d
from ._pooling import avg_pool1d as avg_pool1d
from ._pooling import avg_pool2d as avg_pool2d
from ._pooling import avg_pool3d as avg_pool3d
from ._pooling import lp_pool1d as lp_pool1d
from ._pooling import lp_pool2d as lp_pool2d
from ._pooling import max_pool1d as max_pool1d
from ._pooling import max_pool2d as max_pool2d
from ._pooling import max_pool3d as max_pool3d
from ._pooling import max_unpool1d as max_unpool1d
from ._pooling import max_unpool2d as max_unpool2d
from ._resample import fold as fold
from ._resample import interpolate as interpolate
from ._resample import pad as pad
from ._resample import pixel_shuffle as pixel_shuffle
from ._resample import pixel_unshuffle as pixel_unshuffle
from ._resample import unfold as unfold
from ._resample import upsample as upsample
from ._resample import upsample_bilinear as upsample_bilinear
from ._resample import upsample_nearest as upsample_nearest
from ._rnn import gru as gru
from ._rnn import gru_cell as gru_cell
from ._rnn import lstm as lstm
from ._rnn import lstm_cell as lstm_cell
from ._rnn import rnn as rnn
from ._rnn import rnn_cell as rnn_cell
from ._softmax import glu as glu
from ._softmax import log_softmax as log_softmax
from ._softmax import softmax as softmax
from ._softmax import softmin as softmin
from ._sparse import embedding as embedding
from ._sparse import embedding_bag as embedding_bag
from ._sparse import one_hot as one_hot

__all__ = [
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d",
    "adaptive_max_pool2d", "alpha_dropout", "avg_pool1d", "avg_pool2d", "avg_pool3d", "batch_norm",
    "bilinear", "binary_cross_entropy", "binary_cross_entropy_with_logits", "cdist", "celu", "conv1d",
    "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "cosine_embedding_loss",
    "cosine_similarity", "cross_entropy", "dropout", "dropout1d", "dropout2d", "dropout3d", "elu",
    "embedding", "embedding_bag", "feature_alpha_dropout", "fold", "gaussian_nll_loss", "gelu", "glu",
    "group_norm", "gru",
    "gru_cell", "hardshrink", "hardsigmoid", "hardswish", "hardtanh", "hinge_embedding_loss", "huber_loss",
    "instance_norm", "interpolate", "kl_div", "l1_loss", "layer_norm", "leaky_relu", "linear",
    "local_response_norm", "log_softmax", "logsigmoid", "lp_pool1d", "lp_pool2d", "lstm", "lstm_cell",
    "margin_ranking_loss", "max_pool1d", "max_pool2d", "max_pool3d", "max_unpool1d", "max_unpool2d", "mish",
    "mse_loss", "multi_margin_loss", "multilabel_margin_loss", "multilabel_soft_margin_loss", "nll_loss",
    "normalize", "one_hot", "pad", "pairwise_distance", "pdist", "pixel_shuffle", "pixel_unshuffle",
    "poisson_nll_loss", "prelu", "relu", "relu6", "rms_norm", "rnn", "rnn_cell", "selu", "sigmoid", "silu",
    "smooth_l1_loss", "soft_margin_loss", "softmax", "softmin", "softplus", "softshrink", "softsign", "tanh",
    "tanhshrink", "threshold", "triplet_margin_loss", "triplet_margin_with_distance_loss", "unfold",
    "upsample", "upsample_bilinear", "upsample_nearest",
]
