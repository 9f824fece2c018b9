"""Recurrent networks: multi-layer, optionally bidirectional Elman RNN, LSTM and GRU over ``lax.scan``,
and their single-step cells.

PyTorch has no public ``F.lstm``; these take the layer's parameters as a dict keyed by PyTorch's names
(``weight_ih_l0``, ``weight_hh_l0``, ``bias_ih_l0``, ``bias_hh_l0``, ``weight_hr_l0`` for a projected LSTM,
``..._reverse`` for the backward direction), i.e. exactly the ``params`` of ``jtorch.nn.LSTM`` etc. The
number of layers, directions, biases and the projection are read from which keys are present.

Per layer and direction the input projection ``x W_ih^T + b_ih`` is one matmul over the whole sequence;
only the recurrent part is scanned. Both directions of a layer share one scan (the backward one runs on
the time-flipped sequence), so a bidirectional layer costs ``T`` sequential steps, not ``2T``. On XLA:CPU
the recurrence has a custom JVP that keeps the weight gradient out of the reverse loop (``_recurrence``).
"""
from __future__ import annotations

import functools
from typing import Callable

import jax
import jax.numpy as jnp
from jax import lax
from jax.typing import ArrayLike

from ._dropout import dropout as _dropout

Carry = tuple[jax.Array, ...]  # (h,) or, for the LSTM, (h, c)


def _affine(x: jax.Array, weight: jax.Array, bias: jax.Array | None) -> jax.Array:
    y = jnp.matmul(x, weight.T)
    return y if bias is None else y + bias


def _elman_cell(act: Callable) -> Callable:
    def cell(gi: jax.Array, z: jax.Array, carry: Carry) -> Carry:
        return (act(gi + z),)
    return cell


def _lstm_cell(gi: jax.Array, z: jax.Array, carry: Carry) -> Carry:
    i, f, g, o = jnp.split(gi + z, 4, axis=-1)
    c = jax.nn.sigmoid(f) * carry[1] + jax.nn.sigmoid(i) * jnp.tanh(g)
    return jax.nn.sigmoid(o) * jnp.tanh(c), c


def _gru_cell(gi: jax.Array, z: jax.Array, carry: Carry) -> Carry:
    i_r, i_z, i_n = jnp.split(gi, 3, axis=-1)
    h_r, h_z, h_n = jnp.split(z, 3, axis=-1)
    r, u = jax.nn.sigmoid(i_r + h_r), jax.nn.sigmoid(i_z + h_z)
    # PyTorch's form: the reset gate scales (W_hn h + b_hn), not h.
    n = jnp.tanh(i_n + r * h_n)
    return ((1 - u) * n + u * carry[0],)


def _step(cell: Callable) -> Callable:
    """One time step from a cell: ``z = h W_hh^T + b_hh``, the cell, then the LSTM's projection if any."""
    def step(w: dict, gi: jax.Array, carry: Carry) -> Carry:
        carry = cell(gi, _affine(carry[0], w["weight_hh"], w.get("bias_hh")), carry)
        return carry if w.get("weight_hr") is None else (jnp.matmul(carry[0], w["weight_hr"].T),) + carry[1:]
    return step


# mode -> (name in messages, number of gates, cell)
_MODES = {
    "tanh": ("RNN", 1, _elman_cell(jnp.tanh)),
    "relu": ("RNN", 1, _elman_cell(jax.nn.relu)),
    "lstm": ("LSTM", 4, _lstm_cell),
    "gru": ("GRU", 3, _gru_cell),
}


def _check_dtype(input: jax.Array, weight: jax.Array, hx: Carry) -> None:
    if input.dtype != weight.dtype:
        raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight.dtype}). "
                         f"Convert the input or the parameters.")
    for i, h in enumerate(hx):
        if h.dtype != input.dtype:
            raise ValueError(f"hx[{i}] dtype ({h.dtype}) does not match input dtype ({input.dtype})")


