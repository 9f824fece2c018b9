"""torch.optim.lr_scheduler on the facade against real PyTorch: get_last_lr() over 100 steps, warnings,
state_dict, errors. Schedulers are plain host Python, so sequences are compared exactly (rel 1e-12)."""
import math
import warnings

import numpy as np
import pytest
import torch

import jtorch.compat as jt
import jtorch.compat.optim  # noqa: F401  (until the facade imports it, as torch does)
from jtorch.compat.optim import lr_scheduler as jsched


def _optimizer(lib, cls="SGD", **kw):
    params = [lib.zeros(2, requires_grad=True), lib.zeros(3, requires_grad=True)]
    return getattr(lib.optim, cls)([{"params": [params[0]]}, {"params": [params[1]], "lr": 0.05}],
                                   lr=0.1, **kw)


def _single(name, **kw):
    return lambda lib, opt: getattr(lib.optim.lr_scheduler, name)(opt, **kw)


def _sequential(lib, opt):
    s = lib.optim.lr_scheduler
    return s.SequentialLR(opt, [s.ConstantLR(opt, factor=0.2, total_iters=5), s.ExponentialLR(opt, 0.9),
                                s.CosineAnnealingLR(opt, T_max=20)], milestones=[10, 40])


def _chained(lib, opt):
    s = lib.optim.lr_scheduler
    return s.ChainedScheduler([s.LinearLR(opt, 0.5, total_iters=8), s.StepLR(opt, 7, 0.7)])


CASES = {
    "StepLR": _single("StepLR", step_size=7, gamma=0.5),
    "MultiStepLR": _single("MultiStepLR", milestones=[5, 30, 30, 80], gamma=0.3),
    "ExponentialLR": _single("ExponentialLR", gamma=0.95),
    "CosineAnnealingLR": _single("CosineAnnealingLR", T_max=17, eta_min=1e-3),
    "LambdaLR": _single("LambdaLR", lr_lambda=lambda e: 1 / (1 + e)),
    "LambdaLR_per_group": lambda lib, opt: lib.optim.lr_scheduler.LambdaLR(
        opt, [lambda e: 0.9 ** e, lambda e: 1 + e % 3]),
    "MultiplicativeLR": _single("MultiplicativeLR", lr_lambda=lambda e: 0.97),
    "LinearLR": _single("LinearLR", start_factor=0.1, end_factor=0.8, total_iters=30),
    "ConstantLR": _single("ConstantLR", factor=0.25, total_iters=12),
    "PolynomialLR": _single("PolynomialLR", total_iters=60, power=2.0),
    "CosineAnnealingWarmRestarts": _single("CosineAnnealingWarmRestarts", T_0=5, T_mult=2, eta_min=1e-4),
    "OneCycleLR_cos": _single("OneCycleLR", max_lr=[1.0, 0.5], total_steps=101),
    "OneCycleLR_linear_3phase": _single("OneCycleLR", max_lr=0.3, total_steps=120, anneal_strategy="linear",
                                        three_phase=True, pct_start=0.25),
    "CyclicLR_triangular2": _single("CyclicLR", base_lr=0.01, max_lr=0.1, step_size_up=7, mode="triangular2"),
    "CyclicLR_exp_range": _single("CyclicLR", base_lr=0.01, max_lr=0.1, step_size_up=5, step_size_down=9,
                                  mode="exp_range", gamma=0.99),
    "SequentialLR": _sequential,
    "ChainedScheduler": _chained,
}


def _run(lib, make, steps=100):
    opt = _optimizer(lib)
    sched = make(lib, opt)
    seq, momenta = [list(sched.get_last_lr())], [opt.param_groups[0]["momentum"]]
    for _ in range(steps):
        opt.step()
        sched.step()
        seq.append(list(sched.get_last_lr()))
        momenta.append(opt.param_groups[0]["momentum"])
    return np.array(seq, np.float64), np.array(momenta, np.float64), sched


