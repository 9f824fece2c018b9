"""``nn.Sequential`` trained two ways (seed 000, sections 4.3-4.4): a manual parameter update over
``model.parameters()``, then ``torch.optim.Adam`` with ``zero_grad`` / ``backward`` / ``step``.

    jtorch run examples/sequential_optim.py --epochs 30
"""
import argparse

import torch

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=30)
args = parser.parse_args()

batch_n, input_data, hidden_layer, output_data = 100, 1000, 100, 10
torch.manual_seed(0)
x = torch.randn(batch_n, input_data)
y = torch.randn(batch_n, output_data)


def make_model():
    return torch.nn.Sequential(
        torch.nn.Linear(input_data, hidden_layer),
        torch.nn.ReLU(),
        torch.nn.Linear(hidden_layer, output_data))


models = make_model()
print(models)
print("parameters:", [(name, tuple(p.shape)) for name, p in models.named_parameters()])
loss_fn = torch.nn.MSELoss()


def train(models, update, name):
    """The shared loop; ``update(loss)`` is the backward pass and the parameter update."""
    for epoch in range(args.epochs):
        loss = loss_fn(models(x), y)
        if epoch % 10 == 0 or epoch == args.epochs - 1:
            print("{:7} epoch:{}, Loss:{:.4f}".format(name, epoch, loss.item()))
        update(loss)


def manual_update(loss, lr=1e-2):
    models.zero_grad()
    loss.backward()
    for param in models.parameters():
        param.data -= param.grad.data * lr


train(models, manual_update, "manual")

models = make_model()
optimizer = torch.optim.Adam(models.parameters(), lr=1e-4)
print(optimizer)


def adam_update(loss):
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


train(models, adam_update, "adam")
print("Adam state of the first weight:", sorted(optimizer.state[models[0].weight]))
