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

And nothing is dropped or damaged without a line (cases a held-out hostile corpus
found): WARC records whose Content-Length does not match, cut off at the end of the
archive, or answered with an HTTP error status are named (warcio's own warnings
never reach stderr); a download shorter than its Content-Length or a gzip body cut
before its end is refused; a folder holding nothing readable is named; one file's
unreadable records are named one by one up to `MAX_RECORD_ERRORS`, then counted on
one line; a feed is read up to `MAX_FEED_ITEMS` entries.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import stat
import time
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from marsad.errors import InputError
from marsad.model import Page
from marsad.sources.decode import _BINARY_MAGIC, decode_bytes, has_visible_letters
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
MAX_FEED_ITEMS = 2_000  # entries read from one feed file (real feeds hold tens to hundreds)
MAX_JSON_ARRAY_BYTES = 64 * 1024 * 1024
MAX_JSON_DEPTH = 32  # a page record is flat; anything nested deeper than this is not one
MAX_URL_CHARS = 8192
MAX_RECORD_ERRORS = 100  # unreadable records of one file named one by one; more are counted on one line
MAX_FIELD_CHARS = {"url": MAX_URL_CHARS, "fetched_at": 64, "date_extracted": 64, "title": 10_000}
URL_DEADLINE = 60.0  # seconds for a whole download (a server trickling bytes cannot hold the run longer)
URL_READ_TIMEOUT = 15.0  # seconds without a byte before a download is given up
MAX_REDIRECTS = 5
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
            found = 0
            for root, dirs, files in os.walk(p, onerror=problems.append):
                dirs.sort()
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    child = Path(root) / name
                    if _suffix(child) in known or "." not in name:
                        found += 1
                        yield str(child)
            for exc in problems:  # an unreadable sub-folder is named, not skipped silently
                yield InputError(exc.filename or raw, f"unreadable folder ({_reason(exc)})")
            if not found and not problems:  # a folder given to read must not pass without a word
                yield InputError(raw, "no file marsad reads in this folder (.txt, .html, .jsonl, .json, .warc, "
                                 ".rss, .atom, .xml, or no extension)")
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
        yield from cap_record_errors(entry, _read_entry(entry))
    except Exception as exc:  # noqa: BLE001 - one input must not stop the run, whatever it does
        yield InputError(entry, f"unreadable ({type(exc).__name__}: {_reason(exc)})")


def cap_record_errors(entry: str, items: Iterable[Page | InputError]) -> Iterator[Page | InputError]:
    """``items``, with at most `MAX_RECORD_ERRORS` unreadable records of one file named one by one; the rest
    are counted on one line (a file of 100,000 broken records is one bad input, not 100,000 lines)."""
    prefix = safe_name(entry) + "#"
    bad = 0
    first: InputError | None = None
    for item in items:
        if isinstance(item, InputError) and item.source.startswith(prefix):
            bad += 1
            if bad > MAX_RECORD_ERRORS:
                first = first or item
                continue
        yield item
    if first is not None:
        yield InputError(entry, f"{bad - MAX_RECORD_ERRORS:,} more unreadable records not listed one by one "
                         f"(the first: {first.source[len(prefix) - 1:]}: {first.problem})")


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
    """Records one line at a time; no line is held beyond `MAX_RECORD_BYTES`.

    Also read: a JSON array of records, one (pretty-printed) JSON object spanning several lines, a
    byte-order mark at the start of any line (files glued together), and lines ended by CR alone (a
    raw CR cannot occur inside a JSON string, so it can only end a line there).
    """
    fh = _stream(data)
    first = fh.read(_CHUNK)
    head = first.lstrip(b" \t\r\n\xef\xbb\xbf")
    if not head:
        yield InputError(entry, "empty file")
        return
    if b"\r" in first and b"\n" not in first:  # old Mac line ends
        first, fh = first.replace(b"\r", b"\n"), _CrAsNewline(fh)
    line1 = head.replace(b"\r", b"\n").split(b"\n", 1)[0] if b"\n" in head.replace(b"\r", b"\n") else None
    whole = head.startswith(b"[") or (
        head.startswith(b"{") and line1 is not None and _parse_json(line1.decode("utf-8", "replace"))[1] is not None)
    if whole:  # a JSON array of records, or one object over several lines
        rest = fh.read(MAX_JSON_ARRAY_BYTES + 1 - len(first))
        data = first + rest
        if len(data) > MAX_JSON_ARRAY_BYTES:
            if head.startswith(b"["):
                yield InputError(entry, f"JSON array too large (> {MAX_JSON_ARRAY_BYTES >> 20} MB; use one record per line)")
                return
            records, problem = None, "too large to read whole"
        else:
            try:
                text, _ = decode_bytes(data, entry)
            except InputError as err:
                yield err
                return
            records, problem = _parse_json(text.lstrip("\ufeff"))
        if problem and b"\n" in data.strip():
            # not one value: JSON lines whose first record is one (or is broken); read it line by line
            first, fh = data, fh if len(data) > MAX_JSON_ARRAY_BYTES else io.BytesIO()
        elif problem:
            yield InputError(entry, problem)
            return
        elif isinstance(records, dict):
            yield _record_page(f"{entry}#1", records)
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
        line = line.removeprefix(b"\xef\xbb\xbf")  # on any line: files with a byte-order mark, concatenated
        if not line.strip():
            continue
        try:
            raw = _decode_line(line, src)
        except InputError as err:
            yield err
            continue
        rec, problem = _parse_json(raw)
        yield InputError(src, problem) if problem else _record_page(src, rec)


