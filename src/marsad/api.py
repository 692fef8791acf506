"""Small public helpers that wrap the stages for one-off use (no store needed)."""

from __future__ import annotations

from marsad.analyze.core import analyze
from marsad.analyze.dates import weekday_mentions
from marsad.analyze.entities import entity_keys
from marsad.cluster.features import cosine, term_vector
from marsad.cluster.similarity import combine, date_factor, entity_overlap, event_weekday
from marsad.extract.core import extract
from marsad.model import Article, Page
from marsad.sources.files import page_id


def extract_text(text: str, source: str = "<text>") -> Article:
    """Extract the article from the text of one page (a text dump, or HTML if it looks like HTML)."""
    kind = "html" if "<html" in text[:2048].lower() or "<body" in text[:4096].lower() else "text"
    return extract(Page(page_id(text), source, kind, text))  # type: ignore[arg-type]


def similarity(a: str | Article, b: str | Article) -> float:
    """How likely two articles report the same event, in [0, 1].

    Each side is an `Article` or the text of a page (title on the first line, then
    the body; HTML is accepted).  This is the measure the clustering uses for a
    pair: TF-IDF cosine of stemmed, normalized terms blended with the overlap of
    canonical entities, times the compatibility of their event days (publication
    dates, or the weekdays they call "today").  Scores of 0.33 and above put two
    articles into one story.
    """
    arts = [x if isinstance(x, Article) else extract_text(x) for x in (a, b)]
    feats = []
    for art in arts:
        an = analyze(art)
        feats.append((
            term_vector(art.title, art.paragraphs),
            entity_keys(m for m in an.mentions if m.type in ("PERS", "ORG", "LOC")),
            art.published,
            event_weekday(weekday_mentions(art.text)),
        ))
    (va, ea, pa, wa), (vb, eb, pb, wb) = feats
    return combine(cosine(va, vb), entity_overlap(ea, eb), date_factor(pa, wa, pb, wb))
