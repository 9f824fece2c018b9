"""The built-in optimizers' ``step``: one engine node per param group running the ``jtorch.optim`` transform.

The node takes the group's parameters, gradients, per-parameter state (PyTorch's names) and the group's
numeric hyper-parameters as runtime leaves, so ``group["lr"] = x`` never recompiles; flags (``amsgrad``,
``nesterov``, ``maximize``...) are static. Each parameter keeps its own ``step`` as in PyTorch (a parameter
without a gradient is skipped and its state not advanced), so inside the node the core transform updates
each parameter as a one-leaf pytree with that parameter's state; XLA fuses them as it fuses a pytree.
"""
from __future__ import annotations

from operator import is_, itemgetter
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

_out_names: dict[tuple, tuple] = {}  # the step op's static arguments -> each parameter's output state names


def _run_step(*arrays, layout, factory, flags, hidden_step):
    """The step op: ``arrays`` are the params, grads, states (``layout[0]``: each parameter's state names,
    None before its first step) and hyper-parameters (``layout[1]``, see :func:`_hyper_leaves`); returns
    the new params, then each parameter's new state in PyTorch's order."""
    names, hyper_layout = layout
    n = len(names)
    rest = iter(arrays[2 * n:])
    states = [None if keys is None else {k: next(rest) for k in keys} for keys in names]
    numbers, *tensors = rest

    def value(spec):
        return tuple(map(value, spec)) if type(spec) is tuple else numbers[spec] if spec >= 0 else tensors[~spec]

    hyper = {k: value(spec) for k, spec in hyper_layout}
    new_params, new_states = _group_step(arrays[:n], arrays[n:2 * n], states, hyper, factory=factory,
                                         flags=flags, hidden_step=hidden_step)
    out_names = _out_names[(layout, factory, flags, hidden_step)] = tuple(
        tuple(sorted(s, key=_STATE_ORDER.index)) for s in new_states)
    return (*new_params, *[s[k] for s, keys in zip(new_states, out_names) for k in keys])


#: One node per param group; built on the engine directly (not through ``lift``), as its Python runs
#: every step: MLP + Adam, 4 parameters: about 40% of the facade's Python per step went to encoding
#: and unflattening the nested (params, grads, states, hyper) arguments and results.
_STEP = engine.Op("optimizer_step", _run_step)


def _leaf(value, dtype) -> Node | tuple:
    """A hyper-parameter as a runtime leaf of the group's scalar dtype (one dtype whatever the Python type)."""
    if isinstance(value, Tensor):
        return value._node
    if isinstance(value, (tuple, list)):
        return tuple(_leaf(v, dtype) for v in value)
    return engine.scalar(value, dtype)


def _hyper_leaves(runtime: dict, dtype, new: bool = False) -> tuple[list[Node], tuple]:
    """The step's hyper-parameter leaves and their layout: ``(name, spec)``, a spec being an index into one
    vector of the group's scalar dtype holding every Python number, ``~j`` for the j-th Tensor's node, or a
    tuple of specs. Each leaf costs the sync and the executable's call CPU time (MLP + Adam: 8 extra scalar
    leaves about 26 us per step), so Adam's 5 numbers are one leaf."""
    numbers, tensors = [], []

    def spec(v):
        if isinstance(v, (tuple, list)):
            return tuple(map(spec, v))
        if isinstance(v, Tensor):
            tensors.append(v._node)
            return ~(len(tensors) - 1)
        numbers.append(v)
        return len(numbers) - 1

    layout = tuple([(k, spec(v)) for k, v in runtime.items()])
    return [_vector(numbers, dtype, new), *tensors], layout


_vectors: dict[tuple, Any] = {}  # (dtype, numbers) -> device array, as engine.scalar's cache