def _scan(cell: Callable, recurrent: dict, gis: jax.Array, carry: Carry) -> tuple[Carry, Carry, jax.Array]:
    """The recurrence over directions stacked on axis 1 of ``gis`` (T, D, N, G) and of the ``recurrent``
    weights: final carry, carry after every step (T, D, N, ·), and every step's ``z = h W_hh^T + b_hh``."""
    w_t = jnp.swapaxes(recurrent["weight_hh"], 1, 2)  # once, not per step

    def body(carry: Carry, gi: jax.Array) -> tuple[Carry, tuple[Carry, jax.Array]]:
        z = _recurrent_z(carry[0], w_t, recurrent.get("bias_hh"))
        carry = cell(gi, z, carry)
        return carry, (carry, z)

    carry, (seq, zs) = lax.scan(body, carry, gis)
    return carry, seq, zs


def _recurrent_z(h: jax.Array, w_t: jax.Array, bias: jax.Array | None) -> jax.Array:
    """``h W^T + b`` per direction: ``h`` (..., D, N, H), ``w_t`` = ``W^T`` (D, H, G), ``bias`` (D, G)."""
    z = jnp.einsum("...dnh,dhg->...dng", h, w_t)
    return z if bias is None else z + bias[:, None]


@functools.partial(jax.custom_jvp, nondiff_argnums=(0,))
def _recurrence(cell: Callable, recurrent: dict, gis: jax.Array, carry: Carry) -> tuple[Carry, Carry]:
    return _scan(cell, recurrent, gis, carry)[:2]


# XLA:CPU: autodiff of the scan accumulates the W_hh/b_hh gradient inside the reverse loop (a small matmul
# and a carry update per step). Here the weights' tangent enters every step's z through one matmul over all
# steps, computed outside the tangent scan, so its transpose (the weight gradient) is one matmul too and
# the reverse loop keeps only the sequential dz W_hh (cuDNN's split). Same values; forward mode still works.
@_recurrence.defjvp
def _recurrence_jvp(cell, primals, tangents):
    (recurrent, gis, carry), (d_recurrent, d_gis, d_carry) = primals, tangents
    final, seq, zs = _scan(cell, recurrent, gis, carry)
    prev = tuple(jnp.concatenate([c[None], s[:-1]]) for c, s in zip(carry, seq))  # carry entering each step
    dz_weights = _recurrent_z(prev[0], jnp.swapaxes(d_recurrent["weight_hh"], 1, 2), d_recurrent.get("bias_hh"))
    w_t = jnp.swapaxes(recurrent["weight_hh"], 1, 2)

    def body(dcarry: Carry, xs) -> tuple[Carry, Carry]:
        gi, z, carry_in, dgi, dzw = xs
        dz = _recurrent_z(dcarry[0], w_t, None) + dzw
        dcarry = jax.jvp(cell, (gi, z, carry_in), (dgi, dz, dcarry))[1]
        return dcarry, dcarry

    d_final, d_seq = lax.scan(jax.checkpoint(body), d_carry, (gis, zs, prev, d_gis, dz_weights))
    return (final, seq), (d_final, d_seq)


def _layer(cell: Callable, x: jax.Array, carry: Carry, weights: list[dict]) -> tuple[jax.Array, Carry]:
    """One layer, all directions: ``x`` (T, N, F), ``carry`` leaves (D, N, ·) -> (T, N, D*H_out), carry."""
    gis = [_affine(x, w["weight_ih"], w.get("bias_ih")) for w in weights]  # hoisted out of the scan
    gis = jnp.stack([jnp.flip(g, 0) if d else g for d, g in enumerate(gis)], axis=1)
    recurrent = {k: jnp.stack([w[k] for w in weights]) for k in weights[0] if not k.endswith("_ih")}
    if "weight_hr" in recurrent or jax.default_backend() != "cpu":
        def body(carry: Carry, gi: jax.Array) -> tuple[Carry, jax.Array]:
            carry = jax.vmap(_step(cell))(recurrent, gi, carry)
            return carry, carry[0]

        carry, ys = lax.scan(body, carry, gis)
    else:
        carry, seq = _recurrence(cell, recurrent, gis, carry)
        ys = seq[0]
    return jnp.concatenate([jnp.flip(ys[:, d], 0) if d else ys[:, d] for d in range(len(weights))], -1), carry


