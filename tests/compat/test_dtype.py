"""jtorch.compat dtypes and type promotion against real PyTorch: dtype attributes, aliases, NumPy/JAX mapping,
legacy type names, default dtype, finfo/iinfo, promote_types/can_cast (every pair), result_type (every pair
exhaustively, n-ary by hypothesis) and the result dtypes of division, comparisons and reductions.

Outcomes are compared as ``str(result)`` or ``(exception type, message)``, so errors must match PyTorch's type and
text. The one deliberate difference: PyTorch's complex32 (the complex counterpart of float16) does not exist in JAX,
so where PyTorch answers ``torch.complex32`` jtorch raises ``NotImplementedError`` naming it.
"""
import builtins
import functools
import itertools
import pickle

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from jtorch.compat import _dtype as J
from jtorch.compat._dtype_info import finfo, iinfo
from jtorch.compat._dtype_promotion import (can_cast, comparison_dtype, mean_dtype, promote_types, result_type,
                                            sum_dtype, true_divide_dtype)

# PyTorch warns when it builds complex32 values or casts complex to real; both are expected here.
pytestmark = pytest.mark.filterwarnings("ignore:ComplexHalf support is experimental",
                                        "ignore:Casting complex values to real")

DTYPES = J.ALL_DTYPES
IDS = [str(d) for d in DTYPES]
FLOAT8 = [d for d in DTYPES if str(d).startswith("torch.float8")]
SCALARS = (True, False, 0, 3, -2, 2.5, -0.0, 1j, 2 + 0j)  # the type matters, not the value; a few of each
REAL_SCALARS = tuple(s for s in SCALARS if not isinstance(s, complex))


def tdt(d):
    """The real torch dtype with our dtype's name."""
    return getattr(torch, str(d).removeprefix("torch."))


def outcome(fn):
    try:
        return str(fn())
    except Exception as e:  # noqa: BLE001 - the exception is the outcome being compared
        return type(e).__name__, str(e)


def assert_same(ours, theirs, *, message=True):
    """Runs both thunks; the outcomes (value or exception type and text) must be equal."""
    want, got = outcome(theirs), outcome(ours)
    if want == "torch.complex32":
        assert got[0] == "NotImplementedError" and "complex32" in got[1], got
    elif isinstance(want, tuple) and not message:
        assert isinstance(got, tuple) and got[0] == want[0], (got, want)
    else:
        assert got == want


@pytest.fixture(autouse=True, scope="module")
def x64():
    # The facade runs with JAX's 64-bit mode on; restore whatever the rest of the suite uses.
    old = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)
    yield
    jax.config.update("jax_enable_x64", old)


@pytest.fixture
def default_dtype(request):
    """Sets ours and torch's default dtype to ``request.param`` (a dtype name), restoring both after."""
    J.set_default_dtype(getattr(J, request.param))
    torch.set_default_dtype(getattr(torch, request.param))
    yield request.param
    J.set_default_dtype(J.float32)
    torch.set_default_dtype(torch.float32)


# ---------------------------------------------------------------------------------------------- dtype objects

@pytest.mark.parametrize("d", DTYPES, ids=IDS)
def test_dtype_attributes(d):
    t = tdt(d)
    assert (repr(d), str(d)) == (repr(t), str(t))
    assert (d.is_floating_point, d.is_complex, d.is_signed, d.itemsize) == (
        t.is_floating_point, t.is_complex, t.is_signed, t.itemsize)
    assert_same(d.to_real, t.to_real)
    assert_same(d.to_complex, t.to_complex)


@pytest.mark.parametrize("alias", ["half", "float", "double", "cfloat", "cdouble", "short", "int", "long", "bool",
                                   "bfloat16", "uint16", "float8_e5m2"])
def test_aliases(alias):
    assert str(getattr(J, alias)) == str(getattr(torch, alias))


def test_dtype_object_protocol():
    assert {J.float32: 1}[J.float] == 1 and J.float32 != J.float64
    for d in DTYPES:
        assert pickle.loads(pickle.dumps(d)) is d
    with pytest.raises(TypeError, match="cannot create 'torch.dtype' instances"):
        J.dtype()
    with pytest.raises(AttributeError, match="attribute 'is_signed' of 'torch.dtype' objects is not writable"):
        J.float32.is_signed = False


