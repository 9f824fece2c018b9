"""jtorch.compat._printing against real PyTorch's repr/str/format on the same values: exact strings."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from jtorch.compat import _printing as P

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "uint16", "uint32", "uint64", "float16", "bfloat16",
          "float32", "float64", "float8_e4m3fn", "float8_e5m2", "complex64", "complex128"]
FLOAT8 = ("float8_e4m3fn", "float8_e5m2")
nan, inf = math.nan, math.inf


def _rand(*shape, seed=0, scale=1.0):
    return np.random.default_rng(seed).normal(size=shape) * scale


def _as_dtype_input(values: np.ndarray, dtype: str) -> np.ndarray:
    """The NumPy input fed to both sides: floats stay float64 (both sides round), others are made valid."""
    values = np.asarray(values, dtype=np.float64)
    if dtype == "bool":
        return values > 0
    if "int" in dtype:
        info = np.iinfo(getattr(np, dtype))
        # float64 near 2**63 rounds up out of int64's range: keep clipped values exactly castable.
        low, high = max(info.min, -2**62), min(info.max, 2**62)
        return np.clip(np.nan_to_num(np.round(values * 10)), low, high).astype(getattr(np, dtype))
    if dtype.startswith("complex"):
        out = values.astype(np.complex128)
        out.imag = np.flip(values)
        return out
    return values


def _torch_tensor(values: np.ndarray, dtype: str) -> torch.Tensor:
    return torch.from_numpy(np.array(values)).to(getattr(torch, dtype))


def _ours_input(t: torch.Tensor, values: np.ndarray, dtype: str) -> np.ndarray:
    # torch's float64 -> float8_e4m3fn cast saturates where NumPy's gives nan: printing takes values already
    # in the dtype, so float8 rows print torch's rounded values; every other dtype rounds our own input.
    return t.detach().to(torch.float64).numpy() if dtype in FLOAT8 else values


def check_repr(values, dtype: str, **meta):
    """Compares format_tensor with repr and str of the same tensor built by PyTorch."""
    values = _as_dtype_input(values, dtype)
    t = _torch_tensor(values, dtype)
    want = repr(t)
    assert str(t) == want
    assert P.format_tensor(_ours_input(t, values, dtype), dtype, **meta) == want


@pytest.fixture(autouse=True)
def _restore_printoptions():
    ours, theirs, default_dtype = P.get_printoptions(), torch._tensor_str.get_printoptions(), torch.get_default_dtype()
    yield
    P.set_printoptions(**ours)
    torch.set_printoptions(**theirs)
    torch.set_default_dtype(default_dtype)


def set_both(**options):
    P.set_printoptions(**options)
    torch.set_printoptions(**options)


VALUES = {
    "0d": np.array(3.25),
    "0d_neg_zero": np.array(-0.0),
    "0d_nan": np.array(nan),
    "1d": _rand(5),
    "1d_one": np.array([7.0]),
    "2d": _rand(3, 4, seed=1),
    "3d": _rand(2, 3, 4, seed=2),
    "4d": _rand(2, 2, 3, 2, seed=3),
    "ints_in_float": np.array([1.0, -2.0, 30.0, 0.0]),
    "mixed_magnitudes": np.array([1e-5, 1.0, 1e3]),
    "large": np.array([1e9, 2.0, -3.0]),
    "ratio_over_1000": np.array([1.0, 2000.5]),
    "tiny": np.array([1e-30, -2e-30]),
    "nan_inf": np.array([nan, inf, -inf, 1.5]),
    "nan_inf_ints": np.array([[nan, inf], [-inf, 2.0]]),
    "only_nonfinite": np.array([nan, -inf]),
    "all_zero": np.zeros((2, 3)),
    "neg_zero": np.array([-0.0, 0.0, 1.5, -2.25]),
    "neg_zero_ints": np.array([-0.0, 3.0]),
    "big_ints": np.array([123456789.0, -5.0, 0.0]),
    "linspace": np.linspace(-1, 1, 7),
    "wide_row": _rand(100, seed=4, scale=100),
    "wide_2d": _rand(3, 30, seed=5),
    "wide_3d_sci": _rand(2, 2, 20, seed=6, scale=1e6),
    "summarise_1d": np.arange(2000.0) - 1000,
    "summarise_2d": _rand(50, 30, seed=7),
    "summarise_rows": _rand(1001, 2, seed=8),
    "summarise_cols": _rand(2, 1001, seed=9),
    "summarise_3d": _rand(20, 10, 10, seed=10),
    "summarise_4d_sci": _rand(4, 5, 6, 10, seed=11, scale=1e-5),
    "summarise_edge_nan": np.concatenate([[nan], np.ones(1500), [inf]]),
    "empty_1d": np.zeros(0),
    "empty_2d": np.zeros((0, 3)),
    "empty_3d": np.zeros((2, 0, 4)),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", VALUES)
def test_repr_grid(name, dtype):
    check_repr(VALUES[name], dtype)


OPTIONS = [  # (options for set_printoptions, values)
    ({"precision": 2}, _rand(3, 4)),
    ({"precision": 0}, _rand(5, scale=10)),
    ({"precision": 0}, np.array([1e-5, 1.0])),
    ({"precision": 10}, _rand(4)),
    ({"sci_mode": True}, _rand(2, 3)),
    ({"sci_mode": True}, np.array([1.0, 2.0, -0.0])),
    ({"sci_mode": True}, np.zeros(3)),
    ({"sci_mode": False}, np.array([1e-8, 1e10])),
    ({"linewidth": 40}, _rand(3, 12)),
    ({"linewidth": 10}, _rand(5)),
    ({"linewidth": 200}, _rand(40)),
    ({"threshold": 5}, np.arange(10.0)),
    ({"threshold": 5}, _rand(3, 4)),
    ({"threshold": 0}, np.array(2.5)),
    ({"threshold": inf}, np.arange(1200.0)),
    ({"threshold": 5, "edgeitems": 1}, _rand(4, 4, 4)),
    ({"threshold": 5, "edgeitems": 0}, _rand(4, 4)),
    ({"threshold": 5, "edgeitems": 0}, np.arange(8.0) * 1e5),
    ({"edgeitems": 0}, _rand(3)),
    ({"profile": "short"}, _rand(30, 40)),
    ({"profile": "full"}, _rand(30, 40)),
    ({"profile": "full", "precision": 6}, _rand(3)),
    ({"profile": "nonsense"}, _rand(3)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "complex64", "bool"])
@pytest.mark.parametrize("options, values", OPTIONS)
def test_printoptions(options, values, dtype):
    set_both(**options)
    assert P.get_printoptions() == torch._tensor_str.get_printoptions()
    check_repr(values, dtype)


def test_set_printoptions_resets_sci_mode_and_keeps_others():
    set_both(precision=3, sci_mode=True)
    set_both(linewidth=50)
    assert P.get_printoptions() == torch._tensor_str.get_printoptions()
    assert P.get_printoptions() == {"precision": 3, "threshold": 1000, "edgeitems": 3, "linewidth": 50,
                                    "sci_mode": None}


def _make_param(t):
    return torch.nn.Parameter(t)


def _make_frozen_param(t):
    return torch.nn.Parameter(t, requires_grad=False)


AUTOGRAD = [  # (name, values, dtype, fn making the torch tensor from a leaf that requires grad, or None)
    ("requires_grad", _rand(3), "float32", None),
    ("requires_grad_f64", _rand(2, 3), "float64", None),
    ("requires_grad_empty", np.zeros((0, 2)), "float64", None),
    ("grad_fn", _rand(3), "float32", lambda t: t * 2),
    ("grad_fn_0d", np.array(1.5), "float16", lambda t: t.sum()),
    ("grad_fn_long_name", _rand(4, 5), "float32", lambda t: torch.log_softmax(t, 1)),
    ("suffix_wraps", _rand(8, scale=1e-3), "float64", lambda t: t.clone()),
    ("suffix_fits", _rand(4), "float64", lambda t: t.clone()),
    ("suffix_after_multiline", _rand(3, 9), "float64", lambda t: t + 1),
    ("complex_grad", _rand(3), "complex64", lambda t: t * 1),
    ("parameter", _rand(2, 3), "float32", _make_param),
    ("parameter_0d", np.array(2.0), "float32", _make_param),
    ("parameter_f64", _rand(3), "float64", _make_param),
    ("parameter_frozen", _rand(3), "float32", _make_frozen_param),
]


@pytest.mark.parametrize("name, values, dtype, fn", AUTOGRAD, ids=[row[0] for row in AUTOGRAD])
def test_autograd_suffixes(name, values, dtype, fn):
    values = _as_dtype_input(values, dtype)
    leaf = _torch_tensor(values, dtype).requires_grad_()
    t = leaf if fn is None else fn(leaf)
    meta = {"requires_grad": t.requires_grad, "is_parameter": isinstance(t, torch.nn.Parameter)}
    if t.grad_fn is not None:
        meta["grad_fn"] = type(t.grad_fn).__name__
    want = repr(t)
    assert str(t) == want
    assert P.format_tensor(t.detach().numpy(), dtype, **meta) == want


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "complex128", "int64", "float16"])
@pytest.mark.parametrize("values", [_rand(3), np.zeros((0, 2)), np.zeros(0)], ids=["full", "empty2d", "empty1d"])
def test_default_dtype_float64(values, dtype):
    torch.set_default_dtype(torch.float64)
    check_repr(values, dtype, default_dtype="float64")


@pytest.mark.parametrize("values, meta", [
    (_rand(3), {}),
    (_rand(3, 12), {"requires_grad": True}),
    (np.zeros((0, 2)), {}),
])
def test_device_suffix_matches_torch(monkeypatch, values, meta):
    # CPU-only PyTorch names no other device; with the default device type patched to cuda it names cpu.
    monkeypatch.setattr(torch._C, "_get_default_device", lambda: "cuda")
    t = torch.from_numpy(values).float().requires_grad_(meta.get("requires_grad", False))
    assert P.format_tensor(values, "float32", device="cpu", default_device="cuda", **meta) == repr(t)


@pytest.mark.parametrize("device, want", [
    ("cuda:0", "tensor([1., 2.], device='cuda:0')"),
    ("cuda:1", "tensor([1., 2.], device='cuda:1')"),
    ("cpu", "tensor([1., 2.])"),
    (None, "tensor([1., 2.])"),
])
def test_device_suffix(device, want):
    assert P.format_tensor(np.array([1.0, 2.0]), "float32", device=device) == want


@pytest.mark.parametrize("device, default_device, want", [
    ("cuda:0", "cuda", "tensor([1.])"),
    ("cuda:1", "cuda", "tensor([1.], device='cuda:1')"),
    ("mps:0", "mps", "tensor([1.], device='mps:0')"),  # torch always names mps
])
def test_device_suffix_on_default_accelerator(device, default_device, want):
    assert P.format_tensor(np.array([1.0]), "float32", device=device, default_device=default_device) == want


def test_dtype_names_accept_torch_prefix():
    assert P.format_tensor(np.array([1, 2]), "torch.int32") == repr(torch.tensor([1, 2], dtype=torch.int32))


@pytest.mark.parametrize("dtype", ["complex32", "quint8", "float32x"])
def test_unsupported_dtype(dtype):
    with pytest.raises(NotImplementedError, match=f"'{dtype}' is not supported"):
        P.format_tensor(np.zeros(2), dtype)


SCALARS = [  # (value, dtype, spec)
    (0.1, "float32", ""), (0.1, "float32", ".4f"), (0.1, "float64", ".3e"), (2.5, "float16", "10.2f"),
    (1 / 3, "bfloat16", ""), (-7, "int64", "05d"), (200, "uint8", "x"), (1, "bool", ""), (0, "bool", ">6"),
    (1 + 2j, "complex64", ""), (1 + 2j, "complex128", ".2f"), (nan, "float32", ".3f"), (-0.0, "float64", ""),
]


@pytest.mark.parametrize("value, dtype, spec", SCALARS)
def test_format_scalar(value, dtype, spec):
    t = torch.tensor(value).to(getattr(torch, dtype))
    arr = np.array(value, dtype=np.bool_ if dtype == "bool" else None)
    assert P.format_scalar(arr, dtype, spec) == format(t, spec)
    assert P.tensor_format(arr, dtype, spec) == format(t, spec)


def _format_error(obj, spec):
    with pytest.raises(TypeError) as info:
        format(obj, spec)
    return str(info.value)


@pytest.mark.parametrize("values", [np.array([1.5, 2.0]), np.zeros((2, 0)), np.array(1.5)], ids=["1d", "empty", "0d"])
@pytest.mark.parametrize("is_parameter", [False, True])
def test_tensor_format(values, is_parameter):
    t = torch.from_numpy(values).float()
    if is_parameter:
        t = torch.nn.Parameter(t)
    meta = {"is_parameter": is_parameter, "requires_grad": is_parameter}
    assert P.tensor_format(values, "float32", "", **meta) == format(t, "")
    if values.ndim or is_parameter:
        with pytest.raises(TypeError, match=_format_error(t, ".2f")):
            P.tensor_format(values, "float32", ".2f", **meta)


# Property tests: random shapes, dtypes, values and options against torch's repr.
_SPECIAL = [0.0, -0.0, 1.0, -2.5, 1e-5, 3e-9, 1e10, 12345.0, nan, inf, -inf]
_element = st.one_of(st.sampled_from(_SPECIAL), st.floats(-1e4, 1e4, width=32), st.integers(-300, 300).map(float))


@st.composite
def _arrays(draw):
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5))
    return draw(hnp.arrays(np.float64, shape, elements=_element))


_options = st.fixed_dictionaries({}, optional={
    "precision": st.integers(0, 8), "threshold": st.sampled_from([0, 4, 20, inf]), "edgeitems": st.integers(0, 3),
    "linewidth": st.integers(10, 120), "sci_mode": st.sampled_from([None, True, False]),
    "profile": st.sampled_from(["default", "short", "full"])})


@settings(max_examples=300, deadline=None)
@given(values=_arrays(), dtype=st.sampled_from(DTYPES), options=_options, requires_grad=st.booleans())
def test_repr_property(values, dtype, options, requires_grad):
    set_both(**options)
    requires_grad = requires_grad and dtype.startswith(("float", "bfloat", "complex"))
    values = _as_dtype_input(values, dtype)
    t = _torch_tensor(values, dtype).requires_grad_(requires_grad)
    got = P.format_tensor(_ours_input(t, values, dtype), dtype, requires_grad=requires_grad)
    assert got == repr(t)
