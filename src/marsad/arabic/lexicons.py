"""Read-only loaders for the word lists and tables shipped under ``data/``.

Each file is read once (cached) and keyed by `normalize`, so a lexicon entry
written with hamza or ta marbuta still matches text written without.
Provenance of every file is in ``arabic/data/SOURCES.md``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from marsad.arabic.normalize import normalize


def _lines(package: str, name: str) -> list[str]:
    text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    return [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def data_lines(name: str, package: str = "marsad.arabic.data") -> list[str]:
    """Non-blank, non-comment lines of a data file."""
    return _lines(package, name)


@cache
def word_set(name: str) -> frozenset[str]:
    """A one-column list as a set of normalized keys."""
    return frozenset(normalize(ln.strip()) for ln in _lines("marsad.arabic.data", name))


@cache
def table(name: str, package: str = "marsad.arabic.data") -> tuple[tuple[str, ...], ...]:
    """Rows of a TSV file with the first column normalized."""
    rows = []
    for ln in _lines(package, name):
        cols = ln.split("\t")
        rows.append((normalize(cols[0].strip()), *[c.strip() for c in cols[1:]]))
    return tuple(rows)


@cache
def mapping(name: str, column: int = 1, package: str = "marsad.arabic.data") -> dict[str, str]:
    """First column (normalized) -> another column of a TSV file."""
    return {row[0]: row[column] for row in table(name, package)}


@cache
def gz_table(name: str, package: str = "marsad.arabic.data") -> dict[str, list[str]]:
    """A gzipped TSV shipped as derived data (first line a header): first column -> the other columns."""
    import gzip

    ref = resources.files(package).joinpath(name)
    if not ref.is_file():
        return {}
    out: dict[str, list[str]] = {}
    with gzip.open(ref.open("rb"), "rt", encoding="utf-8") as fh:
        fh.readline()
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            out[parts[0]] = parts[1:]
    return out


@cache
def word_slots(name: str, package: str = "marsad.arabic.data") -> dict[str, tuple[str, ...]]:
    """A grammar file (slot<TAB>words separated by ``|``): slot -> its words as keys, in the file's order."""
    out: dict[str, tuple[str, ...]] = {}
    for ln in _lines(package, name):
        slot, words = ln.split("\t")
        out[slot.strip()] = tuple(dict.fromkeys(normalize(w.strip()) for w in words.split("|")))
    return out
