"""PyTorch's tensor printing as a pure formatter: NumPy values plus metadata in, PyTorch's exact text out.

The compat ``Tensor`` materialises its values and calls :func:`format_tensor` from ``__repr__``/``__str__``
and :func:`tensor_format` from ``__format__``; ``torch.set_printoptions``/``torch.get_printoptions`` are
:func:`set_printoptions`/:func:`get_printoptions`, whose options live in this module. The rules are those of
PyTorch 2.13's ``torch/_tensor_str.py`` (dense, strided tensors): one column width per tensor, an integer /
fixed / scientific notation chosen from the nonzero finite values, wrapping at ``linewidth``, and
summarisation with ``edgeitems`` above ``threshold`` elements.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Any, Callable

import ml_dtypes
import numpy as np

__all__ = ["format_scalar", "format_tensor", "get_printoptions", "set_printoptions", "tensor_format"]


@dataclasses.dataclass
class _PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


_OPTS = _PrintOptions()
_PROFILES = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}

# torch dtype name -> NumPy dtype holding its values exactly, grouped by how PyTorch prints them.
_BOOL = {"bool": np.bool_}
_INTS = {name: getattr(np, name) for name in
         ("uint8", "int8", "int16", "int32", "int64", "uint16", "uint32", "uint64")}
_FLOATS = {"float16": np.float16, "bfloat16": ml_dtypes.bfloat16, "float32": np.float32, "float64": np.float64,
           **{name: getattr(ml_dtypes, name) for name in
              ("float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz")}}
_COMPLEX = {"complex64": np.complex64, "complex128": np.complex128}
_DTYPES = {**_BOOL, **_INTS, **_FLOATS, **_COMPLEX}


def set_printoptions(precision: int | None = None, threshold: float | None = None, edgeitems: int | None = None,
                     linewidth: int | None = None, profile: str | None = None,
                     sci_mode: bool | None = None) -> None:
    """Sets the options used to print tensors, as ``torch.set_printoptions``.

    Args:
        precision: digits after the point (fixed) or of the mantissa (scientific). Default: 4
        threshold: element count above which tensors are summarised. Default: 1000
        edgeitems: items kept at each end of a summarised dimension. Default: 3
        linewidth: characters per line before wrapping. Default: 80
        profile: ``'default'``, ``'short'`` (precision 2, edgeitems 2) or ``'full'`` (never summarise),
            applied first; other values are ignored, as in PyTorch.
        sci_mode: force scientific notation on (True) or off (False); None chooses per tensor. Every
            call sets it, as in PyTorch, so omitting it restores automatic choice.

    Example:
        >>> set_printoptions(precision=2)
        >>> print(format_tensor(np.array([1.12345]), "float32"))
        tensor([1.12])
        >>> set_printoptions(profile="default")
    """
    for name, value in _PROFILES.get(profile, {}).items():
        setattr(_OPTS, name, value)
    for name, value in (("precision", precision), ("threshold", threshold), ("edgeitems", edgeitems),
                        ("linewidth", linewidth)):
        if value is not None:
            setattr(_OPTS, name, value)
    _OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """Returns the print options as a dict that ``set_printoptions(**options)`` accepts.

    Example:
        >>> get_printoptions()
        {'precision': 4, 'threshold': 1000, 'edgeitems': 3, 'linewidth': 80, 'sci_mode': None}
    """
    return dataclasses.asdict(_OPTS)


def _resolve_dtype(dtype: str) -> str:
    name = dtype.removeprefix("torch.")
    if name not in _DTYPES:
        raise NotImplementedError(f"printing tensors of dtype {dtype!r} is not supported; "
                                  f"supported dtypes: {', '.join(_DTYPES)}")
    return name


def _printable(values: Any, name: str) -> np.ndarray:
    """Values rounded to ``name``'s dtype, then widened so ``tolist`` yields the Python numbers PyTorch prints."""
    with np.errstate(over="ignore"):  # out-of-range values become inf, as in torch's .to(dtype)
        arr = np.asarray(values).astype(_DTYPES[name])
    if name in _FLOATS:
        return arr.astype(np.float64)
    return arr.astype(np.complex128) if name in _COMPLEX else arr


