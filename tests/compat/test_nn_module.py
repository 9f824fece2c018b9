"""nn.Module's API against PyTorch: registration, assignment errors, traversal, state_dict and
load_state_dict (keys, order, errors, ``_IncompatibleKeys``), hooks, train/eval, zero_grad, casts, repr."""
from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest
import torch as real

import jtorch.compat as torch


def _net(lib):
    nn = lib.nn

    class Net(nn.Module):
        def __init__(self):
            super(Net, self).__init__()
            self.features = nn.Sequential(OrderedDict([("conv", nn.Conv2d(1, 2, 3)), ("relu", nn.ReLU())]))
            self.heads = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.Linear(2, 3)])
            self.register_buffer("steps", lib.zeros(1))
            self.register_buffer("scratch", lib.ones(2), persistent=False)
            self.scale = nn.Parameter(lib.ones(1))
            self.shared = self.heads[0]

        def forward(self, x, extra=0.0):
            x = self.features(x).mean((2, 3))
            return self.heads[2](self.heads[0](x)) * self.scale + extra

        def backward(self):  # never called, as in old tutorials
            raise AssertionError

    return Net()


def test_traversal_and_repr_match_torch():
    want, got = _net(real), _net(torch)
    assert repr(got) == repr(want)
    for method in ("named_parameters", "named_buffers", "named_children", "named_modules"):
        assert [n for n, _ in getattr(got, method)()] == [n for n, _ in getattr(want, method)()], method
    assert list(got.state_dict()) == list(want.state_dict())
    assert list(got.state_dict(prefix="m.")) == list(want.state_dict(prefix="m."))
    assert len(list(got.parameters())) == len(list(want.parameters()))  # shared module counted once
    assert [n for n, _ in got.named_parameters(recurse=False)] == ["scale"]
    assert got.get_submodule("features.conv") is got.features.conv
    assert got.get_parameter("heads.2.bias") is got.heads[2].bias
    with pytest.raises(AttributeError, match="has no attribute `nope`"):
        got.get_submodule("features.nope")


