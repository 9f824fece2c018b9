"""The ``jtorch`` command. ``jtorch run script.py`` arrives with the compat engine."""
import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    print("usage: jtorch run script.py [args...]  (the PyTorch facade is not built yet)", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
