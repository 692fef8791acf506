"""Build a story's report (title, summary, timeline, entities, quotes, facts) and a storyline's."""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from marsad.analyze.entities import canonical_entities, canonical_key
from marsad.analyze.numbers import find_numbers
from marsad.analyze.quotes import canonical_names, canonical_speakers
from marsad.analyze.timeline import story_timeline
from marsad.arabic.terms import idf, terms
from marsad.extract.outlets import UNKNOWN_LABEL
from marsad.extract.outlets import resolve as resolve_outlet
from marsad.model import Analysis, Article, Claim, Quote, SharedParagraph, Story, Storyline, SummarySentence
from marsad.report.facts import group_claims, status_of
from marsad.report.summary import summarize

log = logging.getLogger(__name__)
T = TypeVar("T")


def _section(story_id: str, name: str, build: Callable[[], T], empty: T) -> T:
    """One section of a story's report; a failure empties that section only (logged, naming the story).

    A report is rebuilt whenever its story grows, in `digest` and in a watcher that runs for weeks:
    one story whose text trips an analyser must not stop every other story's report.
    """
    try:
        return build()
    except Exception as exc:  # noqa: BLE001 - any analyser bug: this section of this story is left empty
        log.warning("story %s: %s section left empty (%s: %s)", story_id, name, type(exc).__name__, exc)
        return empty


def outlet_label(article: Article) -> str | None:
    """The name a reader knows the article by: its outlet, else the named agency it comes from, else None.

    Never a file name or a host's spelling: an article no signal names is of an unknown
    outlet (`null` in JSON, `outlet_display` in pages).  A generic source ("وكالات")
    names no outlet.
    """
    if article.outlets:
        return article.outlets[0]
    for wire in article.wires:
        o = resolve_outlet(wire)
        if o is not None and o.kind == "wire":
            return o.name
    return None


def outlet_display(article: Article) -> str:
    """`outlet_label` for a page: "مصدر غير معروف" when no outlet is known."""
    return outlet_label(article) or UNKNOWN_LABEL


def story_date(articles: list[Article]) -> str | None:
    dates = Counter(a.published for a in articles if a.published)
    if not dates:
        return None
    return max(dates.items(), key=lambda kv: (kv[1], kv[0]))[0]


def story_title(articles: list[Article], claims: list[Claim] | None = None,
                duplicates: set[str] | None = None) -> str:
    """The headline a reader should see: among the reports' titles, the most central and best supported.

    Centrality is how much of the story's text a title's terms carry (TF-IDF over all
    reports, copies counted once).  Support is how many reports' own figures agree
    with the figures in the title: "أكثر من 10 قتلى" from the first report loses to
    "12 قتيلا" when every later report says 12.  Publication order plays no part.
    """
    duplicates = duplicates or set()
    originals = [a for a in articles if a.id not in duplicates] or articles
    titled = [a for a in originals if a.title]
    if not titled:
        first = articles[0].paragraphs[0] if articles[0].paragraphs else ""
        words = first.split()
        return " ".join(words[:14]) + (" …" if len(words) > 14 else "")
    centroid: Counter = Counter()
    for a in originals:
        centroid.update(terms(a.text))
    weights = {t: (1 + math.log(c)) * idf(t) for t, c in centroid.items()}
    values_by_article: dict[str, set[float]] = {}
    for c in claims or ():
        if c.value is not None and c.article_id not in duplicates:
            values_by_article.setdefault(c.article_id, set()).add(c.value)
    n_reports = max(1, len({a.id for a in originals}))

    def support(title: str) -> float:
        values = [n.value for n in find_numbers(title) if n.value is not None and not 1900 <= n.value <= 2100]
        if not values or not values_by_article:
            return 1.0
        # the least supported figure decides: one contradicted number makes a headline wrong
        return min(sum(1 for vs in values_by_article.values() if v in vs) / n_reports for v in values)

    best_support = max(support(a.title or "") for a in titled) or 1.0

    def score(a: Article) -> tuple[float, str]:
        ts = set(terms(a.title or ""))
        central = sum(weights.get(t, 0.0) for t in ts) / math.sqrt(len(ts) or 1)
        return (central * support(a.title or "") / best_support, a.id)

    return max(titled, key=score).title or ""


REPORT_ARTICLES = 40  # the report of a very large story reads its most recent articles (summary, timeline, entities)


