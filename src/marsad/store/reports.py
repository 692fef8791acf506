"""Reading and writing story and storyline reports, so that worker processes can build them.

A report is built from what the store holds of a story (members, articles, analyses,
shared paragraphs, assignments), which nothing changes while reports are written.  A
worker reads those through its own connection (`reader`: SQLite's WAL lets readers run
beside the one writer) and returns the rows `story_rows` / `storyline_row` give; the
main process only writes them (`put_story_rows`, `put_storyline_row`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from marsad.model import Article, Story, Storyline, from_dict, to_dict
from marsad.store.db import Store

_READERS: dict[str, Store] = {}  # one connection per store file in each worker process


def reader(path: str) -> Store:
    """A connection to the store at ``path`` for reading, opened once per process."""
    store = _READERS.get(path)
    if store is None:
        store = _READERS[path] = Store(path)
    return store


StoryRows = tuple[str, str | None, str | None, str, str]  # id, storyline id, date, data, view


def story_rows(story: Story) -> StoryRows:
    """The row `Store.put_story` writes: the full report and its compact view (for the storyline's report)."""
    view = Story(story.id, story.storyline_id, story.title, story.article_ids, story.date, story.summary[:1],
                 entities=story.entities[:12], facts=story.facts)
    return (story.id, story.storyline_id, story.date, json.dumps(to_dict(story), ensure_ascii=False),
            json.dumps(to_dict(view), ensure_ascii=False))


def with_storyline(rows: StoryRows, line_id: str | None) -> StoryRows:
    """`story_rows` of the same story in storyline ``line_id`` (a report built before its story was linked).

    The storyline is the second field of a story's JSON, so the texts are patched there; a text that does
    not start as `story_rows` writes it is decoded and encoded again.
    """
    sid, old, date, data, view = rows
    if old == line_id:
        return rows
    before = '{"id": ' + json.dumps(sid, ensure_ascii=False) + ', "storyline_id": ' + json.dumps(old) + ","
    after = '{"id": ' + json.dumps(sid, ensure_ascii=False) + ', "storyline_id": ' + json.dumps(line_id) + ","

    def patched(text: str) -> str:
        if text.startswith(before):
            return after + text[len(before):]
        d = json.loads(text)
        d["storyline_id"] = line_id
        return json.dumps(d, ensure_ascii=False)

    return sid, line_id, date, patched(data), patched(view)


def put_story_rows(store: Store, rows: StoryRows) -> None:
    """Write a story's report from `story_rows` (inside a batch)."""
    store.conn.execute("INSERT OR REPLACE INTO stories(id, storyline_id, date, data, view) VALUES (?,?,?,?,?)", rows)


def storyline_row(line: Storyline) -> tuple[str, str]:
    return line.id, json.dumps(to_dict(line), ensure_ascii=False)


def put_storyline_row(store: Store, row: tuple[str, str]) -> None:
    """Write a storyline's report from `storyline_row`; it is no longer dirty (inside a batch)."""
    store.conn.execute("INSERT OR REPLACE INTO storylines VALUES (?,?)", row)
    store.conn.execute("UPDATE storyline_state SET dirty=0 WHERE storyline_id=?", (row[0],))


def publication(store: Store, ids: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """article id -> (published, published_how) for ``ids``, without reading the articles' text."""
    out: dict[str, tuple[str | None, str | None]] = {}
    for k in range(0, len(ids), 500):
        chunk = ids[k: k + 500]
        q = ",".join("?" * len(chunk))
        out.update((i, (p, how)) for i, p, how in store.conn.execute(
            f"SELECT id, published, published_how FROM articles WHERE id IN ({q})", chunk))
    return out


_ITERATED = {  # what `iter_records` reads, in the order `Store.articles`, `Store.stories`, `Store.storylines` give
    "articles": (Article, "SELECT data FROM articles ORDER BY seq"),
    "stories": (Story, "SELECT data FROM stories ORDER BY date DESC, id"),
    "storylines": (Storyline, "SELECT data FROM storylines ORDER BY id"),
}


def iter_records(store: Store, table: str) -> Iterator:
    """Every article, story or storyline, one at a time, in the order of the `Store` method of that name."""
    cls, sql = _ITERATED[table]
    for (data,) in store.conn.execute(sql):
        yield from_dict(cls, json.loads(data))


def record_ids(store: Store, table: str) -> list[str]:
    """The ids of `iter_records`' records, in its order."""
    return [r[0] for r in store.conn.execute(_ITERATED[table][1].replace("SELECT data", "SELECT id", 1))]


def records_of(store: Store, table: str, ids: list[str]) -> list:
    """The records (of `iter_records`' table) with these ids, in the order given."""
    cls = _ITERATED[table][0]
    data: dict[str, str] = {}
    for k in range(0, len(ids), 500):
        chunk = ids[k: k + 500]
        data.update(store.conn.execute(
            f"SELECT id, data FROM {table} WHERE id IN ({','.join('?' * len(chunk))})", chunk))
    return [from_dict(cls, json.loads(data[i])) for i in ids]
