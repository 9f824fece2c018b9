"""``torch.optim`` on jtorch: PyTorch's optimizer classes over the ``jtorch.optim`` update rules."""
from . import lr_scheduler as lr_scheduler
from ._optimizers import SGD as SGD
from ._optimizers import Adadelta as Adadelta
from ._optimizers import Adagrad as Adagrad
from ._optimizers import Adam as Adam
from ._optimizers import Adamax as Adamax
from ._optimizers import AdamW as AdamW
from ._optimizers import NAdam as NAdam
from ._optimizers import RAdam as RAdam
from ._optimizers import RMSprop as RMSprop
from .optimizer import Optimizer as Optimizer

__all__ = [
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "NAdam",
    "Optimizer",
    "RAdam",
    "RMSprop",
    "SGD",
    "lr_scheduler",
]
