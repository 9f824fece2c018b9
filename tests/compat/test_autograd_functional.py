"""``torch.autograd.functional`` against real PyTorch: values and the tuple/Tensor structure of results."""
import numpy as np
import pytest
import torch as real

import jtorch.compat as torch

RNG = np.random.default_rng(0)
A = RNG.standard_normal((3,)).astype(np.float32)
B = RNG.standard_normal((2, 3)).astype(np.float32)
V3 = RNG.standard_normal((3,)).astype(np.float32)
V2 = RNG.standard_normal((2,)).astype(np.float32)


def f_single(x):
    return (x.exp() * x).sum()


def f_vec(x):
    return x.sin() * x[0]


def f_two_in(x, w):
    return w @ x.tanh()


def f_two_out(x, w):
    return (w * x).sum(1), x.pow(2)


def f_scalar_two_in(x, w):
    return ((w @ x) ** 2).sum() + x.prod()


CASES = {  # name -> (fn name, func, input arrays (tuple: the inputs are a tuple), v arrays or None, kwargs)
    "jacobian_single": ("jacobian", f_vec, A, None, {}),
    "jacobian_tuple_in": ("jacobian", f_two_in, (A, B), None, {}),
    "jacobian_tuple_out": ("jacobian", f_two_out, (A, B), None, {}),
    "jacobian_create_graph": ("jacobian", f_vec, A, None, {"create_graph": True}),
    "jacobian_vectorize": ("jacobian", f_two_in, (A, B), None, {"vectorize": True}),
    "hessian_single": ("hessian", f_single, A, None, {}),
    "hessian_tuple": ("hessian", f_scalar_two_in, (A, B), None, {}),
    "vjp_single": ("vjp", f_vec, A, V3, {}),
    "vjp_scalar_no_v": ("vjp", f_single, A, None, {}),
    "vjp_tuple": ("vjp", f_two_out, (A, B), (V2, V3), {}),
    "jvp_single": ("jvp", f_vec, A, V3, {}),
    "jvp_tuple": ("jvp", f_two_in, (A, B), (V3, B * 2), {}),
    "hvp_single": ("hvp", f_single, A, V3, {}),
    "vhp_tuple": ("vhp", f_scalar_two_in, (A, B), (V3, B), {}),
}


def _call(lib, case):
    fn, func, arrays, v, kwargs = CASES[case]
    conv = lambda a: None if a is None else tuple(map(lib.tensor, a)) if isinstance(a, tuple) else lib.tensor(a)  # noqa: E731
    return getattr(lib.autograd.functional, fn)(func, conv(arrays), *(() if v is None else (conv(v),)), **kwargs)


def _same(got, want, where="result"):
    assert type(got).__name__ == type(want).__name__, where  # Tensor vs tuple structure
    if isinstance(want, tuple):
        assert len(got) == len(want), where
        for k, (g, w) in enumerate(zip(got, want)):
            _same(g, w, f"{where}[{k}]")
        return
    assert tuple(got.shape) == tuple(want.shape) and str(got.dtype) == str(want.dtype), where
    assert got.requires_grad == want.requires_grad, where
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-5, atol=1e-5, err_msg=where)


SLOW = {"hessian_tuple", "hvp_single", "vhp_tuple", "jacobian_vectorize"}  # compile-bound (> 8 s each)


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.slow) if c in SLOW else c for c in sorted(CASES)])
def test_matches_pytorch(case):
    _same(_call(torch, case), _call(real, case))


ERRORS = {
    "v_none_not_scalar": lambda lib: lib.autograd.functional.vjp(f_vec, lib.tensor(A)),
    "v_bad_size": lambda lib: lib.autograd.functional.jvp(f_vec, lib.tensor(A), lib.tensor(V2)),
    "hessian_not_scalar": lambda lib: lib.autograd.functional.hessian(f_vec, lib.tensor(A)),
    "bad_input_type": lambda lib: lib.autograd.functional.jacobian(f_vec, [lib.tensor(A)]),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors_match_pytorch(case):
    with pytest.raises(Exception) as want:
        ERRORS[case](real)
    with pytest.raises(type(want.value)) as got:
        ERRORS[case](torch)
    assert str(got.value) == str(want.value)


def test_jacobian_through_a_custom_function():
    class Square(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return 2 * x * g

    jac = torch.autograd.functional.jacobian(Square.apply, torch.tensor(A))
    np.testing.assert_allclose(jac.numpy(), np.diag(2 * A), rtol=1e-6)
