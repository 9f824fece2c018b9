"""The built-in optimizers reuse each param group's step plan between steps (``_core_step._Plan``): every
change a training script can make between two steps must still reach the step. Each case edits the
optimizer mid-training in the same way on torch and on the facade and compares parameters and state.
Most edits come at step 5, whose plan step 4 built (both steps give every parameter a gradient)."""
import copy

import numpy as np
import pytest
import torch

import jtorch.compat as jt
import jtorch.compat.optim  # noqa: F401  (until the facade imports it, as torch does)
from jtorch.compat import engine

RNG = np.random.default_rng(1)
INIT = {"w": RNG.standard_normal((3, 4)).astype(np.float32), "b": RNG.standard_normal(3).astype(np.float32),
        "c": RNG.standard_normal(3).astype(np.float32)}
X = RNG.standard_normal((5, 4)).astype(np.float32)


def _loss(lib, p, i):
    out = lib.tensor(X).to(p["w"].dtype) @ p["w"].t() + p["b"]
    loss = (out ** 2).mean()
    return loss + (p["c"] * out).sum() if i % 3 else loss  # "c" has no grad on steps 0, 3, 6


def _set_lr_tensor(lib, opt, p, i):
    if i == 0:
        opt.param_groups[0]["lr"] = lib.tensor(0.05)
    else:
        opt.param_groups[0]["lr"].fill_(0.05 / (i + 1))  # in place: same object, new value


def _set_betas(lib, opt, p, i):
    if i == 5:
        opt.param_groups[0]["betas"] = (0.5, 0.9)


def _mutate_betas_list(lib, opt, p, i):
    if i == 5:
        opt.param_groups[0]["betas"][0] = 0.5  # in place: same list object, new value


def _add_group(lib, opt, p, i):
    if i == 2:
        opt.add_param_group({"params": [p["c"]], "lr": 0.2})


def _replace_state(lib, opt, p, i):
    if i == 5:
        opt.state[p["w"]]["exp_avg"] = lib.ones(3, 4)


def _reset_state(lib, opt, p, i):
    if i == 5:
        del opt.state[p["w"]]  # starts over from the initial state


def _to_double(lib, opt, p, i):
    if i == 5:
        for t in p.values():
            t.data = t.data.double()


def _reload(lib, opt, p, i):
    if i == 5:
        opt.load_state_dict(opt.state_dict())


def _momentum_on(lib, opt, p, i):
    if i == 5:
        opt.param_groups[0]["momentum"] = 0.9


def _swap_params(lib, opt, p, i):
    if i == 5:
        opt.param_groups[0]["params"].reverse()


CASES = [
    ("Adam", {"lr": 0.05}, _set_lr_tensor),
    ("Adam", {"lr": 0.05}, _set_betas),
    ("Adamax", {"lr": 0.05, "betas": [0.9, 0.999]}, _mutate_betas_list),
    ("Adam", {"lr": 0.05}, _replace_state),
    ("Adam", {"lr": 0.05}, _reset_state),
    ("Adam", {"lr": 0.05, "amsgrad": True}, _reload),
    ("SGD", {"lr": 0.05, "momentum": 0.5}, _add_group),
    ("SGD", {"lr": 0.05}, _momentum_on),
    ("SGD", {"lr": 0.05}, _to_double),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9}, _swap_params),
]


def _train(lib, name, kwargs, edit, steps=7):
    p = {k: lib.tensor(v.copy(), requires_grad=True) for k, v in INIT.items()}
    kwargs = copy.deepcopy(kwargs)  # an edit may mutate an option in place
    opt = getattr(lib.optim, name)([p["w"], p["b"]] if edit is _add_group else list(p.values()), **kwargs)
    for i in range(steps):
        edit(lib, opt, p, i)
        opt.zero_grad()
        _loss(lib, p, i).backward()
        opt.step()
    state = {i: {k: v.detach().numpy().copy() for k, v in s.items()} for i, s in opt.state_dict()["state"].items()}
    return {k: (v.detach().numpy(), str(v.dtype)) for k, v in p.items()}, state


@pytest.mark.parametrize("name,kwargs,edit", CASES, ids=[f"{n}-{e.__name__[1:]}" for n, _, e in CASES])
def test_edits_between_steps_match_torch(name, kwargs, edit):
    ref, ref_state = _train(torch, name, kwargs, edit)
    got, state = _train(jt, name, kwargs, edit)
    for k in INIT:
        np.testing.assert_allclose(got[k][0], ref[k][0], rtol=1e-5, atol=1e-6, err_msg=k)
        assert got[k][1] == ref[k][1] and got[k][0].dtype == ref[k][0].dtype
    assert list(state) == list(ref_state)
    for i in ref_state:
        assert list(state[i]) == list(ref_state[i])
        for k in ref_state[i]:
            np.testing.assert_allclose(state[i][k], ref_state[i][k], rtol=1e-4, atol=1e-5, err_msg=f"{i}.{k}")


def test_new_lr_values_reuse_the_plan_without_recompiling():
    p = {k: jt.tensor(v.copy(), requires_grad=True) for k, v in INIT.items()}
    opt = jt.optim.Adam(list(p.values()), lr=0.1)
    for i in range(6):
        if i == 3:
            engine.reset_stats()
            plan = opt._plans[0]
        opt.param_groups[0]["lr"] = 0.1 / (i + 1)
        opt.zero_grad()
        _loss(jt, p, 1).backward()
        opt.step()
    assert engine.stats()["compilations"] == 0 and opt._plans[0] is plan
