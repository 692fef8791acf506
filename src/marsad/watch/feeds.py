"""What a source lists: RSS/Atom feeds, news sitemaps (and sitemap indexes), plain URL lists -> `FeedItem`s.

An item's ``stamp`` is what the source says about its version (the entry's
``updated`` date, the sitemap's ``lastmod``); a stored URL is fetched again only
when its stamp changes.  A document that cannot be read at all raises
`FeedError`; one that is broken part-way yields the items before the break and
says so in ``FeedParse.warning``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from marsad.errors import MarsadError

MAX_ITEMS = 5000  # per document: a runaway sitemap does not queue a million URLs


class FeedError(MarsadError):
    """A feed, sitemap or list that cannot be read."""


@dataclass(frozen=True, slots=True)
class FeedItem:
    url: str
    title: str | None = None
    published: str | None = None  # ISO timestamp when the source gives one
    stamp: str | None = None  # the source's version marker of the item


@dataclass(frozen=True, slots=True)
class FeedParse:
    items: tuple[FeedItem, ...]
    children: tuple[str, ...] = ()  # sitemaps listed by a sitemap index
    warning: str | None = None


def parse_source(kind: str, body: bytes, base_url: str, content_type: str = "") -> FeedParse:
    if kind == "feed":
        return parse_feed(body, base_url, content_type)
    if kind == "sitemap":
        return parse_sitemap(body, base_url)
    return parse_url_list(body, base_url)


def _iso(struct) -> str | None:
    if not struct:
        return None
    try:
        import datetime as dt

        return dt.datetime.fromtimestamp(calendar.timegm(struct), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, ValueError, TypeError):
        return None


def _http_url(url: str | None, base: str) -> str | None:
    if not url or not isinstance(url, str):
        return None
    full = urljoin(base, url.strip())
    parts = urlsplit(full)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return full.split("#", 1)[0]


def parse_feed(body: bytes, base_url: str, content_type: str = "") -> FeedParse:
    import feedparser

    headers = {"content-type": content_type} if content_type else {}
    feed = feedparser.parse(body, response_headers=headers)
    if feed.bozo and not feed.entries:
        exc = feed.get("bozo_exception")
        raise FeedError(f"not a readable RSS/Atom feed ({type(exc).__name__}: {exc})" if exc else
                        "not a readable RSS/Atom feed")
    if not feed.entries and not feed.get("version"):
        raise FeedError("not an RSS/Atom feed (no channel or feed element)")
    items: list[FeedItem] = []
    seen: set[str] = set()
    for entry in feed.entries[:MAX_ITEMS]:
        url = _http_url(entry.get("link") or entry.get("id"), base_url)
        if not url or url in seen:
            continue
        seen.add(url)
        # dict.get: feedparser's own get maps a missing "updated" to "published" (with a warning)
        updated_parsed = dict.get(entry, "updated_parsed")
        published = _iso(entry.get("published_parsed")) or _iso(updated_parsed)
        updated = _iso(updated_parsed) or dict.get(entry, "updated")
        items.append(FeedItem(url, entry.get("title"), published, updated or published))
    warning = None
    if feed.bozo and not items:
        exc = feed.get("bozo_exception")
        raise FeedError(f"not a readable RSS/Atom feed ({type(exc).__name__}: {exc})" if exc else
                        "not a readable RSS/Atom feed")
    if feed.bozo:
        warning = f"feed is malformed, read {len(items)} items before the error ({feed.get('bozo_exception')})"
    return FeedParse(tuple(items), warning=warning)


_SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def parse_sitemap(body: bytes, base_url: str) -> FeedParse:
    """A sitemap (``urlset``, with or without ``news:`` fields) or a sitemap index."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
    warning = None
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        recovering = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
        try:
            root = etree.fromstring(body, recovering) if body.strip() else None
        except etree.XMLSyntaxError:
            root = None
        if root is None:
            raise FeedError(f"not a readable sitemap ({exc})") from exc
        warning = f"sitemap is malformed ({exc}); read what came before the error"
    tag = etree.QName(root).localname
    if tag == "sitemapindex":
        kids = [_http_url(_text(s, "loc"), base_url) for s in root if etree.QName(s).localname == "sitemap"]
        return FeedParse((), tuple(k for k in kids if k)[:MAX_ITEMS], warning)
    if tag != "urlset":
        raise FeedError(f"not a sitemap (root element <{tag}>)")
    items: list[FeedItem] = []
    seen: set[str] = set()
    for node in root:
        if etree.QName(node).localname != "url":
            continue
        url = _http_url(_text(node, "loc"), base_url)
        if not url or url in seen:
            continue
        seen.add(url)
        news = node.find(f"{_NEWS}news")
        title = published = None
        if news is not None:
            title = (news.findtext(f"{_NEWS}title") or "").strip() or None
            published = (news.findtext(f"{_NEWS}publication_date") or "").strip() or None
        lastmod = _text(node, "lastmod")
        items.append(FeedItem(url, title, published, lastmod or published))
        if len(items) >= MAX_ITEMS:
            break
    if warning and items:
        items.pop()  # a document cut short: its last entry may be cut too (it comes back when the sitemap is whole)
    return FeedParse(tuple(items), warning=warning)


def _text(node, name: str) -> str | None:
    for child in node:
        if isinstance(child.tag, str) and child.tag in (f"{_SM}{name}", name):
            return (child.text or "").strip() or None
    return None


def parse_url_list(body: bytes, base_url: str) -> FeedParse:
    """One absolute http(s) URL per line; blank lines and ``#`` comments skipped, other lines counted."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FeedError("URL list is not UTF-8 text") from exc
    items: list[FeedItem] = []
    bad = 0
    seen: set[str] = set()
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        first = line.split()[0]
        url = _http_url(first, base_url) if first.lower().startswith(("http://", "https://")) else None
        if url is None:
            bad += 1
            continue
        if url not in seen:
            seen.add(url)
            items.append(FeedItem(url))
    if not items and bad:
        raise FeedError("URL list holds no http(s) URL")
    return FeedParse(tuple(items[:MAX_ITEMS]), warning=f"{bad} lines are not URLs" if bad else None)
