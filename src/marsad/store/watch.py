"""The watcher's tables and all their SQL: sources' state, the URL queue, stored page versions, alerts.

Tables are created on first use (``CREATE TABLE IF NOT EXISTS``), so a store
written by ``digest`` gains them when a watcher first opens it, and a store that
never watched has none.

* ``watch_sources`` — per source: HTTP validators of its feed, when it is next due, last
  success and error, consecutive failures (and since when), quiet since when.
* ``watch_urls`` — every URL a source listed: ``queued`` (to fetch), ``stored``, ``unchanged``
  (a refetch found the same content), ``gone`` (4xx, robots, refused: not tried again unless
  its feed says it changed), ``failed`` (kept failing with 5xx or timeouts); the feed's stamp of
  the version queued and of the version stored; the page's own ETag and Last-Modified.
* ``watch_pages`` — each page version the watcher stored: its URL, source and outlet, when it
  was queued and stored, and whether its alerts have been evaluated (``checked``).  A page
  version and its URL's ``stored`` status are written in the transaction that stores the page,
  so a watcher killed at any moment neither loses a page nor fetches a stored one again.
* ``watch_alerts`` — one row per event; ``key`` is unique, so an event alerts once however
  often it is seen; webhook delivery state (attempts, next attempt, delivered).
* ``watch_fetches`` — one row per page request (an audit of what was fetched when).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marsad.store.db import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS watch_sources (
    name TEXT PRIMARY KEY,
    url TEXT,
    outlet TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    next_due TEXT,
    last_poll TEXT,
    first_success TEXT,
    last_success TEXT,
    last_error TEXT,
    last_error_at TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    failing_since TEXT,
    quiet_since TEXT
);
CREATE TABLE IF NOT EXISTS watch_urls (
    url TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    status TEXT NOT NULL,
    stamp TEXT,
    stored_stamp TEXT,
    page_id TEXT,
    etag TEXT,
    last_modified TEXT,
    tries INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    first_seen TEXT NOT NULL,
    queued_at TEXT,
    fetched_at TEXT
);
CREATE INDEX IF NOT EXISTS watch_urls_queued ON watch_urls(queued_at) WHERE status = 'queued';
CREATE TABLE IF NOT EXISTS watch_pages (
    page_id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    source TEXT NOT NULL,
    outlet TEXT NOT NULL,
    queued_at TEXT,
    fetched_at TEXT NOT NULL,
    stored_at REAL NOT NULL,
    checked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS watch_pages_source ON watch_pages(source, fetched_at);
CREATE INDEX IF NOT EXISTS watch_pages_unchecked ON watch_pages(page_id) WHERE checked = 0;
CREATE TABLE IF NOT EXISTS watch_alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    watchlist TEXT,
    story_id TEXT,
    article_id TEXT,
    source TEXT,
    title TEXT NOT NULL,
    detail TEXT NOT NULL,
    created_at TEXT NOT NULL,
    delivered_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt TEXT,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS watch_alerts_undelivered ON watch_alerts(id) WHERE delivered_at IS NULL;
CREATE TABLE IF NOT EXISTS watch_fetches (
    url TEXT NOT NULL,
    at TEXT NOT NULL,
    outcome TEXT NOT NULL,
    status INTEGER,
    attempts INTEGER NOT NULL
);
"""

# a URL in one of these states is fetched again only when its feed gives it a new stamp
SETTLED = ("stored", "unchanged", "gone", "failed")


def _iso(t: datetime) -> str:
    from marsad.watch.clock import iso

    return iso(t)


@dataclass(frozen=True, slots=True)
class Alert:
    """One event worth telling someone about."""

    id: int
    key: str  # what makes the event itself: the same key never alerts twice
    kind: str  # match | breaking | conflict | quoted | source-failing | source-quiet
    title: str
    created_at: str
    watchlist: str | None = None
    story_id: str | None = None
    article_id: str | None = None
    source: str | None = None
    detail: str = "{}"  # JSON object: the figures behind the alert
    delivered_at: str | None = None
    attempts: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "title": self.title, "created_at": self.created_at,
                "watchlist": self.watchlist, "story_id": self.story_id, "article_id": self.article_id,
                "source": self.source, "detail": json.loads(self.detail), "key": self.key}


@dataclass(frozen=True, slots=True)
class QueuedUrl:
    url: str
    source: str
    stamp: str | None
    etag: str | None
    last_modified: str | None
    tries: int
    queued_at: str | None
    page_id: str | None  # the version stored before, if any


