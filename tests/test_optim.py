"""jtorch.optim against torch.optim: 20-step trajectories of a small MLP, state names, runtime
hyper-parameters (no recompiles), argument errors, jit/vmap/grad and dtypes."""
import re

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
import torch

import jtorch.optim as jo
from torch_ref import assert_close, rand, to_torch

SHAPES = {"0.weight": (8, 4), "0.bias": (8,), "2.weight": (3, 8), "2.bias": (3,), "scale": ()}  # with a 0-d param
X, Y = rand((16, 4), seed=1), rand((16, 3), seed=2)


def initial_params(dtype=np.float32):
    params = {k: rand(s, seed=10 + i, dtype=dtype, low=-0.5, high=0.5) for i, (k, s) in enumerate(SHAPES.items())}
    return dict(params, scale=np.array(1.5, dtype))  # a well-conditioned problem: no near-zero gradient entries


def loss(p, x, y, lib):
    h = lib.tanh(x @ p["0.weight"].T + p["0.bias"])
    return ((p["scale"] * (h @ p["2.weight"].T) + p["2.bias"] - y) ** 2).mean()


def torch_run(torch_cls, kwargs, steps, params0, changes=None, scheduler=None):
    """Trajectory (list of param dicts) and final optimizer, PyTorch's way; ``changes[i]`` updates
    ``param_groups[0]`` before step ``i``."""
    params = {k: to_torch(v, requires_grad=True) for k, v in params0.items()}
    opt = torch_cls(list(params.values()), **kwargs)
    sched = scheduler(opt) if scheduler else None
    x, y = to_torch(X.astype(params0["0.bias"].dtype)), to_torch(Y.astype(params0["0.bias"].dtype))
    traj = []
    for i in range(steps):
        opt.param_groups[0].update((changes or {}).get(i, {}))
        opt.zero_grad()
        loss(params, x, y, torch).backward()
        opt.step()
        if sched:
            sched.step()
        traj.append({k: v.detach().clone() for k, v in params.items()})
    return traj, opt, params


def jax_run(opt, steps, params0, changes=None):
    """Same run with a jtorch optimizer under one jitted step; returns trajectory, state, step fn."""
    x, y = jnp.asarray(X.astype(params0["0.bias"].dtype)), jnp.asarray(Y.astype(params0["0.bias"].dtype))

    @jax.jit
    def step(params, state):
        grads = jax.grad(loss)(params, x, y, jnp)
        updates, state = opt.update(grads, state, params)
        return optax.apply_updates(params, updates), state

    params = {k: jnp.asarray(v) for k, v in params0.items()}
    state = opt.init(params)
    traj = []
    for i in range(steps):
        if changes and i in changes:
            jo.set_hyperparams(state, **changes[i])
        params, state = step(params, state)
        traj.append(params)
    return traj, state, step


def assert_state_matches(inner, torch_opt, torch_params):
    """Every field of our state NamedTuple that PyTorch also keeps has PyTorch's name and value."""
    for i, (key, tp) in enumerate(torch_params.items()):
        tstate = torch_opt.state[tp]
        for field in inner._fields:
            ours = getattr(inner, field)
            if ours is None:
                assert field not in tstate, field
            elif field in tstate:
                ours, want = ours[key] if isinstance(ours, dict) else ours, tstate[field]
                # buffers that accumulate (momentum) are compared relative to their largest entry
                assert_close(ours, want, rtol=1e-4, atol=1e-5 * float(want.abs().max()),
                             check_dtype=field not in ("step", "mu_product"))


