"""Keeping a long-running watcher's memory flat.

A `digest` run ends; a watcher runs for weeks, and whatever the analysis keeps "for speed"
grows with everything it has read.  What grows in a watcher's process (measured with
``bench/watch_soak.py`` and tracemalloc; figures in bench/README.md):

* **memo caches** — marsad's per-word functions (normalization, stemming, clitics, the
  recognizer's token features, ...) memoise with `functools.lru_cache` sized for a batch
  run (100k–600k entries each, up to a few KB an entry).  The news vocabulary never
  stops growing (90k normalized forms at 1,000 SaudiNewsNet pages), so in a watcher they
  would fill to that size.  `MemoryGuard` empties any of them that holds more than
  ``memo_entries`` between batches: they are pure functions, so results do not change,
  and the next batches fill them again with the words in use;
* **token dicts** — extraction's per-token term cache (`TOKEN_DICTS`) is a plain dict dropped at
  400k words; the guard empties it at the memo bound too (250k+ words by 10k SaudiNewsNet pages);
* **SQLite's page cache** — the store asks for 128 MiB per connection, which a watcher's
  store passes at about 2,000 pages; the watcher's connection keeps `PAGE_CACHE_KIB`;
* **freed memory kept by the C allocator** — a batch allocates and frees tens of MB of
  short-lived objects; `release_freed` hands free heap pages back (``malloc_trim``).

Bounded by their owners, and filled within the first thousand or so pages: the neural
recognizer's per-token projections (40k tokens, 192 MB, emptied when full) and the
recognizer's per-word-type score table (150k types, emptied when full; its arrays double
as it fills, so `MemoryGuard` empties it at three quarters of arrays of 64k types or more,
before a doubling could take the watcher past what it had after its first thousand pages).  Each function here is a no-op where the system does not offer it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

# plain-dict token caches (no `lru_cache`, for speed) that a batch run lets grow to hundreds of thousands of
# words: (module, its dicts), emptied together when the first holds more than ``memo_entries``
TOKEN_DICTS = (("marsad.extract.clean", ("_TERM", "_IDF")),)
PAGE_CACHE_KIB = 64 * 1024  # SQLite page cache of the watcher's connection (the store's own default: 128 MiB)
MEMO_ENTRIES = 40_000  # per memo cache; the largest at 1k pages held 90k (SaudiNewsNet), at batch sizes 300k-600k


@functools.cache
def _libc() -> Any | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None


def release_freed() -> bool:
    """Give the C allocator's free heap pages back to the system (glibc); True when it had any to give."""
    libc = _libc()
    trim = getattr(libc, "malloc_trim", None) if libc is not None else None
    return bool(trim(0)) if trim is not None else False


def memo_caches(prefix: str = "marsad") -> dict[str, Callable]:
    """The bounded `functools.lru_cache` functions of the loaded ``prefix`` modules, by qualified name."""
    out: dict[str, Callable] = {}
    for name, mod in list(sys.modules.items()):
        if mod is None or not (name == prefix or name.startswith(prefix + ".")):
            continue
        for attr, fn in list(vars(mod).items()):
            info = getattr(fn, "cache_info", None)
            # defined in this module (not imported into it), and bounded: an unbounded cache holds fixed data
            if callable(info) and getattr(fn, "__module__", None) == name and info().maxsize:
                out[f"{name}.{attr}"] = fn
    return out


def resident_mb() -> float:
    """This process's resident memory now, MB (0.0 where /proc is not there)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


class MemoryGuard:
    """Called between a watcher's batches: memo caches bounded, freed memory returned."""

    def __init__(self, memo_entries: int = MEMO_ENTRIES) -> None:
        self.memo_entries = memo_entries
        self.cleared: dict[str, int] = {}  # memo cache -> times emptied (for the log and the soak)

    def after_batch(self) -> list[str]:
        """Empty the memo caches over the bound (and the recognizer's type table before a doubling); return their names."""
        emptied = []
        for name, fn in memo_caches().items():
            if fn.cache_info().currsize > self.memo_entries:  # type: ignore[attr-defined]
                fn.cache_clear()  # type: ignore[attr-defined]
                self.cleared[name] = self.cleared.get(name, 0) + 1
                emptied.append(name)
        for module, names in TOKEN_DICTS:
            mod = sys.modules.get(module)
            dicts = [getattr(mod, n, None) for n in names] if mod is not None else []
            if dicts and isinstance(dicts[0], dict) and len(dicts[0]) > self.memo_entries:
                for d in dicts:
                    d.clear()
                name = f"{module}.{names[0]}"
                self.cleared[name] = self.cleared.get(name, 0) + 1
                emptied.append(name)
        ner = sys.modules.get("marsad.analyze.ner")
        if ner is not None and ner._shipped.cache_info().currsize and ner._shipped().bound_type_table():
            self.cleared["recognizer type table"] = self.cleared.get("recognizer type table", 0) + 1
            emptied.append("recognizer type table")
        release_freed()
        return emptied
