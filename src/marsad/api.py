"""Small public helpers that wrap the stages for one-off use (no store needed)."""

from __future__ import annotations

from marsad.analyze.core import analyze
from marsad.analyze.entities import entity_keys
from marsad.cluster.similarity import Profile, graded_similarity, pair_features, profile
from marsad.extract.core import extract
from marsad.model import Article, Page
from marsad.sources.files import page_id


def extract_text(text: str, source: str = "<text>") -> Article:
    """Extract the article from the text of one page (a text dump, or HTML if it looks like HTML)."""
    kind = "html" if "<html" in text[:2048].lower() or "<body" in text[:4096].lower() else "text"
    return extract(Page(page_id(text), source, kind, text))  # type: ignore[arg-type]


def article_profile(article: Article) -> Profile:
    """What `similarity` compares of one article (analysis included; compute once, compare often)."""
    an = analyze(article)
    keys = entity_keys(m for m in an.mentions if m.type in ("PERS", "ORG", "LOC"))
    return profile(article.title, article.paragraphs, keys, article.published)


def similarity(a: str | Article, b: str | Article) -> float:
    """How related two articles are, in [0, 1], on the scale people grade pairs with.

    Each side is an `Article` or the text of a page (title on the first line, then
    the body; HTML is accepted).  About 1 means the same event, 2/3 the same
    storyline, 1/3 the same topic, 0 unrelated (``docs/labelling_guide.md``).  The
    score is a logistic function of the term cosine, the title-to-lead cosine, the
    cosine of word-vector meaning vectors, rarity-weighted entity overlap and shared
    entities, shared figures and the gap between publication days, the last ones only
    when both sides have them
    (`marsad.cluster.similarity.graded_similarity`).
    """
    arts = [x if isinstance(x, Article) else extract_text(x) for x in (a, b)]
    pa, pb = (article_profile(art) for art in arts)
    return graded_similarity(pair_features(pa, pb))
