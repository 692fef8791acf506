"""The clusterer's tables: story and storyline states, their term postings, and article assignments.

`ClusterTables` is what `marsad.cluster.online.OnlineClusterer` reads and writes
(it satisfies `marsad.cluster.online.ClusterStore`): states go in and out as the
JSON the clusterer made, so the store decides nothing about clustering.  Writes
run on the store's connection inside the caller's transaction (`Store.batch`);
nothing here commits.

The candidate lookup is the clusterer's hot statement (one per article in the
main process): for each query term, its `postings` strongest postings, summed
per id inside SQLite in one statement.  Its text depends only on the table and
the number of terms, so it is built once per shape and kept (SQLite's own
statement cache then reuses the compiled statement).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

_POSTING_TABLES = {"story_terms": "story_id", "storyline_terms": "storyline_id"}


class ClusterTables:
    """Story and storyline state of one store, through its connection."""

    __slots__ = ("conn", "_lookups")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._lookups: dict[tuple[str, int, int, int], str] = {}

    # -- candidate lookups ---------------------------------------------------
    def _lookup_sql(self, table: str, terms: int, postings: int, limit: int) -> str:
        shape = (table, terms, postings, limit)
        sql = self._lookups.get(shape)
        if sql is None:
            key = _POSTING_TABLES[table]
            one = (f"SELECT * FROM (SELECT {key} AS id, weight * ? AS w FROM {table} WHERE term = ? "
                   f"ORDER BY weight DESC LIMIT {int(postings)})")
            sql = (f"SELECT id, sum(w) AS s FROM ({' UNION ALL '.join([one] * terms)}) "
                   f"GROUP BY id ORDER BY s DESC, id LIMIT {int(limit)}")
            self._lookups[shape] = sql
        return sql

    def _ranked(self, table: str, query: Sequence[tuple[str, float]], postings: int, limit: int) -> list[str]:
        if not query:
            return []
        params = [x for term, weight in query for x in (weight, term)]
        return [r[0] for r in self.conn.execute(self._lookup_sql(table, len(query), postings, limit), params)]

    def ranked_stories(self, query: Sequence[tuple[str, float]], postings: int, limit: int) -> list[str]:
        """The ``limit`` story ids with the largest sum of query weight x posting weight over the (term, weight)
        pairs of ``query``, each term reading its ``postings`` strongest postings; ties by id."""
        return self._ranked("story_terms", query, postings, limit)

    def ranked_storylines(self, query: Sequence[tuple[str, float]], postings: int, limit: int) -> list[str]:
        """`ranked_stories` over the storylines' postings."""
        return self._ranked("storyline_terms", query, postings, limit)

    # -- stories ---------------------------------------------------------------
    def story_state(self, story_id: str) -> tuple[str | None, str]:
        """(storyline id, state JSON) of a stored story."""
        row = self.conn.execute("SELECT storyline_id, data FROM story_state WHERE story_id=?", (story_id,)).fetchone()
        return row[0], row[1]

    def save_story(self, story_id: str, storyline_id: str | None, data: str,
                   terms: Sequence[tuple[str, float]]) -> None:
        """Write a story's state (marked dirty: its later stages are to do) and replace its postings."""
        c = self.conn
        c.execute("INSERT INTO story_state(story_id, storyline_id, data, dirty) VALUES (?,?,?,1) "
                  "ON CONFLICT(story_id) DO UPDATE SET data=excluded.data, dirty=1",
                  (story_id, storyline_id, data))
        c.execute("DELETE FROM story_terms WHERE story_id=?", (story_id,))
        c.executemany("INSERT INTO story_terms VALUES (?,?,?)", [(t, story_id, w) for t, w in terms])

    def record_assignment(self, article_id: str, story_id: str, duplicate_of: str | None, score: float) -> None:
        """An article's story; the article leaves the clustering queue."""
        c = self.conn
        c.execute("INSERT OR REPLACE INTO assignments(article_id, story_id, duplicate_of, score) VALUES (?,?,?,?)",
                  (article_id, story_id, duplicate_of, score))
        c.execute("DELETE FROM pending WHERE stage = 'cluster' AND id = ?", (article_id,))

    def set_storyline(self, story_id: str, storyline_id: str) -> None:
        self.conn.execute("UPDATE story_state SET storyline_id=? WHERE story_id=?", (storyline_id, story_id))

    # -- storylines ------------------------------------------------------------
    def storyline_state(self, storyline_id: str) -> str:
        """The state JSON of a stored storyline."""
        return self.conn.execute("SELECT data FROM storyline_state WHERE storyline_id=?",
                                 (storyline_id,)).fetchone()[0]

    def save_storyline(self, storyline_id: str, data: str, terms: Sequence[tuple[str, float]]) -> None:
        """Write a storyline's state (marked dirty: its report is to rebuild) and replace its postings."""
        c = self.conn
        c.execute("INSERT OR REPLACE INTO storyline_state VALUES (?,?,1)", (storyline_id, data))
        c.execute("DELETE FROM storyline_terms WHERE storyline_id=?", (storyline_id,))
        c.executemany("INSERT INTO storyline_terms VALUES (?,?,?)", [(t, storyline_id, w) for t, w in terms])