class _CrAsNewline:
    """A file whose lines end with CR alone, read as if they ended with LF."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh

    def read(self, size: int = -1) -> bytes:
        return self.fh.read(size).replace(b"\r", b"\n")


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
def _quiet_archive_iterator():
    """warcio's `ArchiveIterator`, quiet: where a record does not end where its ``Content-Length`` says,
    warcio writes a warning with the raw bytes to stderr; this one counts it in ``err_count`` only (the
    reader reports the record on its one line)."""
    from warcio.archiveiterator import ArchiveIterator

    class QuietArchiveIterator(ArchiveIterator):
        def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
            super().__init__(*args, **kwargs)
            # header lines and header counts bounded: warcio grows a long line 16 KB at a time (a 40 MB
            # "header" took minutes) and keeps every header of a block (millions of them)
            for name in ("warc_parser", "http_parser", "http_req_parser"):
                if hasattr(self.loader, name):
                    setattr(self.loader, name, _BoundedHeaderParser(getattr(self.loader, name)))

        def _consume_blanklines(self):  # noqa: ANN202 - warcio's method, without the write to stderr
            empty_size, first_line = 0, True
            while True:
                line = self.reader.readline(MAX_WARC_HEADER_LINE)
                if len(line) == 0:
                    return None, empty_size
                if len(line.rstrip()) == 0 or first_line:
                    empty_size += len(line)
                    if len(line.rstrip()) != 0:
                        self.err_count += 1  # the record before overran or stopped short of its real end
                    first_line = False
                    continue
                return line, empty_size

    return QuietArchiveIterator


class _BoundedHeaderParser:
    """A warcio header parser reading at most `MAX_WARC_HEADERS` lines of at most `MAX_WARC_HEADER_LINE` bytes."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def parse(self, stream: Any, full_statusline: Any = None) -> Any:
        return self.inner.parse(_BoundedLines(stream), full_statusline)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class _BoundedLines:
    def __init__(self, stream: Any) -> None:
        self.stream, self.lines = stream, 0

    def readline(self, length: int | None = None) -> bytes:
        self.lines += 1
        if self.lines > MAX_WARC_HEADERS:
            raise ValueError(f"more than {MAX_WARC_HEADERS:,} header lines")
        line = self.stream.readline(MAX_WARC_HEADER_LINE + 1)
        if len(line) > MAX_WARC_HEADER_LINE:
            raise ValueError(f"header line longer than {MAX_WARC_HEADER_LINE >> 10} KB")
        return line

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


MAX_WARC_HEADER_LINE = 64 * 1024
MAX_WARC_HEADERS = 1000
_WARC_PAGE_RECORDS = ("response", "resource", "conversion")  # resource/conversion: a stored or extracted document
_WARC_RESYNC = re.compile(rb"(?:^|\n)WARC/1\.[01]\r?\n")
MAX_WARC_RESYNCS = 100


def warc_records(fh: BinaryIO):  # noqa: ANN201 - yields warcio records
    """warcio records of an archive, without warcio's warnings on stderr (see `_quiet_archive_iterator`)."""
    return _quiet_archive_iterator()(fh)


