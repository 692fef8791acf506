"""Hostile URLs against a loopback server: trickling, endless, gzip-encoded, gzip bombs, broken addresses."""

from __future__ import annotations

import gzip
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from marsad.errors import InputError
from marsad.sources.files import fetch_url, read_path

pytestmark = pytest.mark.integration
PAGE = ("<html><head><title>عنوان الخبر</title></head><body><article><h1>عنوان الخبر</h1>"
        "<p>أعلنت الحكومة خطة جديدة لدعم المزارعين في المناطق الشمالية المتضررة من الجفاف.</p></article></body></html>")


def _bomb(size: int) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return b"".join([comp.compress(b"\x00" * (1 << 20)) for _ in range(size >> 20)] + [comp.flush()])


BOMB = _bomb(64 << 20)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def _head(self, ctype="text/html; charset=utf-8", length=None, encoding=None):
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        if length is not None:
            self.send_header("Content-Length", str(length))
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.end_headers()

    def do_GET(self):  # noqa: N802
        try:
            if self.path == "/gzip":
                body = gzip.compress(PAGE.encode())
                self._head(length=len(body), encoding="gzip")
                self.wfile.write(body)
            elif self.path == "/trickle":
                self._head(length=10_000)
                for _ in range(10_000):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.3)
            elif self.path == "/endless":
                self._head()
                chunk = b"a" * 65536
                while True:
                    self.wfile.write(chunk)
            elif self.path == "/bomb":
                self._head(length=len(BOMB), encoding="gzip")
                self.wfile.write(BOMB)
            elif self.path == "/br":
                self._head(length=4, encoding="br")
                self.wfile.write(b"\x00\x00\x00\x00")
            else:
                self.send_error(404)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture(scope="module")
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


def test_gzip_content_encoding_is_honoured(server):
    (page,) = list(read_path(f"{server}/gzip"))
    assert not isinstance(page, InputError), page
    assert "المزارعين" in page.content


def test_trickling_server_is_bounded_by_the_whole_download_deadline(server):
    t0 = time.monotonic()
    with pytest.raises(InputError) as exc:
        fetch_url(f"{server}/trickle", deadline=2, read_timeout=1)
    assert time.monotonic() - t0 < 5
    assert "longer than 2 s" in str(exc.value)


@pytest.mark.parametrize("path", ["/endless", "/bomb"])
def test_endless_stream_and_gzip_bomb_stop_at_the_cap(server, path):
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(InputError) as exc:
        fetch_url(f"{server}{path}", cap=2 << 20)
    assert "too large" in str(exc.value)
    # the 64 MB the bomb expands to were never held (ru_maxrss is in KiB)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 40_000


def test_unsupported_encoding_and_http_errors_are_named(server):
    (err,) = list(read_path(f"{server}/br"))
    assert isinstance(err, InputError) and "Content-Encoding" in str(err)
    (err,) = list(read_path(f"{server}/missing"))
    assert isinstance(err, InputError) and "404" in str(err)


@pytest.mark.parametrize("url", ["http://[::1", "http://a b.example/", "http://x.example/\r\nHost: y",
                                 "https://", "http://x.example:99999/", "http://\ud800.example/"])
def test_broken_addresses_are_one_error_each(url):
    (err,) = list(read_path(url))
    assert isinstance(err, InputError) and "invalid URL" in err.problem
