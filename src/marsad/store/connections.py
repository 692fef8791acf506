"""Connections and transactions of the store's readers: the web app's threads and the query layer's sync.

`Store` opens the writer's connection; a server also reads through one
read-only connection per thread (`open_reader`) and keeps the query layer's
side tables up to date through one more (`open_syncer`).  `read_transaction`
gives a request one consistent state of the store; `write_transaction` is the
short write transaction `marsad.query.index.sync` applies each chunk in.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY_MS = 30000  # how long a statement waits for a lock (a checkpoint, a writer's commit) before failing
READER_CACHE_KIB = 4000  # reads go through mmap; a small private page cache per thread
READER_MMAP = 256 << 20


def _connect(path: str | Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout={BUSY_MS}")
    return conn


def open_reader(path: str | Path) -> sqlite3.Connection:
    """A read-only connection (WAL: it never blocks a writer and is never blocked by one)."""
    conn = _connect(path)
    conn.execute("PRAGMA query_only=ON")
    conn.execute(f"PRAGMA cache_size=-{READER_CACHE_KIB}")
    conn.execute(f"PRAGMA mmap_size={READER_MMAP}")
    conn.execute("PRAGMA temp_store=MEMORY")
    return conn


def open_syncer(path: str | Path) -> sqlite3.Connection:
    """A connection for `marsad.query.index.sync`, which writes in short transactions of its own."""
    return _connect(path)


@contextmanager
def read_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One read transaction: everything read inside sees the same state of the store."""
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.execute("COMMIT")


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, taking the write lock at once: written whole, or rolled back."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
