"""The LSH band table (``lsh_bands``) behind `marsad.dedup.minhash.BandIndex`.

`BandTable` satisfies `marsad.dedup.minhash.BandStore`: the index computes the
band keys, this stores and finds them.  Writes run inside the caller's
transaction (`Store.batch`).  A lookup reads every band of a signature in one
statement (one round trip instead of one per band), each bucket capped; its
text depends only on the number of keys and the cap, so it is built once per
shape and kept.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence


class BandTable:
    """``lsh_bands(key, item)`` of one store, through its connection."""

    __slots__ = ("conn", "_lookups")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._lookups: dict[tuple[int, int], str] = {}

    def add(self, keys: Sequence[int], item: str) -> None:
        """File ``item`` under each band key (a key it is filed under already is left as it is)."""
        self.conn.executemany("INSERT OR IGNORE INTO lsh_bands(key, item) VALUES (?,?)", [(k, item) for k in keys])

    def items(self, keys: Sequence[int], bucket: int) -> list[str]:
        """The items filed under each key, at most ``bucket`` per key (the smallest), one row per (key, item)."""
        if not keys:
            return []
        shape = (len(keys), bucket)
        sql = self._lookups.get(shape)
        if sql is None:
            one = f"SELECT * FROM (SELECT item FROM lsh_bands WHERE key=? LIMIT {int(bucket)})"
            sql = self._lookups[shape] = " UNION ALL ".join([one] * len(keys))
        return [r[0] for r in self.conn.execute(sql, keys)]
