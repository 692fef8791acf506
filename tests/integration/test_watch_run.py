"""The watcher against local sites: what it stores, retries, logs and alerts when feeds and pages misbehave.

Every server listens on 127.0.0.1; time is a `FakeClock`, so polls, backoff and
intervals take no real time.  Pages are SaudiNewsNet articles read at test time
(cut to their first paragraphs to keep the analysis cheap).
"""

from __future__ import annotations

import io
from email.utils import format_datetime
from html import escape

import pytest

from marsad.store.db import Store
from marsad.store.watch import WatchStore
from marsad.watch.clock import FakeClock, parse_iso
from marsad.watch.config import config_from_dict
from marsad.watch.log import EventLog
from marsad.watch.runner import Watcher
from tests.conftest import saudinewsnet
from tests.integration.test_watch_fetch import LocalSite, Resp, sequence

pytestmark = pytest.mark.integration

FETCH = {"per_host_delay": 0, "connect_timeout": 2, "read_timeout": 1, "deadline": 3, "max_bytes": 60_000,
         "retries": 1, "backoff": 1, "workers": 4, "batch": 10}


def article_html(rec: dict, charset: str = "utf-8", chars: int = 900) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in rec["content"][:chars].split("\n") if p.strip())
    title = escape(rec["title"])
    return (f'<!doctype html><html lang="ar"><head><meta charset="{charset}"><title>{title}</title></head>'
            f"<body><article><h1>{title}</h1>{body}</article></body></html>")


def rss(items: list[tuple[str, str, str]]) -> bytes:
    """items: (url, title, RFC 822 date)."""
    body = "".join(f"<item><title>{escape(t)}</title><link>{escape(u)}</link><guid>{escape(u)}</guid>"
                   f"<pubDate>{d}</pubDate></item>" for u, t, d in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
            f"<link>http://127.0.0.1/</link><description>d</description>{body}</channel></rss>").encode()


def rfc822(clock: FakeClock, minutes: int = 0) -> str:
    from datetime import timedelta

    return format_datetime(clock.now() + timedelta(minutes=minutes), usegmt=True)


class Harness:
    def __init__(self, tmp_path, sources: list[dict], **extra) -> None:
        self.clock = FakeClock()
        self.stream = io.StringIO()
        self.log = EventLog(self.clock, self.stream, keep=True)
        raw = {"source": sources, "fetch": {**FETCH, **extra.pop("fetch", {})}, **extra}
        self.config = config_from_dict(raw, "test.toml")
        self.db = tmp_path / "w.db"
        self.store = Store(self.db)
        self.watcher = Watcher(self.config, self.store, clock=self.clock, log=self.log, seed=3)

    def round(self, advance: float = 0.0):
        self.clock.advance(advance)
        return self.watcher.run_round()

    def restart(self) -> None:
        self.watcher.close()
        self.store.close()
        self.store = Store(self.db)
        self.watcher = Watcher(self.config, self.store, clock=self.clock, log=self.log, seed=4)

    def close(self) -> None:
        self.watcher.close()
        self.store.close()


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return [r for r in saudinewsnet(limit=60) if len(r["content"]) > 600][:20]


@pytest.fixture
def site():
    s = LocalSite()
    yield s
    s.close()