@pytest.mark.parametrize("d", DTYPES, ids=IDS)
def test_jax_round_trip(d):
    x = jnp.zeros((2,), J.to_jax(d))
    assert x.dtype == J.to_jax(d) and J.from_any(x.dtype) is d
    assert J.from_any(np.zeros(1, J.to_jax(d)).dtype) is d and J.from_any(J.to_jax(d).type) is d
    if d is not J.bfloat16 and d not in FLOAT8:  # the dtypes PyTorch exchanges with NumPy
        assert torch.empty(0, dtype=tdt(d)).numpy().dtype == J.to_jax(d)


@pytest.mark.parametrize("py", [builtins.bool, builtins.int, builtins.float, builtins.complex])
def test_python_types_as_dtype(py):
    want = str(torch.ones(1, dtype=py).dtype)
    assert str(J.from_any(py)) == want and str(J.parse_dtype_arg(py, "ones")) == want


@pytest.mark.parametrize("bad", ["float32", np.float32, np.dtype("float32"), None, 3])
def test_dtype_argument_errors(bad):
    assert_same(lambda: promote_types(J.float32, bad), lambda: torch.promote_types(torch.float32, bad))
    assert_same(lambda: can_cast(bad, J.float32), lambda: torch.can_cast(bad, torch.float32))
    assert_same(lambda: iinfo(bad), lambda: torch.iinfo(bad))
    if bad is not None:  # finfo(None) is the default dtype's
        assert_same(lambda: finfo(bad), lambda: torch.finfo(bad))
        assert_same(lambda: J.parse_dtype_arg(bad, "ones"), lambda: torch.ones(1, dtype=bad))


@pytest.mark.parametrize("bad, match", [("float32", "must be torch.dtype, not str"), (None, "not NoneType"),
                                        (np.dtype("O"), "can't convert dtype"), (np.str_, "can't convert"),
                                        (list, "can't convert")])
def test_from_any_errors(bad, match):
    with pytest.raises(TypeError, match=match):
        J.from_any(bad)


# ---------------------------------------------------------------------------------------------- type names

@pytest.mark.parametrize("d", DTYPES, ids=IDS)
def test_type_names(d):
    name = torch.empty(0, dtype=tdt(d)).type()
    assert J.type_name(d) == name and J.type_name(d, cuda=True) == name.replace("torch.", "torch.cuda.")
    assert J.from_type_name(name) == (d, False) and J.from_type_name(J.type_name(d, cuda=True)) == (d, True)
    assert str(torch.empty(0).type(name).dtype) == str(d)


@pytest.mark.parametrize("bad", ["torch.FooTensor", "FloatTensor", "torch.Float", "torch.float32"])
def test_type_name_errors(bad):
    assert_same(lambda: J.from_type_name(bad), lambda: torch.empty(0).type(bad))


# ---------------------------------------------------------------------------------------------- default dtype

@pytest.mark.parametrize("d", list(DTYPES) + [float, "float32"], ids=IDS + ["float", "str"])
def test_set_default_dtype(d):
    ours, theirs = (d, d) if not isinstance(d, J.dtype) else (d, tdt(d))
    try:
        assert_same(lambda: J.set_default_dtype(ours), lambda: torch.set_default_dtype(theirs))
        assert str(J.get_default_dtype()) == str(torch.get_default_dtype())
        # The default complex dtype is what a complex Python scalar promotes to.
        assert_same(J.get_default_complex_dtype, lambda: torch.result_type(torch.ones(1, dtype=torch.int8), 1j))
    finally:
        J.set_default_dtype(J.float32)
        torch.set_default_dtype(torch.float32)


# ---------------------------------------------------------------------------------------------- finfo / iinfo

INFO_FIELDS = {finfo: ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"),
               iinfo: ("bits", "max", "min", "dtype")}


@pytest.mark.parametrize("info", [finfo, iinfo], ids=["finfo", "iinfo"])
@pytest.mark.parametrize("d", DTYPES, ids=IDS)
def test_type_info(info, d):
    t = getattr(torch, info.__name__)
    assert_same(lambda: info(d), lambda: t(tdt(d)))
    if isinstance(outcome(lambda: info(d)), str):
        ours, theirs = info(d), t(tdt(d))
        for field in INFO_FIELDS[info]:
            assert getattr(ours, field) == getattr(theirs, field), field
            assert type(getattr(ours, field)) is type(getattr(theirs, field)), field


