"""Content terms for similarity: normalized tokens, stop words dropped, lightly stemmed.

The stemmer is Snowball's Arabic stemmer, chosen because it leaves foreign names
whole (كاراباخ, يفلاخ, باكو stay as they are; ISRI and tashaphyne cut them).
Before stemming, a leading conjunction on a definite noun is dropped
(والانفصاليين -> الانفصاليين), which Snowball leaves alone.

`idf` reads the background document frequencies derived from SaudiNewsNet
(``background_df.tsv.gz``); a store's own counts can be laid over them.
"""

from __future__ import annotations

import gzip
import math
from collections import Counter
from functools import cache, lru_cache
from importlib import resources

import snowballstemmer

from marsad.arabic.lexicons import gz_table, word_set
from marsad.arabic.tokenize import tokenize

_STEMMER = snowballstemmer.stemmer("arabic")
_CLITIC_DEFINITE = ("وال", "فال", "بال", "كال")


# extraction reads terms through its own token cache (extract/clean.py), so these memos serve the
# other callers (queries, similarity): 100k words each
@lru_cache(maxsize=100_000)
def stem(token: str) -> str:
    """Stem one normalized token; numbers and Latin words pass through lower-cased."""
    if token.isdigit() or token.isascii():
        return token
    if token.startswith(_CLITIC_DEFINITE) and len(token) > 5:
        token = "ال" + token[3:]
    elif token.startswith("لل") and len(token) > 4:
        token = "ال" + token[2:]
    stemmed = _STEMMER.stemWord(token)
    return stemmed if len(stemmed) >= 2 else token


def stopwords() -> frozenset[str]:
    return word_set("stopwords.txt")


def terms(text: str, *, normalized: bool = False) -> list[str]:
    """Content terms of ``text`` in order (with repeats)."""
    stop = stopwords()
    out = []
    for tok in tokenize(text, normalized=normalized):
        if len(tok) < 2 or tok in stop:
            continue
        if tok.isdigit() and len(tok) < 3:
            continue
        out.append(stem(tok))
    return out


@lru_cache(maxsize=100_000)
def _background_idf(term: str) -> float:
    n_docs, df = background()
    return math.log((1 + n_docs) / (1 + df.get(term, 0))) + 1.0


@cache
def background() -> tuple[int, dict[str, int]]:
    """(number of documents, term -> document frequency) of the shipped background corpus."""
    ref = resources.files("marsad.arabic.data").joinpath("background_df.tsv.gz")
    if not ref.is_file():
        return 1, {}
    with gzip.open(ref.open("rb"), "rt", encoding="utf-8") as fh:
        n_docs = int(fh.readline().split("\t")[1])
    return n_docs, {t: int(cols[0]) for t, cols in gz_table("background_df.tsv.gz").items()}


def weighted(term_list: list[str], normalized: bool = True) -> dict[str, float]:
    """Sublinear TF x background IDF of a list of terms, L2-normalized unless asked not to be."""
    counts = Counter(term_list)
    vec = {t: (1.0 + math.log(c)) * idf(t) for t, c in counts.items()}
    if not normalized:
        return vec
    norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
    return {t: w / norm for t, w in vec.items()}


def idf(term: str, extra_docs: int = 0, extra_df: int = 0) -> float:
    """Smoothed inverse document frequency over the background (plus optional store counts)."""
    if not extra_docs and not extra_df:
        return _background_idf(term)
    n_docs, df = background()
    n = n_docs + extra_docs
    d = df.get(term, 0) + extra_df
    return math.log((1 + n) / (1 + d)) + 1.0
