"""Files, folders, JSON lines, WARC archives, RSS/Atom feeds and URLs -> `Page` records.

`discover` expands what the user named into readable entries (folders are walked
in sorted order, so every run sees pages in the same order); `read_path` turns
one entry into pages, yielding an `InputError` for each thing it cannot read
instead of stopping the run.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from marsad.errors import InputError
from marsad.model import Page
from marsad.sources.decode import decode_bytes

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
WARC_SUFFIXES = {".warc", ".warc.gz", ".arc", ".arc.gz"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_PAGE_CHARS = 5_000_000


def page_id(content: str) -> str:
    """The content hash that keys a page in the store."""
    return hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _suffix(path: Path) -> str:
    name = path.name.lower()
    for double in (".warc.gz", ".arc.gz"):
        if name.endswith(double):
            return double
    return path.suffix.lower()


def discover(paths: Iterable[str]) -> Iterator[str | InputError]:
    """Expand folders into their readable files (sorted); pass files and URLs through."""
    known = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | WARC_SUFFIXES | FEED_SUFFIXES | {".json"}
    for raw in paths:
        if raw.startswith(("http://", "https://")):
            yield raw
            continue
        p = Path(raw)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    child = Path(root) / name
                    if _suffix(child) in known or "." not in name:
                        yield str(child)
        elif p.exists():
            yield raw
        else:
            yield InputError(raw, "no such file or folder")


def read_path(entry: str) -> Iterator[Page | InputError]:
    """Pages found at one entry: a file of any supported kind, or a URL."""
    if entry.startswith(("http://", "https://")):
        yield from _read_url(entry)
        return
    path = Path(entry)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            yield InputError(entry, f"file too large ({size / 1e6:.0f} MB > {MAX_FILE_BYTES / 1e6:.0f} MB)")
            return
        data = path.read_bytes()
    except PermissionError:
        yield InputError(entry, "permission denied")
        return
    except OSError as exc:
        yield InputError(entry, f"unreadable ({exc.strerror or exc})")
        return
    suffix = _suffix(path)
    if suffix in WARC_SUFFIXES:
        yield from _read_warc(entry, data)
    elif suffix in JSONL_SUFFIXES or suffix == ".json":
        yield from _read_jsonl(entry, data)
    elif suffix in FEED_SUFFIXES:
        yield from _read_feed(entry, data)
    else:
        try:
            text, enc = decode_bytes(data, entry)
        except InputError as err:
            yield err
            return
        kind = "html" if suffix in HTML_SUFFIXES or _looks_html(text) else "text"
        yield _make_page(entry, kind, text, encoding=enc)


def _looks_html(text: str) -> bool:
    head = text[:2048].lower()
    return "<html" in head or "<!doctype html" in head or ("<body" in head and "</" in head)


def _make_page(source: str, kind: str, content: str, *, url: str | None = None,
               fetched_at: str | None = None, encoding: str = "utf-8") -> Page | InputError:
    if len(content) > MAX_PAGE_CHARS:
        return InputError(source, f"page too large ({len(content) / 1e6:.1f} M characters > {MAX_PAGE_CHARS / 1e6:.0f} M)")
    if not content.strip():
        return InputError(source, "empty page")
    return Page(id=page_id(content), source=source, kind=kind, content=content,  # type: ignore[arg-type]
                url=url, fetched_at=fetched_at, encoding=encoding)


def _read_jsonl(entry: str, data: bytes) -> Iterator[Page | InputError]:
    try:
        text, _ = decode_bytes(data, entry)
    except InputError as err:
        yield err
        return
    stripped = text.lstrip()
    if stripped.startswith("["):  # a JSON array of records is accepted too
        try:
            records = json.loads(stripped)
        except json.JSONDecodeError as exc:
            yield InputError(entry, f"invalid JSON ({exc.msg} at line {exc.lineno})")
            return
        lines = [(i + 1, r) for i, r in enumerate(records)]
    else:
        lines = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                lines.append((n, json.loads(line)))
            except json.JSONDecodeError as exc:
                yield InputError(f"{entry}#{n}", f"invalid JSON ({exc.msg})")
    for n, rec in lines:
        src = f"{entry}#{n}"
        if not isinstance(rec, dict):
            yield InputError(src, "record is not a JSON object")
            continue
        html, body = rec.get("html"), rec.get("text") or rec.get("content")
        url = rec.get("url") if isinstance(rec.get("url"), str) else None
        fetched = rec.get("fetched_at") or rec.get("date_extracted")
        if isinstance(html, str) and html.strip():
            yield _make_page(src, "html", html, url=url, fetched_at=fetched)
        elif isinstance(body, str) and body.strip():
            title = rec.get("title")
            if isinstance(title, str) and title.strip() and not body.lstrip().startswith(title.strip()):
                body = f"{title.strip()}\n{body}"
            yield _make_page(src, "text", body, url=url, fetched_at=fetched)
        else:
            yield InputError(src, "record has neither 'html' nor 'text'")


def _read_warc(entry: str, data: bytes) -> Iterator[Page | InputError]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        stream = io.BytesIO(data)
        for n, record in enumerate(ArchiveIterator(stream), 1):
            if record.rec_type != "response":
                continue
            ctype = (record.http_headers.get_header("Content-Type") if record.http_headers else "") or ""
            if "html" not in ctype and "text" not in ctype:
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            date = record.rec_headers.get_header("WARC-Date")
            src = f"{entry}#{n}"
            try:
                text, enc = decode_bytes(record.content_stream().read(), src)
            except InputError as err:
                yield err
                continue
            kind = "html" if "html" in ctype or _looks_html(text) else "text"
            yield _make_page(src, kind, text, url=url, fetched_at=date, encoding=enc)
    except (ArchiveLoadFailed, gzip.BadGzipFile, EOFError, ValueError) as exc:
        yield InputError(entry, f"not a readable WARC archive ({exc})")


def _read_feed(entry: str, data: bytes) -> Iterator[Page | InputError]:
    import feedparser

    feed = feedparser.parse(data)
    if feed.bozo and not feed.entries:
        yield InputError(entry, f"not a readable RSS/Atom feed ({feed.get('bozo_exception')})")
        return
    for n, item in enumerate(feed.entries, 1):
        src = f"{entry}#{n}"
        parts = item.get("content") or []
        body = parts[0].get("value") if parts else item.get("summary", "")
        title = item.get("title", "")
        url = item.get("link")
        when = item.get("published") or item.get("updated")
        if not body:
            yield InputError(src, "feed entry has no content")
            continue
        html = f"<html><head><title>{_esc(title)}</title>" + (
            f'<meta property="article:published_time" content="{_esc(when)}">' if when else ""
        ) + f"</head><body><article><h1>{_esc(title)}</h1>{body}</article></body></html>"
        yield _make_page(src, "html", html, url=url, fetched_at=when)


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _read_url(url: str) -> Iterator[Page | InputError]:
    import urllib.error
    import urllib.request

    req = urllib.request.Request(url, headers={"User-Agent": "marsad/0.1 (+news research)"})
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:  # noqa: S310 - user-given URL
            data = resp.read(MAX_FILE_BYTES)
            ctype = resp.headers.get("Content-Type", "")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        yield InputError(url, f"could not fetch ({getattr(exc, 'reason', exc)})")
        return
    if "xml" in ctype or data.lstrip()[:100].lower().startswith((b"<?xml", b"<rss", b"<feed")):
        yield from _read_feed(url, data)
        return
    try:
        text, enc = decode_bytes(data, url)
    except InputError as err:
        yield err
        return
    yield _make_page(url, "html" if _looks_html(text) else "text", text, url=url, encoding=enc)
