"""``torch.save`` / ``torch.load`` in PyTorch's zip checkpoint format, so checkpoints move both ways.

The zip holds ``<archive>/data.pkl`` (a pickle whose tensors are ``torch._utils._rebuild_tensor_v2(storage,
offset, size, stride, requires_grad, hooks)`` calls, storages being persistent ids ``('storage',
torch.FloatStorage, key, location, numel)``), ``<archive>/data/<key>`` (raw little-endian bytes, 64-byte
aligned), ``byteorder``, ``version`` and ``.data/serialization_id``. Globals are written under PyTorch's
names (``torch.float32``, ``torch.nn.modules.linear.Linear`` for ``jtorch.compat.nn.modules.linear.Linear``)
and mapped back to jtorch's objects on load, so whole-model pickles keep PyTorch's class paths.
``load`` is safe by default (``weights_only=True``): only the globals of PyTorch's weights-only unpickler are
resolved, anything else raises ``pickle.UnpicklingError`` before it can run.
"""
from __future__ import annotations

import io
import os
import pickle
import secrets
import struct
import sys
import zipfile
from typing import Any

import numpy as np

from ._pickling import Pickler, Unpickler

__all__ = ["load", "save"]

DEFAULT_PROTOCOL = 2
_ALIGNMENT = 64
_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_UNSAFE_MESSAGE = (
    "In PyTorch 2.6, we changed the default value of the `weights_only` argument in `torch.load` from `False` "
    "to `True`. Re-running `torch.load` with `weights_only` set to `False` will likely succeed, but it can "
    "result in arbitrary code execution. Do it only if you got the file from a trusted source.")
_DOCS_MESSAGE = ("\n\nCheck the documentation of torch.load to learn more about types accepted by default with "
                 "weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")


# ---------------------------------------------------------------------------------------------- save


def _write_record(zf: zipfile.ZipFile, name: str, data: bytes, align: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    if align:  # pad the local header with an extra field so the data starts on a 64-byte boundary
        start = zf.fp.tell() + 30 + len(name.encode()) + 4
        pad = -start % _ALIGNMENT
        info.extra = struct.pack("<HH", 0x4246, pad) + b"Z" * pad
    zf.writestr(info, data, compress_type=zipfile.ZIP_STORED)


def save(obj: Any, f, pickle_module: Any = pickle, pickle_protocol: int = DEFAULT_PROTOCOL,
         _use_new_zipfile_serialization: bool = True, _disable_byteorder_record: bool = False) -> None:
    """Saves ``obj`` to ``f`` (a path or a writable binary file) in PyTorch's zip checkpoint format."""
    del pickle_module
    if not _use_new_zipfile_serialization:
        raise NotImplementedError("jtorch writes only the zip checkpoint format (_use_new_zipfile_serialization=True)")
    data = io.BytesIO()
    pickler = Pickler(data, pickle_protocol)
    pickler.dump(obj)
    is_path = isinstance(f, (str, os.PathLike))
    archive = os.path.splitext(os.path.basename(os.fspath(f)))[0] if is_path else "archive"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        _write_record(zf, f"{archive}/data.pkl", data.getvalue())
        _write_record(zf, f"{archive}/.format_version", b"1")
        _write_record(zf, f"{archive}/.storage_alignment", str(_ALIGNMENT).encode())
        if not _disable_byteorder_record:
            _write_record(zf, f"{archive}/byteorder", sys.byteorder.encode())
        for storage, _ in pickler.storages.values():
            _write_record(zf, f"{archive}/data/{storage.key}", _little_endian(storage.array).tobytes(), align=True)
        _write_record(zf, f"{archive}/version", b"3\n")
        _write_record(zf, f"{archive}/.data/serialization_id", str(secrets.randbits(128)).zfill(40).encode())
    if is_path:
        with open(f, "wb") as fh:
            fh.write(out.getvalue())
    else:
        f.write(out.getvalue())


def _little_endian(array: np.ndarray) -> np.ndarray:
    return array.byteswap() if sys.byteorder == "big" and array.dtype.itemsize > 1 else array


# ---------------------------------------------------------------------------------------------- load


def _records(f) -> dict[str, bytes]:
    """The zip's records by name inside the archive folder; PyTorch's errors for other files."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            data = fh.read()
    else:
        data = f.read()
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        try:
            legacy = pickle.loads(data[:32]) == _LEGACY_MAGIC if data[:1] == b"\x80" else False
        except Exception:  # noqa: BLE001 (any bytes: only the magic number matters)
            legacy = False
        if legacy:
            raise NotImplementedError("jtorch reads only PyTorch's zip checkpoint format (PyTorch >= 1.6); "
                                      "re-save this legacy file with torch.save in PyTorch") from None
        raise RuntimeError(
            "PytorchStreamReader failed reading zip archive: failed finding central directory. If you are seeing "
            "this error, there is a high likelihood that your checkpoint file is corrupted. This can happen if the "
            "checkpoint was not saved properly, was transferred incorrectly, or the file was modified after "
            "saving.") from None
    names = zf.namelist()
    pkl = next((n for n in names if n.endswith("data.pkl") and n.count("/") == 1), None)
    if pkl is None:
        raise RuntimeError("PytorchStreamReader failed locating file data.pkl: file not found")
    prefix = pkl[:-len("data.pkl")]
    try:
        return {n[len(prefix):]: zf.read(n) for n in names if n.startswith(prefix)}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError) as e:
        raise RuntimeError(f"PytorchStreamReader failed reading file: {e}. The checkpoint is corrupted.") from None


def load(f, map_location=None, pickle_module: Any = None, *, weights_only: bool | None = None,
         mmap: bool | None = None, **pickle_load_args) -> Any:
    """Loads an object saved by ``torch.save`` (jtorch's or PyTorch's) from a path or a binary file.

    ``weights_only=True`` (the default) resolves only tensors, dtypes, ``torch.Size``, ``OrderedDict`` and
    primitive containers; pass ``weights_only=False`` for whole pickled modules from a trusted source.
    ``map_location`` (a device, a string, a dict of locations or ``fn(storage, location)``) places tensors.
    """
    del pickle_module, mmap
    weights_only = True if weights_only is None else weights_only
    records = _records(f)
    if records.get("byteorder", b"little") not in (b"little", b"big"):
        raise ValueError("Unknown endianness type: " + records["byteorder"].decode())
    unpickler = Unpickler(io.BytesIO(records["data.pkl"]), records, map_location, weights_only,
                           **pickle_load_args)
    try:
        return unpickler.load()
    except pickle.UnpicklingError as e:
        if not weights_only:
            raise
        kind = "\n\n" if "is blocked" in str(e) else (
            "\nPlease file an issue with the following so that we can make `weights_only=True` compatible "
            "with your use case: WeightsUnpickler error: \n\n")
        if "was not an allowed global" in str(e):
            raise pickle.UnpicklingError(
                "Weights only load failed. This file can still be loaded, to do so you have two options, "
                "\033[1mdo those steps only if you trust the source of the checkpoint\033[0m. "
                f"\n\t(1) {_UNSAFE_MESSAGE}\n\t(2) Alternatively, to load with `weights_only=True` please check the "
                f"recommended steps in the following error message.\n\tWeightsUnpickler error: {e}{_DOCS_MESSAGE}"
            ) from None
        raise pickle.UnpicklingError(f"Weights only load failed. {_UNSAFE_MESSAGE}{kind}{e}{_DOCS_MESSAGE}") from None
