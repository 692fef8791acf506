"""Build a story's report (title, summary, timeline, entities, quotes, facts) and a storyline's."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import PurePath

from marsad.analyze.entities import canonical_entities
from marsad.analyze.timeline import story_timeline
from marsad.arabic.terms import idf, terms
from marsad.model import Analysis, Article, Quote, SharedParagraph, Story, Storyline, SummarySentence
from marsad.report.facts import group_claims, status_of
from marsad.report.summary import summarize


def outlet_label(article: Article) -> str:
    """The name a reader knows the article by: its outlet, else its wire, else its file or host."""
    if article.outlets:
        return article.outlets[0]
    if article.wires:
        return article.wires[0]
    if article.url:
        from urllib.parse import urlsplit

        host = urlsplit(article.url).hostname
        if host:
            return host.removeprefix("www.")
    return PurePath(article.source.split("#")[0]).stem


def story_date(articles: list[Article]) -> str | None:
    dates = Counter(a.published for a in articles if a.published)
    if not dates:
        return None
    return max(dates.items(), key=lambda kv: (kv[1], kv[0]))[0]


def story_title(articles: list[Article]) -> str:
    """The most representative headline: the title closest to all the story's text."""
    titled = [a for a in articles if a.title]
    if not titled:
        first = articles[0].paragraphs[0] if articles[0].paragraphs else ""
        words = first.split()
        return " ".join(words[:14]) + (" …" if len(words) > 14 else "")
    centroid: Counter = Counter()
    for a in articles:
        centroid.update(terms(a.text))
    weights = {t: (1 + math.log(c)) * idf(t) for t, c in centroid.items()}

    def score(a: Article) -> tuple[float, str]:
        ts = set(terms(a.title or ""))
        return (sum(weights.get(t, 0.0) for t in ts) / math.sqrt(len(ts) or 1), a.id)

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
    summary = summarize(items, shared=shared, outlet_of=outlet_of, exclude=duplicates)
    # copies carry the same sentences: credit them too
    if duplicates:
        summary = [_credit_copies(s, assignments, duplicates, outlet_of) for s in summary]
    date = story_date(articles)
    year = int(date[:4]) if date else None
    claims = [c for _, an in items if an.article_id not in duplicates for c in an.claims]
    quotes: list[Quote] = [q for _, an in items for q in an.quotes if an.article_id not in duplicates]
    entities = canonical_entities((an.article_id, [m for m in an.mentions if m.type != "MISC"]) for _, an in items)
    return Story(
        id=story_id,
        storyline_id=storyline_id,
        title=story_title(articles),
        article_ids=tuple(a.id for a in all_articles),
        date=date,
        summary=tuple(summary),
        timeline=tuple(story_timeline(items)),
        entities=tuple(entities),
        quotes=tuple(quotes),
        facts=tuple(group_claims(claims, year)),
        shared_paragraphs=tuple(SharedParagraph(*row[:4], float(row[4])) for row in sorted(shared_rows)),
    )


def _credit_copies(s: SummarySentence, assignments: dict, duplicates: set[str], outlet_of: dict[str, str]) -> SummarySentence:
    extra = [d for d in duplicates if assignments[d][1] in s.article_ids]
    if not extra:
        return s
    ids = tuple(sorted(set(s.article_ids) | set(extra)))
    outlets = tuple(dict.fromkeys(outlet_of[i] for i in ids))
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
    """Named by the entities most of its stories share (e.g. "أذربيجان · أرمينيا · قره باغ")."""
    counts: Counter = Counter()
    display: dict[str, str] = {}
    for s in stories:
        seen = set()
        for e in s.entities[:12]:
            if e.type in ("LOC", "ORG", "PERS") and e.name not in seen:
                counts[e.name] += 1
                seen.add(e.name)
                display.setdefault(e.name, e.name)
    top = [n for n, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3]]
    if len(stories) == 1 or not top:
        return stories[-1].title
    return " · ".join(top)