S, A, W = torch.optim.SGD, torch.optim.Adam, torch.optim.AdamW
OPTIMIZERS = [  # (jtorch factory, torch class, kwargs shared by both)
    (jo.sgd, S, dict(lr=0.1)),
    (jo.sgd, S, dict(lr=0.1, momentum=0.9)),
    (jo.sgd, S, dict(lr=0.1, momentum=0.9, dampening=0.5)),
    (jo.sgd, S, dict(lr=0.1, momentum=0.9, nesterov=True)),
    (jo.sgd, S, dict(lr=0.1, momentum=0.5, weight_decay=0.1)),
    (jo.sgd, S, dict(lr=0.01, weight_decay=0.1, maximize=True)),
    (jo.adam, A, dict(lr=0.01)),
    (jo.adam, A, dict(lr=0.01, weight_decay=0.1)),
    (jo.adam, A, dict(lr=0.01, amsgrad=True, betas=(0.8, 0.99))),
    (jo.adam, A, dict(lr=0.01, maximize=True, eps=1e-3)),
    (jo.adam, A, dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    (jo.adamw, W, dict(lr=0.01)),
    (jo.adamw, W, dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    (jo.rmsprop, torch.optim.RMSprop, dict(lr=0.01)),
    (jo.rmsprop, torch.optim.RMSprop, dict(lr=0.01, centered=True, alpha=0.9)),
    (jo.rmsprop, torch.optim.RMSprop, dict(lr=0.01, momentum=0.9)),
    (jo.rmsprop, torch.optim.RMSprop, dict(lr=0.01, momentum=0.5, centered=True, weight_decay=0.1)),
    (jo.adagrad, torch.optim.Adagrad, dict(lr=0.1)),
    (jo.adagrad, torch.optim.Adagrad, dict(lr=0.1, lr_decay=0.1, initial_accumulator_value=0.5, weight_decay=0.1)),
    (jo.adadelta, torch.optim.Adadelta, dict()),
    (jo.adadelta, torch.optim.Adadelta, dict(lr=0.5, rho=0.8, weight_decay=0.1, maximize=True)),
    (jo.adamax, torch.optim.Adamax, dict(lr=0.01)),
    (jo.adamax, torch.optim.Adamax, dict(lr=0.01, weight_decay=0.1, betas=(0.8, 0.9))),
    (jo.nadam, torch.optim.NAdam, dict(lr=0.01)),
    (jo.nadam, torch.optim.NAdam, dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, momentum_decay=0.01)),
    (jo.radam, torch.optim.RAdam, dict(lr=0.01)),
    (jo.radam, torch.optim.RAdam, dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, betas=(0.9, 0.9))),
]
IDS = [f"{f.__name__}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for f, _, kw in OPTIMIZERS]


@pytest.mark.parametrize("factory,torch_cls,kwargs", OPTIMIZERS, ids=IDS)
def test_trajectory_matches_torch(factory, torch_cls, kwargs):
    params0 = initial_params()
    want, topt, tparams = torch_run(torch_cls, kwargs, 20, params0)
    got, state, _ = jax_run(factory(**kwargs), 20, params0)
    for g, w in zip(got, want):
        for k in SHAPES:
            assert_close(g[k], w[k], rtol=1e-5, atol=1e-6)
    assert_state_matches(state.inner_state, topt, tparams)


@pytest.fixture
def x64():
    with jax.enable_x64(True):
        yield


@pytest.mark.parametrize("factory,torch_cls,kwargs", [OPTIMIZERS[i] for i in (2, 8, 16, 18, 24, 26)],
                         ids=[IDS[i] for i in (2, 8, 16, 18, 24, 26)])
def test_trajectory_float64(x64, factory, torch_cls, kwargs):
    params0 = initial_params(np.float64)
    want, _, _ = torch_run(torch_cls, kwargs, 10, params0)
    got, state, _ = jax_run(factory(**kwargs), 10, params0)
    for k in SHAPES:
        assert_close(got[-1][k], want[-1][k], rtol=1e-10, atol=1e-12)  # also checks dtype float64
    assert all(x.dtype == jnp.float64 for x in jax.tree.leaves(state.inner_state) if x.ndim)


CHANGES = [  # runtime hyper-parameter changes between steps, as `param_groups[0][name] = value`
    (jo.sgd, S, dict(lr=0.1, momentum=0.9), {5: dict(lr=0.01), 10: dict(momentum=0.5, weight_decay=0.1)}),
    (jo.adam, A, dict(lr=0.01), {5: dict(lr=0.05, betas=(0.5, 0.9)), 10: dict(eps=1e-3, weight_decay=0.1)}),
    (jo.rmsprop, torch.optim.RMSprop, dict(lr=0.01, momentum=0.9), {7: dict(momentum=0.0, alpha=0.5)}),
    (jo.sgd, S, dict(lr=0.1, momentum=0.9, dampening=0.5), {0: dict(momentum=0.0), 3: dict(momentum=0.9)}),
]


@pytest.mark.parametrize("factory,torch_cls,kwargs,changes", CHANGES, ids=[str(c[3]) for c in CHANGES])
def test_runtime_hyperparams_match_torch_without_recompiling(factory, torch_cls, kwargs, changes):
    params0 = initial_params()
    want, _, _ = torch_run(torch_cls, kwargs, 15, params0, changes)
    got, state, step = jax_run(factory(**kwargs), 15, params0, changes)
    for k in SHAPES:
        assert_close(got[-1][k], want[-1][k], rtol=1e-5, atol=1e-6)
    assert step._cache_size() == 1


def test_lr_schedule_matches_torch_scheduler():
    # lr as a schedule of the step count = PyTorch stepping StepLR after every optimizer step.
    params0 = initial_params()
    want, _, _ = torch_run(A, dict(lr=0.01), 12, params0,
                           scheduler=lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=4, gamma=0.5))
    got, state, _ = jax_run(jo.adam(lr=jo.lr_scheduler.step_lr(0.01, step_size=4, gamma=0.5)), 12, params0)
    for k in SHAPES:
        assert_close(got[-1][k], want[-1][k], rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="`lr` follows a schedule"):
        jo.set_hyperparams(state, lr=0.1)


