"""diag_embed, multinomial, normal's gradients, ``~`` on floats, functional softmax dtypes, inner, and 0-d /
size-1 edge cases of nonzero and unique_consecutive against PyTorch."""
import numpy as np
import pytest
import torch as real

import jtorch.compat as torch

from _compare import compare, compare_error

RNG = np.random.default_rng(3)
V = RNG.standard_normal((2, 3)).astype(np.float32)
P = np.array([[0.1, 0.2, 0.7, 0.0], [1.0, 1.0, 1.0, 1.0]], np.float32)


@pytest.mark.parametrize("args", [(), (1,), (-2,), (0, 0, 2), (1, 2, 0), (-1, -1, -3)])
def test_diag_embed_matches_torch(args):
    compare(lambda lib, v: lib.diag_embed(v, *args), V)
    compare(lambda lib, v: v.diag_embed(*args), V)


def test_diag_embed_errors():
    compare_error(lambda lib, v: lib.diag_embed(v, 0, 1, 1), V)
    compare_error(lambda lib, v: lib.diag_embed(v, 0, 3), V)


@pytest.mark.parametrize("replacement", [False, True])
@pytest.mark.parametrize("probs", [P, P[1]])
def test_multinomial_shapes_and_dtypes(probs, replacement):
    n = 3
    want = real.multinomial(real.tensor(probs), n, replacement)
    got = torch.multinomial(torch.tensor(probs), n, replacement)
    assert tuple(got.shape) == tuple(want.shape) and str(got.dtype) == str(want.dtype)
    rows = got.numpy().reshape(-1, n)
    assert ((rows >= 0) & (rows < probs.shape[-1])).all()
    if not replacement:
        assert all(len(set(r)) == n for r in rows)
        assert not (rows[0] == 3).any() if probs.ndim == 2 else True  # a zero-probability category is never drawn


def test_multinomial_distribution():
    torch.manual_seed(0)
    p = torch.tensor([0.1, 0.2, 0.7])
    draws = torch.multinomial(p, 20000, replacement=True).numpy()
    np.testing.assert_allclose(np.bincount(draws, minlength=3) / 20000, [0.1, 0.2, 0.7], atol=0.015)
    # without replacement: the first draw follows p, the second the renormalised rest
    pairs = torch.multinomial(p.expand(20000, 3), 2).numpy()
    np.testing.assert_allclose(np.bincount(pairs[:, 0], minlength=3) / 20000, [0.1, 0.2, 0.7], atol=0.015)
    second_after_2 = pairs[pairs[:, 0] == 2, 1]
    np.testing.assert_allclose(np.mean(second_after_2 == 1), 2 / 3, atol=0.02)


@pytest.mark.parametrize("fn", [lambda lib, p: lib.multinomial(p, 5), lambda lib, p: lib.multinomial(p, 0),
                                lambda lib, p: lib.multinomial(p[None], 1),
                                lambda lib, p: lib.multinomial(p.long(), 1)])
def test_multinomial_errors(fn):
    compare_error(fn, P)


def test_normal_is_differentiable_in_mean_and_std():
    mean = torch.tensor(V, requires_grad=True)
    std = torch.tensor(np.abs(V) + 0.5, requires_grad=True)
    y = torch.normal(mean, std)
    assert y.grad_fn.name() == real.normal(real.zeros(1, requires_grad=True), real.ones(1)).grad_fn.name()
    y.sum().backward()
    np.testing.assert_array_equal(mean.grad.numpy(), np.ones_like(V))
    np.testing.assert_allclose(std.grad.numpy(), (y - mean).detach().numpy() / std.detach().numpy(), rtol=1e-5)


def test_invert_float_is_a_type_error():
    compare_error(lambda lib, v: ~v, V)
    compare_error(lambda lib, v: lib.bitwise_not(v), V)
    compare(lambda lib, i: (~i, ~(i > 0)), np.array([[-2, 0, 5]]))


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_functional_softmax_dtype(name):
    compare(lambda lib, v: getattr(lib.nn.functional, name)(v, 1, dtype=lib.float64), V)