def test_feed_changes_304_etag_404_items_and_stamps(tmp_path, site, records):
    clock_ref: dict = {}
    a, b, c, d = (site.url(f"/news/{i}") for i in "abcd")
    for path, rec in zip(("/news/a", "/news/b", "/news/d"), records[:3], strict=True):
        site.set(path, Resp(200, article_html(rec).encode(), {"Content-Type": "text/html; charset=utf-8",
                                                                "ETag": f'"{path}"'}))
    site.set("/news/b", lambda h: Resp(304) if h.headers.get("if-none-match") == '"/news/b"' else
             Resp(200, article_html(records[1]).encode(), {"Content-Type": "text/html", "ETag": '"/news/b"'}))
    feed = {"version": 1}

    def feed_answer(hit):
        clock = clock_ref["clock"]
        etag = f'"feed-{feed["version"]}"'
        if hit.headers.get("if-none-match") == etag:
            return Resp(304, headers={"ETag": etag})
        items = [(a, "a", "Tue, 21 Jul 2015 05:00:00 GMT"), (b, "b", "Tue, 21 Jul 2015 06:00:00 GMT"),
                 (c, "c", "Tue, 21 Jul 2015 07:00:00 GMT")]
        if feed["version"] == 2:
            items = [(d, "d", rfc822(clock)), (b, "b", "Tue, 21 Jul 2015 09:00:00 GMT")] + items[::2]
        return Resp(200, rss(items), {"Content-Type": "application/rss+xml", "ETag": etag})

    site.set("/feed.xml", feed_answer)
    h = Harness(tmp_path, [{"name": "one", "outlet": "الشرق الأوسط", "url": site.url("/feed.xml"), "interval": "10m"}])
    clock_ref["clock"] = h.clock
    try:
        r1 = h.round()
        assert {s.url for s in r1.stored} == {a, b}
        assert r1.failed == 1 and h.watcher.wstore.url_status(c) == "gone"
        failed = h.log.of("fetch-failed")
        assert failed[0]["url"] == c and failed[0]["status"] == 404 and failed[0]["attempts"] == 1
        assert all(s.story_id for s in r1.stored)  # processed in the round: each page is in a story
        assert h.store.count("articles") == 2

        # not due yet: nothing is asked
        hits = len(site.hits)
        assert h.round(advance=60).polled == 0 and len(site.hits) == hits
        # due: the feed answers 304 to its ETag and nothing else is fetched
        r3 = h.round(advance=600)
        assert r3.polled == 1 and r3.queued == 0 and r3.fetched == 0
        assert h.log.of("poll")[-1]["outcome"] == "not-modified"
        # the feed changes: a new item, and b says it was updated -> b asked conditionally (304), d fetched
        feed["version"] = 2
        r4 = h.round(advance=600)
        assert {s.url for s in r4.stored} == {d} and r4.unchanged == 1
        assert site.count("/news/a") == 1 and site.count("/news/c") == 1 and site.count("/news/d") == 1
        b_hits = [x for x in site.hits if x.path == "/news/b"]
        assert len(b_hits) == 2 and b_hits[1].headers.get("if-none-match") == '"/news/b"'
        assert h.store.count("articles") == 3
    finally:
        h.close()


