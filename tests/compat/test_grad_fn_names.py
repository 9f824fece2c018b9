"""grad_fn names as PyTorch's, swept over the ops the seed tutorials use (API_INVENTORY.md): arithmetic,
reductions, views, indexing, activations, losses, layers' forward and in-place ops. Each row is evaluated
in PyTorch and in jtorch.compat on leaves that require grad; ``type(y.grad_fn).__name__`` (and, for a
sample of rows, ``repr(y)``'s ``grad_fn=<...>`` suffix) must agree. Tutorials print these."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch as real

import jtorch.compat as torch

_RNG = np.random.default_rng(0)
LEAVES = {"x": _RNG.standard_normal((3, 4)) + 0.1, "y": _RNG.standard_normal((3, 4)), "v": _RNG.standard_normal(4),
          "m": _RNG.standard_normal((4, 5)), "b3": _RNG.standard_normal((2, 3, 4)),
          "img": _RNG.standard_normal((2, 3, 8, 8)), "seq": _RNG.standard_normal((5, 2, 4)),
          "p": _RNG.random((3, 4)) * 0.8 + 0.1}
INTS = {"tgt": [0, 3, 1], "idx": [2, 0], "tok": [[1, 2], [3, 0]]}

ARITHMETIC = [
    "x + y", "x + 1", "1 + x", "x - y", "x - 1", "1 - x", "x * y", "2 * x", "x / y", "x / 2", "2 / x", "x ** 2",
    "x ** y", "2 ** x", "-x", "abs(x)", "x.exp()", "p.log()", "p.sqrt()", "x.sigmoid()", "t.tanh(x)", "x.relu()",
    "x.round()", "x.clamp(min=0)", "x.clamp(-0.1, 0.1)", "t.add(x, 10)", "t.sub(x, y)", "t.div(x, y)", "x.pow(2)",
    "x @ m", "x.mm(m)", "t.mm(x, m)", "x.matmul(m)", "x.mv(v)", "v @ v", "b3 @ m", "t.bmm(b3, b3.transpose(1, 2))",
    "t.addmm(m[0], x, m)", "t.outer(v, v)", "t.where(x > 0.3, x, y)", "t.cat((x, y), dim=1)", "t.stack((x, y))",
    "t.max(x, y)", "x.lerp(y, 0.5)", "t.addcmul(x, x, y)", "x.new_ones(3, 4) * x", "x.clone()", "x.double()",
    "x.to('cpu', t.double)", "v @ m", "x @ m.expand(2, 4, 5)", "x[:1] @ m.expand(2, 4, 5)",
    "x.detach() @ m.expand(2, 4, 5)", "b3 @ b3.transpose(1, 2)", "t.mv(x, v)", "t.dot(v, v)", "t.einsum('ij->j', x)",
    "t.addmv(v[:3], x, v)", "t.cdist(x, y)", "x.float()", "x.type(t.float64)", "t.tensor(2.0) * x", "t.exp2(x)",
    "t.hstack((x, y))", "t.where(x > 0, x, 0.0)", "t.fmax(x, y)", "x.repeat_interleave(2)", "x.roll(1)", "x.rot90()",
    "x.tile(2)", "t.broadcast_to(v, (3, 4))", "x.unflatten(1, (2, 2))", "x.movedim(1, 0)", "x.mT", "x.diagonal()",
    "x.nan_to_num()", "p.logit()", "x.norm(p='fro')", "t.linalg.vector_norm(x)", "t.linalg.matrix_norm(x)",
    "x.masked_scatter(x > 0, y)", "x.index_add(0, idx, y[:2])", "x.scatter_add(1, idx.view(1, 2), y[:1, :2])",
    "x.take(idx)", "t.take_along_dim(x, idx.view(1, 2), 1)",
]
REDUCTIONS = [
    "x.sum()", "x.sum(0)", "x.sum(dim=1, keepdim=True)", "x.mean()", "x.mean(0)", "t.mean((x - y) ** 2)",
    "x.prod()", "x.max()", "x.max(dim=0)[0]", "t.max(x, 1)[0]", "x.min(0)[0]", "x.median()", "x.median(0)[0]",
    "x.std()", "x.var()", "x.norm()", "x.norm(1)", "x.norm(2, dim=0)", "x.topk(2)[0]", "x.sort()[0]",
    "x.kthvalue(2, dim=0)[0]", "x.cumsum(0)", "x.logsumexp(1)", "x.amax(0)", "x.softmax(1)", "x.log_softmax(1)",
]
VIEWS = [
    "x.t()", "x.T", "x.transpose(0, 1)", "b3.permute(2, 0, 1)", "x.view(12)", "x.view(-1, 6)", "x.reshape(12)",
    "t.reshape(x, (1, 1, 3, 4))", "x.flatten()", "b3.flatten(start_dim=1)", "x.flatten(0, 0)", "x.unsqueeze(-1)",
    "x.view(3, 1, 4).squeeze()", "x.view(3, 1, 4).squeeze(1)", "x.expand(2, 3, 4)", "v.expand([3, 4])",
    "x.repeat(2, 1)", "x.split(1, dim=0)[1]", "x.chunk(2, dim=1)[0]", "x.unbind(0)[1]", "x.narrow(1, 1, 2)",
    "x.select(1, 2)", "x.contiguous()", "x.view_as(y)", "x.expand_as(b3)",
    # PyTorch's strides decide between a view, _reshape_alias and a copy
    "x.t().reshape(12)", "x.t().reshape(4, 3)", "x.t().flatten()", "x.t().contiguous()", "x[:, ::2].reshape(6)",
    "x[:, ::2].contiguous()", "x[1:].reshape(8)", "x[:, 0].view(3, 1)", "b3.permute(2, 0, 1).reshape(4, 6)",
    "b3.transpose(0, 1).reshape(3, 8)", "b3.split(1, dim=2)[0].reshape(2, 3)", "b3.select(0, 1).view(12)",
    "b3.diagonal(0, 1, 2).reshape(6)", "x.t().view_as(x.t())", "x.t().t().view(12)",
]
INDEXING = [
    "x[0]", "x[0, 1]", "x[:, [0, 2]]", "x[0, :2]", "x[0, ::2]", "b3[1, ..., 1]", "x[-1]", "x[1:]", "x[:]",
    "x[:, :]", "x[...]", "x[0:3, 0:4]", "x[None]", "x[..., None]", "x[:, None]", "x[None, 0]", "x[0, None]",
    "x[::2, None]", "x[None, ::2]", "x[1:, None]", "x[x > 0]", "x[idx]", "x.index_select(0, idx)",
    "t.masked_select(x, x > 0.5)", "x.masked_fill(x > 0, 0.0)", "x.gather(1, idx.view(1, 2).expand(3, 2))",
]
ACTIVATIONS = [
    "F.relu(x)", "F.relu6(x)", "F.leaky_relu(x)", "F.elu(x)", "F.selu(x)", "F.celu(x)", "F.gelu(x)", "F.silu(x)",
    "F.softplus(x)", "F.hardtanh(x)", "F.sigmoid(x)", "F.logsigmoid(x)", "F.softsign(x)", "F.tanhshrink(x)",
    "F.softmax(x, dim=1)", "F.log_softmax(x, dim=1)", "F.softmin(x, 1)", "F.glu(x)", "F.dropout(x, 0.2)",
    "F.dropout2d(img)", "F.alpha_dropout(x, training=True)", "nn.ReLU()(x)", "nn.ReLU6()(x)", "nn.SELU()(x)",
    "nn.CELU()(x)", "nn.LeakyReLU()(x)", "nn.PReLU()(x)", "nn.Softmax(dim=1)(x)", "nn.LogSigmoid()(x)",
    "nn.Softsign()(x)", "nn.Tanhshrink()(x)", "nn.Dropout(p=0.5)(x)", "nn.Dropout(0.5).eval()(x)",
]
LOSSES = [
    "F.mse_loss(x, y)", "F.mse_loss(x, y, reduction='none')", "F.l1_loss(x, y)", "F.smooth_l1_loss(x, y)",
    "F.cross_entropy(x, tgt)", "F.cross_entropy(x, tgt, label_smoothing=0.1)", "F.nll_loss(x, tgt)",
    "F.binary_cross_entropy(p, p.detach())", "F.binary_cross_entropy_with_logits(x, p.detach())",
    "F.kl_div(x, p.detach(), reduction='batchmean')", "F.cosine_similarity(x, y)", "F.pairwise_distance(x, y)",
    "F.normalize(x)", "nn.MSELoss()(x, y)", "nn.L1Loss(reduction='sum')(x, y)", "nn.CrossEntropyLoss()(x, tgt)",
    "nn.BCELoss()(p, p.detach())", "nn.NLLLoss()(x, tgt)", "nn.CosineSimilarity()(x, y)",
    "nn.PairwiseDistance()(x, y)",
]
LAYERS = [
    "F.linear(x, m.t(), m[0])", "F.linear(b3, m.t())", "nn.Linear(4, 2)(x)", "nn.Linear(4, 2)(v)",
    "nn.Linear(4, 2)(b3)", "nn.Linear(4, 2, bias=False)(x)", "nn.Bilinear(4, 4, 2)(x, y)",
    "nn.Bilinear(4, 4, 2, bias=False)(x, y)", "F.conv2d(img, img[:2, :, :3, :3])", "nn.Conv2d(3, 6, 3, padding=1)(img)",
    "nn.Conv1d(3, 2, 2)(b3)", "nn.ConvTranspose2d(3, 2, 3)(img)", "F.max_pool2d(img, 2)", "F.max_pool1d(b3, 2)",
    "F.avg_pool2d(img, 3, stride=2)", "F.avg_pool1d(b3, 2)", "F.lp_pool2d(img, 2, 2)", "nn.MaxPool2d(3, stride=2)(img)",
    "nn.MaxPool1d(2)(b3)", "nn.AvgPool2d(2)(img)", "nn.AvgPool1d(2)(b3)", "nn.LPPool2d(2, 2)(img)",
    "F.adaptive_avg_pool2d(img, 1)", "F.adaptive_avg_pool2d(img, (2, 2))", "F.adaptive_avg_pool1d(b3, 2)",
    "F.adaptive_max_pool2d(img, 2)", "nn.AdaptiveAvgPool2d((1, 1))(img)", "nn.AdaptiveAvgPool2d(2)(img)",
    "nn.AdaptiveMaxPool2d(2)(img)", "nn.AdaptiveAvgPool1d(1)(b3)", "nn.AdaptiveAvgPool2d(2)(img[0])",
    "F.interpolate(img, scale_factor=2, mode='nearest')",
    "F.interpolate(b3, scale_factor=2, mode='linear')", "F.interpolate(img, scale_factor=2, mode='bilinear')",
    "F.interpolate(img, size=(4, 4), mode='area')", "F.upsample_nearest(img, scale_factor=2)",
    "nn.Upsample(scale_factor=2)(img)", "nn.Upsample(scale_factor=2, mode='bilinear')(img)",
    "nn.UpsamplingNearest2d(scale_factor=2)(img)", "nn.UpsamplingBilinear2d(scale_factor=2)(img)",
    "F.pad(img, (1, 1))", "F.pad(b3, (1, 1), mode='reflect')", "F.pad(img, (1, 1, 1, 1), mode='replicate')",
    "F.pad(img, (1, 1, 1, 1), mode='circular')", "nn.ZeroPad2d(1)(img)", "nn.ReflectionPad2d(1)(img)",
    "nn.ConstantPad1d(1, 2.0)(b3)", "F.embedding(tok, m)", "nn.Embedding(10, 2)(tok)", "F.batch_norm(img, None, None, training=True)",
    "nn.BatchNorm1d(4)(x)", "nn.BatchNorm2d(3).eval()(img)", "F.layer_norm(x, (4,))", "nn.LayerNorm(4)(x)",
    "F.group_norm(img, 3)", "nn.GroupNorm(3, 3)(img)", "F.instance_norm(img)", "nn.InstanceNorm2d(3)(img)",
    "F.local_response_norm(img, 2)", "F.unfold(img, 2)", "nn.Flatten()(img)", "nn.Unflatten(1, (2, 2))(x)",
    "nn.Sequential(nn.Linear(4, 3), nn.ReLU())(x)", "nn.PixelShuffle(2)(img[:, :1].repeat(1, 4, 1, 1))",
]
RECURRENT = [  # (output, h_n[, c_n]) each named for PyTorch's last op on it (CPU kernels)
    "nn.RNN(input_size=4, hidden_size=3, num_layers=2)(seq)[0]", "nn.RNN(4, 3)(seq)[1]",
    "nn.RNN(4, 3, batch_first=True)(seq)[0]", "nn.RNN(4, 3, bidirectional=True)(seq)[0]", "nn.RNN(4, 3)(seq[0])[1]",
    "nn.LSTM(4, 3, 2)(seq)[0]", "nn.LSTM(4, 3)(seq)[1][0]", "nn.LSTM(4, 3)(seq)[1][1]",
    "nn.LSTM(4, 3, batch_first=True)(seq)[0]", "nn.LSTM(4, 3, proj_size=2)(seq)[0]", "nn.LSTM(4, 3)(seq[0])[1][1]",
    "nn.GRU(4, 3)(seq)[0]", "nn.GRU(4, 3, batch_first=True)(seq)[0]", "nn.RNNCell(4, 3)(x)",
    "nn.RNNCell(4, 3, nonlinearity='relu')(x)", "nn.RNNCell(4, 3)(v)", "nn.LSTMCell(4, 3)(x)[0]",
    "nn.LSTMCell(4, 3)(x)[1]", "nn.GRUCell(4, 3)(x)", "nn.GRUCell(4, 3)(v)",
]
INPLACE = [
    "(x * 1).add_(y)", "(x * 1).mul_(2)", "(x * 1).clamp_(min=0)", "(x * 1).zero_()", "(x * 1).exp_()",
    "(x * 1).relu_()", "(x * 1).sub_(1)", "t.zeros(3, 4).add_(x)", "(x * 1).copy_(y)", "t.zeros(3, 4).copy_(v)",
    "t.zeros(3, 4, dtype=t.float64).copy_(x)", "(x * 1).unsqueeze_(1)", "(x * 1).t_()", "(x * 1).transpose_(0, 1)",
    "x.view(3, 1, 4).clone().squeeze_()", "x.view(3, 1, 4).clone().squeeze_(1)", "(x * 1).masked_fill_(x > 0, 0.0)",
    "(x * 1).scatter_(1, idx.view(1, 2), 1.0)", "(x * 1).index_fill_(0, idx, 1.0)", "(x * 1).div_(y)",
    "F.relu(x * 1, inplace=True)", "nn.ReLU(inplace=True)(x * 1)",
]
ROWS = ARITHMETIC + REDUCTIONS + VIEWS + INDEXING + ACTIVATIONS + LOSSES + LAYERS + RECURRENT + INPLACE
# repr(y) is a sync (a compile per row): checked for a sample of every family
REPR_ROWS = {"1 - x", "x @ m", "x.sum()", "x.max(dim=0)[0]", "x.t().reshape(12)", "x.view(12)", "x[None]",
             "x[...]", "F.selu(x)", "F.cross_entropy(x, tgt)", "nn.Linear(4, 2)(x)", "nn.Conv2d(3, 6, 3, padding=1)(img)",
             "F.pad(img, (1, 1, 1, 1), mode='circular')", "(x * 1).add_(y)", "nn.LSTM(4, 3)(seq)[1][1]",
             "(x * 1).copy_(y)"}


def _names(lib, expr: str, with_repr: bool):
    lib.manual_seed(0)
    env = {k: lib.tensor(a.astype(np.float32), requires_grad=True) for k, a in LEAVES.items()}
    env.update({k: lib.tensor(a) for k, a in INTS.items()}, t=lib, F=lib.nn.functional, nn=lib.nn)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = eval(expr, env)
    fn = y.grad_fn
    return type(fn).__name__, fn.name() if fn is not None else None, \
        repr(y).rpartition("grad_fn=")[2] if with_repr else None


@pytest.mark.parametrize("expr", ROWS)
def test_grad_fn_name_as_torch(expr):
    with_repr = expr in REPR_ROWS
    assert _names(torch, expr, with_repr) == _names(real, expr, with_repr)


@pytest.mark.parametrize("expr", ["1 + x", "2 * x", "x + 1", "x * 2", "x + y", "(2 * x).sum()", "F.relu(2 * x + 1)"])
def test_next_functions_of_scalar_arithmetic_as_torch(expr):
    """``2 * x`` is ``x.__rmul__(2)``: PyTorch's grad_fn lists x's edge first, the number's (None) second."""
    def chain(lib):
        env = {"x": lib.ones(2, requires_grad=True), "y": lib.ones(2, requires_grad=True), "F": lib.nn.functional}
        fn, out = eval(expr, env).grad_fn, []
        while fn is not None and fn.next_functions:
            out.append(tuple(None if f is None else type(f).__name__ for f, _ in fn.next_functions))
            fn = fn.next_functions[0][0]
        return out
    assert chain(torch) == chain(real)