def _size(fh: BinaryIO) -> int | None:
    try:
        return os.fstat(fh.fileno()).st_size
    except (OSError, AttributeError, io.UnsupportedOperation):
        if isinstance(fh, io.BytesIO):
            return len(fh.getbuffer())
        return None


def _read_warc(entry: str, data: bytes | BinaryIO) -> Iterator[Page | InputError]:
    """Page records of a WARC archive (see `_warc_items`); an archive that yields nothing says so."""
    said = False
    for item in _warc_items(entry, data):
        said = True
        yield item
    if not said:
        yield InputError(entry, "no pages in the archive (no HTML or text response record)")


def _warc_items(entry: str, data: bytes | BinaryIO) -> Iterator[Page | InputError]:
    """Page records of a WARC archive, streamed record by record; each record's body is capped.

    Nothing is dropped without a line (issue #13): a record whose ``Content-Length`` does not match
    where it really ends (it overran into the next record or stopped short) is named and not stored,
    and the reader starts again at the next record header it finds; a record cut off at the end of the
    file, a response with an HTTP error status, a target that is not http(s) are named.  An archive
    gzipped as one stream (instead of one gzip member per record) is read through the stream.
    """
    from warcio.exceptions import ArchiveLoadFailed

    fh = _stream(data)
    seekable = fh.seekable()
    base = fh.tell() if seekable else 0
    n = skip = resyncs = 0
    gz_stream = False
    resumed_at = base
    while True:
        it = warc_records(fh)
        pending: list[Page | InputError] = []  # the last record's items, held until its length is confirmed
        seen_errs = [0]

        def confirmed(it=it, pending=pending, seen_errs=seen_errs) -> Iterator[Page | InputError]:  # noqa: ANN001
            bad = it.err_count > seen_errs[0]  # warcio found no record boundary where this record said it ends
            seen_errs[0] = it.err_count
            for item in pending:
                if bad and isinstance(item, Page):
                    yield InputError(item.source, "record length (Content-Length) does not match where the record "
                                     "ends; not stored")
                else:
                    yield item
            pending.clear()

        failure: BaseException | None = None
        try:
            for record in it:
                yield from confirmed()
                n += 1
                if n > skip:
                    pending.extend(_warc_record(entry, n, record))
            yield from confirmed()
        except (ArchiveLoadFailed, gzip.BadGzipFile, EOFError, ValueError, zlib.error, OSError, OverflowError) as exc:
            yield from confirmed()
            failure = exc
        end = sum(it.member_info) if it.member_info and not gz_stream else None  # file offset after the last record
        if failure is None:
            if end is not None and seekable:
                fh.seek(end)
                if fh.read(1 << 16).strip(b"\r\n\t \x00"):
                    yield InputError(f"{entry}#{n + 1}", "record cut short at the end of the archive (bytes that are "
                                     "not a whole record); not stored")
            break
        message = _reason(failure)
        if "non-chunked gzip" in message and not gz_stream and seekable:
            # one gzip stream for the whole archive (valid gzip, not one member per record): read it decompressed,
            # skipping the records already read
            fh.seek(base)
            fh, gz_stream, skip, n = gzip.GzipFile(fileobj=fh), True, n, 0
            continue
        resume = None
        if not gz_stream and seekable and n and resyncs < MAX_WARC_RESYNCS:
            resume = _next_warc_header(fh, max(end or 0, resumed_at))
        if resume is None:
            where = f" after record {n}" if n else ""
            yield InputError(entry, f"not a readable WARC archive{where} ({message[:120]})")
            return
        resyncs += 1
        yield InputError(f"{entry}#{n + 1}", f"not a WARC record ({message[:100]}); skipped to the next record")
        n += 1
        fh.seek(resumed_at := resume)
    if n == 0:
        yield InputError(entry, "no WARC records")


def _next_warc_header(fh: BinaryIO, after: int) -> int | None:
    """Offset of the next ``WARC/1.x`` header line after ``after`` (searched in the next 64 MB), or None."""
    fh.seek(after + 1)
    pos = after + 1
    tail = b""
    while pos - after < 64 << 20:
        chunk = fh.read(1 << 20)
        if not chunk:
            return None
        buf = tail + chunk
        m = _WARC_RESYNC.search(buf)
        if m:
            return pos - len(tail) + m.start() + (1 if buf[m.start():m.start() + 1] == b"\n" else 0)
        tail = buf[-16:]
        pos += len(chunk)
    return None


