"""jtorch.optim's gradient clipping against torch.nn.utils (values, the returned norm, inside jit)."""
import math

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
import torch

import jtorch.optim as jo

SHAPES = [(3, 4), (5,), (2, 2, 3)]


def _grads(scale, seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal(s) * scale).astype(np.float32) for s in SHAPES]


def _torch_params(grads):
    params = [torch.zeros(g.shape, requires_grad=True) for g in grads]
    for p, g in zip(params, grads):
        p.grad = torch.tensor(g)
    return params


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
@pytest.mark.parametrize("scale", [0.01, 10.0])  # below and above max_norm
def test_clip_grad_norm_matches_torch(norm_type, scale):
    grads = _grads(scale)
    params = _torch_params(grads)
    total = torch.nn.utils.clip_grad_norm_(params, max_norm=0.5, norm_type=norm_type)
    tree = {"a": jnp.asarray(grads[0]), "b": [jnp.asarray(g) for g in grads[1:]]}
    clip = jo.clip_grad_norm(0.5, norm_type)
    step = jax.jit(lambda g: clip.update(g, clip.init(g))[0])
    out = step(tree)
    np.testing.assert_allclose(jo.get_total_norm(tree, norm_type), total.numpy(), rtol=1e-5)
    for got, p in zip([out["a"], *out["b"]], params):
        np.testing.assert_allclose(got, p.grad.numpy(), rtol=1e-5, atol=1e-7)
        assert got.dtype == jnp.float32


def test_clip_grad_value_matches_torch():
    grads = _grads(1.0)
    params = _torch_params(grads)
    torch.nn.utils.clip_grad_value_(params, 0.3)
    clip = jo.clip_grad_value(0.3)
    out, _ = clip.update(grads, clip.init(grads))
    for got, p in zip(out, params):
        np.testing.assert_array_equal(got, p.grad.numpy())


def test_clipping_chains_before_an_optimizer_as_in_the_word_language_model():
    """clip_grad_norm_ then SGD(lr=20): one torch step and one jitted optax.chain step agree."""
    grads = _grads(3.0)
    params = _torch_params(grads)
    opt = torch.optim.SGD(params, lr=20)
    torch.nn.utils.clip_grad_norm_(params, 0.25)
    opt.step()
    chain = optax.chain(jo.clip_grad_norm(0.25), jo.sgd(lr=20))
    zeros = [jnp.zeros(s, jnp.float32) for s in SHAPES]

    @jax.jit
    def step(p, g):
        updates, _ = chain.update(g, chain.init(p), p)
        return optax.apply_updates(p, updates)

    for got, p in zip(step(zeros, grads), params):
        np.testing.assert_allclose(got, p.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_empty_tree_norm_is_zero():
    assert float(jo.get_total_norm([])) == float(torch.nn.utils.get_total_norm([]))