def test_bad_pages_each_end_as_they_should_and_nothing_else_is_lost(tmp_path, site, records):
    site.set("/robots.txt", Resp(200, b"User-agent: *\nDisallow: /private/\n"))
    good = [f"/p/{i}" for i in range(3)]
    for path, rec in zip(good, records[3:6], strict=True):
        site.set(path, Resp(200, article_html(rec).encode(), {"Content-Type": "text/html"}))
    cp = records[6]
    site.set("/p/cp1256", Resp(200, article_html(cp, charset="windows-1256").encode("cp1256", "replace"),
                               {"Content-Type": "text/html; charset=windows-1256"}))
    site.set("/p/big", Resp(200, b"<html><body>" + "ب".encode() * 50_000 + b"</body></html>", {"Content-Type": "text/html"}))
    site.set("/p/loop", Resp(302, headers={"Location": "/p/loop2"}))
    site.set("/p/loop2", Resp(302, headers={"Location": "/p/loop"}))
    site.set("/private/x", Resp(200, article_html(records[7]).encode(), {"Content-Type": "text/html"}))
    site.set("/p/slow", Resp(200, article_html(records[8]).encode(), {"Content-Type": "text/html"}, delay=1.5))
    site.set("/p/pdf", Resp(200, b"%PDF-1.4", {"Content-Type": "application/pdf"}))
    burst = sequence(Resp(503), Resp(503), Resp(503),
                     Resp(200, article_html(records[9]).encode(), {"Content-Type": "text/html"}))
    site.set("/p/burst", burst)
    urls = [site.url(p) for p in good + ["/p/cp1256", "/p/big", "/p/loop", "/private/x", "/p/slow", "/p/pdf", "/p/burst"]]
    site.set("/list.txt", Resp(200, ("# today\n" + "\n".join(urls) + "\nnot a url\n").encode(), {"Content-Type": "text/plain"}))
    h = Harness(tmp_path, [{"name": "list", "kind": "urls", "outlet": "سبق", "url": site.url("/list.txt"), "interval": 60}],
                fetch={"max_page_tries": 3})
    try:
        r1 = h.round()
        status = {u.rsplit("/", 1)[1] if "private" not in u else "private": s for u, (s, _, _) in h.watcher.wstore.urls().items()}
        assert status == {"0": "stored", "1": "stored", "2": "stored", "cp1256": "stored", "big": "gone",
                          "loop": "gone", "private": "gone", "slow": "queued", "pdf": "gone", "burst": "queued"}
        # the cp1256 page is stored as the text it is
        page_id = next(s.page_id for s in r1.stored if s.url.endswith("cp1256"))
        assert h.store.article(page_id).title == cp["title"]
        assert site.count("/private/x") == 0 and site.count("/p/loop") == 1
        assert site.count("/p/burst") == 2 and site.count("/p/slow") == 2  # first try + one retry each
        reasons = {r["url"].rsplit("/", 1)[1]: r["reason"] for r in h.log.of("retry")}
        assert reasons == {"burst": "503", "slow": "timeout"}
        errors = {r["url"].rsplit("/", 1)[1]: r["outcome"] for r in h.log.of("fetch-failed")}
        assert errors == {"big": "too-large", "loop": "redirects", "x": "robots", "slow": "timeout",
                          "pdf": "content-type", "burst": "http-error"}
        assert any(r["warning"] == "1 lines are not URLs" for r in h.log.of("poll-warning"))
        # the next round tries the 5xx page again (it answers now); the slow one fails its last try and is given up
        r2 = h.round(advance=60)
        assert [s.url for s in r2.stored] == [site.url("/p/burst")]
        r3 = h.round(advance=60)
        assert not r3.stored and h.watcher.wstore.url_status(site.url("/p/slow")) == "failed"
        assert site.count("/p/slow") == 6  # three polls, two tries each, then no more
        h.round(advance=60)
        assert site.count("/p/slow") == 6 and site.count("/p/big") == 1 and site.count("/p/0") == 1
        assert h.store.count("articles") == 5
    finally:
        h.close()


def test_broken_feed_fails_alone_and_a_failing_streak_alerts_once(tmp_path, site, records):
    site.set("/good.xml", lambda _h: Resp(200, rss([(site.url("/g/1"), "g", "Tue, 21 Jul 2015 06:00:00 GMT")]),
                                          {"Content-Type": "application/rss+xml"}))
    site.set("/g/1", Resp(200, article_html(records[10]).encode(), {"Content-Type": "text/html"}))
    broken = {"on": True}
    site.set("/bad.xml", lambda _h: Resp(200, b"<?xml version='1.0'?><rss><channel><item><title>x</tit" if broken["on"]
                                         else rss([(site.url("/g/2"), "g2", "Tue, 21 Jul 2015 06:00:00 GMT")]),
                                         {"Content-Type": "application/rss+xml"}))
    site.set("/g/2", Resp(200, article_html(records[11]).encode(), {"Content-Type": "text/html"}))
    h = Harness(tmp_path, [{"name": "good", "outlet": "عكاظ", "url": site.url("/good.xml"), "interval": 60},
                           {"name": "bad", "outlet": "المدينة", "url": site.url("/bad.xml"), "interval": 60}],
                alerts={"failing_after": 3})
    try:
        r1 = h.round()
        assert [s.url for s in r1.stored] == [site.url("/g/1")] and r1.poll_failures == 1
        failed = h.log.of("poll-failed")[0]
        assert failed["source"] == "bad" and "not a readable RSS/Atom feed" in failed["error"]
        for _ in range(4):
            h.round(advance=60)
        alerts = h.watcher.wstore.alerts(kind="source-failing")
        assert len(alerts) == 1 and alerts[0].source == "bad" and "3 polls in a row" in alerts[0].title
        assert h.watcher.wstore.source("bad").failures == 5
        broken["on"] = False  # fixed: the streak ends, its page arrives
        r = h.round(advance=60)
        assert [s.url for s in r.stored] == [site.url("/g/2")] and h.watcher.wstore.source("bad").failures == 0
        broken["on"] = True  # a new streak alerts again, once
        for _ in range(4):
            h.round(advance=60)
        assert len(h.watcher.wstore.alerts(kind="source-failing")) == 2
        assert h.store.count("articles") == 2 and site.count("/g/1") == 1
    finally:
        h.close()


