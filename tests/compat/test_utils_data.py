"""torch.utils.data against real PyTorch: collation, samplers, datasets, DataLoader lengths and errors,
the array fast path against the per-sample path, and worker processes."""
import collections
import importlib.util
import os
import sys

import numpy as np
import pytest
import torch as real

import jtorch.compat as torch
from jtorch.compat import _config

sys.path.insert(0, os.path.dirname(__file__))
from _utils_data_workers import Sharded, Squares  # noqa: E402

Point = collections.namedtuple("Point", "x y")


def norm(x):
    """A comparable form of a result from either library: tensors as (dtype, shape, values)."""
    if isinstance(x, (real.Tensor, torch.Tensor)):
        return ("tensor", str(x.dtype), tuple(x.shape), np.asarray(x.detach().numpy()).tolist())
    if isinstance(x, dict):
        return (type(x).__name__, {k: norm(v) for k, v in x.items()})
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return (type(x).__name__, [norm(v) for v in x])
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [norm(v) for v in x])
    return (type(x).__name__, x)


def both(fn):
    """``fn(lib)`` in both libraries: the normalised results, or the exception types and messages."""
    out = []
    for lib in (real, torch):
        try:
            out.append(norm(fn(lib)))
        except Exception as e:  # noqa: BLE001 - compared below
            out.append((type(e).__name__, str(e)))
    return out


def batch(*make):
    return lambda lib: [m(lib) for m in make]


COLLATE = {
    "ints": lambda lib: [1, 2, 3],
    "floats": lambda lib: [1.5, 2.0],
    "bools": lambda lib: [True, False],
    "strings": lambda lib: ["a", "b"],
    "bytes": lambda lib: [b"a", b"b"],
    "tensors": lambda lib: [lib.tensor([1.0, 2.0]), lib.tensor([3.0, 4.0])],
    "int_tensors_0d": lambda lib: [lib.tensor(1), lib.tensor(2)],
    "numpy_arrays": lambda lib: [np.arange(3, dtype=np.int16), np.arange(3, dtype=np.int16)],
    "numpy_float64": lambda lib: [np.ones((2, 2)), np.zeros((2, 2))],
    "numpy_scalars": lambda lib: [np.float32(1.5), np.float32(2.5)],
    "numpy_int_scalars": lambda lib: [np.int64(3), np.int64(4)],
    "tuples": lambda lib: [(lib.tensor([1.0]), 1, "a"), (lib.tensor([2.0]), 2, "b")],
    "lists": lambda lib: [[1, 2.0], [3, 4.0]],
    "dicts": lambda lib: [{"a": 1, "b": np.zeros(2)}, {"a": 2, "b": np.ones(2)}],
    "ordered_dict": lambda lib: [collections.OrderedDict(x=1.0), collections.OrderedDict(x=2.0)],
    "namedtuple": lambda lib: [Point(1, 2.0), Point(3, 4.0)],
    "nested": lambda lib: [{"p": (1, [2.0, "s"])}, {"p": (3, [4.0, "t"])}],
    "mismatched_tensors": lambda lib: [lib.tensor([1.0, 2.0]), lib.tensor([3.0])],
    "mismatched_arrays": lambda lib: [np.zeros(2), np.zeros(3)],
    "mismatched_lists": lambda lib: [[1, 2], [3]],
    "object": lambda lib: [object(), object()],
    "string_array": lambda lib: [np.array(["a"]), np.array(["b"])],
}


@pytest.mark.parametrize("name", COLLATE)
def test_default_collate(name):
    def run(lib):
        data = COLLATE[name](lib)
        if name == "object":  # the message names the type, whose repr is the same in both
            data = [lib, lib]
        return lib.utils.data.default_collate(data)
    want, got = both(run)
    if name == "mismatched_arrays":  # PyTorch's message names its internal as_tensor entries identically
        assert got[0] == want[0] == "RuntimeError"
        return
    if name == "object":
        assert got[0] == want[0] == "TypeError" and "default_collate: batch must contain" in got[1]
        return
    assert got == want


CONVERT = {
    "int": lambda lib: 3,
    "ndarray": lambda lib: np.arange(3),
    "np_scalar": lambda lib: np.float64(2.5),
    "tuple": lambda lib: (np.zeros(2), "s"),
    "namedtuple": lambda lib: Point(np.int32(1), 2),
    "dict": lambda lib: {"a": np.ones(1), "b": [np.zeros(1)]},
    "string_array": lambda lib: np.array(["x"]),
}