class _Formatter:
    """One notation and column width for all elements of a tensor (or of its real or imaginary part)."""

    def __init__(self, values: np.ndarray, floating: bool):
        self.floating, self.precision = floating, _OPTS.precision
        self.int_mode, self.sci_mode, self.width = True, False, 1
        if not floating:
            self.width = max([1] + [len(str(v)) for v in values.ravel().tolist()])
            return
        finite = values[np.isfinite(values) & (values != 0)]
        if finite.size == 0:
            return
        low, high = float(np.abs(finite).min()), float(np.abs(finite).max())
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        auto_sci = high / low > 1000.0 or high > 1.0e8 or low < 1.0e-4
        self.sci_mode = auto_sci if _OPTS.sci_mode is None else _OPTS.sci_mode
        self.width = max(len(self._text(v)) for v in finite.tolist())

    def _text(self, v: float) -> str:
        if self.sci_mode:
            return f"{v:.{self.precision}e}"
        if self.int_mode:
            # The trailing point marks a float tensor whose values are all integers.
            return f"{v:.0f}" + ("" if math.isinf(v) or math.isnan(v) else ".")
        return f"{v:.{self.precision}f}"

    def format(self, v: Any) -> str:
        return (self._text(v) if self.floating else str(v)).rjust(self.width)


def _edge_values(a: np.ndarray) -> np.ndarray:
    """The elements a summarised print shows, which alone decide notation and width."""
    e = _OPTS.edgeitems
    index = [np.r_[0:e, n - e:n] if n > 2 * e else np.arange(n) for n in a.shape]
    return np.asarray(a[np.ix_(*index)])


def _element_printer(a: np.ndarray, name: str, summarize: bool) -> tuple[Callable[[Any], str], int]:
    """Returns the element -> text function for ``a`` and the width one element takes in a row (with ", ")."""
    shown = _edge_values(a) if summarize else a
    if name not in _COMPLEX:
        fmt = _Formatter(shown, floating=name in _FLOATS)
        return fmt.format, fmt.width + 2
    real, imag = _Formatter(shown.real, True), _Formatter(shown.imag, True)

    def complex_text(z: complex) -> str:
        imag_text = (imag.format(z.imag) + "j").lstrip()
        return real.format(z.real) + (imag_text if imag_text[0] in "+-" else "+" + imag_text)

    return complex_text, real.width + 2 + imag.width + 1


def _nested_str(a: np.ndarray, indent: int, summarize: bool, text: Callable[[Any], str], elem_len: int) -> str:
    e = _OPTS.edgeitems
    if a.ndim == 0:
        return text(a.item())
    if a.ndim == 1:
        if summarize and not e:
            items = ["..."]
        elif summarize and len(a) > 2 * e:
            items = [text(v) for v in a[:e].tolist()] + [" ..."] + [text(v) for v in a[-e:].tolist()]
        else:
            items = [text(v) for v in a.tolist()]
        per_line = max(1, math.floor((_OPTS.linewidth - indent) / elem_len))
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    rows = range(len(a))
    if summarize and len(a) > 2 * e:
        rows = [*range(e), None, *range(len(a) - e, len(a))]
    parts = ["..." if i is None else _nested_str(a[i], indent + 1, summarize, text, elem_len) for i in rows]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    # torch's own line-length estimate (two more than the last line's length), kept for identical wrapping.
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > _OPTS.linewidth:
            text += ",\n" + " " * indent + suffix
            last_line_len = indent + len(suffix)
        else:
            text += ", " + suffix
            last_line_len += len(suffix) + 2
    return text + ")"


def _shows_device(device: str | None, default_device: str) -> bool:
    if device is None:
        return False
    kind, _, index = device.partition(":")
    # torch also names the device for mps, and for a cuda device other than the current one (taken as 0).
    return kind != default_device or kind == "mps" or (kind == "cuda" and index not in ("", "0"))


