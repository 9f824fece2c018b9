"""torch.utils.tensorboard.SummaryWriter on the facade against PyTorch's: each row writes the same data
with both writers and the event files must hold the same records (wall times aside); then read-back
through TensorBoard's EventAccumulator, errors, log_dir rules, purge_step, add_graph and the import."""
import io
import os
import re
import socket
import sys

import numpy as np
import pytest
import torch
from PIL import Image
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.backend.event_processing.event_file_loader import LegacyEventFileLoader
from torch.utils.tensorboard import SummaryWriter as TorchWriter

import jtorch.compat as jt
from jtorch.compat.utils.tensorboard import SummaryWriter

RNG = np.random.default_rng(0)
CHW = RNG.random((3, 16, 20)).astype(np.float32)
HWC_U8 = RNG.integers(0, 256, (16, 20, 3), dtype=np.uint8)
NCHW = RNG.standard_normal((10, 3, 6, 5)).astype(np.float32) * 0.5 + 0.5  # some values outside [0, 1]
VALUES = RNG.standard_normal(1000).astype(np.float32)
LABELS = RNG.integers(0, 2, 50)
PREDS = RNG.random(50).astype(np.float32)
PR_RAW = [RNG.integers(0, 9, 5).astype(np.float64) for _ in range(4)] + [RNG.random(5), RNG.random(5)]
IMG8 = RNG.random((2, 3, 8, 8)).astype(np.float32)


def _t(lib, a):
    return lib.from_numpy(np.array(a))


