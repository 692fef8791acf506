"""MinHash (datasketch) signatures and an LSH band index kept in the store.

datasketch computes the signatures (seeded, so they are stable across runs and
Python versions); its in-memory `MinHashLSH` has no SQLite backend, so the
bands are written to the ``minhash_bands`` table and looked up with an index:
finding candidates costs the same however large the store grows.

Two levels:
* ``doc`` — word 5-shingles of the whole body; Jaccard >= `DOC_THRESHOLD` makes a
  page a copy (`duplicate_of`) of the earlier one.
* ``para`` — word 3-shingles of each paragraph of at least `MIN_PARA_TOKENS`
  tokens; LSH proposes candidates, and an exact containment (shared shingles over
  the smaller paragraph's) of at least `PARA_THRESHOLD` records a shared (wire)
  paragraph — one outlet often adds a clause to the wire's sentence.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

from marsad.arabic.tokenize import tokenize

NUM_PERM = 128
SEED = 1
DOC_BANDS, DOC_ROWS = 16, 8  # S-curve midpoint ~ (1/16)^(1/8) = 0.71
PARA_BANDS, PARA_ROWS = 42, 3  # midpoint ~ (1/42)^(1/3) = 0.29: candidates only, verified exactly
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
    return m.hashvalues


def containment(a: str, b: str, k: int = 3) -> float:
    """Share of the smaller paragraph's word k-shingles found in the other."""
    sa, sb = shingles(a, k), shingles(b, k)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / len(a)


def _band_keys(sig: np.ndarray, bands: int, rows: int) -> list[str]:
    return [hashlib.blake2b(sig[b * rows:(b + 1) * rows].tobytes(), digest_size=8).hexdigest() for b in range(bands)]


@dataclass(frozen=True)
class Signatures:
    doc: np.ndarray | None
    paragraphs: tuple[tuple[int, np.ndarray], ...]

    def to_json(self) -> dict:
        return {
            "doc": self.doc.tolist() if self.doc is not None else None,
            "paragraphs": [[i, s.tolist()] for i, s in self.paragraphs],
        }

    @classmethod
    def from_json(cls, data: dict) -> Signatures:
        doc = np.array(data["doc"], dtype=np.uint64) if data.get("doc") is not None else None
        paras = tuple((i, np.array(s, dtype=np.uint64)) for i, s in data.get("paragraphs", []))
        return cls(doc, paras)


def signatures(paragraphs: tuple[str, ...] | list[str]) -> Signatures:
    body = "\n".join(paragraphs)
    doc_sh = shingles(body, 5)
    doc = signature(doc_sh) if doc_sh else None
    paras = []
    for i, p in enumerate(paragraphs):
        if len(tokenize(p)) >= MIN_PARA_TOKENS:
            paras.append((i, signature(shingles(p, 3))))
    return Signatures(doc, tuple(paras))


class BandIndex:
    """LSH bands in the store's ``minhash_bands`` table."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def add(self, level: str, item: str, sig: np.ndarray) -> None:
        bands, rows = (DOC_BANDS, DOC_ROWS) if level == "doc" else (PARA_BANDS, PARA_ROWS)
        self.conn.executemany(
            "INSERT INTO minhash_bands(level, band, key, item) VALUES (?,?,?,?)",
            [(level, b, k, item) for b, k in enumerate(_band_keys(sig, bands, rows))],
        )

    def candidates(self, level: str, sig: np.ndarray) -> set[str]:
        return set(self.ranked_candidates(level, sig))

    def ranked_candidates(self, level: str, sig: np.ndarray, limit: int | None = None) -> list[str]:
        """Items sharing a band with ``sig``, most shared bands first (the likeliest near-duplicates)."""
        bands, rows = (DOC_BANDS, DOC_ROWS) if level == "doc" else (PARA_BANDS, PARA_ROWS)
        # all bands in one statement (one round trip instead of one per band), each bucket capped
        one = f"SELECT * FROM (SELECT item FROM minhash_bands WHERE level=? AND band=? AND key=? LIMIT {MAX_BUCKET})"
        keys = _band_keys(sig, bands, rows)
        params = [x for b, k in enumerate(keys) for x in (level, b, k)]
        hits = Counter(r[0] for r in self.conn.execute(" UNION ALL ".join([one] * len(keys)), params))
        return [item for item, _ in sorted(hits.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]