def _vector(numbers: list, dtype, new: bool) -> Node:
    """``numbers`` as a leaf. ``new`` ones (changed since the last step: a scheduler's lr) are a NumPy leaf,
    copied to the device by the executable's call (about 1 us), not by a ``device_put`` of their own (30 us,
    and 140 us of CPU time inside a training loop: MLP + Adam + ExponentialLR); the others are cached."""
    host = np.asarray(numbers, dtype)
    if new:
        return engine.constant(host)
    key = (dtype, *[(v, type(v), str(v)) for v in numbers])  # str: -0.0 == 0.0, but not for 1 / x
    try:
        array = _vectors.get(key)
    except TypeError:  # an unhashable value (a 0-d array as a hyper-parameter)
        return engine.constant(host)
    if array is None:
        if len(_vectors) >= 256:
            _vectors.clear()
        array = _vectors[key] = jax.device_put(host)
    return engine.constant(array)


#: Factories whose PyTorch rule computes per-step scalars in Python floats that float32 cannot match
#: (RAdam's rectification term).
_WIDE_SCALARS = frozenset({"radam"})


def _scalar_dtype(factory: str, params: list[Tensor]) -> type:
    """float32 for a group of float32 (or complex64) parameters, as PyTorch's float32 kernels compute with
    float32 scalars; otherwise float64. Float64 scalars would widen every float32 update element
    (MLP + Adam: its fused step executable 1.00 -> 0.84 ms)."""
    narrow = factory not in _WIDE_SCALARS and all(p._node.dtype in (np.float32, np.complex64) for p in params)
    return np.float32 if narrow else np.float64


class _Plan:
    """One param group's step as last built, reused while what it was built from holds: the group dict,
    its parameters with a gradient, their state names, the option values (by identity) and the inputs'
    shapes and dtypes. A step through a plan only gathers input nodes and writes output nodes; building
    one costs what every step cost before. New option values that keep the flags only refresh the
    hyper-parameter leaves (runtime values: no recompile).
    """

    __slots__ = ("group", "params", "values", "runtime", "flags", "dtype", "hyper", "hyper_layout", "volatile",
                 "keys", "names", "static", "shapes", "dtypes", "aval", "selects", "writes")

    def __init__(self, opt: CoreOptimizer, group: dict, params: list[Tensor], values: tuple) -> None:
        self.group, self.params, self.values = group, params, values
        self.runtime, self.flags = opt._split(group)
        self.dtype = _scalar_dtype(opt._factory, params)
        self.volatile = not all(map(_immutable, self.runtime.values()))
        self.hyper, self.hyper_layout = _hyper_leaves(self.runtime, self.dtype)
        static = (("factory", opt._factory), ("flags", tuple(self.flags.items())),
                  ("hidden_step", opt._hidden_step))
        fresh = [p for p in params if not opt.state.get(p)]
        if fresh and opt._starts_from_init(self.runtime):
            opt._initialize(fresh, {k: _leaf(v, self.dtype) for k, v in self.runtime.items()}, dict(static))
        self.keys = tuple([tuple(opt.state[p]) if opt.state.get(p) else None for p in params])
        self.names = tuple([None if keys is None else tuple(sorted(keys)) for keys in self.keys])
        self.static = (("layout", (self.names, self.hyper_layout)), *static)
        self.shapes = self.dtypes = self.aval = None

    def _retune(self, opt: CoreOptimizer, values: tuple) -> bool:
        """Takes new option values; False if they change the compiled step (a flag, a tuple's length)."""
        runtime, flags = opt._split(self.group)
        hyper, layout = _hyper_leaves(runtime, self.dtype, new=True)
        if flags != self.flags or layout != self.hyper_layout:
            return False
        self.runtime, self.values, self.hyper = runtime, values, hyper
        self.volatile = not all(map(_immutable, runtime.values()))
        return True

    def inputs(self, opt: CoreOptimizer, group: dict, params: list[Tensor],
               values: tuple) -> tuple[list[Node], list[Tensor]] | None:
        """The step's input nodes and the state tensors read, or None if this plan no longer fits."""
        if group is not self.group or len(params) != len(self.params) or not all(map(is_, params, self.params)):
            return None
        if not all(map(is_, values, self.values)) and not self._retune(opt, values):
            return None
        held = []
        get = opt.state.get
        for p, keys, names in zip(params, self.keys, self.names):
            s = get(p)
            if (tuple(s) if s else None) != keys:
                return None
            if names is not None:
                held += [s[k] for k in names]
        nodes = [p._node for p in params]
        nodes += [p.grad._node for p in params]
        nodes += [t._node for t in held]
        if self.volatile:  # a Tensor (or list) option can change in place, keeping its identity
            self.hyper, layout = _hyper_leaves(self.runtime, self.dtype)
            if layout != self.hyper_layout:
                return None
        nodes += self.hyper
        shapes, dtypes = [n.shape for n in nodes], [n.dtype for n in nodes]
        if self.shapes is None:
            self.shapes, self.dtypes = shapes, dtypes
        elif shapes != self.shapes or dtypes != self.dtypes:
            return None
        return nodes, held

    def run(self, nodes: list[Node], held: list[Tensor], params: list[Tensor], state: dict) -> None:
        """Adds the step node and rebinds the parameters and their state tensors to its outputs."""
        node = engine.apply(_STEP, tuple(nodes), self.static, aval=self.aval)
        if self.aval is None:
            self._learn(node, params)
        outs = [engine.apply(engine.SELECT, (node,), static, aval=aval) for static, aval in self.selects]
        for p, new in zip(params, outs):
            p._write(new)
        for (target, p, name), new in zip(self.writes, outs[len(params):]):
            if target is not None:
                held[target]._write(new, counted=False)  # in place, as PyTorch's buffers: references see it
            else:
                state[p][name] = wrap(new)

    def _learn(self, node: Node, params: list[Tensor]) -> None:
        """Records the step node's outputs (from its first build): their shapes, and where each one goes:
        into the state tensor read for it if that has its shape and dtype, else into a new one."""
        self.aval = (node.shape, node.dtype)
        self.selects = [((("index", i),), aval) for i, aval in enumerate(zip(*self.aval))]
        n = len(params)
        held = [(i, name) for i, names in enumerate(self.names) for name in names or ()]
        outs = [(i, name) for i, names in enumerate(_out_names[tuple(v for _, v in self.static)]) for name in names]
        self.writes = []
        for (i, name), (_, aval) in zip(outs, self.selects[n:]):
            target = held.index((i, name)) if (i, name) in held else None
            if target is not None and (self.shapes[2 * n + target], self.dtypes[2 * n + target]) != aval:
                target = None
            self.writes.append((target, params[i], name))


