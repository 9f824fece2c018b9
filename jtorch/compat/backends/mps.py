"""``torch.backends.mps``: Apple's Metal backend is never available in jtorch."""


def is_available() -> bool:
    return False


def is_built() -> bool:
    return False
