"""The polite fetcher against a real HTTP server on the loopback address.

`LocalSite` (also used by the other watch tests) serves routes whose answers a test
changes between requests: conditional answers, slow and trickling bodies, oversized
bodies, redirect loops, 5xx bursts, robots.txt rules, cp1256 pages.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from marsad.watch.clock import FakeClock
from marsad.watch.config import FetchSettings
from marsad.watch.fetch import Fetcher
from marsad.watch.log import EventLog

pytestmark = pytest.mark.integration

ARABIC = "أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد في مدينة جدة بسعة ثلاثمئة سرير"


@dataclass
class Resp:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    chunks: list[bytes] | None = None  # streamed without Content-Length, `gap` seconds apart
    gap: float = 0.0
    delay: float = 0.0  # before the status line


@dataclass
class Hit:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


class LocalSite:
    """A threaded HTTP server on 127.0.0.1 whose routes are functions of the request."""

    def __init__(self) -> None:
        self.routes: dict[str, Callable[[Hit], Resp]] = {}
        self.hits: list[Hit] = []
        self.in_flight = 0
        self.max_in_flight: dict[str, int] = {}
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                hit = Hit(method, self.path, {k.lower(): v for k, v in self.headers.items()}, body, time.time())
                with site._lock:
                    site.hits.append(hit)
                    site.in_flight += 1
                    key = self.path.split("?")[0].rsplit("/", 1)[0]
                    site.max_in_flight[key] = max(site.max_in_flight.get(key, 0), site.in_flight)
                counted = True
                try:
                    fn = site.routes.get(self.path.split("?")[0])
                    resp = fn(hit) if fn else Resp(404, b"not found")
                    if resp.delay:
                        time.sleep(resp.delay)
                    # Leave the count before answering: once the client has the whole answer it
                    # frees its slot and may start the next request before this thread gets back
                    # here, which would count one request twice.
                    with site._lock:
                        site.in_flight -= 1
                        counted = False
                    self.send_response(resp.status)
                    for k, v in resp.headers.items():
                        self.send_header(k, v)
                    if resp.chunks is None:
                        self.send_header("Content-Length", str(len(resp.body)))
                    self.end_headers()
                    if resp.chunks is None:
                        self.wfile.write(resp.body)
                    else:
                        for c in resp.chunks:
                            self.wfile.write(c)
                            self.wfile.flush()
                            time.sleep(resp.gap)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    if counted:
                        with site._lock:
                            site.in_flight -= 1

            def do_GET(self):  # noqa: N802
                self._serve("GET")

            def do_POST(self):  # noqa: N802
                self._serve("POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def set(self, path: str, resp: Resp | Callable[[Hit], Resp]) -> None:
        self.routes[path] = resp if callable(resp) else (lambda _h, r=resp: r)

    def count(self, path: str, method: str = "GET") -> int:
        with self._lock:
            return sum(1 for h in self.hits if h.path == path and h.method == method)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def sequence(*answers: Resp) -> Callable[[Hit], Resp]:
    """Answers in turn; the last one repeats."""
    state = {"n": 0}

    def fn(_hit: Hit) -> Resp:
        i = min(state["n"], len(answers) - 1)
        state["n"] += 1
        return answers[i]

    return fn


def html_page(title: str, body: str, charset: str = "utf-8", meta: bool = True) -> str:
    head = f'<meta charset="{charset}">' if meta else ""
    return f"<html><head>{head}<title>{title}</title></head><body><article><h1>{title}</h1><p>{body}</p></article></body></html>"


@pytest.fixture
def site():
    s = LocalSite()
    yield s
    s.close()


def make_fetcher(clock=None, **kw) -> tuple[Fetcher, EventLog]:
    settings = FetchSettings(**{"per_host_delay": 0.0, "connect_timeout": 2.0, "read_timeout": 0.6, "deadline": 1.5,
                                "max_bytes": 20_000, "retries": 2, "backoff": 0.5, **kw})
    clock = clock or FakeClock()
    log = EventLog(clock, stream=_Null(), keep=True)
    return Fetcher(settings, clock, log, seed=1), log


class _Null:
    def write(self, s):
        pass

    def flush(self):
        pass


def test_user_agent_and_conditional_requests(site):
    page = html_page("عنوان", ARABIC).encode()

    def answer(hit: Hit) -> Resp:
        if hit.headers.get("if-none-match") == '"v1"' or hit.headers.get("if-modified-since") == "Tue, 21 Jul 2015 08:00:00 GMT":
            return Resp(304, headers={"ETag": '"v1"'})
        return Resp(200, page, {"Content-Type": "text/html; charset=utf-8", "ETag": '"v1"',
                                "Last-Modified": "Tue, 21 Jul 2015 08:00:00 GMT"})

    site.set("/a", answer)
    f, _ = make_fetcher()
    first = f.fetch(site.url("/a"))
    assert first.ok and ARABIC in first.text and first.etag == '"v1"'
    assert first.last_modified == "Tue, 21 Jul 2015 08:00:00 GMT"
    again = f.fetch(site.url("/a"), etag=first.etag)
    assert again.outcome == "not-modified" and again.status == 304 and again.attempts == 1
    by_date = f.fetch(site.url("/a"), last_modified=first.last_modified)
    assert by_date.outcome == "not-modified"
    hits = [h for h in site.hits if h.path == "/a"]
    assert [("if-none-match" in h.headers) for h in hits] == [False, True, False]
    assert all(h.headers["user-agent"].startswith("marsad/") and "+http" in h.headers["user-agent"] for h in site.hits)


def test_5xx_burst_is_retried_with_growing_backoff_and_4xx_is_not(site):
    clock = FakeClock()
    ok = Resp(200, html_page("t", ARABIC).encode(), {"Content-Type": "text/html"})
    site.set("/burst", sequence(Resp(503), Resp(502), ok))
    site.set("/gone", Resp(404, b"no"))
    site.set("/down", Resp(500))
    f, log = make_fetcher(clock)
    res = f.fetch(site.url("/burst"))
    assert res.ok and res.attempts == 3 and res.retried == ("503", "502")
    waits = [r["wait"] for r in log.of("retry")]
    assert len(waits) == 2 and 0.5 <= waits[0] <= 1.0 and 1.0 <= waits[1] <= 2.0  # backoff 0.5·2^k plus jitter
    assert clock.slept == pytest.approx(waits, abs=0.01)
    gone = f.fetch(site.url("/gone"))
    assert gone.outcome == "http-error" and gone.status == 404 and gone.attempts == 1 and site.count("/gone") == 1
    down = f.fetch(site.url("/down"))
    assert down.outcome == "http-error" and down.status == 500 and down.attempts == 3 and site.count("/down") == 3
    assert down.retryable and not gone.retryable
    clock.slept.clear()
    site.set("/later", sequence(Resp(503, headers={"Retry-After": "7"}), Resp(200, html_page("t", ARABIC).encode())))
    later = f.fetch(site.url("/later"))
    assert later.ok and clock.slept == [7.0]  # Retry-After is longer than the backoff: it wins
    site.set("/busy", Resp(429, b"slow down"))
    busy = f.fetch(site.url("/busy"))  # a 4xx is not retried at once, but a 429 is worth a later poll
    assert busy.attempts == 1 and not busy.retry_now and busy.retryable


def test_slow_server_times_out_and_trickle_hits_the_deadline(site):
    site.set("/slow", Resp(200, b"<html>late</html>", {"Content-Type": "text/html"}, delay=1.2))
    chunk = html_page("t", ARABIC).encode()[:200]
    site.set("/trickle", Resp(200, headers={"Content-Type": "text/html"}, chunks=[chunk] * 12, gap=0.3))
    f, log = make_fetcher(retries=1)
    slow = f.fetch(site.url("/slow"))
    assert slow.outcome == "timeout" and slow.attempts == 2 and site.count("/slow") == 2
    t0 = time.monotonic()
    trickle = f.fetch(site.url("/trickle"))
    # each chunk comes within the read timeout, but the whole body does not come within the deadline
    assert trickle.outcome == "deadline" and "1.5 s" in trickle.error
    assert time.monotonic() - t0 < 2 * (1.5 + 0.6) + 1
    assert [r["reason"] for r in log.of("retry")] == ["timeout", "deadline"]


def test_body_cap_with_and_without_content_length(site):
    big = ("<html><body>" + "ك" * 30_000 + "</body></html>").encode()
    site.set("/declared", Resp(200, big, {"Content-Type": "text/html"}))
    site.set("/streamed", Resp(200, headers={"Content-Type": "text/html"}, chunks=[big[i:i + 4096] for i in range(0, len(big), 4096)]))
    site.set("/small", Resp(200, big[:5000], {"Content-Type": "text/html"}))
    f, _ = make_fetcher()
    declared = f.fetch(site.url("/declared"))
    assert declared.outcome == "too-large" and "20000" in declared.error and declared.attempts == 1
    streamed = f.fetch(site.url("/streamed"))
    assert streamed.outcome == "too-large" and streamed.attempts == 1 and not streamed.body
    assert f.fetch(site.url("/small")).outcome in ("ok", "undecodable")  # under the cap: read


def test_redirects_loops_and_limit(site):
    page = Resp(200, html_page("t", ARABIC).encode(), {"Content-Type": "text/html"})
    site.set("/old", Resp(301, headers={"Location": "/new"}))
    site.set("/new", page)
    site.set("/loop-a", Resp(302, headers={"Location": "/loop-b"}))
    site.set("/loop-b", Resp(302, headers={"Location": "/loop-a"}))
    for i in range(10):
        site.set(f"/chain{i}", Resp(302, headers={"Location": f"/chain{i + 1}"}))
    site.set("/chain10", page)
    f, _ = make_fetcher(max_redirects=5)
    moved = f.fetch(site.url("/old"))
    assert moved.ok and moved.final_url == site.url("/new")
    loop = f.fetch(site.url("/loop-a"))
    assert loop.outcome == "redirects" and "loop" in loop.error and loop.attempts == 1
    assert site.count("/loop-a") == 1 and site.count("/loop-b") == 1
    chain = f.fetch(site.url("/chain0"))
    assert chain.outcome == "redirects" and "more than 5" in chain.error and site.count("/chain10") == 0


def test_robots_txt_is_honoured_redirect_targets_included(site):
    site.set("/robots.txt", Resp(200, b"User-agent: *\nDisallow: /private\n", {"Content-Type": "text/plain"}))
    site.set("/private/x", Resp(200, b"<html>secret</html>", {"Content-Type": "text/html"}))
    site.set("/public", Resp(302, headers={"Location": "/private/x"}))
    site.set("/open", Resp(200, html_page("t", ARABIC).encode(), {"Content-Type": "text/html"}))
    f, _ = make_fetcher()
    blocked = f.fetch(site.url("/private/x"))
    assert blocked.outcome == "robots" and blocked.attempts == 1
    via = f.fetch(site.url("/public"))
    assert via.outcome == "robots"
    assert f.fetch(site.url("/open")).ok
    assert site.count("/private/x") == 0
    assert site.count("/robots.txt") == 1  # read once, cached


def test_unreachable_robots_disallows_and_missing_robots_allows():
    a, b = LocalSite(), LocalSite()
    try:
        a.set("/robots.txt", Resp(503))
        a.set("/p", Resp(200, b"<html>x</html>", {"Content-Type": "text/html"}))
        b.set("/p", Resp(200, html_page("t", ARABIC).encode(), {"Content-Type": "text/html"}))  # robots.txt 404
        f, log = make_fetcher()
        assert f.fetch(a.url("/p")).outcome == "robots" and a.count("/p") == 0
        assert log.of("robots-unreachable")
        assert f.fetch(b.url("/p")).ok
    finally:
        a.close()
        b.close()


@pytest.mark.parametrize("header,meta", [
    ("text/html; charset=windows-1256", False),  # declared in the header
    ("text/html", True),  # declared in the page only
    ("text/html", False),  # declared nowhere: detected
    ("text/html; charset=utf-8", False),  # declared wrongly
])
def test_cp1256_pages_decode(site, header, meta):
    body = html_page("خبر", ARABIC * 3, charset="windows-1256", meta=meta).encode("cp1256")
    site.set("/ar", Resp(200, body, {"Content-Type": header}))
    f, _ = make_fetcher()
    res = f.fetch(site.url("/ar"))
    assert res.ok, res.error
    assert ARABIC in res.text and res.encoding.replace("-", "").replace("windows", "cp") in ("cp1256",)


def test_refused_content_types(site):
    site.set("/img", Resp(200, b"\x89PNG....", {"Content-Type": "image/png"}))
    site.set("/bin", Resp(200, b"\x7fELF\x00\x00\x00" * 50, {"Content-Type": "text/html"}))
    f, _ = make_fetcher()
    assert f.fetch(site.url("/img")).outcome == "content-type"
    assert f.fetch(site.url("/bin")).outcome == "undecodable"


def test_per_host_concurrency_and_rate(site):
    for i in range(6):
        site.set(f"/c/{i}", Resp(200, html_page("t", ARABIC).encode(), {"Content-Type": "text/html"}, delay=0.3))
    f, _ = make_fetcher(per_host_concurrency=2)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(f.fetch, [site.url(f"/c/{i}") for i in range(6)]))
    assert all(r.ok for r in results)
    assert site.max_in_flight["/c"] == 2
    clock = FakeClock()
    g, _ = make_fetcher(clock, per_host_delay=2.0)
    for i in range(3):
        assert g.fetch(site.url(f"/c/{i}")).ok
    # robots.txt, then three pages: each start waits 2 s after the previous one
    assert clock.slept == [2.0, 2.0, 2.0]


def test_gzipped_sitemaps_are_read_and_gzip_bombs_are_not(site):
    import gzip

    sitemap = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://e.org/1</loc></url></urlset>'
    site.set("/s.xml.gz", Resp(200, gzip.compress(sitemap), {"Content-Type": "application/x-gzip"}))
    site.set("/bomb.xml.gz", Resp(200, gzip.compress(b"<urlset>" + b" " * 5_000_000), {"Content-Type": "application/x-gzip"}))
    f, _ = make_fetcher()
    ok = f.fetch(site.url("/s.xml.gz"), accept="feed")
    assert ok.ok and ok.body == sitemap
    bomb = f.fetch(site.url("/bomb.xml.gz"), accept="feed")
    assert bomb.outcome == "too-large" and "decompressed" in bomb.error
    assert f.fetch(site.url("/s.xml.gz")).outcome == "content-type"  # not a page
