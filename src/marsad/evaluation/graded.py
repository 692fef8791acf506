"""Graded article pairs: the human-labelled set `marsad.similarity` is judged against.

The labels live in ``tests/fixtures/graded_pairs.tsv`` (one pair per line, named by
SaudiNewsNet URL, never by text) on the 4-point scale of ``docs/labelling_guide.md``:

1. same event, 2. same storyline, 3. same topic, 4. unrelated.

This module holds what the evaluation and the tuning share: reading the pairs and
their articles, the fixed train / held-out split (pairs of the ``fresh`` batch are in
neither: they are never fitted on, and reported as a split of their own), the plain TF-IDF word cosine
baseline, and the candidate sampler the pairs were first drawn with (TF-IDF
neighbours at several ranks plus random pairs, so that every grade occurs).
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from marsad.arabic.tokenize import tokenize

GRADES = {1: "same event", 2: "same storyline", 3: "same topic", 4: "unrelated"}
HELD_OUT_SHARE = 0.5  # share of pairs kept out of tuning, chosen by a hash of the pair and `SPLIT_SEED`
SPLIT_SEED = 17
FRESH = "fresh"  # batch name of the pairs kept out of every fit (`fresh`)


@dataclass(frozen=True)
class GradedPair:
    url_a: str
    url_b: str
    grade: int  # 1..4, see GRADES
    how: str = ""  # how the pair was drawn (nn1, nn2-10, nn11-60, random, nearK): its family in reports
    batch: str = ""  # "fresh": graded after the weights were set, never fitted on (see `fresh`)

    @property
    def family(self) -> str:
        """The sampling family of the pair: ``near1``..``near30`` are one family, ``near``."""
        return "near" if self.how.startswith("near") else (self.how or "unknown")

    @property
    def relatedness(self) -> float:
        """The grade turned into a score that grows with relatedness (1.0 same event .. 0.0 unrelated)."""
        return (4 - self.grade) / 3


def read_pairs(path: Path) -> list[GradedPair]:
    """Pairs of a graded TSV file (``url_a<TAB>url_b<TAB>grade[<TAB>how[<TAB>batch]]``; ``#`` lines are comments)."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 3 or cols[2].strip() not in ("1", "2", "3", "4"):
            raise ValueError(f"{path}:{n}: expected url_a<TAB>url_b<TAB>grade (1-4)")
        how = cols[3].strip() if len(cols) > 3 else ""
        batch = cols[4].strip() if len(cols) > 4 else ""
        if batch not in ("", FRESH):
            raise ValueError(f"{path}:{n}: unknown batch {batch!r} (expected nothing or {FRESH!r})")
        out.append(GradedPair(cols[0].strip(), cols[1].strip(), int(cols[2]), how, batch))
    return out


def is_held_out(pair: GradedPair, seed: int = SPLIT_SEED) -> bool:
    """Fixed split: a hash of the two URLs and the seed, independent of file order."""
    a, b = sorted((pair.url_a, pair.url_b))
    h = hashlib.sha256(f"{seed}\t{a}\t{b}".encode()).digest()
    return int.from_bytes(h[:4], "big") / 2**32 < HELD_OUT_SHARE


def split(pairs: list[GradedPair], seed: int = SPLIT_SEED) -> tuple[list[GradedPair], list[GradedPair]]:
    """(train, held-out), both without the fresh batch (see `fresh`)."""
    kept = [p for p in pairs if p.batch != FRESH]
    train = [p for p in kept if not is_held_out(p, seed)]
    held = [p for p in kept if is_held_out(p, seed)]
    return train, held


def fresh(pairs: list[GradedPair]) -> list[GradedPair]:
    """The fresh batch: pairs from other days, graded later, never fitted on; a check of its own."""
    return [p for p in pairs if p.batch == FRESH]


def load_records(folder: Path, days: Iterable[str] | None = None) -> dict[str, dict]:
    """SaudiNewsNet records by URL (first occurrence), from the day zips in ``folder``."""
    wanted = set(days) if days else None
    out: dict[str, dict] = {}
    for z in sorted(folder.glob("*.zip")):
        if wanted is not None and z.stem not in wanted:
            continue
        with zipfile.ZipFile(z) as zf:
            for name in zf.namelist():
                for rec in json.loads(zf.read(name)):
                    if rec.get("url") and rec["url"] not in out:
                        out[rec["url"]] = rec
    return out


def page_text(rec: dict) -> str:
    """A record as the page text `marsad.similarity` takes: title line, then the body."""
    return f"{(rec.get('title') or '').strip()}\n{rec.get('content') or ''}"


class PlainTfidf:
    """The baseline: TF-IDF cosine over normalized words, IDF from the documents it is fitted on.

    No stemming, no stop list, no title weighting: raw term counts x smoothed IDF
    (``log((1 + n) / (1 + df)) + 1``), L2-normalized, as scikit-learn's default.
    """

    def fit(self, texts: Iterable[str]) -> PlainTfidf:
        df: Counter[str] = Counter()
        n = 0
        for t in texts:
            n += 1
            df.update(set(tokenize(t)))
        self.n_docs_ = n
        self.idf_ = {w: math.log((1 + n) / (1 + c)) + 1.0 for w, c in df.items()}
        return self

    def vector(self, text: str) -> dict[str, float]:
        default = math.log(1 + self.n_docs_) + 1.0
        counts = Counter(tokenize(text))
        vec = {w: c * self.idf_.get(w, default) for w, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {w: v / norm for w, v in vec.items()}

    def similarity(self, a: str, b: str) -> float:
        va, vb = self.vector(a), self.vector(b)
        if len(va) > len(vb):
            va, vb = vb, va
        return sum(w * vb.get(t, 0.0) for t, w in va.items())


def _neighbour_index(records: dict[str, dict]) -> tuple[list[str], dict[str, dict[str, float]],
                                                       dict[str, list[tuple[str, float]]]]:
    """Articles worth pairing (a title and 40 words or more), their plain TF-IDF vectors, and term -> postings."""
    urls = sorted(u for u, r in records.items() if len((r.get("content") or "").split()) >= 40 and r.get("title"))
    model = PlainTfidf().fit(page_text(records[u]) for u in urls)
    vecs = {u: model.vector(page_text(records[u])) for u in urls}
    index: dict[str, list[tuple[str, float]]] = {}
    for u, v in vecs.items():
        for t, w in v.items():
            index.setdefault(t, []).append((u, w))
    return urls, vecs, index


def sample_candidates(records: dict[str, dict], seed: int, n_anchors: int) -> list[tuple[str, str, str]]:
    """Candidate pairs (url_a, url_b, how drawn) for labelling.

    For each anchor article: its nearest TF-IDF neighbour from another outlet,
    one from ranks 2-10 and one from ranks 11-60 (any outlet); plus one random
    pair per anchor.  Near-copies (cosine > 0.95) are skipped: they are trivially
    the same event and would only inflate every measure.
    """
    rng = random.Random(seed)
    urls, vecs, index = _neighbour_index(records)
    anchors = rng.sample(urls, n_anchors)
    out: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()

    def add(a: str, b: str, how: str) -> None:
        key = tuple(sorted((a, b)))
        if a != b and key not in seen:
            seen.add(key)  # type: ignore[arg-type]
            out.append((a, b, how))

    for a in anchors:
        scores: Counter[str] = Counter()
        for t, w in vecs[a].items():
            for u, w2 in index[t]:
                scores[u] += w * w2
        ranked = [(u, s) for u, s in scores.most_common(80) if u != a and s <= 0.95]
        other_outlet = [u for u, _ in ranked if records[u].get("source") != records[a].get("source")]
        if other_outlet:
            add(a, other_outlet[0], "nn1")
        if len(ranked) > 2:
            add(a, rng.choice(ranked[1:10])[0], "nn2-10")
        if len(ranked) > 12:
            add(a, rng.choice(ranked[10:60])[0], "nn11-60")
        add(a, rng.choice(urls), "random")
    return out


def sample_near(records: dict[str, dict], seed: int, n_anchors: int, per_anchor: int = 2,
                max_rank: int = 30) -> list[tuple[str, str, str]]:
    """Harder candidates: ``per_anchor`` neighbours drawn uniformly from ranks 1..``max_rank`` (other outlets).

    Pairs that already share vocabulary are where "same event" has to be told from
    "same topic"; random pairs, which any measure gets right, are left out.
    """
    rng = random.Random(seed)
    urls, vecs, index = _neighbour_index(records)
    out: list[tuple[str, str, str]] = []
    seen: set[tuple[str, ...]] = set()
    for a in rng.sample(urls, n_anchors):
        scores: Counter[str] = Counter()
        for t, w in vecs[a].items():
            for u, w2 in index[t]:
                scores[u] += w * w2
        ranked = [u for u, s in scores.most_common(200)
                  if u != a and s <= 0.95 and records[u].get("source") != records[a].get("source")][:max_rank]
        for b in rng.sample(ranked, min(per_anchor, len(ranked))):
            key = tuple(sorted((a, b)))
            if key not in seen:
                seen.add(key)
                out.append((a, b, f"near{ranked.index(b) + 1}"))
    return out