def test_state_dict_round_trip_and_forward():
    want, got = _net(real), _net(torch)
    got.load_state_dict({k: torch.tensor(v.numpy()) for k, v in want.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((2, 1, 5, 5)).astype(np.float32)
    np.testing.assert_allclose(got(torch.tensor(x), extra=1.0).detach().numpy(),
                               want(real.tensor(x), extra=1.0).detach().numpy(), rtol=1e-5, atol=1e-6)
    sd = got.state_dict()
    assert isinstance(sd, OrderedDict) and not sd["scale"].requires_grad
    assert got.state_dict(keep_vars=True)["scale"] is got.scale


@pytest.mark.parametrize("edit", ["missing", "unexpected", "size"])
def test_load_state_dict_errors_match_torch(edit):
    messages, results = [], []
    for lib in (real, torch):
        m = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.ReLU(), lib.nn.Linear(3, 1))
        sd = OrderedDict((k, lib.zeros(*v.shape)) for k, v in m.state_dict().items())
        if edit == "missing":
            del sd["2.bias"]
        elif edit == "unexpected":
            sd["extra.weight"] = lib.zeros(1)
        else:
            sd["0.weight"] = lib.zeros(4, 2)
        with pytest.raises(RuntimeError) as err:
            m.load_state_dict(sd)
        messages.append(str(err.value))
        if edit != "size":
            results.append(repr(m.load_state_dict(sd, strict=False)))
    assert messages[1] == messages[0]
    assert results[1:] == results[:1]
    m = torch.nn.Linear(2, 2)
    assert repr(m.load_state_dict(m.state_dict())) == "<All keys matched successfully>"


def test_assignment_rules_match_torch():
    for lib in (real, torch):
        m = lib.nn.Linear(2, 2)
        with pytest.raises(TypeError, match=r"cannot assign 'torch.FloatTensor' as parameter 'weight' "
                                            r"\(torch.nn.Parameter or None expected\)"):
            m.weight = lib.ones(2, 2)
        m.extra = lib.nn.ReLU()
        assert "extra" in dict(m.named_children())
        with pytest.raises(TypeError, match="as child module 'extra'"):
            m.extra = 3
        m.extra = None
        m.p = lib.nn.Parameter(lib.ones(1))
        assert [n for n, _ in m.named_parameters()] == ["weight", "bias", "p"]
        del m.p
        assert [n for n, _ in m.named_parameters()] == ["weight", "bias"]
        with pytest.raises(KeyError):
            m.register_buffer("weight", lib.ones(1))
        m.add_module("sub", lib.nn.Tanh())
        m.register_module("sub2", lib.nn.Tanh())
        assert [n for n, _ in m.named_modules()] == ["", "sub", "sub2"]


def test_parameter_is_a_leaf_tensor():
    p = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    assert isinstance(p, torch.Tensor) and p.is_leaf and p.requires_grad
    assert repr(p) == repr(real.nn.Parameter(real.tensor([1.0, 2.0])))
    assert not torch.nn.Parameter(torch.ones(1), requires_grad=False).requires_grad


def test_hooks_train_eval_zero_grad():
    m = torch.nn.Linear(2, 1)
    calls = []
    h1 = m.register_forward_pre_hook(lambda mod, args: (args[0] * 0,))
    h2 = m.register_forward_hook(lambda mod, args, out: calls.append(out.shape) or out + 1)
    y = m(torch.ones(3, 2))
    np.testing.assert_allclose(y.detach().numpy(), (m.bias + 1).detach().numpy().reshape(1, 1).repeat(3, 0))
    h1.remove(), h2.remove()
    assert calls == [torch.Size([3, 1])]
    m(torch.ones(3, 2)).sum().backward()
    assert m.weight.grad is not None
    m.zero_grad(set_to_none=False)
    assert float(m.weight.grad.abs().sum()) == 0.0
    m.zero_grad()
    assert m.weight.grad is None
    seq = torch.nn.Sequential(torch.nn.Dropout(), torch.nn.Linear(1, 1))
    assert seq.eval() is seq and not seq[0].training
    seq.train()
    assert all(mod.training for mod in seq.modules())
    seq.requires_grad_(False)
    assert not any(p.requires_grad for p in seq.parameters())


def test_casts_rebind_parameters_in_place():
    m = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.BatchNorm1d(2))
    w = m[0].weight
    m.double()
    assert m[0].weight is w and w.dtype == torch.float64 and w.is_leaf
    assert m[1].num_batches_tracked.dtype == torch.int64
    m.to(torch.float32).float()
    assert w.dtype == torch.float32
    m.half()
    assert w.dtype == torch.float16
    assert m.cpu() is m
    with pytest.raises(TypeError, match="only accepts floating point"):
        m.to(torch.int64)
    m.apply(lambda mod: setattr(mod, "tag", 1))
    assert all(mod.tag == 1 for mod in m.modules())


def test_containers_match_torch():
    for lib in (real, torch):
        nn = lib.nn
        s = nn.Sequential(nn.Linear(1, 2), nn.ReLU())
        s.append(nn.Linear(2, 3))
        s.insert(1, nn.Tanh())
        s.extend([nn.Sigmoid()])
        del s[1]
        s[0] = nn.Linear(1, 2)
        ml = nn.ModuleList([nn.ReLU(), nn.ReLU(), nn.Linear(1, 1)])
        md = nn.ModuleDict({"a": nn.ReLU(), "b": nn.Linear(1, 1)})
        pl = nn.ParameterList([nn.Parameter(lib.ones(2)), lib.zeros(3)])
        pd = nn.ParameterDict({"x": nn.Parameter(lib.ones(1))})
        yield_ = (repr(s), len(s), repr(s[1:]), type(s[-1]).__name__, repr(ml), repr(md), list(md.keys()),
                  repr(pl), repr(pd), [n for n, _ in pl.named_parameters()], [type(m).__name__ for m in s])
        if lib is real:
            want = yield_
        else:
            assert yield_ == want


def _same_in_both(build):
    """``build(lib)`` in PyTorch and in jtorch give equal results (exceptions compared as type and text)."""
    out = []
    for lib in (real, torch):
        try:
            out.append(build(lib))
        except Exception as e:  # noqa: BLE001 - the exception itself is what is compared
            out.append(f"{type(e).__name__}: {e}")
    assert out[1] == out[0]


def test_sequential_arithmetic_and_errors_match_torch():
    def build(lib):
        nn = lib.nn
        s = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
        r = [repr(s * 2), repr(2 * s), (s * 2)[2] is s[0]]
        s += nn.Sequential(nn.Tanh())
        s *= 2
        r += [repr(s), s[3] is s[0]]
        for bad in (lambda: s * 0, lambda: s * 1.5, lambda: s.__iadd__([nn.ReLU()]), lambda: s[9],
                    lambda: s.insert(9, nn.ReLU())):
            try:
                bad()
            except (TypeError, ValueError, IndexError) as e:
                r.append(f"{type(e).__name__}: {e}".replace("jtorch.compat.nn.modules", "torch.nn.modules"))
        return r
    _same_in_both(build)


