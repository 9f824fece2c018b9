"""``torch.backends.cudnn``: flags accepted for compatibility; XLA chooses its own algorithms."""
enabled = True
benchmark = False
deterministic = False


def is_available() -> bool:
    from .. import cuda
    return cuda.is_available()
