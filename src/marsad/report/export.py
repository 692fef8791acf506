"""digest.json: the public JSON contract, assembled from the store.

Field names of `articles[]`, `stories[]` and `storylines[]` are fixed (see the
README); extra fields may be added, never renamed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

from marsad import __version__
from marsad.model import Article, Claim, FactGroup, Story, Storyline, to_dict
from marsad.report.story import outlet_label
from marsad.store.db import Store
from marsad.store.reports import iter_records, reader, record_ids, records_of


def _claim(c: Claim) -> dict[str, Any]:
    return {
        "value": c.value, "text": c.text, "qualifier": c.qualifier, "attributed_to": c.attributed_to,
        "article_id": c.article_id, "counted": c.counted, "category": c.category, "negated": c.negated,
        "low": c.low, "high": c.high, "number_text": c.number_text, "start": c.start, "end": c.end,
    }


def _facts(groups: tuple[FactGroup, ...]) -> list[dict[str, Any]]:
    return [{"about": g.about, "status": g.status, "claims": [_claim(c) for c in g.claims]} for g in groups]


def article_json(a: Article, story_id: str | None, duplicate_of: str | None) -> dict[str, Any]:
    return {
        "id": a.id, "source": a.source, "url": a.url, "title": a.title, "published": a.published,
        "published_how": a.published_how, "outlets": list(a.outlets), "wires": list(a.wires),
        "outlet_label": outlet_label(a), "tags": list(a.tags), "text": a.text,
        "removed": [{"reason": r.reason, "text": r.text} for r in a.removed],
        "duplicate_of": duplicate_of, "story_id": story_id,
    }


def story_json(s: Story) -> dict[str, Any]:
    return {
        "id": s.id, "storyline_id": s.storyline_id, "title": s.title, "date": s.date,
        "article_ids": list(s.article_ids),
        "summary": [{"text": x.text, "article_ids": list(x.article_ids), "outlets": list(x.outlets),
                     "anchors": list(x.anchors)} for x in s.summary],
        "timeline": [{"date": t.date, "text": t.text, "article_ids": list(t.article_ids),
                      "granularity": t.granularity, "anchor": t.anchor, "background": t.background}
                     for t in s.timeline],
        "entities": [{"name": e.name, "type": e.type, "variants": list(e.variants),
                      "article_ids": list(e.article_ids), "mentions": e.mentions} for e in s.entities],
        "quotes": [{"speaker": q.speaker, "text": q.text, "article_id": q.article_id, "kind": q.kind,
                    "start": q.start, "end": q.end} for q in s.quotes],
        "facts": _facts(s.facts),
        "shared_paragraphs": [{"article_a": p.article_a, "paragraph_a": p.paragraph_a, "article_b": p.article_b,
                               "paragraph_b": p.paragraph_b, "similarity": p.similarity} for p in s.shared_paragraphs],
    }


def storyline_json(line: Storyline) -> dict[str, Any]:
    return {
        "id": line.id, "title": line.title, "story_ids": list(line.story_ids),
        "summary": [{"text": x.text, "article_ids": list(x.article_ids)} for x in line.summary],
        "facts": _facts(line.facts),
    }


def digest(store: Store) -> dict[str, Any]:
    """The whole digest as one dict (`write_digest` writes the same document without holding it)."""
    assignments = store.assignments()
    articles = [article_json(a, *assignments.get(a.id, (None, None))) for a in store.articles()]
    stories = [story_json(s) for s in store.stories()]
    lines = [storyline_json(line) for line in store.storylines()]
    return {
        "marsad_version": __version__,
        "articles": articles,
        "stories": stories,
        "storylines": lines,
        "input_errors": _errors(store),
    }


def _errors(store: Store) -> list[dict[str, str]]:
    return [{"source": s, "message": m} for s, m in store.input_errors()]


def digest_chunks(store: Store, workers: int = 1) -> Iterator[str]:
    """The text of ``json.dumps(digest(store), ensure_ascii=False, indent=1)``, piece by piece: one article,
    story or storyline is in memory at a time (a whole digest is several hundred MB on a big store).

    With ``workers`` > 1 (and a store on disk), the records are read and encoded in that many processes,
    a few hundred at a time, and written in order: encoding with indentation is Python code, and on a big
    store it is most of the time the digest takes.
    """
    pooled = workers > 1 and store.path != ":memory:" and store.count("articles") >= POOLED_MIN
    pool = ProcessPoolExecutor(max_workers=workers) if pooled else None
    try:
        def records(table: str) -> Iterator[str]:
            if pool is None:
                assignments = store.assignments() if table == "articles" else {}
                return (_encoded(table, r, assignments) for r in iter_records(store, table))
            ids = record_ids(store, table)
            parts = [ids[k: k + POOLED_CHUNK] for k in range(0, len(ids), POOLED_CHUNK)]
            chunks = _in_order(pool, workers, partial(_encoded_chunk, store.path, table), parts)
            return (text for texts in chunks for text in texts)

        yield "{\n" + f' "marsad_version": {json.dumps(__version__, ensure_ascii=False)},\n "articles": '
        yield from _array_of_texts(records("articles"))
        yield ',\n "stories": '
        yield from _array_of_texts(records("stories"))
        yield ',\n "storylines": '
        yield from _array_of_texts(records("storylines"))
        yield ',\n "input_errors": '
        yield from _array(_errors(store))
        yield "\n}"
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


POOLED_MIN = 2000  # articles below which a pool costs more than it saves
POOLED_CHUNK = 200  # records a worker reads and encodes at a time


def _as_json(table: str, record: Any, assignments: dict[str, tuple[str, str | None]]) -> dict[str, Any]:
    if table == "articles":
        return article_json(record, *assignments.get(record.id, (None, None)))
    return story_json(record) if table == "stories" else storyline_json(record)


def _encoded(table: str, record: Any, assignments: dict[str, tuple[str, str | None]]) -> str:
    """One record as ``json.dumps(..., indent=1)`` writes it one level inside the document."""
    # JSON strings hold no raw line break, so every line break is indentation
    return json.dumps(_as_json(table, record, assignments), ensure_ascii=False, indent=1).replace("\n", "\n  ")


def _encoded_chunk(path: str, table: str, ids: list[str]) -> list[str]:
    """`_encoded` of these records, read through this process's own connection (in a worker)."""
    store = reader(path)
    assignments = store.assignments_of(ids) if table == "articles" else {}
    return [_encoded(table, r, assignments) for r in records_of(store, table, ids)]


