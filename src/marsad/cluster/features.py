"""Article features for similarity: weighted terms, a meaning vector, dates, entities.

A `Features` record is what the clustering compares; it is computed once per
article and stored.  Terms are Snowball-stemmed normalized tokens weighted by
sublinear TF x IDF, the IDF from the shipped SaudiNewsNet background plus the
store's own document counts.  Entities and event dates plug in when the
analysis stage has provided them; a pair without them is compared on text and
publication dates alone.

`meaning_vector` is a dense summary of an article for the graded similarity: the
IDF-weighted sum of the skip-gram word vectors shipped with the neural entity
recognizer (``analyze/models/ner_neural.npz``, learned without labels from
SaudiNewsNet), each vector L2-normalized and centred on the mean of all of them
(the shared direction says nothing about topic).  Two articles on one subject in
different words get a high cosine where their term vectors share little.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import repeat
from operator import mul

import numpy as np

from marsad.arabic.terms import idf, stem, stopwords, terms
from marsad.arabic.tokenize import tokenize

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
    # the products and their sum in the order of ``a`` as a generator would give them, in C (clustering
    # and storyline linking call this ~20 times per article)
    return sum(map(mul, a.values(), map(b.get, a, repeat(0.0))))


def normalize_vector(v: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in v.values())) or 1.0
    return {t: w / norm for t, w in v.items()}


WORD_VECTORS = ("marsad.analyze", "models/ner_neural.npz")  # package, path of the shipped word vectors


@cache
def word_vectors() -> tuple[dict[str, int], np.ndarray]:
    """(normalized word -> row, rows) of the shipped word vectors, L2-normalized and centred.

    Empty when the model file is absent: `meaning_vector` then returns None.
    """
    ref = resources.files(WORD_VECTORS[0]).joinpath(WORD_VECTORS[1])
    if not ref.is_file():
        return {}, np.zeros((0, 0), np.float32)
    with ref.open("rb") as fh, np.load(fh, allow_pickle=False) as z:
        words = str(z["vocab"]).split("\n")
        emb = z["emb_q"].astype(np.float32) * z["emb_scale"][:, None]
    emb /= np.linalg.norm(emb, axis=1, keepdims=True) + 1e-9
    emb -= emb.mean(axis=0)
    return {w: i for i, w in enumerate(words)}, emb


def meaning_vector(text: str) -> np.ndarray | None:
    """Unit-length IDF-weighted sum of the word vectors of ``text``'s content words (None: no known word)."""
    vocab, emb = word_vectors()
    if not vocab:
        return None
    stop = stopwords()
    rows: list[int] = []
    weights: list[float] = []
    for tok in tokenize(text):
        if len(tok) < 2 or tok in stop or tok.isdigit():
            continue
        row = vocab.get(tok)
        if row is not None:
            rows.append(row)
            weights.append(idf(stem(tok)))
    if not rows:
        return None
    v = np.asarray(weights, np.float32) @ emb[rows]
    norm = float(np.linalg.norm(v))
    return v / norm if norm else None