def _num_layers(params: dict) -> int:
    n = 0
    while f"weight_ih_l{n}" in params:
        n += 1
    return n


def _check_hx(name: str, hx: Carry, expected: list[tuple[int, ...]], batched: bool) -> Carry:
    if len(hx) == 2 and any(h.ndim != 2 + batched for h in hx):
        dims = ", ".join(f"{h.ndim}-D" for h in hx)
        raise RuntimeError(f"For {'batched 3-D' if batched else 'unbatched 2-D'} input, hx and cx should also "
                           f"be {2 + batched}-D but got ({dims}) tensors")
    if len(hx) == 1 and hx[0].ndim != 2 + batched:
        raise RuntimeError(f"For {'batched 3-D' if batched else 'unbatched 2-D'} input, hx should also be "
                           f"{2 + batched}-D but got {hx[0].ndim}-D tensor")
    hx = hx if batched else tuple(h[:, None] for h in hx)
    for i, (h, shape) in enumerate(zip(hx, expected)):
        if h.shape != shape:
            which = f"hidden[{i}]" if len(hx) == 2 else "hidden"
            raise RuntimeError(f"Expected {which} size {shape}, got {list(h.shape)}")
    return hx


def _sequence(mode: str, input: ArrayLike, hx, params: dict, batch_first: bool, dropout: ArrayLike,
              train: bool, key: jax.Array | None):
    name, gates, cell = _MODES[mode]
    input = jnp.asarray(input)
    num_layers, num_dirs = _num_layers(params), 1 + ("weight_ih_l0_reverse" in params)
    hidden_size, out_size = params["weight_hh_l0"].shape[0] // gates, params["weight_hh_l0"].shape[1]
    if input.ndim not in (2, 3):
        raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.ndim}D instead")
    batched = input.ndim == 3
    x = (jnp.swapaxes(input, 0, 1) if batch_first else input) if batched else input[:, None]
    if x.shape[0] == 0:
        raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
    if x.shape[-1] != params["weight_ih_l0"].shape[1]:
        raise RuntimeError(f"input.size(-1) must be equal to input_size. "
                           f"Expected {params['weight_ih_l0'].shape[1]}, got {x.shape[-1]}")
    sizes = [out_size, hidden_size] if mode == "lstm" else [out_size]
    expected = [(num_layers * num_dirs, x.shape[1], s) for s in sizes]
    if hx is None:
        hx = tuple(jnp.zeros(s, x.dtype) for s in expected)
    else:
        hx = _check_hx(name, tuple(map(jnp.asarray, hx if mode == "lstm" else (hx,))), expected, batched)
    _check_dtype(x, params["weight_ih_l0"], hx)
    finals, suffixes = [], ("", "_reverse")[:num_dirs]
    for layer in range(num_layers):
        if layer:  # PyTorch drops out between layers only
            x = _dropout(x, dropout, train, key=None if key is None else jax.random.fold_in(key, layer))
        weights = [{k: params[f"{k}_l{layer}{s}"] for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh",
                                                             "weight_hr") if f"{k}_l{layer}{s}" in params}
                   for s in suffixes]
        x, carry = _layer(cell, x, tuple(h[layer * num_dirs:(layer + 1) * num_dirs] for h in hx), weights)
        finals.append(carry)
    out = (jnp.swapaxes(x, 0, 1) if batch_first else x) if batched else x[:, 0]
    h_n = tuple(jnp.concatenate(hs) if batched else jnp.concatenate(hs)[:, 0] for hs in zip(*finals))
    return out, (h_n if mode == "lstm" else h_n[0])


