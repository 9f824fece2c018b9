"""Device placement (seed 001): one ``device`` chosen at the top, the model, the loss and every batch
moved there with ``.to(device)``, results brought back with ``.cpu()``; runs on a GPU when there is one.

    jtorch run examples/device_placement.py
"""
import torch
import torch.nn as nn

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print("device:", device, "| cuda available:", torch.cuda.is_available())
if torch.cuda.is_available():
    print("GPU:", torch.cuda.get_device_name(0), "| count:", torch.cuda.device_count())

model = nn.Sequential(
    nn.Conv2d(3, 8, 5, padding=2), nn.MaxPool2d(2),
    nn.Conv2d(8, 8, 5, padding=2), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(8 * 8 * 8, 10))
model = model.to(device)
loss_fn = nn.CrossEntropyLoss().to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
print("parameters on:", next(model.parameters()).device)

torch.manual_seed(0)
imgs = torch.rand(16, 3, 32, 32)
labels = torch.randint(0, 10, (16,))
print("batch on:", imgs.device, "-> after .to(device):", imgs.to(device).device)
for step in range(5):
    imgs_d, labels_d = imgs.to(device), labels.to(device)
    loss = loss_fn(model(imgs_d), labels_d)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    print("step {}: loss {:.4f}".format(step, loss.item()))

model.eval()
with torch.no_grad():
    pred = model(imgs.to(device)).argmax(dim=1).cpu()
print("predictions (on cpu):", pred.tolist(), pred.device)
x = torch.ones(2, 2, device=device)
print("created on device:", x.device, "| to cpu, float64:", x.to("cpu", torch.double).dtype)
try:
    torch.ones(1).cuda()
    print(".cuda(): ok")
except (AssertionError, RuntimeError) as error:
    print(".cuda() without a GPU raises", type(error).__name__)