@pytest.mark.parametrize("name", CONVERT)
def test_default_convert(name):
    want, got = both(lambda lib: _convert_norm(lib, CONVERT[name](lib)))
    assert got == want


def _convert_norm(lib, data):
    out = lib.utils.data.default_convert(data)
    return out.tolist() if isinstance(out, np.ndarray) else out


SAMPLERS = {
    "sequential": lambda lib: list(lib.utils.data.SequentialSampler(range(5))),
    "batch": lambda lib: list(lib.utils.data.BatchSampler(range(10), 3, False)),
    "batch_drop_last": lambda lib: list(lib.utils.data.BatchSampler(range(10), 3, True)),
    "batch_len": lambda lib: [len(lib.utils.data.BatchSampler(range(n), 4, d)) for n in (0, 7, 8) for d in (0, 1)],
    "random_len": lambda lib: len(lib.utils.data.RandomSampler(range(5), num_samples=12)),
    "random_bad_replacement": lambda lib: lib.utils.data.RandomSampler(range(5), replacement=1),
    "random_bad_num_samples": lambda lib: lib.utils.data.RandomSampler(range(5), num_samples=0),
    "batch_bad_size": lambda lib: lib.utils.data.BatchSampler(range(5), 0, False),
    "batch_bad_drop_last": lambda lib: lib.utils.data.BatchSampler(range(5), 2, 1),
    "weighted_bad_shape": lambda lib: lib.utils.data.WeightedRandomSampler([[1.0]], 2),
    "weighted_bad_num": lambda lib: lib.utils.data.WeightedRandomSampler([1.0], -1),
    "weighted_bad_replacement": lambda lib: lib.utils.data.WeightedRandomSampler([1.0], 1, replacement=None),
}


@pytest.mark.parametrize("name", SAMPLERS)
def test_samplers(name):
    want, got = both(SAMPLERS[name])
    assert got == want


RANDOM = {  # (sampler factory, invariant)
    "permutation": (lambda lib: lib.utils.data.RandomSampler(range(20)), lambda o: sorted(o) == list(range(20))),
    "more_than_len": (lambda lib: lib.utils.data.RandomSampler(range(4), num_samples=10),
                      lambda o: len(o) == 10 and sorted(o[:8]) == sorted(list(range(4)) * 2)),
    "replacement": (lambda lib: lib.utils.data.RandomSampler(range(3), True, 50), lambda o: set(o) <= {0, 1, 2}),
    "subset": (lambda lib: lib.utils.data.SubsetRandomSampler([5, 7, 9]), lambda o: sorted(o) == [5, 7, 9]),
    "weighted": (lambda lib: lib.utils.data.WeightedRandomSampler([0.0, 1.0, 0.0, 2.0], 30),
                 lambda o: len(o) == 30 and set(o) <= {1, 3}),
    "weighted_no_replacement": (lambda lib: lib.utils.data.WeightedRandomSampler([1.0, 1.0, 1.0], 3, False),
                                lambda o: sorted(o) == [0, 1, 2]),
}


@pytest.mark.parametrize("name", RANDOM)
def test_random_samplers_invariants_and_seeding(name):
    make, ok = RANDOM[name]
    for lib in (real, torch):
        assert ok(list(make(lib)))
    torch.manual_seed(3)
    a = list(make(torch))
    torch.manual_seed(3)
    assert list(make(torch)) == a


@pytest.mark.parametrize("lengths", [[3, 7], [0.3, 0.7], [0.25, 0.25, 0.5], [0.33, 0.33, 0.34], [10], [4, 4]])
def test_random_split(lengths):
    def run(lib):
        parts = lib.utils.data.random_split(range(10), lengths, generator=lib.Generator().manual_seed(0))
        idx = [list(p.indices) for p in parts]
        assert sorted(sum(idx, [])) == list(range(10))
        return [len(p) for p in parts], [type(p).__name__ for p in parts]
    want, got = both(run)
    assert got == want


