"""torch.optim on the facade against real PyTorch: trajectories, skipped params, state_dict, repr, errors,
and no recompilation when hyper-parameters change between steps."""
import copy

import numpy as np
import pytest
import torch

import jtorch.compat as jt
import jtorch.compat.optim  # noqa: F401  (until the facade imports it, as torch does)
from jtorch.compat import engine

RNG = np.random.default_rng(0)
INIT = {"w": RNG.standard_normal((3, 4)).astype(np.float32), "b": RNG.standard_normal(3).astype(np.float32),
        "s": np.float32(0.7), "unused": RNG.standard_normal(2).astype(np.float32)}
X = RNG.standard_normal((5, 4)).astype(np.float32)
Y = RNG.standard_normal((5, 3)).astype(np.float32)

CONFIGS = [
    ("SGD", {"lr": 0.05}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "maximize": True}),
    ("SGD", {"lr": 0.05, "momentum": 0.5, "dampening": 0.3, "foreach": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "betas": (0.8, 0.9), "weight_decay": 0.1, "amsgrad": True}),
    ("Adam", {"lr": 0.01, "maximize": True, "decoupled_weight_decay": True, "weight_decay": 0.3}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.5, "fused": None}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True, "weight_decay": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1}),
    ("Adadelta", {"lr": 1.0, "rho": 0.8, "weight_decay": 0.1}),
    ("Adamax", {"lr": 0.02, "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.02, "momentum_decay": 0.01}),
    ("NAdam", {"lr": 0.02, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RAdam", {"lr": 0.02}),
    ("RAdam", {"lr": 0.02, "weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True}),
]


def _params(lib):
    return {k: lib.tensor(v.copy(), requires_grad=True) for k, v in INIT.items()}


def _loss(lib, p):
    pred = lib.tensor(X) @ p["w"].t() + p["b"] * p["s"]
    return ((pred - lib.tensor(Y)) ** 2).mean() + p["s"] ** 4


def _optimizer(lib, name, kwargs, p):
    groups = [{"params": [p["w"], p["unused"]]}, {"params": [p["b"], p["s"]], "lr": kwargs["lr"] / 2}]
    return getattr(lib.optim, name)(groups, **kwargs)


def _train(lib, name, kwargs, steps=20, closure=False):
    p = _params(lib)
    opt = _optimizer(lib, name, kwargs, p)
    for _ in range(steps):
        def step_loss():
            opt.zero_grad()
            loss = _loss(lib, p)
            loss.backward()
            return loss
        if closure:
            opt.step(step_loss)
        else:
            step_loss()
            opt.step()
    return {k: v.detach().numpy() for k, v in p.items()}, opt


def _state_arrays(opt):
    return {i: {k: np.asarray(v.detach().numpy()) for k, v in s.items()} for i, s in opt.state_dict()["state"].items()}


def _marked(configs):
    """The first config of each optimizer runs by default, the variants under ``-m slow``."""
    seen = set()
    for i, (name, kwargs) in enumerate(configs):
        marks = [pytest.mark.slow] if name in seen else []
        seen.add(name)
        yield pytest.param(name, kwargs, marks=marks, id=f"{name}-{i}")


@pytest.mark.parametrize("name,kwargs", _marked(CONFIGS))
def test_trajectory_and_state_match_torch(name, kwargs):
    ref, ref_opt = _train(torch, name, kwargs)
    got, opt = _train(jt, name, kwargs)
    for k in INIT:
        np.testing.assert_allclose(got[k], ref[k], rtol=1e-5, atol=1e-6, err_msg=k)
    np.testing.assert_array_equal(got["unused"], INIT["unused"])  # no grad: skipped
    ref_sd, sd = ref_opt.state_dict(), opt.state_dict()
    assert sd["param_groups"] == ref_sd["param_groups"]
    assert [list(s) for s in sd["state"].values()] == [list(s) for s in ref_sd["state"].values()]
    assert list(sd["state"]) == list(ref_sd["state"])
    ref_state, state = _state_arrays(ref_opt), _state_arrays(opt)
    for i in ref_state:
        for k in ref_state[i]:
            assert state[i][k].dtype == ref_state[i][k].dtype and state[i][k].shape == ref_state[i][k].shape
            np.testing.assert_allclose(state[i][k], ref_state[i][k], rtol=1e-4, atol=1e-6, err_msg=f"{i}.{k}")
    assert repr(opt) == repr(ref_opt)


def test_closure_returns_loss_and_runs_with_grad():
    ref, _ = _train(torch, "Adam", {"lr": 0.01}, steps=3, closure=True)
    got, _ = _train(jt, "Adam", {"lr": 0.01}, steps=3, closure=True)
    np.testing.assert_allclose(got["w"], ref["w"], rtol=1e-5)
    p = _params(jt)
    opt = jt.optim.SGD([p["w"], p["b"], p["s"]], lr=0.1)
    with jt.no_grad():
        loss = opt.step(lambda: (_loss(jt, p).backward(), _loss(jt, p))[1])
    assert isinstance(loss, jt.Tensor) and loss.requires_grad


def test_state_dict_loads_into_torch_and_back():
    got, opt = _train(jt, "Adam", {"lr": 0.01, "amsgrad": True}, steps=5)
    sd = opt.state_dict()
    # jtorch -> torch: continuing from the same point gives the same next step
    ref_p = {k: torch.tensor(v, requires_grad=True) for k, v in got.items()}
    ref_opt = _optimizer(torch, "Adam", {"lr": 0.01, "amsgrad": True}, ref_p)
    ref_opt.load_state_dict({"state": {i: {k: torch.tensor(v.numpy()) for k, v in s.items()}
                                       for i, s in sd["state"].items()},
                             "param_groups": copy.deepcopy(sd["param_groups"])})
    # torch -> jtorch
    p = {k: jt.tensor(v, requires_grad=True) for k, v in got.items()}
    opt2 = _optimizer(jt, "Adam", {"lr": 0.01}, p)
    opt2.load_state_dict({"state": {i: {k: jt.tensor(v.numpy()) for k, v in s.items()}
                                    for i, s in ref_opt.state_dict()["state"].items()},
                          "param_groups": ref_opt.state_dict()["param_groups"]})
    assert opt2.param_groups[0]["amsgrad"] is True and opt2.param_groups[0]["params"][0] is p["w"]
    for lib, params, o in ((torch, ref_p, ref_opt), (jt, p, opt2)):
        o.zero_grad()
        _loss(lib, params).backward()
        o.step()
    for k in INIT:
        np.testing.assert_allclose(p[k].detach().numpy(), ref_p[k].detach().numpy(), rtol=1e-5, atol=1e-7)


def test_changing_hyperparameters_does_not_recompile():
    p = _params(jt)
    opt = _optimizer(jt, "SGD", {"lr": 0.1, "momentum": 0.9}, p)
    for i in range(6):
        if i == 3:
            engine.reset_stats()
        opt.param_groups[0]["lr"] = 0.1 / (i + 1)
        opt.param_groups[1]["momentum"] = 0.5 + 0.05 * i
        opt.zero_grad()
        _loss(jt, p).backward()
        opt.step()
    assert engine.stats()["compilations"] == 0


def test_state_tensors_update_in_place_and_steps_are_per_parameter():
    p = _params(jt)
    opt = jt.optim.Adam([p["w"], p["b"]], lr=0.1)
    _loss(jt, p).backward()
    opt.step()
    held = opt.state[p["w"]]["exp_avg"]
    p["b"].grad = None
    opt.step()
    assert opt.state[p["w"]]["exp_avg"] is held and opt.state[p["w"]]["step"].item() == 2.0
    assert opt.state[p["b"]]["step"].item() == 1.0


def test_zero_grad_and_param_groups():
    p = _params(jt)
    opt = jt.optim.SGD([p["w"]], lr=0.1)
    opt.add_param_group({"params": p["b"], "momentum": 0.9})
    assert opt.param_groups[1]["lr"] == 0.1 and opt.param_groups[1]["momentum"] == 0.9
    _loss(jt, p).backward()
    opt.zero_grad(set_to_none=False)
    assert p["w"].grad is not None and not p["w"].grad.numpy().any()
    opt.zero_grad()
    assert p["w"].grad is None


ERRORS = [
    (lambda o, ps: o.SGD(ps, lr=-1), ValueError, "Invalid learning rate: -1"),
    (lambda o, ps: o.SGD(ps, momentum=-0.5), ValueError, "Invalid momentum value: -0.5"),
    (lambda o, ps: o.SGD(ps, nesterov=True), ValueError, "Nesterov momentum requires a momentum"),
    (lambda o, ps: o.Adam(ps, betas=(1.0, 0.9)), ValueError, r"Invalid beta parameter at index 0: 1.0"),
    (lambda o, ps: o.AdamW(ps, eps=-1e-3), ValueError, "Invalid epsilon value: -0.001"),
    (lambda o, ps: o.RMSprop(ps, alpha=-1), ValueError, "Invalid alpha value: -1"),
    (lambda o, ps: o.Adadelta(ps, rho=1.5), ValueError, "Invalid rho value: 1.5"),
    (lambda o, ps: o.SGD([], lr=0.1), ValueError, "optimizer got an empty parameter list"),
    (lambda o, ps: o.SGD(ps[0], lr=0.1), TypeError, "params argument given to the optimizer should be an iterable"),
    (lambda o, ps: o.SGD([{"params": set(ps)}], lr=0.1), TypeError, "optimizer parameters need to be organized in ordered"),
    (lambda o, ps: o.SGD([ps[0] * 2], lr=0.1), ValueError, "can't optimize a non-leaf Tensor"),
    (lambda o, ps: o.SGD([{"params": ps}, {"params": ps[:1]}], lr=0.1), ValueError,
     "some parameters appear in more than one parameter group"),
]


@pytest.mark.parametrize("make,error,regex", ERRORS)
def test_errors_match_torch(make, error, regex):
    for lib in (torch, jt):
        with pytest.raises(error, match=regex):
            make(lib.optim, [lib.zeros(2, requires_grad=True), lib.zeros(3, requires_grad=True)])
