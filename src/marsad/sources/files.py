"""Files, folders, JSON lines, WARC archives, RSS/Atom feeds and URLs -> `Page` records.

`discover` expands what the user named into readable entries (folders are walked
in sorted order, so every run sees pages in the same order); `read_path` turns
one entry into pages, yielding an `InputError` for each thing it cannot read
instead of stopping the run.

Nothing an input holds can stop the run, hang it or exhaust memory (issue #13):

* whatever a reader raises becomes an `InputError` naming the entry (pages it
  yielded before are kept);
* only regular files are read (a FIFO or a device would block or never end);
* every read is capped *while reading*: text and HTML files by `MAX_FILE_BYTES`,
  JSON-lines records and WARC records by `MAX_RECORD_BYTES` each (the file itself
  is streamed, so its size does not matter), feeds by `MAX_FEED_BYTES`, URLs by
  `MAX_FILE_BYTES` and a whole-download deadline of `URL_DEADLINE` seconds;
  compressed bodies are capped after decompression (a gzip bomb stops at the cap);
* JSON-lines records are checked against a schema (`validate_record`: types,
  sizes, nesting depth) before use;
* file names with undecodable bytes and text with lone surrogates are made
  storable (`marsad.textsafe`); URLs are validated (`clean_url`).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import stat
import time
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from marsad.errors import InputError
from marsad.model import Page
from marsad.sources.decode import decode_bytes, has_visible_letters
from marsad.textsafe import safe_name, scrub_surrogates

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
WARC_SUFFIXES = {".warc", ".warc.gz", ".arc", ".arc.gz"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
# A page holds at most MAX_PAGE_CHARS characters: 5 M Arabic characters are 10 MB in UTF-8, so a text or
# HTML file (or one record) above 32 MB cannot be a page, whatever its markup; it is refused unread.
MAX_PAGE_CHARS = 5_000_000
MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_RECORD_BYTES = 32 * 1024 * 1024
MAX_FEED_BYTES = 64 * 1024 * 1024
MAX_JSON_ARRAY_BYTES = 64 * 1024 * 1024
MAX_JSON_DEPTH = 32  # a page record is flat; anything nested deeper than this is not one
MAX_URL_CHARS = 8192
MAX_FIELD_CHARS = {"url": MAX_URL_CHARS, "fetched_at": 64, "date_extracted": 64, "title": 10_000}
URL_DEADLINE = 60.0  # seconds for a whole download (a server trickling bytes cannot hold the run longer)
URL_READ_TIMEOUT = 15.0  # seconds without a byte before a download is given up
_CHUNK = 64 * 1024


def page_id(content: str) -> str:
    """The content hash that keys a page in the store."""
    return hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _suffix(path: Path) -> str:
    name = path.name.lower()
    for double in (".warc.gz", ".arc.gz"):
        if name.endswith(double):
            return double
    return path.suffix.lower()


def _is_url(raw: str) -> bool:
    return raw[:8].lower().startswith(("http://", "https://"))


def discover(paths: Iterable[str]) -> Iterator[str | InputError]:
    """Expand folders into their readable files (sorted); pass files and URLs through."""
    known = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | WARC_SUFFIXES | FEED_SUFFIXES | {".json"}
    for raw in paths:
        if _is_url(raw):
            yield raw
            continue
        p = Path(raw)
        try:
            is_dir = p.is_dir()
            exists = is_dir or p.exists()
        except (OSError, ValueError) as exc:  # a name too long, NUL in it, a loop of links
            yield InputError(raw, f"unusable path ({_reason(exc)})")
            continue
        if is_dir:
            problems: list[OSError] = []
            for root, dirs, files in os.walk(p, onerror=problems.append):
                dirs.sort()
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    child = Path(root) / name
                    if _suffix(child) in known or "." not in name:
                        yield str(child)
            for exc in problems:  # an unreadable sub-folder is named, not skipped silently
                yield InputError(exc.filename or raw, f"unreadable folder ({_reason(exc)})")
        elif exists:
            yield raw
        else:
            yield InputError(raw, "no such file or folder")


def read_path(entry: str) -> Iterator[Page | InputError]:
    """Pages found at one entry: a file of any supported kind, or a URL.

    Never raises: whatever goes wrong becomes an `InputError` naming the entry
    (pages yielded before it are kept).
    """
    try:
        yield from _read_entry(entry)
    except Exception as exc:  # noqa: BLE001 - one input must not stop the run, whatever it does
        yield InputError(entry, f"unreadable ({type(exc).__name__}: {_reason(exc)})")


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return text[:200]


def _read_entry(entry: str) -> Iterator[Page | InputError]:
    if _is_url(entry):
        yield from _read_url(entry)
        return
    path = Path(entry)
    suffix = _suffix(path)
    try:
        fh = _open_regular(path)
    except InputError as err:
        yield err
        return
    except PermissionError:
        yield InputError(entry, "permission denied")
        return
    except OSError as exc:
        yield InputError(entry, f"unreadable ({_reason(exc)})")
        return
    with fh:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            yield InputError(entry, "empty file")
            return
        if suffix in WARC_SUFFIXES:
            yield from _read_warc(entry, fh)
            return
        if suffix in JSONL_SUFFIXES or suffix == ".json":
            yield from _read_jsonl(entry, fh)
            return
        cap = MAX_FEED_BYTES if suffix in FEED_SUFFIXES else MAX_FILE_BYTES
        if size > cap:
            yield InputError(entry, f"file too large ({size / 2**20:.0f} MB > {cap >> 20} MB)")
            return
        data = fh.read(cap + 1)
        if len(data) > cap:  # the file grew while we read it
            yield InputError(entry, f"file too large (> {cap >> 20} MB)")
            return
    if suffix in FEED_SUFFIXES:
        yield from _read_feed(entry, data)
        return
    try:
        text, enc = decode_bytes(data, entry)
    except InputError as err:
        yield err
        return
    del data
    kind = "html" if suffix in HTML_SUFFIXES or _looks_html(text) else "text"
    yield _make_page(entry, kind, text, encoding=enc)


def _open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading; FIFOs, devices and sockets are refused (they block or never end)."""
    # O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever, before we can look at it
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = ("a FIFO" if stat.S_ISFIFO(st.st_mode) else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
                    else "a socket" if stat.S_ISSOCK(st.st_mode) else "a folder" if stat.S_ISDIR(st.st_mode) else "special")
            raise InputError(str(path), f"not a regular file ({kind})")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _looks_html(text: str) -> bool:
    head = text[:2048].lower()
    return "<html" in head or "<!doctype html" in head or ("<body" in head and "</" in head)