DATASETS = {
    "concat": lambda lib, ds: [len(ds(3) + ds(2)), (ds(3) + ds(2)).cumulative_sizes, (ds(3) + ds(2))[3],
                               (ds(3) + ds(2))[-1], (ds(3) + ds(2))[-5]],
    "concat_neg_too_far": lambda lib, ds: (ds(3) + ds(2))[-6],
    "concat_empty": lambda lib, ds: lib.utils.data.ConcatDataset([]),
    "concat_iterable": lambda lib, ds: lib.utils.data.ConcatDataset(
        [ds(1), type("S", (lib.utils.data.IterableDataset,), {"__iter__": lambda self: iter(())})()]),
    "base_getitem": lambda lib, ds: lib.utils.data.Dataset()[0],
    "subset": lambda lib, ds: [lib.utils.data.Subset(ds(5), [4, 0])[0], len(lib.utils.data.Subset(ds(5), [1]))],
    "subset_list_index": lambda lib, ds: lib.utils.data.Subset(list(range(10)), [4, 0, 2])[1],
    "tensor_dataset": lambda lib, ds: list(lib.utils.data.TensorDataset(lib.arange(3), lib.ones(3, 2))[1]),
    "tensor_dataset_mismatch": lambda lib, ds: lib.utils.data.TensorDataset(lib.arange(3), lib.ones(2)),
    "stack_tuple": lambda lib, ds: lib.utils.data.StackDataset(ds(3), ds(3))[2],
    "stack_dict": lambda lib, ds: lib.utils.data.StackDataset(a=ds(3), b=ds(3))[1],
    "stack_mismatch": lambda lib, ds: lib.utils.data.StackDataset(ds(3), ds(2)),
    "stack_both": lambda lib, ds: lib.utils.data.StackDataset(ds(3), b=ds(3)),
    "stack_none": lambda lib, ds: lib.utils.data.StackDataset(),
    "random_split_bad_sum": lambda lib, ds: lib.utils.data.random_split(range(5), [2, 2]),
    "random_split_bad_fraction": lambda lib, ds: lib.utils.data.random_split(range(5), [1.5, -0.5]),
}


@pytest.mark.parametrize("name", DATASETS)
def test_datasets(name):
    def run(lib):
        class Numbers(lib.utils.data.Dataset):
            def __init__(self, n):
                self.n = n

            def __len__(self):
                return self.n

            def __getitem__(self, i):
                return 10 * self.n + i
        return DATASETS[name](lib, Numbers)
    want, got = both(run)
    assert got == want


LOADERS = {  # kwargs -> compare len and batch shapes/values (deterministic orders only)
    "default": {},
    "batch_3": {"batch_size": 3},
    "drop_last": {"batch_size": 3, "drop_last": True},
    "no_batch": {"batch_size": None},
    "batch_sampler": {"batch_sampler": [[0, 5], [3], [9, 8, 7]]},
    "sampler": {"sampler": [9, 1, 4], "batch_size": 2},
    "collate_fn": {"batch_size": 4, "collate_fn": lambda b: len(b)},
    "bad_workers": {"num_workers": -1},
    "bad_timeout": {"timeout": -1},
    "prefetch_without_workers": {"prefetch_factor": 2},
    "persistent_without_workers": {"persistent_workers": True},
    "sampler_and_shuffle": {"sampler": [0], "shuffle": True},
    "batch_sampler_exclusive": {"batch_sampler": [[0]], "batch_size": 2},
    "none_and_drop_last": {"batch_size": None, "drop_last": True},
}


@pytest.mark.parametrize("name", LOADERS)
def test_dataloader(name):
    def run(lib):
        x = lib.arange(20, dtype=lib.float32).reshape(10, 2)
        loader = lib.utils.data.DataLoader(lib.utils.data.TensorDataset(x, lib.arange(10)), **LOADERS[name])
        return len(loader), list(loader), list(loader)  # re-iteration
    want, got = both(run)
    assert got == want


@pytest.mark.parametrize("kwargs", [{"batch_size": 4}, {"batch_size": 4, "drop_last": True}, {"batch_size": None},
                                    {"shuffle": True}, {"sampler": [1]}])
def test_dataloader_iterable(kwargs):
    def run(lib):
        class Stream(lib.utils.data.IterableDataset):
            def __iter__(self):
                return iter(range(10))

            def __len__(self):
                return 10
        loader = lib.utils.data.DataLoader(Stream(), **kwargs)
        return len(loader), list(loader)
    want, got = both(run)
    assert got == want


