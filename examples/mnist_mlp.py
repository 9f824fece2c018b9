"""An MLP on MNIST (seed 003): ToTensor, a DataLoader, Linear-ReLU-Dropout-Linear with a softmax output,
Adam and CrossEntropyLoss, the train loss/accuracy per epoch and the test accuracy.

    jtorch run examples/mnist_mlp.py --epochs 5
"""
import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
import torchvision.transforms as transforms

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=5)
parser.add_argument("--batch-size", type=int, default=32)
parser.add_argument("--limit", type=int, default=None, help="train on the first N samples only")
parser.add_argument("--data", default="./data")
args = parser.parse_args()

transform = transforms.Compose([transforms.ToTensor()])
trainset = torchvision.datasets.MNIST(root=args.data, train=True, download=True, transform=transform)
testset = torchvision.datasets.MNIST(root=args.data, train=False, download=True, transform=transform)
if args.limit:
    trainset = torch.utils.data.Subset(trainset, range(args.limit))
trainloader = torch.utils.data.DataLoader(trainset, batch_size=args.batch_size, shuffle=True)
testloader = torch.utils.data.DataLoader(testset, batch_size=args.batch_size, shuffle=False)
images, labels = next(iter(trainloader))
print("Image batch dimensions:", images.shape)
print("Image label dimensions:", labels.shape)


class MyModel(nn.Module):
    def __init__(self):
        super(MyModel, self).__init__()
        self.d1 = nn.Linear(28 * 28, 128)
        self.dropout = nn.Dropout(p=0.2)
        self.d2 = nn.Linear(128, 10)

    def forward(self, x):
        x = x.flatten(start_dim=1)
        x = F.relu(self.d1(x))
        x = self.dropout(x)
        logits = self.d2(x)
        return F.softmax(logits, dim=1)


def get_accuracy(output, target, batch_size):
    """Accuracy of one batch in %."""
    corrects = (torch.max(output, 1)[1].view(target.size()).data == target.data).sum()
    return (100.0 * corrects / batch_size).item()


device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)
model = MyModel().to(device)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.001)

for epoch in range(args.epochs):
    train_running_loss, train_acc = 0.0, 0.0
    model = model.train()
    for i, (images, labels) in enumerate(trainloader):
        images, labels = images.to(device), labels.to(device)
        predictions = model(images)
        loss = criterion(predictions, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        train_running_loss += loss.detach().item()
        train_acc += get_accuracy(predictions, labels, len(labels))
    model.eval()
    print("Epoch: %d | Loss: %.4f | Train Accuracy: %.2f"
          % (epoch, train_running_loss / (i + 1), train_acc / (i + 1)))

test_acc = 0.0
with torch.no_grad():
    for i, (images, labels) in enumerate(testloader, 0):
        outputs = model(images.to(device))
        test_acc += get_accuracy(outputs, labels.to(device), len(labels))
print("Test Accuracy: %.2f" % (test_acc / (i + 1)))
