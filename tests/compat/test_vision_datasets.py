"""torchvision.datasets on the facade: the conformance synthetic MNIST/CIFAR files (make_data.py), reprs,
items, the DataLoader fast path against the per-sample path, ImageFolder, and downloads from a local HTTP
server (good file, wrong checksum, truncated file, server down)."""
import gzip
import hashlib
import http.server
import os
import subprocess
import sys
import threading

import numpy as np
import pytest
from PIL import Image

import jtorch.compat as torch
from jtorch.compat.utils.data import DataLoader
from jtorch.compat.vision import datasets, transforms
from jtorch.compat.vision.datasets import utils as dutils

MAKE_DATA = "/work/shared/conformance/make_data.py"


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("vision"))
    if not os.path.exists(MAKE_DATA):
        pytest.skip("conformance make_data.py not available")
    subprocess.run([sys.executable, MAKE_DATA, path, "--train", "64", "--test", "32"], check=True,
                   stdout=subprocess.DEVNULL)
    return path


@pytest.fixture
def cifar(monkeypatch):
    C = datasets.CIFAR10
    monkeypatch.setattr(C, "train_list", [[f, None] for f, _ in C.train_list])
    monkeypatch.setattr(C, "test_list", [[f, None] for f, _ in C.test_list])
    monkeypatch.setattr(C, "meta", dict(C.meta, md5=None))
    return C


def test_mnist(root):
    ds = datasets.MNIST(root, train=True, transform=transforms.ToTensor())
    assert len(ds) == 64 and ds.data.dtype == torch.uint8 and ds.targets.dtype == torch.int64
    img, label = ds[3]
    assert type(label) is int and label == int(ds.targets[3])
    np.testing.assert_array_equal(img.numpy()[0], ds.data[3].numpy() / np.float32(255))
    assert repr(ds) == (f"Dataset MNIST\n    Number of datapoints: 64\n    Root location: {root}\n    Split: Train\n"
                        f"    StandardTransform\nTransform: ToTensor()")
    raw, _ = datasets.MNIST(root, train=False)[0]
    assert isinstance(raw, Image.Image) and raw.mode == "L" and raw.size == (28, 28)
    assert ds.class_to_idx["3 - three"] == 3
    with pytest.raises(RuntimeError, match="Dataset not found. You can use download=True to download it"):
        datasets.FashionMNIST(root + "/nowhere")


def test_cifar(root, cifar):
    ds = cifar(root, train=False)
    assert len(ds) == 32 and ds.data.shape == (32, 32, 32, 3) and len(ds.classes) == 10
    img, label = ds[1]
    assert isinstance(img, Image.Image) and img.mode == "RGB" and label == ds.targets[1]
    np.testing.assert_array_equal(np.array(img), ds.data[1])
    assert "Split: Test" in repr(ds)


def test_cifar_checks_md5(root):
    with pytest.raises(RuntimeError, match="Dataset not found or corrupted."):
        datasets.CIFAR10(root)


@pytest.mark.parametrize("name", ["mnist", "cifar"])
def test_fast_path_equals_per_sample_path(root, cifar, name, monkeypatch):
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.25,))])
    ds = datasets.MNIST(root, transform=tf) if name == "mnist" else cifar(root, transform=tf)
    assert ds._batch_arrays(np.arange(5)) is not None
    fast = [[t.numpy() for t in b] for b in DataLoader(ds, batch_size=16)]
    monkeypatch.setattr(type(ds), "_batch_arrays", lambda self, idx: None)
    slow = [[t.numpy() for t in b] for b in DataLoader(ds, batch_size=16)]
    for (fx, fy), (sx, sy) in zip(fast, slow, strict=True):
        assert fx.dtype == sx.dtype and fy.dtype == sy.dtype == np.int64
        np.testing.assert_allclose(fx, sx, rtol=2e-7, atol=0)
        np.testing.assert_array_equal(fy, sy)
    lam = datasets.MNIST(root, transform=transforms.Compose([transforms.ToTensor(), transforms.Lambda(abs)]))
    assert lam._batch_arrays(np.arange(3)) is None and len(lam.__getitems__([0, 1])) == 2


def test_image_folder(tmp_path):
    for cls, n in (("cat", 2), ("dog", 3)):
        os.makedirs(tmp_path / cls / "sub")
        for i in range(n):
            Image.new("L", (4, 3), i * 40).save(tmp_path / cls / ("sub" if i else "") / f"{i}.png")
    (tmp_path / "dog" / "notes.txt").write_text("x")
    ds = datasets.ImageFolder(str(tmp_path))
    assert ds.classes == ["cat", "dog"] and ds.class_to_idx == {"cat": 0, "dog": 1}
    assert ds.targets == [0, 0, 1, 1, 1] and len(ds) == 5 and ds.imgs is ds.samples
    img, label = ds[2]
    assert img.mode == "RGB" and img.size == (4, 3) and label == 1
    os.makedirs(tmp_path / "empty")
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes empty."):
        datasets.ImageFolder(str(tmp_path))


