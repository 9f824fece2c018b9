"""TensorBoard logging with ``torch.utils.tensorboard.SummaryWriter`` (seed 001): scalars per step, images,
a batch of images, histograms of the weights and the model graph, while a small CNN trains.

    jtorch run examples/tensorboard_logging.py --logdir logs && tensorboard --logdir logs
"""
import argparse
import os

import torch
from torch import nn
from torch.utils.tensorboard import SummaryWriter

parser = argparse.ArgumentParser()
parser.add_argument("--logdir", default="logs")
parser.add_argument("--steps", type=int, default=50)
args = parser.parse_args()

torch.manual_seed(0)
model = nn.Sequential(nn.Conv2d(3, 6, 3), nn.ReLU(), nn.Flatten(), nn.Linear(6 * 6 * 6, 2))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
imgs = torch.rand(16, 3, 8, 8)
labels = (imgs.mean(dim=(1, 2, 3)) > 0.5).long()

writer = SummaryWriter(args.logdir)
for i in range(100):
    writer.add_scalar("y=2x", 2 * i, i)
writer.add_image("first image", imgs[0], 0)  # CHW
writer.add_image("first image (HWC)", imgs[0].permute(1, 2, 0).numpy(), 0, dataformats="HWC")
writer.add_images("batch", imgs, 0)
writer.add_graph(model, imgs)

for step in range(args.steps):
    loss = nn.functional.cross_entropy(model(imgs), labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    writer.add_scalar("train_loss", loss.item(), step)
    if step % 10 == 0:
        for name, param in model.named_parameters():
            writer.add_histogram(name, param, step)
writer.close()

print("final loss: {:.4f}".format(loss.item()))
print("event files:", sorted(f for f in os.listdir(args.logdir) if f.startswith("events.out.tfevents")))
