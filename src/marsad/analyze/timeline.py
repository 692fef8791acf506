"""Timelines: dated statements of each article, merged across the articles of a story.

A statement is a sentence holding a date resolved to a day or a month (years
alone are background, not events).  Statements of one story with the same date
and overlapping content (normalized content-word Jaccard >= `MERGE_JACCARD`,
or a shared entity and the same date and outlet-independent wording) become one
entry carrying every article id.
"""

from __future__ import annotations

from dataclasses import dataclass

from marsad.arabic.terms import terms
from marsad.arabic.tokenize import split_sentences
from marsad.model import Analysis, Article, TimelineEntry

MERGE_JACCARD = 0.2


@dataclass
class _Entry:
    date: str
    granularity: str
    text: str
    terms: set[str]
    article_ids: list[str]


def article_statements(article: Article, analysis: Analysis) -> list[tuple[str, str, str]]:
    """(date, granularity, sentence) for each dated sentence of an article."""
    text = article.text
    sentences = split_sentences(text)
    out = []
    seen = set()
    for d in analysis.dates:
        if d.granularity == "year":
            continue
        sent = next((s for s in sentences if s.start <= d.start < s.end), None)
        if sent is None:
            continue
        key = (d.value, sent.start)
        if key in seen:
            continue
        seen.add(key)
        out.append((d.value, d.granularity, sent.text))
    return out


def story_timeline(items: list[tuple[Article, Analysis]]) -> list[TimelineEntry]:
    entries: list[_Entry] = []
    for article, analysis in items:
        for date, gran, sentence in article_statements(article, analysis):
            ts = set(terms(sentence))
            for e in entries:
                if e.date == date and _jaccard(ts, e.terms) >= MERGE_JACCARD:
                    if article.id not in e.article_ids:
                        e.article_ids.append(article.id)
                    e.terms |= ts
                    break
            else:
                entries.append(_Entry(date, gran, sentence, ts, [article.id]))
    entries.sort(key=lambda e: (e.date, -len(e.article_ids)))
    return [TimelineEntry(e.date, e.text, tuple(sorted(e.article_ids)), e.granularity) for e in entries]  # type: ignore[arg-type]


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
