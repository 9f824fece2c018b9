"""torch.save / torch.load on the facade against real PyTorch, both directions: tensors of every dtype,
Parameters, containers, a CNN state_dict, optimizer state_dicts, whole modules, safety and errors."""
import collections
import io
import os
import pickle
import re
import zipfile

import numpy as np
import pytest
import torch

import jtorch.compat as jt
import jtorch.compat.optim  # noqa: F401  (until the facade imports it, as torch does)
from jtorch.compat.serialization import load, save

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
          "complex64", "complex128", "uint16", "uint32", "uint64"]


def _values(name, shape=(2, 3)):
    rng = np.random.default_rng(len(name))
    if name == "bool":
        return torch.from_numpy(rng.random(shape) > 0.5)
    if name.startswith("complex"):
        return torch.from_numpy(rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).to(getattr(torch, name))
    return torch.from_numpy(rng.standard_normal(shape) * 50).to(getattr(torch, name))


def _to_jt(t: torch.Tensor):
    out = jt.from_numpy(t.view(torch.int16).numpy().view(jt.bfloat16._np)) if t.dtype == torch.bfloat16 \
        else jt.from_numpy(t.numpy())
    return out.requires_grad_(t.requires_grad)


def _np(t):
    if isinstance(t, torch.Tensor):
        return t.detach().view(torch.int16).numpy() if t.dtype == torch.bfloat16 else t.detach().numpy()
    a = np.asarray(t.detach().numpy())
    return a.view(np.int16) if t.dtype == jt.bfloat16 else a


def _assert_same(got, ref):
    assert type(got).__name__ in (type(ref).__name__, "Tensor") or isinstance(ref, dict)
    if isinstance(ref, torch.Tensor):
        assert str(got.dtype) == str(ref.dtype) and tuple(got.shape) == tuple(ref.shape)
        assert got.requires_grad == ref.requires_grad
        np.testing.assert_array_equal(_np(got), _np(ref))
    elif isinstance(ref, dict):
        assert list(got) == list(ref) and type(got) is type(ref)
        for k in ref:
            _assert_same(got[k], ref[k])
    elif isinstance(ref, (list, tuple)):
        assert len(got) == len(ref)
        for g, r in zip(got, ref):
            _assert_same(g, r)
    else:
        assert str(got) == str(ref)


def _round_trip(obj_jt, path):
    """jtorch saves -> torch loads, and torch saves what it loaded -> jtorch loads."""
    save(obj_jt, path)
    ref = torch.load(path)
    save_back = path + ".torch"
    torch.save(ref, save_back)
    return ref, load(save_back)


@pytest.mark.parametrize("name", DTYPES)
def test_tensor_dtypes_both_directions(name, tmp_path):
    ref = _values(name)
    obj = {"t": _to_jt(ref), "scalar": _to_jt(ref[0, 0]), "empty": _to_jt(ref[:0])}
    from_jt, back = _round_trip(obj, str(tmp_path / "t.pt"))
    _assert_same(from_jt, {"t": ref, "scalar": ref[0, 0], "empty": ref[:0]})
    _assert_same(back, from_jt)


def test_views_and_shared_tensors_from_torch(tmp_path):
    base = torch.arange(24, dtype=torch.float32).view(4, 6)
    ref = {"col": base[:, 2], "t": base.t(), "slice": base[1:3, ::2], "base": base}
    ref["alias"] = ref["base"]
    torch.save(ref, tmp_path / "v.pt")
    got = load(tmp_path / "v.pt")
    _assert_same(got, ref)
    assert got["alias"] is got["base"]


