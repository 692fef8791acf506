"""Classes of hostile input that a held-out corpus (not in the repo) found after issue #13 was resolved.

Each test builds a small instance of one class and checks the promise of #13 for it: the run is not
stopped or stalled, every good page is kept, and every bad input (or record) is named on one line.

* markup: a page of "<a" without ">" (the nesting count was quadratic, before any deadline), a tag
  with 100,000 attributes (quadratic in libxml2, in C, where a deadline cannot interrupt it), a
  <title> of a megabyte;
* JSON: a byte-order mark on every line, lines ended by CR alone, one pretty-printed object in a
  .json file, a file of 100,000 broken records (one summary line, not 100,000);
* WARC: a Content-Length too short or too long (warcio printed raw bytes on stderr and the damaged
  record was stored), a trailing record with headers only, an archive gzipped as one stream, no
  Content-Type or an upper-case one, an HTTP error status, resource/conversion records, a 1 MB header
  line or a million headers, an archive with no page in it;
* folders with nothing marsad reads; cp1256 text with NUL bytes between the words;
* URLs: headers trickled one line at a time (bounded by the whole-download deadline, in `digest` and in
  the watcher), redirects to file:/ftp:/other schemes, a body shorter than its Content-Length, a gzip
  body cut before its end;
* `marsad backfill`: skipped lines escaped as `digest`'s are, exit 3 when some inputs were bad, a file
  name that is not UTF-8 (the plan could not be written: a traceback).
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from marsad.errors import InputError
from marsad.model import Page
from marsad.sources.budget import (
    MAX_TITLE_CHARS,
    Guarded,
    call_with_deadline,
    defuse_markup,
    nesting_depth,
    page_problem,
)
from marsad.sources.decode import decode_bytes
from marsad.sources.files import MAX_RECORD_ERRORS, fetch_url, page_id, read_path

pytestmark = pytest.mark.integration

BODY = ("أعلن المجلس البلدي خطة جديدة لتحسين شبكة المياه في الأحياء القديمة خلال العام المقبل.\n\n"
        "وقال رئيس المجلس إن المشروع يشمل تركيب أنابيب جديدة بطول أربعين كيلومترا وبناء خزانين.")


def _title(k: int) -> str:
    return f"خطة المياه في المدينة رقم {k}"


def _html(k: int, head: str = "", body_extra: str = "") -> str:
    paras = "".join(f"<p>{p}</p>" for p in BODY.split("\n\n"))
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{_title(k)}</title>{head}</head><body>"
            f"{body_extra}<article><h1>{_title(k)}</h1>{paras}<p>رمز {k}</p></article></body></html>")


def _pages(items) -> list[Page]:
    return [x for x in items if isinstance(x, Page)]


def _errors(items) -> list[InputError]:
    return [x for x in items if isinstance(x, InputError)]


# -- markup ------------------------------------------------------------------------------------
def test_tags_without_closing_bracket_are_counted_in_linear_time():
    # 600 KB of "<a": the old tag pattern scanned to the end of the page from every "<" (minutes)
    html = "<html><body><p>نص</p>" + "<a" * 300_000
    page = Page(page_id(html), "x.html", "html", html)
    assert call_with_deadline(page_problem, page, 10.0) is None
    assert call_with_deadline(nesting_depth, "<div x=<a " * 100_000, 10.0) <= 1


def test_a_tag_with_thousands_of_attributes_is_extracted_without_them():
    from marsad.extract.core import extract

    attrs = " ".join(f'a{i}="v"' for i in range(100_000))
    html = _html(1, body_extra=f"<div {attrs}></div>")
    assert len(defuse_markup(html)) < 2000 and "<div>" in defuse_markup(html)
    normal = _html(2, body_extra='<img src="data:image/png;base64,' + "A" * 5000 + '" alt="x">')
    assert defuse_markup(normal) is normal  # a long tag with few attributes is left as it is
    page = Page(page_id(html), "attrs.html", "html", html)
    article = call_with_deadline(Guarded(extract, None), page, 30.0)
    assert not isinstance(article, InputError), article
    assert "رمز 1" in article.text


def test_a_megabyte_title_is_cut():
    from marsad.extract.core import extract

    html = _html(3).replace(f"<title>{_title(3)}", f"<title>{_title(3)} " + "عنوان " * 200_000)
    article = Guarded(extract, None)(Page(page_id(html), "t.html", "html", html))
    assert not isinstance(article, InputError)
    assert article.title and len(article.title) <= MAX_TITLE_CHARS + 1


# -- JSON ----------------------------------------------------------------------------------------
def test_json_lines_with_a_bom_on_every_line_and_crlf(tmp_path):
    lines = [codecs.BOM_UTF8 + json.dumps({"title": _title(k), "text": BODY}, ensure_ascii=False).encode() for k in range(3)]
    p = tmp_path / "glued.jsonl"
    p.write_bytes(b"\r\n".join(lines) + b"\r\n")
    items = list(read_path(str(p)))
    assert not _errors(items) and len(_pages(items)) == 3


def test_json_lines_ended_by_cr_alone(tmp_path):
    p = tmp_path / "mac.jsonl"
    p.write_bytes(b"\r".join(json.dumps({"title": _title(k), "text": BODY}, ensure_ascii=False).encode() for k in range(2)))
    items = list(read_path(str(p)))
    assert not _errors(items) and [x.source for x in items] == [f"{p}#1", f"{p}#2"]


def test_one_pretty_printed_object_in_a_json_file(tmp_path):
    p = tmp_path / "one.json"
    p.write_text(json.dumps({"title": _title(4), "text": BODY, "url": "https://n.example/4"}, ensure_ascii=False, indent=2),
                 encoding="utf-8")
    (page,) = list(read_path(str(p)))
    assert isinstance(page, Page) and page.url == "https://n.example/4" and _title(4) in page.content
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "text": "نص",\n  "x": \n', encoding="utf-8")
    errors = _errors(read_path(str(broken)))
    assert errors and len(errors) <= 3  # a broken pretty object is a few lines at most, read as JSON lines


def test_a_file_of_100000_broken_records_is_one_summary_line(tmp_path):
    p = tmp_path / "junk.json"
    p.write_text("[" + ",".join(["1"] * 100_000) + "," + json.dumps({"text": BODY}, ensure_ascii=False) + "]")
    items = list(read_path(str(p)))
    assert len(_pages(items)) == 1  # the good record among them is kept
    errors = _errors(items)
    assert len(errors) == MAX_RECORD_ERRORS + 1
    assert errors[-1].source == str(p) and "99,900 more" in errors[-1].problem


# -- WARC --------------------------------------------------------------------------------------------
def _record(url: str, body: bytes, *, rec_type: str = "response", status: str = "200 OK",
            headers: tuple = (("Content-Type", "text/html; charset=utf-8"),), clen: int | None = None,
            http: bool = True, warc_headers: tuple = ()) -> bytes:
    payload = (f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n").encode() + body if http else body
    head = (f"WARC/1.0\r\nWARC-Type: {rec_type}\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2024-05-06T10:00:00Z\r\n"
            f"WARC-Record-ID: <urn:uuid:{abs(hash((url, rec_type))):032x}>\r\n"
            + "".join(f"{k}: {v}\r\n" for k, v in warc_headers)
            + f"Content-Length: {len(payload) if clen is None else clen}\r\n\r\n")
    return head.encode() + payload + b"\r\n\r\n"


def _warc_items(tmp_path: Path, name: str, data: bytes, capfd) -> list:
    p = tmp_path / name
    p.write_bytes(data)
    items = list(read_path(str(p)))
    assert capfd.readouterr().err == ""  # warcio's warnings (raw bytes, several lines) do not reach stderr
    return items


@pytest.mark.parametrize("delta", [-200, +90])
def test_a_record_whose_content_length_is_wrong_is_named_not_stored(tmp_path, capfd, delta):
    good1, bad, good3 = (_html(k).encode() for k in (10, 11, 12))
    payload_len = len(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + bad)
    data = (_record("https://n.example/1", good1) + _record("https://n.example/2", bad, clen=payload_len + delta)
            + _record("https://n.example/3", good3))
    items = _warc_items(tmp_path, "lengths.warc", data, capfd)
    pages = _pages(items)
    assert [p.url for p in pages][:1] == ["https://n.example/1"]
    assert all(p.url != "https://n.example/2" for p in pages)  # the damaged record is not stored
    named = [e for e in _errors(items) if e.source.endswith("#2")]
    assert len(named) == 1 and "Content-Length" in named[0].problem
    if delta < 0:  # warcio finds the next record again: it is kept
        assert [p.url for p in pages] == ["https://n.example/1", "https://n.example/3"]


def test_record_kinds_statuses_and_content_types(tmp_path, capfd):
    records = [
        _record("https://n.example/a", _html(20).encode(), headers=()),  # no Content-Type: sniffed
        _record("https://n.example/b", _html(21).encode(), headers=(("Content-Type", "TEXT/HTML; Charset=UTF-8"),)),
        _record("https://n.example/c", _html(22).encode(), status="404 Not Found"),
        _record("https://n.example/d", _html(23).encode(), rec_type="resource", http=False,
                warc_headers=(("Content-Type", "text/html"),)),
        _record("https://n.example/e", b"\x89PNG\r\n\x1a\n" + bytes(200), headers=()),  # an image without a type
        _record("https://n.example/f", b"", rec_type="request", http=False),
    ]
    items = _warc_items(tmp_path, "kinds.warc", b"".join(records), capfd)
    assert [p.url for p in _pages(items)] == ["https://n.example/a", "https://n.example/b", "https://n.example/d"]
    (err,) = _errors(items)
    assert err.source.endswith("#3") and "404" in err.problem


def test_trailing_header_only_record_and_one_stream_gzip(tmp_path, capfd):
    data = _record("https://n.example/h", _html(30).encode()) + (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://n.example/i\r\nContent-Length: 500\r\n\r\n")
    items = _warc_items(tmp_path, "cut.warc", data, capfd)
    assert len(_pages(items)) == 1
    (err,) = _errors(items)
    assert err.source.endswith("#2") and "cut short" in err.problem
    # one gzip stream for the whole archive (valid, though not one member per record): every record is read
    whole = gzip.compress(_record("https://n.example/g1", _html(31).encode()) + _record("https://n.example/g2", _html(32).encode()))
    items = _warc_items(tmp_path, "stream.warc.gz", whole, capfd)
    assert [p.url for p in items] == ["https://n.example/g1", "https://n.example/g2"]


def test_huge_header_lines_and_header_counts_are_bounded(tmp_path, capfd):
    for name, data in (("line.warc", b"WARC/1.0\r\nX: " + b"a" * (4 << 20) + b"\r\n\r\n"),
                       ("many.warc", b"WARC/1.0\r\n" + b"X: a\r\n" * 300_000 + b"\r\n")):
        items = call_with_deadline(lambda d, name=name: _warc_items(tmp_path, name, d, capfd), data, 20.0)
        assert len(items) == 1 and isinstance(items[0], InputError), items


def test_an_archive_without_a_page_says_so(tmp_path, capfd):
    data = _record("https://n.example/r", b"", rec_type="request", http=False) + _record(
        "https://n.example/m", b"a: b\r\n", rec_type="metadata", http=False)
    (err,) = _warc_items(tmp_path, "nopage.warc", data, capfd)
    assert isinstance(err, InputError) and "no pages" in err.problem


# -- folders and encodings -------------------------------------------------------------------------
def test_a_folder_with_nothing_to_read_is_named(tmp_path):
    from marsad.sources.files import discover

    (tmp_path / "empty").mkdir()
    (tmp_path / "pdfs").mkdir()
    (tmp_path / "pdfs" / "a.pdf").write_bytes(b"%PDF-1.4")
    for name in ("empty", "pdfs"):
        (err,) = list(discover([str(tmp_path / name)]))
        assert isinstance(err, InputError) and "no file marsad reads" in err.problem


def test_nul_bytes_between_the_words_of_cp1256_text():
    text = f"{_title(40)}\n{BODY}"
    data = text.encode("cp1256").replace(b" ", b"\x00 ")
    decoded, enc = decode_bytes(data, "nul.txt")
    assert decoded == text and enc == "cp1256"
    with pytest.raises(InputError):  # NULs and other control bytes: still binary
        decode_bytes(bytes(range(0, 32)) * 200, "bin.txt")


# -- URLs -------------------------------------------------------------------------------------------
PAGE = _html(50).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):  # noqa: N802
        try:
            if self.path == "/slow-headers":  # one header line every 0.3 s, for minutes
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                for _ in range(1000):
                    self.wfile.write(b"X-Slow: a\r\n")
                    self.wfile.flush()
                    time.sleep(0.3)
            elif self.path.startswith("/to-"):
                self.send_response(302)
                self.send_header("Location", {"/to-file": "file:///etc/passwd", "/to-ftp": "ftp://127.0.0.1:1/x",
                                              "/to-self": "/to-self", "/to-ok": "/ok"}[self.path])
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif self.path == "/ok":
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(PAGE)))
                self.end_headers()
                self.wfile.write(PAGE)
            elif self.path == "/short":  # promises more than it sends, then closes
                self.send_response(200)
                self.send_header("Content-Length", str(len(PAGE) * 10))
                self.end_headers()
                self.wfile.write(PAGE)
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_WR)
                self.close_connection = True
            elif self.path in ("/cut-gzip", "/gzip"):
                body = gzip.compress(PAGE)[:-30] if self.path == "/cut-gzip" else gzip.compress(PAGE)
                self.send_response(200)
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:  # robots.txt among others
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture(scope="module")
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


def test_headers_trickled_forever_are_bounded_by_the_whole_download_deadline(server):
    t0 = time.monotonic()
    with pytest.raises(InputError) as exc:
        fetch_url(f"{server}/slow-headers", deadline=2, read_timeout=1)
    assert time.monotonic() - t0 < 6
    assert "longer than 2 s" in str(exc.value)


def test_the_watcher_bounds_trickled_headers_by_its_deadline_and_refuses_a_cut_gzip_body(server):
    from marsad.watch.clock import SystemClock
    from marsad.watch.config import FetchSettings
    from marsad.watch.fetch import Fetcher

    settings = FetchSettings(per_host_delay=0.0, read_timeout=1.0, deadline=2.0, retries=0)
    with Fetcher(settings, SystemClock()) as fetcher:
        t0 = time.monotonic()
        res = fetcher.fetch(f"{server}/slow-headers")
        assert time.monotonic() - t0 < 6
        assert res.outcome == "deadline", res
        assert fetcher.fetch(f"{server}/ok").outcome == "ok"
        # a gzip body cut before its end is not stored half; a whole one is read
        assert fetcher.fetch(f"{server}/cut-gzip").outcome == "undecodable"
        whole = fetcher.fetch(f"{server}/gzip")
        assert whole.outcome == "ok" and "رمز 50" in whole.text


@pytest.mark.parametrize("path", ["/to-file", "/to-ftp"])
def test_redirects_go_to_http_urls_only(server, path):
    (err,) = list(read_path(f"{server}{path}"))
    assert isinstance(err, InputError) and "not http(s)" in err.problem


def test_redirect_loop_and_a_good_redirect(server):
    (err,) = list(read_path(f"{server}/to-self"))
    assert isinstance(err, InputError) and "redirects" in err.problem
    (page,) = list(read_path(f"{server}/to-ok"))
    assert isinstance(page, Page) and "رمز 50" in page.content


@pytest.mark.parametrize("path", ["/short", "/cut-gzip"])
def test_a_download_cut_short_is_not_stored_as_a_page(server, path):
    (err,) = list(read_path(f"{server}{path}"))
    assert isinstance(err, InputError) and "cut short" in err.problem


# -- the CLI: digest and backfill on one small folder of these classes ------------------------------------
@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    base = tmp_path_factory.mktemp("heldout")
    d = base / "in"
    d.mkdir()
    (d / "good.html").write_text(_html(60), encoding="utf-8")
    (d / "glued.jsonl").write_bytes(codecs.BOM_UTF8 + json.dumps({"title": _title(61), "text": BODY + " رمز 61"},
                                                                  ensure_ascii=False).encode() + b"\r\n"
                                    + codecs.BOM_UTF8 + json.dumps({"title": _title(62), "text": BODY + " رمز 62"},
                                                                   ensure_ascii=False).encode() + b"\r\n")
    payload = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + _html(63).encode()
    (d / "lengths.warc").write_bytes(_record("https://n.example/64", _html(64).encode())
                                     + _record("https://n.example/63", _html(63).encode(), clen=len(payload) // 2))
    (d / "esc\x1b[31m.warc").write_bytes(b"WARC/1.0\r\nX: " + b"a" * (200 << 10) + b"\r\n\r\n")
    (d / "empty").mkdir()
    (d / "empty" / "notes.pdf").write_bytes(b"%PDF")
    with open(os.fsencode(d) + b"/latin1_\xe9.txt", "wb") as fh:  # a name that is not UTF-8 (backfill wrote its plan as UTF-8)
        fh.write(f"{_title(65)}\n{BODY} رمز 65".encode())
    return base, d


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "marsad.cli", *args], capture_output=True, timeout=300,
                          env={**os.environ, "COLUMNS": "200"})


def _check_lines(stderr: bytes, d: Path) -> list[str]:
    text = stderr.decode("utf-8")
    assert "Traceback" not in text and "WARNING" not in text
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f]", text)  # no raw ESC, no raw bytes from a record
    lines = [ln for ln in text.splitlines() if ln.startswith("skipped: ")]
    for src in (f"{d}/lengths.warc#2", f"{d}/esc\\x1b[31m.warc"):
        assert sum(ln.startswith(f"skipped: {src}: ") for ln in lines) == 1, (src, lines)
    return lines


@pytest.mark.slow
def test_digest_and_backfill_on_the_held_out_classes(folder):
    import sqlite3

    base, d = folder
    proc = _run("digest", str(d), str(d / "empty"), "--db", str(base / "d.db"), "--out", str(base / "out"), "-q", "-j", "1")
    assert proc.returncode == 3, proc.stderr.decode()[-2000:]
    lines = _check_lines(proc.stderr, d)
    assert sum(ln.startswith(f"skipped: {d / 'empty'}: ") for ln in lines) == 1
    proc = _run("backfill", str(d), "--db", str(base / "b.db"), "--workers", "1", "-q")
    assert proc.returncode == 3, proc.stderr.decode()[-2000:]
    _check_lines(proc.stderr, d)
    for db in ("d.db", "b.db"):
        conn = sqlite3.connect(base / db)
        texts = "\n".join(r[0] for r in conn.execute("SELECT data FROM articles"))
        conn.close()
        for k in (60, 61, 62, 64, 65):
            assert f"رمز {k}" in texts, (db, k)
        assert "رمز 63" not in texts  # the record whose Content-Length lied


def test_backfill_pieces_of_json_lines_number_records_as_digest_does(tmp_path):
    # a raw U+2028 or form feed inside a JSON string is valid JSON; `str.splitlines` counted it as a line end,
    # so records of the later pieces of a split file got other numbers (and sources) than in `digest`
    from marsad.scale.plan import Task, read_task

    p = tmp_path / "big.jsonl"
    recs = [json.dumps({"title": _title(k), "text": BODY + f" \u2028\x0c رمز {k}"}, ensure_ascii=False) for k in range(40)]
    p.write_text("\n".join(recs) + "\n", encoding="utf-8")
    from marsad.scale.plan import _line_ranges

    ranges = _line_ranges(str(p), 2000)
    assert len(ranges) > 3
    pieces = [x for k, (start, end, first) in enumerate(ranges)
              for x in read_task(Task(k, "jsonl", (str(p),), start, end, first))]
    assert [x.source for x in pieces] == [x.source for x in read_path(str(p))]