def test_stop_between_batches_then_restart_loses_nothing_and_fetches_nothing_twice(tmp_path, site, records):
    paths = [f"/s/{i}" for i in range(8)]
    for p, rec in zip(paths, records[:8], strict=True):
        site.set(p, Resp(200, article_html(rec).encode(), {"Content-Type": "text/html"}))
    site.set("/feed.xml", Resp(200, rss([(site.url(p), p, "Tue, 21 Jul 2015 06:00:00 GMT") for p in paths]),
                               {"Content-Type": "application/rss+xml"}))
    h = Harness(tmp_path, [{"name": "s", "outlet": "الرياض", "url": site.url("/feed.xml"), "interval": "1h"}],
                fetch={"batch": 3})
    try:
        h.watcher.start(warm_up=False)
        original = h.watcher._store_batch

        def then_stop(*args, **kw):  # a SIGTERM arrives while the first batch is being fetched
            original(*args, **kw)
            h.watcher.request_stop()

        h.watcher._store_batch = then_stop
        r = h.watcher.run_round()
        assert len(r.stored) == 3 and r.stopped
        assert h.log.of("stopping")[0]["left_in_queue"] == 5
        assert all(s.story_id for s in r.stored)  # the batch in hand was finished: processed and checked
        h.restart()
        # a restart (the feed is not due yet) fetches only what was queued, and every page once
        r2 = h.round(advance=60)
        assert r2.polled == 0 and len(r2.stored) == 5
        assert all(site.count(p) == 1 for p in paths) and site.count("/feed.xml") == 1
        assert h.store.count("articles") == 8 and h.store.count("pending") == 0
        assert not h.watcher.wstore.unchecked_pages()
        fetched = h.watcher.wstore.fetch_counts()
        assert set(fetched.values()) == {1}
    finally:
        h.close()


def test_crash_after_storing_before_processing_is_finished_on_restart(tmp_path, site, records):
    site.set("/feed.xml", Resp(200, rss([(site.url("/c/1"), "c", "Tue, 21 Jul 2015 06:00:00 GMT")]),
                               {"Content-Type": "application/rss+xml"}))
    site.set("/c/1", Resp(200, article_html(records[12]).encode(), {"Content-Type": "text/html"}))
    h = Harness(tmp_path, [{"name": "c", "outlet": "الوطن", "url": site.url("/feed.xml")}],
                watchlist=[{"name": "all", "events": ["match"]}])
    try:
        h.watcher.start(warm_up=False)
        h.watcher._process = lambda report: None  # killed right after the batch was committed
        h.watcher.run_round()
        assert h.store.count("pages") == 1 and h.store.count("articles") == 0
        assert h.watcher.wstore.unchecked_pages()
        h.restart()
        h.watcher.start(warm_up=False)  # resumes: processes the page, evaluates its alerts
        assert h.store.count("articles") == 1 and not h.watcher.wstore.unchecked_pages()
        assert len(h.watcher.wstore.alerts(kind="match")) == 1
        assert h.log.of("resume")[0]["unchecked_pages"] == 1
        h.round(advance=3600)
        assert site.count("/c/1") == 1 and len(h.watcher.wstore.alerts()) == 1
    finally:
        h.close()


