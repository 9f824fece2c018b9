"""In-place writes through ``.data`` / ``detach()``, ``zero_``, in-place arithmetic (and its fast path) and the
``.data`` setter, against PyTorch: the values, autograd flags, ``grad_fn`` names and gradients each scenario
leaves behind, or PyTorch's error. A computed tensor written where autograd does not record keeps its history.
(Saved tensors written in place: ``test_version_counter``.)"""
import numpy as np
import pytest
import torch as real

import jtorch.compat as torch

W = np.array([[0.5, -1.0], [2.0, 0.25]], np.float32)
X = np.array([1.0, 3.0], np.float32)


def _state(t) -> tuple:
    """What a scenario observes of a tensor: values, dtype, autograd flags, grad_fn name, grad."""
    fn = t.grad_fn.name() if t.grad_fn is not None else None
    grad = None if not t.is_leaf or t.grad is None else t.grad.tolist()
    return t.detach().tolist(), str(t.dtype), t.requires_grad, t.is_leaf, fn, grad


def _leaf(lib):
    return lib.tensor(W, requires_grad=True)


def _sgd_through_data(lib):
    w = _leaf(lib)
    alias = w.detach()  # taken before the writes: it must see them
    x = lib.tensor(X)
    (w @ x).pow(2).sum().backward()
    w.data -= 0.1 * w.grad.data
    w.grad.data.zero_()
    loss = (w @ x).pow(2).sum()
    loss.backward()
    return [_state(w), _state(alias), loss.item()]


def _data_setter(lib):
    w = _leaf(lib)
    v = w.data
    w.data = w.data  # the tail of `w.data -= x`
    out = [_state(w), _state(v)]
    w.data = v * 2
    out.append(_state(w))
    (w * 3).sum().backward()
    return out + [_state(w)]


def _zero_grad_root_then_accumulate(lib):
    w = _leaf(lib)
    (w * w).sum().backward()
    w.grad.zero_()
    (w * 3).sum().backward()
    return [_state(w)]


def _zero_detached_views(lib):
    x = lib.tensor(W)
    d = x.detach()
    d.zero_()
    w = _leaf(lib)
    w.data.zero_()
    (w + 1).sum().backward()
    return [_state(x), _state(d), _state(w)]


def _zero_records_grad(lib):
    w = _leaf(lib)
    y = w * 2
    y.zero_()
    out = [_state(y)]
    (y + w).sum().backward()
    return out + [_state(w)]


def _zero_under_no_grad(lib):
    w = _leaf(lib)
    with lib.no_grad():
        w.zero_()
    out = [_state(w)]
    (w * 2).sum().backward()
    return out + [_state(w)]


def _zero_other_dtypes(lib):
    out = []
    for data in ([1, 2, 3], [True, False], 2.5, [[1.5]]):
        t = lib.tensor(data)
        out.append(_state(t.zero_()))
    return out


def _write_grad_requiring_value_through_data(lib):
    w, x = _leaf(lib), lib.zeros(2, 2)
    u = lib.tensor(W, requires_grad=True) * 2
    w.data.copy_(u)
    x.data.copy_(u)
    return [_state(w), _state(x)]


def _arithmetic_in_place(lib):
    x = lib.tensor(W)
    row = x[0]  # a view of x: it must see every write
    x += 1
    x -= 0.5
    x *= 2
    x /= 4
    x.data.add_(lib.tensor(W))
    x.data.mul_(3)
    x.sub_(lib.tensor(W), alpha=2)
    h = lib.tensor(W).half()
    h += 0.1
    i = lib.tensor([1, 2])
    i *= 3
    return [_state(x), _state(row), _state(h), _state(i)]


def _sgd_under_no_grad(lib):
    w = _leaf(lib)
    alias = w.detach()
    x = lib.tensor(X)
    (w @ x).pow(2).sum().backward()
    with lib.no_grad():
        w -= 0.1 * w.grad
        w /= 2
    w.grad.zero_()
    loss = (w @ x).pow(2).sum()
    loss.backward()
    return [_state(w), _state(alias), loss.item()]


def _in_place_with_grad_operand(lib):
    w, x = _leaf(lib), lib.zeros(2, 2)
    u = lib.tensor(W, requires_grad=True) * 2
    w.data += u
    x.data += u
    y = lib.tensor(W, requires_grad=True) * 1
    y += u  # a non-leaf root that requires grad: recorded (AddBackward0)
    return [_state(w), _state(x), _state(y)]


