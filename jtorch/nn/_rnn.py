"""Recurrent layer specs: RNN, LSTM, GRU and their cells, over ``jtorch.nn.functional``'s recurrences.

Parameters are keyed and shaped as PyTorch's ``state_dict()`` (``weight_ih_l0``, ``weight_hh_l0``,
``bias_ih_l0``, ``bias_hh_l0``, [``weight_hr_l0``], then ``..._reverse``, then layer 1, ...).
"""
from __future__ import annotations

import dataclasses
import math
import warnings
from typing import Any

import jax

from . import functional as F
from . import init
from ._module import Module, Params, State, set_fields


def _check_sizes(**sizes: int) -> None:
    for name, value in sizes.items():
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")
        if value <= 0:
            raise ValueError(f"{name} must be greater than zero")


def _check_flags(**flags: Any) -> None:
    for name, value in flags.items():
        if not isinstance(value, bool):
            raise TypeError(f"{name} should be of type bool, got: {type(value).__name__}")


def _check_nonlinearity(nonlinearity: str) -> None:
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")


def _uniform(key: jax.Array, shapes: dict[str, tuple[int, ...]], hidden_size: int) -> Params:
    # torch: reset_parameters draws every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)).
    bound = 1.0 / math.sqrt(hidden_size)
    keys = jax.random.split(key, len(shapes))
    return {name: init.uniform(k, shape, -bound, bound) for k, (name, shape) in zip(keys, shapes.items())}


@dataclasses.dataclass(frozen=True)
class _RNNBase(Module):
    input_size: int
    hidden_size: int
    num_layers: int = 1
    bias: bool = True
    batch_first: bool = False
    dropout: float = 0.0
    bidirectional: bool = False

    _gates = 1  # rows of weight_ih per hidden unit

    def __post_init__(self):
        if isinstance(self.dropout, bool) or not isinstance(self.dropout, (int, float)) \
                or not 0 <= self.dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             "element being zeroed")
        if self.dropout > 0 and self.num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={self.dropout} and "
                          f"num_layers={self.num_layers}", stacklevel=3)
        _check_flags(bias=self.bias, batch_first=self.batch_first, bidirectional=self.bidirectional)
        _check_sizes(input_size=self.input_size, hidden_size=self.hidden_size, num_layers=self.num_layers)
        self._check_options()
        set_fields(self, dropout=float(self.dropout))

    def _check_options(self) -> None:
        """Validates a subclass's own fields (a hook, so every constructor warns from the same depth)."""

    def _out_size(self) -> int:
        return self.hidden_size

    def init(self, key: jax.Array) -> tuple[Params, State]:
        gate_size, out_size = self._gates * self.hidden_size, self._out_size()
        shapes = {}
        for layer in range(self.num_layers):
            layer_input = self.input_size if layer == 0 else out_size * (1 + self.bidirectional)
            for suffix in ("", "_reverse")[:1 + self.bidirectional]:
                shapes[f"weight_ih_l{layer}{suffix}"] = (gate_size, layer_input)
                shapes[f"weight_hh_l{layer}{suffix}"] = (gate_size, out_size)
                if self.bias:
                    shapes[f"bias_ih_l{layer}{suffix}"] = shapes[f"bias_hh_l{layer}{suffix}"] = (gate_size,)
                if out_size != self.hidden_size:
                    shapes[f"weight_hr_l{layer}{suffix}"] = (out_size, self.hidden_size)
        return _uniform(key, shapes, self.hidden_size), {}

    def _forward(self, params: Params, input: jax.Array, hx: Any, **kwargs) -> Any:
        raise NotImplementedError

    def apply(self, params: Params, state: State, input: jax.Array, hx: Any = None, *, train: bool = False,
              key: jax.Array | None = None) -> tuple[Any, State]:
        """Runs the network: ``((output, h_n), state)``, or ``((output, (h_n, c_n)), state)`` for the LSTM."""
        return self._forward(params, input, hx, batch_first=self.batch_first, dropout=self.dropout,
                             train=train, key=key), state