def _in_order(pool: ProcessPoolExecutor, workers: int, fn: Any, items: list) -> Iterator:
    """``fn`` over items in the pool, in order, with ``4 * workers`` tasks in flight (results are big)."""
    ahead = 4 * workers
    futures = [pool.submit(fn, x) for x in items[:ahead]]
    for k in range(len(items)):
        if k + ahead < len(items):
            futures.append(pool.submit(fn, items[k + ahead]))
        yield futures[k].result()
        futures[k] = None  # type: ignore[call-overload]  # a written chunk is not kept


def _array_of_texts(texts: Iterable[str]) -> Iterator[str]:
    first = True
    for text in texts:
        yield ("[\n  " if first else ",\n  ") + text
        first = False
    yield "[]" if first else "\n ]"


def _array(items: Iterable[Any]) -> Iterator[str]:
    """A list one level inside the document, as ``json.dumps(..., indent=1)`` writes it."""
    return _array_of_texts(json.dumps(item, ensure_ascii=False, indent=1).replace("\n", "\n  ") for item in items)


def write_digest(store: Store, out_dir: str | Path, workers: int = 1) -> Path:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "digest.json"
    write_atomic(path, digest_chunks(store, workers))
    return path


def write_atomic(path: Path, text: str | Iterable[str]) -> None:
    """Write ``text`` (a string, or its pieces) to ``path`` through a temporary file renamed over it: a reader
    never sees half a file, and when writing fails (disk full, read-only) the temporary file is removed and the
    old file kept."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            if isinstance(text, str):
                fh.write(text)
            else:
                fh.writelines(text)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


__all__ = ["digest", "digest_chunks", "write_atomic", "write_digest", "to_dict"]
