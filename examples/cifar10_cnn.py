"""The CIFAR-10 CNN of seed 001: three 5x5 Conv2d + MaxPool2d stages, Flatten, two Linear layers, SGD on
cross-entropy, the test loss and accuracy per epoch, then a prediction for one image.

Runs on CIFAR-10 when ``--data`` holds it (torchvision's ``cifar-10-batches-py`` layout; ``--download``
fetches it); otherwise on ``torchvision.datasets.FakeData`` (random 3x32x32 images, so the accuracy stays at
chance level: the run then only shows that the pipeline works).

    jtorch run examples/cifar10_cnn.py --data ./data --epochs 10
"""
import argparse
import os

import torch
import torchvision
from torch import nn

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=10)
parser.add_argument("--batch-size", type=int, default=64)
parser.add_argument("--lr", type=float, default=0.01)
parser.add_argument("--limit", type=int, default=None, help="train and test on the first N samples only")
parser.add_argument("--data", default="./data")
parser.add_argument("--download", action="store_true", help="download CIFAR-10 into --data")
args = parser.parse_args()

classes = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
transform = torchvision.transforms.ToTensor()
if args.download or os.path.isdir(os.path.join(args.data, "cifar-10-batches-py")):
    train_data = torchvision.datasets.CIFAR10(args.data, train=True, transform=transform, download=args.download)
    test_data = torchvision.datasets.CIFAR10(args.data, train=False, transform=transform, download=args.download)
else:
    print(f"note: no CIFAR-10 under {args.data!r} (pass --download to fetch it); training on FakeData, "
          "random images: expect chance-level accuracy")
    train_data = torchvision.datasets.FakeData(2000, (3, 32, 32), 10, transform=transform, random_offset=0)
    test_data = torchvision.datasets.FakeData(500, (3, 32, 32), 10, transform=transform, random_offset=2000)
if args.limit:
    train_data = torch.utils.data.Subset(train_data, range(min(args.limit, len(train_data))))
    test_data = torch.utils.data.Subset(test_data, range(min(args.limit, len(test_data))))
print("train size: {}, test size: {}".format(len(train_data), len(test_data)))
train_dataloader = torch.utils.data.DataLoader(train_data, batch_size=args.batch_size, shuffle=True)
test_dataloader = torch.utils.data.DataLoader(test_data, batch_size=args.batch_size)


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.model = nn.Sequential(
            nn.Conv2d(3, 32, 5, padding=2), nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 5, padding=2), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 5, padding=2), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * 4 * 4, 64), nn.Linear(64, 10))

    def forward(self, x):
        return self.model(x)


torch.manual_seed(0)
net = Net()
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=0.9)

total_train_step = 0
for epoch in range(args.epochs):
    net.train()
    for imgs, targets in train_dataloader:
        loss = loss_fn(net(imgs), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_train_step += 1
        if total_train_step % 100 == 0:
            print("step: {}, loss: {:.4f}".format(total_train_step, loss.item()))
    net.eval()
    total_test_loss, total_accuracy = 0.0, 0
    with torch.no_grad():
        for imgs, targets in test_dataloader:
            outputs = net(imgs)
            total_test_loss += loss_fn(outputs, targets).item()
            total_accuracy += (outputs.argmax(1) == targets).sum().item()
    print("epoch {}: test loss {:.4f}, test accuracy {:.4f}".format(
        epoch + 1, total_test_loss / len(test_dataloader), total_accuracy / len(test_data)))

img, target = test_data[0]
with torch.no_grad():
    output = net(torch.reshape(img, (1, 3, 32, 32)))
print("prediction for test image 0: {} (label: {})".format(classes[output.argmax(1).item()], classes[target]))
