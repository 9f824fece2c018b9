"""The ``jtorch`` command: ``jtorch run script.py [args...]`` runs an unmodified PyTorch script on jtorch."""
from __future__ import annotations

import os
import runpy
import sys

USAGE = "usage: jtorch run script.py [args...]"


def run(script: str, args: list[str]) -> None:
    """Runs ``script`` as ``__main__`` with ``torch``/``torchvision`` resolved to jtorch.compat."""
    from jtorch.compat import install
    install()
    sys.argv = [script, *args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    runpy.run_path(script, run_name="__main__")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) < 2 or argv[0] != "run":
        print(USAGE, file=sys.stderr)
        return 2
    run(argv[1], argv[2:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
