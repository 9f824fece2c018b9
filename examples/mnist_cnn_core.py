"""The seed tutorial's MNIST CNN, written against jtorch's functional core and trained with one jitted step.

Model (seed 000): Conv2d(1, 64, 3, p=1)-ReLU-Conv2d(64, 128, 3, p=1)-ReLU-MaxPool2d(2)-Flatten
-Linear(14*14*128, 1024)-ReLU-Dropout(0.5)-Linear(1024, 10), trained with Adam on cross-entropy.

Data: jtorch's bundled real MNIST sample (``jtorch.data.mnist_sample``: 4,000 train / 1,000 test digits),
normalised as the tutorial's ``Normalize(0.5, 0.5)``. One input channel: the tutorial's
``x.repeat(3, 1, 1)`` only copies the gray image (``make_model(3)`` builds that variant).

    python examples/mnist_cnn_core.py --epochs 2 --batch-size 64
"""
from __future__ import annotations

import argparse
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax

from jtorch import nn, optim
from jtorch.data import mnist_sample
from jtorch.nn import functional as F


def make_model(in_channels: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_channels, 64, 3, padding=1), nn.ReLU(),
        nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(14 * 14 * 128, 1024), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(1024, 10))


def load(split: str, limit: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The sample's ``split`` as float32 images (N, 1, 28, 28) in [-1, 1] and int32 labels."""
    images, labels = mnist_sample(split)
    images = (images[:limit, None].astype(np.float32) / 255 - 0.5) / 0.5
    return images, labels[:limit].astype(np.int32)


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


def evaluate(model: nn.Module, params, state, images: np.ndarray, labels: np.ndarray,
             batch_size: int = 250) -> float:
    """Test accuracy in % (eval mode: Dropout off), one jitted forward per batch."""
    predict = jax.jit(lambda p, s, x: model.apply(p, s, x)[0].argmax(-1))
    correct = sum(int((predict(params, state, jnp.asarray(images[i:i + batch_size]))
                       == jnp.asarray(labels[i:i + batch_size])).sum())
                  for i in range(0, len(labels), batch_size))
    return 100 * correct / len(labels)


def train(epochs: int, batch_size: int, lr: float = 1e-3, seed: int = 0, limit: int | None = None,
          test_limit: int | None = None):
    """Trains ``epochs`` passes over the (shuffled) training sample, printing loss and test accuracy per
    epoch; returns the per-step losses, the final test accuracy and the step function (for its cache)."""
    model = make_model()
    opt = optim.adam(lr=lr)
    key = jax.random.key(seed)
    params, state = model.init(key)
    opt_state = opt.init(params)
    train_step = make_train_step(model, opt)
    images, labels = load("train", limit)
    test_images, test_labels = load("test", test_limit)
    rng = np.random.default_rng(seed)
    losses, accuracy, step = [], 0.0, 0
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(labels))
        for i in range(0, len(order) - batch_size + 1, batch_size):  # drop the last partial batch: one shape
            idx = order[i:i + batch_size]
            params, state, opt_state, loss = train_step(
                params, state, opt_state, jnp.asarray(images[idx]), jnp.asarray(labels[idx]),
                jax.random.fold_in(key, step))
            losses.append(float(loss))
            step += 1
        accuracy = evaluate(model, params, state, test_images, test_labels)
        print(f"epoch {epoch}/{epochs}: loss {np.mean(losses[-(len(order) // batch_size):]):.4f}, "
              f"test accuracy {accuracy:.2f}% ({time.perf_counter() - start:.1f} s)", flush=True)
    return losses, accuracy, train_step


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--limit", type=int, default=None, help="train on the first N samples only")
    parser.add_argument("--test-limit", type=int, default=None, help="test on the first N samples only")
    args = parser.parse_args(argv)
    losses, accuracy, train_step = train(args.epochs, args.batch_size, args.lr, limit=args.limit,
                                         test_limit=args.test_limit)
    print(f"first loss {losses[0]:.4f} -> last loss {np.mean(losses[-5:]):.4f}; "
          f"train step compiled {train_step._cache_size()} time(s)")


if __name__ == "__main__":
    main()
