"""``CoreLayer``: a facade Module that holds Parameters and runs a core layer spec (``jtorch.nn``).

The constructor builds the core spec with PyTorch's arguments, mirrors its hyper-parameters as attributes
(``in_features``, ``kernel_size``...), and initialises the parameters with the spec's ``init`` (PyTorch's
``reset_parameters``) on a key from the global generator, so ``torch.manual_seed`` reproduces a model.
``forward`` runs ``spec.apply`` as one lifted op (the spec is a static argument, so equal configurations
share executables) on the module's current Parameters and buffers; stateful layers get their new state
written back into their buffers. The math lives once, in the core.
"""
from __future__ import annotations

import copy
import dataclasses
import functools
import operator
from typing import Any, Callable, ClassVar

import jax

from ... import _grad_mode, engine
from ..._random import as_key, default_generator
from ..._tensor import Tensor, call, wrap
from .._lift import _select, _unflatten, bound_cache, lift, run_encoded
from ..parameter import Parameter
from .module import Module

__all__ = ["CoreLayer"]

_SKIP_FIELDS = {"device", "dtype"}
_shapes: dict[Any, tuple] = {}
#: (layer class, spec, training, number of inputs, parameter and buffer names, key probability, the inputs'
#: ranks where the grad name is a function: it may read them and the parameter names only) ->
#: (op, static, treedef or None for a lone output, whether it takes a key) of the lifted call: a steady-state
#: forward collects its Tensors and reuses the encoding of everything else.
_calls: dict[tuple, tuple] = {}
_Y_ONLY = jax.tree_util.tree_structure((0, {}))  # the output of a stateless layer with one output array


def _all_tensors(values: tuple) -> bool:
    for value in values:  # a loop, not all() over a generator: ~0.3 us less on a call's one input
        if not isinstance(value, Tensor):
            return False
    return True


def _present(store: dict) -> tuple[list, tuple[str, ...]]:
    """The Tensors of a parameter or buffer store that are not None, and their names."""
    if not store:
        return [], ()
    tensors = [v for v in store.values() if v is not None]
    if len(tensors) == len(store):
        return tensors, tuple(store)
    return tensors, tuple([k for k, v in store.items() if v is not None])


@functools.partial(jax.jit, static_argnums=0)
def _jit_init(spec, key_data):
    return spec.init(as_key(key_data))


def _init_now(spec) -> tuple[dict, dict]:
    """Fresh ``(params, state)`` of ``spec`` as materialised Tensors, from the global generator.

    Eager on purpose: one small executable per distinct layer config (cached across instances), instead
    of one huge graph of every layer's random init compiled at the model's first use (resnet18: 48 s).
    """
    key = default_generator._split()._value()
    params, state = _jit_init(spec, key)
    return ({k: wrap(engine.constant(v)) for k, v in params.items()},
            {k: wrap(engine.constant(v)) for k, v in state.items()})


def _apply(spec, params, state, inputs, kwargs, training):
    return spec.apply(params, state, *inputs, train=training, **kwargs)


def _apply_random(spec, params, state, inputs, kwargs, training, p, key=None):
    del p  # only decides whether a key is drawn (see _lift._needs_key)
    return spec.apply(params, state, *inputs, train=training, key=key, **kwargs)




def _param_names(spec) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Names of the spec's parameters and state (by abstract evaluation, cached per spec)."""
    try:
        return _shapes[spec]
    except KeyError:
        names = []

        def init(key):  # dict insertion order is PyTorch's registration order; pytrees would sort it
            params, state = spec.init(key)
            names.append((tuple(params), tuple(state)))
            return 0

        jax.eval_shape(init, jax.random.key(0))
        _shapes[spec] = names[0]
        return names[0]


