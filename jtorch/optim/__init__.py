"""Optimizers as optax transformations with PyTorch's update rules, and PyTorch's LR schedules.

Each optimizer takes PyTorch's arguments and returns an ``optax.GradientTransformation`` whose numeric
hyper-parameters live in ``opt_state.hyperparams`` (change them with :func:`set_hyperparams`, without
recompiling). ``foreach``, ``fused``, ``capturable`` and ``differentiable`` are accepted and ignored
everywhere: XLA fuses the per-parameter updates, and every update is differentiable.
``opt_state.inner_state`` is a NamedTuple with PyTorch's state names holding pytrees like the params,
except ``step`` (and NAdam's ``mu_product``): one int32 scalar for all params, where PyTorch keeps an
equal float tensor per param. ``betas`` are the runtime hyper-parameters ``beta1`` and ``beta2``.
"""
from . import lr_scheduler as lr_scheduler
from ._adagrad import AdadeltaState as AdadeltaState
from ._adagrad import AdagradState as AdagradState
from ._adagrad import adadelta as adadelta
from ._adagrad import adagrad as adagrad
from ._adam import AdamState as AdamState
from ._adam import adam as adam
from ._adam import adamw as adamw
from ._adam_variants import AdamaxState as AdamaxState
from ._adam_variants import NAdamState as NAdamState
from ._adam_variants import RAdamState as RAdamState
from ._adam_variants import adamax as adamax
from ._adam_variants import nadam as nadam
from ._adam_variants import radam as radam
from ._clip import clip_grad_norm as clip_grad_norm
from ._clip import clip_grad_value as clip_grad_value
from ._clip import get_total_norm as get_total_norm
from ._rmsprop import RMSpropState as RMSpropState
from ._rmsprop import rmsprop as rmsprop
from ._sgd import SGDState as SGDState
from ._sgd import sgd as sgd
from ._transform import set_hyperparams as set_hyperparams

__all__ = [
    "AdadeltaState",
    "AdagradState",
    "AdamState",
    "AdamaxState",
    "NAdamState",
    "RAdamState",
    "RMSpropState",
    "SGDState",
    "adadelta",
    "adagrad",
    "adam",
    "adamax",
    "adamw",
    "clip_grad_norm",
    "clip_grad_value",
    "get_total_norm",
    "lr_scheduler",
    "nadam",
    "radam",
    "rmsprop",
    "set_hyperparams",
    "sgd",
]