def test_hooks_with_kwargs_match_torch():
    def build(lib):
        nn, seen = lib.nn, []

        class Scaled(nn.Module):
            def forward(self, x, scale=1.0):
                return x * scale

        m = Scaled()
        m.register_forward_pre_hook(lambda mod, args, kwargs: (args, {**kwargs, "scale": 3.0}), with_kwargs=True)
        h = m.register_forward_hook(lambda mod, args, kwargs, out: seen.append(sorted(kwargs)) or out + 1,
                                    with_kwargs=True)
        m.register_forward_hook(lambda mod, args, out: seen.append(out.tolist()), prepend=True)
        y = m(lib.ones(1), scale=2.0)
        h.remove()
        return [y.tolist(), m(lib.ones(1)).tolist(), seen]
    _same_in_both(build)


def test_apply_casts_zero_grad_keep_vars_match_torch():
    def build(lib):
        nn = lib.nn
        m = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
        names = []
        r = [m.apply(lambda mod: names.append(type(mod).__name__)) is m, names]
        for cast in (lambda: m.to(lib.float64), lambda: m.half(), lambda: m.bfloat16(), lambda: m.double(),
                     lambda: m.type(lib.float16), lambda: m.to(dtype=lib.float32)):
            r.append((cast() is m, [str(v.dtype) for v in m.state_dict().values()]))
        m(lib.ones(4, 2)).sum().backward()
        m.zero_grad(set_to_none=False)
        r.append([(p.grad is not None, p.grad.abs().sum().item()) for p in m.parameters()])
        m.zero_grad()
        r.append([p.grad for p in m.parameters()])
        r.append([(k, type(v).__name__, v.requires_grad) for k, v in m.state_dict(keep_vars=True).items()])
        r.append([(k, type(v).__name__, v.requires_grad) for k, v in m.state_dict(prefix="p.").items()])
        return r
    _same_in_both(build)


def test_container_reprs_match_torch():
    def build(lib):
        nn = lib.nn
        pl = nn.ParameterList([nn.Parameter(lib.ones(2, 3)), nn.Parameter(lib.ones(3, dtype=lib.float64))])
        pl.append(lib.zeros(2))
        pd = nn.ParameterDict({"x": nn.Parameter(lib.ones(2)), "y": lib.zeros(1, 2)})
        pd["z"] = nn.Parameter(lib.ones(1), requires_grad=False)
        md = nn.ModuleDict({"a": nn.Linear(1, 2), "b": nn.ReLU()})
        md.update({"c": nn.Tanh()})
        r = [repr(pl), repr(pd), repr(md.pop("a")), repr(md), [type(p).__name__ for p in pl], list(pd.keys())]
        holder = nn.Module()
        holder.pl, holder.pd, holder.md = pl, pd, md
        return r + [repr(holder), list(holder.state_dict())]
    _same_in_both(build)


@pytest.mark.parametrize("momentum", [None, 0.3])
def test_batchnorm_running_stats_match_torch(momentum):
    def build(lib):
        bn = lib.nn.BatchNorm1d(3, momentum=momentum)
        for i in range(3):
            bn(lib.arange(12.0).reshape(4, 3) * (i + 1))
        bn.momentum = None  # switching to the cumulative average mid-training, as PyTorch allows
        bn(lib.arange(12.0).reshape(4, 3))
        return [np.round(bn.running_mean.numpy(), 4).tolist(), np.round(bn.running_var.numpy(), 4).tolist(),
                bn.num_batches_tracked.item()]
    _same_in_both(build)


def test_state_dict_versions_and_old_batchnorm_checkpoints():
    def build(lib):
        m = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.BatchNorm1d(2))
        sd = m.state_dict()
        old = OrderedDict((k, v) for k, v in sd.items() if not k.endswith("num_batches_tracked"))
        r = [dict(sd._metadata), repr(m.load_state_dict(old))]  # no metadata: a pre-0.4.1 checkpoint
        old._metadata = sd._metadata  # saved at BatchNorm version 2: the buffer is really missing
        try:
            m.load_state_dict(old)
        except RuntimeError as e:
            r.append(str(e))
        return r
    _same_in_both(build)


