"""Keeps the query layer's side tables (`marsad.store.queries`) in step with the store.

Triggers log every article, story and storyline that any process writes; `sync`
reads that log past its watermark and, in short write transactions, records each
article's outlet and language and each story's canonical entities (keyed across
stories by `canonical_key`).  A server calls it from a background thread, so a
request never waits for a writer; the command line calls it before a search.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from functools import cache
from importlib import resources

import regex

from marsad.analyze.entities import canonical_key
from marsad.arabic.normalize import normalize
from marsad.store import queries as Q
from marsad.store.connections import write_transaction

CHUNK = 500  # changes per write transaction: keeps each lock short while a digest runs
ENTITIES_PER_STORY = 30
_HTML_LANG = regex.compile(r"<html[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", regex.IGNORECASE)
_ARABIC_LETTER = regex.compile(r"\p{Arabic}")
_LATIN_LETTER = regex.compile(r"[A-Za-z]")
_LATIN_WORD = regex.compile(r"[a-z]+")


def entity_id(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def outlet_id(name: str) -> str:
    return hashlib.sha1(("outlet:" + name).encode("utf-8")).hexdigest()[:12]


@cache
def _lang_cues() -> dict[str, frozenset[str]]:
    text = resources.files("marsad.query.data").joinpath("lang_cues.tsv").read_text(encoding="utf-8")
    return {ln.split("\t")[0]: frozenset(ln.split("\t")[1].split()) for ln in text.splitlines()
            if ln.strip() and not ln.startswith("#")}


def language(text: str, kind: str = "text", head: str | None = None) -> str:
    """ISO code of a page's language: its declared ``<html lang>``, else ``ar`` when Arabic letters dominate,
    else the language whose frequent words are most common, else ``und``."""
    if kind == "html" and head and (m := _HTML_LANG.search(head)):
        return m.group(1).lower()[:2]
    sample = text[:3000]
    arabic = len(_ARABIC_LETTER.findall(sample))
    latin = len(_LATIN_LETTER.findall(sample))
    if arabic == 0 and latin == 0:
        return "und"
    if arabic >= latin:
        return "ar"
    words = _LATIN_WORD.findall(sample.lower())
    scores = {lang: sum(w in cues for w in words) for lang, cues in _lang_cues().items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] >= 2 else "und"


def outlet_of(article: dict) -> str:
    """The outlet an article names for itself ('' when none is known)."""
    outlets = article.get("outlets") or []
    return outlets[0] if outlets else ""


def day_of(article: dict) -> str:
    """The day an article is listed under: its publication day, else the day it was fetched ('' if neither)."""
    if article.get("published"):
        return article["published"][:10]
    fetched = article.get("fetched_at") or ""
    return fetched[:10] if regex.match(r"\d{4}-\d\d-\d\d", fetched) else ""


def sync(conn: sqlite3.Connection, max_rounds: int | None = None) -> int:
    """Bring the side tables up to date with the change log; returns how many changes were applied."""
    Q.prepare(conn)
    done = int(Q.state(conn, "synced", "0"))
    applied = 0
    rounds = 0
    while max_rounds is None or rounds < max_rounds:
        rounds += 1
        rows = Q.changes(conn, done, CHUNK)
        if not rows:
            break
        with write_transaction(conn):
            _apply(conn, rows)
            done = rows[-1][0]
            Q.set_state(conn, "synced", str(done))
        applied += len(rows)
    # store-wide entity rows, once per sync for every entity the stories above touched (a frequent name is
    # touched by every chunk of a first sync of a big store: recomputing it per chunk would cost far more)
    while keys := Q.dirty_entities(conn, CHUNK):
        with write_transaction(conn):
            Q.refresh_entities(conn, [(entity_id(k), k) for k in keys])
            Q.clear_dirty_entities(conn, keys)
    return applied


def pending(conn: sqlite3.Connection) -> int:
    """How many logged changes (and entity rows) `sync` has not applied yet; -1 before the first `prepare`."""
    if not Q.is_prepared(conn):
        return -1
    return Q.last_change(conn) - int(Q.state(conn, "synced", "0")) + Q.count_dirty_entities(conn)


def _apply(conn: sqlite3.Connection, rows: list[tuple[int, str, str]]) -> None:
    articles = [i for _, k, i in rows if k == "article"]
    stories = [i for _, k, i in rows if k == "story"]
    lines = {i for _, k, i in rows if k == "storyline"}
    meta = []
    for seq, aid, data, kind, head in Q.article_rows(conn, articles):
        art = json.loads(data)
        text = (art.get("title") or "") + "\n" + "\n".join(art.get("paragraphs") or ())
        meta.append((seq, aid, outlet_of(art), language(text, kind, head), day_of(art)))
    Q.put_article_meta(conn, meta)
    touched: set[str] = set()
    for sid in stories:
        touched |= set(Q.story_entity_keys(conn, sid))
        row = Q.story_data(conn, sid)
        if row is None:
            Q.replace_story_entities(conn, sid, [], [])
            continue
        data, line_id, date = row
        if line_id:
            lines.add(line_id)
        story = json.loads(data)
        by_key: dict[str, tuple] = {}
        arts: set[tuple[str, str]] = set()
        for e in (story.get("entities") or [])[:ENTITIES_PER_STORY]:
            key = canonical_key(e["name"]) or normalize(e["name"])
            if not key or key in by_key:
                continue
            by_key[key] = (key, e["name"], e["type"], len(e.get("article_ids") or ()), date,
                           json.dumps(e.get("variants") or [e["name"]], ensure_ascii=False))
            arts |= {(key, a) for a in e.get("article_ids") or ()}
        seqs = Q.seqs_of(conn, sorted({a for _, a in arts}))
        Q.replace_story_entities(conn, sid, list(by_key.values()),
                                 sorted((k, seqs[a]) for k, a in arts if a in seqs))
        touched |= set(by_key)
    Q.mark_entities(conn, sorted(touched))
    for lid in sorted(lines):
        Q.refresh_storyline(conn, lid)
