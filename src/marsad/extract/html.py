"""HTML pages: trafilatura finds the main content and metadata, then blocks are cleaned like text.

trafilatura keeps "read also" articles that sit inside the article element, so its
output goes through the same block cleaner as text dumps.  Deeply nested or broken
HTML is parsed by lxml's recovering parser; a page it cannot parse at all yields
no blocks rather than an exception.
"""

from __future__ import annotations

import warnings

import regex


def html_blocks(html: str, url: str | None = None) -> tuple[list[str], dict]:
    """(blocks of the main content, metadata dict with title/date/sitename/url)."""
    import trafilatura

    meta: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            # fast: no justext/readability fallback; marsad's own block cleaning follows anyway
            doc = trafilatura.bare_extraction(
                html, url=url, with_metadata=True, include_comments=False, include_tables=False,
                favor_recall=True, deduplicate=False, fast=True,
                # metadata and markup dates only; dates written in the text are marsad's own job
                date_extraction_params={"extensive_search": False, "original_date": True},
            )
        except (ValueError, RecursionError, TypeError):
            doc = None
    if doc is None:
        return _fallback_blocks(html), meta
    text = getattr(doc, "text", None) or ""
    meta["title"] = (getattr(doc, "title", None) or "").strip() or None
    date = getattr(doc, "date", None)
    if date and regex.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        meta["date"] = date
    meta["sitename"] = (getattr(doc, "sitename", None) or "").strip() or None
    meta["url"] = getattr(doc, "url", None) or url
    blocks = [ln.strip() for ln in text.split("\n") if ln.strip()]
    return blocks, meta


def _fallback_blocks(html: str) -> list[str]:
    """Text of a page trafilatura could not handle: tags stripped, one block per line."""
    text = regex.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    text = regex.sub(r"(?i)<br\s*/?>|</p>|</div>|</h\d>|</li>", "\n", text)
    text = regex.sub(r"<[^>]+>", " ", text)
    import html as htmllib

    text = htmllib.unescape(text)
    return [regex.sub(r"[ \t]+", " ", ln).strip() for ln in text.split("\n") if ln.strip()]
