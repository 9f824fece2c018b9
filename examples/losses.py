"""The loss functions of the seed tutorials on small tensors: MSELoss, L1Loss, CrossEntropyLoss (and its
equality with LogSoftmax + NLLLoss), BCELoss / BCEWithLogitsLoss, SmoothL1Loss, each with its gradient.

    jtorch run examples/losses.py
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

# Fixed inputs (no random stream), so the printed numbers equal PyTorch's.
x = torch.linspace(-3, 3, 20).sin().view(4, 5).mul(2).requires_grad_()
y = torch.linspace(-1, 1, 20).view(4, 5)
labels = torch.tensor([1, 0, 4, 2])

for loss_fn in (nn.MSELoss(), nn.L1Loss(), nn.SmoothL1Loss(), nn.MSELoss(reduction="sum")):
    loss = loss_fn(x, y)
    loss.backward()
    print(f"{loss_fn} ({loss_fn.reduction}): {loss.item():.4f}, grad norm {x.grad.norm().item():.4f}")
    x.grad = None

cross_entropy = nn.CrossEntropyLoss()
loss = cross_entropy(x, labels)
loss.backward()
print(f"CrossEntropyLoss: {loss.item():.4f}, grad row sums ~0: {x.grad.sum(1).abs().max().item() < 1e-6}")
nll = nn.NLLLoss()(nn.LogSoftmax(dim=1)(x), labels)
print("CrossEntropyLoss == NLLLoss(LogSoftmax):", torch.allclose(loss, nll))
print("label smoothing 0.1:", round(F.cross_entropy(x, labels, label_smoothing=0.1).item(), 4))

p = torch.sigmoid(x)
targets = (y > 0).float()
bce = nn.BCELoss()(p, targets)
bce_logits = nn.BCEWithLogitsLoss()(x, targets)
print(f"BCELoss: {bce.item():.4f}, BCEWithLogitsLoss: {bce_logits.item():.4f}, equal:",
      torch.allclose(bce, bce_logits))
print("per-element (reduction='none') shape:", nn.MSELoss(reduction="none")(x, y).shape)
try:
    cross_entropy(x, labels.float()[:3])
except (RuntimeError, ValueError) as error:
    print("mismatched batch:", type(error).__name__)