def test_containers_parameters_and_metadata(tmp_path):
    obj = {"p": jt.nn.Parameter(jt.ones(3)), "frozen": jt.nn.Parameter(jt.zeros(2), requires_grad=False),
           "g": jt.ones(2, requires_grad=True), "od": collections.OrderedDict(a=jt.tensor([1, 2]), b=[jt.tensor(1.5)]),
           "size": jt.Size([2, 3]), "dtype": jt.float16, "device": jt.device("cpu"), "misc": (1, "two", 3.0, None),
           "set": {1, 2}, "bytes": b"\x00\x01"}
    ref, back = _round_trip(obj, str(tmp_path / "c.pt"))
    assert isinstance(ref["p"], torch.nn.Parameter) and ref["p"].requires_grad
    assert isinstance(ref["frozen"], torch.nn.Parameter) and not ref["frozen"].requires_grad
    assert ref["size"] == torch.Size([2, 3]) and ref["dtype"] is torch.float16 and ref["device"] == torch.device("cpu")
    assert ref["misc"] == (1, "two", 3.0, None) and ref["set"] == {1, 2} and ref["bytes"] == b"\x00\x01"
    assert isinstance(back["p"], jt.nn.Parameter) and isinstance(back["size"], jt.Size)
    assert back["dtype"] is jt.float16 and back["device"] == jt.device("cpu")
    _assert_same(back, ref)


def _seed_cnn(lib):
    nn = lib.nn
    return nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(4 * 3 * 3, 10))


def test_cnn_state_dict_both_directions(tmp_path):
    ref_model = _seed_cnn(torch)
    ref_model(torch.randn(2, 1, 8, 8))  # running stats move off their initial values
    torch.save(ref_model.state_dict(), tmp_path / "torch.pt")
    sd = load(tmp_path / "torch.pt")
    assert type(sd) is collections.OrderedDict
    model = _seed_cnn(jt)
    model.load_state_dict(sd)
    _assert_same(model.state_dict(), ref_model.state_dict())
    save(model.state_dict(), str(tmp_path / "jt.pt"))
    again = _seed_cnn(torch)
    again.load_state_dict(torch.load(tmp_path / "jt.pt"))
    _assert_same(again.state_dict(), ref_model.state_dict())


def test_optimizer_state_dict_both_directions(tmp_path):
    w = jt.nn.Parameter(jt.randn(3, 2))
    opt = jt.optim.Adam([w], lr=0.01, amsgrad=True)
    (w ** 2).sum().backward()
    opt.step()
    save(opt.state_dict(), str(tmp_path / "o.pt"))
    ref = torch.load(tmp_path / "o.pt")
    ref_opt = torch.optim.Adam([torch.nn.Parameter(torch.zeros(3, 2))], lr=0.5)
    ref_opt.load_state_dict(ref)
    assert ref_opt.param_groups[0]["amsgrad"] is True and ref_opt.state_dict()["state"][0]["step"].item() == 1.0
    torch.save(ref_opt.state_dict(), tmp_path / "o2.pt")
    opt2 = jt.optim.Adam([jt.nn.Parameter(jt.zeros(3, 2))])
    opt2.load_state_dict(load(tmp_path / "o2.pt"))
    _assert_same(opt2.state_dict()["state"], ref_opt.state_dict()["state"])
    assert opt2.state_dict()["param_groups"] == ref_opt.state_dict()["param_groups"]


def test_whole_module_needs_weights_only_false(tmp_path):
    model = jt.nn.Sequential(jt.nn.Linear(3, 4), jt.nn.ReLU(), jt.nn.Linear(4, 2))
    path = str(tmp_path / "m.pt")
    save(model, path)
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        load(path)
    loaded = load(path, weights_only=False)
    x = jt.randn(2, 3)
    assert type(loaded) is type(model) and jt.equal(loaded(x), model(x))
    with zipfile.ZipFile(path) as zf:  # PyTorch's class paths, so that PyTorch loads it too
        assert b"torch.nn.modules.linear\nLinear" in zf.read("m/data.pkl")
    ref = torch.load(path, weights_only=False)
    assert isinstance(ref, torch.nn.Sequential)
    np.testing.assert_allclose(ref(torch.from_numpy(x.numpy())).detach().numpy(), model(x).detach().numpy(),
                               rtol=1e-5, atol=1e-6)  # two libraries' float32 GEMMs


class _Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


