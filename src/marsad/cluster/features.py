"""Article features for similarity: weighted terms, character n-grams of names, dates, entities.

A `Features` record is what the clustering compares; it is computed once per
article and stored.  Terms are Snowball-stemmed normalized tokens weighted by
sublinear TF x IDF, the IDF from the shipped SaudiNewsNet background plus the
store's own document counts.  Entities and event dates plug in when the
analysis stage has provided them; a pair without them is compared on text and
publication dates alone.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from marsad.arabic.terms import idf, terms

TITLE_WEIGHT = 2.0  # a title term counts as much as two body occurrences
LEAD_WEIGHT = 1.5  # terms of the first paragraph
TOP_TERMS = 60  # terms kept per article (enough for cosine, small to store)


@dataclass(frozen=True)
class Features:
    article_id: str
    vector: dict[str, float]  # L2-normalized
    published: str | None = None
    event_weekdays: tuple[int, ...] = ()  # weekdays the article says things happened "today"/on
    entities: frozenset[str] = field(default_factory=frozenset)
    title: str | None = None


def term_vector(title: str | None, paragraphs: list[str] | tuple[str, ...],
                idf_fn: Callable[[str], float] = idf, top: int = TOP_TERMS) -> dict[str, float]:
    """Normalized TF-IDF vector of an article's title and body."""
    return weigh_counts(term_counts(title, paragraphs), idf_fn, top)


def term_counts(title: str | None, paragraphs: list[str] | tuple[str, ...]) -> dict[str, float]:
    """Position-weighted term counts of an article (title and lead count more); depends on the article alone,
    so a worker computes it and the clustering weighs it with the store's IDF (`weigh_counts`)."""
    counts: Counter[str] = Counter()
    if title:
        for t in terms(title):
            counts[t] += TITLE_WEIGHT
    for k, para in enumerate(paragraphs):
        w = LEAD_WEIGHT if k == 0 else 1.0
        for t in terms(para):
            counts[t] += w
    return dict(counts)


def weigh_counts(counts: dict[str, float], idf_fn: Callable[[str], float] = idf, top: int = TOP_TERMS) -> dict[str, float]:
    """The normalized TF-IDF vector of `term_counts`: sublinear TF x IDF, the ``top`` strongest terms."""
    weighted = {t: (1.0 + math.log(c)) * idf_fn(t) for t, c in counts.items() if c > 0}
    if top and len(weighted) > top:
        weighted = dict(sorted(weighted.items(), key=lambda kv: (-kv[1], kv[0]))[:top])
    norm = math.sqrt(sum(w * w for w in weighted.values())) or 1.0
    return {t: w / norm for t, w in weighted.items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine of two L2-normalized sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def normalize_vector(v: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in v.values())) or 1.0
    return {t: w / norm for t, w in v.items()}
