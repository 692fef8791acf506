"""Read SQL of the query layer (`marsad.query`): lists, pages, search, export; and its side index.

Everything here takes an open `sqlite3.Connection` of a marsad store.  `prepare`
adds, idempotently (``CREATE ... IF NOT EXISTS``), what reading at speed needs
on top of the pipeline's schema:

* indexes for newest-first lists and keyset pagination;
* ``q_changes``: a log filled by triggers whenever any process (``marsad digest``,
  a watcher, the server itself) writes an article, a story or a storyline.  It is
  how a server notices new stories without a restart, and what `marsad.query`
  reads to keep the side tables below up to date;
* side tables: ``q_articles`` (outlet, language and day of each article: its publication day, else the
  day it was fetched, '' when neither is known),
  ``q_story_entities`` / ``q_article_entities`` / ``q_entities`` (canonical
  entities across stories) and ``q_storylines`` (newest date and size).

Triggers only log ids (pure SQL, a few microseconds per write), so a writer
that does not know about this module pays next to nothing; the side tables are
filled by the reader side (`marsad.query.Index.sync`) in short transactions.
Keyset pagination everywhere: every list is ordered by a unique key, and a
cursor is the key of the last row shown, so paging never skips or repeats a row
and reaches the last one.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from marsad.store.connections import write_transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS q_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, id TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS q_changes_key ON q_changes(kind, id);
CREATE TABLE IF NOT EXISTS q_state (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS q_articles (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, outlet TEXT NOT NULL, lang TEXT NOT NULL,
    day TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS q_articles_outlet ON q_articles(outlet, seq);
CREATE INDEX IF NOT EXISTS q_articles_day ON q_articles(day, seq);
CREATE INDEX IF NOT EXISTS q_articles_outlet_day ON q_articles(outlet, day, seq);
CREATE INDEX IF NOT EXISTS q_articles_lang ON q_articles(lang, seq);
CREATE TABLE IF NOT EXISTS q_story_entities (
    key TEXT NOT NULL, story_id TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, n_articles INTEGER NOT NULL,
    date TEXT, variants TEXT NOT NULL, PRIMARY KEY (key, story_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS q_story_entities_story ON q_story_entities(story_id);
CREATE INDEX IF NOT EXISTS q_story_entities_date ON q_story_entities(key, date DESC, story_id);
CREATE TABLE IF NOT EXISTS q_article_entities (
    key TEXT NOT NULL, seq INTEGER NOT NULL, story_id TEXT NOT NULL, PRIMARY KEY (key, seq, story_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS q_article_entities_story ON q_article_entities(story_id);
CREATE INDEX IF NOT EXISTS q_article_entities_seq ON q_article_entities(seq);
CREATE TABLE IF NOT EXISTS q_entities (
    id TEXT PRIMARY KEY, key TEXT NOT NULL UNIQUE, name TEXT NOT NULL, type TEXT NOT NULL,
    n_stories INTEGER NOT NULL, n_articles INTEGER NOT NULL, last_date TEXT, variants TEXT);
CREATE INDEX IF NOT EXISTS q_entities_rank ON q_entities(n_stories DESC, id DESC);
CREATE TABLE IF NOT EXISTS q_storylines (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, last_date TEXT NOT NULL, n_stories INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS q_storylines_date ON q_storylines(last_date DESC, id DESC);
CREATE TABLE IF NOT EXISTS q_dirty_entities (key TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS q_idx_articles_seq ON articles(seq);
CREATE INDEX IF NOT EXISTS q_idx_stories_date ON stories(coalesce(date, ''), id);
"""

_TRIGGERS = [
    ("q_log_article_ins", "AFTER INSERT ON articles", "'article', NEW.id"),
    ("q_log_article_upd", "AFTER UPDATE ON articles", "'article', NEW.id"),
    ("q_log_story_ins", "AFTER INSERT ON stories", "'story', NEW.id"),
    ("q_log_story_upd", "AFTER UPDATE ON stories", "'story', NEW.id"),
    ("q_log_story_del", "AFTER DELETE ON stories", "'story', OLD.id"),
    ("q_log_line_ins", "AFTER INSERT ON storylines", "'storyline', NEW.id"),
    ("q_log_line_upd", "AFTER UPDATE ON storylines", "'storyline', NEW.id"),
]