def format_tensor(values: Any, dtype: str, *, default_dtype: str = "float32", device: str | None = None,
                  default_device: str = "cpu", requires_grad: bool = False, grad_fn: str | None = None,
                  is_parameter: bool = False) -> str:
    """Returns ``repr(t)`` (equal to ``str(t)``) of a PyTorch tensor with these values and metadata.

    Args:
        values: the tensor's values (any array-like; rounded to ``dtype`` first), NumPy shape = tensor shape.
        dtype: torch dtype name, ``'float32'`` or ``'torch.float32'``; bool, (u)int8-64, float16, bfloat16,
            float32, float64, float8 (e4m3fn, e5m2 and their fnuz variants), complex64, complex128.
        default_dtype: ``torch.get_default_dtype()``; its dtype (and complex counterpart) is not printed.
            Default: ``'float32'``
        device: the tensor's device as ``str(t.device)`` (``'cuda:0'``), or None for the default device.
        default_device: the default device type; a tensor on it gets no ``device=`` suffix. Default: ``'cpu'``
        requires_grad: prints ``requires_grad=True`` when there is no ``grad_fn``.
        grad_fn: the grad_fn class name (``'AddBackward0'``), printed as ``grad_fn=<AddBackward0>``.
        is_parameter: prefixes ``'Parameter containing:\\n'``, as ``nn.Parameter.__repr__``.

    Example:
        >>> print(format_tensor(np.array([[1.5, -2.0], [np.nan, 1e-5]]), "float64", requires_grad=True))
        tensor([[ 1.5000e+00, -2.0000e+00],
                [        nan,  1.0000e-05]], dtype=torch.float64, requires_grad=True)
    """
    name, default = _resolve_dtype(dtype), _resolve_dtype(default_dtype)
    a = _printable(values, name)
    prefix = "tensor("
    indent = len(prefix)
    suffixes = [f"device='{device}'"] if _shows_device(device, default_device) else []
    if a.size == 0:
        # An empty tensor shows its shape unless 1-d, and any non-default dtype, int64 included.
        suffixes += [f"size={a.shape}"] if a.ndim != 1 else []
        suffixes += [f"dtype=torch.{name}"] if name != default else []
        body = "[]"
    else:
        suffixes += [f"size={a.shape}"] if not _OPTS.edgeitems else []
        default_complex = "complex128" if default == "float64" else "complex64"
        suffixes += [f"dtype=torch.{name}"] if name not in (default, default_complex, "int64", "bool") else []
        summarize = a.size > _OPTS.threshold
        body = _nested_str(a, indent, summarize, *_element_printer(a, name, summarize))
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{grad_fn}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    text = _add_suffixes(prefix + body, suffixes, indent)
    return "Parameter containing:\n" + text if is_parameter else text


def format_scalar(value: Any, dtype: str, spec: str) -> str:
    """Returns ``format(t, spec)`` for a 0-dim tensor ``t``: PyTorch formats the Python number ``t.item()``.

    Args:
        value: the single value (a 0-d array or scalar).
        dtype: torch dtype name; the value is rounded to it (``float32`` 0.1 is 0.10000000149011612).
        spec: the format spec, as in ``f"{t:.4f}"``.

    Example:
        >>> format_scalar(np.float32(0.1), "float32", ""), format_scalar(3, "int64", "05d")
        ('0.10000000149011612', '00003')
    """
    return format(_printable(value, _resolve_dtype(dtype)).item(), spec)


def tensor_format(values: Any, dtype: str, spec: str, *, is_parameter: bool = False, **repr_options: Any) -> str:
    """Returns ``format(t, spec)`` (``Tensor.__format__``) for any tensor.

    A plain 0-dim tensor formats its Python number (:func:`format_scalar`). Otherwise an empty spec gives
    ``str(t)`` and any other spec raises PyTorch's TypeError, as Parameters always do.

    Args:
        values, dtype, is_parameter, repr_options: as for :func:`format_tensor`.
        spec: the format spec.

    Example:
        >>> tensor_format(np.float32(2.5), "float32", ".2f"), tensor_format(np.ones(2), "float32", "")
        ('2.50', 'tensor([1., 1.])')
    """
    if np.ndim(values) == 0 and not is_parameter:
        return format_scalar(values, dtype, spec)
    if spec:
        cls = "Parameter" if is_parameter else "Tensor"
        raise TypeError(f"unsupported format string passed to {cls}.__format__")
    return format_tensor(values, dtype, is_parameter=is_parameter, **repr_options)
