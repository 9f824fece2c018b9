"""The built-in optimizers' ``step``: one engine node per param group running the ``jtorch.optim`` transform.

The node takes the group's parameters, gradients, per-parameter state (PyTorch's names) and the group's
numeric hyper-parameters as runtime leaves, so ``group["lr"] = x`` never recompiles; flags (``amsgrad``,
``nesterov``, ``maximize``...) are static. Each parameter keeps its own ``step`` as in PyTorch (a parameter
without a gradient is skipped and its state not advanced), so inside the node the core transform updates
each parameter as a one-leaf pytree with that parameter's state; XLA fuses them as it fuses a pytree.
"""
from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax

from ... import optim as core_optim
from .. import _grad_mode, engine
from .._tensor import Tensor, wrap
from ..engine import Node
from ..nn._lift import lift
from .optimizer import Optimizer

__all__ = ["CoreOptimizer"]

# PyTorch's insertion order of per-parameter state entries (the node returns them sorted by name).
_STATE_ORDER = ("step", "mu_product", "exp_avg", "exp_avg_sq", "max_exp_avg_sq", "exp_inf", "square_avg",
                "momentum_buffer", "grad_avg", "acc_delta", "sum")


def _load(inner, saved: dict, hidden_step: bool):
    """The core state ``inner`` (fresh from ``init``) with the fields that PyTorch's state holds."""
    values = {f: saved[f].astype(getattr(inner, f).dtype) for f in inner._fields
              if saved.get(f) is not None and getattr(inner, f) is not None}
    if hidden_step and saved:  # SGD: a saved momentum_buffer means "not the first step"
        values["step"] = jnp.ones_like(inner.step)
    return inner._replace(**values)


def _dump(inner, hidden_step: bool) -> dict:
    """The core state as PyTorch's per-parameter state dict (``step`` as a float32 0-d tensor)."""
    return {f: v.astype(jnp.float32) if f == "step" else v for f, v in inner._asdict().items()
            if v is not None and not (hidden_step and f == "step")}


def _group_step(params, grads, states, hyper, *, factory, flags, hidden_step):
    """New params and new PyTorch-named states of one param group; ``states[i]`` is None before the first step."""
    tx = getattr(core_optim, factory)(**dict(flags), **hyper)
    new_params, new_states = [], []
    for p, g, saved in zip(params, grads, states):
        opt_state = tx.init(p)
        if saved is not None:
            opt_state = opt_state._replace(inner_state=_load(opt_state.inner_state, saved, hidden_step))
        updates, opt_state = tx.update(g, opt_state, p)
        new_params.append(optax.apply_updates(p, updates))
        new_states.append(_dump(opt_state.inner_state, hidden_step))
    return new_params, new_states


def _group_init(params, hyper, *, factory, flags, hidden_step):
    """The PyTorch-named states of fresh parameters, as the core transform initialises them."""
    tx = getattr(core_optim, factory)(**dict(flags), **hyper)
    return [_dump(tx.init(p).inner_state, hidden_step) for p in params]


_init_op = lift(_group_init, name="optimizer_init", differentiable=False)

_out_layouts: dict[tuple, Any] = {}  # the step op's static arguments -> treedef of its (params, states)


def _run_step(*arrays, layout, factory, flags, hidden_step):
    new = _group_step(*jax.tree_util.tree_unflatten(layout, arrays), factory=factory, flags=flags,
                      hidden_step=hidden_step)
    leaves, _out_layouts[(layout, factory, flags, hidden_step)] = jax.tree_util.tree_flatten(new)
    return tuple(leaves)


#: One node per param group; built on the engine directly (not through ``lift``), as its Python runs
#: every step: MLP + Adam, 4 parameters: about 40% of the facade's Python per step went to encoding
#: and unflattening the nested (params, grads, states, hyper) arguments and results.
_STEP = engine.Op("optimizer_step", _run_step)


def _step_nodes(params: list[Tensor], states: list, hyper: dict, **static) -> tuple[list[Node], list[dict]]:
    """Pending nodes of the group's new parameters and new PyTorch-named states."""
    tree = ([p._node for p in params], [p.grad._node for p in params],
            [None if s is None else {k: v._node for k, v in s.items()} for s in states], hyper)
    leaves, layout = jax.tree_util.tree_flatten(tree)
    static = (("layout", layout), *static.items())
    node = engine.apply(_STEP, tuple(leaves), static)
    outs = [engine.apply(engine.SELECT, (node,), (("index", i),), aval=(node.shape[i], node.dtype[i]))
            for i in range(len(node.shape))]
    return jax.tree_util.tree_unflatten(_out_layouts[tuple(v for _, v in static)], outs)