@dataclasses.dataclass(frozen=True, init=False)
class RNN(_RNNBase):
    """Multi-layer Elman RNN with tanh or ReLU, as ``torch.nn.RNN`` (see ``jtorch.nn.functional.rnn``).

    Args:
        input_size: features of the input ``H_in``.
        hidden_size: features of the hidden state ``H``.
        num_layers: stacked recurrent layers. Default: 1
        nonlinearity: ``'tanh'`` or ``'relu'``. Default: ``'tanh'``
        bias: whether to use ``b_ih`` and ``b_hh``. Default: ``True``
        batch_first: input and output are ``(N, L, ·)`` instead of ``(L, N, ·)``. Default: ``False``
        dropout: dropout on each layer's output but the last's, in training. Default: 0.0
        bidirectional: adds a backward direction (``D = 2``). Default: ``False``

    Shape:
        ``input (L, N, H_in)``, ``hx (num_layers*D, N, H)`` -> ``output (L, N, D*H)``, ``h_n`` as ``hx``;
        unbatched ``(L, H_in)`` drops ``N``.

    Params:
        ``weight_ih_l{k}[_reverse]`` ``(H, H_in or D*H)``, ``weight_hh_l{k}[_reverse]`` ``(H, H)``,
        ``bias_ih_l{k}[_reverse]``, ``bias_hh_l{k}[_reverse]`` ``(H,)``; all
        :math:`\\mathcal{U}(-1/\\sqrt{H}, 1/\\sqrt{H})`.

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from jtorch import nn
        >>> rnn = nn.RNN(10, 20, 2, batch_first=True)
        >>> params, state = rnn.init(jax.random.key(0))
        >>> (out, h_n), _ = rnn.apply(params, state, jnp.ones((3, 5, 10)))
        >>> out.shape, h_n.shape
        ((3, 5, 20), (2, 3, 20))
    """

    nonlinearity: str = "tanh"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False):
        # torch's positional order puts nonlinearity fourth, which dataclass inheritance cannot express.
        _check_nonlinearity(nonlinearity)
        set_fields(self, input_size=input_size, hidden_size=hidden_size, num_layers=num_layers,
                   nonlinearity=nonlinearity, bias=bias, batch_first=batch_first, dropout=dropout,
                   bidirectional=bidirectional)
        self.__post_init__()

    def _forward(self, params, input, hx, **kwargs):
        return F.rnn(input, hx, params, nonlinearity=self.nonlinearity, **kwargs)


@dataclasses.dataclass(frozen=True)
class LSTM(_RNNBase):
    """Multi-layer long short-term memory, as ``torch.nn.LSTM`` (see ``jtorch.nn.functional.lstm``).

    Args:
        input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional: as for :class:`RNN`.
        proj_size: if > 0, ``h`` is projected to this size ``H_out`` by ``weight_hr_l{k}``. Default: 0

    Shape:
        ``input (L, N, H_in)``, ``hx = (h_0 (num_layers*D, N, H_out), c_0 (num_layers*D, N, H))`` ->
        ``output (L, N, D*H_out)``, ``(h_n, c_n)`` as ``hx``; ``H_out = proj_size or H``.

    Params:
        As :class:`RNN` with ``4*H`` rows (gates ``i, f, g, o``), ``weight_hh_l{k}`` ``(4*H, H_out)``, and
        ``weight_hr_l{k}`` ``(H_out, H)`` when projected; all :math:`\\mathcal{U}(-1/\\sqrt{H}, 1/\\sqrt{H})`.

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from jtorch import nn
        >>> lstm = nn.LSTM(10, 20, proj_size=4)
        >>> params, state = lstm.init(jax.random.key(0))
        >>> [(k, v.shape) for k, v in params.items()][-1]
        ('weight_hr_l0', (4, 20))
        >>> (out, (h_n, c_n)), _ = lstm.apply(params, state, jnp.ones((7, 10)))
        >>> out.shape, h_n.shape, c_n.shape
        ((7, 4), (1, 4), (1, 20))
    """

    proj_size: int = 0
    _gates = 4

    def _check_options(self) -> None:
        if not isinstance(self.proj_size, int) or self.proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if self.proj_size >= self.hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")

    def _out_size(self) -> int:
        return self.proj_size or self.hidden_size

    def _forward(self, params, input, hx, **kwargs):
        return F.lstm(input, hx, params, **kwargs)


@dataclasses.dataclass(frozen=True)
class GRU(_RNNBase):
    """Multi-layer gated recurrent unit, as ``torch.nn.GRU`` (see ``jtorch.nn.functional.gru``).

    Args, Shape: as for :class:`RNN`. Params: as :class:`RNN` with ``3*H`` rows (gates ``r, z, n``).

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from jtorch import nn
        >>> gru = nn.GRU(10, 20, bidirectional=True)
        >>> params, state = gru.init(jax.random.key(0))
        >>> (out, h_n), _ = gru.apply(params, state, jnp.ones((5, 3, 10)))
        >>> out.shape, h_n.shape
        ((5, 3, 40), (2, 3, 20))
    """

    _gates = 3

    def _forward(self, params, input, hx, **kwargs):
        return F.gru(input, hx, params, **kwargs)