def rnn(input: ArrayLike, hx: ArrayLike | None, params: dict, *, nonlinearity: str = "tanh",
        batch_first: bool = False, dropout: ArrayLike = 0.0, train: bool = False,
        key: jax.Array | None = None) -> tuple[jax.Array, jax.Array]:
    """Multi-layer Elman RNN, :math:`h_t = \\tanh(x_t W_{ih}^T + b_{ih} + h_{t-1} W_{hh}^T + b_{hh})`, as
    ``torch.nn.RNN``. Returns ``(output, h_n)``.

    Args:
        input: ``(L, N, H_in)``, ``(N, L, H_in)`` when ``batch_first``, or unbatched ``(L, H_in)``.
        hx: initial hidden state ``(num_layers*D, N, H)`` (``(num_layers*D, H)`` unbatched), or ``None``
            for zeros.
        params: PyTorch-named weights (see the module docstring): ``weight_ih_l{k}`` ``(H, H_in)`` for
            ``k = 0``, else ``(H, D*H)``; ``weight_hh_l{k}`` ``(H, H)``; optional biases ``(H,)``;
            ``..._reverse`` for a bidirectional RNN (``D = 2``).
        nonlinearity: ``'tanh'`` or ``'relu'``. Default: ``'tanh'``
        batch_first: whether ``input`` and ``output`` put the batch first. Default: ``False``
        dropout: dropout probability on each layer's output but the last's, when ``train``; may be
            traced. Default: ``0.0``
        train: enables ``dropout``. Default: ``False``
        key: PRNG key, needed when ``train`` with several layers and a ``dropout`` that may be non-zero.

    Shape:
        ``output``: ``(L, N, D*H)`` (``(N, L, D*H)`` when ``batch_first``, ``(L, D*H)`` unbatched), the last
        layer's hidden state at every step, directions concatenated. ``h_n``: as ``hx``, the final state
        of every layer and direction.

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from jtorch import nn
        >>> params, _ = nn.RNN(10, 20, num_layers=2).init(jax.random.key(0))
        >>> out, h_n = nn.functional.rnn(jnp.ones((5, 3, 10)), None, params)
        >>> out.shape, h_n.shape
        ((5, 3, 20), (2, 3, 20))
    """
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
    return _sequence(nonlinearity, input, hx, params, batch_first, dropout, train, key)


def lstm(input: ArrayLike, hx: tuple[ArrayLike, ArrayLike] | None, params: dict, *, batch_first: bool = False,
         dropout: ArrayLike = 0.0, train: bool = False,
         key: jax.Array | None = None) -> tuple[jax.Array, tuple[jax.Array, jax.Array]]:
    """Multi-layer long short-term memory, as ``torch.nn.LSTM``: gates ``i, f, g, o`` in that order,
    :math:`c_t = f_t \\odot c_{t-1} + i_t \\odot g_t`, :math:`h_t = o_t \\odot \\tanh(c_t)`, then
    :math:`h_t = W_{hr} h_t` when projected. Returns ``(output, (h_n, c_n))``.

    Args:
        input: ``(L, N, H_in)``, ``(N, L, H_in)`` when ``batch_first``, or unbatched ``(L, H_in)``.
        hx: ``(h_0, c_0)`` of shapes ``(num_layers*D, N, H_out)`` and ``(num_layers*D, N, H)`` (no ``N``
            unbatched), or ``None`` for zeros.
        params: as for :func:`rnn` with ``4*H`` rows, plus ``weight_hr_l{k}`` ``(H_out, H)`` when
            projected (``proj_size = H_out``); ``weight_hh_l{k}`` is then ``(4*H, H_out)``.
        batch_first, dropout, train, key: as for :func:`rnn`.

    Shape:
        ``output``: ``(L, N, D*H_out)`` (batch first or unbatched as ``input``); ``(h_n, c_n)`` as ``hx``.

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from jtorch import nn
        >>> params, _ = nn.LSTM(10, 20, bidirectional=True, proj_size=5).init(jax.random.key(0))
        >>> out, (h_n, c_n) = nn.functional.lstm(jnp.ones((3, 7, 10)), None, params, batch_first=True)
        >>> out.shape, h_n.shape, c_n.shape
        ((3, 7, 10), (2, 3, 5), (2, 3, 20))
    """
    if hx is not None and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
        raise TypeError(f"lstm: `hx` must be a pair (h_0, c_0), got {type(hx).__name__}")
    return _sequence("lstm", input, hx, params, batch_first, dropout, train, key)


