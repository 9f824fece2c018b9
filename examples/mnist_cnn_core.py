"""The seed tutorial's MNIST CNN, written against jtorch's functional core and trained with one jitted step.

Model (seed 000): Conv2d(1, 64, 3, p=1)-ReLU-Conv2d(64, 128, 3, p=1)-ReLU-MaxPool2d(2)-Flatten
-Linear(14*14*128, 1024)-ReLU-Dropout(0.5)-Linear(1024, 10), trained with Adam on cross-entropy.

Data: a synthetic, learnable stand-in for MNIST (each class a fixed random 28x28 template, scaled and
noised) until the bundled MNIST sample lands.

    python examples/mnist_cnn_core.py --steps 60 --batch-size 64
"""
from __future__ import annotations

import argparse
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax

from jtorch import nn, optim
from jtorch.nn import functional as F


def make_model(in_channels: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_channels, 64, 3, padding=1), nn.ReLU(),
        nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(14 * 14 * 128, 1024), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(1024, 10))


def synthetic_mnist(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` images (N, 1, 28, 28) in [0, 1] and int labels; class templates are fixed across seeds."""
    templates = np.random.default_rng(1234).uniform(size=(10, 1, 28, 28)) > 0.7
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, size=n)
    gain = rng.uniform(0.6, 1.0, size=(n, 1, 1, 1))
    images = templates[labels] * gain + rng.normal(0.0, 0.3, size=(n, 1, 28, 28))
    return np.clip(images, 0.0, 1.0).astype(np.float32), labels.astype(np.int32)


def make_train_step(model: nn.Module, opt: optax.GradientTransformation):
    """One jitted step: forward, cross-entropy, backward and the Adam update, compiled once."""

    @jax.jit
    def train_step(params, state, opt_state, x, y, key):
        def loss_fn(p):
            logits, new_state = model.apply(p, state, x, train=True, key=key)
            return F.cross_entropy(logits, y), new_state

        (loss, state), grads = jax.value_and_grad(loss_fn, has_aux=True)(params)
        updates, opt_state = opt.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), state, opt_state, loss

    return train_step


def train(steps: int, batch_size: int, lr: float = 1e-3, seed: int = 0, log_every: int = 10):
    """Trains for ``steps`` steps; returns the per-step losses and the step function (for its cache)."""
    model = make_model()
    opt = optim.adam(lr=lr)
    key = jax.random.key(seed)
    params, state = model.init(key)
    opt_state = opt.init(params)
    train_step = make_train_step(model, opt)
    images, labels = synthetic_mnist(steps * batch_size, seed)
    losses = []
    start = time.perf_counter()
    for i in range(steps):
        sl = slice(i * batch_size, (i + 1) * batch_size)
        params, state, opt_state, loss = train_step(
            params, state, opt_state, jnp.asarray(images[sl]), jnp.asarray(labels[sl]),
            jax.random.fold_in(key, i))
        losses.append(float(loss))
        if log_every and (i + 1) % log_every == 0:
            print(f"step {i + 1:4d}  loss {np.mean(losses[-log_every:]):.4f}  "
                  f"{(time.perf_counter() - start) / (i + 1):.3f} s/step")
    return losses, train_step


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    args = parser.parse_args(argv)
    losses, train_step = train(args.steps, args.batch_size, args.lr)
    print(f"first loss {losses[0]:.4f} -> last loss {np.mean(losses[-5:]):.4f}; "
          f"train step compiled {train_step._cache_size()} time(s)")


if __name__ == "__main__":
    main()
