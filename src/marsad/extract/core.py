"""Page -> Article: dispatch text dumps and HTML to their readers, then clean blocks alike."""

from __future__ import annotations

import regex

from marsad.extract.clean import Cleaned, clean_blocks, split_blocks
from marsad.extract.outlets import page_outlets
from marsad.model import Article, Page

_MAX_LINE = 20_000  # a "line" longer than this is cut into sentence-sized blocks


def extract(page: Page) -> Article:
    """The clean article of one page (never raises on content; see `Article.removed`)."""
    if page.kind == "html":
        from marsad.extract.html import html_blocks

        blocks, meta = html_blocks(page.content, page.url)
        cleaned = clean_blocks(blocks, title=meta.get("title"), find_title=meta.get("title") is None)
        published, how = (cleaned.date, "explicit") if cleaned.date else (meta.get("date"), "metadata")
        site_names = [meta["sitename"]] if meta.get("sitename") else []
        url = page.url or meta.get("url")
    else:
        blocks = _text_blocks(page.content)
        cleaned = clean_blocks(blocks)
        published, how = cleaned.date, "explicit"
        site_names = []
        url = page.url
    outlets, wires = _outlets(cleaned, site_names, url, page.outlet)
    return Article(
        id=page.id,
        source=page.source,
        title=cleaned.title,
        paragraphs=tuple(cleaned.paragraphs),
        published=published,
        published_how=how if published else None,  # type: ignore[arg-type]
        outlets=tuple(outlets),
        wires=tuple(wires),
        tags=tuple(cleaned.tags),
        removed=tuple(cleaned.removed),
        url=url,
        fetched_at=page.fetched_at,
    )


def _text_blocks(content: str) -> list[str]:
    blocks = []
    for line in split_blocks(content):
        if len(line) <= _MAX_LINE:
            blocks.append(line)
        else:  # 10 MB of one line: cut at sentence ends so each block stays small
            parts = regex.split(r"(?<=[.!؟?])\s+", line)
            buf = ""
            for p in parts:
                if len(buf) + len(p) > _MAX_LINE and buf:
                    blocks.append(buf)
                    buf = ""
                buf = f"{buf} {p}".strip()
                while len(buf) > _MAX_LINE:
                    blocks.append(buf[:_MAX_LINE])
                    buf = buf[_MAX_LINE:]
            if buf:
                blocks.append(buf)
    return blocks


def _outlets(cleaned: Cleaned, site_names: list[str], url: str | None,
             declared: str | None = None) -> tuple[list[str], list[str]]:
    """The page's outlets and wires from its declared outlet, URL, site name, source lines, footer and reporters."""
    return page_outlets(url, site_names, cleaned.sources, (r.text for r in cleaned.removed), cleaned.paragraphs,
                        declared)
