"""jtorch.optim.lr_scheduler against torch.optim.lr_scheduler: get_last_lr() (and cycled momentum) over
100 scheduler steps, ReduceLROnPlateau on scripted metrics, and PyTorch's argument errors."""
import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler as tls

import jtorch.optim as jo
from jtorch.optim import lr_scheduler as ls

BASE = 0.1
STEPS = 100


def torch_sequence(make_scheduler, steps=STEPS, opt_cls=torch.optim.SGD, **opt_kwargs):
    """get_last_lr()[0] and the optimizer's momentum (or beta1) after 0..steps scheduler steps."""
    opt = opt_cls([torch.zeros(1, requires_grad=True)], lr=BASE, **opt_kwargs)
    sched = make_scheduler(opt)
    group = opt.param_groups[0]
    momentum = lambda: group["betas"][0] if "betas" in group else group.get("momentum")  # noqa: E731
    lrs, moms = [sched.get_last_lr()[0]], [momentum()]
    for _ in range(steps):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr()[0])
        moms.append(momentum())
    return np.array(lrs, np.float64), np.array(moms, np.float64)


def ours(schedule, steps=STEPS):
    return np.asarray(jax.jit(jax.vmap(schedule))(jnp.arange(steps + 1)))


SCHEDULES = [  # (id, jtorch schedule, torch scheduler factory)
    ("step", ls.step_lr(BASE, 7), lambda o: tls.StepLR(o, 7)),
    ("step-g0.9", ls.step_lr(BASE, 1, gamma=0.9), lambda o: tls.StepLR(o, 1, gamma=0.9)),
    ("multistep", ls.multi_step_lr(BASE, [10, 30, 30, 80], 0.5), lambda o: tls.MultiStepLR(o, [10, 30, 30, 80], 0.5)),
    ("multistep-unsorted", ls.multi_step_lr(BASE, [50, 5]), lambda o: tls.MultiStepLR(o, [50, 5])),
    ("exp-0.95", ls.exponential_lr(BASE, 0.95), lambda o: tls.ExponentialLR(o, 0.95)),
    ("exp-0.9", ls.exponential_lr(BASE, 0.9), lambda o: tls.ExponentialLR(o, 0.9)),
    ("exp-1.02", ls.exponential_lr(BASE, 1.02), lambda o: tls.ExponentialLR(o, 1.02)),
    ("cos-100", ls.cosine_annealing_lr(BASE, 100), lambda o: tls.CosineAnnealingLR(o, 100)),
    ("cos-30-min", ls.cosine_annealing_lr(BASE, 30, 1e-3), lambda o: tls.CosineAnnealingLR(o, 30, 1e-3)),
    ("cos-7", ls.cosine_annealing_lr(BASE, 7), lambda o: tls.CosineAnnealingLR(o, 7)),
    ("lambda-mix", ls.lambda_lr(BASE, lambda e: 0.5 + 0.5 / (1 + e)), lambda o: tls.LambdaLR(o, lambda e: 0.5 + 0.5 / (1 + e))),
    ("lambda-inv", ls.lambda_lr(BASE, lambda e: 1 / (e + 1)), lambda o: tls.LambdaLR(o, lambda e: 1 / (e + 1))),
    ("mult-const", ls.multiplicative_lr(BASE, lambda e: 0.95), lambda o: tls.MultiplicativeLR(o, lambda e: 0.95)),
    ("mult-var", ls.multiplicative_lr(BASE, lambda e: 1 - 0.005 * e),
     lambda o: tls.MultiplicativeLR(o, lambda e: 1 - 0.005 * e)),
    ("linear", ls.linear_lr(BASE), lambda o: tls.LinearLR(o)),
    ("linear-40", ls.linear_lr(BASE, 0.25, 0.75, 40), lambda o: tls.LinearLR(o, 0.25, 0.75, 40)),
    ("linear-down", ls.linear_lr(BASE, 1.0, 0.0, 100), lambda o: tls.LinearLR(o, 1.0, 0.0, 100)),
    ("constant", ls.constant_lr(BASE), lambda o: tls.ConstantLR(o)),
    ("constant-50", ls.constant_lr(BASE, 0.5, 50), lambda o: tls.ConstantLR(o, 0.5, 50)),
    ("poly", ls.polynomial_lr(BASE), lambda o: tls.PolynomialLR(o)),
    ("poly-60-2", ls.polynomial_lr(BASE, 60, 2.0), lambda o: tls.PolynomialLR(o, 60, 2.0)),
    ("poly-100-0.5", ls.polynomial_lr(BASE, 100, 0.5), lambda o: tls.PolynomialLR(o, 100, 0.5)),
    ("warm-10", ls.cosine_annealing_warm_restarts(BASE, 10), lambda o: tls.CosineAnnealingWarmRestarts(o, 10)),
    ("warm-3x2", ls.cosine_annealing_warm_restarts(BASE, 3, 2, 0.01),
     lambda o: tls.CosineAnnealingWarmRestarts(o, 3, 2, 0.01)),
    ("warm-1x3", ls.cosine_annealing_warm_restarts(BASE, 1, 3), lambda o: tls.CosineAnnealingWarmRestarts(o, 1, 3)),
    ("cyclic-tri", ls.cyclic_lr(0.01, 0.1, 10), lambda o: tls.CyclicLR(o, 0.01, 0.1, 10)),
    ("cyclic-tri2", ls.cyclic_lr(0.01, 0.1, 7, 13, "triangular2"),
     lambda o: tls.CyclicLR(o, 0.01, 0.1, 7, 13, "triangular2")),
    ("cyclic-exp", ls.cyclic_lr(0.01, 0.1, 5, mode="exp_range", gamma=0.99),
     lambda o: tls.CyclicLR(o, 0.01, 0.1, 5, mode="exp_range", gamma=0.99)),
    ("cyclic-fn", ls.cyclic_lr(0.01, 0.1, 6, scale_fn=lambda x: 1 / (1 + x), scale_mode="iterations"),
     lambda o: tls.CyclicLR(o, 0.01, 0.1, 6, scale_fn=lambda x: 1 / (1 + x), scale_mode="iterations")),
    ("onecycle", ls.one_cycle_lr(1.0, STEPS), lambda o: tls.OneCycleLR(o, 1.0, STEPS)),
    ("onecycle-3phase-linear", ls.one_cycle_lr(1.0, STEPS, anneal_strategy="linear", three_phase=True),
     lambda o: tls.OneCycleLR(o, 1.0, STEPS, anneal_strategy="linear", three_phase=True)),
    ("onecycle-epochs", ls.one_cycle_lr(0.5, epochs=10, steps_per_epoch=10, pct_start=0.25, div_factor=10.0),
     lambda o: tls.OneCycleLR(o, 0.5, epochs=10, steps_per_epoch=10, pct_start=0.25, div_factor=10.0)),
    ("onecycle-3phase-cos", ls.one_cycle_lr(1.0, STEPS, three_phase=True, final_div_factor=100.0),
     lambda o: tls.OneCycleLR(o, 1.0, STEPS, three_phase=True, final_div_factor=100.0)),
    ("seq-warmup-cos", ls.sequential_lr([ls.linear_lr(BASE, 0.1, 1.0, 5), ls.cosine_annealing_lr(BASE, 95)], [5]),
     lambda o: tls.SequentialLR(o, [tls.LinearLR(o, 0.1, 1.0, 5), tls.CosineAnnealingLR(o, 95)], [5])),
    ("seq-three", ls.sequential_lr([ls.constant_lr(BASE, 0.5, 20), ls.exponential_lr(BASE, 0.9),
                                    ls.step_lr(BASE, 10)], [10, 40]),
     lambda o: tls.SequentialLR(o, [tls.ConstantLR(o, 0.5, 20), tls.ExponentialLR(o, 0.9), tls.StepLR(o, 10)],
                                [10, 40])),
    ("chained", ls.chained_scheduler(BASE, [ls.constant_lr(BASE, 0.5, 10), ls.exponential_lr(BASE, 0.95)]),
     lambda o: tls.ChainedScheduler([tls.ConstantLR(o, 0.5, 10), tls.ExponentialLR(o, 0.95)])),
    ("chained-linear-step", ls.chained_scheduler(BASE, [ls.linear_lr(BASE, 0.2, 1.0, 20), ls.step_lr(BASE, 15)]),
     lambda o: tls.ChainedScheduler([tls.LinearLR(o, 0.2, 1.0, 20), tls.StepLR(o, 15)])),
]