def test_fakedata_and_verify_str_arg():
    ds = datasets.FakeData(size=3, image_size=(3, 8, 6), num_classes=4)
    a, b = ds[1], ds[1]
    assert np.array_equal(np.array(a[0]), np.array(b[0])) and a[1] == b[1] and a[0].size == (6, 8)
    assert repr(ds) == "Dataset FakeData\n    Number of datapoints: 3"
    with pytest.raises(IndexError, match="FakeData index out of range"):
        ds[3]
    with pytest.raises(ValueError, match="Unknown value 'bogus' for argument split. Valid values are {'byclass', "):
        datasets.EMNIST("/nonexistent", split="bogus")


class _Server:
    """Serves ``files`` (name -> bytes) on 127.0.0.1; ``truncate`` names are cut short mid-body."""

    def __init__(self, files, truncate=()):
        files, cut = dict(files), set(truncate)

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                name = self.path.lstrip("/")
                if name not in files:
                    self.send_error(404)
                    return
                body = files[name]
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[:len(body) // 2] if name in cut else body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def _mnist_files():
    from jtorch.data import write_idx
    files, rng = {}, np.random.default_rng(0)
    for split, n in (("train", 6), ("t10k", 4)):
        for kind, arr in (("images-idx3", rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)),
                          ("labels-idx1", rng.integers(0, 10, n, dtype=np.uint8))):
            path = f"/tmp/_k_{os.getpid()}_{split}{kind}"
            write_idx(path, arr)
            with open(path, "rb") as f:
                files[f"{split}-{kind}-ubyte.gz"] = gzip.compress(f.read())
            os.remove(path)
    return files


def test_download_mnist_family_from_mirror(tmp_path, monkeypatch):
    files = _mnist_files()
    server = _Server(files)
    try:
        resources = [(name, hashlib.md5(body).hexdigest()) for name, body in files.items()]
        monkeypatch.setattr(datasets.KMNIST, "mirrors", ["http://127.0.0.1:9/", server.url])  # first one is down
        monkeypatch.setattr(datasets.KMNIST, "resources", resources)
        ds = datasets.KMNIST(str(tmp_path), train=False, download=True)
        assert len(ds) == 4 and sorted(os.listdir(tmp_path / "KMNIST" / "raw")) == sorted(
            list(files) + [n[:-3] for n in files])
        bad = [(name, "0" * 32) for name, _ in resources]
        monkeypatch.setattr(datasets.KMNIST, "resources", bad)
        with pytest.raises(RuntimeError, match="File not found or corrupted."):
            datasets.KMNIST(str(tmp_path / "bad"), download=True)
        assert not any(f.endswith(".part") or f.endswith(".gz") for f in os.listdir(tmp_path / "bad" / "KMNIST" / "raw"))
        monkeypatch.setattr(datasets.KMNIST, "mirrors", ["http://127.0.0.1:9/"])
        with pytest.raises(RuntimeError, match="Error downloading train-images-idx3-ubyte.gz:\nTried http://127"):
            datasets.KMNIST(str(tmp_path / "down"), download=True)
    finally:
        server.close()


def test_download_url_truncated_and_good(tmp_path):
    body = os.urandom(5000)
    server = _Server({"a.bin": body, "t.bin": body}, truncate={"t.bin"})
    try:
        dutils.download_url(server.url + "a.bin", str(tmp_path), md5=hashlib.md5(body).hexdigest())
        assert (tmp_path / "a.bin").read_bytes() == body
        with pytest.raises(Exception) as info:
            dutils.download_url(server.url + "t.bin", str(tmp_path), md5=hashlib.md5(body).hexdigest())
        assert isinstance(info.value, (OSError, RuntimeError))
        assert sorted(os.listdir(tmp_path)) == ["a.bin"]
        assert dutils.check_integrity(str(tmp_path / "a.bin"), None)
        assert not dutils.check_integrity(str(tmp_path / "a.bin"), "0" * 32)
    finally:
        server.close()


def test_mnist_download_uses_offline_sample(tmp_path):
    ds = datasets.MNIST(str(tmp_path), train=False, download=True)
    assert len(ds) == 1000 and ds.data.shape == (1000, 28, 28)


def test_extract_archive_tar_and_gz(tmp_path):
    import tarfile
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "x.txt").write_text("hello")
    with tarfile.open(tmp_path / "a.tar.gz", "w:gz") as tar:
        tar.add(tmp_path / "in" / "x.txt", arcname="d/x.txt")
    assert dutils.extract_archive(str(tmp_path / "a.tar.gz"), str(tmp_path / "out")) == str(tmp_path / "out")
    assert (tmp_path / "out" / "d" / "x.txt").read_text() == "hello"
    (tmp_path / "y.gz").write_bytes(gzip.compress(b"abc"))
    assert open(dutils.extract_archive(str(tmp_path / "y.gz")), "rb").read() == b"abc"
    with pytest.raises(RuntimeError, match="has no suffixes"):
        dutils.extract_archive(str(tmp_path / "noext"))
