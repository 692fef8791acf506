"""The polite fetcher: httpx underneath, with the manners and limits a long-running watcher needs.

* **Politeness** — a descriptive User-Agent; robots.txt honoured for every URL, redirect
  targets included (RFC 9309: a 4xx robots.txt allows all, an unreachable one disallows all
  until it is read again); per host, at most ``per_host_concurrency`` requests in flight and
  ``per_host_delay`` seconds (or the robots ``Crawl-delay``, if longer) between request starts.
* **Conditional requests** — ``If-None-Match`` / ``If-Modified-Since`` from the validators of the
  last fetch; a 304 is an answer ("not modified"), not an error.
* **Limits** — connect and read timeouts, a deadline on the whole download (a server that
  trickles bytes forever is cut off), a body cap enforced while streaming (a wrong or missing
  Content-Length does not get past it), a redirect limit with loop detection.
* **Checks** — content types that cannot be a page or a feed are refused; the charset of the
  Content-Type header is used when it decodes the bytes (``windows-1256`` is common), otherwise
  `marsad.sources.decode.decode_bytes` detects it.
* **Retries** — on 5xx, timeouts and network errors, with exponential backoff and jitter; never on
  4xx, redirect problems or refusals.  Waiting goes through the clock, so tests do not wait.

Every outcome is a `FetchResult`; the fetcher never raises for a bad URL or a bad server.
"""

from __future__ import annotations

import codecs
import contextlib
import random
import socket
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from marsad.errors import InputError
from marsad.sources.decode import decode_bytes
from marsad.watch.config import FetchSettings

REDIRECTS = (301, 302, 303, 307, 308)
# content types that are never a page or a feed
REFUSED_TYPES = ("image/", "audio/", "video/", "font/", "application/pdf", "application/zip",
                 "application/gzip", "application/x-", "application/vnd.", "application/msword")