@pytest.mark.parametrize("dataset", ["tensor", "subset"])
@pytest.mark.parametrize("kwargs", [{"batch_size": 7, "shuffle": True}, {"batch_size": 8, "drop_last": True},
                                    {"batch_size": 5, "sampler": list(range(24, 0, -3))}])
def test_fast_path_equals_per_sample_path(monkeypatch, dataset, kwargs):
    rng = np.random.default_rng(0)
    ds = torch.utils.data.TensorDataset(torch.from_numpy(rng.random((30, 3, 2)).astype(np.float32)),
                                        torch.from_numpy(rng.integers(0, 9, 30)))
    if dataset == "subset":
        ds = torch.utils.data.random_split(ds, [25, 5])[0]
    epochs = []
    for fast in (True, False):
        monkeypatch.setattr(_config, "data_fast", fast)
        torch.manual_seed(11)
        epochs.append([norm(b) for b in torch.utils.data.DataLoader(ds, **kwargs)])
    assert epochs[0] == epochs[1] and len(epochs[0]) > 1


@pytest.mark.parametrize("value,want", [(None, True), ("1", True), ("0", False), ("off", False)])
def test_data_fast_switch_reads_environment(monkeypatch, value, want):
    if value is None:
        monkeypatch.delenv("JTORCH_DATA_FAST", raising=False)
    else:
        monkeypatch.setenv("JTORCH_DATA_FAST", value)
    spec = importlib.util.spec_from_file_location("_config_fresh", _config.__file__)
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)
    assert fresh.data_fast is want


def test_tfds_dataset_fast_path_equals_per_sample_path(monkeypatch):
    tfds = pytest.importorskip("tensorflow_datasets", reason="optional extra: pip install 'jtorch[tfds]'")
    from jtorch import data
    with tfds.testing.mock_data(num_examples=20):
        ds = data.tfds("mnist", "train")
    epochs = []
    for fast in (True, False):
        monkeypatch.setattr(_config, "data_fast", fast)
        epochs.append([norm(b) for b in torch.utils.data.DataLoader(ds, batch_size=6, shuffle=True,
                                                                    generator=torch.Generator().manual_seed(3))])
    assert epochs[0] == epochs[1] and len(epochs[0]) == 4
    assert epochs[0][0][1][0][1:3] == ("torch.uint8", (6, 28, 28, 1))
    assert epochs[0][0][1][1][1] == "torch.int64"


def test_shuffle_reproducible_by_manual_seed_and_generator():
    loader = torch.utils.data.DataLoader(list(range(50)), batch_size=50, shuffle=True)
    torch.manual_seed(1)
    a, b = list(loader)[0].tolist(), list(loader)[0].tolist()
    torch.manual_seed(1)
    assert list(loader)[0].tolist() == a and a != b and sorted(a) == list(range(50))
    run = lambda: list(torch.utils.data.DataLoader(list(range(50)), batch_size=50, shuffle=True,
                                                   generator=torch.Generator().manual_seed(4)))[0].tolist()
    assert run() == run()


@pytest.mark.slow
def test_workers_order_persistence_and_iterable_sharding():
    ds = torch.utils.data.TensorDataset(torch.arange(20).float(), torch.arange(20))
    loader = torch.utils.data.DataLoader(ds, batch_size=6, num_workers=2, persistent_workers=True)
    for _ in range(2):  # persistent workers serve a second epoch
        assert [b[1].tolist() for b in loader] == [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11],
                                                   [12, 13, 14, 15, 16, 17], [18, 19]]
    assert [b.tolist() for b in torch.utils.data.DataLoader(Sharded(), batch_size=3, num_workers=2)] == \
        [[0, 2, 4], [1, 3, 5], [6, 8], [7, 9]]
    assert [b[1].tolist() for b in torch.utils.data.DataLoader(Squares(), batch_size=4, num_workers=2)] == \
        [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_worker_error_reaches_caller_with_traceback():
    with pytest.raises(ValueError) as err:
        list(torch.utils.data.DataLoader(Squares(bad=7), batch_size=4, num_workers=2))
    msg = str(err.value)
    assert msg.startswith("Caught ValueError in DataLoader worker process 1.\nOriginal Traceback (most recent call")
    assert "ValueError: bad index 7" in msg and "__getitem__" in msg


def test_get_worker_info_main_process():
    assert torch.utils.data.get_worker_info() is None is real.utils.data.get_worker_info()