def _warc_record(entry: str, n: int, record) -> Iterator[Page | InputError]:  # noqa: ANN001 - a warcio record
    """The page of one record (or why it is not one); records that are not documents yield nothing."""
    if record.rec_type not in _WARC_PAGE_RECORDS:
        return
    src = f"{entry}#{n}"
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    if record.rec_type == "response":
        if record.http_headers is None:
            # warcio parses HTTP headers only for http(s) targets: anything else is named, not dropped
            if url and not clean_url(url):
                yield InputError(src, f"record skipped: target is not an http(s) URL ({safe_name(url[:80])})")
            else:
                yield InputError(src, "record skipped: response without HTTP headers")
            return
        status = (record.http_headers.get_statuscode() or "").strip()
        ctype = (record.http_headers.get_header("Content-Type") or "").lower()
        if status[:1] != "2":
            if "html" in ctype or "text" in ctype or not ctype:
                yield InputError(src, f"record skipped: HTTP status {safe_name(status[:20]) or '?'}, not a page")
            return
    else:
        ctype = (record.rec_headers.get_header("Content-Type") or "").lower()
    if ctype and "html" not in ctype and "text" not in ctype:
        return  # an image, a script, a style sheet: not a page
    date = record.rec_headers.get_header("WARC-Date")
    body = record.content_stream().read(MAX_RECORD_BYTES + 1)
    if len(body) > MAX_RECORD_BYTES:
        yield InputError(src, f"record too large (> {MAX_RECORD_BYTES >> 20} MB, after decompression)")
        return
    missing = getattr(record.raw_stream, "limit", 0)
    if missing > 0:
        yield InputError(src, f"record cut short ({missing:,} bytes missing); not stored")
        return
    if not ctype and body.startswith(_BINARY_MAGIC):
        return  # no Content-Type, and the body is an image or an archive: not a page
    try:
        text, enc = decode_bytes(body, src)
    except InputError as err:
        yield err
        return
    kind = "html" if "html" in ctype or _looks_html(text) else "text"
    yield _make_page(src, kind, text, url=url if clean_url(url) else None, fetched_at=date, encoding=enc)


# -- feeds ---------------------------------------------------------------------
def _read_feed(entry: str, data: bytes) -> Iterator[Page | InputError]:
    import feedparser

    if not data.strip():
        yield InputError(entry, "empty file")
        return
    cut = _nth_item(data, MAX_FEED_ITEMS)
    if cut is not None:
        # feedparser takes about 1.5 ms and 5 KB of memory per entry (100,000 entries: minutes, 600 MB, before any
        # page deadline): a feed longer than any real one is read up to its limit, and says so
        data = data[:cut]
        yield InputError(entry, f"feed has more than {MAX_FEED_ITEMS:,} entries; only the first {MAX_FEED_ITEMS:,} were read")
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


_FEED_ITEM = re.compile(rb"<(?:item|entry)[\s>/]")


