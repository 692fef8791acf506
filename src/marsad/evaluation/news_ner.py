"""Entity precision and recall on news text: hand-labelled SaudiNewsNet sentences.

The gold set (``tests/fixtures/news_entities.jsonl``) stores no text: each line names
an article by day and URL, a sentence by character offsets into the article's
``content``, a short hash of that sentence, and its PERS/LOC/ORG spans relative to
the sentence.  The text is read from the SaudiNewsNet archives at evaluation time.

The recognizer reads the whole article (as it does in the pipeline) and its mentions
inside the labelled sentence are scored:

* ``exact`` — same type and span; a span may differ only by a leading proclitic
  (و ب ل ف ك, or لل for ال) that one side keeps and the other drops;
* ``overlap`` — same type and overlapping spans (a lenient view, reported alongside).

`error_classes` sorts the exact-span false positives for error analysis: ``boundary`` (a gold
entity of the same type overlaps it), ``type`` (a gold entity of another type overlaps it) and
``spurious`` (no gold entity there).
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from marsad.model import Mention

TYPES = ("PERS", "LOC", "ORG")
_PROCLITICS = set("وبلفك")


@dataclass(frozen=True, slots=True)
class GoldSentence:
    day: str
    url: str
    split: str
    content: str  # the whole article
    start: int
    end: int
    entities: tuple[tuple[str, int, int], ...]  # absolute offsets into content

    @property
    def text(self) -> str:
        return self.content[self.start:self.end]


def load_gold(path: Path, saudinewsnet: Path) -> list[GoldSentence]:
    """The labelled sentences with their articles' text; a sentence whose text changed is an error."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if "url" in r]
    wanted: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        wanted[r["day"]].add(r["url"])
    contents: dict[tuple[str, str], list[str]] = defaultdict(list)
    for day, urls in wanted.items():
        with zipfile.ZipFile(saudinewsnet / f"{day}.zip") as zf:
            for name in zf.namelist():
                for rec in json.loads(zf.read(name)):
                    if rec.get("url") in urls:
                        contents[(day, rec["url"])].append(rec.get("content") or "")
    out = []
    for r in rows:
        text = None
        for content in contents.get((r["day"], r["url"]), []):
            if hashlib.sha1(content[r["start"]:r["end"]].encode()).hexdigest()[:12] == r["sha1"]:
                text = content
                break
        if text is None:
            raise ValueError(f"{path}: sentence {r['url']} [{r['start']}:{r['end']}] not found in {saudinewsnet}")
        ents = tuple((t, r["start"] + s, r["start"] + e) for t, s, e in r["entities"])
        out.append(GoldSentence(r["day"], r["url"], r["split"], text, r["start"], r["end"], ents))
    return out


def _same_span(content: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    if a[1] != b[1]:
        return False
    lo, hi = sorted((a[0], b[0]))
    extra = content[lo:hi]
    return len(extra) <= 2 and all(ch in _PROCLITICS for ch in extra)


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 3), "recall": round(self.recall, 3), "f1": round(self.f1, 3),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class Errors:
    false_positives: list[tuple[str, str, str]]  # (type, text, sentence url)
    false_negatives: list[tuple[str, str, str]]
    # (class, system type, system text, gold type or "", gold text or "", url); see `error_classes`
    classified: list[tuple[str, str, str, str, str, str]] = field(default_factory=list)


def score(gold: Iterable[GoldSentence], recognize: Callable[[str], list[Mention]],
          mode: str = "exact") -> tuple[dict[str, Counts], Errors]:
    """Per-type counts (and ``ALL``, micro) of ``recognize`` against the gold sentences."""
    counts = {t: Counts() for t in (*TYPES, "ALL")}
    errors = Errors([], [])
    cache: dict[int, list[Mention]] = {}
    for g in gold:
        key = id(g.content)
        if key not in cache:
            cache[key] = recognize(g.content)
        system = [(m.type, m.start, m.end) for m in cache[key]
                  if m.type in TYPES and g.start <= m.start and m.end <= g.end]
        used = [False] * len(system)
        for typ, s, e in g.entities:
            hit = None
            for k, (t2, s2, e2) in enumerate(system):
                if used[k] or t2 != typ:
                    continue
                ok = _same_span(g.content, (s, e), (s2, e2)) if mode == "exact" else (s < e2 and s2 < e)
                if ok:
                    hit = k
                    break
            if hit is None:
                counts[typ].fn += 1
                counts["ALL"].fn += 1
                errors.false_negatives.append((typ, g.content[s:e], g.url))
            else:
                used[hit] = True
                counts[typ].tp += 1
                counts["ALL"].tp += 1
        for k, (t2, s2, e2) in enumerate(system):
            if not used[k]:
                counts[t2].fp += 1
                counts["ALL"].fp += 1
                errors.false_positives.append((t2, g.content[s2:e2], g.url))
                errors.classified.append(_classify(g, t2, s2, e2))
    return counts, errors


def _classify(g: GoldSentence, typ: str, s: int, e: int) -> tuple[str, str, str, str, str, str]:
    over = [(t, gs, ge) for t, gs, ge in g.entities if gs < e and s < ge]
    same = [x for x in over if x[0] == typ]
    pick = same[0] if same else over[0] if over else None
    cls = "boundary" if same else "type" if over else "spurious"
    gold_t, gold_text = (pick[0], g.content[pick[1]:pick[2]]) if pick else ("", "")
    return cls, typ, g.content[s:e], gold_t, gold_text, g.url


def error_classes(errors: Errors) -> dict[str, dict[str, int]]:
    """Counts of the classified false positives: class -> system type -> count."""
    out: dict[str, dict[str, int]] = {c: dict.fromkeys(TYPES, 0) for c in ("boundary", "type", "spurious")}
    for cls, typ, *_ in errors.classified:
        out[cls][typ] += 1
    return out
