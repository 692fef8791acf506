"""MinHash (datasketch) signatures and an LSH band index kept in the store.

datasketch computes the signatures (seeded, so they are stable across runs and
Python versions); its in-memory `MinHashLSH` has no SQLite backend, so the
bands are written to the store and looked up with an index: finding candidates
costs the same however large the store grows.

Each band is one row of ``lsh_bands(key, item)`` (`marsad.store.bands`), a table without rowid whose
primary key is the lookup: a 64-bit key mixing the level, the band number and
the hash of the band's rows.  One small B-tree instead of a table and an index
of text keys keeps the index a third of the size, and the commit that writes
a batch's bands touches fewer pages as the store grows.

Two levels:
* ``doc`` — word 5-shingles of the whole body; Jaccard >= `DOC_THRESHOLD` makes a
  page a copy (`duplicate_of`) of the earlier one.
* ``para`` — word 3-shingles of each paragraph of at least `MIN_PARA_TOKENS`
  tokens; LSH proposes candidates, and an exact containment (shared shingles over
  the smaller paragraph's) of at least `PARA_THRESHOLD` records a shared (wire)
  paragraph — one outlet often adds a clause to the wire's sentence.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np
from datasketch import MinHash

from marsad.arabic.tokenize import tokenize

NUM_PERM = 128
SEED = 1
DOC_BANDS, DOC_ROWS = 16, 8  # S-curve midpoint ~ (1/16)^(1/8) = 0.71
# candidates only, verified exactly.  bench/band_layouts.py, on 20.4k paragraphs of 6000 SaudiNewsNet
# articles: 16 bands of 2 rows propose 93% of the pairs of containment >= 0.6 that any of seven layouts
# finds, with 16 lookups per paragraph; the earlier 42 bands of 3 rows proposed 84% with 42
PARA_BANDS, PARA_ROWS = 16, 2
DOC_THRESHOLD = 0.8  # calibrated: syndicated copies of one wire with different boilerplate score >= 0.85
PARA_THRESHOLD = 0.6  # containment of word 3-shingles: the shorter paragraph mostly inside the longer
MIN_PARA_TOKENS = 12
MAX_BUCKET = 50  # items read per band bucket: a boilerplate paragraph repeated on thousands of pages stays cheap

_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=SEED)
_PERMUTATIONS, _SCHEME = _TEMPLATE.permutations, _TEMPLATE.scheme


def shingles(text: str, k: int) -> set[bytes]:
    toks = tokenize(text)
    if len(toks) < k:
        return {" ".join(toks).encode()} if toks else set()
    return {" ".join(toks[i: i + k]).encode() for i in range(len(toks) - k + 1)}


def signature(items: set[bytes]) -> np.ndarray:
    m = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=_PERMUTATIONS, scheme=_SCHEME)
    m.update_batch(list(items))
    # datasketch keeps 32-bit values here, `Signatures.pack` stores 64-bit words: band keys hash the raw
    # bytes, so every signature is widened once, or a fresh signature and a stored one would never share a band
    return m.hashvalues.astype(np.uint64)


def containment(a: str, b: str, k: int = 3) -> float:
    """Share of the smaller paragraph's word k-shingles found in the other."""
    return shingle_containment(shingles(a, k), shingles(b, k))


def shingle_containment(sa: set[bytes], sb: set[bytes]) -> float:
    """`containment` of two paragraphs' shingle sets (a paragraph checked against many is shingled once)."""
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / len(a)


def layout_digests(sig: np.ndarray, bands: int, rows: int) -> list[str]:
    """The hash of each of ``bands`` bands of ``rows`` rows, in hex."""
    return [hashlib.blake2b(sig[b * rows:(b + 1) * rows].tobytes(), digest_size=8).hexdigest() for b in range(bands)]


def band_digests(sig: np.ndarray, level: str) -> list[str]:
    """The hash of each band's rows for a level's layout, in hex (the form schema 4 stored as the key)."""
    return layout_digests(sig, *((DOC_BANDS, DOC_ROWS) if level == "doc" else (PARA_BANDS, PARA_ROWS)))


@lru_cache(maxsize=128)
def _salt(level: str, band: int) -> int:
    return int.from_bytes(hashlib.blake2b(f"{level}:{band}".encode(), digest_size=8).digest(), "big")


def band_key(level: str, band: int, digest: str) -> int:
    """One signed 64-bit key for a band: its level and number mixed into the hash of its rows."""
    key = int(digest, 16) ^ _salt(level, band)
    return key - (1 << 64) if key >= 1 << 63 else key


def band_keys(sig: np.ndarray, level: str) -> list[int]:
    return [band_key(level, b, d) for b, d in enumerate(band_digests(sig, level))]