# (id, writer kwargs, fn(lib, writer)): lib is real torch or jtorch.compat, writer that lib's SummaryWriter
CASES = [
    ("scalar_python", {}, lambda lib, w: [w.add_scalar("y=x", v, i) for i, v in enumerate([0, 1, 2.5, -3, True])]),
    ("scalar_0d_tensor", {}, lambda lib, w: w.add_scalar("loss", _t(lib, np.float32(0.25)), 7)),
    ("scalar_1elem_tensor", {}, lambda lib, w: w.add_scalar("loss", _t(lib, [[1.5]]), 1)),
    ("scalar_int_tensor", {}, lambda lib, w: w.add_scalar("n", _t(lib, np.int64(3)))),
    ("scalar_numpy", {}, lambda lib, w: [w.add_scalar("a", np.float32(1.25), 0), w.add_scalar("b", np.int64(4), 1)]),
    ("scalar_new_style", {}, lambda lib, w: [w.add_scalar("f", 0.1, 0, new_style=True),
                                             w.add_scalar("d", 0.1, 0, new_style=True, double_precision=True)]),
    ("scalar_walltime", {}, lambda lib, w: w.add_scalar("s", 1.0, 3, walltime=123.5)),
    ("scalars", {}, lambda lib, w: [w.add_scalars("run/main", {"sin": np.sin(i), "cos": _t(lib, np.cos(i))}, i)
                                    for i in range(3)]),
    ("image_chw_float", {}, lambda lib, w: w.add_image("img", _t(lib, CHW), 1)),
    ("image_hwc_uint8", {}, lambda lib, w: w.add_image("img", HWC_U8, 1, dataformats="HWC")),
    ("image_hw", {}, lambda lib, w: w.add_image("img", _t(lib, CHW[0]), dataformats="HW")),
    ("image_1_channel", {}, lambda lib, w: w.add_image("img", _t(lib, CHW[:1]))),
    ("image_uint8_tensor", {}, lambda lib, w: w.add_image("img", _t(lib, HWC_U8).permute(2, 0, 1))),
    ("images_nchw", {}, lambda lib, w: w.add_images("batch", _t(lib, NCHW), 0)),
    ("images_nhwc", {}, lambda lib, w: w.add_images("batch", NCHW[:3].transpose(0, 2, 3, 1), 0,
                                                    dataformats="NHWC")),
    ("histogram_tensorflow_bins", {}, lambda lib, w: w.add_histogram("h", _t(lib, VALUES), 2)),
    ("histogram_numpy_bins", {}, lambda lib, w: [w.add_histogram("auto", VALUES, bins="auto"),
                                                 w.add_histogram("ten", _t(lib, VALUES), bins=10)]),
    ("histogram_max_bins", {}, lambda lib, w: w.add_histogram("h", _t(lib, VALUES), bins="fd", max_bins=7)),
    ("histogram_ints", {}, lambda lib, w: w.add_histogram("h", _t(lib, np.arange(20) % 7))),
    ("histogram_constant", {}, lambda lib, w: w.add_histogram("h", _t(lib, np.zeros(5, np.float32)))),
    ("histogram_raw", {}, lambda lib, w: w.add_histogram_raw("h", 0.0, 3.0, 6, 9.0, 19.0, [1.0, 2.0, 3.0],
                                                             [2, 2, 2], 4)),
    ("text", {}, lambda lib, w: w.add_text("notes", "**bold** ünïcode", 3)),
    ("hparams", {}, lambda lib, w: w.add_hparams(
        {"lr": 0.1, "bsize": 16, "opt": "adam", "nesterov": True, "none": None, "t": _t(lib, [0.5])},
        {"hparam/accuracy": 0.9}, {"opt": ["adam", "sgd"], "bsize": [16, 32]}, run_name="run0", global_step=2)),
    ("pr_curve", {}, lambda lib, w: w.add_pr_curve("pr", _t(lib, LABELS), _t(lib, PREDS), 1, num_thresholds=11)),
    ("pr_curve_clamped", {}, lambda lib, w: w.add_pr_curve("pr", LABELS, PREDS, num_thresholds=500)),
    ("pr_curve_raw", {}, lambda lib, w: w.add_pr_curve_raw("pr", *PR_RAW, num_thresholds=5)),
    ("purge_step", {"purge_step": 5}, lambda lib, w: w.add_scalar("s", 1.0, 5)),
    ("filename_suffix", {"filename_suffix": ".v2"}, lambda lib, w: w.add_scalar("s", 1.0)),
    ("reopen_after_close", {}, lambda lib, w: [w.add_scalar("s", 1.0, 0), w.close(), w.close(),
                                               w.add_scalar("s", 2.0, 1), w.flush()]),
    ("tensor", {}, lambda lib, w: [w.add_tensor(f"t{k}", _t(lib, v), k) for k, v in enumerate([
        VALUES[:6].reshape(2, 3), VALUES[:4].astype(np.float64), VALUES[:3].astype(np.float16), np.arange(5),
        np.arange(4, dtype=np.int32), np.arange(3, dtype=np.uint8), np.array([True, False]),
        VALUES[:4].astype(np.complex64) * 1j, np.float32(2.5)])]),
    ("audio", {}, lambda lib, w: [w.add_audio("a", _t(lib, np.sin(np.arange(100) / 5.0)), 0, sample_rate=8000),
                                  w.add_audio("loud", VALUES[:50] * 3, 1)]),
    ("custom_scalars", {}, lambda lib, w: [
        w.add_custom_scalars({"cat": {"loss": ["Multiline", ["train", "val"]],
                                      "acc": ["Margin", ["acc", "acc_lo", "acc_hi"]]}}),
        w.add_custom_scalars_multilinechart(["a", "b"]), w.add_custom_scalars_marginchart(["m", "l", "u"], "c", "t")]),
    ("image_with_boxes", {}, lambda lib, w: [
        w.add_image_with_boxes("b", _t(lib, CHW), _t(lib, [[1.0, 2.0, 12.0, 10.0], [3, 3, 8, 14]]), 0,
                               labels=["cat", "dog"]),
        w.add_image_with_boxes("one", HWC_U8, np.array([[0, 0, 5, 5]]), 1, dataformats="HWC", labels="x", rescale=2),
        w.add_image_with_boxes("wrong_labels", _t(lib, CHW), _t(lib, [[1.0, 2.0, 12.0, 10.0]]), labels=["a", "b"])]),
    ("mesh", {}, lambda lib, w: [
        w.add_mesh("m", _t(lib, VALUES[:12].reshape(1, 4, 3)), colors=_t(lib, HWC_U8[:1, :4]),
                   faces=_t(lib, np.array([[[0, 1, 2], [1, 2, 3]]])), config_dict={"camera": {"fov": 75}},
                   global_step=2),
        w.add_mesh("points", VALUES[:6].reshape(1, 2, 3))]),
    ("embedding", {}, lambda lib, w: [w.add_embedding(_t(lib, NCHW[:4, 0, 0]), metadata=["a", "b", "c", "d"],
                                                      label_img=_t(lib, NCHW[:4, :, :5].clip(0, 1)), tag="emb/1"),
                                      w.add_embedding(NCHW[:4, 0, 1], metadata=[[1, "x"], [2, "y"], [3, "z"],
                                                      [4, "w"]], metadata_header=["n", "s"], global_step=3)]),
]


def _events(path):
    """Every event of the event file(s) at ``path``, wall times zeroed, in file order."""
    out = []
    for name in sorted(os.listdir(path)):
        if name.startswith("events.out.tfevents"):
            for e in LegacyEventFileLoader(os.path.join(path, name)).Load():
                e.wall_time = 123.5 if e.wall_time == 123.5 else 0.0
                out.append(e)
    return out


