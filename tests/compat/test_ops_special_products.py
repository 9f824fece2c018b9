"""Special functions, float binaries, fused products and array utilities (``_ops/_special.py``,
``_ops/_products.py``, ``_ops/_misc.py``) against PyTorch: values, dtypes, shapes, ``grad_fn`` names,
gradients, and error types and messages."""
import numpy as np
import pytest

from _compare import compare, compare_error

RNG = np.random.default_rng(3)
A = RNG.standard_normal((3, 4)).astype(np.float32)
B = RNG.standard_normal((4, 5)).astype(np.float32)
C = RNG.standard_normal((3, 5)).astype(np.float32)
V = RNG.standard_normal((2, 3, 3)).astype(np.float32)
ROW = RNG.standard_normal((4,)).astype(np.float32)
P = RNG.uniform(0.05, 0.95, (3, 4)).astype(np.float32)
POS = RNG.uniform(0.5, 4.0, (3, 4)).astype(np.float32)
INTS = np.array([[3, -1, 0, 2], [0, 4, -5, 1]])
IDX = np.array([1, 3, 3, 0, 7])
SPECIAL = np.array([1.0, np.inf, -np.inf, np.nan, 0.0, -0.0], np.float32)
D = RNG.standard_normal((3, 4))

CASES = {
    # unary special functions
    "erfinv": (lambda lib, p: lib.erfinv(p * 2 - 1), P),
    "erfc": (lambda lib, a: a.erfc(), A),
    "lgamma": (lambda lib, a: lib.lgamma(a), A),
    "digamma": (lambda lib, x: x.digamma(), POS),
    "polygamma": (lambda lib, x: (lib.polygamma(1, x), x.polygamma(2)), POS),
    "i0": (lambda lib, a: lib.i0(a), A),
    "sinc": (lambda lib, a: lib.sinc(a), A),
    "deg2rad_int": (lambda lib, i: (lib.deg2rad(i), i.rad2deg()), INTS),
    "logit": (lambda lib, p: (p.logit(), lib.logit(p, 0.2)), P),
    "sgn_positive": (lambda lib, a: (a.sgn(), lib.positive(a)), A),
    "signbit": (lambda lib, s, i: (s.signbit(), lib.signbit(i)), SPECIAL, INTS),
    "nan_to_num": (lambda lib, s: (s.nan_to_num(), lib.nan_to_num(s, 1.0, 2.0, -2.0)), SPECIAL),
    "nan_to_num_int": (lambda lib, i: i.nan_to_num(), INTS),
    # binary
    "hypot": (lambda lib, a, r: lib.hypot(a, r), A, ROW),
    "logaddexp": (lambda lib, a, r: (lib.logaddexp(a, r), a.logaddexp2(r)), A, ROW),
    "xlogy": (lambda lib, a, x: lib.xlogy(a, x), A, POS),
    "xlogy_zero_nan": (lambda lib, s: lib.xlogy(lib.zeros(6), s), SPECIAL),
    "xlogy_scalar_int": (lambda lib, i: (lib.xlogy(i, 2), lib.xlogy(2, i.abs())), INTS),
    "copysign": (lambda lib, a, r: (lib.copysign(a, r), lib.copysign(a, -1)), A, ROW),
    "copysign_int": (lambda lib, i: lib.copysign(i, -1), INTS),
    "fmax_fmin": (lambda lib, s, a: (lib.fmax(s, a[0, :1]), lib.fmin(s, a[0, :1])), SPECIAL, A),
    "float_power": (lambda lib, a, i: (lib.float_power(a, 2), i.float_power(2)), A, INTS),
    "lerp_scalar": (lambda lib, a, c: lib.lerp(a, c[:, :4], 0.3), A, C),
    "lerp_tensor": (lambda lib, a, p: a.lerp(a * 2, p), A, P),
    "lerp_large_weight": (lambda lib, a, r: lib.lerp(a, r, 0.8), A, ROW),
    "addcmul": (lambda lib, a, r, p: lib.addcmul(a, r, p, value=0.5), A, ROW, P),
    "addcdiv": (lambda lib, a, r, x: a.addcdiv(r, x, value=2), A, ROW, POS),
    "addcmul_int": (lambda lib, i: lib.addcmul(i, i, i, value=2), INTS),
    # products
    "einsum": (lambda lib, a, b: lib.einsum("ij,jk->ik", a, b), A, B),
    "einsum_list_batch": (lambda lib, v: lib.einsum("bij,bjk", [v, v]), V),
    "einsum_trace": (lambda lib, v: lib.einsum("bii->b", v), V),
    "tensordot": (lambda lib, a, b: lib.tensordot(a, b, dims=1), A, B),
    "tensordot_pairs": (lambda lib, v: lib.tensordot(v, v, dims=([1, 2], [2, 1])), V),
    "kron": (lambda lib, a, r: (lib.kron(a, r), lib.kron(r, a)), A, ROW),
    "cross": (lambda lib, v: (lib.cross(v, v.flip(0), dim=1), lib.linalg.cross(v, v.flip(1))), V),
    "cdist": (lambda lib, a, c: lib.cdist(a, c[:, :4]), A, C),
    "cdist_p1_batched": (lambda lib, v: lib.cdist(v, v * 2, p=1), V),
    "addmm": (lambda lib, c, a, b: lib.addmm(c, a, b, beta=0.5, alpha=2), C, A, B),
    "addmm_broadcast": (lambda lib, c, a, b: c[0].addmm(a, b), C, A, B),
    "addmv": (lambda lib, a, b, c: lib.addmv(c[:, 0], a, b[:, 0]), A, B, C),
    "baddbmm": (lambda lib, v: lib.baddbmm(v, v, v, alpha=3), V),
    "addbmm": (lambda lib, v: lib.addbmm(v[0], v, v), V),
    "addr": (lambda lib, c, a, b: lib.addr(c, a[:, 0], b[0]), C, A, B),
    "vdot": (lambda lib, a: lib.vdot(a[0], a[1]), A),
    # array utilities
    "take": (lambda lib, a: lib.take(a, lib.tensor([[0, -1], [5, 3]])), A),
    "fill": (lambda lib, a: (lib.fill(a, 2), lib.fill(a, lib.tensor(1.5))), A),
    "zero_": (lambda lib, i: lib.zero_(i), INTS),
    "real": (lambda lib, a: lib.real(a), A),
    "rot90": (lambda lib, v, a: (lib.rot90(v, 3, [1, 2]), a.rot90(-1), a.rot90(2)), V, A),
    "diff": (lambda lib, a: (lib.diff(a, 2, 0, prepend=a[:1]), a.diff(append=a[:, :1])), A),
    "diff_bool_int": (lambda lib, i: (lib.diff(i > 0), i.diff(dim=0)), INTS),
    "trapezoid": (lambda lib, a: (lib.trapz(a), lib.trapezoid(a, a.cumsum(1), dim=1),
                                  lib.trapezoid(a, dx=0.5, dim=0)), A),
    "meshgrid": (lambda lib, a, b: (lib.meshgrid(a[0], b[0], indexing="xy"),
                                    lib.meshgrid(a[0], b[0], a[1], indexing="ij")), A, B),
    "cartesian_prod": (lambda lib, a, b: lib.cartesian_prod(a[0], b[0, :2]), A, B),
    "searchsorted": (lambda lib, a: (lib.searchsorted(lib.tensor([-1.0, 0, 0, 2]), a, right=True),
                                     lib.searchsorted(a.sort(1)[0], a[:, :2].detach(), side="right")), A),
    "searchsorted_scalar_int32": (lambda lib: lib.searchsorted(lib.tensor([1, 2, 3]), 2, out_int32=True),),
    "bucketize": (lambda lib, a: (lib.bucketize(a, lib.tensor([-1.0, 0, 1])), lib.bucketize(a, lib.tensor([0.0]),
                                                                                                 right=True)), A),
    "gradient": (lambda lib, a: (lib.gradient(a), lib.gradient(a, spacing=[2.0, 0.5], edge_order=2),
                                 lib.gradient(a, spacing=[lib.tensor([0.0, 1.0, 3.0])], dim=0)), A),
    "histc": (lambda lib, a: (lib.histc(a, 5), a.histc(4, -1, 1)), A),
    "histc_constant": (lambda lib: lib.histc(lib.ones(3), 4),),
    "float64": (lambda lib, d: (lib.hypot(d, d), lib.digamma(d.abs()), lib.addmm(d[:, :3], d, d.T)), D),
}

