"""The watcher: polls sources when due, fetches what they list, runs new pages through the pipeline, alerts.

One round:

1. poll each due source (in threads): its feed, sitemap or list, conditionally (ETag,
   Last-Modified); record success or failure and queue the URLs that are new or that the
   source says changed — the queue and the feed's validators are saved in one transaction;
2. fetch the queued URLs in batches of ``fetch.batch`` (in threads, per-host limits); each page
   is stored together with its URL's ``stored`` mark, in one transaction per batch; between
   batches, sources that came due are polled again (what they list is fetched next round);
3. after each batch, `Pipeline.process()` (the same incremental pipeline as ``digest``) updates
   the stories, storylines, summaries and fact tables the new pages touched, then the watchlists
   are evaluated on those stories;
4. source health (failing, quiet) is checked and due alerts are POSTed to the webhook.

A stop request (SIGTERM, Ctrl-C) is honoured between batches and between rounds: the batch in
hand is finished, then `run` returns.  A watcher killed at any point resumes from the store:
queued URLs are fetched, stored pages not yet processed are processed, processed pages whose
alerts were not evaluated are evaluated (alert keys make that idempotent).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

from marsad.model import Page
from marsad.pipeline import Pipeline
from marsad.sources.files import MAX_PAGE_CHARS, page_id
from marsad.store.db import Store
from marsad.store.watch import Alert, QueuedUrl, SourceState, WatchStore
from marsad.watch.alerts import AlertEngine
from marsad.watch.clock import SystemClock, iso, parse_iso
from marsad.watch.config import Source, WatchConfig
from marsad.watch.feeds import FeedError, FeedItem, parse_source
from marsad.watch.fetch import Fetcher, FetchResult
from marsad.watch.health import failing_alert, quiet_check
from marsad.watch.log import EventLog
from marsad.watch.memory import MEMO_ENTRIES, PAGE_CACHE_KIB, MemoryGuard, resident_mb
from marsad.watch.webhook import deliver

MAX_CHILD_SITEMAPS = 20


@dataclass(frozen=True, slots=True)
class PollResult:
    source: Source
    result: FetchResult
    items: tuple[FeedItem, ...] = ()
    error: str | None = None  # why the poll failed (fetch or parse)
    warning: str | None = None


@dataclass(frozen=True, slots=True)
class StoredPage:
    url: str
    page_id: str
    source: str
    queued_at: str | None
    story_id: str | None = None
    done_at: float = 0.0  # time.time() when its story was updated and its alerts evaluated


@dataclass
class RoundReport:
    polled: int = 0
    poll_failures: int = 0
    queued: int = 0
    fetched: int = 0
    stored: list[StoredPage] = field(default_factory=list)
    unchanged: int = 0
    failed: int = 0
    alerts: list[Alert] = field(default_factory=list)
    stopped: bool = False


class Watcher:
    """Follows the sources of a `WatchConfig` into a `Store`."""

    def __init__(self, config: WatchConfig, store: Store, *, clock: Any = None, log: EventLog | None = None,
                 transport: httpx.BaseTransport | None = None, pipeline: Pipeline | None = None,
                 webhook_client: httpx.Client | None = None, seed: int | None = None,
                 memo_entries: int = MEMO_ENTRIES) -> None:
        self.config = config
        self.store = store
        self.clock = clock or SystemClock()
        self.log = log or EventLog(self.clock)
        self.wstore = WatchStore(store)
        self.wstore.limit_page_cache(PAGE_CACHE_KIB)  # the store's cache fills as the file grows: bounded lower here
        self.pipeline = pipeline or Pipeline(store)
        self.fetcher = Fetcher(config.fetch, self.clock, self.log, transport=transport, seed=seed)
        self.engine = AlertEngine(config.watchlists, config.alerts, store, self.wstore, self.clock, self.log)
        self.webhook_client = webhook_client
        self.memory = MemoryGuard(memo_entries)  # keeps a long run's memory flat (see watch/memory.py)
        self._stop = False
        self._stop_reason = ""
        self._stop_logged = False
        self._started = False
        self._pool = ThreadPoolExecutor(max_workers=config.fetch.workers, thread_name_prefix="marsad-fetch")
        self._by_name = {s.name: s for s in config.sources}
        for s in config.sources:
            self.wstore.ensure_source(s.name, s.url, s.outlet)

    # -- lifecycle ----------------------------------------------------------------------
    def request_stop(self, reason: str = "stop requested") -> None:
        """Finish the batch in hand, then stop (safe to call from a signal handler: it only sets flags)."""
        self._stop_reason = reason
        self._stop = True
        wake = getattr(self.clock, "wake", None)
        if wake:
            wake()

    @property
    def stopping(self) -> bool:
        return self._stop

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self.fetcher.close()

    def start(self, warm_up: bool = True) -> RoundReport:
        """Load the models, then finish what a killed watcher left: unprocessed pages, unevaluated alerts."""
        if self._started:
            return RoundReport()
        self._started = True
        t0 = time.perf_counter()
        if warm_up:
            self.pipeline.warm_up()
        report = RoundReport()
        unchecked = self.wstore.unchecked_pages()
        if unchecked or self.store.count("pending"):
            self.log.event("resume", unchecked_pages=len(unchecked), queued=len(self.wstore.queued()))
            self._process(report)
        self.log.event("start", sources=len(self.config.sources), watchlists=len(self.config.watchlists),
                       warm_up_ms=round((time.perf_counter() - t0) * 1000))
        return report

    def run(self, once: bool = False, until: datetime | None = None, max_wait: float = 60.0) -> None:
        """Rounds until stopped (or once; or until the clock passes ``until``)."""
        self.start()
        while not self._stop:
            self.run_round()
            if once or self._stop:
                break
            now = self.clock.now()
            if until is not None and now >= until:
                break
            wait = min(max_wait, max(1.0, self.seconds_to_next_due(now)))
            self.clock.sleep(wait)
        if self._stop:
            self._log_stop()
        self.log.event("stop", reason=self._stop_reason or "done")

    def _log_stop(self, **fields: Any) -> None:
        if not self._stop_logged:
            self._stop_logged = True
            self.log.event("stopping", reason=self._stop_reason, **fields)

    def seconds_to_next_due(self, now: datetime) -> float:
        dues = []
        for s in self.config.sources:
            st = self.wstore.source(s.name)
            dues.append((parse_iso(st.next_due) - now).total_seconds() if st and st.next_due else 0.0)
        return min(dues) if dues else 60.0

    def due_sources(self, now: datetime) -> list[Source]:
        due = []
        for s in self.config.sources:
            st = self.wstore.source(s.name)
            if st is None or not st.next_due or parse_iso(st.next_due) <= now:
                due.append(s)
        return due

    # -- a round ----------------------------------------------------------------------------
    def run_round(self, force: bool = False) -> RoundReport:
        """Poll the due sources (all of them with ``force``), fetch and process what they list."""
        self.start()
        report = RoundReport()
        self._poll_due(report, force)
        self._drain(report)
        if not self._stop:
            self._health(report)
        if self.config.webhook is not None:
            deliver(self.wstore, self.config.webhook, self.clock, self.log, client=self.webhook_client)
        report.stopped = self._stop
        return report

    def _poll_due(self, report: RoundReport, force: bool = False) -> None:
        due = list(self.config.sources) if force else self.due_sources(self.clock.now())
        states = [self.wstore.source(s.name) for s in due]  # read here: the store's connection is this thread's
        for poll in self._pool.map(self._poll, due, states):
            self._record_poll(poll, report)

    def _poll(self, src: Source, st: SourceState | None) -> PollResult:
        if src.url is None:  # an inline list: nothing to fetch
            return PollResult(src, FetchResult("", "ok"), tuple(FeedItem(u) for u in src.urls))
        res = self.fetcher.fetch(src.url, etag=st.etag if st else None,
                                 last_modified=st.last_modified if st else None, accept="feed")
        if res.outcome == "not-modified":
            return PollResult(src, res)
        if not res.ok:
            return PollResult(src, res, error=res.error or res.outcome)
        try:
            parsed = parse_source(src.kind, res.body, res.final_url or src.url, res.content_type)
        except FeedError as exc:
            return PollResult(src, res, error=str(exc))
        items = list(parsed.items)
        warning = parsed.warning
        for child in parsed.children[:MAX_CHILD_SITEMAPS]:  # a sitemap index: read its sitemaps
            sub = self.fetcher.fetch(child, accept="feed")
            if not sub.ok:
                warning = f"child sitemap {child}: {sub.error or sub.outcome}"
                continue
            try:
                items.extend(parse_source("sitemap", sub.body, child).items)
            except FeedError as exc:
                warning = f"child sitemap {child}: {exc}"
        return PollResult(src, res, tuple(items), warning=warning)

    def _record_poll(self, poll: PollResult, report: RoundReport) -> None:
        src, res = poll.source, poll.result
        now = self.clock.now()
        next_due = now + timedelta(seconds=src.interval)
        report.polled += 1
        if poll.error is not None:
            report.poll_failures += 1
            state = self.wstore.poll_failed(src.name, now, next_due, poll.error)
            self.log.event("poll-failed", source=src.name, outcome=res.outcome, status=res.status, error=poll.error,
                           attempts=res.attempts, failures=state.failures)
            alert = failing_alert(self.wstore, self.config.alerts, state, self.clock, self.log)
            if alert:
                report.alerts.append(alert)
            return
        st = self.wstore.source(src.name)
        etag = res.etag if res.outcome == "ok" else (res.etag or (st.etag if st else None))
        lm = res.last_modified if res.outcome == "ok" else (res.last_modified or (st.last_modified if st else None))
        queued = self.wstore.poll_succeeded(src.name, now, next_due, etag, lm,
                                            [(i.url, i.stamp) for i in poll.items])
        report.queued += len(queued)
        if poll.warning:
            self.log.event("poll-warning", source=src.name, warning=poll.warning)
        self.log.event("poll", source=src.name, status=res.status, outcome=res.outcome, items=len(poll.items),
                       queued=len(queued), attempts=res.attempts)

    # -- fetching pages ----------------------------------------------------------------------
    def _drain(self, report: RoundReport) -> None:
        todo = self.wstore.queued()
        size = self.config.fetch.batch
        for k in range(0, len(todo), size):
            if self._stop:
                self._log_stop(left_in_queue=len(todo) - k)
                return
            batch = todo[k: k + size]
            results = list(self._pool.map(self._fetch_page, batch))
            self._store_batch(batch, results, report)
            self._process(report)
            if k + size < len(todo) and not self._stop:
                # a long queue takes a while: sources that came due meanwhile are polled now (their new items
                # are fetched next round), so a busy feed's items do not scroll off it before it is read
                self._poll_due(report)

    def _fetch_page(self, q: QueuedUrl) -> FetchResult:
        return self.fetcher.fetch(q.url, etag=q.etag if q.page_id else None,
                                  last_modified=q.last_modified if q.page_id else None, accept="page")

    def _store_batch(self, batch: list[QueuedUrl], results: list[FetchResult], report: RoundReport) -> None:
        now = self.clock.now()
        events: list[tuple[str, dict]] = []
        max_tries = self.config.fetch.max_page_tries
        with self.store.batch():
            for q, res in zip(batch, results, strict=True):
                report.fetched += 1
                self.wstore.record_fetch(q.url, now, res.outcome, res.status, res.attempts)
                if res.outcome == "not-modified":
                    self.wstore.page_unchanged(q, now, res.etag, res.last_modified)
                    report.unchanged += 1
                    events.append(("unchanged", {"url": q.url, "status": 304}))
                    continue
                page = self._page(q, res, now) if res.ok else None
                if page is None:
                    error = res.error or res.outcome
                    if res.ok:
                        error = "empty or oversized page"
                    status = self.wstore.page_failed(q, error, retry=res.retryable, max_tries=max_tries)
                    report.failed += 1
                    events.append(("fetch-failed", {"url": q.url, "outcome": res.outcome if not res.ok else "empty",
                                                    "status": res.status, "attempts": res.attempts, "error": error,
                                                    "then": status}))
                    continue
                if self.store.has_page(page.id):  # same content as a page already stored
                    self.wstore.page_unchanged(q, now, res.etag, res.last_modified)
                    report.unchanged += 1
                    events.append(("unchanged", {"url": q.url, "page": page.id}))
                    continue
                self.store.add_pages([page])
                self.wstore.page_stored(q, page.id, page.outlet or q.source, res.etag, res.last_modified, now)
                report.stored.append(StoredPage(q.url, page.id, q.source, q.queued_at))
                events.append(("stored", {"url": q.url, "page": page.id, "source": q.source, "encoding": page.encoding,
                                          "attempts": res.attempts}))
        for name, fields in events:  # logged once the batch is committed
            self.log.event(name, **fields)

    def _page(self, q: QueuedUrl, res: FetchResult, now: datetime) -> Page | None:
        text = res.text or ""
        if not text.strip() or len(text) > MAX_PAGE_CHARS:
            return None
        head = text[:2048].lower()
        html = "html" in res.content_type.lower() or "<html" in head or "<!doctype html" in head or "<body" in head
        # the source's configured outlet goes with the page: extraction takes it as the page's own outlet
        src = self._by_name.get(q.source)
        return Page(id=page_id(text), source=q.url, kind="html" if html else "text", content=text,
                    url=res.final_url or q.url, fetched_at=iso(now), encoding=res.encoding or "utf-8",
                    outlet=src.outlet if src else None)

    # -- processing and alerts ----------------------------------------------------------------
    def _process(self, report: RoundReport) -> None:
        t0 = time.perf_counter()
        run = self.pipeline.process()
        pages = self.wstore.unchecked_pages()
        alerts = self.engine.check(pages)
        with self.store.batch():
            self.wstore.mark_checked(pages)
        done = time.time()
        emptied = self.memory.after_batch()
        stories = {p: self.store.story_of(p) for p in pages}
        report.stored = [StoredPage(s.url, s.page_id, s.source, s.queued_at, stories.get(s.page_id), done)
                         if s.page_id in stories else s for s in report.stored]
        report.alerts.extend(alerts)
        if pages or run.articles:
            self.log.event("processed", pages=len(pages), articles=run.articles, stories=run.stories_touched,
                           alerts=len(alerts), ms=round((time.perf_counter() - t0) * 1000),
                           rss_mb=round(resident_mb()), **({"caches_emptied": len(emptied)} if emptied else {}))

    def _health(self, report: RoundReport) -> None:
        for src in self.config.sources:
            st = self.wstore.source(src.name)
            if st is None:
                continue
            alert = quiet_check(self.wstore, self.config.alerts, st, self.clock, self.log)
            if alert:
                report.alerts.append(alert)