def _immutable(value) -> bool:
    """Whether an option value is a Python number or a tuple of them: its identity fixes its value."""
    return isinstance(value, (int, float, complex)) or type(value) is tuple and all(map(_immutable, value))


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
    _options: itemgetter  # a group's (runtime, static) option values, as one tuple

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        cls._options = itemgetter(*cls._runtime, *cls._static)

    def __init__(self, params, defaults: dict[str, Any]) -> None:
        runtime, flags = self._split(defaults)
        getattr(core_optim, self._factory)(**runtime, **flags)  # PyTorch's argument checks
        self._plans: dict[int, _Plan] = {}
        super().__init__(params, defaults)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self._plans = {}

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
            for index, group in enumerate(self.param_groups):
                self._step_group(index, group)
        engine.sync()
        return loss

    def _step_group(self, index: int, group: dict) -> None:
        params = [p for p in group["params"] if p.grad is not None]
        if not params:
            return
        values = self._options(group)
        plan = self._plans.get(index)
        gathered = None if plan is None else plan.inputs(self, group, params, values)
        if gathered is None:
            plan = self._plans[index] = _Plan(self, group, params, values)
            gathered = plan.inputs(self, group, params, values)
        plan.run(*gathered, params, self.state)

    def _starts_from_init(self, runtime: dict) -> bool:
        """Whether a fresh parameter's first step equals a step from the core's initial state, which can
        then be computed beforehand (see :meth:`_initialize`)."""
        return not self._hidden_step

    def _initialize(self, fresh: list[Tensor], hyper: dict, static: dict) -> None:
        """Gives fresh parameters the core's initial state, computed on its own so that the first step's
        graph is every later step's (one compilation of the training step)."""
        states = _init_op(fresh, jax.tree_util.tree_map(wrap, hyper), **static)
        engine.realize([t._node for s in states for t in s.values()])
        for p, s in zip(fresh, states):
            self.state[p] = {k: s[k] for k in sorted(s, key=_STATE_ORDER.index)}
