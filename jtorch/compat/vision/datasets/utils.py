"""Download and archive helpers with torchvision's names and checks.

Downloads never leave a half-written file: bytes go to ``<file>.part`` next to the target, the md5 is
verified, and only then is the file renamed into place (a failed check deletes the part file).
"""
from __future__ import annotations

import bz2
import gzip
import hashlib
import lzma
import os
import pathlib
import shutil
import sys
import tarfile
import urllib.error
import urllib.request
import zipfile

__all__ = ["calculate_md5", "check_integrity", "check_md5", "download_and_extract_archive", "download_url",
           "extract_archive", "iterable_to_str", "verify_str_arg"]

_USER_AGENT = "pytorch/vision"
_COMPRESSED = {".bz2": bz2.open, ".gz": gzip.open, ".xz": lzma.open}
_ARCHIVE_TYPES = {".tar": ".tar", ".zip": ".zip", ".tgz": ".tar", ".tbz": ".tar", ".tbz2": ".tar",
                  ".txz": ".tar"}
_ALIASES = {".tgz": ".gz", ".tbz": ".bz2", ".tbz2": ".bz2", ".txz": ".xz"}


def calculate_md5(fpath: str, chunk_size: int = 1024 * 1024) -> str:
    md5 = hashlib.md5(usedforsecurity=False)
    with open(fpath, "rb") as f:
        while chunk := f.read(chunk_size):
            md5.update(chunk)
    return md5.hexdigest()


def check_md5(fpath: str, md5: str, **kwargs) -> bool:
    return md5 == calculate_md5(fpath, **kwargs)


def check_integrity(fpath: str, md5: str | None = None) -> bool:
    """Whether ``fpath`` is a file with that md5; ``md5=None`` only checks that the file exists."""
    if not os.path.isfile(fpath):
        return False
    return md5 is None or check_md5(fpath, md5)


def _urlretrieve(url: str, fpath: str, chunk_size: int = 1024 * 32) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    with urllib.request.urlopen(request) as response, open(fpath, "wb") as fh:
        expected = response.headers.get("Content-Length")
        received = 0
        while chunk := response.read(chunk_size):
            fh.write(chunk)
            received += len(chunk)
    if expected is not None and received != int(expected):
        raise urllib.error.URLError(f"incomplete download of {url}: got {received} of {expected} bytes")


def download_url(url: str, root: str, filename: str | None = None, md5: str | None = None,
                 max_redirect_hops: int = 3) -> None:
    """Downloads ``url`` to ``root/filename`` unless a verified copy is there; raises ``RuntimeError``
    ("File not found or corrupted.") when the md5 does not match, and ``URLError`` when unreachable."""
    del max_redirect_hops  # urllib follows redirects itself
    root = os.path.expanduser(root)
    fpath = os.fspath(os.path.join(root, filename or os.path.basename(url)))
    os.makedirs(root, exist_ok=True)
    if check_integrity(fpath, md5):
        return
    part = fpath + ".part"
    print(f"Downloading {url} to {fpath}", file=sys.stderr)
    try:
        try:
            _urlretrieve(url, part)
        except (urllib.error.URLError, OSError):
            if not url.startswith("https"):
                raise
            url = url.replace("https:", "http:", 1)
            print(f"Failed download. Trying https -> http instead. Downloading {url} to {fpath}", file=sys.stderr)
            _urlretrieve(url, part)
        if not check_integrity(part, md5):
            raise RuntimeError("File not found or corrupted.")
        os.replace(part, fpath)
    finally:
        if os.path.exists(part):
            os.remove(part)


def _detect_file_type(file: str) -> tuple[str, str | None, str | None]:
    """(suffix, archive type, compression) as torchvision's ``_detect_file_type``."""
    suffixes = [s.lower() for s in pathlib.Path(file).suffixes]
    if not suffixes:
        raise RuntimeError(f"File '{file}' has no suffixes that could be used to detect the archive type and "
                           f"compression.")
    suffix = suffixes[-1]
    if suffix in _ARCHIVE_TYPES and suffix not in (".tar", ".zip"):
        return suffix, ".tar", _ALIASES[suffix]
    if suffix in (".tar", ".zip"):
        return suffix, suffix, None
    if suffix in _COMPRESSED:
        if len(suffixes) > 1 and suffixes[-2] in (".tar", ".zip"):
            return suffixes[-2] + suffix, suffixes[-2], suffix
        return suffix, None, suffix
    valid = sorted(set(_ARCHIVE_TYPES) | set(_COMPRESSED))
    raise RuntimeError(f"Unknown compression or archive type: '{suffix}'.\nKnown suffixes are: '{valid}'.")


def _extract(from_path: str, to_path: str, archive_type: str, compression: str | None) -> None:
    if archive_type == ".zip":
        with zipfile.ZipFile(from_path, "r", compression=zipfile.ZIP_STORED) as z:
            z.extractall(to_path)
        return
    mode = "r:" + compression[1:] if compression else "r"
    with tarfile.open(from_path, mode) as tar:
        tar.extractall(to_path, filter="data")  # no absolute paths or escapes out of to_path


def extract_archive(from_path: str, to_path: str | None = None, remove_finished: bool = False) -> str:
    """Extracts a ``.tar``/``.zip`` archive (maybe compressed) or decompresses a ``.gz``/``.bz2``/``.xz``
    file next to it; returns the folder (archives) or the decompressed file's path."""
    if to_path is None:
        to_path = os.path.dirname(from_path)
    suffix, archive_type, compression = _detect_file_type(from_path)
    if archive_type is None:
        out = os.path.join(to_path, os.path.basename(from_path)[:-len(suffix)])
        part = out + ".part"
        with _COMPRESSED[compression](from_path, "rb") as rfh, open(part, "wb") as wfh:
            shutil.copyfileobj(rfh, wfh)
        os.replace(part, out)
    else:
        _extract(from_path, to_path, archive_type, compression)
        out = to_path
    if remove_finished:
        os.remove(from_path)
    return out


def download_and_extract_archive(url: str, download_root: str, extract_root: str | None = None,
                                 filename: str | None = None, md5: str | None = None,
                                 remove_finished: bool = False) -> None:
    download_root = os.path.expanduser(download_root)
    filename = filename or os.path.basename(url)
    download_url(url, download_root, filename, md5)
    archive = os.path.join(download_root, filename)
    print(f"Extracting {archive} to {extract_root or download_root}", file=sys.stderr)
    extract_archive(archive, extract_root or download_root, remove_finished)


def iterable_to_str(iterable) -> str:
    return "'" + "', '".join(str(item) for item in iterable) + "'"


def verify_str_arg(value, arg: str | None = None, valid_values=None, custom_msg: str | None = None) -> str:
    """``value`` if it is a str among ``valid_values``, else torchvision's ``ValueError``."""
    if not isinstance(value, str):
        msg = "Expected type str" + (f" for argument {arg}" if arg is not None else "")
        raise ValueError(f"{msg}, but got type {type(value)}.")
    if valid_values is None or value in valid_values:
        return value
    msg = custom_msg or (f"Unknown value '{value}' for argument {arg}. Valid values are "
                         f"{{{iterable_to_str(valid_values)}}}.")
    raise ValueError(msg)