def _nth_item(data: bytes, n: int) -> int | None:
    """Offset of the start of entry ``n + 1`` (an ``<item>`` or ``<entry>``), or None when there are no more than ``n``."""
    for k, m in enumerate(_FEED_ITEM.finditer(data)):
        if k == n:
            return m.start()
    return None


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
              read_timeout: float = URL_READ_TIMEOUT, max_redirects: int = MAX_REDIRECTS) -> tuple[bytes, str]:
    """``(body, content type)`` of an http(s) URL, or `InputError`.

    The whole exchange — connecting, the status line and headers, every redirect, the body — must
    finish within ``deadline`` seconds (a watchdog closes the connection when it has not: a server that
    trickles its headers one byte at a time cannot hold the run either), and the body (after
    ``Content-Encoding: gzip``/``deflate`` is undone) stay within ``cap`` bytes.  Redirects are followed
    to http(s) URLs only; a body shorter than its ``Content-Length``, or a compressed body that stops
    before its end, is refused as cut short instead of being stored as a partial page.
    """
    import http.client
    import threading
    from urllib.parse import urljoin

    start = time.monotonic()
    first = url
    for _ in range(max_redirects + 1):
        parts = urlsplit(url)
        remaining = deadline - (time.monotonic() - start)
        if remaining <= 0:
            raise InputError(first, f"download took longer than {deadline:.0f} s")
        cls = http.client.HTTPSConnection if parts.scheme.lower() == "https" else http.client.HTTPConnection
        conn = cls(parts.hostname, parts.port, timeout=min(read_timeout, remaining))
        expired = threading.Event()

        def _expire(conn=conn, expired=expired) -> None:
            expired.set()
            sock = conn.sock
            if sock is not None:
                try:
                    sock.shutdown(2)  # SHUT_RDWR: wakes a read blocked on the socket
                except OSError:
                    pass

        watchdog = threading.Timer(remaining, _expire)
        watchdog.daemon = True
        watchdog.start()
        try:
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            conn.request("GET", target, headers={"User-Agent": "marsad/0.1 (+news research)",
                                                 "Accept-Encoding": "gzip, deflate", "Connection": "close"})
            resp = conn.getresponse()
            if resp.status in (301, 302, 303, 307, 308):
                location = resp.getheader("Location") or ""
                new = urljoin(url, location.strip())
                if not clean_url(new):
                    raise InputError(first, f"redirected to a URL that is not http(s) ({safe_name(location[:80])})")
                url = new
                continue
            if not 200 <= resp.status < 300:
                raise InputError(first, f"could not fetch (HTTP {resp.status})")
            return _read_body(first, resp, start, deadline, cap, expired)
        except InputError:
            raise
        except (TimeoutError, OSError, ValueError, http.client.HTTPException) as exc:
            if expired.is_set():
                raise InputError(first, f"download took longer than {deadline:.0f} s") from None
            raise InputError(first, f"could not fetch ({_reason(exc)})") from None
        finally:
            watchdog.cancel()
            conn.close()
    raise InputError(first, f"could not fetch (more than {max_redirects} redirects)")


def _read_body(url: str, resp: Any, start: float, deadline: float, cap: int, expired: Any) -> tuple[bytes, str]:
    """The body of a 2xx response, decompressed, capped, within the deadline (see `fetch_url`)."""
    import http.client

    ctype = resp.getheader("Content-Type", "") or ""
    encoding = (resp.getheader("Content-Encoding", "") or "identity").strip().lower()
    if encoding in ("gzip", "x-gzip"):
        decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        decomp = zlib.decompressobj()
    elif encoding in ("identity", ""):
        decomp = None
    else:
        raise InputError(url, f"unsupported Content-Encoding ({encoding[:40]})")
    declared = resp.getheader("Content-Length")
    out = bytearray()
    received = 0
    try:
        while True:
            if time.monotonic() - start > deadline or expired.is_set():
                raise InputError(url, f"download took longer than {deadline:.0f} s")
            chunk = resp.read1(_CHUNK)
            if not chunk:
                break
            received += len(chunk)
            if decomp is not None:
                # never expand more than the cap allows: a gzip bomb stops here
                chunk = decomp.decompress(chunk, cap + 1 - len(out))
            out += chunk
            if len(out) > cap:
                raise InputError(url, f"response too large (> {cap >> 20} MB)")
    except http.client.IncompleteRead as exc:
        raise InputError(url, f"download cut short ({len(exc.partial):,} bytes, then the connection closed)") from None
    except (TimeoutError, OSError, http.client.HTTPException) as exc:
        if expired.is_set():
            raise InputError(url, f"download took longer than {deadline:.0f} s") from None
        raise InputError(url, f"could not fetch ({_reason(exc)})") from None
    except zlib.error as exc:
        raise InputError(url, f"could not fetch (bad {encoding} body: {_reason(exc)})") from None
    if expired.is_set():
        raise InputError(url, f"download took longer than {deadline:.0f} s")
    if declared and declared.strip().isdigit() and received < int(declared):
        raise InputError(url, f"download cut short ({received:,} of {int(declared):,} bytes)")
    if decomp is not None:
        out += decomp.flush(max(0, cap + 1 - len(out)))
        if len(out) > cap:
            raise InputError(url, f"response too large (> {cap >> 20} MB)")
        if not decomp.eof:
            raise InputError(url, f"download cut short (the {encoding} body stops before its end)")
    return bytes(out), ctype