def clean_url(url: Any) -> str | None:
    """``url`` if it is a usable http(s) URL (parseable, with a host, no spaces or controls), else None."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_CHARS:
        return None
    if any(ord(ch) <= 32 or ord(ch) == 127 or 0xD800 <= ord(ch) <= 0xDFFF for ch in url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # raises on a bad port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return url


def _clean_stamp(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return scrub_surrogates(value.strip()[:64])


def _make_page(source: str, kind: str, content: str, *, url: str | None = None,
               fetched_at: str | None = None, encoding: str = "utf-8") -> Page | InputError:
    source = safe_name(source)
    if len(content) > MAX_PAGE_CHARS:
        return InputError(source, f"page too large ({len(content) / 1e6:.1f} M characters > {MAX_PAGE_CHARS / 1e6:.0f} M)")
    content = scrub_surrogates(content.replace("\x00", ""))
    if not content.strip():
        return InputError(source, "empty page")
    if not has_visible_letters(content):
        return InputError(source, "empty page (no visible letters)")
    return Page(id=page_id(content), source=source, kind=kind, content=content,  # type: ignore[arg-type]
                url=clean_url(url), fetched_at=_clean_stamp(fetched_at), encoding=encoding)


# -- JSON lines -------------------------------------------------------------
def validate_record(rec: Any) -> str | None:
    """Why a parsed JSON-lines record is not a page record, or None when it is one.

    The schema: a JSON object; ``html``, ``text``, ``content``, ``title``, ``url``,
    ``fetched_at`` and ``date_extracted`` are strings or null when present (sizes
    bounded, see `MAX_FIELD_CHARS`); at least one of ``html``/``text``/``content``
    is a non-empty string; nothing is nested deeper than `MAX_JSON_DEPTH`.
    """
    if not isinstance(rec, dict):
        return "record is not a JSON object"
    if _depth(rec) > MAX_JSON_DEPTH:
        return f"record nested too deeply (> {MAX_JSON_DEPTH} levels)"
    for key in ("html", "text", "content", "title", "url", "fetched_at", "date_extracted"):
        value = rec.get(key)
        if value is not None and not isinstance(value, str):
            return f"'{key}' must be a string, not {_json_type(value)}"
        if isinstance(value, str) and len(value) > MAX_FIELD_CHARS.get(key, MAX_PAGE_CHARS):
            return f"'{key}' too long ({len(value):,} characters)"
    if not any(isinstance(rec.get(k), str) and rec[k].strip() for k in ("html", "text", "content")):
        return "record has neither 'html' nor 'text'"
    return None


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "a list", bool: "a boolean", int: "a number", float: "a number"}.get(type(value), "a value")


def _depth(value: Any) -> int:
    """Nesting depth, without recursion (a record can be nested as deep as the parser allows)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        v, d = stack.pop()
        if d > deepest:
            deepest = d
            if deepest > MAX_JSON_DEPTH:
                return deepest
        if isinstance(v, dict):
            stack.extend((x, d + 1) for x in v.values() if isinstance(x, (dict, list)))
        elif isinstance(v, list):
            stack.extend((x, d + 1) for x in v if isinstance(x, (dict, list)))
    return deepest


