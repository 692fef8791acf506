"""Analyse one article: entity mentions, dates, durations, quotes and numeric claims."""

from __future__ import annotations

import datetime as dt

from marsad.analyze.claims import find_claims
from marsad.analyze.dates import find_dates, find_durations
from marsad.analyze.entities import find_mentions
from marsad.analyze.quotes import find_quotes
from marsad.model import Analysis, Article


def analyze(article: Article, *, use_model: bool = True) -> Analysis:
    """Everything the analysis stage finds in one article (offsets into `Article.text`)."""
    text = article.text
    ref = dt.date.fromisoformat(article.published) if article.published else None
    mentions = tuple(find_mentions(text, use_model=use_model))
    return Analysis(
        article_id=article.id,
        mentions=mentions,
        dates=tuple(find_dates(text, ref)),
        durations=tuple(find_durations(text)),
        quotes=tuple(find_quotes(text, article.id, mentions)),
        claims=tuple(find_claims(text, article.id, mentions)),
    )


def redate(analysis: Analysis, article: Article) -> Analysis:
    """Re-resolve dates once an article's publication date is known (e.g. inferred)."""
    ref = dt.date.fromisoformat(article.published) if article.published else None
    from dataclasses import replace

    return replace(analysis, dates=tuple(find_dates(article.text, ref)))
