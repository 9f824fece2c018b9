"""The ``jtorch`` command: ``jtorch run script.py [args...]`` runs an unmodified PyTorch script on jtorch;
``jtorch data mnist-sample DIR`` writes the bundled MNIST sample as torchvision's raw files under DIR."""
from __future__ import annotations

import os
import runpy
import sys

USAGE = "usage: jtorch run script.py [args...]\n       jtorch data mnist-sample DIR"


def run(script: str, args: list[str]) -> None:
    """Runs ``script`` as ``__main__`` with ``torch``/``torchvision`` resolved to jtorch.compat."""
    from jtorch.compat import install
    install()
    sys.argv = [script, *args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    runpy.run_path(script, run_name="__main__")


def mnist_sample(root: str) -> None:
    """Writes ``DIR/MNIST/raw/*-ubyte`` so that ``datasets.MNIST(root=DIR, download=True)`` finds them."""
    from jtorch.data import write_mnist_raw
    for path in write_mnist_raw(root):
        print(path)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) >= 2 and argv[0] == "run":
        run(argv[1], argv[2:])
    elif len(argv) == 3 and argv[:2] == ["data", "mnist-sample"]:
        mnist_sample(argv[2])
    else:
        print(USAGE, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