def _parse_json(raw: str) -> tuple[Any, str | None]:
    try:
        return json.loads(raw), None
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON ({exc.msg})"
    except RecursionError:
        return None, "invalid record (nested too deeply to parse)"
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        return None, f"invalid JSON ({_reason(exc)[:80]})"


def _record_page(src: str, rec: Any) -> Page | InputError:
    problem = validate_record(rec)
    if problem:
        return InputError(src, problem)
    html, body = rec.get("html"), rec.get("text") or rec.get("content")
    fetched = rec.get("fetched_at") or rec.get("date_extracted")
    if isinstance(html, str) and html.strip():
        return _make_page(src, "html", html, url=rec.get("url"), fetched_at=fetched)
    title = rec.get("title")
    if isinstance(title, str) and title.strip() and not body.lstrip().startswith(title.strip()):
        body = f"{title.strip()}\n{body}"
    return _make_page(src, "text", body, url=rec.get("url"), fetched_at=fetched)


def _decode_line(line: bytes, src: str) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return decode_bytes(line, src)[0]  # JSON should be UTF-8; a cp1256 dump is still read


def _stream(data: bytes | BinaryIO) -> BinaryIO:
    return io.BytesIO(data) if isinstance(data, (bytes, bytearray, memoryview)) else data


def _read_jsonl(entry: str, data: bytes | BinaryIO) -> Iterator[Page | InputError]:
    """Records one line at a time; no line is held beyond `MAX_RECORD_BYTES`."""
    fh = _stream(data)
    first = fh.read(_CHUNK)
    stripped = first.lstrip(b" \t\r\n\xef\xbb\xbf")
    if not stripped:
        yield InputError(entry, "empty file")
        return
    if stripped.startswith(b"["):  # a JSON array of records is accepted too
        rest = fh.read(MAX_JSON_ARRAY_BYTES + 1 - len(first))
        data = first + rest
        if len(data) > MAX_JSON_ARRAY_BYTES:
            yield InputError(entry, f"JSON array too large (> {MAX_JSON_ARRAY_BYTES >> 20} MB; use one record per line)")
            return
        try:
            text, _ = decode_bytes(data, entry)
        except InputError as err:
            yield err
            return
        records, problem = _parse_json(text.lstrip("\ufeff"))
        if problem and b"\n" in data.strip():
            # not one array: JSON lines whose first record is one (or is broken); read it line by line
            first, fh = data, io.BytesIO()
        elif problem:
            yield InputError(entry, problem)
            return
        elif not isinstance(records, list):
            yield InputError(entry, "not a JSON array of records")
            return
        else:
            for i, rec in enumerate(records):
                yield _record_page(f"{entry}#{i + 1}", rec)
            return
    buf = _PrefixedReader(first, fh)
    n = 0
    while True:
        line, complete, too_long = buf.readline(MAX_RECORD_BYTES)
        if not line and complete:
            break
        n += 1
        src = f"{entry}#{n}"
        if too_long:
            yield InputError(src, f"record too large (> {MAX_RECORD_BYTES >> 20} MB)")
            continue
        if n == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")
        if not line.strip():
            continue
        try:
            raw = _decode_line(line, src)
        except InputError as err:
            yield err
            continue
        rec, problem = _parse_json(raw)
        yield InputError(src, problem) if problem else _record_page(src, rec)


