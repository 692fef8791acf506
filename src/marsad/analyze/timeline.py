"""Timelines: dated statements of each article, merged across the articles of a story.

A statement is a sentence (or, for a long sentence, the clauses around its date) filed under
*one* date, its best: the first date the sentence gives.  Arabic news puts the date of the main
verb early ("أعلنت ... اليوم الخميس ارتفاع حصيلة السيول التي اجتاحت المحافظة منذ مساء
الثلاثاء"); ranking dates on their own before span ends, or fine granularities before coarse
ones, did worse on the development half of tests/fixtures/news_dates.tsv (P 0.940 / R 0.926
against 0.955 / 0.941).  A span counted back from the publication day ("منذ 3 أيام": it lasts
until now) dates no statement, and neither does anything `find_dates` leaves vague ("منذ
سنوات", "بعد يومين من الأمطار"), a level or period compared with ("قرب مستويات حزيران",
"مقارنة بالفترة المماثلة من عام 2014"), a month or year that names a period ("العام الدراسي
1436 - 1437هـ", "عقود تسليم ديسمبر") or a range of years in parentheses after a name (a life, a
term: "(1854 - 1900)").  A decade the sentence opens with gives way to a year inside it, unless
the decade starts a span ("منذ السبعينيات ... عام 1979").

Statements of one story with the same date and overlapping content (normalized content-word
Jaccard >= `MERGE_JACCARD`) become one entry carrying every article id; the same sentence
resolved to two dates by two articles (Jaccard >= `SAME_JACCARD`) is kept once, under the date
most articles give.  Entries outside the story's own days (`OWN_DAYS` around its publication
dates) or coarser than a month are marked ``background``: history and plans, shown apart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import regex

from marsad.analyze.dates import compared_date, introduces_range, labelled_period
from marsad.arabic.terms import terms
from marsad.arabic.tokenize import split_sentences
from marsad.model import Analysis, Article, DateMention, TimelineEntry

MERGE_JACCARD = 0.2
SAME_JACCARD = 0.6  # two statements this close are the same sentence, whatever dates they got
MAX_CHARS = 320  # a longer sentence is cut to the clauses around its date
OWN_DAYS = 10  # days around the story's publication dates that are "its own"
_GRAN_RANK = {"day": 0, "week": 1, "month": 2, "season": 3, "year": 4, "decade": 5}
_SEASON_MONTH = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
# clause boundaries inside a sentence: commas, semicolons, colons (Arabic and Latin)
_CLAUSE_END = regex.compile(r"[،,؛;:]\s+")


@dataclass(frozen=True, slots=True)
class Statement:
    """One dated statement of an article (offsets into the article text)."""

    start: int
    end: int
    text: str
    date: str
    granularity: str
    anchor: str


def period_start(value: str) -> dt.date | None:
    """The first day of a date value: 2015-07-26, 2015-W31, 2015-07, 2015-SU, 2015, 199X."""
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        if "-W" in value:
            y, w = value.split("-W")
            return dt.date.fromisocalendar(int(y), int(w), 1)
        if len(value) == 7 and value[5:].isdigit():
            return dt.date(int(value[:4]), int(value[5:]), 1)
        if len(value) == 7:
            return dt.date(int(value[:4]), _SEASON_MONTH.get(value[5:], 1), 1)
        if value.endswith("X"):
            return dt.date(int(value[:3] + "0"), 1, 1)
        return dt.date(int(value), 1, 1)
    except ValueError:
        return None


def best_date(dates: list[DateMention], text: str | None = None, sent_start: int = 0) -> DateMention | None:
    """The date a sentence is filed under, among the dates found in it (see the module doc).

    With the article's ``text`` (and the sentence's start in it), a date that is a level or a
    period compared with ("قرب مستويات حزيران", "مقارنة بالفترة المماثلة من عام 2014") is no
    candidate: it is not when the statement happened.
    """
    usable = sorted((d for d in dates if not d.from_duration), key=lambda d: d.start)
    if text is not None:
        usable = [d for d in usable if not compared_date(text[max(sent_start, d.start - 200):d.start])
                  and not (d.granularity in ("month", "year") and labelled_period(text[max(sent_start, d.start - 60):d.start]))
                  and not _aside_range(text, d)]
    if not usable:
        return None
    best = usable[0]
    # "in the seventies ... in 1977": a year inside the decade the sentence opened with says when the
    # thing happened; the decade only frames it (a day after "this year" stays under the year: the
    # labelled sentences show both readings there)
    for d in usable[1:]:
        # ("منذ السبعينيات ... عام 1979": a decade a span starts from stays the date)
        if best.value.endswith("X") and best.anchor == "point" and _refines(d.value, best.value):
            best = d
    return best


def _aside_range(text: str, d: DateMention) -> bool:
    """A range of years in parentheses, "(1854 - 1900)" after a name: a life or a term, not an event's date
    ("خلال الفترة (2010 - 2020)" is one: the word before the parenthesis names a period)."""
    before = text[:d.start].rstrip()
    if not (d.end_value and before.endswith("(") and text[d.end:].lstrip().startswith(")")):
        return False
    return not introduces_range(before[max(0, len(before) - 40):-1])


def _refines(finer: str, coarser: str) -> bool:
    """Does calendar value ``finer`` lie inside ``coarser`` and say more ("1977" in "197X")?"""
    stem = coarser.rstrip("X")
    return "W" not in finer and len(finer) >= len(coarser) and finer.startswith(stem) and finer != coarser


def statements(text: str, dates: list[DateMention] | tuple[DateMention, ...]) -> list[Statement]:
    """The dated statements of one article's text, one per sentence at most."""
    out = []
    ordered = sorted(dates, key=lambda d: d.start)
    for sent in split_sentences(text):
        inside = [d for d in ordered if sent.start <= d.start < sent.end]
        best = best_date(inside, text, sent.start)
        if best is None:
            continue
        start, end = _clause_span(text, sent.start, sent.end, best.start, best.end)
        out.append(Statement(start, end, text[start:end], best.value, best.granularity, best.anchor))
    return out


