"""Flat PyTorch-style ``state_dict`` views of the nested ``(params, state)`` pytrees, both ways."""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Mapping

import jax
import jax.numpy as jnp
import numpy as np

from ._module import Module, Params, State


def _flatten(params: Mapping, state: Mapping, prefix: str, out: OrderedDict) -> None:
    # PyTorch orders a module's own parameters, then its buffers, then recurses into children in
    # registration order; nested dicts are children, arrays are entries.
    names = list(params) + [k for k in state if k not in params]
    leaves = [n for n in names if not isinstance(params.get(n, state.get(n)), Mapping)]
    children = [n for n in names if n not in leaves]
    for name in leaves:
        out[prefix + name] = params[name] if name in params else state[name]
    for name in children:
        _flatten(params.get(name, {}), state.get(name, {}), f"{prefix}{name}.", out)


def state_dict(params: Params, state: State | None = None) -> OrderedDict[str, jax.Array]:
    """Flattens ``params`` and ``state`` into PyTorch's ``state_dict()`` keys and order.

    Example:
        >>> import jax
        >>> from jtorch import nn
        >>> params, state = nn.BatchNorm1d(3).init(jax.random.key(0))
        >>> list(nn.state_dict(params, state))
        ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
    """
    out: OrderedDict[str, jax.Array] = OrderedDict()
    _flatten(params, state or {}, "", out)
    return out


def _nest(flat: Mapping[str, Any], keys: list[str], dtypes: Mapping[str, Any]) -> dict:
    """Nested dicts from dotted ``keys`` (in that order), values cast to the template's dtypes."""
    out: dict = {}
    for key in keys:
        *path, leaf = key.split(".")
        node = out
        for part in path:
            node = node.setdefault(part, {})
        node[leaf] = jnp.asarray(np.asarray(flat[key]), dtype=dtypes[key])
    return out


def _template(model: Module):
    """Shapes/dtypes of ``model.init`` without running it, with PyTorch's key order: pytree round trips
    (``eval_shape``, ``jit``) sort dict keys, so the order is read inside the trace."""
    order: list = []

    def init(key):
        params, state = model.init(key)
        order.append((list(state_dict(params)), list(state_dict({}, state))))
        return params, state

    params_t, state_t = jax.eval_shape(init, jax.random.key(0))
    return order[0], state_dict(params_t, state_t), (params_t, state_t)


def _empty_children(template: Mapping, prefix: str = "") -> list[str]:
    """Dotted paths of empty sub-dicts (parameter-free children), which must survive the round trip."""
    out = []
    for name, sub in template.items():
        if isinstance(sub, Mapping):
            out += [prefix + name] if not sub else _empty_children(sub, f"{prefix}{name}.")
    return out


def load_state_dict(model: Module, flat: Mapping[str, Any], *, strict: bool = True) -> tuple[Params, State]:
    """Builds ``(params, state)`` for ``model`` from a flat PyTorch ``state_dict``.

    Values may be jax or NumPy arrays, or anything ``np.asarray`` accepts (PyTorch CPU tensors); each is
    cast to the dtype ``model.init`` would give. Like ``torch.nn.Module.load_state_dict`` this raises
    ``RuntimeError`` naming every missing, unexpected or mis-shaped key. With ``strict=False`` missing
    keys keep their fresh initial values and unexpected keys are ignored; shape mismatches still raise.
    """
    (param_keys, state_keys), expected, trees = _template(model)
    missing = [k for k in expected if k not in flat]
    unexpected = [k for k in flat if k not in expected]
    errors = [f'size mismatch for {k}: copying a param with shape {tuple(np.shape(flat[k]))} from checkpoint, '
              f'the shape in current model is {tuple(v.shape)}.'
              for k, v in expected.items() if k in flat and tuple(np.shape(flat[k])) != tuple(v.shape)]
    if strict:
        if missing:
            errors.insert(0, "Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing) + ".")
        if unexpected:
            errors.insert(0 if not missing else 1,
                          "Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected) + ".")
    if errors:
        raise RuntimeError(f"Error(s) in loading state_dict for {type(model).__name__}:\n\t" + "\n\t".join(errors))
    if missing:
        fresh = state_dict(*model.init(jax.random.key(0)))
        flat = {**{k: fresh[k] for k in missing}, **flat}
    dtypes = {k: v.dtype for k, v in expected.items()}
    out = []
    for keys, tree in zip((param_keys, state_keys), trees):
        nested = _nest(flat, keys, dtypes)
        for path in _empty_children(tree):  # keep `{}` entries of parameter-free children
            node = nested
            for part in path.split("."):
                node = node.setdefault(part, {})
        out.append(nested)
    return out[0], out[1]
