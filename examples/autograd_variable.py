"""The same two-layer network with autograd (seed 000, section 4): ``Variable`` (which returns a plain
Tensor today), ``loss.backward()``, updates through ``.data`` and zeroing ``.grad``; then a custom
``nn.Module`` whose ``forward`` takes the weights as arguments.

    jtorch run examples/autograd_variable.py --epochs 20
"""
import argparse

import torch
from torch.autograd import Variable

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=20)
args = parser.parse_args()

batch_n, input_data, hidden_layer, output_data = 100, 1000, 100, 10
lr = 1e-5
torch.manual_seed(0)
x = Variable(torch.randn(batch_n, input_data), requires_grad=False)
y = Variable(torch.randn(batch_n, output_data), requires_grad=False)
w1 = Variable(torch.randn(input_data, hidden_layer) * 0.1, requires_grad=True)
w2 = Variable(torch.randn(hidden_layer, output_data) * 0.1, requires_grad=True)
print("Variable returns a Tensor:", type(w1) is torch.Tensor, "| w1 is a leaf:", w1.is_leaf,
      "| w1.grad before backward:", w1.grad)

for epoch in range(args.epochs):
    y_pred = x.mm(w1).clamp(min=0).mm(w2)
    loss = (y_pred - y).pow(2).sum()
    print("Epoch:{}, Loss:{:.4f}".format(epoch, loss.data))
    loss.backward()
    w1.data -= lr * w1.grad.data
    w2.data -= lr * w2.grad.data
    w1.grad.data.zero_()
    w2.grad.data.zero_()
print("grad_fn of the loss:", loss.grad_fn.name())


class Model(torch.nn.Module):
    """A Module without parameters of its own: the weights come in as arguments."""

    def forward(self, input, w1, w2):
        x = torch.mm(input, w1)
        x = torch.clamp(x, min=0)
        return torch.mm(x, w2)


model = Model()
print(model)
for epoch in range(args.epochs):
    y_pred = model(x, w1, w2)
    loss = (y_pred - y).pow(2).sum()
    print("Module epoch:{}, Loss:{:.4f}".format(epoch, loss.data))
    loss.backward()
    with torch.no_grad():
        w1 -= lr * w1.grad
        w2 -= lr * w2.grad
    w1.grad.zero_()
    w2.grad.zero_()

# torch.autograd.grad and higher-order gradients.
t = torch.tensor(3., requires_grad=True)
(dy,) = torch.autograd.grad(t ** 3, t, create_graph=True)
(d2y,) = torch.autograd.grad(dy, t)
print("d(t^3)/dt at 3:", dy.item(), "| second derivative:", d2y.item())
