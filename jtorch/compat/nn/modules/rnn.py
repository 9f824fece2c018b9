"""RNN, LSTM, GRU and their cells over the core recurrent specs.

``forward(input, hx=None)`` returns ``(output, h_n)`` (LSTM: ``(output, (h_n, c_n))``); cells return the next
hidden state (LSTMCell: ``(h, c)``). Inter-layer dropout draws a key from the global generator in training.
"""
from __future__ import annotations

import jtorch.nn as _core

from ._layer import CoreLayer

__all__ = ["GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "RNNBase", "RNNCell", "RNNCellBase"]


def _rnn_grad_names(arguments: dict) -> tuple[str, ...]:
    """PyTorch's grad_fn of each output (output, h_n[, c_n]): its CPU kernels stack the layers' states, LSTM's
    oneDNN layer gives the output, batch_first transposes it and two directions concatenate; an unbatched
    input is squeezed back."""
    spec, lstm = arguments["spec"], isinstance(arguments["spec"], _core.LSTM)
    n = 3 if lstm else 2
    if arguments["inputs"][0].dim() == 2:
        return ("SqueezeBackward1",) * n
    if spec.batch_first:
        out = "TransposeBackward0" if lstm else "TransposeBackward1"
    elif spec.bidirectional:
        out = "CatBackward0"
    else:
        out = "MkldnnRnnLayerBackward0" if lstm and not getattr(spec, "proj_size", 0) else "StackBackward0"
    return (out,) + ("StackBackward0",) * (n - 1)


def _cell_grad_names(arguments: dict) -> str | tuple[str, ...]:
    """RNNCell ends in its nonlinearity, LSTMCell in (mul, add), GRUCell in an add; unbatched: squeezed."""
    spec = arguments["spec"]
    lstm = isinstance(spec, _core.LSTMCell)
    if arguments["inputs"][0].dim() == 1:
        return ("SqueezeBackward1",) * 2 if lstm else "SqueezeBackward1"
    if lstm:
        return "MulBackward0", "AddBackward0"
    if isinstance(spec, _core.GRUCell):
        return "AddBackward0"
    return "ReluBackward0" if getattr(spec, "nonlinearity", "tanh") == "relu" else "TanhBackward0"


class RNNBase(CoreLayer):
    _random = True
    _key_prob = "dropout"
    _mode = ""
    _grad_name = staticmethod(_rnn_grad_names)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mode = self._mode
        if "proj_size" not in self.__dict__:
            self.proj_size = 0

    def flatten_parameters(self) -> None:
        pass

    @property
    def all_weights(self):
        return [getattr(self, n) for n in self._parameters]

    def extra_repr(self) -> str:
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)


class RNN(RNNBase):
    """Elman RNN: input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True, batch_first=False,
    dropout=0.0, bidirectional=False."""
    _core = _core.RNN

    @property
    def _mode(self):
        return "RNN_TANH" if self.__dict__.get("nonlinearity", "tanh") == "tanh" else "RNN_RELU"


class LSTM(RNNBase):
    """LSTM: as :class:`RNN` without ``nonlinearity``, plus proj_size=0."""
    _core = _core.LSTM
    _mode = "LSTM"


class GRU(RNNBase):
    """GRU: as :class:`RNN` without ``nonlinearity``."""
    _core = _core.GRU
    _mode = "GRU"


class RNNCellBase(CoreLayer):
    _grad_name = staticmethod(_cell_grad_names)

    def extra_repr(self) -> str:
        s = "{input_size}, {hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += ", bias={bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += ", nonlinearity={nonlinearity}"
        return s.format(**self.__dict__)


class RNNCell(RNNCellBase):
    """One Elman step: input_size, hidden_size, bias=True, nonlinearity='tanh'."""
    _core = _core.RNNCell


class LSTMCell(RNNCellBase):
    """One LSTM step: input_size, hidden_size, bias=True; returns ``(h', c')``."""
    _core = _core.LSTMCell


class GRUCell(RNNCellBase):
    """One GRU step: input_size, hidden_size, bias=True."""
    _core = _core.GRUCell