def test_log_lines_are_one_per_event_and_json_when_asked(tmp_path, site, records):
    title = 'عنوان "مقتبس"\nسطر ثان'
    site.set("/feed.xml", Resp(200, rss([(site.url("/l/1"), title, "Tue, 21 Jul 2015 06:00:00 GMT")]),
                               {"Content-Type": "application/rss+xml"}))
    site.set("/l/1", Resp(200, article_html(records[13]).encode(), {"Content-Type": "text/html"}))
    h = Harness(tmp_path, [{"name": "l", "outlet": "اليوم", "url": site.url("/feed.xml")}])
    h.log.fmt = "json"
    try:
        h.round()
        import json

        lines = h.stream.getvalue().splitlines()
        events = [json.loads(x) for x in lines]
        assert len(lines) == len(h.log.records)
        assert [e["event"] for e in events if e["event"] in ("poll", "stored", "processed")] == ["poll", "stored", "processed"]
        assert all(parse_iso(e["time"]) for e in events)
    finally:
        h.close()
    text = EventLog(FakeClock(), io.StringIO())
    text.event("x", title=title, n=3)
    assert text.stream.getvalue().count("\n") == 1 and '\\"' in text.stream.getvalue()


def test_watch_store_tables_appear_on_a_digest_store(tmp_path):
    store = Store(tmp_path / "d.db")
    before = store.schema_version
    WatchStore(store)
    WatchStore(store)  # idempotent
    assert store.schema_version == before
    assert store.conn.execute("SELECT COUNT(*) FROM watch_alerts").fetchone()[0] == 0
    store.close()


def test_sources_that_come_due_during_a_long_queue_are_polled_between_batches(tmp_path, site, records):
    """A busy feed is read again while a long queue is fetched, so its new items are not left to scroll off it."""
    paths = [f"/q/{i}" for i in range(5)]
    clock_ref: dict = {}

    def page_answer(rec):
        def answer(_hit):
            clock_ref["clock"].advance(40)  # each page takes 40 s (of the test's clock) to fetch and process
            return Resp(200, article_html(rec).encode(), {"Content-Type": "text/html"})
        return answer

    for p, rec in zip(paths, records[:5], strict=True):
        site.set(p, page_answer(rec))
    polls = {"n": 0}

    def feed_answer(_hit):
        polls["n"] += 1
        listed = paths[:4] if polls["n"] == 1 else paths  # the fifth page appears after the first poll
        return Resp(200, rss([(site.url(p), p, "Tue, 21 Jul 2015 06:00:00 GMT") for p in listed]),
                    {"Content-Type": "application/rss+xml"})

    site.set("/feed.xml", feed_answer)
    h = Harness(tmp_path, [{"name": "busy", "outlet": "عكاظ", "url": site.url("/feed.xml"), "interval": "1m"}],
                fetch={"batch": 2, "workers": 1})
    clock_ref["clock"] = h.clock
    try:
        h.watcher.start(warm_up=False)
        r1 = h.round()
        # batch 1 (two pages, 80 s) made the feed due: it was polled before batch 2, and again before nothing else
        assert r1.polled == 2 and site.count("/feed.xml") == 2
        events = [e["event"] for e in h.log.records if e["event"] in ("poll", "stored")]
        assert events == ["poll", "stored", "stored", "poll", "stored", "stored"]
        assert len(r1.stored) == 4 and r1.queued == 5  # the new item is queued in this round ...
        assert h.watcher.wstore.url_status(site.url(paths[4])) == "queued"
        r2 = h.round()
        assert [s.url for s in r2.stored] == [site.url(paths[4])]  # ... and fetched in the next, once
        assert all(site.count(p) == 1 for p in paths)
    finally:
        h.close()
