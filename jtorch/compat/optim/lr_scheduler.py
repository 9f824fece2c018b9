"""``torch.optim.lr_scheduler`` on jtorch: PyTorch's schedulers, writing ``group["lr"]`` on the host."""
from ._lr_base import ConstantLR as ConstantLR
from ._lr_base import CosineAnnealingLR as CosineAnnealingLR
from ._lr_base import ExponentialLR as ExponentialLR
from ._lr_base import LambdaLR as LambdaLR
from ._lr_base import LinearLR as LinearLR
from ._lr_base import LRScheduler as LRScheduler
from ._lr_base import MultiplicativeLR as MultiplicativeLR
from ._lr_base import MultiStepLR as MultiStepLR
from ._lr_base import PolynomialLR as PolynomialLR
from ._lr_base import StepLR as StepLR
from ._lr_composite import ChainedScheduler as ChainedScheduler
from ._lr_composite import ReduceLROnPlateau as ReduceLROnPlateau
from ._lr_composite import SequentialLR as SequentialLR
from ._lr_cyclic import CosineAnnealingWarmRestarts as CosineAnnealingWarmRestarts
from ._lr_cyclic import CyclicLR as CyclicLR
from ._lr_cyclic import OneCycleLR as OneCycleLR

_LRScheduler = LRScheduler

__all__ = [
    "ChainedScheduler",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "MultiplicativeLR",
    "OneCycleLR",
    "PolynomialLR",
    "ReduceLROnPlateau",
    "SequentialLR",
    "StepLR",
]