def build_story(story_id: str, storyline_id: str | None, items: list[tuple[Article, Analysis]],
                shared_rows: list[tuple], assignments: dict[str, tuple[str, str | None]] | None = None) -> Story:
    all_articles = [a for a, _ in items]
    if len(items) > REPORT_ARTICLES:
        # bounded work per story: the newest reports carry what the story is about now
        items = sorted(items, key=lambda it: (it[0].published or it[0].fetched_at or "", it[0].id))[-REPORT_ARTICLES:]
    articles = [a for a, _ in items]
    assignments = assignments or {}
    duplicates = {a.id for a in articles if assignments.get(a.id, (None, None))[1]}
    outlet_of = {a.id: outlet_label(a) for a in articles}
    shared = {(r[0], r[1], r[2], r[3]) for r in shared_rows}
    summary = _section(story_id, "summary", lambda: summarize(items, shared=shared, outlet_of=outlet_of,
                                                                exclude=duplicates), [])
    # copies carry the same sentences: credit them too
    if duplicates:
        summary = [_credit_copies(s, assignments, duplicates, outlet_of) for s in summary]
    date = story_date(articles)
    year = int(date[:4]) if date else None
    claims = [c for _, an in items if an.article_id not in duplicates for c in an.claims]
    quotes: list[Quote] = [q for _, an in items for q in an.quotes if an.article_id not in duplicates]
    entities = canonical_entities((an.article_id, [m for m in an.mentions if m.type != "MISC"]) for _, an in items)
    # one card per speaker: every spelling of an entity, short forms and near spellings under one name;
    # the sources of figures are named the same way
    names = {canonical_key(v): e.name for e in entities for v in (e.name, *e.variants)}
    quotes = canonical_speakers(quotes, names)
    sources = canonical_names([c.attributed_to for c in claims if c.attributed_to] + [q.speaker for q in quotes if q.speaker],
                              names)
    claims = [replace(c, attributed_to=sources.get(c.attributed_to, c.attributed_to)) if c.attributed_to else c
              for c in claims]
    return Story(
        id=story_id,
        storyline_id=storyline_id,
        title=story_title(articles, claims, duplicates),
        article_ids=tuple(a.id for a in all_articles),
        date=date,
        summary=tuple(summary),
        timeline=_section(story_id, "timeline", lambda: tuple(story_timeline(items)), ()),
        entities=tuple(entities),
        quotes=tuple(quotes),
        facts=_section(story_id, "facts", lambda: tuple(group_claims(claims, year)), ()),
        shared_paragraphs=tuple(SharedParagraph(*row[:4], float(row[4])) for row in sorted(shared_rows)),
    )


def _credit_copies(s: SummarySentence, assignments: dict, duplicates: set[str], outlet_of: dict[str, str | None]) -> SummarySentence:
    extra = [d for d in duplicates if assignments[d][1] in s.article_ids]
    if not extra:
        return s
    ids = tuple(sorted(set(s.article_ids) | set(extra)))
    outlets = tuple(dict.fromkeys(o for i in ids if (o := outlet_of.get(i))))
    return SummarySentence(s.text, ids, outlets, s.anchors)


def build_storyline(line_id: str, stories: list[Story]) -> Storyline:
    """A storyline: its stories in date order, one summary line each, and facts across stories."""
    ordered = sorted(stories, key=lambda s: (s.date or "9999", s.id))
    summary = []
    for s in ordered:
        lead = s.summary[0].text if s.summary else s.title
        summary.append(SummarySentence(f"{s.date or '—'}: {s.title} — {lead}" if lead != s.title else f"{s.date or '—'}: {s.title}",
                                       tuple(s.article_ids)))
    # cross-story facts: groups whose claims span two stories or more
    story_of_article = {aid: s.id for s in stories for aid in s.article_ids}
    pooled: dict[str, list] = {}
    for s in stories:
        for g in s.facts:
            pooled.setdefault(g.about, []).extend(g.claims)
    facts = []
    from marsad.model import FactGroup

    for about, claims in sorted(pooled.items()):
        if len({story_of_article.get(c.article_id) for c in claims}) < 2:
            continue
        facts.append(FactGroup(about=about, status=status_of(claims), claims=tuple(claims)))  # type: ignore[arg-type]
    facts.sort(key=lambda g: (g.status != "conflict", g.about))
    title = _line_title(ordered)
    return Storyline(line_id, title, tuple(s.id for s in ordered), tuple(summary), tuple(facts))


def _line_title(stories: list[Story]) -> str:
    """A storyline is called by the headline of its biggest story (most reports; the latest on a tie)."""
    biggest = max(stories, key=lambda s: (len(s.article_ids), s.date or "", s.id))
    return biggest.title
