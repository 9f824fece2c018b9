"""Every script in ``examples/`` runs under ``python -m jtorch run`` with tiny sizes (a subprocess whose
working directory is a fresh tmp folder): exit status 0, the key output lines, the files it writes.
Examples that draw no random numbers print exactly what real PyTorch prints for the same script; the
main job's checkpoint loads in real PyTorch. The full main job (>= 95% test accuracy) is marked slow."""
from __future__ import annotations

import dataclasses
import importlib.util
import os
import re
import subprocess
import sys
from typing import Callable

import pytest
import torch

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")
TIMEOUT = 600  # seconds per example run; the full main job gets 6x (a few minutes on an idle 2-core CPU)


@dataclasses.dataclass(frozen=True)
class Example:
    script: str
    args: tuple[str, ...] = ()
    expect: tuple[str, ...] = ()  # regexes, each must match (re.search) somewhere in stdout
    files: tuple[str, ...] = ()  # paths, relative to the working directory, the run must write
    same_as_torch: bool = False  # stdout equals that of the script run on real PyTorch
    check: Callable[[str], None] | None = None  # further checks, given the working directory
    needs: str | None = None  # a module the example imports; skipped when it does not resolve


def check_mnist_checkpoint(cwd: str) -> None:
    """The main job's state_dict loads in real PyTorch with the tutorial model's keys and shapes."""
    state = torch.load(os.path.join(cwd, "out", "mnist_cnn.pt"))
    assert {k: tuple(v.shape) for k, v in state.items()} == {
        "conv1.0.weight": (64, 3, 3, 3), "conv1.0.bias": (64,), "conv1.2.weight": (128, 64, 3, 3),
        "conv1.2.bias": (128,), "dense.0.weight": (1024, 14 * 14 * 128), "dense.0.bias": (1024,),
        "dense.3.weight": (10, 1024), "dense.3.bias": (10,)}
    assert all(v.dtype == torch.float32 and torch.isfinite(v).all() for v in state.values())