QUERY_SCHEMA = "5"  # raised when SCHEMA or the triggers change: `prepare` then runs again (all idempotent)


def is_prepared(conn: sqlite3.Connection) -> bool:
    try:
        row = conn.execute("SELECT value FROM q_state WHERE name = 'schema'").fetchone()
    except sqlite3.OperationalError:  # no q_state yet
        return False
    return row is not None and row[0] == QUERY_SCHEMA


def prepare(conn: sqlite3.Connection) -> None:
    """Create the side tables, indexes and change triggers (idempotent; one write transaction).

    The first time, every stored article, story and storyline is queued in ``q_changes``
    so that the side tables are built from what is already there.
    """
    if is_prepared(conn):
        return
    with write_transaction(conn):
        _upgrade(conn)
        for stmt in SCHEMA.split(";"):
            if stmt.strip():
                conn.execute(stmt)
        first = not conn.execute("SELECT 1 FROM q_state WHERE name = 'prepared'").fetchone()
        for name, when, values in _TRIGGERS:
            conn.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {when} BEGIN "
                         f"INSERT OR REPLACE INTO q_changes(kind, id) VALUES ({values}); END")
        if first:
            conn.execute("INSERT OR REPLACE INTO q_changes(kind, id) SELECT 'article', id FROM articles ORDER BY seq")
            conn.execute("INSERT OR REPLACE INTO q_changes(kind, id) SELECT 'story', id FROM stories")
            conn.execute("INSERT OR REPLACE INTO q_changes(kind, id) SELECT 'storyline', id FROM storylines")
            conn.execute("INSERT INTO q_state VALUES ('prepared', '1')")
        conn.execute("INSERT OR REPLACE INTO q_state VALUES ('schema', ?)", (QUERY_SCHEMA,))


def _upgrade(conn: sqlite3.Connection) -> None:
    """Side tables written by an older query schema: add their new columns and queue what must be recomputed."""
    def columns(table: str) -> set[str]:
        return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}

    entity_cols = columns("q_entities")
    if entity_cols and "variants" not in entity_cols:  # schema 3: spellings now kept per entity
        conn.execute("ALTER TABLE q_entities ADD COLUMN variants TEXT")
        conn.execute("CREATE TABLE IF NOT EXISTS q_dirty_entities (key TEXT PRIMARY KEY) WITHOUT ROWID")
        conn.execute("INSERT OR IGNORE INTO q_dirty_entities SELECT key FROM q_entities")
    article_cols = columns("q_articles")
    if article_cols and "day" not in article_cols:  # schema 4: each article's day
        conn.execute("ALTER TABLE q_articles ADD COLUMN day TEXT NOT NULL DEFAULT ''")
        conn.execute("INSERT OR REPLACE INTO q_changes(kind, id) SELECT 'article', id FROM articles ORDER BY seq")
    conn.execute("DROP INDEX IF EXISTS q_idx_articles_published")  # schema 4 sorted by publication day alone


# -- change log and side tables --------------------------------------------------
def state(conn: sqlite3.Connection, name: str, default: str = "") -> str:
    row = conn.execute("SELECT value FROM q_state WHERE name = ?", (name,)).fetchone()
    return row[0] if row else default


