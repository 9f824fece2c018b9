"""The facade's switches, read from the environment in this one place."""
from __future__ import annotations

import os


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no", "off")


#: Sync after every op (``JTORCH_EAGER=1``): same engine, a different sync policy, for debugging.
eager: bool = _flag("JTORCH_EAGER")
#: Print one line per compilation saying which part of the cache key was new (``JTORCH_LOG_COMPILES=1``).
log_compiles: bool = _flag("JTORCH_LOG_COMPILES")
#: Persistent XLA compilation cache shared by every facade process (tests, examples, `jtorch run`), so an
#: executable compiled once is loaded from disk later. ``JTORCH_CACHE_DIR=`` (empty) switches it off.
cache_dir: str = os.path.expanduser(os.environ.get("JTORCH_CACHE_DIR", "~/.cache/jtorch/xla"))
#: Pending nodes that force a sync, so that loops that never read a value still run in bounded memory.
max_pending: int = int(os.environ.get("JTORCH_MAX_PENDING", "4096"))
#: The DataLoader's array fast path (``JTORCH_DATA_FAST=0`` switches it off, e.g. to compare it with the
#: per-sample path): batches gathered and transformed as whole arrays, then prefetched to the device.
data_fast: bool = _flag("JTORCH_DATA_FAST") or "JTORCH_DATA_FAST" not in os.environ
#: Hand the buffers of values that no one can read after a sync (a parameter or optimizer state being
#: replaced) to the executable, which then updates them in place (``JTORCH_DONATE=0`` switches it off).
donate: bool = _flag("JTORCH_DONATE") or "JTORCH_DONATE" not in os.environ
