"""``torch.autograd.functional``: Jacobians, Hessians and vector products of a function of tensors.

Everything is built on ``torch.autograd.grad``, so any facade function works, custom Functions included.
A Jacobian is taken row by row with a one-hot ``grad_outputs`` leaf: every row is the same graph, so
the rows share one cached executable. ``jvp`` uses the double-vjp trick (d/du of uᵀJ is J v), as
PyTorch does. ``vectorize`` and ``strategy`` give the same values as the default reverse mode here;
``strict`` is accepted but independence is not diagnosed (a zero block is returned, as non-strict).
"""
from __future__ import annotations

import numpy as np

from .. import _grad_mode
from .._autograd import grad
from .._tensor import IDENTITY, Tensor, view, wrap
from ..engine import constant

__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]


def _as_tuple(x, arg: str, fn: str) -> tuple[bool, tuple]:
    is_tuple = isinstance(x, tuple)
    xs = x if is_tuple else (x,)
    for i, t in enumerate(xs):
        if not isinstance(t, Tensor):
            what = f"value at index {i} has type {type(t)}" if is_tuple else f"given {arg} has type {type(t)}"
            raise TypeError(f"The {arg} given to {fn} must be either a Tensor or a tuple of Tensors but the {what}.")
    return is_tuple, xs


def _inputs(inputs, fn: str, create_graph: bool) -> tuple[bool, tuple]:
    """Fresh inputs that require grad; with ``create_graph`` an alias keeps the caller's graph."""
    is_tuple, xs = _as_tuple(inputs, "inputs", fn)
    return is_tuple, tuple(view(t, IDENTITY, ()) if create_graph and t.requires_grad
                           else t.detach().requires_grad_() for t in xs)


def _zeros(t: Tensor) -> Tensor:
    return wrap(constant(np.zeros(t.shape, t._node.dtype)))


def _grad(outputs, inputs, grad_outputs, create_graph: bool) -> tuple:
    """``autograd.grad`` over the outputs that require grad; zeros where an input is not reached."""
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if not pairs:
        return tuple(_zeros(t) for t in inputs)
    got = grad([o for o, _ in pairs], inputs, [g for _, g in pairs], retain_graph=True,
               create_graph=create_graph, allow_unused=True)
    return tuple(_zeros(t) if g is None else g for t, g in zip(inputs, got))


def _v(v, like: tuple, is_tuple: bool, fn: str, none_msg: str) -> tuple:
    if v is None:
        if len(like) != 1 or like[0].numel() != 1:
            raise RuntimeError(none_msg)
        return (wrap(constant(np.ones(like[0].shape, like[0]._node.dtype))),)
    _, v = _as_tuple(v, "v", fn)
    if len(v) != len(like):
        raise RuntimeError(f"v is a tuple of invalid length: should be {len(like)} but got {len(v)}." if is_tuple
                           else "The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, like)):
        if a.shape != b.shape:
            raise RuntimeError(f"{f'Entry {i} in ' if is_tuple else ''}v has invalid size: should be {b.shape} "
                               f"but got {a.shape}.")
    return tuple(t.detach() for t in v)


def _out(xs: tuple, is_tuple: bool, create_graph: bool):
    xs = xs if create_graph else tuple(t.detach() for t in xs)
    return xs if is_tuple else xs[0]


_V_OUT = "The vector v can only be None if the user-provided function returns a single Tensor with a single element."
_V_IN = ("The vector v can only be None if the input to the user-provided function is a single Tensor with a "
         "single element.")


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), vᵀ J)``, the product shaped like ``inputs``."""
    del strict
    with _grad_mode.enable_grad():
        in_tuple, xs = _inputs(inputs, "vjp", create_graph)
        out_tuple, outs = _as_tuple(func(*xs), "outputs of the user-provided function", "vjp")
        vs = _v(v, outs, out_tuple, "vjp", _V_OUT)
        return _out(outs, out_tuple, create_graph), _out(_grad(outs, xs, vs, create_graph), in_tuple, create_graph)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), J v)``, the product shaped like the outputs (double-vjp trick)."""
    del strict
    with _grad_mode.enable_grad():
        in_tuple, xs = _inputs(inputs, "jvp", create_graph)
        vs = _v(v, xs, in_tuple, "jvp", _V_IN)
        out_tuple, outs = _as_tuple(func(*xs), "outputs of the user-provided function", "jvp")
        us = tuple(_zeros(o).requires_grad_() for o in outs)
        g = _grad(outs, xs, us, create_graph=True)
        return _out(outs, out_tuple, create_graph), _out(_grad(g, us, vs, create_graph), out_tuple, create_graph)