@dataclass(frozen=True)
class Signatures:
    doc: np.ndarray | None
    paragraphs: tuple[tuple[int, np.ndarray], ...]

    def to_json(self) -> dict:
        return {
            "doc": self.doc.tolist() if self.doc is not None else None,
            "paragraphs": [[i, s.tolist()] for i, s in self.paragraphs],
        }

    def pack(self) -> dict:
        """A compact JSON form (base64 of the raw hash values) for handing signatures between processes."""
        def b64(a: np.ndarray) -> str:
            return base64.b64encode(a.astype(np.uint64).tobytes()).decode("ascii")

        return {"doc": b64(self.doc) if self.doc is not None else None,
                "paragraphs": [[i, b64(s)] for i, s in self.paragraphs]}

    @classmethod
    def unpack(cls, data: dict) -> Signatures:
        return cls(unpack_doc(data), tuple((i, _unpacked(s)) for i, s in data.get("paragraphs", [])))

    @classmethod
    def from_json(cls, data: dict) -> Signatures:
        doc = np.array(data["doc"], dtype=np.uint64) if data.get("doc") is not None else None
        paras = tuple((i, np.array(s, dtype=np.uint64)) for i, s in data.get("paragraphs", []))
        return cls(doc, paras)


def _unpacked(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=np.uint64).copy()


def unpack_doc(data: dict) -> np.ndarray | None:
    """The whole-body signature of a `Signatures.pack` form alone (the paragraphs' are left packed)."""
    return _unpacked(data["doc"]) if data.get("doc") is not None else None


def signature_keys(sigs: Signatures) -> dict:
    """The band keys of every signature of an article, in JSON form: ``{"doc": keys or None, "paragraphs":
    [[index, keys], ...]}``.  They depend on the article alone, so a worker computes them and the process
    that files them (`BandIndex.add_keys`) does not hash the bands again."""
    return {"doc": band_keys(sigs.doc, "doc") if sigs.doc is not None else None,
            "paragraphs": [[i, band_keys(s, "para")] for i, s in sigs.paragraphs]}


def paragraph_signatures(paragraphs: tuple[str, ...] | list[str]) -> tuple[tuple[int, np.ndarray], ...]:
    """(index, signature) of each paragraph long enough to be compared."""
    return tuple((i, signature(shingles(p, 3))) for i, p in enumerate(paragraphs)
                 if len(tokenize(p)) >= MIN_PARA_TOKENS)


def signatures(paragraphs: tuple[str, ...] | list[str]) -> Signatures:
    doc_sh = shingles("\n".join(paragraphs), 5)
    return Signatures(signature(doc_sh) if doc_sh else None, paragraph_signatures(paragraphs))


class BandStore(Protocol):
    """Where `BandIndex` keeps its bands (`marsad.store.bands.BandTable` in a store)."""

    def add(self, keys: Sequence[int], item: str) -> None:
        """File ``item`` under each band key."""

    def items(self, keys: Sequence[int], bucket: int) -> Iterable[str]:
        """The items filed under each key, at most ``bucket`` per key (the smallest), one per (key, item)."""


class BandIndex:
    """LSH bands of signatures, kept in a `BandStore` (the store's ``lsh_bands`` table)."""

    def __init__(self, bands: BandStore) -> None:
        self.bands = bands
        self._last: tuple[str, bytes, list[int]] | None = None

    def _keys(self, level: str, sig: np.ndarray) -> list[int]:
        """`band_keys`, remembered for the last signature: a signature is looked up, then added."""
        raw = sig.tobytes()
        if self._last is None or self._last[0] != level or self._last[1] != raw:
            self._last = (level, raw, band_keys(sig, level))
        return self._last[2]

    def add(self, level: str, item: str, sig: np.ndarray) -> None:
        self.add_keys(item, self._keys(level, sig))

    def add_keys(self, item: str, keys: Sequence[int]) -> None:
        """`add` of a signature whose band keys are known (`band_keys`, `signature_keys`)."""
        self.bands.add(keys, item)

    def candidates(self, level: str, sig: np.ndarray) -> set[str]:
        return set(self.ranked_candidates(level, sig))

    def ranked_candidates(self, level: str, sig: np.ndarray, limit: int | None = None) -> list[str]:
        """Items sharing a band with ``sig``, most shared bands first (the likeliest near-duplicates)."""
        return self.ranked_by_keys(self._keys(level, sig), limit)

    def ranked_by_keys(self, keys: Sequence[int], limit: int | None = None) -> list[str]:
        """`ranked_candidates` of a signature whose band keys are known."""
        hits = Counter(self.bands.items(keys, MAX_BUCKET))
        return [item for item, _ in sorted(hits.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]