def check_event_file(cwd: str) -> None:
    """TensorBoard itself reads the scalars the example logged."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    events = EventAccumulator(os.path.join(cwd, "logs")).Reload()
    assert [e.step for e in events.Scalars("train_loss")] == [0, 1, 2]
    assert {"first image", "batch"} <= set(events.Tags()["images"])


ROWS = [
    Example("mnist_cnn.py", ("--epochs", "1", "--limit", "96", "--test-limit", "64", "--batch-size", "32",
                             "--out", "out"),
            expect=(r"train samples: 96, test samples: 64",
                    r"epoch 1/1: loss \d+\.\d+, train accuracy \d+\.\d+%, test accuracy \d+\.\d+%",
                    r"saved out/mnist_cnn\.pt and out/mnist_predictions\.png"),
            files=("out/mnist_cnn.pt", "out/mnist_predictions.png", "data/MNIST/raw/t10k-images-idx3-ubyte"),
            check=check_mnist_checkpoint),
    Example("mnist_cnn_core.py", ("--epochs", "1", "--limit", "128", "--test-limit", "100", "--batch-size", "32"),
            expect=(r"epoch 1/1: loss \d+\.\d+, test accuracy \d+\.\d+%", r"train step compiled 1 time\(s\)")),
    Example("tensor_basics.py", expect=(r"a\[0, 0\] after writing the view: 100\.0",), same_as_torch=True),
    Example("losses.py", expect=(r"CrossEntropyLoss == NLLLoss\(LogSoftmax\): True",), same_as_torch=True),
    Example("two_layer_manual.py", ("--epochs", "3"), expect=(r"Epoch:2, Loss:\d+\.\d{4}",)),
    Example("autograd_variable.py", ("--epochs", "3"),
            expect=(r"Variable returns a Tensor: True \| w1 is a leaf: True \| w1.grad before backward: None",
                    r"Module epoch:2, Loss:", r"grad_fn of the loss: SumBackward0",
                    r"d\(t\^3\)/dt at 3: 27\.0 \| second derivative: 18\.0")),
    Example("sequential_optim.py", ("--epochs", "3"),
            expect=(r"manual  epoch:2, Loss:", r"adam    epoch:2, Loss:",
                    r"Adam state of the first weight: \['exp_avg', 'exp_avg_sq', 'step'\]")),
    Example("mnist_mlp.py", ("--epochs", "1", "--limit", "64"),
            expect=(r"Image batch dimensions: torch.Size\(\[32, 1, 28, 28\]\)",
                    r"Epoch: 0 \| Loss: \d\.\d{4} \| Train Accuracy: \d+\.\d\d", r"Test Accuracy: \d+\.\d\d")),
    Example("cifar10_cnn.py", ("--epochs", "1", "--limit", "64", "--batch-size", "32"),
            expect=(r"note: no CIFAR-10 under './data'", r"train size: 64, test size: 64",
                    r"epoch 1: test loss \d+\.\d{4}, test accuracy", r"prediction for test image 0: \w+")),
    Example("custom_dataset.py", ("--root", "imgs", "--per-class", "3"),
            expect=(r"ants: 3 first item: \(\d+, \d+\) RGB ants", r"ants \+ bees: ConcatDataset 6 \[3, 6\]",
                    r"batch 1: images \(2, 3, 32, 32\) torch.float32", r"batches per epoch: 2")),
    Example("tensorboard_logging.py", ("--steps", "3"), expect=(r"event files: \['events.out.tfevents\.",),
            check=check_event_file, needs="jtorch.compat.utils.tensorboard"),
    Example("save_load_resume.py", ("--out", "ckpt", "--epochs", "4"),
            expect=(r"whole model: Sequential same output: True", r"<All keys matched successfully>",
                    r"resuming from epoch 2, optimizer step 2\.0", r"resumed weights equal uninterrupted: True"),
            files=("ckpt/model.pth", "ckpt/model_state_dict.pth", "ckpt/checkpoint.pt")),
    Example("lstm_sequence.py", ("--epochs", "4"),
            expect=(r"data_x: torch.Size\(\[1, 27, 3\]\) data_y: torch.Size\(\[27\]\)", r"RNN: loss \d+\.\d{4}",
                    r"LSTM: loss \d+\.\d{4}", r"Embedding\+LSTM classifier: loss")),
    Example("device_placement.py",
            expect=(r"step 4: loss \d+\.\d{4}", r"predictions \(on cpu\): \[(\d, )*\d\] cpu",
                    r"created on device: \w+ \| to cpu, float64: torch.float64")),
]


def run(argv: list[str], cwd: str, timeout: float = TIMEOUT) -> str:
    """Runs ``argv`` in ``cwd``; returns stdout, failing the test with stderr on a non-zero exit."""
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{' '.join(argv)} exited with {proc.returncode}:\n{proc.stderr[-3000:]}"
    return proc.stdout


def run_example(example: Example, cwd: str, args: tuple[str, ...] | None = None, timeout: float = TIMEOUT) -> str:
    script = os.path.join(EXAMPLES, example.script)
    argv = [sys.executable, "-m", "jtorch", "run", script, *(example.args if args is None else args)]
    return run(argv, cwd, timeout)


def test_every_example_has_a_row():
    assert sorted(f for f in os.listdir(EXAMPLES) if f.endswith(".py")) == sorted(r.script for r in ROWS)


@pytest.mark.parametrize("example", ROWS, ids=lambda r: r.script[:-3])
def test_example(example: Example, tmp_path):
    if example.needs and importlib.util.find_spec(example.needs) is None:
        pytest.skip(f"{example.needs} does not resolve yet")
    out = run_example(example, str(tmp_path))
    for pattern in example.expect:
        assert re.search(pattern, out), f"no match for {pattern!r} in:\n{out}"
    for path in example.files:
        assert os.path.getsize(tmp_path / path) > 0, path
    if example.check:
        example.check(str(tmp_path))
    if example.same_as_torch:
        assert out == run([sys.executable, os.path.join(EXAMPLES, example.script), *example.args], str(tmp_path))


@pytest.mark.slow
def test_mnist_cnn_full_run_reaches_95_percent(tmp_path):
    """The main job with its defaults on the bundled sample: >= 95% test accuracy after the last epoch."""
    out = run_example(ROWS[0], str(tmp_path), ("--out", "out"), timeout=6 * TIMEOUT)
    accuracies = [float(a) for a in re.findall(r"test accuracy (\d+\.\d+)%", out)]
    assert accuracies and accuracies[-1] >= 95.0, out