@pytest.mark.parametrize("default_dtype", ["float64", "bfloat16"], indirect=True)
def test_finfo_default(default_dtype):
    assert repr(finfo()) == repr(torch.finfo())
    assert finfo() == finfo(getattr(J, default_dtype)) and finfo(J.complex64) == finfo(J.float32)
    assert finfo(J.float32) != finfo(J.float64) and len({finfo(J.float32), finfo(J.complex64)}) == 1


# ---------------------------------------------------------------------------------------------- promotion

@pytest.mark.parametrize("a", DTYPES, ids=IDS)
def test_promote_types_and_can_cast_all_pairs(a):
    for b in DTYPES:
        assert_same(lambda: promote_types(a, b), lambda: torch.promote_types(tdt(a), tdt(b)))
        assert can_cast(a, b) == torch.can_cast(tdt(a), tdt(b)), (a, b)
    assert_same(lambda: promote_types(a, builtins.float), lambda: torch.promote_types(tdt(a), builtins.float))


# An operand is ("dim", dtype), ("zero", dtype) or a Python scalar.
OPERANDS = [(kind, d) for d in DTYPES for kind in ("dim", "zero")] + list(SCALARS)


def ours_operand(op):
    return op if not isinstance(op, tuple) else jax.ShapeDtypeStruct((2,) if op[0] == "dim" else (), J.to_jax(op[1]))


def torch_operand(op, device="cpu"):
    return op if not isinstance(op, tuple) else torch.empty((2,) if op[0] == "dim" else (), dtype=tdt(op[1]),
                                                            device=device)


def torch_dtype(fn, *ops):
    """``fn(*ops).dtype`` in PyTorch on CPU tensors (meta tensors run Python decompositions that skip some of ATen's
    promotion errors); where the CPU has no kernel for a dtype, promotion has passed, and meta tensors give it."""
    try:
        out = fn(*[torch_operand(op) for op in ops])
    except NotImplementedError as e:
        if "not implemented for" not in str(e):
            raise
        out = fn(*[torch_operand(op, "meta") for op in ops])
    return out if isinstance(out, torch.dtype) else out.dtype


@pytest.mark.parametrize("default_dtype", ["float32", "float64", "bfloat16", "float16"], indirect=True)
def test_result_type_all_pairs(default_dtype):
    """Every pair of operands of every class, against ATen's ``torch.result_type`` (exact error texts too)."""
    for a, b in itertools.product(OPERANDS, OPERANDS):
        assert_same(lambda: result_type(ours_operand(a), ours_operand(b)),
                    lambda: torch_dtype(torch.result_type, a, b))


def test_result_type_examples():
    # n-ary is not chained binary: (bool_dim + 2) + uint8_zero is int64, the three together uint8.
    bool_dim, uint8_zero = torch.ones(2, dtype=torch.bool), torch.tensor(1, dtype=torch.uint8)
    assert str(result_type(np.zeros(2, bool), 2, np.uint8(1))) == "torch.uint8" != str((bool_dim + 2 + uint8_zero).dtype)
    assert result_type(np.zeros(3, np.int16), jnp.zeros((), jnp.float64), 2) is J.float64
    assert result_type(np.zeros(3, np.int16), jnp.zeros((), jnp.int64), 2) is J.int16
    assert result_type(jnp.zeros((2, 2), jnp.uint8), -1, True) is J.uint8
    with pytest.raises(TypeError, match="at least one operand"):
        result_type()


tensor_op = st.tuples(st.sampled_from(["dim", "zero"]), st.sampled_from(DTYPES))
any_op = st.one_of(tensor_op, st.sampled_from(SCALARS))


@settings(max_examples=150, deadline=None)
@given(st.lists(tensor_op, min_size=3, max_size=3))
def test_result_type_three_tensors(ops):
    """Oracle: ``torch.addcmul`` computes its dtype by TensorIterator's n-ary common-dtype rule over its three
    tensor inputs (the same ResultTypeState fold ``add`` uses)."""
    assert_same(lambda: result_type(*map(ours_operand, ops)), lambda: torch_dtype(torch.addcmul, *ops),
                message=False)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from([d for d in DTYPES if not d.is_floating_point and not d.is_complex]),
       st.sampled_from(["dim", "zero"]), st.sampled_from(REAL_SCALARS), st.sampled_from(REAL_SCALARS))
