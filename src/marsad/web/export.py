"""Streamed bulk export (CSV, NDJSON) of a search, a story or a filter: uncapped, in constant memory.

Rows are read by keyset in chunks (`marsad.store.queries.iter_rows`), each chunk in
its own short read on the connection of whichever thread the server runs the next
step on, and written out before the next chunk is read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from marsad.query import Query

COLUMNS = ["id", "published", "day", "outlet", "lang", "story_id", "title", "url", "source", "text"]
FLUSH = 200  # rows per chunk written to the socket


def rows(reader: Callable[[], Any], q: str | None, sort: str, filters: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Export rows; ``reader()`` gives the calling thread's read connection."""
    yield from Query(reader()).export_rows(q, sort, conn_factory=reader, **filters)


def csv_lines(items: Iterable[dict[str, Any]]) -> Iterator[str]:
    buf = io.StringIO()
    out = csv.writer(buf)
    buf.write("\ufeff")  # a BOM, so spreadsheet programs read the Arabic as UTF-8
    out.writerow(COLUMNS)
    for n, item in enumerate(items, 1):
        out.writerow(["" if item.get(c) is None else item[c] for c in COLUMNS])
        if n % FLUSH == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def ndjson_lines(items: Iterable[dict[str, Any]], dumps: Callable[[Any], str]) -> Iterator[str]:
    chunk: list[str] = []
    for item in items:
        chunk.append(dumps(item) + "\n")
        if len(chunk) >= FLUSH:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)
