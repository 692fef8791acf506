"""The one query layer over a marsad store: what the web pages, the JSON API and the command line read.

`Query` wraps an open SQLite connection and returns plain, JSON-ready dicts (the
web app renders the same dict as a page or as its JSON twin).  SQL lives in
`marsad.store.queries`; side tables are kept up to date by `marsad.query.index`.

Lists are paginated by keyset: a cursor is the (opaque, base64) sort key of the
last row shown, so following ``next`` reaches the last row of any result set
and a row never appears twice, whatever is added meanwhile (new rows sort
before the cursor when ordered newest first).  Relevance order is stable while
the store is unchanged (BM25 depends on the whole index).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from marsad.analyze.entities import canonical_key
from marsad.arabic.normalize import normalize
from marsad.arabic.tokenize import split_sentences
from marsad.errors import MarsadError, NotFoundError
from marsad.query import search as S
from marsad.query.index import entity_id, outlet_id
from marsad.query.plural import count_label
from marsad.store import queries as Q

UNKNOWN_OUTLET = "مصدر غير معروف"
BREAKING_DAYS = 3  # a story is "breaking" by the outlets that covered it in the store's last three days
MAX_LIMIT = 500
QUOTE_STORIES = 20  # an entity page looks for quotes by and about it in its newest stories


class BadQuery(MarsadError):
    """A parameter or cursor that cannot be used; the message says which."""


@cache
def labels() -> dict[str, str]:
    text = resources.files("marsad.query.data").joinpath("labels.tsv").read_text(encoding="utf-8")
    return dict(ln.split("\t", 1) for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))


def label(code: str | None) -> str:
    return labels().get(code or "", code or "")


@cache
def _categories() -> dict[str, str]:
    from marsad.arabic.lexicons import table

    try:
        return {row[0]: row[1] for row in table("categories.tsv", "marsad.report.data")}
    except (FileNotFoundError, IndexError):
        return {}


def fact_label(about: str) -> str:
    """The Arabic name of a fact group (``killed`` -> القتلى, ``inflation:percent`` -> التضخم (٪)); see report.facts."""
    from marsad.report.facts import fact_label as arabic_label

    return arabic_label(about)


def outlet_name(name: str | None) -> str:
    return name or UNKNOWN_OUTLET


def safe_url(url: str | None) -> str | None:
    """The URL if it may become a link (http or https with a host), else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def encode_cursor(key: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, ensure_ascii=False).encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str | None, shape: tuple[type, ...]) -> tuple | None:
    """The key a cursor holds, checked against the types it must have."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise BadQuery(f"cursor: not a cursor this server gave ({cursor[:40]!r})") from exc
    if not isinstance(key, list) or len(key) != len(shape) or not all(
            isinstance(v, t) and not isinstance(v, bool) for v, t in zip(key, shape, strict=True)):
        raise BadQuery("cursor: not a cursor of this list")
    return tuple(key)


def _limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise BadQuery(f"limit: must be between 1 and {MAX_LIMIT}")
    return limit


def _day(value: str | None, name: str) -> str | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise BadQuery(f"{name}: not a date YYYY-MM-DD ({value[:20]!r})") from exc


class Query:
    """Read-only questions to one store (the connection may be shared by nothing else in the same thread)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    # -- small things ------------------------------------------------------------------
    def version(self) -> dict[str, Any]:
        """What changed last: a token that changes whenever the store does, and when."""
        from marsad.query.index import pending

        seq, at = Q.last_ingest(self.conn)
        change = Q.last_change(self.conn)
        # index_pending: logged changes the side tables (entities, outlets) have not caught up with yet
        return {"version": f"{seq}.{change}", "pages": seq, "changes": change, "last_ingest": at,
                "index_pending": max(0, pending(self.conn))}

    def changes(self, since: str | None) -> dict[str, Any]:
        """Whether the store changed since a version token, and which stories were written since."""
        now = self.version()
        after = 0
        if since:
            try:
                after = int(since.split(".")[1])
            except (IndexError, ValueError) as exc:
                raise BadQuery(f"since: not a version token ({since[:30]!r})") from exc
        changed = since != now["version"]
        ids = Q.changed_stories(self.conn, after) if changed and since else []
        views = self._story_items(ids)
        return {**now, "changed": changed, "stories": views}

    def counts(self) -> dict[str, Any]:
        c = Q.counts(self.conn)
        nouns = {"articles": "article", "stories": "story", "storylines": "storyline", "outlets": "outlet",
                 "entities": "entity"}
        return {**c, "labels": {k: count_label(v, nouns[k]) for k, v in c.items()}}

    # -- stories -------------------------------------------------------------------------
    def _story_items(self, ids: list[str]) -> list[dict]:
        views = Q.story_views(self.conn, ids)
        stats = Q.story_stats(self.conn, ids)
        out = []
        for sid in ids:
            if sid not in views:
                continue
            v = json.loads(views[sid])
            n, o = stats.get(sid, (len(v.get("article_ids") or ()), 0))
            lead = (v.get("summary") or [{}])[0].get("text")
            out.append({"id": sid, "title": v.get("title") or "", "date": v.get("date"),
                        "storyline_id": v.get("storyline_id"), "articles": n, "outlets": o, "lead": lead,
                        "articles_label": count_label(n, "article"), "outlets_label": count_label(o, "outlet")})
        return out

    def stories(self, cursor: str | None = None, limit: int = 50, storyline: str | None = None) -> dict[str, Any]:
        """Stories newest first (by story date, then id)."""
        after = decode_cursor(cursor, (str, str))
        rows = Q.story_page(self.conn, after, _limit(limit) + 1, storyline)
        more = len(rows) > limit
        rows = rows[:limit]
        items = self._story_items([r[0] for r in rows])
        return {"items": items, "next": encode_cursor([rows[-1][1], rows[-1][0]]) if more else None}

    def has_story(self, story_id: str) -> bool:
        return Q.story_exists(self.conn, story_id)

    def story(self, story_id: str) -> dict[str, Any]:
        row = Q.story_data(self.conn, story_id)
        if row is None:
            raise NotFoundError(f"no story {story_id}")
        s = json.loads(row[0])
        members = Q.story_members(self.conn, story_id)
        dups = Q.duplicates(self.conn, story_id)
        arts: dict[str, dict] = {}
        texts: dict[str, dict] = {}
        for aid, _seq, data, outlet in members:
            a = json.loads(data)
            texts[aid] = a
            arts[aid] = {"id": aid, "title": a.get("title"), "outlet": outlet_name(outlet), "outlet_known": bool(outlet),
                         "outlet_id": outlet_id(outlet) if outlet else None, "published": a.get("published"),
                         "published_how": a.get("published_how"), "published_how_label": label(a.get("published_how")),
                         "url": a.get("url"), "link": safe_url(a.get("url")), "duplicate_of": dups.get(aid)}
        starts = {aid: [x.start for x in split_sentences("\n\n".join(a.get("paragraphs") or ()))]
                  for aid, a in texts.items()}

        def src(aid: str, offset: int = 0) -> dict:
            snapped = max((x for x in starts.get(aid, [0]) if x <= offset), default=0)
            a = arts.get(aid, {"outlet": UNKNOWN_OUTLET, "title": None})
            return {"article_id": aid, "anchor": f"s-{snapped}", "outlet": a["outlet"], "title": a.get("title")}

        def anchor_src(anchor: str) -> dict:
            aid, _, off = anchor.rpartition(":")
            return src(aid, int(off) if off.isdigit() else 0)

        summary = [{**x, "sources": [anchor_src(an) for an in x.get("anchors") or ()]
                    or [src(a) for a in x.get("article_ids") or ()]} for x in s.get("summary") or ()]
        facts = [{**g, "about_label": fact_label(g["about"]), "status_label": label(g["status"]), "claims": [
            {**c, "qualifier_label": label(c.get("qualifier")) if c.get("qualifier") else None,
             "source": src(c["article_id"], c.get("start") or 0)} for c in g.get("claims") or ()]}
            for g in s.get("facts") or ()]
        timeline = [{**t, "sources": [src(a) for a in t.get("article_ids") or ()]} for t in s.get("timeline") or ()]
        entities = []
        for e in s.get("entities") or ():
            key = canonical_key(e["name"]) or normalize(e["name"])
            entities.append({**e, "id": entity_id(key), "type_label": label(e["type"]),
                             "articles_label": count_label(len(e.get("article_ids") or ()), "article")})
        spellings = [({normalize(v) for v in e.get("variants") or ()} | {normalize(e["name"])}, e) for e in entities]

        def entity_of(name: str | None) -> dict | None:
            """The story's entity a speaker or source names (وزير الخارجية سيرغي لافروف -> سيرغي لافروف)."""
            if not name:
                return None
            key = normalize(name)
            hits = [e for forms, e in spellings if e["type"] in ("PERS", "ORG") and any(f and f in key for f in forms)]
            best = max(hits, key=lambda e: len(e["name"]), default=None)
            return {"id": best["id"], "name": best["name"]} if best else None

        for g in facts:
            for c in g["claims"]:
                c["attributed_entity"] = entity_of(c.get("attributed_to"))
        quotes: dict[str, list] = defaultdict(list)
        for q in s.get("quotes") or ():
            quotes[q.get("speaker") or ""].append({**q, "source": src(q["article_id"], q.get("start") or 0)})
        quote_groups = [{"speaker": k or None, "speaker_entity": entity_of(k), "quotes": v}
                        for k, v in sorted(quotes.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
        shared = []
        for p in s.get("shared_paragraphs") or ():
            pa = (texts.get(p["article_a"], {}).get("paragraphs") or [])
            shared.append({**p, "outlet_a": arts.get(p["article_a"], {}).get("outlet", UNKNOWN_OUTLET),
                           "outlet_b": arts.get(p["article_b"], {}).get("outlet", UNKNOWN_OUTLET),
                           "text": pa[p["paragraph_a"]] if p["paragraph_a"] < len(pa) else ""})
        by_outlet: dict[str, list] = defaultdict(list)
        for a in arts.values():
            by_outlet[a["outlet"]].append(a)
        outlets = [{"outlet": k, "outlet_id": v[0]["outlet_id"], "articles": sorted(v, key=lambda a: (a["published"] or "", a["id"])),
                    "articles_label": count_label(len(v), "article")}
                   for k, v in sorted(by_outlet.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
        cells = Counter((a["outlet"], a["published"] or "") for a in arts.values())
        coverage = [{"outlet": o, "day": d, "articles": n} for (o, d), n in sorted(cells.items())]
        line = None
        neighbours: dict[str, dict | None] = {"previous": None, "next": None}
        if s.get("storyline_id"):
            ldata = Q.storyline_data(self.conn, s["storyline_id"])
            ids = [i for i, _ in Q.storyline_story_ids(self.conn, s["storyline_id"])]
            if ldata:
                line = {"id": s["storyline_id"], "title": json.loads(ldata).get("title") or "",
                        "stories": len(ids), "stories_label": count_label(len(ids), "story")}
            if story_id in ids:
                k = ids.index(story_id)
                near = [i for i in (ids[k - 1] if k > 0 else None, ids[k + 1] if k + 1 < len(ids) else None) if i]
                items = {x["id"]: x for x in self._story_items(near)}
                neighbours = {"previous": items.get(ids[k - 1]) if k > 0 else None,
                              "next": items.get(ids[k + 1]) if k + 1 < len(ids) else None}
        keys = [canonical_key(e["name"]) or normalize(e["name"]) for e in (s.get("entities") or ())[:8]]
        related_rows = Q.related_by_entities(self.conn, story_id, keys, 8)
        shared_counts = dict(related_rows)
        related = [{**x, "shared_entities": shared_counts[x["id"]]} for x in self._story_items([r[0] for r in related_rows])]
        n_out = len({a["outlet"] for a in arts.values() if a["outlet_known"]})
        return {**s, "articles": list(arts.values()), "summary": summary, "facts": facts, "timeline": timeline,
                "entities": entities, "quotes_by_speaker": quote_groups, "shared_paragraphs": shared,
                "by_outlet": outlets, "coverage": coverage, "storyline": line, "neighbours": neighbours,
                "related": related, "articles_label": count_label(len(arts), "article"),
                "outlets_label": count_label(n_out, "outlet")}

    # -- storylines ------------------------------------------------------------------------
    def storylines(self, cursor: str | None = None, limit: int = 50) -> dict[str, Any]:
        after = decode_cursor(cursor, (str, str))
        rows = Q.storyline_page(self.conn, after, _limit(limit) + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        items = [{"id": i, "title": t, "last_date": d or None, "stories": n, "stories_label": count_label(n, "story")}
                 for i, t, d, n in rows]
        return {"items": items, "next": encode_cursor([rows[-1][2], rows[-1][0]]) if more else None}

    def storyline(self, line_id: str) -> dict[str, Any]:
        data = Q.storyline_data(self.conn, line_id)
        if data is None:
            raise NotFoundError(f"no storyline {line_id}")
        line = json.loads(data)
        ids = [i for i, _ in Q.storyline_story_ids(self.conn, line_id)]
        stories = self._story_items(ids)
        days = Q.articles_per_day(self.conn, ids)
        facts = [{**g, "about_label": fact_label(g["about"]), "status_label": label(g["status"])}
                 for g in line.get("facts") or ()]
        return {**line, "stories": stories, "facts": facts, "days": [{"day": d, "articles": n} for d, n in days],
                "stories_label": count_label(len(stories), "story")}

    # -- articles ------------------------------------------------------------------------------
    def article(self, article_id: str) -> dict[str, Any]:
        row = Q.article_full(self.conn, article_id)
        if row is None:
            raise NotFoundError(f"no article {article_id}")
        seq, data, outlet, lang, story_id, dup, day = row
        a = json.loads(data)
        story = self._story_items([story_id])[0] if story_id else None
        paragraphs, offset = [], 0
        for para in a.get("paragraphs") or ():
            items, pos = [], 0
            for x in split_sentences(para):
                if x.start > pos:
                    items.append({"text": para[pos:x.start], "anchor": None})
                items.append({"text": x.text, "anchor": f"s-{offset + x.start}"})
                pos = x.end
            if pos < len(para):
                items.append({"text": para[pos:], "anchor": None})
            paragraphs.append(items)
            offset += len(para) + 2
        return {"id": article_id, "title": a.get("title"), "source": a.get("source"), "url": a.get("url"),
                "link": safe_url(a.get("url")), "published": a.get("published"), "published_how": a.get("published_how"),
                "published_how_label": label(a.get("published_how")), "fetched_at": a.get("fetched_at"),
                "day": day or None,
                "outlet": outlet_name(outlet), "outlet_known": bool(outlet), "outlet_id": outlet_id(outlet) if outlet else None,
                "outlets": a.get("outlets") or [], "wires": a.get("wires") or [], "tags": a.get("tags") or [],
                "lang": lang, "lang_label": label(lang), "text": "\n\n".join(a.get("paragraphs") or ()),
                "paragraphs": paragraphs, "duplicate_of": dup,
                "removed": [{**r, "reason_label": labels().get("removed:" + r.get("reason", ""), r.get("reason"))}
                            for r in a.get("removed") or ()],
                "story_id": story_id, "story": story,
                "entities": [{"id": i, "name": n, "type": t, "type_label": label(t)}
                             for i, n, t, _ in Q.article_entities(self.conn, seq)]}

    def _filters(self, outlet: str | None = None, entity: str | None = None, storyline: str | None = None,
                 lang: str | None = None, date_from: str | None = None, date_to: str | None = None,
                 story: str | None = None) -> dict[str, Any]:
        f: dict[str, Any] = {"date_from": _day(date_from, "from"), "date_to": _day(date_to, "to"),
                             "lang": lang or None, "storyline": storyline or None, "story": story or None}
        if outlet:
            f["outlet"] = "" if outlet == UNKNOWN_OUTLET else outlet
        if entity:
            row = Q.entity_by_id(self.conn, entity) or Q.entity_by_key(self.conn, canonical_key(entity))
            f["entity_key"] = row[1] if row else canonical_key(entity) or normalize(entity)
            f["entity"] = {"id": row[0], "name": row[2]} if row else {"id": None, "name": entity}
        return f

    def _article_item(self, row: tuple) -> dict[str, Any]:
        seq, aid, title, published, outlet, lang, story_id, _data, day = row[:9]
        # day: the publication day, else the day the page was fetched (fetched_day says which)
        return {"id": aid, "title": title, "published": published, "day": day or None,
                "fetched_day": bool(day) and not published, "outlet": outlet_name(outlet),
                "outlet_known": bool(outlet), "outlet_id": outlet_id(outlet) if outlet else None, "lang": lang,
                "story_id": story_id}

    def articles(self, cursor: str | None = None, limit: int = 50, **filters: Any) -> dict[str, Any]:
        """Articles newest first (publication day, then arrival), with optional filters."""
        after = decode_cursor(cursor, (str, int))
        f = self._filters(**filters)
        rows = Q.article_page(self.conn, f, after, _limit(limit) + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        return {"items": [self._article_item(r) for r in rows],
                "next": encode_cursor([rows[-1][-1], rows[-1][0]]) if more else None}

    # -- search ----------------------------------------------------------------------------------
    def search(self, q: str, cursor: str | None = None, limit: int = 20, sort: str = "relevance",
               with_counts: bool = True, **filters: Any) -> dict[str, Any]:
        """Articles matching ``q`` in any spelling and clitic form, with filters, snippets and counts per day."""
        if sort not in ("relevance", "date"):
            raise BadQuery("sort: relevance or date")
        exp = S.expand(self.conn, q or "")
        f = self._filters(**filters)
        out: dict[str, Any] = {"query": q, "sort": sort, "names": exp.names, "items": [], "next": None, "total": 0,
                               "counts": [], "filters": {k: v for k, v in f.items() if v and k != "entity_key"}}
        if not exp:
            out["total_label"] = count_label(0, "result")
            return out
        after = decode_cursor(cursor, (float, int) if sort == "relevance" else (str, int))
        rows = Q.search_page(self.conn, exp.match, f, sort, after, _limit(limit) + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        for r in rows:
            item = self._article_item(r)
            a = json.loads(r[7])
            item["title_pieces"] = S.marked(a.get("title") or "", exp)
            item["snippet"] = S.snippet("\n\n".join(a.get("paragraphs") or ()), exp)
            out["items"].append(item)
        if more:
            key = rows[-1][-1]
            out["next"] = encode_cursor([float(key) if sort == "relevance" else key, rows[-1][0]])
        if with_counts:
            days = Q.search_counts(self.conn, exp.match, f)
            out["counts"] = [{"day": d, "articles": n} for d, n in days]
            out["total"] = sum(n for _, n in days)
        out["total_label"] = count_label(out["total"], "result")
        return out

    def export_rows(self, q: str | None = None, sort: str = "date", conn_factory=None,
                    **filters: Any) -> Iterator[dict[str, Any]]:
        """Every article of a search (or of the filters alone), one dict at a time, a chunk per read: memory stays flat."""
        f = self._filters(**filters)
        if q:
            exp = S.expand(self.conn, q)
            if not exp:
                return

            def fetch(conn, after, size):
                return Q.search_page(conn, exp.match, f, sort, after, size)
        else:

            def fetch(conn, after, size):
                return Q.article_page(conn, f, after, size)

        for row in Q.iter_rows(conn_factory or (lambda: self.conn), fetch):
            a = json.loads(row[7])
            yield {"id": row[1], "published": row[3], "day": row[8] or None, "outlet": row[4] or None, "lang": row[5],
                   "story_id": row[6],
                   "title": row[2], "url": a.get("url"), "source": a.get("source"),
                   "text": "\n\n".join(a.get("paragraphs") or ())}

    # -- entities ---------------------------------------------------------------------------------
    def _entity_item(self, row: tuple) -> dict[str, Any]:
        eid, key, name, typ, n_stories, n_articles, last = row
        return {"id": eid, "key": key, "name": name, "type": typ, "type_label": label(typ), "stories": n_stories,
                "articles": n_articles, "last_date": last, "stories_label": count_label(n_stories, "story")}

    def entities(self, cursor: str | None = None, limit: int = 50, type: str | None = None) -> dict[str, Any]:
        """Entities by the number of stories they appear in."""
        after = decode_cursor(cursor, (int, str))
        rows = Q.entity_page(self.conn, after, _limit(limit) + 1, type)
        more = len(rows) > limit
        rows = rows[:limit]
        return {"items": [self._entity_item(r) for r in rows],
                "next": encode_cursor([rows[-1][4], rows[-1][0]]) if more else None}

    def entity(self, entity_id_: str, cursor: str | None = None, limit: int = 30) -> dict[str, Any]:
        row = Q.entity_by_id(self.conn, entity_id_)
        if row is None:
            raise NotFoundError(f"no entity {entity_id_}")
        item = self._entity_item(row)
        key = item["key"]
        variants = Q.entity_variant_counts(self.conn, key)
        after = decode_cursor(cursor, (str, str))
        srows = Q.entity_stories(self.conn, key, after, _limit(limit) + 1)
        more = len(srows) > limit
        srows = srows[:limit]
        stories = self._story_items([r[0] for r in srows])
        spellings = {normalize(v) for v, _ in variants} | {key}
        by, about = [], []
        for sid, title, quotes in Q.story_quotes(self.conn, [r[0] for r in srows][:QUOTE_STORIES]):
            for q in json.loads(quotes or "[]"):
                speaker = normalize(q.get("speaker") or "")
                entry = {**q, "story_id": sid, "story_title": title}
                if speaker and (canonical_key(q["speaker"]) == key or any(sp in speaker for sp in spellings)):
                    by.append(entry)
                    continue
                text = normalize(q.get("text") or "")
                if any(sp in text for sp in spellings):
                    about.append(entry)
        co = [{"id": i, "name": n, "type": t, "type_label": label(t), "stories": c, "stories_label": count_label(c, "story")}
              for i, _k, n, t, c in Q.cooccurring(self.conn, key, 15)]
        return {**item, "variants": [{"text": v, "stories": n} for v, n in variants],
                "days": [{"day": d, "stories": n} for d, n in Q.entity_days(self.conn, key)],
                "story_list": stories, "next": encode_cursor([srows[-1][1], srows[-1][0]]) if more else None,
                "quotes_by": by[:30], "quotes_about": about[:30], "cooccurring": co}

    # -- outlets ----------------------------------------------------------------------------------
    def _outlets(self) -> list[dict[str, Any]]:
        return [{"id": outlet_id(o), "name": outlet_name(o), "known": bool(o), "articles": n, "newest": d or None,
                 "articles_label": count_label(n, "article")} for o, n, d in Q.outlet_list(self.conn)]

    def outlets(self, cursor: str | None = None, limit: int = 50) -> dict[str, Any]:
        """Outlets by their number of articles (articles without a known outlet count as «مصدر غير معروف»)."""
        after = decode_cursor(cursor, (int, str))
        items = self._outlets()
        if after:
            items = [x for x in items if (-x["articles"], x["id"]) > (-after[0], after[1])]
        items.sort(key=lambda x: (-x["articles"], x["id"]))
        page = items[:_limit(limit)]
        more = len(items) > limit
        return {"items": page, "next": encode_cursor([page[-1]["articles"], page[-1]["id"]]) if more else None}

    def outlet_options(self) -> list[str]:
        return Q.outlet_options(self.conn)

    def lang_options(self) -> list[dict[str, str]]:
        return [{"code": c, "label": label(c)} for c in Q.lang_options(self.conn)]

    def outlet(self, outlet_id_: str) -> dict[str, Any]:
        found = next((x for x in Q.outlet_list(self.conn) if outlet_id(x[0]) == outlet_id_), None)
        if found is None:
            raise NotFoundError(f"no outlet {outlet_id_}")
        name, n, newest = found
        last = Q.outlet_last(self.conn, name)
        stories = self._story_items([r[0] for r in Q.outlet_stories(self.conn, name, 30)])
        alone = self._story_items([r[0] for r in Q.outlet_exclusive(self.conn, name, 30)])
        return {"id": outlet_id_, "name": outlet_name(name), "known": bool(name), "filter": name or UNKNOWN_OUTLET,
                "articles": n, "articles_label": count_label(n, "article"), "newest": newest or None,
                "days": [{"day": d, "articles": c} for d, c in Q.outlet_days(self.conn, name)],
                "last_article": {"id": last[0], "title": last[1], "published": last[2], "ingested_at": last[3]} if last else None,
                "stories": stories, "exclusive": alone}

    # -- home ---------------------------------------------------------------------------------------
    def breaking(self, limit: int = 10) -> dict[str, Any]:
        """Stories whose coverage grows fastest: ranked by the outlets that started covering them in the store's
        last three publication days, then by their articles of those days; one outlet alone is never breaking."""
        newest = Q.newest_date(self.conn)
        how = ("«العاجل»: القصص مرتبة بعدد المصادر التي بدأت تغطيتها خلال آخر ثلاثة أيام من أيام النشر في المخزن، "
               "ثم بعدد مقالاتها في هذه الأيام؛ لا تظهر قصة لم ينضم إليها مصدران على الأقل.")
        if not newest:
            return {"since": None, "how": how, "items": []}
        since = (dt.date.fromisoformat(newest) - dt.timedelta(days=BREAKING_DAYS - 1)).isoformat()
        recent = {r[0]: r for r in Q.outlets_since(self.conn, since) if r[1] >= 2}
        joined: dict[str, int] = defaultdict(int)
        total: dict[str, int] = defaultdict(int)
        for sid, _outlet, first in Q.outlets_first_day(self.conn, sorted(recent)):
            total[sid] += 1
            if first >= since:
                joined[sid] += 1
        rows = sorted(sid for sid in recent if joined[sid] >= 2)
        rows.sort(key=lambda sid: recent[sid][3] or "", reverse=True)  # stable sorts: newest first among equals
        rows.sort(key=lambda sid: (-joined[sid], -recent[sid][2]))
        rows = rows[:limit]
        items = {x["id"]: x for x in self._story_items(rows)}
        out = []
        for sid in rows:
            if sid in items:
                out.append({**items[sid], "new_outlets": joined[sid], "outlets_before": total[sid] - joined[sid],
                            "articles_recent": recent[sid][2],
                            "growth_label": f"انضم {count_label(joined[sid], 'outlet')} خلال آخر ثلاثة أيام"})
        return {"since": since, "how": how, "items": out}

    def home(self, limit: int = 15) -> dict[str, Any]:
        return {"counts": self.counts(), **self.version(), "newest_date": Q.newest_date(self.conn),
                "breaking": self.breaking(), "newest": self.stories(limit=limit),
                "storylines": self.storylines(limit=8)}
