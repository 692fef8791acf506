"""The embedded SQLite store: pages, articles, analyses, stories, storylines, and the search index.

* WAL mode, foreign keys on, one connection per `Store`.
* Schema versioned: `MIGRATIONS` are applied in order on open, each in its own
  transaction, and ``PRAGMA user_version`` records how far the file has come.
* Pages are keyed by a content hash, so re-ingesting a page is a no-op.
* Every batch is written in one transaction (`Store.batch`); a run killed
  half-way leaves whole batches only, and the next run picks up what is missing.
* FTS5 indexes normalized copies of titles and bodies (the unicode61 tokenizer
  would split Arabic words at diacritics); queries are normalized the same way.
* One writer at a time (`Store.writer`): a pipeline run holds a lock on
  ``<db>.lock``; a second run on the same file waits for it (and says so) instead
  of failing with "database is locked" or processing the same pages twice.
  Readers never wait (WAL).
* A write that fails because the disk is full, the file read-only or the I/O
  broken raises `StoreError` (the transaction is rolled back, the file stays
  intact); a store that wrote is checkpointed on `close`, so the main file holds
  the data.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from marsad.arabic.normalize import normalize
from marsad.dedup.minhash import BandIndex, band_key, paragraph_signatures
from marsad.errors import NotFoundError, StoreError
from marsad.model import Analysis, Article, Page, Story, Storyline, from_dict, to_dict
from marsad.store.bands import BandTable
from marsad.store.cluster_state import ClusterTables

MIGRATIONS: list[str] = [
    # 1: the first schema
    """
    CREATE TABLE pages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        kind TEXT NOT NULL,
        content TEXT NOT NULL,
        url TEXT,
        fetched_at TEXT,
        encoding TEXT,
        ingested_at TEXT NOT NULL
    );
    CREATE TABLE input_errors (
        source TEXT PRIMARY KEY,
        message TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE TABLE articles (
        id TEXT PRIMARY KEY REFERENCES pages(id),
        seq INTEGER NOT NULL,
        title TEXT,
        published TEXT,
        published_how TEXT,
        data TEXT NOT NULL
    );
    CREATE VIRTUAL TABLE articles_fts USING fts5(article_id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2');
    CREATE TABLE term_df (term TEXT PRIMARY KEY, df INTEGER NOT NULL);
    CREATE TABLE features (article_id TEXT PRIMARY KEY REFERENCES articles(id), data TEXT NOT NULL);
    CREATE TABLE analyses (article_id TEXT PRIMARY KEY REFERENCES articles(id), data TEXT NOT NULL);
    CREATE TABLE minhash_bands (
        level TEXT NOT NULL, band INTEGER NOT NULL, key TEXT NOT NULL, item TEXT NOT NULL
    );
    CREATE INDEX minhash_bands_key ON minhash_bands(level, band, key);
    CREATE TABLE shared_paragraphs (
        article_a TEXT NOT NULL, paragraph_a INTEGER NOT NULL,
        article_b TEXT NOT NULL, paragraph_b INTEGER NOT NULL, similarity REAL NOT NULL,
        PRIMARY KEY (article_a, paragraph_a, article_b, paragraph_b)
    );
    CREATE TABLE assignments (
        article_id TEXT PRIMARY KEY REFERENCES articles(id),
        story_id TEXT NOT NULL,
        duplicate_of TEXT,
        score REAL
    );
    CREATE INDEX assignments_story ON assignments(story_id);
    CREATE TABLE story_state (
        story_id TEXT PRIMARY KEY,
        storyline_id TEXT,
        data TEXT NOT NULL,
        dirty INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX story_state_storyline ON story_state(storyline_id);
    CREATE TABLE story_terms (term TEXT NOT NULL, story_id TEXT NOT NULL, weight REAL NOT NULL);
    CREATE INDEX story_terms_term ON story_terms(term);
    CREATE INDEX story_terms_story ON story_terms(story_id);
    CREATE TABLE storyline_state (storyline_id TEXT PRIMARY KEY, data TEXT NOT NULL, dirty INTEGER NOT NULL DEFAULT 1);
    CREATE TABLE storyline_terms (term TEXT NOT NULL, storyline_id TEXT NOT NULL, weight REAL NOT NULL);
    CREATE INDEX storyline_terms_term ON storyline_terms(term);
    CREATE INDEX storyline_terms_line ON storyline_terms(storyline_id);
    CREATE TABLE stories (id TEXT PRIMARY KEY, storyline_id TEXT, date TEXT, data TEXT NOT NULL);
    CREATE TABLE storylines (id TEXT PRIMARY KEY, data TEXT NOT NULL);
    """,
    # 2: the search index keyed by the page's rowid (deleting by an UNINDEXED column scanned the whole index)
    """
    DROP TABLE articles_fts;
    CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');
    CREATE INDEX IF NOT EXISTS stories_storyline ON stories(storyline_id);
    """,
    # 3: postings read strongest first (candidate lookups stay bounded as the store grows);
    #    a compact view of each story for its storyline's report
    """
    CREATE INDEX story_terms_ranked ON story_terms(term, weight DESC);
    CREATE INDEX storyline_terms_ranked ON storyline_terms(term, weight DESC);
    ALTER TABLE stories ADD COLUMN view TEXT;
    """,
    # 4: work queues, so that finding what a stage still has to do costs nothing on a big store
    # (the anti-joins they replace read every article); filled once from those anti-joins
    """
    CREATE TABLE pending (stage TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (stage, id))
        WITHOUT ROWID;
    CREATE INDEX pending_order ON pending(stage, seq);
    INSERT INTO pending SELECT 'extract', p.id, p.seq FROM pages p LEFT JOIN articles a ON a.id = p.id WHERE a.id IS NULL;
    INSERT INTO pending SELECT 'analyse', a.id, a.seq FROM articles a LEFT JOIN analyses n ON n.article_id = a.id
        WHERE n.article_id IS NULL;
    INSERT INTO pending SELECT 'cluster', a.id, a.seq FROM articles a LEFT JOIN assignments s ON s.article_id = a.id
        WHERE s.article_id IS NULL;
    CREATE INDEX story_state_dirty ON story_state(story_id) WHERE dirty = 1;
    """,
    # 5: LSH bands keyed by one integer in a table without rowid (a third of the size of the text-keyed
    # table and its index); `_convert_bands` moves schema 4's bands over
    """
    CREATE TABLE lsh_bands (key INTEGER NOT NULL, item TEXT NOT NULL, PRIMARY KEY (key, item)) WITHOUT ROWID;
    """,
    # 6: posting indexes that hold the id as well, so a term's strongest postings are read from one
    # run of index pages instead of one table row each (which, with a cold page cache, is a disk read each)
    """
    DROP INDEX story_terms_ranked;
    DROP INDEX story_terms_term;
    CREATE INDEX story_terms_ranked ON story_terms(term, weight DESC, story_id);
    DROP INDEX storyline_terms_ranked;
    DROP INDEX storyline_terms_term;
    CREATE INDEX storyline_terms_ranked ON storyline_terms(term, weight DESC, storyline_id);
    """,
    # 7: paragraph bands in a new layout (fewer lookups per paragraph, see dedup/minhash.py); paragraph
    # signatures are not stored, so `_reband_paragraphs` recomputes them from the articles, queued here
    """
    DELETE FROM lsh_bands WHERE item LIKE '%:%';
    INSERT OR IGNORE INTO pending SELECT 'reband', f.article_id, a.seq FROM features f JOIN articles a ON a.id = f.article_id;
    """,
    # 8: the outlet a page is known to come from (a watched source's configured outlet; NULL: read from the page)
    """
    ALTER TABLE pages ADD COLUMN outlet TEXT;
    """,
]
_ADDS_COLUMN = {7: ("pages", "outlet")}  # migrations that only add a column: (table, column), by index


WAL_HARD_LIMIT = 256 << 20  # a long batch run checkpoints when the log grows past this
WAL_SOFT_LIMIT = 16 << 20  # a run checkpoints at its end when the log holds this much
CACHE_KIB = 128 * 1024  # page cache per connection (SQLite's default is 2 MiB)


# errors of the place the store lives (disk full, read-only, I/O, locked), not of marsad: StoreError
_ENVIRONMENT_ERRORS = ("SQLITE_FULL", "SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_BUSY",
                       "SQLITE_LOCKED", "SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_PERM", "SQLITE_NOLFS")
_LOCAL_WRITERS: dict[str, threading.Lock] = {}  # one writer per store file among this process's threads too
_LOCAL_GUARD = threading.Lock()


def search_text(article: Article) -> tuple[str, str]:
    """The normalized title and text the search index holds of an article."""
    return normalize(article.title or ""), normalize(article.text)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Store:
    """One SQLite database file holding everything marsad knows."""

    def __init__(self, path: str | Path = "marsad.db") -> None:
        self.path = str(path)
        self._writer_depth = 0
        self._wrote = False
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            # checkpoints (copying the log into the file, with an fsync) are run by `checkpoint`, between
            # updates, instead of inside whichever commit happens to fill SQLite's 4 MB default
            self.conn.execute("PRAGMA wal_autocheckpoint=0")
            # a log emptied by a checkpoint is cut back when writing restarts, so its size tells how
            # much it holds (without this the file keeps its largest size and every test would fire)
            self.conn.execute("PRAGMA journal_size_limit=0")
            # lookups in the term, band and posting indexes dominate clustering: keep more of their pages in memory
            self.conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable marsad database ({exc})") from exc
        except OSError as exc:  # the folder cannot be created (a file in the way, read-only, no permission)
            raise StoreError(f"{self.path}: cannot create the database ({exc.strerror or exc})") from exc

    # -- one writer at a time --------------------------------------------------
    @contextmanager
    def writer(self, notice: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold the store's writer lock for the duration (reentrant).

        Another process (or thread) holding it makes this wait, after telling
        ``notice``.  The lock is a POSIX lock on ``<db>.lock``: the system drops it
        when its holder dies, even by ``kill -9``, and forked workers do not inherit it.
        """
        if self.path == ":memory:" or self._writer_depth:
            self._writer_depth += 1
            try:
                yield
            finally:
                self._writer_depth -= 1
            return
        import fcntl

        key = os.path.realpath(self.path)
        with _LOCAL_GUARD:
            local = _LOCAL_WRITERS.setdefault(key, threading.Lock())
        waiting = f"{self.path}: another marsad run is writing to this store; waiting for it to finish"
        if not local.acquire(blocking=False):
            if notice:
                notice(waiting)
            local.acquire()
        try:
            try:
                fd = os.open(self.path + ".lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as exc:
                raise StoreError(f"{self.path}: cannot write next to the database ({exc.strerror or exc})") from exc
            try:
                try:
                    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES):
                        raise StoreError(f"{self.path}: cannot lock the database ({exc.strerror or exc})") from exc
                    if notice:
                        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                        notice(waiting.replace("another marsad run", f"another marsad run (pid {holder})" if holder.isdigit()
                                                                      else "another marsad run"))
                    fcntl.lockf(fd, fcntl.LOCK_EX)
                try:
                    os.ftruncate(fd, 0)
                    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
                except OSError:
                    pass  # the pid is only for the message; a full disk must not stop here
                self._writer_depth = 1
                try:
                    yield
                finally:
                    self._writer_depth = 0
            finally:
                os.close(fd)  # releases the lock
        finally:
            local.release()

    def _store_error(self, exc: sqlite3.Error) -> StoreError | None:
        """A `StoreError` for errors of the disk or file (full, read-only, I/O), None for anything else."""
        name = getattr(exc, "sqlite_errorname", "") or ""
        text = str(exc)
        if name.startswith(_ENVIRONMENT_ERRORS) or any(w in text for w in ("disk is full", "readonly", "disk I/O", "locked")):
            return StoreError(f"{self.path}: cannot write the database ({text})")
        return None

    # -- schema -------------------------------------------------------------
    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(f"{self.path}: written by a newer marsad (schema {version})")
        upgrade = version < len(MIGRATIONS) or self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'minhash_bands'").fetchone() is not None or self.conn.execute(
            "SELECT 1 FROM pending WHERE stage = 'reband' LIMIT 1").fetchone() is not None
        if upgrade:
            # two processes opening a new or old store at once: one upgrades it, the other then finds it done
            with self.writer():
                self._upgrade()

    def _upgrade(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(f"{self.path}: written by a newer marsad (schema {version})")
        for n in range(version, len(MIGRATIONS)):
            script = MIGRATIONS[n]
            if n in _ADDS_COLUMN and _ADDS_COLUMN[n][1] in {r[1] for r in self.conn.execute(
                    f"PRAGMA table_info({_ADDS_COLUMN[n][0]})")}:
                script = ""  # the column is there already (a file whose version number was set back)
            # one script, one transaction: a migration is applied whole or not at all
            try:
                self.conn.executescript(f"BEGIN IMMEDIATE;{script};PRAGMA user_version = {n + 1};COMMIT;")
                if n == 1:
                    self._reindex()
                if n == 2:
                    self._revise_views()
            except sqlite3.Error:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
        if self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'minhash_bands'").fetchone():
            self._convert_bands()
        self._reband_paragraphs()

    def _convert_bands(self) -> None:
        """Move schema 4's text-keyed bands into ``lsh_bands`` (one transaction; redone if killed)."""
        self.conn.create_function("band_key", 3, band_key, deterministic=True)
        with self.batch() as c:
            # paragraph bands of schema 4 have the old layout: migration 7 queued them to be recomputed
            c.execute("INSERT OR IGNORE INTO lsh_bands(key, item) SELECT band_key(level, band, key) AS k, item "
                      "FROM minhash_bands WHERE level = 'doc' ORDER BY k, item")
            c.execute("DROP TABLE minhash_bands")

    def _reband_paragraphs(self, chunk: int = 500) -> None:
        """Recompute the paragraph bands queued by migration 7, a chunk per transaction (a killed run
        resumes where it stopped)."""
        bands = BandIndex(self.bands)
        while ids := [r[0] for r in self.conn.execute(
                "SELECT id FROM pending WHERE stage = 'reband' ORDER BY seq LIMIT ?", (chunk,))]:
            with self.batch() as c:
                for aid in ids:
                    row = c.execute("SELECT data FROM articles WHERE id = ?", (aid,)).fetchone()
                    for pi, sig in paragraph_signatures(json.loads(row[0])["paragraphs"]) if row else ():
                        bands.add("para", f"{aid}:{pi}", sig)
                c.executemany("DELETE FROM pending WHERE stage = 'reband' AND id = ?", [(a,) for a in ids])

    def _reindex(self) -> None:
        """Rebuild the search index from the stored articles."""
        with self.batch() as c:
            for seq, data in c.execute("SELECT seq, data FROM articles").fetchall():
                art = from_dict(Article, json.loads(data))
                c.execute("INSERT OR REPLACE INTO articles_fts(rowid, title, body) VALUES (?,?,?)",
                          (seq, normalize(art.title or ""), normalize(art.text)))

    def _revise_views(self) -> None:
        with self.batch() as c:
            for (data,) in c.execute("SELECT data FROM stories").fetchall():
                self.put_story(from_dict(Story, json.loads(data)))

    # -- what the de-duplication and the clustering read and write ---------------
    @cached_property
    def bands(self) -> BandTable:
        """The LSH band table (`marsad.dedup.minhash.BandIndex` keeps its bands there)."""
        return BandTable(self.conn)

    @cached_property
    def cluster(self) -> ClusterTables:
        """The story and storyline states and postings (`marsad.cluster.online.OnlineClusterer` works on them)."""
        return ClusterTables(self.conn)

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    @contextmanager
    def batch(self) -> Iterator[sqlite3.Connection]:
        """One transaction: everything inside is written, or nothing."""
        if self.conn.in_transaction:
            yield self.conn
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise (self._store_error(exc) or exc) from exc
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                try:
                    self.conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # SQLite has rolled back already (a full disk does that); the file is intact
            if isinstance(exc, sqlite3.Error) and (store_exc := self._store_error(exc)):
                raise store_exc from exc
            raise
        self._wrote = True
        if self._wal_bytes() > WAL_HARD_LIMIT:
            self.checkpoint()

    def _wal_bytes(self) -> int:
        try:
            return Path(self.path + "-wal").stat().st_size
        except OSError:
            return 0

    def checkpoint(self, min_bytes: int = 0) -> bool:
        """Copy the write-ahead log into the database file if it holds at least ``min_bytes``."""
        if self.path == ":memory:" or self.conn.in_transaction or self._wal_bytes() < max(1, min_bytes):
            return False
        try:
            self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error as exc:
            # the log stays valid and is read as part of the store; a full disk makes this fail
            raise (self._store_error(exc) or exc) from exc
        return True

    def close(self) -> None:
        """Close the connection; a store that wrote is checkpointed first, so the main file holds the data."""
        if self._wrote:
            try:
                self.checkpoint()
            except (sqlite3.Error, StoreError):
                pass  # disk full: the log keeps the data, and the next open reads it
        self.conn.close()

    # -- pages --------------------------------------------------------------
    def add_pages(self, pages: Iterable[Page]) -> int:
        """Insert pages not yet stored; returns how many were new."""
        new = 0
        with self.batch() as c:
            for p in pages:
                cur = c.execute(
                    "INSERT OR IGNORE INTO pages(id, source, kind, content, url, fetched_at, encoding, ingested_at, outlet)"
                    " VALUES (?,?,?,?,?,?,?,?,?)",
                    (p.id, p.source, p.kind, p.content, p.url, p.fetched_at, p.encoding, _now(), p.outlet),
                )
                if cur.rowcount:
                    c.execute("INSERT OR IGNORE INTO pending VALUES ('extract', ?, ?)", (p.id, cur.lastrowid))
                new += cur.rowcount
        return new

    def record_error(self, source: str, message: str) -> None:
        with self.batch() as c:
            c.execute("INSERT OR REPLACE INTO input_errors VALUES (?,?,?)", (source, message, _now()))

    def drop_page(self, page_id: str, source: str, message: str) -> None:
        """A stored page that cannot become an article (over its budget): named in input_errors, taken off the
        extraction queue (it stays stored, so reading it again is a no-op)."""
        with self.batch() as c:
            c.execute("INSERT OR REPLACE INTO input_errors VALUES (?,?,?)", (source, message, _now()))
            c.execute("DELETE FROM pending WHERE stage = 'extract' AND id = ?", (page_id,))

    def input_errors(self) -> list[tuple[str, str]]:
        return list(self.conn.execute("SELECT source, message FROM input_errors ORDER BY source"))

    def has_page(self, page_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM pages WHERE id=?", (page_id,)).fetchone() is not None

    def pending_pages(self, limit: int | None = None) -> list[Page]:
        sql = ("SELECT p.id, p.source, p.kind, p.content, p.url, p.fetched_at, p.encoding, p.outlet FROM pending q "
               "JOIN pages p ON p.id = q.id WHERE q.stage = 'extract' ORDER BY q.seq")
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [Page(*row) for row in self.conn.execute(sql)]

    def count(self, table: str) -> int:
        assert table.isidentifier()
        return self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

    # -- articles -----------------------------------------------------------
    def add_article(self, article: Article, features: dict[str, Any],
                    search: tuple[str, str] | None = None) -> None:
        """Store an extracted article, its search entry, term counts and features (inside a batch).

        ``search``: the normalized title and text, when a worker has computed them (`search_text`)."""
        c = self.conn
        seq = c.execute("SELECT seq FROM pages WHERE id=?", (article.id,)).fetchone()[0]
        c.execute(
            "INSERT OR REPLACE INTO articles(id, seq, title, published, published_how, data) VALUES (?,?,?,?,?,?)",
            (article.id, seq, article.title, article.published, article.published_how,
             json.dumps(to_dict(article), ensure_ascii=False)),
        )
        c.execute("INSERT OR REPLACE INTO articles_fts(rowid, title, body) VALUES (?,?,?)",
                  (seq, *(search or search_text(article))))
        c.execute("INSERT OR REPLACE INTO features VALUES (?,?)", (article.id, json.dumps(features, ensure_ascii=False)))
        c.execute("DELETE FROM pending WHERE stage = 'extract' AND id = ?", (article.id,))
        c.executemany("INSERT OR IGNORE INTO pending VALUES (?, ?, ?)",
                      [("analyse", article.id, seq), ("cluster", article.id, seq)])

    def bump_term_df(self, term_sets: Iterable[Iterable[str]]) -> None:
        counts: dict[str, int] = {}
        for ts in term_sets:
            for t in set(ts):
                counts[t] = counts.get(t, 0) + 1
        self.conn.executemany(
            "INSERT INTO term_df(term, df) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
            counts.items(),
        )

    def term_df(self, terms: Iterable[str]) -> dict[str, int]:
        terms = list(set(terms))
        out: dict[str, int] = {}
        for k in range(0, len(terms), 500):
            chunk = terms[k: k + 500]
            q = ",".join("?" * len(chunk))
            out.update(self.conn.execute(f"SELECT term, df FROM term_df WHERE term IN ({q})", chunk))
        return out

    def update_article(self, article: Article) -> None:
        self.conn.execute(
            "UPDATE articles SET published=?, published_how=?, data=? WHERE id=?",
            (article.published, article.published_how, json.dumps(to_dict(article), ensure_ascii=False), article.id),
        )

    def article(self, article_id: str) -> Article:
        row = self.conn.execute("SELECT data FROM articles WHERE id=?", (article_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no article {article_id}")
        return from_dict(Article, json.loads(row[0]))

    def articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        if ids is None:
            rows = self.conn.execute("SELECT data FROM articles ORDER BY seq")
            return [from_dict(Article, json.loads(r[0])) for r in rows]
        return [self.article(i) for i in ids]

    def features(self, article_id: str) -> dict[str, Any]:
        row = self.conn.execute("SELECT data FROM features WHERE article_id=?", (article_id,)).fetchone()
        return json.loads(row[0]) if row else {}

    def put_prepared(self, article_id: str, prepared: dict[str, Any]) -> None:
        """Keep what a worker computed of one article for the clustering (until `put_features` replaces it)."""
        self.put_prepared_json(article_id, json.dumps({"prepared": prepared}, ensure_ascii=False))

    def put_prepared_json(self, article_id: str, data: str) -> None:
        """`put_prepared` of ``{"prepared": ...}`` already in JSON (a worker's)."""
        self.conn.execute("UPDATE features SET data=? WHERE article_id=?", (data, article_id))

    def prepared(self, article_id: str) -> dict[str, Any] | None:
        """What `put_prepared` kept of an article, or None (an older store, or features already final)."""
        return self.features(article_id).get("prepared")

    def put_features(self, article_id: str, features: dict[str, Any]) -> None:
        self.conn.execute("INSERT OR REPLACE INTO features VALUES (?,?)",
                          (article_id, json.dumps(features, ensure_ascii=False)))

    def document_term_df(self, term: str) -> int:
        """How many stored articles contain ``term`` (0 if none)."""
        row = self.conn.execute("SELECT df FROM term_df WHERE term=?", (term,)).fetchone()
        return row[0] if row else 0

    def add_shared_paragraph(self, a: str, pa: int, b: str, pb: int, similarity: float) -> None:
        self.conn.execute("INSERT OR REPLACE INTO shared_paragraphs VALUES (?,?,?,?,?)", (a, pa, b, pb, similarity))

    def unassigned_articles(self) -> list[str]:
        """Articles not yet put into a story, in arrival order."""
        return self._pending("cluster")

    def _pending(self, stage: str) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM pending WHERE stage = ? ORDER BY seq", (stage,))]

    def dirty_stories(self) -> set[str]:
        """Stories whose later stages (storyline, dates, report) a run has not finished."""
        return {r[0] for r in self.conn.execute("SELECT story_id FROM story_state WHERE dirty = 1")}

    # -- analyses -----------------------------------------------------------
    def unanalysed_articles(self) -> list[str]:
        return self._pending("analyse")

    def put_analysis(self, analysis: Analysis) -> None:
        self.put_analysis_json(analysis.article_id, json.dumps(to_dict(analysis), ensure_ascii=False))

    def put_analysis_json(self, article_id: str, data: str) -> None:
        """`put_analysis` of an analysis a worker has already turned into JSON."""
        self.conn.execute("INSERT OR REPLACE INTO analyses VALUES (?,?)", (article_id, data))
        self.conn.execute("DELETE FROM pending WHERE stage = 'analyse' AND id = ?", (article_id,))

    def analysis(self, article_id: str) -> Analysis:
        row = self.conn.execute("SELECT data FROM analyses WHERE article_id=?", (article_id,)).fetchone()
        return from_dict(Analysis, json.loads(row[0])) if row else Analysis(article_id)

    # -- stories ------------------------------------------------------------
    def story_of(self, article_id: str) -> str | None:
        row = self.conn.execute("SELECT story_id FROM assignments WHERE article_id=?", (article_id,)).fetchone()
        return row[0] if row else None

    def assignments(self) -> dict[str, tuple[str, str | None]]:
        return {a: (s, d) for a, s, d in self.conn.execute("SELECT article_id, story_id, duplicate_of FROM assignments")}

    def mark_duplicate(self, article_id: str, original_id: str) -> None:
        """Record an assigned article as a copy of another (the copy of an agency report that came in first)."""
        self.conn.execute("UPDATE assignments SET duplicate_of=? WHERE article_id=?", (original_id, article_id))

    def story_members(self, story_id: str) -> list[str]:
        rows = self.conn.execute(
            "SELECT s.article_id FROM assignments s JOIN articles a ON a.id=s.article_id WHERE story_id=? ORDER BY a.seq",
            (story_id,))
        return [r[0] for r in rows]

    def storyline_of(self, story_id: str) -> str | None:
        row = self.conn.execute("SELECT storyline_id FROM story_state WHERE story_id=?", (story_id,)).fetchone()
        return row[0] if row else None

    def shared_paragraphs_among(self, ids: list[str]) -> list[tuple]:
        """Rows (article_a, paragraph_a, article_b, paragraph_b, similarity) of paragraphs two of ``ids`` share."""
        q = ",".join("?" * len(ids))
        return list(self.conn.execute(
            "SELECT article_a, paragraph_a, article_b, paragraph_b, similarity FROM shared_paragraphs "
            f"WHERE article_a IN ({q}) AND article_b IN ({q})", ids + ids))

    def assignments_of(self, ids: list[str]) -> dict[str, tuple[str, str | None]]:
        """article id -> (story id, duplicate_of) for ``ids``."""
        q = ",".join("?" * len(ids))
        return {a: (s, d) for a, s, d in self.conn.execute(
            f"SELECT article_id, story_id, duplicate_of FROM assignments WHERE article_id IN ({q})", ids)}

    def mark_story_clean(self, story_id: str) -> None:
        """The story's later stages (storyline, dates, report) are done."""
        self.conn.execute("UPDATE story_state SET dirty=0 WHERE story_id=?", (story_id,))

    def put_story(self, story: Story) -> None:
        from marsad.store.reports import put_story_rows, story_rows  # the rows a report worker builds

        put_story_rows(self, story_rows(story))

    def story_views(self, storyline_id: str) -> list[Story]:
        """The stories of a storyline in their compact form (title, date, lead sentence, top entities, facts)."""
        rows = self.conn.execute("SELECT coalesce(view, data) FROM stories WHERE storyline_id=?", (storyline_id,))
        return [from_dict(Story, json.loads(r[0])) for r in rows]

    def story(self, story_id: str) -> Story:
        row = self.conn.execute("SELECT data FROM stories WHERE id=?", (story_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no story {story_id}")
        return from_dict(Story, json.loads(row[0]))

    def stories(self) -> list[Story]:
        rows = self.conn.execute("SELECT data FROM stories ORDER BY date DESC, id")
        return [from_dict(Story, json.loads(r[0])) for r in rows]

    def put_storyline(self, line: Storyline) -> None:
        """Store a storyline's report; it is no longer dirty (inside the same batch)."""
        from marsad.store.reports import put_storyline_row, storyline_row

        put_storyline_row(self, storyline_row(line))

    def mark_storyline_dirty(self, storyline_id: str) -> None:
        """A story of this storyline got a new report: the storyline's report must be rebuilt."""
        self.conn.execute("UPDATE storyline_state SET dirty=1 WHERE storyline_id=?", (storyline_id,))

    def dirty_storylines(self) -> set[str]:
        """Storylines whose report is missing or older than one of their stories' (a killed run leaves them)."""
        return {r[0] for r in self.conn.execute("SELECT storyline_id FROM storyline_state WHERE dirty = 1")}

    def storylines(self) -> list[Storyline]:
        rows = self.conn.execute("SELECT data FROM storylines ORDER BY id")
        return [from_dict(Storyline, json.loads(r[0])) for r in rows]

    def storyline(self, storyline_id: str) -> Storyline:
        row = self.conn.execute("SELECT data FROM storylines WHERE id=?", (storyline_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no storyline {storyline_id}")
        return from_dict(Storyline, json.loads(row[0]))

    # -- search -------------------------------------------------------------
    def search(self, query: str, limit: int = 20) -> list[tuple[str, str | None, str]]:
        """(article id, title, snippet) of articles matching ``query`` (normalized like the index)."""
        import regex

        words = [w for w in regex.findall(r"[\p{L}\p{N}]+", normalize(query)) if w]
        if not words:
            return []
        match = " ".join(f'"{w}"' for w in words)
        rows = self.conn.execute(
            "SELECT a.id, a.title, snippet(articles_fts, 1, '[', ']', ' … ', 12) FROM articles_fts f "
            "JOIN articles a ON a.seq = f.rowid WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
            (match, limit),
        )
        return list(rows)
