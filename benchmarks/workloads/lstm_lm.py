"""An LSTM language model (PyTorch's word_language_model example): Embedding(10000, 200), 2-layer
LSTM(200, 200), Linear decoder, on sequences of 35 by batch 20, hidden state carried (detached) across
steps, CrossEntropyLoss, ``clip_grad_norm_(model.parameters(), 0.25)`` and SGD(lr=20), as the example trains."""
import dataclasses

import jax
import jax.numpy as jnp
import optax

from jtorch import nn, optim
from jtorch.nn import functional as F

from ._base import Workload
from ._common import core_arrays, inputs
from ._core import train_step

SIZES = (10000, 200, 2, 35, 20)  # vocabulary, hidden, layers, sequence, batch


def build(lib, quick, sizes=SIZES):
    ntoken, hidden, layers, seq, batch = sizes

    class RNNModel(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = lib.nn.Embedding(ntoken, hidden)
            self.rnn = lib.nn.LSTM(hidden, hidden, layers)
            self.decoder = lib.nn.Linear(hidden, ntoken)

        def forward(self, x, state):
            output, state = self.rnn(self.encoder(x), state)
            return self.decoder(output).view(-1, ntoken), state

    model = RNNModel()
    optimizer = lib.optim.SGD(model.parameters(), lr=20)
    criterion = lib.nn.CrossEntropyLoss()
    x = lib.tensor(inputs((seq, batch), classes=ntoken))  # tensors of their own, as in torch_step
    y = lib.tensor(inputs((seq * batch,), classes=ntoken, seed=1))
    state = [(lib.zeros(layers, batch, hidden), lib.zeros(layers, batch, hidden))]

    def step():
        optimizer.zero_grad()
        output, new_state = model(x, tuple(h.detach() for h in state[0]))
        state[0] = new_state
        loss = criterion(output, y)
        loss.backward()
        lib.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
        optimizer.step()
        return loss

    return step


@dataclasses.dataclass(frozen=True)
class _RNNModel(nn.Module):
    """The core twin: the carried hidden state is layer state, so the shared jitted step threads it."""

    encoder: nn.Embedding
    rnn: nn.LSTM
    decoder: nn.Linear

    def init(self, key):
        params, state = super().init(key)
        shape = (self.rnn.num_layers, SIZES[4], self.rnn.hidden_size)
        # Two buffers, not one twice: the jitted step donates its state.
        return params, {**state, "hidden": (jnp.zeros(shape, jnp.float32), jnp.zeros(shape, jnp.float32))}

    def apply(self, params, state, x, *, train=False, key=None):
        emb, _ = self.encoder.apply(params["encoder"], {}, x)
        (output, hidden), _ = self.rnn.apply(params["rnn"], {}, emb, state["hidden"])
        logits, _ = self.decoder.apply(params["decoder"], {}, output)
        return logits.reshape(-1, logits.shape[-1]), {**state, "hidden": jax.lax.stop_gradient(hidden)}


def core(quick):
    ntoken, hidden, layers, seq, batch = SIZES
    model = _RNNModel(nn.Embedding(ntoken, hidden), nn.LSTM(hidden, hidden, layers), nn.Linear(hidden, ntoken))
    x, y = core_arrays(inputs((seq, batch), classes=ntoken), inputs((seq * batch,), classes=ntoken, seed=1))
    return train_step(model, F.cross_entropy, optax.chain(optim.clip_grad_norm(0.25), optim.sgd(lr=20)), x, y)


WORKLOADS = [Workload("LSTM LM + SGD", build, core, heavy=True)]
