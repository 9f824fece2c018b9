"""Sampling ops: ``rand``/``randn``/``randint``/``randperm``/``normal``/``bernoulli``/``multinomial``
(+ ``_like``) and the in-place ``uniform_``/``normal_``/``random_``/``bernoulli_``/``exponential_``.

``normal(mean_tensor, std_tensor)`` is differentiable in ``mean`` and ``std`` (``mean + std * eps``), as in
PyTorch."""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._random import default_generator, key_of, sample
from .._tensor import Tensor, call
from ..engine import Op
from ._convert import py_scalar, requiring_grad
from ._creation import _dt, _size
from ._registry import inplace, register

_UNIFORM = Op("rand", key_of(lambda k, *, shape, low, high, dtype: jax.random.uniform(k, shape, dtype, low, high)))
_NORMAL = Op("randn", key_of(lambda k, *, shape, mean, std, dtype: mean + std * jax.random.normal(k, shape, dtype)))
_RANDINT = Op("randint", key_of(lambda k, *, shape, low, high, dtype: jax.random.randint(
    k, shape, low, high, jnp.int64).astype(dtype)))
_PERM = Op("randperm", key_of(lambda k, *, n, dtype: jax.random.permutation(k, n).astype(dtype)))
_BERNOULLI = Op("bernoulli", key_of(lambda k, p, *, dtype: jax.random.bernoulli(k, p).astype(dtype)))
_NORMAL_T = Op("normal", key_of(lambda k, mean, std, *, dtype: (mean + std * jax.random.normal(
    k, jnp.broadcast_shapes(mean.shape, std.shape), dtype)).astype(dtype)), "NormalBackward3")


def _multinomial(k, probs, *, n, replacement):
    logits = jnp.log(probs.astype(jnp.float64 if probs.dtype == jnp.float64 else jnp.float32))
    if replacement:
        draws = jax.random.categorical(k, logits, shape=(n,) + logits.shape[:-1])
        return jnp.moveaxis(draws, 0, -1).astype(jnp.int64)
    # Gumbel top-k: n distinct categories, each draw proportional to the remaining probabilities
    return jax.lax.top_k(logits + jax.random.gumbel(k, logits.shape, logits.dtype), n)[1].astype(jnp.int64)


_MULTINOMIAL = Op("multinomial", key_of(_multinomial))


def _float_dtype(dtype) -> np.dtype:
    return _dt(dtype, _dtype.get_default_dtype())


def _sampler(name: str, op: Op, params: dict):
    def impl(*sizes, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False) -> Tensor:
        shape = _size(sizes if size is None else (size,), name)
        t = sample(op, (("shape", shape), *params.items(), ("dtype", _float_dtype(dtype))), generator)
        return requiring_grad(t) if requires_grad else t

    def like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None) -> Tensor:
        dt = _dt(dtype, _dtype.from_any(input._node.dtype))
        t = sample(op, (("shape", tuple(input.shape)), *params.items(), ("dtype", dt)), None)
        return t.requires_grad_(True) if requires_grad else t

    register(name, method=False)(impl)
    register(name + "_like", method=False)(like)


_sampler("rand", _UNIFORM, {"low": 0.0, "high": 1.0})
_sampler("randn", _NORMAL, {"mean": 0.0, "std": 1.0})


@register("randint", method=False)
def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False) -> Tensor:
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    dt = _dt(dtype, _dtype.int64)
    return sample(_RANDINT, (("shape", _size(size)), ("low", int(low)), ("high", int(high)), ("dtype", dt)),
                  generator)


@register("randperm", method=False)
def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    return sample(_PERM, (("n", int(n)), ("dtype", _dt(dtype, _dtype.int64))), generator)


@register("bernoulli")
def bernoulli(input, p=None, *, generator=None, out=None) -> Tensor:
    probs = input if p is None else input.new_full(tuple(input.shape), py_scalar(p))
    return sample(_BERNOULLI, (("dtype", input._node.dtype),), generator, (probs,))


@register("normal", method=False)
def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           requires_grad=False) -> Tensor:
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        ref = mean if isinstance(mean, Tensor) else std
        dt = ref._node.dtype
        m = mean if isinstance(mean, Tensor) else ref.new_full((), mean)
        s = std if isinstance(std, Tensor) else ref.new_full((), std)
        return call(_NORMAL_T, ((generator or default_generator)._split(), m, s), (("dtype", dt),))
    return sample(_NORMAL, (("shape", _size(size)), ("mean", float(mean)), ("std", float(std)),
                            ("dtype", _float_dtype(dtype))), generator)


@register("multinomial")
def multinomial(input, num_samples: int, replacement: bool = False, *, generator=None, out=None) -> Tensor:
    """Category indices drawn with probabilities proportional to ``input``'s last dim (rows of a 2-D input)."""
    if input.dim() not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not input.is_floating_point():
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{_dtype.from_any(input._node.dtype)._c10}")
    n = int(num_samples)
    if n <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and n > input.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    t = sample(_MULTINOMIAL, (("n", n), ("replacement", bool(replacement))), generator, (input,))
    return t if out is None else out.copy_(t)


def _fill(self: Tensor, op: Op, params: tuple, generator) -> Tensor:
    t = sample(op, (("shape", tuple(self.shape)), *params, ("dtype", self._node.dtype)), generator)
    return inplace(self, t, op.name)


@register("uniform_", function=False)
def uniform_(self, from_=0.0, to=1.0, *, generator=None) -> Tensor:
    return _fill(self, _UNIFORM, (("low", float(from_)), ("high", float(to))), generator)


@register("normal_", function=False)
def normal_(self, mean=0.0, std=1.0, *, generator=None) -> Tensor:
    return _fill(self, _NORMAL, (("mean", float(mean)), ("std", float(std))), generator)


@register("random_", function=False)
def random_(self, *bounds, generator=None) -> Tensor:
    """``random_()`` / ``random_(to)`` / ``random_(from, to)``: integers uniform in ``[from, to)``; with no
    bounds, up to 2**mantissa for floats or the dtype's max for integers, as PyTorch."""
    if len(bounds) == 2:
        from_, to = bounds
    elif len(bounds) == 1:
        from_, to = 0, bounds[0]
    else:
        from_ = 0
        to = 2 ** (np.finfo(self._node.dtype).nmant + 1) if self.is_floating_point() else \
            int(np.iinfo(self._node.dtype).max)
    return _fill(self, _RANDINT, (("low", int(from_)), ("high", int(to))), generator)


@register("bernoulli_", function=False)
def bernoulli_(self, p=0.5, *, generator=None) -> Tensor:
    probs = p if isinstance(p, Tensor) else self.new_full(tuple(self.shape), py_scalar(p))
    return inplace(self, sample(_BERNOULLI, (("dtype", self._node.dtype),), generator, (probs,)), "bernoulli_")