@pytest.mark.parametrize("name", sorted(CASES))
def test_sequence_matches_torch(name):
    ref, ref_m, _ = _run(torch, CASES[name])
    got, got_m, _ = _run(jt, CASES[name])
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=0)
    np.testing.assert_allclose(got_m, ref_m, rtol=1e-12, atol=0)


def test_adam_beta1_cycled():
    def run(lib):
        opt = _optimizer(lib, "Adam")
        sched = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.2, total_steps=30)
        out = []
        for _ in range(29):
            opt.step()
            sched.step()
            out.append(opt.param_groups[1]["betas"])
        return np.array(out)
    np.testing.assert_allclose(run(jt), run(torch), rtol=1e-12)


def test_reduce_lr_on_plateau():
    metrics = [5, 4, 4, 4, 4, 3.9999, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2]

    def run(lib, **kw):
        opt = _optimizer(lib)
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=2, cooldown=1, min_lr=[0.0, 0.01], **kw)
        return [list(sched.get_last_lr()) for m in metrics if sched.step(m) is None]

    for kw in ({}, {"mode": "max", "threshold_mode": "abs", "factor": 0.5}):
        assert run(jt, **kw) == run(torch, **kw)


def test_state_dict_round_trip():
    ref_opt, opt = _optimizer(torch), _optimizer(jt)
    ref_sched = torch.optim.lr_scheduler.StepLR(ref_opt, 3)
    sched = jsched.StepLR(opt, 3)
    for _ in range(4):
        opt.step(), sched.step(), ref_opt.step(), ref_sched.step()
    sd = sched.state_dict()
    assert sd.keys() == ref_sched.state_dict().keys()
    assert sd == {k: v for k, v in ref_sched.state_dict().items()}
    fresh = jsched.StepLR(_optimizer(jt), 3)
    fresh.load_state_dict(sd)
    assert fresh.last_epoch == 4 and fresh.get_last_lr() == sched.get_last_lr()


def test_step_before_optimizer_warns():
    for lib in (torch, jt):
        opt = _optimizer(lib)
        sched = lib.optim.lr_scheduler.StepLR(opt, 3)
        with pytest.warns(UserWarning, match=r"Detected call of `lr_scheduler.step\(\)` before `optimizer.step\(\)`"):
            sched.step()
        opt = _optimizer(lib)
        sched = lib.optim.lr_scheduler.StepLR(opt, 3)
        opt.step()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            sched.step()


ERRORS = [
    (lambda s, o: s.LinearLR(o, start_factor=0), ValueError, "Starting multiplicative factor"),
    (lambda s, o: s.ConstantLR(o, factor=2), ValueError, "Constant multiplicative factor"),
    (lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=0), ValueError, "Expected positive integer T_0"),
    (lambda s, o: s.OneCycleLR(o, max_lr=1.0), ValueError, "You must define either total_steps"),
    (lambda s, o: s.ReduceLROnPlateau(o, factor=1.0), ValueError, "Factor should be < 1.0."),
    (lambda s, o: s.LambdaLR(o, [lambda e: 1]), ValueError, "Expected 2 lr_lambdas, but got 1"),
    (lambda s, o: s.SequentialLR(o, [], []), ValueError, "expects at least one scheduler"),
    (lambda s, o: s.StepLR(o, 3, last_epoch=4), KeyError, "initial_lr"),
    (lambda s, o: s.StepLR(object(), 3), TypeError, "object is not an Optimizer"),
]


@pytest.mark.parametrize("make,error,regex", ERRORS)
def test_errors_match_torch(make, error, regex):
    for lib in (torch, jt):
        with pytest.raises(error, match=regex):
            make(lib.optim.lr_scheduler, _optimizer(lib))


def test_tensor_lr_filled_in_place():
    lr = jt.tensor(0.1)
    opt = jt.optim.SGD([jt.zeros(2, requires_grad=True)], lr=lr)
    sched = jsched.ExponentialLR(opt, 0.5)
    opt.step()
    sched.step()
    assert opt.param_groups[0]["lr"] is lr and math.isclose(lr.item(), 0.05, rel_tol=1e-6)
