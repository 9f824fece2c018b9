"""The seed tutorial's MNIST CNN, written as a PyTorch user writes it; run it on jtorch with

    jtorch run examples/mnist_cnn.py

(or on PyTorch with ``python examples/mnist_cnn.py``). Three-channel MNIST through torchvision's transforms,
Conv2d(3, 64)-ReLU-Conv2d(64, 128)-ReLU-MaxPool2d-Linear(14*14*128, 1024)-ReLU-Dropout-Linear(1024, 10),
Adam on cross-entropy; per epoch a progress bar (tqdm when installed), the loss and the train/test
accuracy; at the end a PNG grid of test predictions and the model's ``state_dict`` checkpoint.

``datasets.MNIST(root="./data", download=True)`` on jtorch writes its bundled real MNIST sample (4,000 train /
1,000 test digits) when the files are missing, so this runs offline; on PyTorch it downloads the full set.
"""
import argparse
import os
import time

import torch
import torch.nn as nn
import torchvision
from torchvision import datasets, transforms

try:
    from tqdm import tqdm
except ImportError:  # the progress bar is optional: `pip install tqdm` (the `examples` extra)
    tqdm = None


class Model(nn.Module):
    def __init__(self):
        super(Model, self).__init__()
        self.conv1 = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=1),
            nn.ReLU(),
            nn.Conv2d(64, 128, kernel_size=3, stride=1, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(stride=2, kernel_size=2))
        self.dense = nn.Sequential(
            nn.Linear(14 * 14 * 128, 1024),
            nn.ReLU(),
            nn.Dropout(p=0.5),
            nn.Linear(1024, 10))

    def forward(self, x):
        x = self.conv1(x)
        x = x.view(-1, 14 * 14 * 128)
        return self.dense(x)


def parse_args():
    parser = argparse.ArgumentParser(description="MNIST CNN (seed tutorial) on torch / jtorch")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--limit", type=int, default=None, help="train on the first N samples only")
    parser.add_argument("--test-limit", type=int, default=None, help="test on the first N samples only")
    parser.add_argument("--data", default="./data", help="dataset root (torchvision's MNIST layout)")
    parser.add_argument("--out", default=".", help="folder for the checkpoint and the prediction grid")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


def subset(dataset, limit):
    return dataset if limit is None else torch.utils.data.Subset(dataset, range(min(limit, len(dataset))))


def train_epoch(model, loader, cost, optimizer, desc):
    """One pass over ``loader``; returns (mean loss, accuracy in %)."""
    model.train()
    running_loss, correct, seen = 0.0, 0, 0
    batches = tqdm(loader, desc=desc, unit="batch") if tqdm else loader
    for i, (x, y) in enumerate(batches):
        optimizer.zero_grad()
        outputs = model(x)
        loss = cost(outputs, y)
        loss.backward()
        optimizer.step()
        _, pred = torch.max(outputs.data, 1)
        running_loss += loss.item() * len(y)
        correct += (pred == y).sum().item()
        seen += len(y)
        if tqdm:
            batches.set_postfix(loss=f"{running_loss / seen:.4f}", acc=f"{100 * correct / seen:.2f}%")
        elif (i + 1) % 10 == 0 or i + 1 == len(loader):
            print(f"{desc}: batch {i + 1}/{len(loader)}, loss {running_loss / seen:.4f}", flush=True)
    return running_loss / seen, 100 * correct / seen


def evaluate(model, loader):
    """Accuracy in % on ``loader`` (eval mode, no autograd)."""
    model.eval()
    correct, seen = 0, 0
    with torch.no_grad():
        for x, y in loader:
            correct += (model(x).argmax(1) == y).sum().item()
            seen += len(y)
    return 100 * correct / seen


def save_prediction_grid(model, dataset, path, n=32, nrow=8):
    """A PNG of the first ``n`` test images (make_grid), each marked with the model's prediction:
    green when right, red when wrong."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    images, labels = next(iter(torch.utils.data.DataLoader(dataset, batch_size=n)))
    model.eval()
    with torch.no_grad():
        pred = model(images).argmax(1)
    grid = torchvision.utils.make_grid(images * 0.5 + 0.5, nrow=nrow, padding=2)  # undo Normalize(0.5, 0.5)
    plt.figure(figsize=(nrow, len(images) / nrow + 0.5))
    plt.imshow(grid.permute(1, 2, 0).numpy())
    for i, (p, y) in enumerate(zip(pred.tolist(), labels.tolist())):
        cell_x, cell_y = 2 + 30 * (i % nrow), 2 + 30 * (i // nrow)  # 28-pixel images, 2-pixel padding
        plt.text(cell_x + 1, cell_y + 8, str(p), color="lime" if p == y else "red", fontsize=11, weight="bold")
    wrong = (pred != labels).sum().item()
    plt.title(f"predictions on test images: {len(pred) - wrong} of {len(pred)} right")
    plt.axis("off")
    plt.savefig(path, dpi=80, bbox_inches="tight")
    plt.close()


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    start = time.perf_counter()
    transform = transforms.Compose([
        transforms.ToTensor(),
        transforms.Lambda(lambda x: x.repeat(3, 1, 1)),
        transforms.Normalize(mean=[0.5, 0.5, 0.5], std=[0.5, 0.5, 0.5])])
    data_train = datasets.MNIST(root=args.data, train=True, transform=transform, download=True)
    data_test = datasets.MNIST(root=args.data, train=False, transform=transform, download=True)
    train_set, test_set = subset(data_train, args.limit), subset(data_test, args.test_limit)
    train_loader = torch.utils.data.DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    test_loader = torch.utils.data.DataLoader(test_set, batch_size=250)
    print(f"train samples: {len(train_set)}, test samples: {len(test_set)}, batch size: {args.batch_size}")

    model = Model()
    cost = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    for epoch in range(1, args.epochs + 1):
        loss, train_acc = train_epoch(model, train_loader, cost, optimizer, f"epoch {epoch}/{args.epochs}")
        test_acc = evaluate(model, test_loader)
        print(f"epoch {epoch}/{args.epochs}: loss {loss:.4f}, train accuracy {train_acc:.2f}%, "
              f"test accuracy {test_acc:.2f}% ({time.perf_counter() - start:.1f} s)", flush=True)

    os.makedirs(args.out, exist_ok=True)
    checkpoint = os.path.join(args.out, "mnist_cnn.pt")
    torch.save(model.state_dict(), checkpoint)
    grid = os.path.join(args.out, "mnist_predictions.png")
    save_prediction_grid(model, test_set, grid)
    print(f"saved {checkpoint} and {grid}")
    print(f"total time: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