def _detach_of_computed(lib):
    w = _leaf(lib)
    loss = (w * w).sum()
    loss.item()
    d = loss.detach()
    d += 1
    out = [_state(d), _state(loss)]
    loss.backward()  # the written value, differentiated as the sum it was
    return out + [_state(w)]


def _copy_data_into_computed(lib):
    x = _leaf(lib)
    y = x * 2
    y.copy_(lib.tensor(X).expand(2, 2))  # recorded: y still requires grad, no gradient through its old value
    out = [_state(y)]
    (y * x).sum().backward()
    return out + [_state(x)]


def _history_kept(write):
    """A computed tensor written where autograd does not record keeps its grad_fn and takes the written
    value; gradients reach what it was computed from (``y * x`` after the write: y's new value + 2 x)."""
    def scenario(lib):
        x = lib.tensor(W, requires_grad=True)
        y = x * 2
        write(lib, y)
        out = [_state(y)]
        (y * x).sum().backward()
        return out + [_state(x)]

    scenario.__name__ = write.__name__
    return scenario


def _through_detach(lib, y):
    y.detach().mul_(10)


def _through_data(lib, y):
    y.data.mul_(10)


def _under_no_grad(lib, y):
    with lib.no_grad():
        y.mul_(10)


def _view_under_no_grad(lib, y):
    with lib.no_grad():
        y[0] = 7


def _view_of_detach(lib, y):
    y.detach()[1, 0] = 7


def _detach_copy_of_grad_value(lib, y):
    y.detach().copy_(lib.tensor(W, requires_grad=True) * 3)  # the value only: no gradient to its source


def _fast_path_under_no_grad(lib, y):
    with lib.no_grad():
        y -= 0.5
        y *= 2


def _chained_writes(lib, y):
    y.data.add_(1)
    y.mul_(2)  # recorded: MulBackward0 over the history kept
    y.detach().sub_(3)


@pytest.mark.parametrize("scenario", [
    _sgd_through_data, _data_setter, _zero_grad_root_then_accumulate, _zero_detached_views, _zero_records_grad,
    _zero_under_no_grad, _zero_other_dtypes, _write_grad_requiring_value_through_data, _detach_of_computed,
    _arithmetic_in_place, _sgd_under_no_grad, _in_place_with_grad_operand, _copy_data_into_computed,
    *map(_history_kept, [_through_detach, _through_data, _under_no_grad, _view_under_no_grad, _view_of_detach,
                         _detach_copy_of_grad_value, _fast_path_under_no_grad, _chained_writes]),
], ids=lambda f: f.__name__.strip("_"))
def test_matches_pytorch(scenario):
    got, want = scenario(torch), scenario(real)
    assert _exact(got) == _exact(want)
    np.testing.assert_allclose(_numbers(got), _numbers(want), rtol=1e-6)


def _numbers(x) -> list:
    if isinstance(x, (list, tuple)):
        return [n for item in x for n in _numbers(item)]
    return [x] if isinstance(x, float) else []


def _exact(x):
    """``x`` with its floats blanked out: what must match exactly (structure, flags, names, dtypes)."""
    if isinstance(x, (list, tuple)):
        return type(x)(_exact(item) for item in x)
    return None if isinstance(x, float) else x


def _leaf_zero(lib):
    _leaf(lib).zero_()


def _view_of_leaf_zero(lib):
    _leaf(lib).view(4).zero_()


def _leaf_isub(lib):
    w = _leaf(lib)
    w -= 1


def _bool_sub(lib):
    lib.tensor([True, False]) - lib.tensor([True, True])


def _float_sub_bool(lib):
    lib.tensor([1.0, 2.0]) - lib.tensor([True, False])


def _bool_scalar_rsub(lib):
    True - lib.tensor([1, 2])


def _isub_wider_dtype(lib):
    t = lib.tensor([1, 2]).detach()
    t -= 0.5


@pytest.mark.parametrize("scenario", [_leaf_zero, _view_of_leaf_zero, _leaf_isub, _bool_sub, _float_sub_bool,
                                      _bool_scalar_rsub, _isub_wider_dtype], ids=lambda f: f.__name__.strip("_"))
def test_errors_match_pytorch(scenario):
    errors = []
    for lib in (real, torch):
        try:  # not pytest.raises: its traceback cycle would keep the tensors (and pending nodes) alive
            scenario(lib)
        except Exception as e:  # noqa: BLE001 - the comparison is the point
            errors.append((type(e), str(e)))
        else:
            errors.append(None)
    assert errors[0] is not None, "torch raised nothing"
    assert errors[1] == errors[0]