# ops without a derivative in PyTorch: compared without gradients
NO_GRAD = {
    "digamma_special": (lambda lib, s: s.digamma(), SPECIAL),  # trigamma at ±inf: JAX gives nan, torch 0
    "heaviside": (lambda lib, s: lib.heaviside(s, lib.tensor([0.5])), SPECIAL),
    "bincount": (lambda lib, i, r: (lib.bincount(i), i.bincount(r[:1].expand(5).contiguous(), 9)), IDX, ROW),
}

ERRORS = {
    "hypot_int": (lambda lib, i: lib.hypot(i, i), INTS),
    "heaviside_dtypes": (lambda lib, a, i: lib.heaviside(a, i), A, INTS),
    "lerp_dtypes": (lambda lib, a, i: lib.lerp(a, i, 0.5), A, INTS),
    "lerp_broadcast": (lambda lib, a, b: lib.lerp(a, b, 0.5), A, B),
    "addcdiv_int": (lambda lib, i: lib.addcdiv(i, i, i), INTS),
    "tensordot_mismatch": (lambda lib, a: lib.tensordot(a, a, dims=1), A),
    "cdist_cols": (lambda lib, a, b: lib.cdist(a, b), A, B),
    "cdist_1d": (lambda lib, r: lib.cdist(r, r), ROW),
    "take_int32": (lambda lib, a: lib.take(a, lib.tensor([0], dtype=lib.int32)), A),
    "rot90_same_dims": (lambda lib, a: a.rot90(1, [0, 0]), A),
    "rot90_1d": (lambda lib, r: r.rot90(), ROW),
    "diff_0d": (lambda lib: lib.diff(lib.tensor(1.0)),),
    "meshgrid_indexing": (lambda lib, r: lib.meshgrid(r, r, indexing="yx"), ROW),
    "searchsorted_side": (lambda lib, r: lib.searchsorted(r, r, side="middle"), ROW),
    "histc_int": (lambda lib, i: lib.histc(i), INTS),
    "histc_range": (lambda lib, a: lib.histc(a, 3, 2, 1), A),
    "bincount_negative": (lambda lib, i: lib.bincount(i.flatten()), INTS),
    "bincount_2d": (lambda lib, i: lib.bincount(i.abs()), INTS),
    "gradient_small": (lambda lib, a: lib.gradient(a[:2], dim=0, edge_order=2), A),
    "fill_1d_value": (lambda lib, a, r: lib.fill(a, r), A, ROW),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_pytorch(name):
    fn, *arrays = CASES[name]
    compare(fn, *arrays, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", sorted(NO_GRAD))
def test_matches_pytorch_without_grad(name):
    fn, *arrays = NO_GRAD[name]
    compare(fn, *arrays, grad=False)


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_pytorch(name):
    fn, *arrays = ERRORS[name]
    compare_error(fn, *arrays)