def test_extra_state_matches_torch():
    def build(lib):
        class Counter(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.lin, self.calls = lib.nn.Linear(1, 1), 0

            def get_extra_state(self):
                return {"calls": self.calls}

            def set_extra_state(self, state):
                self.calls = state["calls"]

        a, b = Counter(), Counter()
        a.calls = 5
        sd = a.state_dict()
        r = [list(sd), sd["_extra_state"], repr(b.load_state_dict(sd)), b.calls]
        del sd["_extra_state"]
        r.append(repr(b.load_state_dict(sd, strict=False)))
        for bad in (lambda: b.load_state_dict(sd), lambda: lib.nn.Module().get_extra_state()):
            try:
                bad()
            except RuntimeError as e:
                r.append(str(e))
        return r
    _same_in_both(build)


def test_parameter_dict_methods_and_set_submodule_match_torch():
    def build(lib):
        nn = lib.nn
        pd = nn.ParameterDict({"a": nn.Parameter(lib.ones(1)), "b": lib.zeros(2)})
        other = nn.ParameterDict({"c": nn.Parameter(lib.ones(3))})
        r = [list(pd | other), list(other | pd), list(reversed(pd)), pd.copy()["a"] is pd["a"],
             repr(pd.setdefault("d", lib.ones(1))), repr(pd.fromkeys(["x", "y"], nn.Parameter(lib.ones(1)))),
             pd.popitem()[0], list(pd)]
        pd |= other
        r.append(list(pd))
        pd.clear()
        r.append(len(pd))
        m = nn.Sequential(nn.Linear(1, 1), nn.Sequential(nn.ReLU()))
        m.set_submodule("1.0", nn.Tanh())
        m.set_submodule("2", nn.Sigmoid())
        r.append(repr(m))
        for bad in (lambda: pd.popitem(), lambda: m.set_submodule("", nn.ReLU()), lambda: m.set_submodule("0", 3),
                    lambda: m.set_submodule("3", nn.ReLU(), strict=True), lambda: m.set_submodule("0.weight", nn.ReLU()),
                    lambda: m.compile()):
            try:
                r.append(repr(bad()))
            except (KeyError, ValueError, AttributeError) as e:
                r.append(f"{type(e).__name__}: {e}")
        return r
    _same_in_both(build)


def _full_backward_hook_log(lib):
    nn, log = lib.nn, []
    seq = nn.Sequential(nn.Linear(3, 2), nn.Tanh(), nn.Linear(2, 1))
    seq.load_state_dict({"0.weight": lib.tensor(np.arange(6.0).reshape(2, 3) / 5, dtype=lib.float32),
                         "0.bias": lib.tensor([0.1, -0.2]), "2.weight": lib.tensor([[0.5, -1.0]]),
                         "2.bias": lib.tensor([0.0])})

    def record(tag):
        return lambda m, *grads: log.append((tag, [[None if g is None else g.detach().numpy() for g in gs]
                                                   for gs in grads]))
    hooks = [seq[0].register_full_backward_hook(record("linear")),
             seq[1].register_full_backward_pre_hook(lambda m, go: record("tanh pre")(m, go) or (go[0] * 2,)),
             seq[1].register_full_backward_hook(lambda m, gi, go: (gi[0] * 10,), prepend=True)]
    x = lib.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]], requires_grad=True)
    seq(x).sum().backward()
    log.append(("grads", [[x.grad.numpy().copy(), seq[0].weight.grad.numpy().copy()]]))  # torch: shared memory
    for h in hooks:
        h.remove()
    with seq[0].register_full_backward_hook(record("input without grad")):  # grad_input all None
        with pytest.warns(UserWarning, match="^Full backward hook is firing when gradients are computed with "
                                             "respect to module outputs since no inputs require gradients"):
            seq(lib.ones(1, 3)).sum().backward()
    seq[0].register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
    with pytest.raises(RuntimeError, match="^Backward hook returned an invalid number of grad_input, got 2, but "
                                           "expected 1$"):
        seq(x).sum().backward()
    return log


def test_full_backward_hooks_match_torch():
    want, got = _full_backward_hook_log(real), _full_backward_hook_log(torch)
    assert [tag for tag, _ in got] == [tag for tag, _ in want]
    for (_, g), (_, w) in zip(got, want):
        for gs, ws in zip(g, w, strict=True):
            for a, b in zip(gs, ws, strict=True):
                assert (a is None) == (b is None)
                if b is not None:
                    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