class CoreLayer(Module):
    """A Module over the core spec class ``_core``. Subclasses set ``_core`` and write ``extra_repr``.

    ``_optional``: parameter names PyTorch registers as ``None`` when the layer has none (``bias``);
    ``_optional_buffers`` likewise for buffers. ``_random``: the spec takes a key in training mode
    (``_key_prob`` names the attribute holding the probability that decides whether one is drawn).
    ``_torch_names``: spec fields that PyTorch's module stores under another attribute name (the
    attribute the module shows, and reads when unpickling a PyTorch model).
    """
    _core: ClassVar[type]
    _grad_name: ClassVar[str | Callable[[dict], str] | None] = None
    _optional: ClassVar[tuple[str, ...]] = ()
    _optional_buffers: ClassVar[tuple[str, ...]] = ()
    _random: ClassVar[bool] = False
    _key_prob: ClassVar[str] = "p"
    _run_fn: ClassVar[Any] = None
    _derived_state = ("_spec0", "_spec_fields", "_spec_values", "_spec_cache")
    _torch_names: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()
        param_names, state_names = self._bind(self._core(*args, **kwargs))
        params, state = {}, {}
        if param_names or state_names:
            params, state = _init_now(self._spec0)
        for name in param_names + tuple(n for n in self._optional if n not in param_names):
            self.register_parameter(name, Parameter(params[name]) if name in params else None)
        for name in state_names + tuple(n for n in self._optional_buffers if n not in state_names):
            self.register_buffer(name, state.get(name))

    def _bind(self, spec) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Caches ``spec`` and its hyper-parameter field names; mirrors fields not yet set as attributes."""
        param_names, state_names = _param_names(spec)
        fields = tuple((f.name, self._torch_names.get(f.name, f.name)) for f in dataclasses.fields(spec)
                       if f.name not in _SKIP_FIELDS and not f.name.startswith("_") and f.name not in param_names
                       and f.name not in self._optional)  # (spec field, PyTorch's attribute name)
        d = self.__dict__
        d["_spec0"], d["_spec_fields"] = spec, fields
        attrs = tuple(attr for _, attr in fields)
        d["_spec_values"] = (lambda _: ()) if not attrs else operator.itemgetter(*attrs) if len(attrs) > 1 \
            else (lambda values, get=operator.itemgetter(attrs[0]): (get(values),))  # always a tuple
        for name, attr in fields:
            if attr not in d:
                setattr(self, attr, getattr(spec, name))
        d["_spec_cache"] = (d["_spec_values"](d), spec)
        return param_names, state_names

    def __setstate__(self, state: dict) -> None:
        """Unpickling (``torch.load(weights_only=False)``, ``copy.deepcopy``): the pickle holds PyTorch's
        attributes only, so the spec's fields are read back from them (as ``_spec`` edits a spec: the
        spec's own ``__init__`` may not take all its fields); parameters and buffers come from the pickle."""
        super().__setstate__(state)
        spec = object.__new__(self._core)
        for f in dataclasses.fields(spec):
            name = self._torch_names.get(f.name, f.name)
            if name in state:
                value = state[name]
            elif f.name in self._parameters:  # a bias flag: PyTorch keeps only the (maybe None) parameter
                value = self._parameters[f.name] is not None
            elif f.default is not dataclasses.MISSING:
                value = f.default
            else:
                raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
            object.__setattr__(spec, f.name, value)
        if hasattr(spec, "__post_init__"):
            spec.__post_init__()
        self._bind(spec)

    def _spec(self):
        """The core spec for the current attributes (users may change ``momentum``, ``p``...)."""
        d = self.__dict__
        values = d["_spec_values"](d)
        cached_values, spec = d["_spec_cache"]
        if values != cached_values:
            spec = copy.copy(self._spec0)
            for (name, _), value in zip(self._spec_fields, values):
                object.__setattr__(spec, name, value)
            if hasattr(spec, "__post_init__"):
                spec.__post_init__()
            self.__dict__["_spec_cache"] = (values, spec)
        return spec

    @classmethod
    def _runner(cls):
        run = cls.__dict__.get("_run_fn")
        if run is None:
            run = lift(_apply_random if cls._random else _apply, cls._grad_name or f"{cls.__name__}Backward0",
                       name=cls.__name__, random=cls._random)
            cls._run_fn = run
        return run

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        spec = self._spec()
        params, p_names = _present(self._parameters)
        state, s_names = _present(self._buffers)
        training = self.training
        key = None
        if not kwargs and _all_tensors(inputs):
            key = (type(self), spec, training, len(inputs), p_names, s_names,
                   getattr(self, self._key_prob) if self._random else None,
                   tuple([x.dim() for x in inputs]) if callable(self._grad_name) else None)
            hit = _calls.get(key)
            if hit is not None:
                op, static, treedef, keyed = hit
                tensors = (*params, *state, *inputs, default_generator._split()) if keyed else \
                    (*params, *state, *inputs)
                out = call(op, tensors, static)
                if treedef is None:  # stateless, one output: the op's output is y
                    return out
                return self._output(out, treedef, state)
        args = (spec, dict(zip(p_names, params)), dict(zip(s_names, state)), inputs, kwargs, training)
        if self._random:
            args += (getattr(self, self._key_prob),)
        op, tensors, static = self._runner().encode(args, {})
        out, treedef = run_encoded(op, tensors, static)
        if key is not None:  # a steady-state call: later ones reuse the encoding and collect only the Tensors
            bound_cache(_calls)
            _calls[key] = (op, static, None if treedef == _Y_ONLY else treedef,
                           len(tensors) > len(params) + len(state) + len(inputs))
        return self._output(out, treedef, state)

    def _output(self, out: Tensor, treedef, state: list) -> Any:
        """``y`` of the op's output ``(y, new_state)``; in training the new state goes into the buffers, taken
        under ``no_grad`` (no detach node per buffer); out of training it is not taken at all."""
        if treedef.num_leaves == 1:  # no state: ``out`` is y's one array
            return _unflatten(out, treedef)[0]
        y_def, state_def = treedef.children()
        n_y = y_def.num_leaves
        y = jax.tree_util.tree_unflatten(y_def, [_select(out, i) for i in range(n_y)])
        if self.training and state:
            with _grad_mode.no_grad():
                new_state = jax.tree_util.tree_unflatten(
                    state_def, [_select(out, i) for i in range(n_y, treedef.num_leaves)])
                for name, value in new_state.items():
                    buf = self._buffers.get(name)
                    if isinstance(buf, Tensor):
                        buf._write(value._node)
        return y

    def reset_parameters(self) -> None:
        """Draws fresh parameters (and resets state) from the global generator, as at construction."""
        spec = self._spec()
        param_names, state_names = _param_names(spec)
        if not (param_names or state_names):
            return
        with _grad_mode.no_grad():
            params, state = _init_now(spec)
            for name in param_names:
                if self._parameters.get(name) is not None:
                    self._parameters[name].copy_(params[name])
            for name in state_names:
                if self._buffers.get(name) is not None:
                    self._buffers[name].copy_(state[name])
