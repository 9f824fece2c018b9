"""Saving, loading and resuming (seed 001): ``torch.save`` of a whole model and of a ``state_dict``, a
training checkpoint with the optimizer state, and a resumed run that continues exactly where the first
stopped (the same weights as an uninterrupted run).

    jtorch run examples/save_load_resume.py --out checkpoints
"""
import argparse
import os

import torch
from torch import nn

parser = argparse.ArgumentParser()
parser.add_argument("--out", default="checkpoints")
parser.add_argument("--epochs", type=int, default=6)
args = parser.parse_args()
os.makedirs(args.out, exist_ok=True)

torch.manual_seed(0)
x = torch.randn(64, 8)
y = (x[:, :1] * 2 - x[:, 1:2]).sin()


def make_model():
    return nn.Sequential(nn.Linear(8, 32), nn.Tanh(), nn.Linear(32, 1))


def train(model, optimizer, epochs):
    for _ in range(epochs):
        loss = nn.functional.mse_loss(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()


# Method 1: the whole model (structure + parameters); loading it unpickles code, so weights_only=False.
model = make_model()
path = os.path.join(args.out, "model.pth")
torch.save(model, path)
loaded = torch.load(path, weights_only=False)
print("whole model:", type(loaded).__name__, "same output:", torch.equal(loaded(x), model(x)))

# Method 2 (recommended): the parameters only, loaded into a freshly built model.
path = os.path.join(args.out, "model_state_dict.pth")
torch.save(model.state_dict(), path)
state_dict = torch.load(path)
print("state_dict keys:", list(state_dict))
fresh = make_model()
print(fresh.load_state_dict(state_dict))
print("state_dict model same output:", torch.equal(fresh(x), model(x)))

# A training checkpoint: model, optimizer and progress; then resume in a "new process".
half = args.epochs // 2
model = make_model()
model.load_state_dict(state_dict)
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
loss = train(model, optimizer, half)
checkpoint = os.path.join(args.out, "checkpoint.pt")
torch.save({"epoch": half, "model_state_dict": model.state_dict(),
            "optimizer_state_dict": optimizer.state_dict(), "loss": loss}, checkpoint)
print("saved checkpoint at epoch {}, loss {:.4f}".format(half, loss))
resumed_loss = train(model, optimizer, args.epochs - half)

ckpt = torch.load(checkpoint, map_location="cpu")
resumed = make_model()
resumed.load_state_dict(ckpt["model_state_dict"])
resumed_optimizer = torch.optim.Adam(resumed.parameters(), lr=0.01)
resumed_optimizer.load_state_dict(ckpt["optimizer_state_dict"])
print("resuming from epoch {}, optimizer step {}".format(
    ckpt["epoch"], resumed_optimizer.state_dict()["state"][0]["step"].item()))
loss_after_resume = train(resumed, resumed_optimizer, args.epochs - ckpt["epoch"])
print("loss: uninterrupted {:.6f}, resumed {:.6f}".format(resumed_loss, loss_after_resume))
print("resumed weights equal uninterrupted:",
      all(torch.allclose(a, b) for a, b in zip(model.parameters(), resumed.parameters())))
