"""The pair similarity marsad clusters with, and the graded similarity behind `marsad.similarity`.

Two measures live here.

**Clustering** (`combine`, `feature_similarity`) compares an article with a story's
summed state: text x date, where
* text = 0.7 x cosine(TF-IDF term vectors) + 0.3 x Jaccard(canonical entity keys)
  when both sides have entities, else the cosine alone; a shared wire paragraph
  raises it by `SHARED_PARAGRAPH_BONUS`;
* date = how compatible the two publication days are: both dated -> by the gap in
  days; otherwise 1 (no penalty: guessed weekdays cost more than they gained).
The weights and `DATE_FACTORS` were set on the seeds and the labelled
SaudiNewsNet stream (``tests/fixtures/stories_labels.tsv``, ``bench/cluster_eval.py``).

**Graded similarity** (`graded_similarity`, used by `marsad.similarity`) says how
related two articles are on the scale people use (same event > same storyline >
same topic > unrelated; ``docs/labelling_guide.md``).  It is a logistic function of
`PairFeatures`: the term cosine, the best title-to-lead cosine (the lead is the
first paragraph of `LEAD_MIN_TOKENS` words or more, so a byline line is not
taken for it), how much of each article's key terms the other one uses at all
(`key_term_coverage`: a short report and a long piece on one storyline share its
key words even when their term vectors, dominated by other words, barely meet),
the cosine of the articles' meaning vectors (word vectors, see
`features.meaning_vector`, with the few directions every article leans along
projected out, `topical`: it tells "same topic" from "unrelated" where the words
differ), the overlap of canonical entities weighted by how rare their names are
and how many entities they share, the overlap of the figures both quote, and
the gap between publication days.  Entities, figures and days enter only when
both sides have them; a side without them is not penalised (a missing signal is
not a mismatch).  The weights `GRADED_WEIGHTS` were fitted on the training half
of ``tests/fixtures/graded_pairs.tsv`` (``bench/similarity_eval.py --fit``) and
are checked on the held-out half, on the swapped split and by cross-validation.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from marsad.arabic.terms import idf, terms, weighted
from marsad.arabic.tokenize import tokenize
from marsad.cluster.features import cosine, meaning_vector, term_vector, word_vectors

TEXT_WEIGHT = 0.7
ENTITY_WEIGHT = 0.3
SHARED_PARAGRAPH_BONUS = 0.15
DATE_FACTORS = {0: 1.0, 1: 0.6, 2: 0.45}
FAR_DATE_FACTOR = 0.3  # three days or more apart
UNKNOWN_DATE_FACTOR = 1.0  # one side undated: nothing to compare, no penalty


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
    """How compatible two articles' event days are (1 = same day, or nothing to compare).

    Only publication dates count.  The weekdays an undated article names (``wd_a``,
    ``wd_b``, from `event_weekday`) are accepted but no longer used: comparing guessed
    weekdays, and marking down pairs with no date, cost more than it gained (labelled
    stream B-cubed F1 0.958 with them, 0.972 without, seeds unchanged at 1.0;
    ``bench/cluster_eval.py``), and it lowered the graded similarity too.
    """
    if pub_a and pub_b:
        return _dated_factor(pub_a, pub_b)
    return UNKNOWN_DATE_FACTOR


@lru_cache(maxsize=8192)
def _dated_factor(pub_a: str, pub_b: str) -> float:
    """`date_factor` of two publication days (the clustering compares a few hundred pairs of days again
    and again: an article's day against its candidate stories')."""
    gap = abs((dt.date.fromisoformat(pub_a) - dt.date.fromisoformat(pub_b)).days)
    return DATE_FACTORS.get(gap, FAR_DATE_FACTOR)


def entity_overlap(a: Iterable[str], b: Iterable[str]) -> float | None:
    """Jaccard of two entity sets; None if a side is empty.  Sets are used as they are (not copied)."""
    sa = a if isinstance(a, (set, frozenset)) else set(a)
    sb = b if isinstance(b, (set, frozenset)) else set(b)
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


# -- graded similarity ------------------------------------------------------------

# Fitted on the training half of tests/fixtures/graded_pairs.tsv (271 pairs; the fresh batch never) by
# `bench/similarity_eval.py --fit`: least squares of the logistic output against the
# grade mapped to 1, 2/3, 1/3, 0.  Refit there when the features change (and when the
# word vectors of analyze/models/ner_neural.npz are retrained: "meaning" reads them).
GRADED_WEIGHTS: dict[str, float] = {
    "bias": -3.34,
    "term": 3.67,
    "title_lead": 2.54,
    "meaning": 2.69,
    "entities": 0.11,
    "shared_entities": 0.62,
    "has_entities": -0.66,
    "figures": 0.78,
    "has_figures": -0.56,
    "day_gap": -0.2,
    "coverage": 1.51,
}
KEY_TERMS = 10  # an article's strongest terms, whose use by the other article `key_term_coverage` measures
TOPICAL_DROP = 3  # leading principal directions of the word vectors `topical` projects out
DAY_GAP_CAP = 3  # days: further apart counts as this far
SHARED_ENTITIES_CAP = 5  # sharing more entities than this says no more
LEAD_MIN_TOKENS = 8  # a shorter first paragraph (a byline, a place line) is not the lead
_MIN_FIGURE = 10  # smaller numbers (counts of days, ranks) say little about the event
_YEARS = ((1900, 2100), (1380, 1460))  # Gregorian and Hijri years are not figures


@dataclass(frozen=True, slots=True)
class Profile:
    """What the graded similarity needs of one article, computed once."""

    vector: dict[str, float]  # term vector (see `features.term_vector`)
    title: dict[str, float]  # TF-IDF of the title's terms
    lead: dict[str, float]  # TF-IDF of the lead's terms (first paragraph of LEAD_MIN_TOKENS words or more)
    entities: frozenset[str] = frozenset()  # canonical keys of PERS/ORG/LOC mentions
    figures: frozenset[str] = frozenset()  # numbers of 10 and more, years left out
    published: str | None = None
    meaning: np.ndarray | None = field(default=None, compare=False)  # unit vector (`topical` meaning vector)
    rarity: dict[str, float] = field(default_factory=dict, compare=False)  # entity key -> `_rarity`
    terms: frozenset[str] = frozenset()  # every content term of the title and body
    key_terms: tuple[tuple[str, float], ...] = ()  # the KEY_TERMS strongest terms of `vector`, with weights


@dataclass(frozen=True, slots=True)
class PairFeatures:
    term: float
    title_lead: float
    entities: float | None  # None: one side has no entities
    figures: float | None  # None: one side quotes no figures
    day_gap: int | None  # None: one side is undated
    meaning: float = 0.0  # cosine of the meaning vectors (0 when a side has none)
    shared_entities: int = 0  # canonical entities both name
    coverage: float = 0.0  # `key_term_coverage`


def figures_of(text: str) -> frozenset[str]:
    """Numbers in ``text`` that can identify an event: 10 or more, not a year."""
    out = set()
    for tok in tokenize(text):
        if not tok[0].isdigit():
            continue
        try:
            value = float(tok.replace(",", ""))
        except ValueError:
            continue
        if value < _MIN_FIGURE or any(lo <= value <= hi and value == int(value) for lo, hi in _YEARS):
            continue
        out.add(tok.replace(",", ""))
    return frozenset(out)


def lead_of(paragraphs: Sequence[str]) -> str:
    """The lead: the first paragraph of `LEAD_MIN_TOKENS` words or more (else the first one)."""
    for para in paragraphs:
        if len(tokenize(para)) >= LEAD_MIN_TOKENS:
            return para
    return paragraphs[0] if paragraphs else ""


def profile(title: str | None, paragraphs: Sequence[str], entities: Iterable[str] = (),
            published: str | None = None) -> Profile:
    """The `Profile` of an article given its parts and its canonical entity keys."""
    body = "\n".join(paragraphs)
    keys = frozenset(entities)
    title_terms = terms(title or "")
    vector = term_vector(title, list(paragraphs))
    return Profile(
        vector=vector,
        title=weighted(title_terms),
        lead=weighted(terms(lead_of(paragraphs))),
        entities=keys,
        figures=figures_of(body),
        published=published,
        meaning=topical(meaning_vector(f"{title or ''}\n{body}")),
        rarity={k: _rarity(k) for k in keys},
        terms=frozenset(title_terms).union(*(terms(p) for p in paragraphs)),
        key_terms=tuple(sorted(vector.items(), key=lambda kv: (-kv[1], kv[0]))[:KEY_TERMS]),
    )


@lru_cache(maxsize=1)
def _leading_directions() -> np.ndarray:
    """The `TOPICAL_DROP` leading principal directions of the shipped word vectors (rows; empty without them)."""
    _, emb = word_vectors()
    if not emb.size:
        return np.zeros((0, 0), np.float32)
    centred = emb - emb.mean(axis=0)
    _, vecs = np.linalg.eigh(centred.T.astype(np.float64) @ centred)
    return vecs[:, ::-1][:, :TOPICAL_DROP].T.astype(np.float32)


def topical(v: np.ndarray | None) -> np.ndarray | None:
    """A meaning vector without its share of the word vectors' leading directions, unit length again.

    Every article's IDF-weighted sum of word vectors leans along the few directions
    that carry most of the vectors' variance and say little about the subject, so
    unrelated articles of one section had meaning cosines of 0.6 and more; projecting
    those directions out ("all-but-the-top", Mu and Viswanath 2018) spreads them
    apart (graded pairs, 5-fold CV Pearson 0.910 -> 0.915 from this alone).  None
    stays None.
    """
    lead = _leading_directions()
    if v is None or not lead.size:
        return v
    out = v - (lead @ v) @ lead
    norm = float(np.linalg.norm(out))
    return out / norm if norm else None


def key_term_coverage(a: Profile, b: Profile) -> float:
    """How much of one article's key terms the other uses anywhere, the larger of the two directions (0..1).

    The share is by term weight: of the `KEY_TERMS` strongest terms of one article,
    the weight of those that occur anywhere in the other's title or body.
    """
    best = 0.0
    for x, y in ((a, b), (b, a)):
        total = sum(w for _, w in x.key_terms)
        if total:
            best = max(best, sum(w for t, w in x.key_terms if t in y.terms) / total)
    return best


def _rarity(key: str) -> float:
    """How much sharing an entity says: the background IDF of its rarest term."""
    return max((idf(t) for t in terms(key)), default=0.0)


def weighted_entity_overlap(a: Iterable[str], b: Iterable[str],
                            rarity: dict[str, float] | None = None) -> float | None:
    """Jaccard of two entity sets where each entity counts by its rarity; None if a side is empty.

    ``rarity`` holds rarities already computed (`Profile.rarity`); other keys are computed here.
    """
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return None
    known = rarity or {}

    def r(k: str) -> float:
        v = known.get(k)
        return _rarity(k) if v is None else v

    union = sum(r(k) for k in sa | sb)
    return sum(r(k) for k in sa & sb) / union if union else 0.0


def pair_features(a: Profile, b: Profile) -> PairFeatures:
    title_lead = max(cosine(a.title, b.lead), cosine(b.title, a.lead)) if a.title or b.title else 0.0
    figures = (len(a.figures & b.figures) / len(a.figures | b.figures)) if a.figures and b.figures else None
    gap = None
    if a.published and b.published:
        gap = abs((dt.date.fromisoformat(a.published) - dt.date.fromisoformat(b.published)).days)
    meaning = float(a.meaning @ b.meaning) if a.meaning is not None and b.meaning is not None else 0.0
    return PairFeatures(cosine(a.vector, b.vector), title_lead,
                        weighted_entity_overlap(a.entities, b.entities, {**a.rarity, **b.rarity}),
                        figures, gap, meaning, len(a.entities & b.entities), key_term_coverage(a, b))


def feature_row(f: PairFeatures) -> dict[str, float]:
    """The inputs of the logistic model, by weight name (missing signals are zero)."""
    return {
        "bias": 1.0,
        "term": f.term,
        "title_lead": f.title_lead,
        "meaning": f.meaning,
        "entities": f.entities or 0.0,
        "shared_entities": min(f.shared_entities, SHARED_ENTITIES_CAP) / SHARED_ENTITIES_CAP,
        "has_entities": 1.0 if f.entities is not None else 0.0,
        "figures": f.figures or 0.0,
        "has_figures": 1.0 if f.figures is not None else 0.0,
        "day_gap": min(f.day_gap, DAY_GAP_CAP) / DAY_GAP_CAP if f.day_gap is not None else 0.0,
        "coverage": f.coverage,
    }


def graded_similarity(f: PairFeatures, weights: dict[str, float] | None = None) -> float:
    """How related a pair is, in [0, 1]: about 1 same event, 2/3 storyline, 1/3 topic, 0 unrelated."""
    w = GRADED_WEIGHTS if weights is None else weights
    z = sum(w[k] * x for k, x in feature_row(f).items())
    return 1.0 / (1.0 + math.exp(-z))