@dataclasses.dataclass(frozen=True)
class _RNNCellBase(Module):
    input_size: int
    hidden_size: int
    bias: bool = True

    _gates = 1

    def __post_init__(self):
        _check_flags(bias=self.bias)
        _check_sizes(input_size=self.input_size, hidden_size=self.hidden_size)

    def init(self, key: jax.Array) -> tuple[Params, State]:
        gate_size = self._gates * self.hidden_size
        shapes = {"weight_ih": (gate_size, self.input_size), "weight_hh": (gate_size, self.hidden_size)}
        if self.bias:
            shapes["bias_ih"] = shapes["bias_hh"] = (gate_size,)
        return _uniform(key, shapes, self.hidden_size), {}

    def _step(self, input: jax.Array, hx: Any, *weights: jax.Array | None) -> Any:
        raise NotImplementedError

    def apply(self, params: Params, state: State, input: jax.Array, hx: Any = None, *, train: bool = False,
              key: jax.Array | None = None) -> tuple[Any, State]:
        """One step: ``(h', state)``, or ``((h', c'), state)`` for the LSTM cell."""
        del train, key
        weights = [params.get(k) for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
        return self._step(input, hx, *weights), state


@dataclasses.dataclass(frozen=True)
class RNNCell(_RNNCellBase):
    """An Elman RNN cell, as ``torch.nn.RNNCell`` (see ``jtorch.nn.functional.rnn_cell``).

    Args:
        input_size: features of the input ``H_in``.
        hidden_size: features of the hidden state ``H``.
        bias: whether to use ``bias_ih`` and ``bias_hh``. Default: ``True``
        nonlinearity: ``'tanh'`` or ``'relu'``. Default: ``'tanh'``

    Shape:
        ``input (N, H_in)``, ``hx (N, H)`` -> ``(N, H)``; or without ``N``.

    Params:
        ``weight_ih`` ``(H, H_in)``, ``weight_hh`` ``(H, H)``, ``bias_ih``, ``bias_hh`` ``(H,)``; all
        :math:`\\mathcal{U}(-1/\\sqrt{H}, 1/\\sqrt{H})`.

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from jtorch import nn
        >>> cell = nn.RNNCell(10, 20)
        >>> params, state = cell.init(jax.random.key(0))
        >>> cell.apply(params, state, jnp.ones((3, 10)))[0].shape
        (3, 20)
    """

    nonlinearity: str = "tanh"

    def __post_init__(self):
        super().__post_init__()
        _check_nonlinearity(self.nonlinearity)

    def _step(self, input, hx, *weights):
        return F.rnn_cell(input, hx, *weights, nonlinearity=self.nonlinearity)


@dataclasses.dataclass(frozen=True)
class LSTMCell(_RNNCellBase):
    """A long short-term memory cell, as ``torch.nn.LSTMCell`` (see ``jtorch.nn.functional.lstm_cell``).

    Args, Params: as :class:`RNNCell` with ``4*H`` rows (gates ``i, f, g, o``).

    Shape:
        ``input (N, H_in)``, ``hx = (h (N, H), c (N, H))`` -> ``(h', c')`` as ``hx``; or without ``N``.

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from jtorch import nn
        >>> cell = nn.LSTMCell(10, 20)
        >>> params, state = cell.init(jax.random.key(0))
        >>> (h, c), _ = cell.apply(params, state, jnp.ones(10))
        >>> h.shape, c.shape
        ((20,), (20,))
    """

    _gates = 4

    def _step(self, input, hx, *weights):
        return F.lstm_cell(input, hx, *weights)


@dataclasses.dataclass(frozen=True)
class GRUCell(_RNNCellBase):
    """A gated recurrent unit cell, as ``torch.nn.GRUCell`` (see ``jtorch.nn.functional.gru_cell``).

    Args, Shape: as :class:`RNNCell`. Params: as :class:`RNNCell` with ``3*H`` rows (gates ``r, z, n``).

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from jtorch import nn
        >>> cell = nn.GRUCell(10, 20, bias=False)
        >>> params, state = cell.init(jax.random.key(0))
        >>> sorted(params)
        ['weight_hh', 'weight_ih']
    """

    _gates = 3

    def _step(self, input, hx, *weights):
        return F.gru_cell(input, hx, *weights)
