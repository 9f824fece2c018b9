"""PyTorch's own functions called on jtorch tensors run jtorch's implementation (``__torch_function__``)."""
import numpy as np
import pytest
import torch as real
import torch.nn.functional as RF

import jtorch.compat as torch

X = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
W = np.random.default_rng(1).standard_normal((2, 4)).astype(np.float32)

CALLS = {
    "F.leaky_relu": lambda x, w: RF.leaky_relu(x, 0.2),
    "F.mse_loss": lambda x, w: RF.mse_loss(x, x * 2),
    "F.softmax": lambda x, w: RF.softmax(x, dim=1),
    "F.threshold (F._threshold)": lambda x, w: RF.threshold(x, 0.1, 20.0),
    "F.linear": lambda x, w: RF.linear(x, w),
    "F.normalize": lambda x, w: RF.normalize(x, p=1.0, dim=0),
    "torch.functional.norm": lambda x, w: real.norm(x, p=3, dim=1),
    "torch.add (C)": lambda x, w: real.add(x, 1, alpha=2),
    "torch.matmul (C)": lambda x, w: real.matmul(x, w.T),
    "torch.linalg.norm": lambda x, w: real.linalg.norm(x, dim=0),
    "torch.special.erf": lambda x, w: real.special.erf(x),
    "torch._C._nn.linear": lambda x, w: real._C._nn.linear(x, w),
}


@pytest.mark.parametrize("name", CALLS)
def test_real_torch_function_runs_jtorch(name):
    fn = CALLS[name]
    x, w = torch.tensor(X, requires_grad=True), torch.tensor(W)
    got = fn(x, w)
    assert type(got) is torch.Tensor
    want_x = real.tensor(X, requires_grad=True)
    want = fn(want_x, real.tensor(W))
    assert tuple(got.shape) == tuple(want.shape) and str(got.dtype) == str(want.dtype)
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-5, atol=1e-6)
    got.sum().backward()
    want.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), want_x.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_missing_function_names_it():
    with pytest.raises(NotImplementedError, match=r"torch\.fft\.fft\b"):
        real.fft.fft(torch.ones(4))


def test_our_own_function_passes_through():
    # PyTorch code run with `torch` bound to jtorch hands our own function to the protocol
    x = torch.tensor(X)
    got = torch.Tensor.__torch_function__(torch.nn.functional.pad, (torch.Tensor,), (x, (1, 2)))
    np.testing.assert_array_equal(got.numpy(), np.pad(X, ((0, 0), (1, 2))))


def test_tensor_members_map_to_our_methods():
    x = torch.tensor(X)
    tf = torch.Tensor.__torch_function__
    assert tf(real.Tensor.shape.__get__, (torch.Tensor,), (x,)) == (3, 4)
    np.testing.assert_allclose(tf(real.Tensor.exp, (torch.Tensor,), (x,)).numpy(), np.exp(X), rtol=1e-6)
    tf(real.Tensor.requires_grad.__set__, (torch.Tensor,), (x, True))
    assert x.requires_grad


@pytest.mark.parametrize("fn", [lambda x: RF.max_pool2d(x, 2, return_indices=True),
                                lambda x: RF.adaptive_max_pool1d(x[0], 3, True),
                                lambda x: RF.max_pool1d(x[0], 2, 1, return_indices=False)])
def test_boolean_dispatch_pools(fn):
    a = np.random.default_rng(2).standard_normal((1, 2, 6, 6)).astype(np.float32)
    got, want = fn(torch.tensor(a)), fn(real.tensor(a))
    for g, w in zip(got if isinstance(got, tuple) else (got,), want if isinstance(want, tuple) else (want,)):
        assert str(g.dtype) == str(w.dtype)
        np.testing.assert_array_equal(g.numpy(), w.numpy())