class _PrefixedReader:
    """Reads lines of at most ``cap`` bytes from bytes already read followed by a file; longer lines are skipped."""

    def __init__(self, head: bytes, fh: BinaryIO) -> None:
        self.buf = head
        self.fh = fh
        self.eof = False

    def _fill(self) -> bool:
        if self.eof:
            return False
        chunk = self.fh.read(_CHUNK * 16)
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def readline(self, cap: int) -> tuple[bytes, bool, bool]:
        """``(line, at_end, too_long)``; ``line`` is empty and ``at_end`` True at the end of the file."""
        while True:
            nl = self.buf.find(b"\n")
            if nl >= 0:
                line, self.buf = self.buf[:nl], self.buf[nl + 1:]
                if len(line) > cap:
                    return b"", False, True
                return line, False, False
            if len(self.buf) > cap:  # drop what we hold and skip to the end of this line
                self.buf = b""
                while self._fill():
                    nl = self.buf.find(b"\n")
                    if nl >= 0:
                        self.buf = self.buf[nl + 1:]
                        return b"", False, True
                    self.buf = b""
                return b"", False, True
            if not self._fill():
                line, self.buf = self.buf, b""
                return line, not line, False


# -- WARC ---------------------------------------------------------------------
def _read_warc(entry: str, data: bytes | BinaryIO) -> Iterator[Page | InputError]:
    """Response records of a WARC archive, streamed record by record; each record's body is capped."""
    fh = _stream(data)
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    n = 0
    try:
        for n, record in enumerate(ArchiveIterator(fh), 1):  # noqa: B007 - n is reported below
            if record.rec_type != "response":
                continue
            src = f"{entry}#{n}"
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            if record.http_headers is None:
                # warcio parses HTTP headers only for http(s) targets: anything else is named, not dropped
                if url and not clean_url(url):
                    yield InputError(src, f"record skipped: target is not an http(s) URL ({safe_name(url[:80])})")
                else:
                    yield InputError(src, "record skipped: response without HTTP headers")
                continue
            ctype = record.http_headers.get_header("Content-Type") or ""
            if "html" not in ctype and "text" not in ctype:
                continue
            date = record.rec_headers.get_header("WARC-Date")
            body = record.content_stream().read(MAX_RECORD_BYTES + 1)
            if len(body) > MAX_RECORD_BYTES:
                yield InputError(src, f"record too large (> {MAX_RECORD_BYTES >> 20} MB, after decompression)")
                continue
            missing = getattr(record.raw_stream, "limit", 0)
            if missing > 0:
                yield InputError(src, f"record cut short ({missing:,} bytes missing); not stored")
                continue
            try:
                text, enc = decode_bytes(body, src)
            except InputError as err:
                yield err
                continue
            kind = "html" if "html" in ctype or _looks_html(text) else "text"
            yield _make_page(src, kind, text, url=url, fetched_at=date, encoding=enc)
    except (ArchiveLoadFailed, gzip.BadGzipFile, EOFError, ValueError, zlib.error, OSError) as exc:
        where = f" after record {n}" if n else ""
        yield InputError(entry, f"not a readable WARC archive{where} ({_reason(exc)[:120]})")
        return
    if n == 0:
        yield InputError(entry, "no WARC records")