@dataclass(frozen=True, slots=True)
class SourceState:
    name: str
    url: str | None
    outlet: str
    etag: str | None = None
    last_modified: str | None = None
    next_due: str | None = None
    last_poll: str | None = None
    first_success: str | None = None
    last_success: str | None = None
    last_error: str | None = None
    last_error_at: str | None = None
    failures: int = 0
    failing_since: str | None = None
    quiet_since: str | None = None


class WatchStore:
    """The watcher's view of a `Store` (same connection, same transactions)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.conn
        if not self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'watch_fetches'").fetchone():
            with store.batch() as c:
                for stmt in SCHEMA.split(";"):
                    if stmt.strip():
                        c.execute(stmt)

    def limit_page_cache(self, kib: int) -> None:
        """Hold at most ``kib`` KiB of database pages in this connection's cache (the store's default is larger:
        a batch run reads more of its indexes at once; a watcher's small batches read less, for weeks)."""
        self.conn.execute(f"PRAGMA cache_size=-{int(kib)}")

    # -- sources ---------------------------------------------------------------
    def source(self, name: str) -> SourceState | None:
        row = self.conn.execute(f"SELECT {_SOURCE_COLS} FROM watch_sources WHERE name = ?", (name,)).fetchone()
        return SourceState(*row) if row else None

    def sources(self) -> list[SourceState]:
        return [SourceState(*r) for r in self.conn.execute(f"SELECT {_SOURCE_COLS} FROM watch_sources ORDER BY name")]

    def ensure_source(self, name: str, url: str | None, outlet: str) -> None:
        with self.store.batch() as c:
            c.execute("INSERT INTO watch_sources(name, url, outlet) VALUES (?,?,?) "
                      "ON CONFLICT(name) DO UPDATE SET url = excluded.url, outlet = excluded.outlet", (name, url, outlet))

    def poll_succeeded(self, name: str, now: datetime, next_due: datetime, etag: str | None,
                       last_modified: str | None, items: list[tuple[str, str | None]]) -> list[str]:
        """Record a good poll and queue its new or changed items ``(url, stamp)``, in one transaction.

        The feed's validators are saved with the queue they produced: a watcher killed after
        this has the URLs to fetch; one killed before asks the feed again without validators.
        Returns the URLs queued.
        """
        t = _iso(now)
        queued: list[str] = []
        with self.store.batch() as c:
            for url, stamp in items:
                row = c.execute("SELECT status, stored_stamp, stamp FROM watch_urls WHERE url = ?", (url,)).fetchone()
                if row is None:
                    c.execute("INSERT INTO watch_urls(url, source, status, stamp, first_seen, queued_at) "
                              "VALUES (?,?,'queued',?,?,?)", (url, name, stamp, t, t))
                    queued.append(url)
                elif row[0] in SETTLED and stamp is not None and stamp != row[1] and stamp != row[2]:
                    # the feed says this item changed since the version we have (or last tried)
                    c.execute("UPDATE watch_urls SET status = 'queued', stamp = ?, queued_at = ?, tries = 0, "
                              "error = NULL WHERE url = ?", (stamp, t, url))
                    queued.append(url)
            c.execute("UPDATE watch_sources SET etag = ?, last_modified = ?, next_due = ?, last_poll = ?, "
                      "last_success = ?, first_success = coalesce(first_success, ?), failures = 0, "
                      "failing_since = NULL WHERE name = ?",
                      (etag, last_modified, _iso(next_due), t, t, t, name))
        return queued

    def poll_failed(self, name: str, now: datetime, next_due: datetime, error: str) -> SourceState:
        t = _iso(now)
        with self.store.batch() as c:
            c.execute("UPDATE watch_sources SET next_due = ?, last_poll = ?, last_error = ?, last_error_at = ?, "
                      "failures = failures + 1, failing_since = coalesce(failing_since, ?) WHERE name = ?",
                      (_iso(next_due), t, error, t, t, name))
        state = self.source(name)
        assert state is not None
        return state

    def set_quiet(self, name: str, since: str | None) -> None:
        with self.store.batch() as c:
            c.execute("UPDATE watch_sources SET quiet_since = ? WHERE name = ?", (since, name))

    # -- the URL queue -------------------------------------------------------------
    def queued(self, limit: int | None = None) -> list[QueuedUrl]:
        sql = ("SELECT url, source, stamp, etag, last_modified, tries, queued_at, page_id FROM watch_urls "
               "WHERE status = 'queued' ORDER BY queued_at, url")
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [QueuedUrl(*r) for r in self.conn.execute(sql)]

    def url_status(self, url: str) -> str | None:
        row = self.conn.execute("SELECT status FROM watch_urls WHERE url = ?", (url,)).fetchone()
        return row[0] if row else None

    def urls(self) -> dict[str, tuple[str, int, str | None]]:
        """url -> (status, tries, error)."""
        return {u: (s, t, e) for u, s, t, e in self.conn.execute("SELECT url, status, tries, error FROM watch_urls")}

    def record_fetch(self, url: str, now: datetime, outcome: str, status: int | None, attempts: int) -> None:
        self.conn.execute("INSERT INTO watch_fetches VALUES (?,?,?,?,?)", (url, _iso(now), outcome, status, attempts))

    def page_stored(self, q: QueuedUrl, page_id: str, outlet: str, etag: str | None, last_modified: str | None,
                    now: datetime) -> None:
        """Inside the batch that stores the page: the URL is done, the page version awaits its alerts."""
        t = _iso(now)
        self.conn.execute("UPDATE watch_urls SET status = 'stored', stored_stamp = stamp, page_id = ?, etag = ?, "
                          "last_modified = ?, fetched_at = ?, error = NULL, tries = tries + 1 WHERE url = ?",
                          (page_id, etag, last_modified, t, q.url))
        self.conn.execute("INSERT OR IGNORE INTO watch_pages(page_id, url, source, outlet, queued_at, fetched_at, "
                          "stored_at) VALUES (?,?,?,?,?,?,?)",
                          (page_id, q.url, q.source, outlet, q.queued_at, t, time.time()))

    def page_unchanged(self, q: QueuedUrl, now: datetime, etag: str | None = None,
                       last_modified: str | None = None) -> None:
        """A refetch answered 304, or brought the content already stored."""
        self.conn.execute("UPDATE watch_urls SET status = 'unchanged', stored_stamp = stamp, fetched_at = ?, "
                          "etag = coalesce(?, etag), last_modified = coalesce(?, last_modified), error = NULL "
                          "WHERE url = ?", (_iso(now), etag, last_modified, q.url))

    def page_failed(self, q: QueuedUrl, error: str, retry: bool, max_tries: int) -> str:
        """A fetch that failed: queued again (a later round retries) or settled; returns the new status."""
        tries = q.tries + 1
        status = "queued" if retry and tries < max_tries else ("failed" if retry else "gone")
        self.conn.execute("UPDATE watch_urls SET status = ?, tries = ?, error = ? WHERE url = ?",
                          (status, tries, error[:500], q.url))
        return status

    # -- page versions and their alerts ------------------------------------------------
    def unchecked_pages(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT page_id FROM watch_pages WHERE checked = 0 ORDER BY stored_at")]

    def mark_checked(self, page_ids: list[str]) -> None:
        self.conn.executemany("UPDATE watch_pages SET checked = 1 WHERE page_id = ?", [(p,) for p in page_ids])

    def page_info(self, page_ids: list[str]) -> dict[str, tuple[str, str, str, str | None]]:
        """page id -> (url, outlet, fetched_at, queued_at) of the pages the watcher stored."""
        out: dict[str, tuple[str, str, str, str | None]] = {}
        for k in range(0, len(page_ids), 500):
            chunk = page_ids[k: k + 500]
            q = ",".join("?" * len(chunk))
            for pid, url, outlet, fetched, queued in self.conn.execute(
                    f"SELECT page_id, url, outlet, fetched_at, queued_at FROM watch_pages WHERE page_id IN ({q})", chunk):
                out[pid] = (url, outlet, fetched, queued)
        return out

    def matching_articles(self, match: str, article_ids: list[str]) -> set[str]:
        """Which of these articles the full-text index matches (an FTS5 MATCH expression)."""
        if not article_ids:
            return set()
        q = ",".join("?" * len(article_ids))
        rows = self.conn.execute(
            f"SELECT a.id FROM articles_fts f JOIN articles a ON a.seq = f.rowid WHERE articles_fts MATCH ? "
            f"AND f.rowid IN (SELECT seq FROM articles WHERE id IN ({q}))", [match, *article_ids])
        return {r[0] for r in rows}

    def volume(self, source: str, start: datetime, end: datetime) -> int:
        """Pages the watcher stored from a source, fetched in [start, end)."""
        return self.conn.execute("SELECT COUNT(*) FROM watch_pages WHERE source = ? AND fetched_at >= ? AND fetched_at < ?",
                                 (source, _iso(start), _iso(end))).fetchone()[0]

    def fetch_counts(self) -> dict[str, int]:
        """url -> how many times it was requested for its page."""
        return dict(self.conn.execute("SELECT url, COUNT(*) FROM watch_fetches GROUP BY url"))

    # -- alerts --------------------------------------------------------------------
    def add_alert(self, key: str, kind: str, title: str, now: datetime, *, watchlist: str | None = None,
                  story_id: str | None = None, article_id: str | None = None, source: str | None = None,
                  detail: dict[str, Any] | None = None) -> Alert | None:
        """Store an alert unless its event already alerted; returns the new alert, or None."""
        with self.store.batch() as c:
            cur = c.execute("INSERT OR IGNORE INTO watch_alerts(key, kind, watchlist, story_id, article_id, source, "
                            "title, detail, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
                            (key, kind, watchlist, story_id, article_id, source, title,
                             json.dumps(detail or {}, ensure_ascii=False, sort_keys=True), _iso(now)))
            if not cur.rowcount:
                return None
            return self._alert_by_id(cur.lastrowid)

    def has_alert(self, key: str) -> bool:
        return self.conn.execute("SELECT 1 FROM watch_alerts WHERE key = ?", (key,)).fetchone() is not None

    def _alert_by_id(self, alert_id: int | None) -> Alert:
        row = self.conn.execute(f"SELECT {_ALERT_COLS} FROM watch_alerts WHERE id = ?", (alert_id,)).fetchone()
        return Alert(*row)

    def alerts(self, limit: int = 50, kind: str | None = None, watchlist: str | None = None,
               since: datetime | None = None) -> list[Alert]:
        """Newest first."""
        where, args = [], []
        if kind:
            where.append("kind = ?")
            args.append(kind)
        if watchlist:
            where.append("watchlist = ?")
            args.append(watchlist)
        if since:
            where.append("created_at >= ?")
            args.append(_iso(since))
        sql = f"SELECT {_ALERT_COLS} FROM watch_alerts"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC LIMIT ?"
        return [Alert(*r) for r in self.conn.execute(sql, [*args, int(limit)])]

    def undelivered(self, now: datetime, limit: int = 100) -> list[Alert]:
        rows = self.conn.execute(
            f"SELECT {_ALERT_COLS} FROM watch_alerts WHERE delivered_at IS NULL "
            "AND (next_attempt IS NULL OR next_attempt <= ?) ORDER BY id LIMIT ?", (_iso(now), limit))
        return [Alert(*r) for r in rows]

    def delivered(self, alert_id: int, now: datetime) -> None:
        with self.store.batch() as c:
            c.execute("UPDATE watch_alerts SET delivered_at = ?, attempts = attempts + 1, last_error = NULL "
                      "WHERE id = ?", (_iso(now), alert_id))

    def delivery_failed(self, alert_id: int, error: str, next_attempt: datetime) -> None:
        with self.store.batch() as c:
            c.execute("UPDATE watch_alerts SET attempts = attempts + 1, last_error = ?, next_attempt = ? WHERE id = ?",
                      (error[:500], _iso(next_attempt), alert_id))


_SOURCE_COLS = ("name, url, outlet, etag, last_modified, next_due, last_poll, first_success, last_success, last_error, "
                "last_error_at, failures, failing_since, quiet_since")
_ALERT_COLS = "id, key, kind, title, created_at, watchlist, story_id, article_id, source, detail, delivered_at, attempts"


def read_alerts(db_path: str, limit: int = 50, kind: str | None = None) -> list[Alert]:
    """Newest alerts, read through a read-only connection (for the web app's threads); [] before any watch."""
    import sqlite3
    from pathlib import Path

    if not Path(db_path).exists():
        return []
    conn = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True, timeout=30)
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'watch_alerts'").fetchone():
            return []
        sql = f"SELECT {_ALERT_COLS} FROM watch_alerts"
        args: list[Any] = []
        if kind:
            sql += " WHERE kind = ?"
            args.append(kind)
        sql += " ORDER BY id DESC LIMIT ?"
        return [Alert(*r) for r in conn.execute(sql, [*args, int(limit)])]
    finally:
        conn.close()