def _leaf(value, dtype) -> Node | Any:
    """A hyper-parameter as a runtime leaf of the group's scalar dtype (one dtype whatever the Python type)."""
    if isinstance(value, Tensor):
        return value._node
    if isinstance(value, (tuple, list)):
        return tuple(_leaf(v, dtype) for v in value)
    return engine.scalar(value, dtype)


#: Factories whose PyTorch rule computes per-step scalars in Python floats that float32 cannot match
#: (RAdam's rectification term).
_WIDE_SCALARS = frozenset({"radam"})


def _scalar_dtype(factory: str, params: list[Tensor]) -> type:
    """float32 for a group of float32 (or complex64) parameters, as PyTorch's float32 kernels compute with
    float32 scalars; otherwise float64. Float64 scalars would widen every float32 update element
    (MLP + Adam: its fused step executable 1.00 -> 0.84 ms)."""
    narrow = factory not in _WIDE_SCALARS and all(p._node.dtype in (np.float32, np.complex64) for p in params)
    return np.float32 if narrow else np.float64


class CoreOptimizer(Optimizer):
    """An :class:`Optimizer` whose update rule is the ``jtorch.optim`` factory ``_factory``.

    ``_runtime`` names the group options passed as runtime values, ``_static`` the flags (part of the
    compiled step). A ``momentum`` of exactly 0 is static, as the core keeps no buffer for it.
    ``_hidden_step``: PyTorch keeps no ``step`` in this optimizer's state (SGD).
    """

    _factory: str
    _runtime: tuple[str, ...]
    _static: tuple[str, ...]
    _hidden_step = False

    def __init__(self, params, defaults: dict[str, Any]) -> None:
        runtime, flags = self._split(defaults)
        getattr(core_optim, self._factory)(**runtime, **flags)  # PyTorch's argument checks
        super().__init__(params, defaults)

    def _split(self, group: dict) -> tuple[dict, dict]:
        """The core factory's arguments from a group: (runtime values, static flags)."""
        runtime = {k: group[k] for k in self._runtime}
        flags = {k: group[k] for k in self._static}
        if "momentum" in runtime and not isinstance(runtime["momentum"], Tensor) and runtime["momentum"] == 0:
            flags["momentum"] = runtime.pop("momentum")
        return runtime, flags

    def step(self, closure=None):
        """Performs a single optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = None
        if closure is not None:
            with _grad_mode.enable_grad():
                loss = closure()
        with _grad_mode.no_grad():
            for group in self.param_groups:
                self._step_group(group)
        engine.sync()
        return loss

    def _step_group(self, group: dict) -> None:
        params = [p for p in group["params"] if p.grad is not None]
        if not params:
            return
        runtime, flags = self._split(group)
        dtype = _scalar_dtype(self._factory, params)
        hyper = {k: _leaf(v, dtype) for k, v in runtime.items()}
        states = [self.state[p] if self.state.get(p) else None for p in params]
        static = dict(factory=self._factory, flags=tuple(flags.items()), hidden_step=self._hidden_step)
        if None in states and self._starts_from_init(runtime):
            states = self._initial_states(params, states, hyper, static)
        new_params, new_states = _step_nodes(params, states, hyper, **static)
        self._store(params, new_params, new_states)

    def _starts_from_init(self, runtime: dict) -> bool:
        """Whether a fresh parameter's first step equals a step from the core's initial state, which can
        then be computed beforehand (see :meth:`_initial_states`)."""
        return not self._hidden_step

    @staticmethod
    def _initial_states(params: list[Tensor], states: list, hyper: dict, static: dict) -> list:
        """Fresh parameters' initial states, computed on their own so that the first step's graph is
        every later step's (one compilation of the training step)."""
        fresh = [p for p, s in zip(params, states) if s is None]
        hyper = jax.tree_util.tree_map(wrap, hyper)
        inits = iter(_init_op(fresh, hyper, **static))
        states = [next(inits) if s is None else s for s in states]
        engine.realize([t._node for s in states for t in s.values()])
        return [{k: s[k] for k in sorted(s, key=_STATE_ORDER.index)} for s in states]

    def _store(self, params: list[Tensor], new_params: list[Node], new_states: list[dict]) -> None:
        for p, new_p, new_state in zip(params, new_params, new_states):
            p._write(new_p)
            if not new_state:
                continue
            state = self.state[p]
            for name in sorted(new_state, key=_STATE_ORDER.index):
                node, old = new_state[name], state.get(name)
                if isinstance(old, Tensor) and old._node.shape == node.shape and old._node.dtype == node.dtype:
                    old._write(node)  # in place, as PyTorch's buffers: held references see it
                else:
                    state[name] = wrap(node)
