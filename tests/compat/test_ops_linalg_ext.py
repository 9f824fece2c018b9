"""``torch.linalg`` and its ``torch.*`` spellings (``_ops/_linalg_ext.py``) against PyTorch: values, dtypes,
shapes, ``grad_fn`` names, gradients, named-tuple types, and error types and messages. Decompositions are
compared through sign-free quantities (reconstructions, singular values, ``|Q|``)."""
import math

import numpy as np
import pytest

from _compare import compare, compare_error

RNG = np.random.default_rng(5)
A = RNG.standard_normal((2, 4, 4)).astype(np.float32)
SPD = (A @ A.transpose(0, 2, 1) + 4 * np.eye(4)).astype(np.float32)
B = RNG.standard_normal((2, 4, 3)).astype(np.float32)
R = RNG.standard_normal((3, 5)).astype(np.float32)
D = RNG.standard_normal((3, 3))
INTS = np.arange(9).reshape(3, 3)
ZROW = np.stack([np.zeros(5), RNG.standard_normal(5) + 3]).astype(np.float32)  # one zero row, one nonzero row
ORDS = (0.5, 1, 2, 3.5, math.inf, -math.inf, -1, -2)

CASES = {
    "norm_default": (lambda lib, a: lib.linalg.norm(a), A),
    "norm_vector_dim": (lambda lib, a: lib.linalg.norm(a, 3, dim=1), A),
    "norm_matrix_inf_keepdim": (lambda lib, a: lib.linalg.norm(a, math.inf, dim=(1, 2), keepdim=True), A),
    "norm_2d_ord": (lambda lib, r: lib.linalg.norm(r, 1), R),
    "vector_norm": (lambda lib, a: (lib.linalg.vector_norm(a, 1, (0, 2)), lib.linalg.vector_norm(a, 0)), A),
    "matrix_norm_fro": (lambda lib, a: lib.linalg.matrix_norm(a), A),
    "matrix_norm_orders": (lambda lib, a: tuple(lib.linalg.matrix_norm(a, o) for o in (1, -1, math.inf, -math.inf)),
                           A),
    "matrix_norm_svd": (lambda lib, a: tuple(lib.linalg.matrix_norm(a, o) for o in ("nuc", 2, -2)), A),
    "torch_norm_nuc": (lambda lib, a: lib.norm(a, "nuc", dim=(1, 2)), A),
    "inv": (lambda lib, s: (lib.linalg.inv(s), lib.inverse(s)), SPD),
    "det": (lambda lib, a: (lib.linalg.det(a), lib.det(a)), A),
    "slogdet": (lambda lib, a: (lib.linalg.slogdet(a), lib.slogdet(a)), A),
    "logdet": (lambda lib, s: lib.logdet(s), SPD),
    "solve": (lambda lib, s, b: lib.linalg.solve(s, b), SPD, B),
    "solve_vector": (lambda lib, s, b: lib.linalg.solve(s, b[:, :, 0]), SPD, B),
    "solve_right": (lambda lib, s, b: lib.linalg.solve(s, b.transpose(-2, -1), left=False), SPD, B),
    "cholesky": (lambda lib, s: (lib.linalg.cholesky(s), lib.linalg.cholesky(s, upper=True), lib.cholesky(s)), SPD),
    "qr": (lambda lib, r: tuple(x.abs() for x in lib.linalg.qr(r)), R),
    "qr_complete": (lambda lib, r: tuple(x.abs() for x in lib.linalg.qr(r, mode="complete")), R),
    "svd_reconstruct": (lambda lib, a: (lambda u, s, vh: u @ (s.unsqueeze(-1) * vh))(*lib.linalg.svd(a)), A),
    "svd_legacy_v": (lambda lib, r: (lambda u, s, v: (s, u.abs(), v.abs()))(*lib.svd(r)), R),
    "svdvals": (lambda lib, r: lib.linalg.svdvals(r), R),
    "eigh": (lambda lib, s: (lambda w, v: (w, (v * w.unsqueeze(-2)) @ v.transpose(-2, -1)))(*lib.linalg.eigh(s)), SPD),
    "eigvalsh_upper": (lambda lib, s: lib.linalg.eigvalsh(s, "U"), SPD),
    "pinv": (lambda lib, r: (lib.linalg.pinv(r), lib.pinverse(r)), R),
    "matrix_rank": (lambda lib, a: lib.linalg.matrix_rank(a), A),
    "matrix_exp": (lambda lib, a: lib.linalg.matrix_exp(a / 4), A),
    # PyTorch's subgradient at a zero norm is 0 (JAX's abs / sqrt / pow give 1 or NaN there)
    "norm_subgradient_at_zero": (lambda lib, z: tuple(lib.linalg.norm(z, o, dim=1) for o in ORDS), ZROW),
    "matrix_norm_subgradient_at_zero": (lambda lib, z: tuple(
        lib.linalg.matrix_norm(z * 0, o) for o in ("fro", 1, -1, math.inf, -math.inf)), ZROW),
    "torch_norm_dist_at_zero": (lambda lib, z: (lib.norm(z * 0), lib.norm(z, 3, dim=1), lib.dist(z, z * 1)), ZROW),
    # eigh family reads one triangle of a non-symmetric input; pinv/matrix_rank tolerances as floats or tensors
    "eigvalsh_triangles": (lambda lib, a: (lib.linalg.eigvalsh(a), lib.linalg.eigvalsh(a, "U"),
                                           lib.linalg.eigh(a, "U")[0]), A),
    "pinv_tolerances": (lambda lib, r: (lib.linalg.pinv(r, atol=1.0), lib.linalg.pinv(r, rtol=0.5),
                                        lib.linalg.pinv(r, atol=lib.tensor(0.5), rtol=lib.tensor(0.1))), R),
    "pinv_hermitian_reads_lower": (lambda lib, a: lib.linalg.pinv(a[0].detach(), hermitian=True), A),
    "matrix_rank_tolerances": (lambda lib, a: (lib.linalg.matrix_rank(a, atol=1.0), lib.linalg.matrix_rank(a, rtol=0.3),
                                               lib.linalg.matrix_rank(a, hermitian=True),
                                               lib.linalg.matrix_rank(a[:, :0])), A),
    "float64": (lambda lib, d: (lib.linalg.det(d), lib.linalg.inv(d), lib.linalg.norm(d, "fro")), D),
}

ERRORS = {
    "inv_not_square": (lambda lib, r: lib.linalg.inv(r), R),
    "det_1d": (lambda lib, r: lib.linalg.det(r[0]), R),
    "det_int": (lambda lib, i: lib.linalg.det(i), INTS),
    "matrix_norm_order": (lambda lib, a: lib.linalg.matrix_norm(a, 3), A),
    "vector_norm_int": (lambda lib, i: lib.linalg.vector_norm(i), INTS),
    "norm_ord_3d": (lambda lib, a: lib.linalg.norm(a, 2), A),
    "qr_mode": (lambda lib, r: lib.linalg.qr(r, mode="full"), R),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_pytorch(name):
    fn, *arrays = CASES[name]
    compare(fn, *arrays, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_pytorch(name):
    fn, *arrays = ERRORS[name]
    compare_error(fn, *arrays)