def test_bool_pow_with_a_bool_tensor_exponent():
    compare_error(lambda lib, t: lib.pow(False, t), np.array(False))
    compare(lambda lib, t: (lib.pow(t, True), t ** False), np.array([True, False]))


@pytest.mark.parametrize("shapes", [((3,), (3,)), ((2, 3), (4, 3)), ((2, 1, 3), (3,)), ((), (2, 3)), ((2, 3), ())])
def test_inner_matches_torch(shapes):
    compare(lambda lib, a, b: lib.inner(a, b), *(RNG.standard_normal(s).astype(np.float32) for s in shapes))


def test_inner_errors():
    compare_error(lambda lib, a, b: lib.inner(a, b), V, V.T)
    compare_error(lambda lib, a, b: lib.inner(a, b.double()), V, V)


@pytest.mark.parametrize("value", [3.0, 0.0])
def test_nonzero_of_0d(value):
    compare(lambda lib, t: (lib.nonzero(t), lib.nonzero(t, as_tuple=True), lib.argwhere(t)), np.float32(value))


def test_unique_consecutive_0d_and_size_one_dims():
    x = np.repeat(np.array([[[1.0, 1, 2, 2, 3]]], np.float32), 5, axis=0)
    compare(lambda lib, t: lib.unique_consecutive(t, return_inverse=True, return_counts=True), np.float32(2.0),
            grad=False)
    compare(lambda lib, t: lib.unique_consecutive(t, return_inverse=True, return_counts=True, dim=1), x, grad=False)


@pytest.mark.parametrize("fn", [lambda lib, x: x.mH, lambda lib, x: x.H, lambda lib, x: lib.adjoint(x[None]),
                                lambda lib, x: x.adjoint(), lambda lib, x: lib.diagflat(x, -1),
                                lambda lib, x: x.sum_to_size(1, 3), lambda lib, x: x.sum_to_size(3),
                                lambda lib, x: x[None].sum_to_size((2, 1))])
def test_conj_transposes_diagflat_sum_to_size(fn):
    compare(fn, V)


@pytest.mark.parametrize("fn", [lambda lib, x: x[0].mH, lambda lib, x: x[None].H, lambda lib, x: x[0].adjoint(),
                                lambda lib, x: x.sum_to_size(4, 3), lambda lib, x: x.sum_to_size(2, 3, 1)])
def test_conj_transpose_and_sum_to_size_errors(fn):
    compare_error(fn, V)


@pytest.mark.parametrize("name", ["sum", "mean", "prod", "std", "var", "nansum"])
def test_reductions_with_and_without_dim(name):
    compare(lambda lib, x: (getattr(x, name)(), getattr(x, name)(1), getattr(lib, name)(x, 0, keepdim=True)), V)


@pytest.mark.parametrize("exponent", [2, 3, 0.5, 2.0, 1.5, -1])
def test_pow_by_a_python_number_is_torch_bitwise(exponent):
    """x ** 2 and x ** 3 compute as PyTorch's kernels do (x*x, x*x*x), bit for bit; x ** 0.5 is a correctly
    rounded sqrt (torch's vectorised pow(x, 0.5) is 1 ulp off it for ~0.7% of values); grads as torch's."""
    import torch as real
    values = np.random.default_rng(0).uniform(0.1, 5.0, 50).astype(np.float32)

    def run(lib):
        x = lib.tensor(values, requires_grad=True)
        y = x ** exponent
        y.sum().backward()
        return y.detach().numpy(), x.grad.numpy(), type(y.grad_fn).__name__

    got, want = run(torch), run(real)
    if exponent in (2, 3):
        np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_allclose(got[0], want[0], rtol=1e-6)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-6)
    assert got[2] == want[2]


def test_pow_by_two_is_a_multiply_in_the_executable(monkeypatch):
    from jtorch.compat import engine
    programs, program = [], engine._program
    monkeypatch.setattr(engine, "_program", lambda *a: programs.append(program(*a)) or programs[-1])
    x = torch.tensor([1.0, 2.0])
    assert (x ** 2).tolist() == [1.0, 4.0]
    (_, static, refs), = programs[-1][0]
    assert dict(static)["n"] == 2 and len(refs) == 1  # a static exponent, not a runtime leaf