# -- feeds ---------------------------------------------------------------------
def _read_feed(entry: str, data: bytes) -> Iterator[Page | InputError]:
    import feedparser

    if not data.strip():
        yield InputError(entry, "empty file")
        return
    feed = feedparser.parse(data)
    if not feed.entries:
        if feed.bozo:
            yield InputError(entry, f"not a readable RSS/Atom feed ({_reason(feed.get('bozo_exception') or ValueError())[:120]})")
        else:
            yield InputError(entry, "feed has no entries")
        return
    for n, item in enumerate(feed.entries, 1):
        src = f"{entry}#{n}"
        parts = item.get("content") or []
        body = parts[0].get("value") if parts else item.get("summary", "")
        title = item.get("title", "") or ""
        url = item.get("link")
        when = item.get("published") or item.get("updated")
        if not body:
            yield InputError(src, "feed entry has no content")
            continue
        html = f"<html><head><title>{_esc(title)}</title>" + (
            f'<meta property="article:published_time" content="{_esc(when)}">' if isinstance(when, str) else ""
        ) + f"</head><body><article><h1>{_esc(title)}</h1>{body}</article></body></html>"
        yield _make_page(src, "html", html, url=url, fetched_at=when)


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# -- URLs ---------------------------------------------------------------------------
def _read_url(url: str) -> Iterator[Page | InputError]:
    if not clean_url(url):
        yield InputError(url, "invalid URL")
        return
    try:
        data, ctype = fetch_url(url)
    except InputError as err:
        yield err
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


def fetch_url(url: str, *, deadline: float = URL_DEADLINE, cap: int = MAX_FILE_BYTES,
              read_timeout: float = URL_READ_TIMEOUT) -> tuple[bytes, str]:
    """``(body, content type)`` of an http(s) URL, or `InputError`.

    The whole download must finish within ``deadline`` seconds and the body (after
    ``Content-Encoding: gzip``/``deflate`` is undone) stay within ``cap`` bytes.
    """
    import http.client
    import urllib.error
    import urllib.request

    start = time.monotonic()
    req = urllib.request.Request(url, headers={"User-Agent": "marsad/0.1 (+news research)",
                                               "Accept-Encoding": "gzip, deflate"})
    try:
        resp = urllib.request.urlopen(req, timeout=min(read_timeout, deadline))  # noqa: S310 - user-given URL
    except urllib.error.HTTPError as exc:
        raise InputError(url, f"could not fetch (HTTP {exc.code})") from None
    except (urllib.error.URLError, TimeoutError, OSError, ValueError, http.client.HTTPException) as exc:
        raise InputError(url, f"could not fetch ({_reason(getattr(exc, 'reason', exc) if isinstance(getattr(exc, 'reason', None), BaseException) else exc)})") from None
    with resp:
        ctype = resp.headers.get("Content-Type", "") or ""
        encoding = (resp.headers.get("Content-Encoding", "") or "identity").strip().lower()
        if encoding in ("gzip", "x-gzip"):
            decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            decomp = zlib.decompressobj()
        elif encoding in ("identity", ""):
            decomp = None
        else:
            raise InputError(url, f"unsupported Content-Encoding ({encoding[:40]})")
        out = bytearray()
        try:
            while True:
                if time.monotonic() - start > deadline:
                    raise InputError(url, f"download took longer than {deadline:.0f} s")
                chunk = resp.read1(_CHUNK) if hasattr(resp, "read1") else resp.read(_CHUNK)
                if not chunk:
                    break
                if decomp is not None:
                    # never expand more than the cap allows: a gzip bomb stops here
                    chunk = decomp.decompress(chunk, cap + 1 - len(out))
                out += chunk
                if len(out) > cap:
                    raise InputError(url, f"response too large (> {cap >> 20} MB)")
        except (TimeoutError, OSError, http.client.HTTPException) as exc:
            raise InputError(url, f"could not fetch ({_reason(exc)})") from None
        except zlib.error as exc:
            raise InputError(url, f"could not fetch (bad {encoding} body: {_reason(exc)})") from None
        if decomp is not None:
            out += decomp.flush(max(0, cap + 1 - len(out)))
            if len(out) > cap:
                raise InputError(url, f"response too large (> {cap >> 20} MB)")
    return bytes(out), ctype
