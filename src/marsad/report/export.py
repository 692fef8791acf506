"""digest.json: the public JSON contract, assembled from the store.

Field names of `articles[]`, `stories[]` and `storylines[]` are fixed (see the
README); extra fields may be added, never renamed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from marsad import __version__
from marsad.model import Article, Claim, FactGroup, Story, Storyline, to_dict
from marsad.report.story import outlet_label
from marsad.store.db import Store
from marsad.store.reports import iter_records


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


def digest_chunks(store: Store) -> Iterator[str]:
    """The text of ``json.dumps(digest(store), ensure_ascii=False, indent=1)``, piece by piece: one article,
    story or storyline is in memory at a time (a whole digest is several hundred MB on a big store)."""
    assignments = store.assignments()
    yield "{\n" + f' "marsad_version": {json.dumps(__version__, ensure_ascii=False)},\n "articles": '
    yield from _array(article_json(a, *assignments.get(a.id, (None, None))) for a in iter_records(store, "articles"))
    yield ',\n "stories": '
    yield from _array(story_json(s) for s in iter_records(store, "stories"))
    yield ',\n "storylines": '
    yield from _array(storyline_json(line) for line in iter_records(store, "storylines"))
    yield ',\n "input_errors": '
    yield from _array(_errors(store))
    yield "\n}"


def _array(items: Iterable[Any]) -> Iterator[str]:
    """A list one level inside the document, as ``json.dumps(..., indent=1)`` writes it."""
    first = True
    for item in items:
        # JSON strings hold no raw line break, so every line break is indentation
        yield ("[\n  " if first else ",\n  ") + json.dumps(item, ensure_ascii=False, indent=1).replace("\n", "\n  ")
        first = False
    yield "[]" if first else "\n ]"


def write_digest(store: Store, out_dir: str | Path) -> Path:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "digest.json"
    write_atomic(path, digest_chunks(store))
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
