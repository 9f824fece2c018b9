"""Tensor basics as the seed tutorials show them: creation, dtypes, printing, arithmetic, indexing, views,
reductions and the NumPy bridge.

    jtorch run examples/tensor_basics.py
"""
import numpy as np
import torch

# Creation: from data, by shape, and ranges; Python floats give float32, ints give int64.
x = torch.tensor([[1., 2.], [3., 4.]])
print("x =", x)
print("dtype:", x.dtype, "shape:", x.shape, "size(0):", x.size(0), "dim:", x.dim(), "numel:", x.numel())
print("zeros:", torch.zeros(2, 3, dtype=torch.long))
print("ones:", torch.ones(5))
print("eye:", torch.eye(3))
print("arange:", torch.arange(1, 4), torch.arange(-1, 1, 0.5))
print("linspace:", torch.linspace(-1, 1, steps=5))
print("full:", torch.full([2, 2], 3))
torch.manual_seed(0)
print("rand shape:", torch.rand(2, 3).shape, "randn dtype:", torch.randn(2, 3).dtype)
print("FloatTensor([2, 3, 4]):", torch.FloatTensor([2, 3, 4]), "type():", torch.FloatTensor([2, 3, 4]).type())

# Arithmetic: operators, functions, out=, in-place with a trailing underscore.
y = torch.ones(2, 2)
print("x + y:", x + y)
print("torch.add(x, 10):", torch.add(x, 10))
result = torch.empty(2, 2)
torch.add(x, y, out=result)
print("out=:", result)
y.add_(x)
print("y.add_(x):", y)
print("x * 2 - 1:", x * 2 - 1)
print("x @ x.t():", x @ x.t())
print("mm / matmul equal:", torch.equal(x.mm(x), torch.matmul(x, x)))
print("pow, sqrt, exp:", x.pow(2), x.sqrt(), torch.exp(torch.tensor([0., 1.])))
print("clamp(min=2):", x.clamp(min=2))
print("int / int is float:", torch.tensor([3, 4]) / 2, "floor division:", torch.tensor([3, 4]) // 2)

# Indexing and logic.
a = torch.arange(12.).view(3, 4)
print("a =", a)
print("a[0]:", a[0], "a[0, 1]:", a[0, 1], "a[:, [0, 2]]:", a[:, [0, 2]], sep="\n")
print("a[a > 5]:", a[a > 5])
print("masked_select:", torch.masked_select(a, a > 9))
print("a > 5 dtype:", (a > 5).dtype)

# Shapes and views: a view shares data with its base.
v = a.view(-1, 6)
v[0, 0] = 100.
print("view(-1, 6):", v.shape, "a[0, 0] after writing the view:", a[0, 0].item())
print("reshape, transpose, permute:", a.reshape(4, 3).shape, a.transpose(0, 1).shape,
      a.unsqueeze(0).permute(2, 0, 1).shape)
print("squeeze/unsqueeze:", a.unsqueeze(0).shape, a.unsqueeze(0).squeeze(0).shape)
print("cat / stack:", torch.cat([a, a]).shape, torch.stack([a, a]).shape)
print("chunk:", [c.shape for c in a.chunk(2, dim=1)])

# Reductions.
b = torch.tensor([[1., 5., 3.], [4., 2., 6.]])
print("sum, mean, max:", b.sum(), b.mean(), b.max())
values, indices = torch.max(b, 1)
print("torch.max(b, 1):", values, indices)
print("argmax(dim=1):", b.argmax(dim=1), "sort:", b.sort(dim=1).values, "topk:", b.topk(2).values)

# The NumPy bridge and Python scalars.
n = b.numpy()
print("numpy():", type(n).__name__, n.dtype, n.tolist())
print("from_numpy:", torch.from_numpy(np.ones(3)))
print("item():", b.sum().item(), "tolist():", b[0].tolist())

# Printing: requires_grad, grad_fn, large tensors are summarised.
w = torch.ones(2, requires_grad=True)
print(w * 2)
print(torch.arange(2000.))