@pytest.mark.parametrize("schedule,make", [s[1:] for s in SCHEDULES], ids=[s[0] for s in SCHEDULES])
def test_schedule_matches_torch(schedule, make, request):
    want, _ = torch_sequence(make, momentum=0.9)
    got = ours(schedule)
    assert got.dtype == np.float32  # the default float dtype (float64 under x64)
    # multiplicative_lr's running float32 product rounds once per step
    rtol = 3e-6 if request.node.callspec.id.startswith("mult") else 1e-6
    np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-10)


@pytest.mark.parametrize("schedule,make", [SCHEDULES[i][1:] for i in (5, 7, 24, 31, 34)],
                         ids=[SCHEDULES[i][0] for i in (5, 7, 24, 31, 34)])
def test_schedule_float64(schedule, make):
    with jax.enable_x64(True):
        got = ours(schedule)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, torch_sequence(make, momentum=0.9)[0], rtol=1e-10, atol=1e-15)


MOMENTUM = [  # (id, jtorch momentum schedule, torch scheduler factory, torch optimizer, its kwargs)
    ("onecycle-sgd", ls.one_cycle_momentum(total_steps=STEPS), lambda o: tls.OneCycleLR(o, 1.0, STEPS),
     torch.optim.SGD, dict(momentum=0.9)),
    ("onecycle-adam-3phase", ls.one_cycle_momentum(0.8, 0.9, STEPS, anneal_strategy="linear", three_phase=True),
     lambda o: tls.OneCycleLR(o, 1.0, STEPS, anneal_strategy="linear", three_phase=True, base_momentum=0.8,
                              max_momentum=0.9), torch.optim.Adam, {}),
    ("cyclic-sgd", ls.cyclic_momentum(0.8, 0.9, 7, 13, "triangular2"),
     lambda o: tls.CyclicLR(o, 0.01, 0.1, 7, 13, "triangular2"), torch.optim.SGD, dict(momentum=0.9)),
]


