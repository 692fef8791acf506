"""Bulk reads a backfill needs on top of `Store`'s methods: which articles of a batch are already
loaded (a resumed load skips them), and whole tables in comparable form (to check a backfilled store
against the one `digest` builds)."""

from __future__ import annotations

from marsad.store.db import Store


def existing_articles(store: Store, ids: list[str]) -> set[str]:
    """The ids among ``ids`` that already have an article."""
    found: set[str] = set()
    for k in range(0, len(ids), 500):
        chunk = ids[k: k + 500]
        q = ",".join("?" * len(chunk))
        found.update(r[0] for r in store.conn.execute(f"SELECT id FROM articles WHERE id IN ({q})", chunk))
    return found


def missing_pages(store: Store, ids: list[str]) -> set[str]:
    """The ids among ``ids`` that no stored page has."""
    found: set[str] = set()
    for k in range(0, len(ids), 500):
        chunk = ids[k: k + 500]
        q = ",".join("?" * len(chunk))
        found.update(r[0] for r in store.conn.execute(f"SELECT id FROM pages WHERE id IN ({q})", chunk))
    return set(ids) - found


def shared_paragraphs(store: Store) -> list[tuple[str, int, str, int, float]]:
    return list(store.conn.execute("SELECT * FROM shared_paragraphs ORDER BY 1, 2, 3, 4"))


def table_rows(store: Store, table: str, key: str) -> dict[str, str]:
    """key -> data of a (key, data) table: articles, analyses or features (for comparing stores)."""
    assert table in ("articles", "analyses", "features") and key.isidentifier()
    return dict(store.conn.execute(f"SELECT {key}, data FROM {table}"))
