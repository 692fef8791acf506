"""Proclitics (و ب ل ف ك and ال) decided by corpus evidence, so names keep their first letter.

``وأرمينيا`` -> ``ارمينيا`` because the bare word is far more frequent in Arabic news
than the prefixed one; ``وزارة``, ``بوتين`` and ``بروكسل`` stay whole because their
"bare" remainders (زاره, وتين, روكسل) are rare.  Counts come from the surface-token
table derived from SaudiNewsNet (``surface_counts.tsv.gz``).
"""

from __future__ import annotations

from functools import cache, lru_cache

from marsad.arabic.lexicons import gz_table

_DEFINITE = ("وال", "بال", "فال", "كال")
_SINGLE = ("و", "ب", "ل", "ف", "ك")
PROCLITICS = "".join(_SINGLE)  # the single-letter proclitics as one string: ``word[:1] in PROCLITICS``
DOUBLE_PROCLITICS = ("وب", "ول", "فب", "فل", "وك")  # two of them in a row (ولإندونيسيا)
DEFINITE_PREFIXES = ("ال", "لل", *_DEFINITE)  # the article, alone or behind a proclitic: ``key.startswith(...)``
PREFIXES = (*_DEFINITE, "لل", "ال", *_SINGLE)  # what may open a word before its stem, longest first


@cache
def surface_counts() -> dict[str, int]:
    return {tok: int(cols[0]) for tok, cols in gz_table("surface_counts.tsv.gz").items()}


def surface_count(token: str) -> int:
    return surface_counts().get(token, 0)


@lru_cache(maxsize=100_000)
def strip_proclitic(key: str) -> str:
    """A normalized word without its leading conjunction/preposition, when the corpus says so."""
    counts = surface_counts()
    own = counts.get(key, 0)
    for p in _DEFINITE:
        if key.startswith(p) and len(key) - len(p) >= 2:
            return "ال" + key[len(p):]
    if key.startswith("لل") and len(key) > 4:
        cand = "ال" + key[2:]
        if counts.get(cand, 0) > own:
            return cand
    for p in _SINGLE:
        if key.startswith(p) and len(key) - 1 >= 3:
            rest = key[1:]
            if counts.get(rest, 0) >= max(3, 2 * own):
                return rest
            # a prefixed form of an unseen name: strip only a conjunction before a known-looking word
            if own == 0 and counts.get(rest, 0) > 0:
                return rest
    return key