@pytest.mark.parametrize("schedule,make,opt_cls,opt_kwargs", [m[1:] for m in MOMENTUM], ids=[m[0] for m in MOMENTUM])
def test_cycled_momentum_matches_torch(schedule, make, opt_cls, opt_kwargs):
    _, want = torch_sequence(make, opt_cls=opt_cls, **opt_kwargs)
    np.testing.assert_allclose(ours(schedule), want, rtol=1e-6)


def test_per_epoch_matches_torch_epoch_stepping():
    want, _ = torch_sequence(lambda o: tls.StepLR(o, 3, 0.5), steps=10)
    got = ours(ls.per_epoch(ls.step_lr(BASE, 3, 0.5), steps_per_epoch=4), steps=39)
    np.testing.assert_allclose(got, np.repeat(want, 4)[:40], rtol=1e-6)


METRICS = [5.0, 4.0, 4.0, 3.9999, 4.1, 4.0, 3.0, 3.0, 3.0, 3.0, 3.0, 2.9, 2.95, 3.1, 3.0, 2.0, 2.0, 2.0, 2.0, 2.5,
           2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5]
PLATEAU = [
    dict(patience=2),
    dict(mode="max", patience=1, threshold=0.1, threshold_mode="abs", cooldown=2),
    dict(patience=0, factor=0.5, min_lr=0.02),
    dict(patience=1, factor=0.5, min_lr=0.0999999, eps=1e-6),
    dict(mode="min", patience=3, threshold=0.01, threshold_mode="rel", cooldown=1, factor=0.3),
]


@pytest.mark.parametrize("kwargs", PLATEAU, ids=[str(k) for k in PLATEAU])
def test_reduce_on_plateau_matches_torch(kwargs):
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=BASE)
    sched = tls.ReduceLROnPlateau(opt, **kwargs)
    plateau = ls.ReduceLROnPlateau(BASE, **kwargs)
    got, want = [], []
    for m in METRICS:
        sched.step(m)
        want.append(sched.get_last_lr()[0])
        got.append(plateau.step(m))
    assert got == want
    assert plateau.get_last_lr() == sched.get_last_lr()