def _tree(root):
    """``relative path -> events`` for event-file folders, ``relative path -> bytes`` for other files."""
    tree = {}
    for folder, _, files in os.walk(root):
        rel = os.path.relpath(folder, root)
        if any(f.startswith("events.out.tfevents") for f in files):
            tree[rel] = (sorted(f.rsplit(".", 1)[-1] if "suffix" in rel else "" for f in files), _events(folder))
        for f in files:
            if not f.startswith("events.out.tfevents"):
                with open(os.path.join(folder, f), "rb") as fh:
                    tree[os.path.join(rel, f)] = fh.read()
    return tree


def _write(writer_cls, lib, root, kwargs, fn):
    w = writer_cls(str(root), **kwargs)
    fn(lib, w)
    w.close()
    return _tree(root)


@pytest.mark.parametrize("kwargs, fn", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_event_files_match_pytorch(tmp_path, kwargs, fn, capsys):
    theirs = _write(TorchWriter, torch, tmp_path / "torch", kwargs, fn)
    printed = capsys.readouterr().out
    ours = _write(SummaryWriter, jt, tmp_path / "jtorch", kwargs, fn)
    assert ours.keys() == theirs.keys()
    for key in theirs:
        assert ours[key] == theirs[key], key
    assert capsys.readouterr().out == printed


def _accumulate(path):
    acc = EventAccumulator(str(path), size_guidance={k: 0 for k in
                                                    ("scalars", "images", "histograms", "tensors", "audio",
                                                     "compressedHistograms")})
    return acc.Reload()


def _png(hwc_uint8):
    with io.BytesIO() as buf:
        Image.fromarray(hwc_uint8).save(buf, format="PNG")
        return buf.getvalue()


def test_event_accumulator_reads_back(tmp_path):
    with SummaryWriter(tmp_path) as w:
        for i in range(5):
            w.add_scalar("loss", jt.tensor(1.0 / (i + 1)), i)
        w.add_image("chw", jt.from_numpy(CHW), 3)
        w.add_image("hwc", HWC_U8, 4, dataformats="HWC")
        w.add_histogram("h", jt.from_numpy(VALUES), 1)
        w.add_text("t", "hello", 2)
        w.add_images("grid", jt.from_numpy(NCHW), 5)  # 10 images of 6x5 in rows of 8
        w.add_images("nhwc", NCHW[:3].transpose(0, 2, 3, 1), 6, dataformats="NHWC")
    acc = _accumulate(tmp_path)
    [grid], [nhwc] = acc.Images("grid"), acc.Images("nhwc")
    assert (grid.step, grid.width, grid.height) == (5, 8 * 5, 2 * 6)
    assert (nhwc.step, nhwc.width, nhwc.height) == (6, 3 * 5, 6)  # fewer than 8: one row
    assert acc.Tags()["scalars"] == ["loss"]
    assert [(e.step, e.value) for e in acc.Scalars("loss")] == [(i, np.float32(1 / (i + 1))) for i in range(5)]
    [chw], [hwc] = acc.Images("chw"), acc.Images("hwc")
    assert (chw.step, chw.width, chw.height) == (3, 20, 16)
    assert chw.encoded_image_string == _png((CHW.transpose(1, 2, 0) * 255).clip(0, 255).astype(np.uint8))
    assert (hwc.step, hwc.encoded_image_string) == (4, _png(HWC_U8))
    [hist] = acc.Histograms("h")
    assert hist.step == 1 and hist.histogram_value.num == 1000 and sum(hist.histogram_value.bucket) == 1000
    [text] = acc.Tensors("t/text_summary")
    assert (text.step, text.tensor_proto.string_val) == (2, [b"hello"])


def test_hparams_read_back(tmp_path):
    with SummaryWriter(tmp_path) as w:
        w.add_hparams({"lr": 0.01, "opt": "sgd"}, {"hparam/acc": 0.75}, run_name="r")
    acc = _accumulate(tmp_path / "r")
    assert set(acc.PluginTagToContent("hparams")) == {"_hparams_/experiment", "_hparams_/session_start_info",
                                                      "_hparams_/session_end_info"}
    assert [e.value for e in acc.Scalars("hparam/acc")] == [0.75]


def test_purge_step_hides_later_events(tmp_path):
    values = []
    for lib_writer in (TorchWriter, SummaryWriter):
        root = tmp_path / lib_writer.__module__
        with lib_writer(str(root)) as w:
            for i in range(10):
                w.add_scalar("s", float(i), i)
        with lib_writer(str(root), purge_step=5) as w:
            for i in range(5, 8):
                w.add_scalar("s", 10.0 * i, i)
        values.append([(e.step, e.value) for e in _accumulate(root).Scalars("s")])
    assert values[0] == values[1] == [(i, float(i)) for i in range(5)] + [(i, 10.0 * i) for i in range(5, 8)]


def test_default_log_dir_and_comment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    w = SummaryWriter(comment="_LR_0.1")
    w.close()
    pattern = r"runs/[A-Z][a-z]{2}\d{2}_\d{2}-\d{2}-\d{2}_" + re.escape(socket.gethostname()) + "_LR_0.1"
    assert re.fullmatch(pattern, w.get_logdir())
    assert os.listdir(w.get_logdir())[0].startswith("events.out.tfevents")
    w = SummaryWriter(str(tmp_path / "given"), comment="ignored")
    w.close()
    assert w.get_logdir() == str(tmp_path / "given") and w.log_dir == w.get_logdir()


ERRORS = [
    ("scalar_two_values", lambda lib, w: w.add_scalar("s", _t(lib, [1.0, 2.0]))),
    ("scalar_list", lambda lib, w: w.add_scalar("s", [1.0])),
    ("scalar_string", lambda lib, w: w.add_scalar("s", "x")),
    ("histogram_empty", lambda lib, w: w.add_histogram("h", _t(lib, np.zeros(0)))),
    ("histogram_raw_lengths", lambda lib, w: w.add_histogram_raw("h", 0, 1, 1, 1, 1, [1.0, 2.0], [1])),
    ("image_wrong_rank", lambda lib, w: w.add_image("i", _t(lib, CHW[0]))),
    ("image_repeated_format", lambda lib, w: w.add_image("i", _t(lib, CHW), dataformats="CCW")),
    ("images_4_channels", lambda lib, w: w.add_images("i", _t(lib, np.zeros((2, 4, 3, 3), np.float32)))),
    ("hparams_not_dict", lambda lib, w: w.add_hparams([("lr", 1)], {})),
    ("hparams_bad_value", lambda lib, w: w.add_hparams({"lr": [1]}, {})),
    ("hparams_bad_domain", lambda lib, w: w.add_hparams({"lr": 0.1}, {}, {"lr": ["a"]})),
    ("hparams_domain_not_dict", lambda lib, w: w.add_hparams({"lr": 0.1}, {}, ["lr"])),
    ("tensor_unsupported_dtype", lambda lib, w: w.add_tensor("t", _t(lib, np.arange(3, dtype=np.uint16)))),
    ("audio_2d", lambda lib, w: w.add_audio("a", _t(lib, np.zeros((2, 3))))),
    ("marginchart_tags", lambda lib, w: w.add_custom_scalars_marginchart(["a", "b"])),
    ("margin_layout_tags", lambda lib, w: w.add_custom_scalars({"c": {"t": ["Margin", ["a"]]}})),
    ("embedding_3d", lambda lib, w: w.add_embedding(_t(lib, np.zeros((2, 2, 2))))),
    ("embedding_metadata_length", lambda lib, w: w.add_embedding(_t(lib, np.zeros((2, 2))), metadata=["a"])),
    ("embedding_header", lambda lib, w: w.add_embedding(_t(lib, np.zeros((1, 2))), metadata=[[1, 2]],
                                                        metadata_header=["a"])),
]


@pytest.mark.parametrize("fn", [e[1] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_errors_match_pytorch(tmp_path, fn):
    raised = []
    for writer_cls, lib in ((TorchWriter, torch), (SummaryWriter, jt)):
        with writer_cls(str(tmp_path / lib.__name__)) as w, pytest.raises(Exception) as info:
            fn(lib, w)
        raised.append((info.type, str(info.value)))
    assert raised[1] == raised[0]


def test_embedding_on_existing_dir_warns_like_pytorch(tmp_path, capsys):
    outputs = []
    for writer_cls, lib in ((TorchWriter, torch), (SummaryWriter, jt)):
        with writer_cls(str(tmp_path / lib.__name__)) as w:
            for _ in range(2):
                w.add_embedding(_t(lib, np.eye(2)))
        outputs.append(capsys.readouterr().out)
    assert outputs[1] == outputs[0] != ""


def test_figure(tmp_path):
    plt = pytest.importorskip("matplotlib.pyplot")
    trees = []
    for writer_cls in (TorchWriter, SummaryWriter):
        figs = []
        for k in range(2):
            fig = plt.figure(figsize=(2, 1.5), dpi=40)
            plt.plot([0, 1, 2], [k, 2, 1])
            figs.append(fig)
        root = tmp_path / writer_cls.__module__
        with writer_cls(str(root)) as w:
            w.add_figure("one", figs[0], 0, close=False)
            w.add_figure("two", figs, 1)
        assert not plt.fignum_exists(figs[1].number)
        trees.append(_tree(root))
    assert trees[1] == trees[0]
    acc = _accumulate(tmp_path / SummaryWriter.__module__)
    [one], [two] = acc.Images("one"), acc.Images("two")
    assert (one.step, one.width, one.height) == (0, 80, 60)  # 2 x 1.5 inches at 40 dpi
    assert (two.step, two.width, two.height) == (1, 2 * 80, 60)  # two figures side by side


def _net(lib):
    nn = lib.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 4, 3)
            self.features = nn.Sequential(nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten())
            self.fc = nn.Linear(4 * 6 * 6, 2)

        def forward(self, x):
            return self.fc(self.features(self.conv1(x)))

    return Net()


def _graph_summary(graph_def):
    """Module scopes holding ops, attribute scopes, and the IO nodes with their shapes."""
    ops, attrs, io_nodes = set(), set(), {}
    for n in graph_def.node:
        shapes = [[d.size for d in s.dim] for s in n.attr["_output_shapes"].list.shape]
        if n.op == "IO Node":
            io_nodes[n.name.split("/")[0]] = shapes
        elif n.op == "prim::GetAttr":
            attrs.add(n.name.rsplit("/", 1)[0])
        elif n.op not in ("prim::Constant", "prim::ListConstruct"):
            ops.add(n.name.rsplit("/", 1)[0])
    return ops, attrs, io_nodes


def test_add_graph_module_hierarchy_matches_pytorch(tmp_path):
    summaries = []
    for writer_cls, lib in ((TorchWriter, torch), (SummaryWriter, jt)):
        model = _net(lib)
        root = tmp_path / lib.__name__
        with writer_cls(str(root)) as w:
            w.add_graph(model, _t(lib, IMG8))
        assert model.training
        acc = _accumulate(root)
        assert acc.Tags()["run_metadata"] == ["step1"]
        summaries.append(_graph_summary(acc.Graph()))
    (ops, attrs, io_nodes), (torch_ops, torch_attrs, torch_io) = summaries[1], summaries[0]
    assert (ops, io_nodes) == (torch_ops, torch_io)
    assert "Net/Sequential[features]/BatchNorm2d[0]" in ops
    # jtorch's batch_norm op also takes num_batches_tracked, which PyTorch's eval-mode trace never reads
    assert attrs - torch_attrs == {"Net/Sequential[features]/BatchNorm2d[0]/num_batches_tracked"}


def test_add_graph_op_details():
    from jtorch.compat.utils.tensorboard._graph import graph

    class Two(jt.nn.Module):
        def forward(self, x, y):
            return (x * 2 + y).max(1), {"sum": x.sum()}

    graph_def, run_metadata = graph(Two(), (jt.ones(2, 3), jt.zeros(2, 3)))
    nodes = {n.name: n for n in graph_def.node}
    assert nodes["input/x"].op == nodes["input/y"].op == "IO Node"
    assert [list(n.input) for k, n in sorted(nodes.items()) if k.startswith("output/")] == [
        ["Two/max"], ["Two/max:1"], ["Two/sum"]]
    assert nodes["Two/max"].attr["attr"].s == b"{ axis : 1, keepdims : False}"
    assert [[d.size for d in s.dim] for s in nodes["Two/max"].attr["_output_shapes"].list.shape] == [[2], [2]]
    assert set(nodes["Two/add"].input) == {"Two/mul", "input/y"}
    assert run_metadata.step_stats.dev_stats[0].device == "/device:CPU:0"


def test_import_hook_and_missing_tensorboard(monkeypatch):
    from jtorch.compat._importer import _FINDER

    spec = _FINDER.find_spec("torch.utils.tensorboard", None)
    assert spec.loader.module.SummaryWriter is SummaryWriter
    for name in [n for n in sys.modules if n.startswith("jtorch.compat.utils.tensorboard")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "tensorboard", None)
    with pytest.raises(ImportError, match=r"TensorBoard logging requires TensorBoard version 1\.15 or above .*"
                                          r"pip install tensorboard"):
        import jtorch.compat.utils.tensorboard  # noqa: F401