ROBOTS_MAX_BYTES = 500_000
ROBOTS_RETRY = 600.0  # an unreachable robots.txt is asked again after this many seconds
RETRY_AFTER_MAX = 300.0
GZIP_TYPES = ("application/gzip", "application/x-gzip", "application/octet-stream")
CHARSET_ALIASES = {"windows-1256": "cp1256", "x-cp1256": "cp1256", "iso-8859-6": "iso8859_6", "arabic": "iso8859_6"}


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one fetch came to.

    ``outcome`` is one of: ``ok``, ``not-modified`` (304), ``http-error`` (4xx/5xx, see
    ``status``), ``timeout``, ``network``, ``too-large``, ``deadline``, ``redirects`` (loop or
    limit), ``robots`` (disallowed), ``content-type``, ``undecodable``.
    """

    url: str
    outcome: str
    status: int | None = None
    final_url: str | None = None
    body: bytes = b""
    text: str | None = None  # decoded body (pages only)
    encoding: str | None = None
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    attempts: int = 0
    error: str | None = None
    retried: tuple[str, ...] = ()  # the reason of each retry

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @property
    def retry_now(self) -> bool:
        """Worth retrying at once, after a backoff: the server or the network failed (5xx, timeouts)."""
        return self.outcome in ("timeout", "network", "deadline") or (
            self.outcome == "http-error" and (self.status or 0) >= 500)

    @property
    def retryable(self) -> bool:
        """Worth trying again at a later poll: what `retry_now` covers, and 408/429 (the server asks for time)."""
        return self.retry_now or (self.outcome == "http-error" and self.status in (408, 429))


@dataclass
class _Host:
    slots: threading.Semaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_start: Any = None  # datetime of the earliest next request start
    robots: RobotFileParser | None = None
    robots_until: Any = None
    robots_lock: threading.Lock = field(default_factory=threading.Lock)
    delay: float = 0.0


class Fetcher:
    """Fetches pages and feeds politely.  Thread-safe: many threads may call `fetch` at once."""

    def __init__(self, settings: FetchSettings, clock: Any, log: Any = None,
                 transport: httpx.BaseTransport | None = None, seed: int | None = None) -> None:
        self.settings = settings
        self.clock = clock
        self.log = log
        self._rng = random.Random(seed)
        timeout = httpx.Timeout(connect=settings.connect_timeout, read=settings.read_timeout,
                                write=settings.read_timeout, pool=settings.deadline)
        self.client = httpx.Client(
            timeout=timeout, follow_redirects=False, transport=transport,
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            limits=httpx.Limits(max_connections=max(4, settings.workers * 2), max_keepalive_connections=settings.workers),
        )
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()
        self.requests = 0  # HTTP requests sent (robots.txt included)
        self._count_lock = threading.Lock()

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- politeness ------------------------------------------------------------
    def _host(self, netloc: str) -> _Host:
        with self._hosts_lock:
            if netloc not in self._hosts:
                self._hosts[netloc] = _Host(threading.Semaphore(self.settings.per_host_concurrency),
                                            delay=self.settings.per_host_delay)
            return self._hosts[netloc]

    def _wait_turn(self, host: _Host) -> None:
        with host.lock:
            now = self.clock.now()
            start = max(now, host.next_start or now)
            host.next_start = start + timedelta(seconds=host.delay)
        wait = (start - now).total_seconds()
        if wait > 0:
            self.clock.sleep(wait)

    def allowed(self, url: str) -> bool:
        """May the watcher fetch this URL (robots.txt of its host)?"""
        parts = urlsplit(url)
        host = self._host(parts.netloc)
        with host.robots_lock:
            now = self.clock.now()
            if host.robots is None or (host.robots_until is not None and now >= host.robots_until):
                host.robots, ttl = self._read_robots(f"{parts.scheme}://{parts.netloc}/robots.txt", host)
                host.robots_until = now + timedelta(seconds=ttl)
                delay = host.robots.crawl_delay(self.settings.user_agent)
                if delay:
                    host.delay = max(self.settings.per_host_delay, float(delay))
            robots = host.robots
        return robots.can_fetch(self.settings.user_agent, url)

    def _read_robots(self, robots_url: str, host: _Host) -> tuple[RobotFileParser, float]:
        rp = RobotFileParser(robots_url)
        res = self._once(robots_url, {}, host, accept="robots", max_bytes=ROBOTS_MAX_BYTES)
        if res.outcome == "ok":
            rp.parse(res.body.decode("utf-8", "replace").splitlines())
            return rp, self.settings.robots_ttl
        if res.outcome == "http-error" and res.status and 400 <= res.status < 500:
            rp.allow_all = True  # RFC 9309 2.3.1.3: "unavailable" -> no restriction
            return rp, self.settings.robots_ttl
        rp.disallow_all = True  # unreachable (5xx, network): assume complete disallow, ask again soon
        self._log("robots-unreachable", url=robots_url, outcome=res.outcome, status=res.status)
        return rp, ROBOTS_RETRY

    def _log(self, name: str, **fields: Any) -> None:
        if self.log is not None:
            self.log.event(name, **fields)

    # -- fetching --------------------------------------------------------------
    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
              accept: str = "page") -> FetchResult:
        """GET ``url`` (``accept``: ``page`` decodes the body to text; ``feed`` keeps the bytes)."""
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        headers["Accept"] = ("application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
                             if accept == "feed" else "text/html, application/xhtml+xml, text/plain;q=0.8, */*;q=0.5")
        retried: list[str] = []
        attempt = 0
        while True:
            attempt += 1
            res = self._follow(url, headers, accept)
            if not res.retry_now or attempt > self.settings.retries:
                break
            reason = f"{res.status}" if res.outcome == "http-error" else res.outcome
            wait = self.settings.backoff * 2 ** (attempt - 1)
            wait += self._rng.uniform(0, wait)  # jitter: clients that failed together do not retry together
            if res.error and "; retry-after=" in res.error:  # the server said how long to wait
                wait = max(wait, min(float(res.error.rsplit("=", 1)[1]), RETRY_AFTER_MAX))
            retried.append(reason)
            self._log("retry", url=url, attempt=attempt, reason=reason, wait=round(wait, 2))
            self.clock.sleep(wait)
        return _replace(res, attempts=attempt, retried=tuple(retried))

    def _follow(self, url: str, headers: dict[str, str], accept: str) -> FetchResult:
        """One try: the request and its redirects, each target checked against robots.txt."""
        seen = {url}
        current = url
        for _ in range(self.settings.max_redirects + 1):
            parts = urlsplit(current)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                return FetchResult(url, "network", final_url=current, error=f"not an http(s) URL: {current}")
            if not self.allowed(current):
                return FetchResult(url, "robots", final_url=current, error="disallowed by robots.txt")
            res = self._once(current, headers, self._host(parts.netloc), accept=accept,
                             max_bytes=self.settings.max_bytes)
            if res.outcome != "redirect":
                return _replace(res, url=url, final_url=current)
            target = urljoin(current, res.error or "")
            if target in seen:
                return FetchResult(url, "redirects", status=res.status, final_url=current,
                                   error=f"redirect loop ({current} -> {target})")
            seen.add(target)
            current = target
        return FetchResult(url, "redirects", final_url=current,
                           error=f"more than {self.settings.max_redirects} redirects")

    def _once(self, url: str, headers: dict[str, str], host: _Host, *, accept: str, max_bytes: int) -> FetchResult:
        """One HTTP request, under the host's limits; never raises."""
        with host.slots:
            self._wait_turn(host)
            with self._count_lock:
                self.requests += 1
            t0 = time.monotonic()
            # the deadline covers the whole exchange, status line and headers included (a server trickling
            # header lines, each within the read timeout, held a fetch for minutes): a watchdog shuts the
            # socket down when it passes.  One connection per request ("Connection: close"), so the
            # socket of this request is known (httpx reports it to the trace hook when it connects).
            streams: list[Any] = []
            expired = threading.Event()

            def trace(event: str, info: dict) -> None:
                if event in ("connection.connect_tcp.complete", "connection.start_tls.complete") and info.get("return_value"):
                    streams.append(info["return_value"])

            def expire() -> None:
                expired.set()
                for stream in streams:
                    sock = stream.get_extra_info("socket")
                    if sock is not None:
                        with contextlib.suppress(OSError):
                            sock.shutdown(socket.SHUT_RDWR)

            watchdog = threading.Timer(self.settings.deadline, expire)
            watchdog.daemon = True
            watchdog.start()
            try:
                with self.client.stream("GET", url, headers={**headers, "Connection": "close"},
                                        extensions={"trace": trace}) as resp:
                    res = self._read(url, resp, t0, accept, max_bytes)
                if expired.is_set():  # the body ended because the watchdog shut the socket: it is not whole
                    return FetchResult(url, "deadline", status=res.status, content_type=res.content_type,
                                       error=f"download not finished after {self.settings.deadline:g} s")
                return res
            except httpx.TimeoutException as exc:
                return FetchResult(url, "timeout", error=f"timed out ({type(exc).__name__})")
            except httpx.HTTPError as exc:  # transport errors, InvalidURL, decoding errors of a broken gzip body, ...
                if expired.is_set():
                    return FetchResult(url, "deadline", error=f"download not finished after {self.settings.deadline:g} s")
                return FetchResult(url, "network", error=f"{type(exc).__name__}: {exc}"[:300])
            finally:
                watchdog.cancel()

    def _read(self, url: str, resp: httpx.Response, t0: float, accept: str, max_bytes: int) -> FetchResult:
        status = resp.status_code
        etag = resp.headers.get("etag")
        last_modified = resp.headers.get("last-modified")
        ctype = resp.headers.get("content-type", "")
        if status in REDIRECTS:
            location = resp.headers.get("location")
            if not location:
                return FetchResult(url, "http-error", status=status, error=f"HTTP {status} without a Location")
            return FetchResult(url, "redirect", status=status, error=location)
        if status == 304:
            return FetchResult(url, "not-modified", status=304, etag=etag or None, last_modified=last_modified)
        if status >= 400:
            retry_after = resp.headers.get("retry-after", "")
            err = f"HTTP {status}" + (f"; retry-after={retry_after.strip()}" if retry_after.strip().isdigit() else "")
            return FetchResult(url, "http-error", status=status, error=err)
        if status != 200:
            return FetchResult(url, "http-error", status=status, error=f"HTTP {status} (expected 200)")
        mime = ctype.split(";")[0].strip().lower()
        gzipped_feed = accept == "feed" and mime in GZIP_TYPES  # sitemap.xml.gz is common
        if accept != "robots" and mime.startswith(REFUSED_TYPES) and not gzipped_feed:
            return FetchResult(url, "content-type", status=status, content_type=ctype,
                               error=f"not a page or feed ({mime})")
        declared = resp.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            return FetchResult(url, "too-large", status=status, content_type=ctype,
                               error=f"body of {int(declared)} bytes > cap of {max_bytes}")
        buf = bytearray()
        # a gzip body is decompressed here, not by httpx: httpx accepts a gzip stream cut before its end and the
        # page would be stored half (no silent damage, issue #13); the cap holds after decompression
        gz = zlib.decompressobj(16 + zlib.MAX_WBITS) if not resp.is_stream_consumed and resp.headers.get(
            "content-encoding", "").strip().lower() in ("gzip", "x-gzip") else None  # (consumed: a test transport)
        for chunk in (resp.iter_raw() if gz is not None else resp.iter_bytes()):
            if gz is not None:
                try:
                    chunk = gz.decompress(chunk, max_bytes + 1 - len(buf))
                except zlib.error as exc:
                    return FetchResult(url, "network", status=status, content_type=ctype, error=f"DecodingError: {exc}")
            buf += chunk
            if len(buf) > max_bytes:
                return FetchResult(url, "too-large", status=status, content_type=ctype,
                                   error=f"body over the cap of {max_bytes} bytes")
            if time.monotonic() - t0 > self.settings.deadline:
                return FetchResult(url, "deadline", status=status, content_type=ctype,
                                   error=f"download not finished after {self.settings.deadline:g} s")
        if gz is not None and not gz.eof:
            return FetchResult(url, "undecodable", status=status, content_type=ctype,
                               error="gzip body cut before its end")
        body = bytes(buf)
        if accept == "feed" and body[:2] == b"\x1f\x8b":
            try:
                body = _gunzip(body, max_bytes)
            except (OSError, EOFError, zlib.error, ValueError) as exc:
                return FetchResult(url, "too-large" if isinstance(exc, ValueError) else "undecodable", status=status,
                                   content_type=ctype, error=f"gzip body: {exc}")
        if accept != "page":
            return FetchResult(url, "ok", status=status, body=body, content_type=ctype, etag=etag,
                               last_modified=last_modified)
        try:
            text, encoding = decode_page(body, resp.charset_encoding, url)
        except InputError as exc:
            return FetchResult(url, "undecodable", status=status, content_type=ctype, error=exc.problem)
        return FetchResult(url, "ok", status=status, body=body, text=text, encoding=encoding, content_type=ctype,
                           etag=etag, last_modified=last_modified)


def decode_page(body: bytes, header_charset: str | None, source: str) -> tuple[str, str]:
    """The page's text: the header's charset when it decodes the bytes cleanly, else detection."""
    if header_charset:
        name = CHARSET_ALIASES.get(header_charset.strip().lower(), header_charset.strip().lower())
        try:
            codecs.lookup(name)
            text = body.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration: the bytes decide
        else:
            if text.strip():
                return decode_bytes(text.encode("utf-8"), source)[0], name
    return decode_bytes(body, source)


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    """Decompress a gzip body, refusing to grow it past the cap (a small bomb stays small)."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = d.decompress(data, max_bytes + 1)
    if len(out) > max_bytes or d.unconsumed_tail:
        raise ValueError(f"over the cap of {max_bytes} bytes once decompressed")
    return out


def _replace(res: FetchResult, **changes: Any) -> FetchResult:
    from dataclasses import replace

    return replace(res, **changes)
