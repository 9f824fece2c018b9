"""Basic indexing against PyTorch: values, grads, grad_fn names, view semantics, errors, and that Python
ints / slice starts are runtime values (a loop over the index compiles once)."""
import numpy as np
import pytest
import torch as real

import jtorch.compat as torch
from jtorch.compat import engine

from _compare import compare

A = np.arange(60, dtype=np.float32).reshape(3, 4, 5)

READS = [
    lambda x: x[1], lambda x: x[-1], lambda x: x[0, 1:], lambda x: x[1:3, 0], lambda x: x[..., 2],
    lambda x: x[None, 1, :, 2:4], lambda x: x[1, ...], lambda x: x[:, 0], lambda x: x[0, :], lambda x: x[1:],
    lambda x: x[:2], lambda x: x[5:], lambda x: x[-2:9], lambda x: x[2, 3, 4], lambda x: x[0:-1, None],
    lambda x: x[1, ::2], lambda x: x[1][2][3], lambda x: x[torch_index(x), 1:3],
]


def torch_index(x):
    return (real if isinstance(x, real.Tensor) else torch).tensor([2, 0])


@pytest.mark.parametrize("k", range(len(READS)))
def test_read_matches_torch(k):
    compare(lambda lib, x: READS[k](x), A)


@pytest.mark.parametrize("index", [(0,), (-1, 2), (slice(1, 3),), (slice(1, None), 0), (Ellipsis, 4)])
def test_write_matches_torch(index):
    def fn(lib, x, v):
        y = x * 1
        y[index] = v.sum() if y[index].dim() == 0 else v[: y[index].shape[-1]]
        return y

    compare(fn, A, np.linspace(-1, 1, 5).astype(np.float32))


def test_int_index_loop_compiles_once():
    x = torch.tensor(A)
    engine.sync()
    engine.reset_stats()
    got = [x[i].numpy() for i in range(-3, 3)] + [x[1, i].numpy() for i in range(-4, 4)]
    assert engine.stats()["compilations"] == 2
    want = [A[i] for i in range(-3, 3)] + [A[1, i] for i in range(-4, 4)]
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


def test_slice_start_loop_compiles_once():
    x = torch.tensor(np.arange(40.0, dtype=np.float32))
    engine.sync()
    engine.reset_stats()
    for i in range(0, 32, 4):
        np.testing.assert_array_equal(x[i:i + 8].numpy(), np.arange(i, i + 8, dtype=np.float32))
    assert engine.stats()["compilations"] == 1


def test_int_write_loop_compiles_once():
    x, want = torch.zeros(20, 3), real.zeros(20, 3)
    for i in range(20):
        if i == 1:  # the first iteration also computes the zeros (syncs leave a fill pending until needed)
            engine.reset_stats()
        x[i] = float(i)
        want[i] = float(i)
        x.sum().item()
    assert engine.stats()["compilations"] == 1
    np.testing.assert_array_equal(x.numpy(), want.numpy())


def test_write_through_int_view_loop_compiles_once():
    """``x[i] += v`` writes through the view ``x[i]``, and ``conf[a][b] += 1`` through two: the chain keeps
    the runtime starts, so neither compiles per index (each compiled per ``i`` before)."""
    got = {}
    for lib in (torch, real):
        x, conf = lib.zeros(20, 3), lib.zeros(4, 4)
        for i in range(20):
            if lib is torch and i == 1:  # the first iteration also computes the zeros
                engine.reset_stats()
            x[i] += lib.arange(3.0) * i
            conf[i % 4][(3 * i) % 4] += 1
            x.sum().item()
            conf.sum().item()
        if lib is torch:
            assert engine.stats()["compilations"] <= 2
        got[lib] = (x.numpy(), conf.numpy())
    for g, w in zip(got[torch], got[real]):
        np.testing.assert_array_equal(g, w)


def test_write_through_int_views_grads_match_torch():
    def fn(lib, x):
        y = x * 1
        for i in range(3):
            y[i] += x[i] * i
            y[i][1:3] *= 2
        return y

    compare(fn, A)


def test_views_share_storage():
    for lib in (real, torch):
        x = lib.tensor(A.copy())
        row = x[1]
        row.add_(1)                  # a write through the view reaches the base
        x[2][3] = -5                 # chained views
        x.mul_(2)                    # a write to the base reaches the view
        x[0, 1:3] += 10
        if lib is real:
            want = (x.numpy().copy(), row.numpy().copy())
    np.testing.assert_array_equal(x.numpy(), want[0])
    np.testing.assert_array_equal(row.numpy(), want[1])


@pytest.mark.parametrize("index", [3, -4, (0, 4), (0, 0, -6)])
def test_out_of_range_int_raises_index_error(index):
    with pytest.raises(IndexError) as want:
        real.tensor(A)[index]
    with pytest.raises(IndexError, match="out of bounds") as got:
        torch.tensor(A)[index]
    assert str(got.value) == str(want.value)
    with pytest.raises(IndexError):
        torch.tensor(A)[index] = 1.0


def test_mask_assignment_of_one_value_compiles_once():
    """``x[x > t] = 0`` in a loop: the number of selected elements changes, the executable does not."""
    import torch as real
    from jtorch.compat import engine

    def run(lib, thresholds):
        x = lib.arange(12.0).reshape(3, 4)
        out = []
        for t in thresholds:
            y = x * 1
            y[y > t] = -1.0
            out.append(y.sum().item())
        return out

    run(torch, (2.0, 3.0))  # the first iteration also computes x
    engine.reset_stats()
    assert run(torch, (7.0, 9.5, 0.5)) == run(real, (7.0, 9.5, 0.5))
    assert engine.stats()["compilations"] == 0 and engine.stats()["syncs"] == 3  # one per .item()


def test_mask_assignment_of_one_value_matches_torch():
    import torch as real

    def run(lib):
        out = []
        y = lib.arange(12).reshape(3, 4)
        y[y % 2 == 0] = 7.9  # cast to the int dtype
        z = lib.arange(12.0).reshape(3, 4)
        z[lib.tensor([True, False, True])] = lib.tensor([-1.0])  # a leading-dim mask, a 1-element value
        v = lib.tensor(0.5, requires_grad=True)
        w = lib.ones(4, requires_grad=True)
        a = w * 1
        a[lib.tensor([True, False, True, True])] = v * 2
        a.sum().backward()
        out += [y.tolist(), z.tolist(), a.tolist(), type(a.grad_fn).__name__, v.grad.item(), w.grad.tolist()]
        try:
            lib.zeros(2, 3)[lib.tensor([True, False, True])] = 1
        except IndexError as e:
            out.append(str(e))
        return out

    assert run(torch) == run(real)