def test_reduce_on_plateau_sets_optimizer_lr():
    opt_state = jo.sgd(lr=BASE, momentum=0.9).init({"w": jnp.zeros(2)})
    plateau = ls.ReduceLROnPlateau(BASE, patience=0, factor=0.5)
    for m in (1.0, 1.0, 1.0):
        plateau.step(m, opt_state)
    assert opt_state.hyperparams["lr"].dtype == jnp.float32
    np.testing.assert_allclose(opt_state.hyperparams["lr"], BASE / 4, rtol=1e-7)


ERRORS = [  # (jtorch call, torch call, error type, PyTorch's message)
    (lambda: ls.constant_lr(BASE, factor=1.5), lambda o: tls.ConstantLR(o, factor=1.5), ValueError,
     "Constant multiplicative factor expected to be between 0 and 1."),
    (lambda: ls.linear_lr(BASE, start_factor=0), lambda o: tls.LinearLR(o, start_factor=0), ValueError,
     "Starting multiplicative factor expected to be greater than 0"),
    (lambda: ls.linear_lr(BASE, end_factor=1.5), lambda o: tls.LinearLR(o, end_factor=1.5), ValueError,
     "Ending multiplicative factor expected to be between 0 and 1."),
    (lambda: ls.multiplicative_lr(BASE, 0.5), lambda o: tls.MultiplicativeLR(o, 0.5), TypeError,
     "lr_lambda should be a function, but got float"),
    (lambda: ls.cosine_annealing_warm_restarts(BASE, 0), lambda o: tls.CosineAnnealingWarmRestarts(o, 0),
     ValueError, "Expected positive integer T_0, but got 0"),
    (lambda: ls.cosine_annealing_warm_restarts(BASE, 2, 0), lambda o: tls.CosineAnnealingWarmRestarts(o, 2, 0),
     ValueError, "Expected integer T_mult >= 1, but got 0"),
    (lambda: ls.one_cycle_lr(1.0), lambda o: tls.OneCycleLR(o, 1.0), ValueError,
     "You must define either total_steps OR (epochs AND steps_per_epoch)"),
    (lambda: ls.one_cycle_lr(1.0, 0), lambda o: tls.OneCycleLR(o, 1.0, 0), ValueError,
     "Expected positive integer total_steps, but got 0"),
    (lambda: ls.one_cycle_momentum(total_steps=10, pct_start=1.5), lambda o: tls.OneCycleLR(o, 1.0, 10, pct_start=1.5),
     ValueError, "Expected float between 0 and 1 pct_start, but got 1.5"),
    (lambda: ls.one_cycle_lr(1.0, 10, anneal_strategy="exp"), lambda o: tls.OneCycleLR(o, 1.0, 10, anneal_strategy="exp"),
     ValueError, "anneal_strategy must be one of 'cos' or 'linear', instead got exp"),
    (lambda: ls.cyclic_lr(0.01, 0.1, mode="sine"), lambda o: tls.CyclicLR(o, 0.01, 0.1, mode="sine"), ValueError,
     "mode is invalid and scale_fn is None"),
    (lambda: ls.sequential_lr([ls.step_lr(BASE, 2)], [3]),
     lambda o: tls.SequentialLR(o, [tls.StepLR(o, 2)], [3]), ValueError,
     "number of schedulers 1 and the number of milestones to be equal to 1"),
    (lambda: ls.ReduceLROnPlateau(BASE, factor=1.0), lambda o: tls.ReduceLROnPlateau(o, factor=1.0), ValueError,
     "Factor should be < 1.0."),
    (lambda: ls.ReduceLROnPlateau(BASE, mode="up"), lambda o: tls.ReduceLROnPlateau(o, mode="up"), ValueError,
     "mode up is unknown!"),
    (lambda: ls.ReduceLROnPlateau(BASE, threshold_mode="x"), lambda o: tls.ReduceLROnPlateau(o, threshold_mode="x"),
     ValueError, "threshold mode x is unknown!"),
]


@pytest.mark.parametrize("ours_call,torch_call,error,message", ERRORS, ids=[e[3][:40] for e in ERRORS])
def test_invalid_arguments_raise_torch_error(ours_call, torch_call, error, message):
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=BASE, momentum=0.9)
    with pytest.raises(error, match=re.escape(message)):
        torch_call(opt)
    with pytest.raises(error, match=re.escape(message)):
        ours_call()