def test_malicious_pickle_refused(tmp_path):
    marker = tmp_path / "pwned"
    buf = io.BytesIO()
    torch.save({"x": _Evil(marker)}, buf)
    with pytest.raises(pickle.UnpicklingError, match=r"Weights only load failed(.|\n)*GLOBAL posix.system"):
        load(io.BytesIO(buf.getvalue()))
    bad = io.BytesIO()
    torch.save({"x": eval}, bad)
    with pytest.raises(pickle.UnpicklingError, match="Unsupported global: GLOBAL builtins.eval"):
        load(io.BytesIO(bad.getvalue()))
    assert not marker.exists()
    load(io.BytesIO(buf.getvalue()), weights_only=False)  # the payload is real: trusted loads run it
    assert marker.exists()


@pytest.mark.parametrize("mangle", [lambda d: d[: len(d) // 2], lambda d: b"junk" + d[4:], lambda d: b"",
                                    lambda d: b"not a checkpoint at all"])
def test_corrupt_and_truncated_files(mangle, tmp_path):
    save({"w": jt.arange(100)}, str(tmp_path / "ok.pt"))
    data = (tmp_path / "ok.pt").read_bytes()
    with pytest.raises(RuntimeError, match="PytorchStreamReader failed"):
        load(io.BytesIO(mangle(data)))


def test_legacy_format_is_a_clear_error(tmp_path):
    torch.save(torch.ones(2), tmp_path / "legacy.pt", _use_new_zipfile_serialization=False)
    with pytest.raises(NotImplementedError, match="legacy"):
        load(tmp_path / "legacy.pt")


@pytest.mark.parametrize("map_location", ["cpu", jt.device("cpu"), {"cpu": "cpu"}, lambda storage, loc: storage])
def test_map_location(map_location, tmp_path):
    torch.save({"w": torch.arange(3.0)}, tmp_path / "m.pt")
    got = load(tmp_path / "m.pt", map_location=map_location)
    assert got["w"].tolist() == [0.0, 1.0, 2.0] and got["w"].device == jt.device("cpu")


def test_file_objects_and_layout(tmp_path):
    buf = io.BytesIO()
    save([jt.ones(2)], buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        names = zf.namelist()
        assert names[0] == "archive/data.pkl" and "archive/data/0" in names and "archive/byteorder" in names
        info = zf.getinfo("archive/data/0")
        assert (info.header_offset + 30 + len(info.filename) + len(info.extra)) % 64 == 0
    assert torch.load(io.BytesIO(buf.getvalue()))[0].tolist() == [1.0, 1.0]
    buf.seek(0)
    assert load(buf)[0].tolist() == [1.0, 1.0]


def _pickle_round_trip(obj):
    return pickle.loads(pickle.dumps(obj))


@pytest.mark.parametrize("copier", [_pickle_round_trip, __import__("copy").deepcopy], ids=["pickle", "deepcopy"])
def test_plain_pickle_and_deepcopy_of_tensors_and_models(copier):
    got = []
    for lib in (torch, jt):
        lib.manual_seed(0)
        t = lib.tensor([[1.5, -2.0]], dtype=lib.float64, requires_grad=True)
        t.note = "kept"
        i = lib.tensor([1, 2], dtype=lib.int16)
        p = lib.nn.Parameter(lib.ones(2), requires_grad=False)
        model = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.BatchNorm1d(3))
        model.tied = model[0]
        t2, i2, p2, m2 = copier([t, i, p, model])
        m2[0].weight.data.mul_(0)  # a copy: the original keeps its values
        got.append((t2.tolist(), str(t2.dtype), t2.requires_grad, t2.is_leaf, t2.note, i2.tolist(), str(i2.dtype),
                    type(p2).__name__, p2.requires_grad, type(m2[0].weight).__name__, m2[0].weight.requires_grad,
                    m2.tied is m2[0], model[0].weight.abs().sum().item() > 0, repr(m2), list(m2.state_dict()),
                    [v.dtype == w.dtype and v.shape == w.shape for v, w in zip(m2.state_dict().values(),
                                                                                model.state_dict().values())]))
    assert got[1] == got[0]


def test_deepcopy_of_non_leaf_refused_and_grad_copied():
    for lib in (torch, jt):
        x = lib.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError, match="Only Tensors created explicitly by the user"):
            __import__("copy").deepcopy(x * 2)
        (x * 3).sum().backward()
        y = __import__("copy").deepcopy(x)
        assert y.grad.tolist() == [3.0, 3.0] and y.grad is not x.grad
        assert _pickle_round_trip(x * 2).requires_grad  # pickling a non-leaf is allowed: a leaf comes back