def _clause_span(text: str, s: int, e: int, ds: int, de: int) -> tuple[int, int]:
    """The sentence, or for a long one the clauses around the date span [ds, de): whole words only."""
    if e - s <= MAX_CHARS:
        return s, e
    # a date may run past the sentence's end (a split inside "10.5.2015"): cut inside the sentence
    ds, de = max(s, min(ds, e)), max(s, min(de, e))
    cuts = [s] + [m.end() for m in _CLAUSE_END.finditer(text, s, e)] + [e]
    i = max(k for k in range(len(cuts) - 1) if cuts[k] <= ds)
    j = min(k for k in range(1, len(cuts)) if cuts[k] >= de)
    lo, hi = cuts[i], cuts[j]
    while True:
        grown = False
        if i > 0 and hi - cuts[i - 1] <= MAX_CHARS:
            i -= 1
            lo = cuts[i]
            grown = True
        if j < len(cuts) - 1 and cuts[j + 1] - lo <= MAX_CHARS:
            j += 1
            hi = cuts[j]
            grown = True
        if not grown:
            break
    # drop the boundary punctuation the clause ends on, keep the words whole
    piece = text[lo:hi]
    trimmed = piece.rstrip().rstrip("،,؛;:").rstrip()
    return lo, lo + len(trimmed)


def article_statements(article: Article, analysis: Analysis) -> list[tuple[str, str, str]]:
    """(date, granularity, text) for each dated statement of an article."""
    return [(s.date, s.granularity, s.text) for s in statements(article.text, analysis.dates)]


@dataclass
class _Entry:
    date: str
    granularity: str
    anchor: str
    text: str
    terms: set[str]
    article_ids: list[str]


def story_timeline(items: list[tuple[Article, Analysis]]) -> list[TimelineEntry]:
    """One entry per dated statement of a story, merged across its articles, in date order."""
    entries: list[_Entry] = []
    # a fixed order (not the store's), so that a resumed or reordered run gives the same entries and texts
    for article, analysis in sorted(items, key=lambda it: (it[0].published or "", it[0].id)):
        for st in statements(article.text, analysis.dates):
            ts = set(terms(st.text))
            for e in entries:
                if e.date == st.date and _jaccard(ts, e.terms) >= MERGE_JACCARD:
                    if article.id not in e.article_ids:
                        e.article_ids.append(article.id)
                    e.terms |= ts
                    break
            else:
                entries.append(_Entry(st.date, st.granularity, st.anchor, st.text, ts, [article.id]))
    entries = _same_sentence_once(entries)
    window = _own_window([a for a, _ in items], entries)
    entries.sort(key=lambda e: (period_start(e.date) or dt.date.max, _GRAN_RANK.get(e.granularity, 9), -len(e.article_ids),
                                e.text))
    return [TimelineEntry(e.date, e.text, tuple(sorted(e.article_ids)), e.granularity, e.anchor,  # type: ignore[arg-type]
                          _is_background(e, window)) for e in entries]


def _same_sentence_once(entries: list[_Entry]) -> list[_Entry]:
    """A sentence two articles dated differently (a wrong publication day, a copy) is kept once."""
    kept: list[_Entry] = []
    for e in sorted(entries, key=lambda e: (-len(e.article_ids), _GRAN_RANK.get(e.granularity, 9), e.date)):
        twin = next((k for k in kept if k.date != e.date and _jaccard(e.terms, k.terms) >= SAME_JACCARD), None)
        if twin is None:
            kept.append(e)
        else:
            twin.article_ids.extend(a for a in e.article_ids if a not in twin.article_ids)
    return kept


def _own_window(articles: list[Article], entries: list[_Entry]) -> tuple[dt.date, dt.date] | None:
    """The story's own days: its publication dates (else its latest dated day), widened by OWN_DAYS."""
    days = [dt.date.fromisoformat(a.published) for a in articles if a.published]
    if not days:
        days = [d for e in entries if e.granularity == "day" and (d := period_start(e.date))]
        days = [max(days)] if days else []
    if not days:
        return None
    pad = dt.timedelta(days=OWN_DAYS)
    return min(days) - pad, max(days) + pad


def _is_background(e: _Entry, window: tuple[dt.date, dt.date] | None) -> bool:
    if _GRAN_RANK.get(e.granularity, 9) > _GRAN_RANK["month"]:
        return True
    start = period_start(e.date)
    if start is None or window is None:
        return False
    end = start + dt.timedelta(days={"day": 0, "week": 6}.get(e.granularity, 30))
    return end < window[0] or start > window[1]


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with "…" when cut."""
    if len(text) <= limit:
        return text
    space = text.rfind(" ", 0, limit + 1)
    if space <= 0:  # one long word: keep it whole rather than cut it
        space = text.find(" ") if " " in text else len(text)
    return text[:space].rstrip(" ،,؛;:") + " …"


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
