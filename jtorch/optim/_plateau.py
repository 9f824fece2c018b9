"""ReduceLROnPlateau: a host-side scheduler driven by a metric (it cannot be a pure function of the step)."""
from __future__ import annotations

import math

from ._transform import set_hyperparams


class ReduceLROnPlateau:
    """PyTorch's ``torch.optim.lr_scheduler.ReduceLROnPlateau`` for one lr, on the host.

    ``step(metric)`` returns the lr to use next; ``step(metric, opt_state)`` also sets it in a
    ``jtorch.optim`` optimizer state (through :func:`jtorch.optim.set_hyperparams`: no recompile).

    Args:
        lr: the optimizer's current lr.
        mode: ``"min"`` (lower metric is better) or ``"max"``. Default: "min"
        factor: multiplies the lr on a plateau; must be < 1. Default: 0.1
        patience: epochs without improvement tolerated before reducing. Default: 10
        threshold: minimum change that counts as an improvement. Default: 1e-4
        threshold_mode: ``"rel"`` (relative to the best) or ``"abs"``. Default: "rel"
        cooldown: epochs to wait after a reduction before counting bad epochs again. Default: 0
        min_lr: lower bound of the lr. Default: 0
        eps: reductions smaller than this are skipped. Default: 1e-8

    Example:
        >>> plateau = ReduceLROnPlateau(1.0, patience=1)
        >>> [plateau.step(m) for m in (3.0, 3.0, 3.0, 2.0, 2.0, 2.0)]
        [1.0, 1.0, 0.1, 0.1, 0.1, 0.010000000000000002]
    """

    def __init__(self, lr: float, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0.0, eps=1e-8):
        if factor >= 1.0:
            raise ValueError("Factor should be < 1.0.")
        if mode not in {"min", "max"}:
            raise ValueError("mode " + mode + " is unknown!")
        if threshold_mode not in {"rel", "abs"}:
            raise ValueError("threshold mode " + threshold_mode + " is unknown!")
        self.lr, self.mode, self.factor, self.patience = float(lr), mode, factor, patience
        self.threshold, self.threshold_mode, self.cooldown = threshold, threshold_mode, cooldown
        self.min_lr, self.eps = min_lr, eps
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = self.cooldown_counter = self.last_epoch = 0

    def is_better(self, a: float, best: float) -> bool:
        if self.threshold_mode == "rel":
            return a < best * (1.0 - self.threshold) if self.mode == "min" else a > best * (self.threshold + 1.0)
        return a < best - self.threshold if self.mode == "min" else a > best + self.threshold

    def step(self, metrics, opt_state=None) -> float:
        """Records one epoch's metric; returns the (possibly reduced) lr, and sets it in ``opt_state``."""
        current = float(metrics)
        self.last_epoch += 1
        if self.is_better(current, self.best):
            self.best, self.num_bad_epochs = current, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs in cooldown are ignored, as in PyTorch
        if self.num_bad_epochs > self.patience:
            new_lr = max(self.lr * self.factor, self.min_lr)
            if self.lr - new_lr > self.eps:
                self.lr = new_lr
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        if opt_state is not None:
            set_hyperparams(opt_state, lr=self.lr)
        return self.lr

    def get_last_lr(self) -> list[float]:
        """PyTorch's ``get_last_lr()``: ``[lr]``."""
        return [self.lr]