def test_result_type_tensor_and_two_scalars(d, kind, s1, s2):
    """Oracle: ``torch.clamp(t, min=s1, max=s2)`` with a non-floating ``t`` folds ``t``, ``s1`` and ``s2`` (wrapped
    Python scalars) through ATen's ``update_result_type_state``: a real n-ary promotion with scalars (real ones:
    clamp's CPU kernel rejects complex)."""
    assert_same(lambda: result_type(ours_operand((kind, d)), s1, s2),
                lambda: torch_dtype(torch.clamp, (kind, d), s1, s2), message=False)


@settings(max_examples=250, deadline=None)
@given(st.lists(any_op, min_size=1, max_size=6))
def test_result_type_n_ary(ops):
    """Any mix of up to six operands. ATen has no public op taking that many operands with Python scalars among
    them, and chaining binary ops is not n-ary promotion (``bool_dim + 2 + uint8_zero`` is int64 chained, uint8
    n-ary). So the oracle follows ATen's ``result_type(ResultTypeState)`` structure with every step run by real
    PyTorch: each class (dimensioned, zero-dim, scalars) is folded with ``torch.promote_types`` /
    ``torch.result_type``, and the classes are combined weakest first with ``torch.result_type`` (a zero-dim class
    against scalars, then dimensioned against the zero-dim tensor of that result), which applies ATen's
    ``combine_categories``. The three-operand tests above check the fold against real n-ary ops."""
    def fold(kind):
        ds = [tdt(op[1]) for op in ops if isinstance(op, tuple) and op[0] == kind]
        return functools.reduce(torch.promote_types, ds) if ds else None

    def oracle():
        dims, zeros = fold("dim"), fold("zero")
        scalars = [op for op in ops if not isinstance(op, tuple)]
        lower = None
        if scalars:  # the scalar class's dtype, kept as a Python scalar of that kind
            lower = scalars[0]
            for s in scalars[1:]:
                lower = _scalar_of(torch.result_type(lower, s))
        if zeros is not None:
            zero_t = torch.empty((), dtype=zeros)
            lower = zeros if lower is None else torch.result_type(zero_t, lower)
        elif lower is not None:
            lower = torch.result_type(lower, lower)  # the scalar class's dtype
        if dims is None:
            return lower
        return dims if lower is None else torch.result_type(torch.empty(2, dtype=dims), torch.empty((), dtype=lower))

    assert_same(lambda: result_type(*map(ours_operand, ops)), oracle, message=False)


def _scalar_of(d):
    """A Python scalar whose wrapped dtype is ``d`` (one of bool, int64, the default float or complex dtype)."""
    return True if d == torch.bool else 1 if d == torch.int64 else 1j if d.is_complex else 1.0


# ---------------------------------------------------------------------------------------------- op result dtypes

BINARY = [(kind, d) for d in DTYPES if d not in FLOAT8 for kind in ("dim", "zero")] + [2, 2.5, True, 1j]


@pytest.mark.parametrize("a", [op for op in BINARY if isinstance(op, tuple) and op[0] == "dim"],
                         ids=lambda op: str(op[1]))
def test_division_and_comparison_dtypes(a):
    for b in BINARY:
        assert_same(lambda: true_divide_dtype(ours_operand(a), ours_operand(b)),
                    lambda: torch_dtype(torch.true_divide, a, b))
        assert_same(lambda: comparison_dtype(ours_operand(a), ours_operand(b)), lambda: torch_dtype(torch.eq, a, b))


@pytest.mark.parametrize("d", DTYPES, ids=IDS)
def test_reduction_dtypes(d):
    for op in (lambda t: t.sum(), lambda t: t.prod(), lambda t: t.cumsum(0)):
        assert str(sum_dtype(d)) == str(torch_dtype(op, ("dim", d)))
    assert str(sum_dtype(d, J.float64)) == str(torch_dtype(lambda t: t.sum(dtype=torch.float64), ("dim", d)))
    if d not in FLOAT8:  # PyTorch's CPU text (meta tensors word it differently); float8 has no CPU mean kernel
        cpu = torch.ones(3, dtype=tdt(d))
        assert_same(lambda: mean_dtype(d), lambda: cpu.mean().dtype)
        assert_same(lambda: mean_dtype(d, J.float64), lambda: cpu.mean(dtype=torch.float64).dtype)
        assert_same(lambda: mean_dtype(J.float32, d), lambda: torch.ones(3).mean(dtype=tdt(d)).dtype)
