"""The pair similarity marsad clusters with, and the public `similarity(a, b)`.

score = text x date, where
* text = 0.7 x cosine(TF-IDF term vectors) + 0.3 x Jaccard(canonical entity keys)
  when both sides have entities, else the cosine alone; a shared wire paragraph
  raises it by `SHARED_PARAGRAPH_BONUS`;
* date = how compatible the two event days are: both dated -> by the gap in days;
  one or both undated -> by the weekday each says things happened ("اليوم الخميس",
  "أمس الأربعاء", or the latest of the weekdays it names).

The weights and `DATE_FACTORS` were set on the seeds and the labelled
SaudiNewsNet stream (``tests/fixtures/stories_labels.tsv``, ``bench/cluster_eval.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from marsad.cluster.features import cosine

TEXT_WEIGHT = 0.7
ENTITY_WEIGHT = 0.3
SHARED_PARAGRAPH_BONUS = 0.15
DATE_FACTORS = {0: 1.0, 1: 0.6, 2: 0.45}
FAR_DATE_FACTOR = 0.3  # three days or more apart
UNKNOWN_DATE_FACTOR = 0.8  # nothing to compare


def event_weekday(weekdays: Iterable[tuple[str, int]]) -> int | None:
    """The weekday an undated article calls "today", from its weekday mentions.

    ``اليوم X`` names it; ``أمس X`` implies the day after X; otherwise the latest of
    the weekdays named (the one from which all the others lie within the fewest
    days back).
    """
    wds = list(weekdays)
    if not wds:
        return None
    for rel, wd in wds:
        if rel == "اليوم":
            return wd
    for rel, wd in wds:
        if rel == "امس":
            return wd % 7 + 1
    named = sorted({wd for _, wd in wds})
    best, best_span = None, 8
    for cand in named:
        span = max((cand - other) % 7 for other in named)
        if span < best_span:
            best, best_span = cand, span
    return best


def date_factor(pub_a: str | None, wd_a: int | None, pub_b: str | None, wd_b: int | None) -> float:
    """How compatible two articles' event days are (1 = same day)."""
    if pub_a and pub_b:
        gap = abs((dt.date.fromisoformat(pub_a) - dt.date.fromisoformat(pub_b)).days)
        return DATE_FACTORS.get(gap, FAR_DATE_FACTOR)
    if pub_a or pub_b:
        pub, wd = (pub_a, wd_b) if pub_a else (pub_b, wd_a)
        if wd is None:
            return UNKNOWN_DATE_FACTOR
        pub_wd = dt.date.fromisoformat(pub).isoweekday()  # type: ignore[arg-type]
        gap = min((pub_wd - wd) % 7, (wd - pub_wd) % 7)
        return DATE_FACTORS.get(gap, FAR_DATE_FACTOR)
    if wd_a is None or wd_b is None:
        return UNKNOWN_DATE_FACTOR
    gap = min((wd_a - wd_b) % 7, (wd_b - wd_a) % 7)
    return DATE_FACTORS.get(gap, FAR_DATE_FACTOR)


def entity_overlap(a: Iterable[str], b: Iterable[str]) -> float | None:
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return None
    return len(sa & sb) / len(sa | sb)


def combine(text_sim: float, ent_sim: float | None, dates: float, shared_paragraph: bool = False) -> float:
    text = text_sim if ent_sim is None else TEXT_WEIGHT * text_sim + ENTITY_WEIGHT * ent_sim
    if shared_paragraph:
        text = min(1.0, text + SHARED_PARAGRAPH_BONUS)
    return max(0.0, min(1.0, text * dates))


def feature_similarity(fa: dict, fb: dict, shared_paragraph: bool = False) -> float:
    """Similarity of two stored feature records (see `pipeline.article_features`)."""
    text = cosine(fa["vector"], fb["vector"])
    ents = entity_overlap(fa.get("entities", ()), fb.get("entities", ()))
    dates = date_factor(fa.get("published"), fa.get("weekday"), fb.get("published"), fb.get("weekday"))
    return combine(text, ents, dates, shared_paragraph)
