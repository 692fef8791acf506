"""HTML pages: trafilatura finds the main content and metadata, then blocks are cleaned like text.

trafilatura keeps "read also" articles that sit inside the article element, so its
output goes through the same block cleaner as text dumps.  Deeply nested or broken
HTML is parsed by lxml's recovering parser; a page it cannot parse at all yields
no blocks rather than an exception.
"""

from __future__ import annotations

import warnings
from copy import copy
from functools import cache

import regex


def html_blocks(html: str, url: str | None = None) -> tuple[list[str], dict]:
    """(blocks of the main content, metadata dict with title/date/sitename/url)."""
    meta: dict = {}
    options = _options()  # built once: trafilatura reads its config file into options on every call otherwise
    if url is not None:  # a copy carries the page's URL (trafilatura itself changes no option it is given)
        options = copy(options)
        options.url = options.source = url
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            doc = _extraction(html, options)
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


def _extraction(html: str, options):  # -> trafilatura.settings.Document | None
    """``trafilatura.bare_extraction`` with marsad's options, minus the metadata marsad never reads.

    trafilatura's metadata pass looks for the author on a deep copy of the whole tree,
    and for categories, tags and a licence; marsad reads only the title, date, site
    name and URL (it finds authors and tags in the text).  This runs the same steps as
    ``bare_extraction`` (trafilatura 2.3) for those four fields; with another
    trafilatura it falls back to ``bare_extraction`` itself.
    """
    try:
        from trafilatura.core import trafilatura_sequence
        from trafilatura.metadata import (
            META_URL,
            examine_meta,
            extract_meta_json,
            extract_sitename,
            extract_title,
            extract_url,
            find_date,
        )
        from trafilatura.utils import line_processing, load_html
        from trafilatura.xml import xmltotxt
    except ImportError:  # pragma: no cover - another trafilatura
        import trafilatura

        return trafilatura.bare_extraction(html, url=options.url, options=copy(options))  # (it may change them)
    import html as htmllib

    tree = load_html(html, options.max_file_size)
    if tree is None:
        return None
    doc = examine_meta(tree)
    try:
        doc = extract_meta_json(tree, doc)
    except Exception:  # noqa: BLE001 - trafilatura guards this call the same way (bugs in its JSON-LD reader)
        pass
    if not doc.title:
        doc.title = extract_title(tree)
    if not doc.url:
        doc.url = extract_url(tree, options.url)
    doc.date = find_date(tree, **{**options.date_params, "url": doc.url})
    if not doc.sitename:
        doc.sitename = extract_sitename(tree)
    if doc.sitename:
        doc.sitename = doc.sitename.lstrip("@")
        if doc.sitename and "." not in doc.sitename and not doc.sitename[0].isupper():
            doc.sitename = doc.sitename.title()
    elif doc.url and (m := META_URL.match(doc.url)):
        doc.sitename = m[1]
    for name in ("title", "sitename", "url", "date"):
        value = getattr(doc, name)
        if isinstance(value, str):
            value = value[:9999] + "…" if len(value) > 10000 else value
            setattr(doc, name, line_processing(htmllib.unescape(value)))
    postbody, text, _, comments = trafilatura_sequence(tree, options, options.url or doc.url)
    if len(text) < options.min_output_size and len(comments) < options.min_output_comm_size:
        return None
    doc.text = xmltotxt(postbody, options.formatting)
    return doc


@cache
def _options():  # -> trafilatura.settings.Extractor
    """marsad's trafilatura settings, built once and shared (a copy carries a page's URL)."""
    from trafilatura.settings import Extractor

    return Extractor(
        output_format="python", with_metadata=True, comments=False, tables=False,
        recall=True, dedup=False,
        fast=True,  # no justext/readability fallback; marsad's own block cleaning follows anyway
        # metadata and markup dates only; dates written in the text are marsad's own job
        date_params={"extensive_search": False, "original_date": True},
    )


def _fallback_blocks(html: str) -> list[str]:
    """Text of a page trafilatura could not handle: tags stripped, one block per line."""
    text = regex.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    text = regex.sub(r"(?i)<br\s*/?>|</p>|</div>|</h\d>|</li>", "\n", text)
    text = regex.sub(r"<[^>]+>", " ", text)
    import html as htmllib

    text = htmllib.unescape(text)
    return [regex.sub(r"[ \t]+", " ", ln).strip() for ln in text.split("\n") if ln.strip()]
