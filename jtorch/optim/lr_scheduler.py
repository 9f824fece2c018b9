"""PyTorch's LR schedulers (``torch.optim.lr_scheduler``) as schedules ``count -> lr``.

``schedule(count)`` is what ``scheduler.get_last_lr()[0]`` reports after ``count`` calls of
``scheduler.step()``; pass it as an optimizer's ``lr`` (stepped per optimizer step) or wrap it in
:func:`per_epoch`. PyTorch name -> here: StepLR -> ``step_lr``, MultiStepLR -> ``multi_step_lr``,
ExponentialLR -> ``exponential_lr``, CosineAnnealingLR -> ``cosine_annealing_lr``, LambdaLR ->
``lambda_lr``, MultiplicativeLR -> ``multiplicative_lr``, LinearLR -> ``linear_lr``, ConstantLR ->
``constant_lr``, PolynomialLR -> ``polynomial_lr``, CosineAnnealingWarmRestarts ->
``cosine_annealing_warm_restarts``, OneCycleLR -> ``one_cycle_lr`` / ``one_cycle_momentum``, CyclicLR ->
``cyclic_lr`` / ``cyclic_momentum``, SequentialLR -> ``sequential_lr``, ChainedScheduler ->
``chained_scheduler``, ReduceLROnPlateau -> the host-side class :class:`ReduceLROnPlateau`.
"""
from ._cyclic_lr import cyclic_lr as cyclic_lr
from ._cyclic_lr import cyclic_momentum as cyclic_momentum
from ._cyclic_lr import one_cycle_lr as one_cycle_lr
from ._cyclic_lr import one_cycle_momentum as one_cycle_momentum
from ._lr_scheduler import chained_scheduler as chained_scheduler
from ._lr_scheduler import constant_lr as constant_lr
from ._lr_scheduler import cosine_annealing_lr as cosine_annealing_lr
from ._lr_scheduler import cosine_annealing_warm_restarts as cosine_annealing_warm_restarts
from ._lr_scheduler import exponential_lr as exponential_lr
from ._lr_scheduler import lambda_lr as lambda_lr
from ._lr_scheduler import linear_lr as linear_lr
from ._lr_scheduler import multi_step_lr as multi_step_lr
from ._lr_scheduler import multiplicative_lr as multiplicative_lr
from ._lr_scheduler import per_epoch as per_epoch
from ._lr_scheduler import polynomial_lr as polynomial_lr
from ._lr_scheduler import sequential_lr as sequential_lr
from ._lr_scheduler import step_lr as step_lr
from ._plateau import ReduceLROnPlateau as ReduceLROnPlateau

__all__ = [
    "ReduceLROnPlateau",
    "chained_scheduler",
    "constant_lr",
    "cosine_annealing_lr",
    "cosine_annealing_warm_restarts",
    "cyclic_lr",
    "cyclic_momentum",
    "exponential_lr",
    "lambda_lr",
    "linear_lr",
    "multi_step_lr",
    "multiplicative_lr",
    "one_cycle_lr",
    "one_cycle_momentum",
    "per_epoch",
    "polynomial_lr",
    "sequential_lr",
    "step_lr",
]