ERRORS = [  # (jtorch factory, torch class, kwargs, PyTorch's message)
    (jo.sgd, S, dict(lr=-1), "Invalid learning rate: -1"),
    (jo.sgd, S, dict(lr=0.1, momentum=-0.5), "Invalid momentum value: -0.5"),
    (jo.sgd, S, dict(lr=0.1, weight_decay=-1), "Invalid weight_decay value: -1"),
    (jo.sgd, S, dict(lr=0.1, nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
    (jo.sgd, S, dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "Nesterov momentum requires"),
    (jo.adam, A, dict(betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
    (jo.adam, A, dict(betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
    (jo.adam, A, dict(eps=-1e-8), "Invalid epsilon value: -1e-08"),
    (jo.adamw, W, dict(lr=-0.5), "Invalid learning rate: -0.5"),
    (jo.rmsprop, torch.optim.RMSprop, dict(alpha=-1), "Invalid alpha value: -1"),
    (jo.rmsprop, torch.optim.RMSprop, dict(momentum=-1), "Invalid momentum value: -1"),
    (jo.adagrad, torch.optim.Adagrad, dict(lr_decay=-1), "Invalid lr_decay value: -1"),
    (jo.adagrad, torch.optim.Adagrad, dict(initial_accumulator_value=-1),
     "Invalid initial_accumulator_value value: -1"),
    (jo.adadelta, torch.optim.Adadelta, dict(rho=1.5), "Invalid rho value: 1.5"),
    (jo.adamax, torch.optim.Adamax, dict(betas=(0.9, 1.0)), "Invalid beta parameter at index 1: 1.0"),
    (jo.nadam, torch.optim.NAdam, dict(momentum_decay=-1), "Invalid momentum_decay value: -1"),
    (jo.radam, torch.optim.RAdam, dict(weight_decay=-1), "Invalid weight_decay value: -1"),
]


@pytest.mark.parametrize("factory,torch_cls,kwargs,message", ERRORS, ids=[e[3] for e in ERRORS])
def test_invalid_arguments_raise_torch_error(factory, torch_cls, kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        torch_cls([torch.zeros(1, requires_grad=True)], **kwargs)
    with pytest.raises(ValueError, match=re.escape(message)):
        factory(**kwargs)


def test_update_needs_params():
    opt = jo.adam()
    state = opt.init({"w": jnp.zeros(2)})
    with pytest.raises(ValueError, match=r"update\(grads, state, params\)"):
        opt.update({"w": jnp.ones(2)}, state)


def test_complex_params_not_implemented():
    with pytest.raises(NotImplementedError, match="complex parameters"):
        jo.adam().init({"w": jnp.ones(2, jnp.complex64)})


def test_set_hyperparams_rejects_unknown_and_static():
    state = jo.sgd(lr=0.1).init({"w": jnp.zeros(2)})  # momentum=0: no buffer, momentum is not runtime
    with pytest.raises(KeyError, match="`momentum` is not a runtime hyper-parameter"):
        jo.set_hyperparams(state, momentum=0.9)
    assert state.inner_state.momentum_buffer is None
    assert sorted(state.hyperparams) == ["dampening", "lr", "weight_decay"]


def one_step(opt, params, grads):
    updates, _ = opt.update(grads, opt.init(params), params)
    return optax.apply_updates(params, updates)


def test_traced_hyperparams_under_jit_vmap_grad():
    p, g = {"w": jnp.array([1.0, -2.0, 3.0])}, {"w": jnp.array([0.5, 0.25, -1.0])}
    lrs = jnp.array([0.1, 0.2, 0.3])
    # hyper-parameters may be traced at construction (no Python checks on them), under jit and vmap
    batched = jax.vmap(lambda lr: one_step(jo.sgd(lr=lr, momentum=lr, weight_decay=lr), p, g)["w"])(lrs)
    looped = jnp.stack([one_step(jo.sgd(lr=float(lr), momentum=float(lr), weight_decay=float(lr)), p, g)["w"]
                        for lr in lrs])
    assert_close(batched, looped)
    jitted = jax.jit(lambda lr, b1: one_step(jo.adam(lr=lr, betas=(b1, 0.999)), p, g)["w"])(0.1, 0.9)
    assert_close(jitted, one_step(jo.adam(lr=0.1), p, g)["w"])
    # meta-gradient of the updated params w.r.t. lr: d/dlr sum(p - lr*g) = -sum(g)
    dlr = jax.grad(lambda lr: one_step(jo.sgd(lr=lr), p, g)["w"].sum())(0.1)
    assert_close(dlr, np.float32(0.25))


@pytest.mark.parametrize("factory", [jo.sgd, jo.adam, jo.rmsprop, jo.adagrad, jo.adadelta, jo.adamax, jo.nadam,
                                     jo.radam])
def test_mixed_dtype_params_keep_their_dtypes(factory):
    params = {"a": jnp.ones(3, jnp.float32), "b": jnp.ones((2, 2), jnp.bfloat16), "e": jnp.ones((0, 4))}
    opt = factory(lr=0.1)
    state = opt.init(params)
    updates, new_state = opt.update(jax.tree.map(lambda x: x * 0.5, params), state, params)
    assert jax.tree.map(lambda x: x.dtype, updates) == jax.tree.map(lambda x: x.dtype, params)
    assert jax.tree.map(lambda x: x.dtype, new_state) == jax.tree.map(lambda x: x.dtype, state)
    assert updates["e"].shape == (0, 4)


def test_one_cycle_lr_and_beta1_schedules_match_torch():
    # OneCycleLR cycles Adam's lr and betas[0]; here both are schedules given to adam.
    params0 = initial_params()
    want, _, _ = torch_run(A, dict(lr=0.01), 12, params0,
                           scheduler=lambda o: torch.optim.lr_scheduler.OneCycleLR(o, 0.05, total_steps=12))
    opt = jo.adam(lr=jo.lr_scheduler.one_cycle_lr(0.05, total_steps=12),
                  betas=(jo.lr_scheduler.one_cycle_momentum(total_steps=12), 0.999))
    got, _, _ = jax_run(opt, 12, params0)
    for k in SHAPES:
        assert_close(got[-1][k], want[-1][k], rtol=1e-5, atol=1e-6)