def gru(input: ArrayLike, hx: ArrayLike | None, params: dict, *, batch_first: bool = False,
        dropout: ArrayLike = 0.0, train: bool = False, key: jax.Array | None = None) -> tuple[jax.Array, jax.Array]:
    """Multi-layer gated recurrent unit, as ``torch.nn.GRU``: gates ``r, z, n`` in that order,
    :math:`n_t = \\tanh(W_{in} x_t + b_{in} + r_t \\odot (W_{hn} h_{t-1} + b_{hn}))`,
    :math:`h_t = (1 - z_t) \\odot n_t + z_t \\odot h_{t-1}`. Returns ``(output, h_n)``.

    Args:
        input, hx, batch_first, dropout, train, key: as for :func:`rnn`.
        params: as for :func:`rnn` with ``3*H`` rows.

    Shape:
        as for :func:`rnn`.

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from jtorch import nn
        >>> params, _ = nn.GRU(4, 8).init(jax.random.key(0))
        >>> out, h_n = nn.functional.gru(jnp.ones((6, 4)), jnp.zeros((1, 8)), params)
        >>> out.shape, h_n.shape
        ((6, 8), (1, 8))
    """
    return _sequence("gru", input, hx, params, batch_first, dropout, train, key)


def _cell(mode: str, name: str, input: ArrayLike, hx, weight_ih: ArrayLike, weight_hh: ArrayLike,
          bias_ih: ArrayLike | None, bias_hh: ArrayLike | None) -> Carry:
    input, weight_ih, weight_hh = jnp.asarray(input), jnp.asarray(weight_ih), jnp.asarray(weight_hh)
    if input.ndim not in (1, 2):
        raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.ndim}D instead")
    batched = input.ndim == 2
    x = input if batched else input[None]
    hidden_size = weight_hh.shape[1]
    if hx is None:
        hx = (jnp.zeros((x.shape[0], hidden_size), x.dtype),) * (1 + (mode == "lstm"))
    else:
        hx = tuple(map(jnp.asarray, hx))
        for i, h in enumerate(hx):
            if h.ndim not in (1, 2):
                which = "hidden" if len(hx) == 1 else f"hx[{i}]"
                raise ValueError(f"{name}: Expected {which} to be 1D or 2D, got {h.ndim}D instead")
        hx = hx if batched else tuple(h[None] for h in hx)
    if x.shape[1] != weight_ih.shape[1]:
        raise RuntimeError(f"input has inconsistent input_size: got {x.shape[1]} expected {weight_ih.shape[1]}")
    for i, h in enumerate(hx):
        if h.shape[0] != x.shape[0]:
            raise RuntimeError(f"Input batch size {x.shape[0]} doesn't match hidden{i} batch size {h.shape[0]}")
        if h.shape[1] != hidden_size:
            raise RuntimeError(f"hidden{i} has inconsistent hidden_size: got {h.shape[1]}, expected {hidden_size}")
    _check_dtype(x, weight_ih, hx)
    w = {"weight_hh": weight_hh, "bias_hh": None if bias_hh is None else jnp.asarray(bias_hh)}
    carry = _step(_MODES[mode][2])(w, _affine(x, weight_ih, None if bias_ih is None else jnp.asarray(bias_ih)), hx)
    return carry if batched else tuple(c[0] for c in carry)


