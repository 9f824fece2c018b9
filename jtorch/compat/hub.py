"""``torch.hub``: the checkpoint cache (``get_dir``/``set_dir``, ``load_state_dict_from_url``, downloads).

The cache is PyTorch's: ``$TORCH_HOME/hub/checkpoints/<file name of the URL>``, ``TORCH_HOME`` defaulting to
``$XDG_CACHE_HOME/torch`` (``~/.cache/torch``), so a file PyTorch downloaded is found and one jtorch downloads
is PyTorch's too. Downloads go to a temporary file that is renamed once complete, with the SHA-256 prefix of
the ``-<hash>.pth`` file name checked when asked, as PyTorch does; offline, the error names the path where the
file should be put. Loading hub *repositories* (``load``, ``list``, ``help``) runs their Python code and is not
supported.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
import warnings
from typing import Any

__all__ = ["download_url_to_file", "get_dir", "help", "list", "load", "load_state_dict_from_url", "set_dir"]

HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
_hub_dir: str | None = None


def _get_torch_home() -> str:
    cache = os.getenv("XDG_CACHE_HOME", "~/.cache")
    return os.path.expanduser(os.getenv("TORCH_HOME", os.path.join(cache, "torch")))


def get_dir() -> str:
    """The hub cache: the ``set_dir`` path, else ``$TORCH_HOME/hub``."""
    if os.getenv("TORCH_HUB"):
        warnings.warn("TORCH_HUB is deprecated, please use env TORCH_HOME instead", stacklevel=2)
    return _hub_dir if _hub_dir is not None else os.path.join(_get_torch_home(), "hub")


def set_dir(d: str | os.PathLike) -> None:
    """Makes ``d`` the hub cache for this process (``~`` expanded)."""
    global _hub_dir
    _hub_dir = os.path.expanduser(d)


def download_url_to_file(url: str, dst: str, hash_prefix: str | None = None, progress: bool = True) -> None:
    """Downloads ``url`` to ``dst`` through a temporary file, so a broken download never looks complete."""
    dst = os.path.expanduser(dst)
    tmp = f"{dst}.{uuid.uuid4().hex}.partial"
    sha256 = hashlib.sha256()
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "torch.hub"})
        with urllib.request.urlopen(request) as src, open(tmp, "wb") as f:
            total, done = int(src.headers.get("Content-Length") or 0), 0
            while chunk := src.read(1 << 20):
                f.write(chunk)
                sha256.update(chunk)
                done += len(chunk)
                if progress and total:
                    sys.stderr.write(f"\r{100 * done // total}% of {total / 2**20:.1f} MiB")
            if progress and total:
                sys.stderr.write("\n")
        if hash_prefix is not None and sha256.hexdigest()[:len(hash_prefix)] != hash_prefix:
            raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{sha256.hexdigest()}")')
        shutil.move(tmp, dst)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def load_state_dict_from_url(url: str, model_dir: str | None = None, map_location: Any = None,
                             progress: bool = True, check_hash: bool = False, file_name: str | None = None,
                             weights_only: bool = False) -> dict[str, Any]:
    """``torch.load`` of the cached ``model_dir/<file name>`` (default ``get_dir()/checkpoints``), downloaded
    from ``url`` first when missing. ``check_hash``: the file name's ``-<sha256 prefix>.`` must match."""
    if os.getenv("TORCH_MODEL_ZOO"):
        warnings.warn("TORCH_MODEL_ZOO is deprecated, please use env TORCH_HOME instead", stacklevel=2)
    from . import serialization
    model_dir = os.path.join(get_dir(), "checkpoints") if model_dir is None else model_dir
    os.makedirs(model_dir, exist_ok=True)
    cached_file = os.path.join(model_dir, file_name or os.path.basename(urllib.parse.urlparse(url).path))
    if not os.path.exists(cached_file):
        sys.stdout.write(f'Downloading: "{url}" to {cached_file}\n')
        match = HASH_REGEX.search(os.path.basename(cached_file)) if check_hash else None
        try:
            download_url_to_file(url, cached_file, match.group(1) if match else None, progress=progress)
        except (urllib.error.URLError, OSError) as e:
            raise RuntimeError(f"Could not download {url} ({e}). Without network access, download the file "
                               f"elsewhere and put it at {cached_file} (torch.hub.get_dir()/checkpoints: "
                               "$TORCH_HOME/hub/checkpoints, TORCH_HOME defaulting to ~/.cache/torch).") from e
    return serialization.load(cached_file, map_location=map_location, weights_only=weights_only)


def _repository_code(name: str):
    def unsupported(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f"torch.hub.{name} is not supported by jtorch: it imports a hub repository's hubconf.py, PyTorch code "
            "that jtorch cannot run. Build the model from its code (e.g. torchvision.models) and load its "
            "weights with torch.hub.load_state_dict_from_url.")

    unsupported.__name__ = unsupported.__qualname__ = name
    return unsupported


load = _repository_code("load")
list = _repository_code("list")  # noqa: A001 - torch.hub's name
help = _repository_code("help")  # noqa: A001 - torch.hub's name