# ---------------------------------------------------------------------------------------------- torch.hub


@pytest.fixture
def served(tmp_path):
    """A checkpoint saved by PyTorch, served over HTTP on 127.0.0.1: (url, state dict, sha256 hex)."""
    import functools
    import hashlib
    import http.server
    import threading
    root = tmp_path / "www"
    root.mkdir()
    state = collections.OrderedDict(w=torch.arange(6.0).reshape(2, 3), steps=torch.tensor(7))
    buf = io.BytesIO()
    torch.save(state, buf)
    digest = hashlib.sha256(buf.getvalue()).hexdigest()
    (root / f"tiny-{digest[:8]}.pth").write_bytes(buf.getvalue())
    (root / "tiny-00000000.pth").write_bytes(buf.getvalue())
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", state, digest
    server.shutdown()
    server.server_close()


def test_hub_downloads_into_torch_home_as_torch(served, tmp_path, monkeypatch, capsys):
    base, state, digest = served
    got = []
    for lib, label in ((torch, "ref"), (jt, "ours")):
        home = tmp_path / label
        monkeypatch.setenv("TORCH_HOME", str(home))
        assert lib.hub.get_dir() == str(home / "hub")
        url = f"{base}tiny-{digest[:8]}.pth"
        sd = lib.hub.load_state_dict_from_url(url, progress=False, check_hash=True)
        again = lib.hub.load_state_dict_from_url(url, progress=False)  # cached: no second download
        named = lib.hub.load_state_dict_from_url(url, model_dir=str(home / "m"), file_name="renamed.pt",
                                                 progress=False, weights_only=True)
        values = [(k, str(v.dtype), v.tolist()) for d in (sd, again, named) for k, v in d.items()]
        got.append((capsys.readouterr().out.replace(str(home), "HOME"),
                    sorted(os.listdir(home / "hub" / "checkpoints")), os.listdir(home / "m"), values))
    assert got[1] == got[0]
    assert got[0][1] == [f"tiny-{digest[:8]}.pth"] and "Downloading: " in got[0][0]


def test_hub_set_dir_and_hash_mismatch(served, tmp_path):
    base, _, _ = served
    for lib in (torch, jt):
        old = lib.hub._hub_dir
        try:
            lib.hub.set_dir(str(tmp_path / lib.__name__))
            assert lib.hub.get_dir() == str(tmp_path / lib.__name__)
            with pytest.raises(RuntimeError, match=r'^invalid hash value \(expected "00000000", got "[0-9a-f]{64}"\)$'):
                lib.hub.load_state_dict_from_url(f"{base}tiny-00000000.pth", progress=False, check_hash=True)
            assert os.listdir(tmp_path / lib.__name__ / "checkpoints") == []  # no partial or bad file left
        finally:
            lib.hub._hub_dir = old


def test_hub_offline_error_names_the_path_and_repositories_unsupported(tmp_path, monkeypatch):
    import socket
    with socket.socket() as s:  # a port nothing listens on: connection refused, as offline
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    where = str(tmp_path / "hub" / "checkpoints" / "resnet18-f37072fd.pth")
    with pytest.raises(RuntimeError, match=re.escape(where)):
        jt.hub.load_state_dict_from_url(f"http://127.0.0.1:{port}/resnet18-f37072fd.pth", progress=False)
    assert os.listdir(tmp_path / "hub" / "checkpoints") == []
    for fn in (jt.hub.load, jt.hub.list, jt.hub.help):
        with pytest.raises(NotImplementedError, match=rf"^torch\.hub\.{fn.__name__} is not supported by jtorch"):
            fn("pytorch/vision", "resnet18")
