"""Analyse one article: entity mentions, dates, durations, quotes and numeric claims.

The article's text is analysed once (`Doc`: its key and offsets, words, sentences and their keys)
and every analyser reads that one document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from marsad.analyze.claims import find_claims
from marsad.analyze.dates import find_dates, find_durations
from marsad.analyze.doc import Doc
from marsad.analyze.entities import find_mentions
from marsad.analyze.quotes import find_quotes
from marsad.model import Analysis, Article


def analyze(article: Article, *, use_model: bool = True) -> Analysis:
    """Everything the analysis stage finds in one article (offsets into `Article.text`)."""
    doc = Doc.of(article.text)
    ref = dt.date.fromisoformat(article.published) if article.published else None
    mentions = tuple(find_mentions(doc, use_model=use_model))
    return Analysis(
        article_id=article.id,
        mentions=mentions,
        dates=tuple(find_dates(doc, ref)),
        durations=tuple(find_durations(doc)),
        quotes=tuple(find_quotes(doc, article.id, mentions)),
        claims=tuple(find_claims(doc, article.id, mentions)),
    )


def redate(analysis: Analysis, article: Article) -> Analysis:
    """Re-resolve dates once an article's publication date is known (e.g. inferred)."""
    ref = dt.date.fromisoformat(article.published) if article.published else None
    return replace(analysis, dates=tuple(find_dates(Doc.of(article.text), ref)))