def rnn_cell(input: ArrayLike, hx: ArrayLike | None, weight_ih: ArrayLike, weight_hh: ArrayLike,
             bias_ih: ArrayLike | None = None, bias_hh: ArrayLike | None = None, *,
             nonlinearity: str = "tanh") -> jax.Array:
    """One step of an Elman RNN, as ``torch.nn.RNNCell``:
    :math:`h' = \\tanh(x W_{ih}^T + b_{ih} + h W_{hh}^T + b_{hh})` (or ReLU).

    Args:
        input: ``(N, H_in)`` or ``(H_in,)``.
        hx: ``(N, H)`` or ``(H,)``; ``None`` for zeros.
        weight_ih, weight_hh: ``(H, H_in)`` and ``(H, H)``.
        bias_ih, bias_hh: ``(H,)`` or ``None``.
        nonlinearity: ``'tanh'`` or ``'relu'``. Default: ``'tanh'``

    Shape:
        ``(N, H_in) -> (N, H)``, or ``(H_in,) -> (H,)``.

    Example:
        >>> import jax.numpy as jnp
        >>> from jtorch.nn import functional as F
        >>> F.rnn_cell(jnp.ones((1, 2)), None, jnp.ones((3, 2)), jnp.ones((3, 3)), nonlinearity="relu")
        Array([[2., 2., 2.]], dtype=float32)
    """
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
    hx = None if hx is None else (hx,)
    return _cell(nonlinearity, "RNNCell", input, hx, weight_ih, weight_hh, bias_ih, bias_hh)[0]


def lstm_cell(input: ArrayLike, hx: tuple[ArrayLike, ArrayLike] | None, weight_ih: ArrayLike,
              weight_hh: ArrayLike, bias_ih: ArrayLike | None = None,
              bias_hh: ArrayLike | None = None) -> tuple[jax.Array, jax.Array]:
    """One LSTM step, as ``torch.nn.LSTMCell`` (see :func:`lstm`). Returns ``(h', c')``.

    Args:
        input: ``(N, H_in)`` or ``(H_in,)``.
        hx: ``(h, c)``, each ``(N, H)`` or ``(H,)``; ``None`` for zeros.
        weight_ih, weight_hh: ``(4*H, H_in)`` and ``(4*H, H)``, gates ``i, f, g, o``.
        bias_ih, bias_hh: ``(4*H,)`` or ``None``.

    Example:
        >>> import jax.numpy as jnp
        >>> from jtorch.nn import functional as F
        >>> h, c = F.lstm_cell(jnp.ones((5, 3)), None, jnp.zeros((8, 3)), jnp.zeros((8, 2)))
        >>> h.shape, c.shape
        ((5, 2), (5, 2))
    """
    return _cell("lstm", "LSTMCell", input, hx, weight_ih, weight_hh, bias_ih, bias_hh)


def gru_cell(input: ArrayLike, hx: ArrayLike | None, weight_ih: ArrayLike, weight_hh: ArrayLike,
             bias_ih: ArrayLike | None = None, bias_hh: ArrayLike | None = None) -> jax.Array:
    """One GRU step, as ``torch.nn.GRUCell`` (see :func:`gru`).

    Args:
        input: ``(N, H_in)`` or ``(H_in,)``.
        hx: ``(N, H)`` or ``(H,)``; ``None`` for zeros.
        weight_ih, weight_hh: ``(3*H, H_in)`` and ``(3*H, H)``, gates ``r, z, n``.
        bias_ih, bias_hh: ``(3*H,)`` or ``None``.

    Example:
        >>> import jax.numpy as jnp
        >>> from jtorch.nn import functional as F
        >>> F.gru_cell(jnp.ones(3), jnp.ones(2), jnp.zeros((6, 3)), jnp.zeros((6, 2)))
        Array([0.5, 0.5], dtype=float32)
    """
    hx = None if hx is None else (hx,)
    return _cell("gru", "GRUCell", input, hx, weight_ih, weight_hh, bias_ih, bias_hh)[0]
