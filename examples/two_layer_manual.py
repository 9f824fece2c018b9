"""A two-layer ReLU network trained with hand-written backpropagation (seed 000, section 3): the forward
pass, the gradients and the gradient step are all plain tensor code, no autograd.

    jtorch run examples/two_layer_manual.py --epochs 20
"""
import argparse

import torch

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=20)
parser.add_argument("--batch", type=int, default=100)
args = parser.parse_args()

batch_n, input_data, hidden_layer, output_data = args.batch, 1000, 100, 10
torch.manual_seed(0)
x = torch.randn(batch_n, input_data)
y = torch.randn(batch_n, output_data)
w1 = torch.randn(input_data, hidden_layer)
w2 = torch.randn(hidden_layer, output_data)
lr = 1e-6

for epoch in range(args.epochs):
    h1 = x.mm(w1)  # (batch, 1000) x (1000, 100) -> (batch, 100)
    h1 = h1.clamp(min=0)
    y_pred = h1.mm(w2)

    loss = (y_pred - y).pow(2).sum()
    print("Epoch:{}, Loss:{:.4f}".format(epoch, loss))

    grad_y_pred = 2 * (y_pred - y)
    grad_w2 = h1.t().mm(grad_y_pred)
    grad_h = grad_y_pred.clone()
    grad_h = grad_h.mm(w2.t())
    grad_h.clamp_(min=0)
    grad_w1 = x.t().mm(grad_h)

    w1 -= lr * grad_w1
    w2 -= lr * grad_w2
