"""The cross-source fact table: numeric claims grouped by what they count and the event they belong to.

A group is keyed by the claim's category (killed, wounded, troops, …) and its
event: claims in a sentence that dates itself to other years (``بين 1988 و1994``)
belong to that period, not to the story's event; vague amounts (``عشرات الآلاف``)
are kept apart from exact figures (they are totals of another scope more often
than estimates of the same one).

Figures with a unit are grouped by what they measure and in which unit
(``interest-rate:percent``, ``interest-rate:bp``, ``allocation:dinar``; see
``analyze.claims``): rates of two measures, or amounts in two currencies, are never
compared.  `fact_label` gives a group's name for the Arabic pages.

Status of a group:
* ``single-source`` — all its claims come from one article;
* ``agree`` — every pair of claims from different articles is compatible (equal
  values; "أكثر من 200" with 200 or more; "نحو X" within 10 %; ranges that meet);
* ``conflict`` — some pair is not, including a figure against a denial
  ("نحو 10 آلاف" troops vs "لا توجد أي قوات").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cache

import regex

from marsad.arabic.lexicons import table
from marsad.model import Claim, FactGroup

ABOUT_TOLERANCE = 0.10  # "نحو 45 ألفا" and "أكثر من 50 ألفا" conflict; "نحو 10 آلاف" and 10,500 agree


def _bounds(c: Claim) -> tuple[float, float]:
    if c.negated:
        return 0.0, 0.0
    if c.value is None:
        return (c.low or 0.0), (c.high or float("inf"))
    v = c.value
    q = c.qualifier
    if q == "more-than":
        return v, float("inf")
    if q == "at-least":
        return v, float("inf")
    if q == "less-than":
        return 0.0, v
    if q == "at-most":
        return 0.0, v
    if q == "about":
        return v * (1 - ABOUT_TOLERANCE), v * (1 + ABOUT_TOLERANCE)
    return v, v


def compatible(a: Claim, b: Claim) -> bool:
    """Can both claims be true of the same thing?"""
    if a.negated != b.negated:
        return False
    lo_a, hi_a = _bounds(a)
    lo_b, hi_b = _bounds(b)
    return lo_a <= hi_b and lo_b <= hi_a


def event_key(claim: Claim, story_year: int | None) -> str:
    years = sorted({int(y) for y in regex.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", claim.text)})
    years = [y for y in years if story_year is None or y != story_year]
    if years:
        return f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    return "current"


def group_claims(claims: Iterable[Claim], story_year: int | None = None) -> list[FactGroup]:
    groups: dict[tuple[str, str, bool], list[Claim]] = defaultdict(list)
    for c in claims:
        vague = c.value is None and not c.negated
        groups[(c.category, event_key(c, story_year), vague)].append(c)
    out = []
    for (category, event, vague), members in groups.items():
        about = category if event == "current" else f"{category} ({event})"
        if vague:
            about += " (approximate)"
        out.append(FactGroup(about=about, status=status_of(members), claims=tuple(members)))
    order = {"conflict": 0, "agree": 1, "single-source": 2}
    out.sort(key=lambda g: (order[g.status], -len({c.article_id for c in g.claims}), g.about))
    return out


def status_of(claims: list[Claim]) -> str:
    articles = {c.article_id for c in claims}
    if len(articles) < 2:
        return "single-source"
    for i, a in enumerate(claims):
        for b in claims[i + 1:]:
            if a.article_id != b.article_id and not compatible(a, b):
                return "conflict"
    return "agree"


@cache
def _labels() -> dict[str, str]:
    return {row[0]: row[1] for row in table("categories.tsv", "marsad.report.data")}


def fact_label(about: str) -> str:
    """The Arabic name of a fact group: ``inflation:percent`` -> "التضخم (٪)", ``families (approximate)`` -> "العائلات (تقديري)"."""
    head, _, rest = (about or "").partition(" ")
    labels = _labels()
    measure, _, unit = head.partition(":")
    label = labels.get(measure, measure)
    if unit:
        label += f" ({labels.get(unit, unit)})"
    for scope in regex.findall(r"\(([^)]*)\)", rest):
        label += f" ({labels.get(scope, scope)})"
    return label
