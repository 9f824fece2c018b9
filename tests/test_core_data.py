"""jtorch.data: the bundled MNIST sample, IDX files, device batches with prefetch, the TFDS source."""
import os
import subprocess
import sys

import jax
import numpy as np
import pytest

from jtorch import data

SPLITS = [("train", 4000), ("test", 1000)]


@pytest.mark.parametrize("split,n", SPLITS)
def test_mnist_sample_shapes_dtypes_ranges(split, n):
    images, labels = data.mnist_sample(split)
    assert images.shape == (n, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (n,) and labels.dtype == np.int64
    assert images.max() == 255 and images.min() == 0
    np.testing.assert_array_equal(np.bincount(labels), [n // 10] * 10)  # stratified
    assert 0.05 < images.mean() / 255 < 0.25  # white digits on black


def test_mnist_sample_splits_are_disjoint():
    train, test = data.mnist_sample("train")[0], data.mnist_sample("test")[0]
    seen = {img.tobytes() for img in train}
    assert not any(img.tobytes() in seen for img in test)


def test_mnist_sample_bad_split():
    with pytest.raises(ValueError, match="`split` must be 'train' or 'test'"):
        data.mnist_sample("val")


def test_cli_writes_torchvision_raw_layout_round_trip(tmp_path):
    subprocess.run([sys.executable, "-m", "jtorch", "data", "mnist-sample", str(tmp_path)], check=True,
                   capture_output=True)
    raw = tmp_path / "MNIST" / "raw"
    for split, prefix in (("train", "train"), ("test", "t10k")):
        images, labels = data.mnist_sample(split)
        img_file, lbl_file = raw / f"{prefix}-images-idx3-ubyte", raw / f"{prefix}-labels-idx1-ubyte"
        head = img_file.read_bytes()[:16]  # magic 2051, then N, 28, 28, big-endian (torchvision's reader)
        assert np.frombuffer(head, ">i4").tolist() == [2051, len(images), 28, 28]
        assert np.frombuffer(lbl_file.read_bytes()[:8], ">i4").tolist() == [2049, len(labels)]
        np.testing.assert_array_equal(data.read_idx(str(img_file)), images)
        np.testing.assert_array_equal(data.read_idx(str(lbl_file)), labels)


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
def test_idx_round_trip(tmp_path, dtype):
    a = (np.arange(24).reshape(2, 3, 4) - 5).astype(dtype)
    data.write_idx(str(tmp_path / "a"), a)
    out = data.read_idx(str(tmp_path / "a"))
    assert out.dtype == a.dtype and out.shape == a.shape
    np.testing.assert_array_equal(out, a)


BATCH_CASES = [  # n, batch_size, drop_last, expected sizes
    (10, 3, False, [3, 3, 3, 1]),
    (10, 3, True, [3, 3, 3]),
    (9, 3, True, [3, 3, 3]),
    (2, 5, False, [2]),
    (2, 5, True, []),
]


@pytest.mark.parametrize("n,bs,drop_last,sizes", BATCH_CASES)
@pytest.mark.parametrize("prefetch", [0, 2])
def test_batches_sizes_and_values(n, bs, drop_last, sizes, prefetch):
    x, y = np.arange(n * 2, dtype=np.float32).reshape(n, 2), np.arange(n)
    out = list(data.batches([x, y], bs, drop_last=drop_last, prefetch=prefetch))
    assert [len(b[0]) for b in out] == sizes
    assert all(isinstance(a, jax.Array) for b in out for a in b)
    if out:
        np.testing.assert_array_equal(np.concatenate([b[1] for b in out]), y[:sum(sizes)])


def test_batches_shuffle_is_a_keyed_permutation():
    x = np.arange(100)
    run = lambda k: np.concatenate([b for b, in data.batches([x], 7, key=jax.random.key(k), shuffle=True)])
    a, b, c = run(0), run(0), run(1)
    np.testing.assert_array_equal(a, b)
    assert sorted(a.tolist()) == list(range(100)) and not np.array_equal(a, c)
    np.testing.assert_array_equal(a, np.asarray(jax.random.permutation(jax.random.key(0), 100)))


@pytest.mark.parametrize("arrays,kwargs,error", [
    ([np.zeros(3), np.zeros(4)], {}, "must share their first dimension"),
    ([np.zeros(3)], {"shuffle": True}, "requires a `key`"),
    ([np.zeros(3)], {"batch_size": 0}, "must be a positive integer"),
])
def test_batches_errors(arrays, kwargs, error):
    with pytest.raises(ValueError, match=error):
        list(data.batches(arrays, **{"batch_size": 2, **kwargs}))


def test_run_ahead_reraises_producer_error_and_stops_early():
    def items():
        yield 1
        raise KeyError("boom")
    it = data.run_ahead(items(), 2)
    assert next(it) == 1
    with pytest.raises(KeyError, match="boom"):
        next(it)
    endless = data.run_ahead(iter(range(10 ** 9)), 3)
    assert [next(endless) for _ in range(3)] == [0, 1, 2]
    endless.close()  # the producer thread sees the stop flag


def test_tfds_missing_dependency(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorflow_datasets", None)  # import fails as when not installed
    with pytest.raises(ImportError, match="pip install 'jtorch\\[tfds\\]'"):
        data.tfds("mnist", "train")


def test_tfds_mock_mnist_matches_data_source():
    tfds = pytest.importorskip("tensorflow_datasets", reason="optional extra: pip install 'jtorch[tfds]'")
    with tfds.testing.mock_data(num_examples=12):
        ds = data.tfds("mnist", "train")
        source = tfds.data_source("mnist", split="train")
        want = [source[i] for i in range(len(source))]
    assert ds.keys == ("image", "label") and len(ds) == 12
    images, labels = ds.arrays
    assert images.shape == (12, 28, 28, 1) and images.dtype == np.uint8 and labels.dtype == np.int64
    for i, example in enumerate(want):
        np.testing.assert_array_equal(ds[i][0], example["image"])
        assert ds[i][1] == example["label"]
    key = jax.random.key(0)
    x, y = next(iter(data.batches(ds.arrays, 5, key=key, shuffle=True)))
    first = np.asarray(jax.random.permutation(key, 12))[:5]
    np.testing.assert_array_equal(np.asarray(x), images[first])
    np.testing.assert_array_equal(np.asarray(y), labels[first])


def test_tfds_keys_and_empty_split():
    tfds = pytest.importorskip("tensorflow_datasets", reason="optional extra: pip install 'jtorch[tfds]'")
    with tfds.testing.mock_data(num_examples=3):
        assert data.tfds("mnist", "test", keys=("label",)).keys == ("label",)
    with tfds.testing.mock_data(num_examples=0), pytest.raises(ValueError, match="'train' of 'mnist' is empty"):
        data.tfds("mnist", "train")


def test_tfds_arrays_protocol():
    ds = data.TFDSArrays({"image": np.zeros((4, 2, 2), np.uint8), "label": np.arange(4)}, ("image", "label"))
    assert len(ds) == 4 and ds[2][1] == 2
    np.testing.assert_array_equal(ds._batch_arrays(np.array([3, 1]))[1], [3, 1])