def set_state(conn: sqlite3.Connection, name: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO q_state VALUES (?, ?)", (name, value))


def last_change(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'q_changes'").fetchone()
    return int(row[0]) if row else 0


def changes(conn: sqlite3.Connection, after: int, limit: int) -> list[tuple[int, str, str]]:
    return list(conn.execute("SELECT seq, kind, id FROM q_changes WHERE seq > ? ORDER BY seq LIMIT ?", (after, limit)))


def article_rows(conn: sqlite3.Connection, ids: Sequence[str]) -> list[tuple[int, str, str, str, str | None]]:
    """(seq, id, article JSON, page kind, first 4 KB of the page) of stored articles."""
    out = []
    for k in range(0, len(ids), 500):
        chunk = list(ids[k:k + 500])
        q = ",".join("?" * len(chunk))
        out += conn.execute(
            f"SELECT a.seq, a.id, a.data, p.kind, substr(p.content, 1, 4096) FROM articles a "
            f"JOIN pages p ON p.id = a.id WHERE a.id IN ({q})", chunk).fetchall()
    return out


def put_article_meta(conn: sqlite3.Connection, rows: Iterable[tuple[int, str, str, str, str]]) -> None:
    """rows: (seq, id, outlet, lang, day)."""
    conn.executemany("INSERT OR REPLACE INTO q_articles(seq, id, outlet, lang, day) VALUES (?,?,?,?,?)", rows)


def story_data(conn: sqlite3.Connection, story_id: str) -> tuple[str, str | None, str | None] | None:
    """(JSON, storyline id, date) of a story."""
    return conn.execute("SELECT data, storyline_id, date FROM stories WHERE id = ?", (story_id,)).fetchone()


def story_entity_keys(conn: sqlite3.Connection, story_id: str) -> list[str]:
    return [r[0] for r in conn.execute("SELECT key FROM q_story_entities WHERE story_id = ?", (story_id,))]


def replace_story_entities(conn: sqlite3.Connection, story_id: str, rows: Sequence[tuple],
                           article_rows: Sequence[tuple[str, int]]) -> None:
    """rows: (key, name, type, n_articles, date, variants JSON); article_rows: (key, article seq)."""
    conn.execute("DELETE FROM q_story_entities WHERE story_id = ?", (story_id,))
    conn.execute("DELETE FROM q_article_entities WHERE story_id = ?", (story_id,))
    conn.executemany("INSERT OR REPLACE INTO q_story_entities VALUES (?,?,?,?,?,?,?)",
                     [(k, story_id, n, t, na, d, v) for k, n, t, na, d, v in rows])
    conn.executemany("INSERT OR IGNORE INTO q_article_entities VALUES (?,?,?)",
                     [(k, seq, story_id) for k, seq in article_rows])


def seqs_of(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for k in range(0, len(ids), 500):
        chunk = list(ids[k:k + 500])
        out.update(conn.execute(f"SELECT id, seq FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk))
    return out


def mark_entities(conn: sqlite3.Connection, keys: Iterable[str]) -> None:
    """Entities whose store-wide row must be recomputed (kept in the store: a killed sync loses nothing)."""
    conn.executemany("INSERT OR IGNORE INTO q_dirty_entities VALUES (?)", [(k,) for k in keys])


def count_dirty_entities(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM q_dirty_entities").fetchone()[0]


def dirty_entities(conn: sqlite3.Connection, limit: int) -> list[str]:
    return [r[0] for r in conn.execute("SELECT key FROM q_dirty_entities LIMIT ?", (limit,))]


def clear_dirty_entities(conn: sqlite3.Connection, keys: Sequence[str]) -> None:
    conn.executemany("DELETE FROM q_dirty_entities WHERE key = ?", [(k,) for k in keys])


def refresh_entities(conn: sqlite3.Connection, keys: Iterable[tuple[str, str]]) -> None:
    """Recompute the store-wide row of each (entity id, key) from its story rows."""
    for eid, key in keys:
        row = conn.execute(
            "SELECT count(*), coalesce(sum(n_articles), 0), max(date) FROM q_story_entities WHERE key = ?",
            (key,)).fetchone()
        if not row[0]:
            conn.execute("DELETE FROM q_entities WHERE key = ?", (key,))
            continue
        name, typ = conn.execute(
            "SELECT name, type FROM q_story_entities WHERE key = ? GROUP BY name, type "
            "ORDER BY sum(n_articles) DESC, name LIMIT 1", (key,)).fetchone()
        # every spelling seen, with the number of stories that wrote it (read once here, not per page view)
        seen: dict[str, int] = {}
        for (variants,) in conn.execute("SELECT variants FROM q_story_entities WHERE key = ?", (key,)):
            for v in set(json.loads(variants)):
                seen[v] = seen.get(v, 0) + 1
        ranked = sorted(seen.items(), key=lambda kv: (-kv[1], kv[0]))
        conn.execute("INSERT OR REPLACE INTO q_entities(id, key, name, type, n_stories, n_articles, last_date, variants) "
                     "VALUES (?,?,?,?,?,?,?,?)", (eid, key, name, typ, row[0], row[1], row[2],
                                                  json.dumps(ranked, ensure_ascii=False)))


def refresh_storyline(conn: sqlite3.Connection, line_id: str) -> None:
    row = conn.execute("SELECT data FROM storylines WHERE id = ?", (line_id,)).fetchone()
    if row is None:
        conn.execute("DELETE FROM q_storylines WHERE id = ?", (line_id,))
        return
    title = json.loads(row[0]).get("title") or ""
    n, last = conn.execute("SELECT count(*), max(coalesce(date, '')) FROM stories WHERE storyline_id = ?",
                           (line_id,)).fetchone()
    conn.execute("INSERT OR REPLACE INTO q_storylines VALUES (?,?,?,?)", (line_id, title, last or "", n))


# -- counts and version ---------------------------------------------------------------
def counts(conn: sqlite3.Connection) -> dict[str, int]:
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    return {"articles": one("SELECT count(*) FROM articles"), "stories": one("SELECT count(*) FROM stories"),
            "storylines": one("SELECT count(*) FROM storylines"),
            "outlets": one("SELECT count(DISTINCT outlet) FROM q_articles WHERE outlet != ''"),
            "entities": one("SELECT count(*) FROM q_entities")}


def last_ingest(conn: sqlite3.Connection) -> tuple[int, str | None]:
    """(seq, time) of the newest page stored."""
    row = conn.execute("SELECT seq, ingested_at FROM pages ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, None)


def newest_date(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT max(day) FROM q_articles").fetchone()
    return row[0] or None if row else None


def changed_stories(conn: sqlite3.Connection, after: int, limit: int = 50) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT id FROM q_changes WHERE kind = 'story' AND seq > ? ORDER BY seq DESC LIMIT ?", (after, limit))]


# -- stories --------------------------------------------------------------------------
def story_views(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, str]:
    """Compact JSON (``view``, else the full story) of stories by id."""
    out: dict[str, str] = {}
    for k in range(0, len(ids), 500):
        chunk = list(ids[k:k + 500])
        out.update(conn.execute(f"SELECT id, coalesce(view, data) FROM stories WHERE id IN ({','.join('?' * len(chunk))})",
                                chunk))
    return out


def _where(conditions: Sequence[str]) -> str:
    """The WHERE clause of a list query: its conditions ANDed, or nothing."""
    return f"WHERE {' AND '.join(conditions)} " if conditions else ""


def story_page(conn: sqlite3.Connection, after: tuple[str, str] | None, limit: int,
               storyline: str | None = None) -> list[tuple[str, str, str]]:
    """(id, date, compact JSON) newest first, keyset on (date, id) descending."""
    where, args = [], []
    if after:
        where.append("(coalesce(date, ''), id) < (?, ?)")
        args += list(after)
    if storyline:
        where.append("storyline_id = ?")
        args.append(storyline)
    sql = ("SELECT id, coalesce(date, ''), coalesce(view, data) FROM stories "
           + _where(where)
           + "ORDER BY coalesce(date, '') DESC, id DESC LIMIT ?")
    return list(conn.execute(sql, (*args, limit)))


def story_quotes(conn: sqlite3.Connection, ids: Sequence[str]) -> list[tuple[str, str, str]]:
    """(id, title, quotes JSON) of stories, the quotes cut out by SQLite (the whole story is not parsed in Python)."""
    q = ",".join("?" * len(ids))
    rows = conn.execute(f"SELECT id, json_extract(data, '$.title'), json_extract(data, '$.quotes') FROM stories "
                        f"WHERE id IN ({q})", list(ids)).fetchall() if ids else []
    order = {i: k for k, i in enumerate(ids)}
    return sorted(rows, key=lambda r: order[r[0]])


def story_exists(conn: sqlite3.Connection, story_id: str) -> bool:
    return conn.execute("SELECT 1 FROM stories WHERE id = ?", (story_id,)).fetchone() is not None


def story_stats(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, tuple[int, int]]:
    """story id -> (articles, distinct known outlets)."""
    out: dict[str, tuple[int, int]] = {}
    for k in range(0, len(ids), 500):
        chunk = list(ids[k:k + 500])
        for sid, n, o in conn.execute(
                "SELECT s.story_id, count(*), count(DISTINCT nullif(m.outlet, '')) FROM assignments s "
                f"LEFT JOIN q_articles m ON m.id = s.article_id WHERE s.story_id IN ({','.join('?' * len(chunk))}) "
                "GROUP BY s.story_id", chunk):
            out[sid] = (n, o)
    return out


def story_members(conn: sqlite3.Connection, story_id: str) -> list[tuple[str, int, str, str]]:
    """(article id, seq, article JSON, outlet) of a story's articles in arrival order."""
    return list(conn.execute(
        "SELECT a.id, a.seq, a.data, coalesce(m.outlet, '') FROM assignments s JOIN articles a ON a.id = s.article_id "
        "LEFT JOIN q_articles m ON m.seq = a.seq WHERE s.story_id = ? ORDER BY a.seq", (story_id,)))


def duplicates(conn: sqlite3.Connection, story_id: str) -> dict[str, str]:
    return {a: d for a, d in conn.execute(
        "SELECT article_id, duplicate_of FROM assignments WHERE story_id = ? AND duplicate_of IS NOT NULL", (story_id,))}


def related_by_entities(conn: sqlite3.Connection, story_id: str, keys: Sequence[str], limit: int) -> list[tuple[str, int]]:
    if not keys:
        return []
    q = ",".join("?" * len(keys))
    return list(conn.execute(
        f"SELECT story_id, count(*) AS shared FROM q_story_entities WHERE key IN ({q}) AND story_id != ? "
        "GROUP BY story_id ORDER BY shared DESC, max(coalesce(date, '')) DESC, story_id LIMIT ?",
        (*keys, story_id, limit)))


def storyline_story_ids(conn: sqlite3.Connection, line_id: str) -> list[tuple[str, str]]:
    """(id, date) of a storyline's stories, oldest first."""
    return list(conn.execute("SELECT id, coalesce(date, '') FROM stories WHERE storyline_id = ? "
                             "ORDER BY coalesce(date, ''), id", (line_id,)))


def storyline_data(conn: sqlite3.Connection, line_id: str) -> str | None:
    row = conn.execute("SELECT data FROM storylines WHERE id = ?", (line_id,)).fetchone()
    return row[0] if row else None


def storyline_page(conn: sqlite3.Connection, after: tuple[str, str] | None, limit: int) -> list[tuple[str, str, str, int]]:
    where, args = "", []
    if after:
        where, args = "WHERE (last_date, id) < (?, ?) ", list(after)
    return list(conn.execute(f"SELECT id, title, last_date, n_stories FROM q_storylines {where}"
                             "ORDER BY last_date DESC, id DESC LIMIT ?", (*args, limit)))


def articles_per_day(conn: sqlite3.Connection, story_ids: Sequence[str]) -> list[tuple[str, int]]:
    out: dict[str, int] = {}
    for k in range(0, len(story_ids), 500):
        chunk = list(story_ids[k:k + 500])
        for day, n in conn.execute(
                "SELECT m.day, count(*) FROM assignments s JOIN q_articles m ON m.id = s.article_id "
                f"WHERE s.story_id IN ({','.join('?' * len(chunk))}) GROUP BY 1", chunk):
            out[day] = out.get(day, 0) + n
    return sorted(out.items())


# -- breaking ---------------------------------------------------------------------------
def outlets_since(conn: sqlite3.Connection, day: str) -> list[tuple[str, int, int, str]]:
    """Per story with articles of ``day`` or later: (story, distinct outlets since, articles since, newest day)."""
    return list(conn.execute(
        # CROSS JOIN keeps the recent articles (a range of the day index) as the outer loop
        "SELECT s.story_id, count(DISTINCT nullif(m.outlet, '')), count(*), max(m.day) FROM q_articles m "
        "CROSS JOIN assignments s ON s.article_id = m.id WHERE m.day >= ? GROUP BY s.story_id", (day,)))


def outlets_first_day(conn: sqlite3.Connection, story_ids: Sequence[str]) -> list[tuple[str, str, str]]:
    """(story, outlet, first publication day of that outlet on it) for every known outlet of the stories."""
    out: list[tuple[str, str, str]] = []
    for k in range(0, len(story_ids), 500):
        chunk = list(story_ids[k:k + 500])
        out += conn.execute(
            "SELECT s.story_id, m.outlet, min(m.day) FROM assignments s JOIN q_articles m ON m.id = s.article_id "
            f"WHERE s.story_id IN ({','.join('?' * len(chunk))}) AND m.outlet != '' "
            "GROUP BY s.story_id, m.outlet", chunk).fetchall()
    return out


# -- articles ----------------------------------------------------------------------------
def article_full(conn: sqlite3.Connection, article_id: str) -> tuple | None:
    """(seq, JSON, outlet, lang, story id, duplicate of, day) of one article."""
    return conn.execute(
        "SELECT a.seq, a.data, coalesce(m.outlet, ''), coalesce(m.lang, ''), s.story_id, s.duplicate_of, "
        "coalesce(m.day, '') FROM articles a "
        "LEFT JOIN q_articles m ON m.seq = a.seq LEFT JOIN assignments s ON s.article_id = a.id WHERE a.id = ?",
        (article_id,)).fetchone()


ARTICLE_COLUMNS = "a.seq, a.id, a.title, a.published, m.outlet, m.lang, s.story_id, a.data, m.day"


def _article_filters(f: dict[str, Any]) -> tuple[list[str], list[Any]]:
    where, args = [], []
    if f.get("date_from"):
        where.append("m.day >= ?")
        args.append(f["date_from"])
    if f.get("date_to"):
        where.append("m.day != '' AND m.day <= ?")
        args.append(f["date_to"])
    if f.get("outlet") is not None:
        where.append("m.outlet = ?")
        args.append(f["outlet"])
    if f.get("lang"):
        where.append("m.lang = ?")
        args.append(f["lang"])
    if f.get("entity_key"):
        where.append("a.seq IN (SELECT seq FROM q_article_entities WHERE key = ?)")
        args.append(f["entity_key"])
    if f.get("storyline"):
        where.append("s.story_id IN (SELECT id FROM stories WHERE storyline_id = ?)")
        args.append(f["storyline"])
    if f.get("story"):
        where.append("s.story_id = ?")
        args.append(f["story"])
    return where, args


# articles are listed through their side row (day, outlet, language): one the sync has not written yet
# (a second or so after a writer commits) is not listed until it has
_FROM = "FROM q_articles m JOIN articles a ON a.seq = m.seq LEFT JOIN assignments s ON s.article_id = m.id "


def article_page(conn: sqlite3.Connection, filters: dict[str, Any], after: tuple[str, int] | None,
                 limit: int, columns: str = ARTICLE_COLUMNS) -> list[tuple]:
    """Articles newest first (day, then arrival), keyset on (day, seq) descending."""
    where, args = _article_filters(filters)
    if after:
        where.append("(m.day, m.seq) < (?, ?)")
        args += list(after)
    sql = (f"SELECT {columns}, m.day {_FROM}" + _where(where)
           + "ORDER BY m.day DESC, m.seq DESC LIMIT ?")
    return list(conn.execute(sql, (*args, limit)))


def search_page(conn: sqlite3.Connection, match: str, filters: dict[str, Any], sort: str,
                after: tuple | None, limit: int, columns: str = ARTICLE_COLUMNS) -> list[tuple]:
    """Articles matching an FTS5 expression, with their sort key last.

    ``sort`` is ``relevance`` (BM25, titles weighted twice, then arrival) or ``date``
    (newest first).  ``after`` is the sort key of the last row of the previous page.
    """
    where, args = _article_filters(filters)
    if sort == "relevance":
        if after:
            where.append("(f.score, a.seq) > (?, ?)")
            args += list(after)
        order, key = "f.score, a.seq", "f.score"
    else:
        if after:
            where.append("(m.day, a.seq) < (?, ?)")
            args += list(after)
        order, key = "m.day DESC, a.seq DESC", "m.day"
    score = "bm25(articles_fts, 2.0, 1.0)" if sort == "relevance" else "0"  # ranking costs: only when asked for
    sql = (f"SELECT {columns}, {key} FROM (SELECT rowid, {score} AS score FROM articles_fts "
           f"WHERE articles_fts MATCH ?) f JOIN articles a ON a.seq = f.rowid "
           f"JOIN q_articles m ON m.seq = a.seq LEFT JOIN assignments s ON s.article_id = a.id "
           + _where(where) + f"ORDER BY {order} LIMIT ?")
    return list(conn.execute(sql, (match, *args, limit)))


def search_counts(conn: sqlite3.Connection, match: str, filters: dict[str, Any]) -> list[tuple[str, int]]:
    """(day, articles) of the whole result set."""
    where, args = _article_filters(filters)
    sql = ("SELECT m.day, count(*) FROM articles_fts f JOIN articles a ON a.seq = f.rowid "
           "JOIN q_articles m ON m.seq = a.seq LEFT JOIN assignments s ON s.article_id = a.id "
           "WHERE articles_fts MATCH ? " + "".join(f"AND {w} " for w in where) + "GROUP BY 1 ORDER BY 1")
    return list(conn.execute(sql, (match, *args)))


def filtered_counts(conn: sqlite3.Connection, filters: dict[str, Any]) -> list[tuple[str, int]]:
    where, args = _article_filters(filters)
    sql = (f"SELECT m.day, count(*) {_FROM}" + _where(where)
           + "GROUP BY 1 ORDER BY 1")
    return list(conn.execute(sql, args))


# -- entities ---------------------------------------------------------------------------------
def entity_page(conn: sqlite3.Connection, after: tuple[int, str] | None, limit: int,
                type_: str | None = None) -> list[tuple]:
    where, args = [], []
    if after:
        where.append("(n_stories, id) < (?, ?)")
        args += list(after)
    if type_:
        where.append("type = ?")
        args.append(type_)
    sql = ("SELECT id, key, name, type, n_stories, n_articles, last_date FROM q_entities "
           + _where(where) + "ORDER BY n_stories DESC, id DESC LIMIT ?")
    return list(conn.execute(sql, (*args, limit)))


def entity_by_id(conn: sqlite3.Connection, entity_id: str) -> tuple | None:
    return conn.execute("SELECT id, key, name, type, n_stories, n_articles, last_date FROM q_entities WHERE id = ?",
                        (entity_id,)).fetchone()


def entity_by_key(conn: sqlite3.Connection, key: str) -> tuple | None:
    return conn.execute("SELECT id, key, name, type, n_stories, n_articles, last_date FROM q_entities WHERE key = ?",
                        (key,)).fetchone()


def entity_ids(conn: sqlite3.Connection, keys: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for k in range(0, len(keys), 500):
        chunk = list(keys[k:k + 500])
        out.update(conn.execute(f"SELECT key, id FROM q_entities WHERE key IN ({','.join('?' * len(chunk))})", chunk))
    return out


def article_entities(conn: sqlite3.Connection, seq: int) -> list[tuple[str, str, str]]:
    """(id, name, type) of the canonical entities an article mentions, most widespread first."""
    return list(conn.execute(
        "SELECT DISTINCT e.id, e.name, e.type, e.n_stories FROM q_article_entities ae JOIN q_entities e ON e.key = ae.key "
        "WHERE ae.seq = ? ORDER BY e.n_stories DESC, e.name", (seq,)))


def entity_variants(conn: sqlite3.Connection, key: str, limit: int = 2000) -> list[str]:
    """Variant lists (JSON) of an entity's newest story rows."""
    return [r[0] for r in conn.execute(
        "SELECT variants FROM q_story_entities WHERE key = ? ORDER BY date DESC LIMIT ?", (key, limit))]


def entity_stories(conn: sqlite3.Connection, key: str, after: tuple[str, str] | None, limit: int) -> list[tuple[str, str]]:
    where, args = "", []
    if after:
        where, args = "AND (coalesce(date, ''), story_id) < (?, ?) ", list(after)
    return list(conn.execute(
        f"SELECT story_id, coalesce(date, '') FROM q_story_entities WHERE key = ? {where}"
        "ORDER BY coalesce(date, '') DESC, story_id DESC LIMIT ?", (key, *args, limit)))


def entity_days(conn: sqlite3.Connection, key: str) -> list[tuple[str, int]]:
    return list(conn.execute("SELECT coalesce(date, ''), count(*) FROM q_story_entities WHERE key = ? GROUP BY 1 "
                             "ORDER BY 1", (key,)))


def cooccurring(conn: sqlite3.Connection, key: str, limit: int, among: int = 300) -> list[tuple[str, str, str, str, int]]:
    """Entities seen in the same stories, counted over the entity's ``among`` newest stories."""
    return list(conn.execute(
        "WITH recent AS (SELECT story_id FROM q_story_entities WHERE key = ? ORDER BY date DESC LIMIT ?) "
        "SELECT e.id, e.key, e.name, e.type, count(*) AS n FROM recent a "
        "JOIN q_story_entities b ON b.story_id = a.story_id AND b.key != ? JOIN q_entities e ON e.key = b.key "
        "GROUP BY e.id ORDER BY n DESC, e.name LIMIT ?", (key, among, key, limit)))


def entity_variant_counts(conn: sqlite3.Connection, key: str) -> list[tuple[str, int]]:
    row = conn.execute("SELECT variants FROM q_entities WHERE key = ?", (key,)).fetchone()
    return [tuple(x) for x in json.loads(row[0])] if row and row[0] else []


def known_entity_keys(conn: sqlite3.Connection, keys: Sequence[str]) -> set[str]:
    if not keys:
        return set()
    return {r[0] for r in conn.execute(f"SELECT key FROM q_entities WHERE key IN ({','.join('?' * len(keys))})",
                                       list(keys))}


# -- outlets ------------------------------------------------------------------------------------
def outlet_list(conn: sqlite3.Connection) -> list[tuple[str, int, str]]:
    """(outlet, articles, newest day) of every outlet, most articles first."""
    return list(conn.execute("SELECT outlet, count(*), max(day) FROM q_articles GROUP BY outlet "
                             "ORDER BY count(*) DESC, outlet"))


def outlet_days(conn: sqlite3.Connection, outlet: str) -> list[tuple[str, int]]:
    return list(conn.execute(
        "SELECT day, count(*) FROM q_articles WHERE outlet = ? GROUP BY 1 ORDER BY 1", (outlet,)))


def outlet_last(conn: sqlite3.Connection, outlet: str) -> tuple | None:
    """(id, title, published, ingested) of the outlet's newest article by arrival."""
    return conn.execute(
        "SELECT a.id, a.title, a.published, p.ingested_at FROM q_articles m JOIN articles a ON a.seq = m.seq "
        "JOIN pages p ON p.id = a.id WHERE m.outlet = ? ORDER BY m.seq DESC LIMIT 1", (outlet,)).fetchone()


def outlet_stories(conn: sqlite3.Connection, outlet: str, limit: int) -> list[tuple[str, str]]:
    """(story, newest date) of the stories the outlet covers, newest first."""
    return list(conn.execute(
        "SELECT s.story_id, max(m.day) AS d FROM q_articles m "
        "JOIN assignments s ON s.article_id = m.id WHERE m.outlet = ? GROUP BY s.story_id "
        "ORDER BY d DESC, s.story_id DESC LIMIT ?", (outlet, limit)))


def outlet_exclusive(conn: sqlite3.Connection, outlet: str, limit: int) -> list[tuple[str, str]]:
    """Stories whose every article comes from this outlet, newest first."""
    return list(conn.execute(
        "WITH mine AS (SELECT s.story_id AS sid, max(m.day) AS d FROM q_articles m "
        "JOIN assignments s ON s.article_id = m.id WHERE m.outlet = ? "
        "GROUP BY s.story_id) SELECT sid, d FROM mine WHERE NOT EXISTS (SELECT 1 FROM assignments s2 "
        "LEFT JOIN q_articles m2 ON m2.id = s2.article_id WHERE s2.story_id = mine.sid "
        "AND coalesce(m2.outlet, '') != ?) ORDER BY d DESC, sid DESC LIMIT ?", (outlet, outlet, limit)))


def outlet_options(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT DISTINCT outlet FROM q_articles WHERE outlet != '' ORDER BY outlet")]


def lang_options(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT DISTINCT lang FROM q_articles ORDER BY lang")]


def iter_rows(conn_factory, fetch, size: int = 500) -> Iterator[tuple]:
    """Rows of a keyset query, a chunk per short read: ``fetch(conn, after, size)`` returns rows whose last column
    is the sort key and whose first is the tie-breaking seq; memory stays at one chunk."""
    after = None
    while True:
        rows = fetch(conn_factory(), after, size)
        yield from rows
        if len(rows) < size:
            return
        after = (rows[-1][-1], rows[-1][0])