def _jacobian_rows(outs: tuple, xs: tuple, create_graph: bool) -> tuple:
    """``jac[i][j]``: d outs[i] / d xs[j], shaped ``outs[i].shape + xs[j].shape``."""
    jac = []
    for o in outs:
        n = o.numel()
        rows = []
        for k in range(n):
            onehot = np.zeros(n, o._node.dtype)
            onehot[k] = 1
            rows.append(_grad((o,), xs, (wrap(constant(onehot.reshape(o.shape))),), create_graph))
        jac.append(tuple(_stack([r[j] for r in rows], tuple(o.shape) + tuple(x.shape), x)
                         for j, x in enumerate(xs)))
    return tuple(jac)


def _stack(rows: list, shape: tuple, like: Tensor) -> Tensor:
    from .. import stack
    return stack(rows).reshape(shape) if rows else wrap(constant(np.zeros(shape, like._node.dtype)))


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """The Jacobian: a Tensor, a tuple over inputs or outputs, or a tuple of tuples, as in PyTorch."""
    del strict, vectorize
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
                             'function has more outputs than inputs, "forward-mode" tends to be more performant. '
                             'Otherwise, prefer to use "reverse-mode".')
    with _grad_mode.enable_grad():
        in_tuple, xs = _inputs(inputs, "jacobian", create_graph)
        out_tuple, outs = _as_tuple(func(*xs), "outputs of the user-provided function", "jacobian")
        jac = tuple(_out(row, True, create_graph) for row in _jacobian_rows(outs, xs, create_graph))
    jac = jac if in_tuple else tuple(row[0] for row in jac)
    return jac if out_tuple else jac[0]


def _scalar(func, fn: str):
    """``func`` checked to return one single-element Tensor, and that Tensor's ones (its cotangent)."""
    def single(*xs):
        out_tuple, outs = _as_tuple(func(*xs), "outputs of the user-provided function", fn)
        if out_tuple:
            raise RuntimeError(f"The function given to {fn} should return a single Tensor")
        if outs[0].numel() != 1:
            raise RuntimeError(f"The Tensor returned by the function given to {fn} should contain a single element")
        return outs[0], wrap(constant(np.ones(outs[0].shape, outs[0]._node.dtype)))
    return single


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar function: a Tensor, or a tuple of tuples for tuple inputs."""
    del strict, vectorize
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')
    single = _scalar(func, "hessian")
    in_tuple, _ = _as_tuple(inputs, "inputs", "hessian")

    def gradient(*xs):
        out, ones = single(*xs)
        g = _grad((out,), xs, (ones,), create_graph=True)
        return g if in_tuple else g[0]
    return jacobian(gradient, inputs, create_graph=create_graph)


def _hessian_product(func, inputs, v, create_graph: bool, fn: str):
    single = _scalar(func, fn)
    with _grad_mode.enable_grad():
        in_tuple, xs = _inputs(inputs, fn, create_graph)
        vs = _v(v, xs, in_tuple, fn, _V_IN)
        out, ones = single(*xs)
        g = _grad((out,), xs, (ones,), create_graph=True)
        return _out((out,), False, create_graph), _out(_grad(g, xs, vs, create_graph), in_tuple, create_graph)


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), vᵀ H)`` for a scalar function."""
    del strict
    return _hessian_product(func, inputs, v, create_graph, "vhp")


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), H v)`` for a scalar function (the same values as ``vhp``: H is symmetric)."""
    del strict
    return _hessian_product(func, inputs, v, create_graph, "hvp")
