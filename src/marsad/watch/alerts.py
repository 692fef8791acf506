"""Watchlists and the events that raise alerts; the Atom feed of alerts.

A watchlist follows a story when any of its filters matches (none at all follows
every story):

* **entities** — a story entity whose name or any spelling seen (``Entity.variants``) has the
  followed name's matching key (`marsad.analyze.entities.canonical_key`: normalized, clitics
  off, aliases applied, so قرة باغ / قره باغ / كاراباخ are one), or is a one-edit variant of it;
* **keywords** — the store's full-text index, queried as the web app's search queries it
  (`fts_expression`), over the story's articles;
* **outlets** — an article of the story from that outlet (the ``outlet`` of the source that
  fetched it, else the outlet extraction found), compared normalized;
* **storylines** — the story's storyline id, or a story id (that story's storyline is followed).

Events of a followed story, each keyed so that it alerts once:

* ``match``     — the story first matches the watchlist;                key: watchlist, story
* ``breaking``  — ``breaking_outlets`` outlets within ``breaking_hours``; key: watchlist, story
* ``conflict``  — a fact group of the story turns ``conflict``;         key: watchlist, story, group
* ``quoted``    — a followed entity is the speaker of a quote;           key: watchlist, article, quote
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET

import regex

from marsad.analyze.entities import canonical_key, fuzzy_variant
from marsad.arabic.normalize import normalize
from marsad.errors import NotFoundError
from marsad.model import Story
from marsad.report.story import outlet_label
from marsad.store.db import Store
from marsad.store.watch import Alert, WatchStore
from marsad.watch.clock import parse_iso
from marsad.watch.config import AlertSettings, Watchlist

_WORDS = regex.compile(r"[\p{L}\p{N}]+")


def fts_expression(query: str) -> str | None:
    """The FTS5 expression of a keyword, built as the web app's search builds it.

    That is `marsad.query.search.expand` (every word with and without the article and attached
    conjunctions, names in every spelling of the alias table) when the query layer is installed;
    otherwise the expression of `Store.search` (normalized words, each quoted, all required).
    """
    try:
        from marsad.query.search import expand
    except ImportError:
        expand = None
    if expand is not None:
        try:
            expr = expand(None, query).match
        except Exception:  # noqa: BLE001 - the query layer is optional here: fall back to the store's search
            expr = ""
        if expr:
            return expr
    words = [w for w in _WORDS.findall(normalize(query)) if w]
    return " ".join(f'"{w}"' for w in words) if words else None


@dataclass(frozen=True, slots=True)
class StoryArticle:
    """What the alert rules need to know about one article of a story."""

    id: str
    outlet: str
    seen: datetime | None  # when the watcher stored it (else its fetch or publication time)


class AlertEngine:
    """Evaluates watchlists against the stories new pages touched, and stores the alerts they raise."""

    def __init__(self, watchlists: Iterable[Watchlist], settings: AlertSettings, store: Store, wstore: WatchStore,
                 clock: Any, log: Any = None) -> None:
        self.watchlists = tuple(watchlists)
        self.settings = settings
        self.store = store
        self.wstore = wstore
        self.clock = clock
        self.log = log
        self._entity_keys = {wl.name: [(e, canonical_key(e)) for e in wl.entities] for wl in self.watchlists}
        self._keyword_expr = {wl.name: [(k, fts_expression(k)) for k in wl.keywords] for wl in self.watchlists}

    def check(self, page_ids: list[str]) -> list[Alert]:
        """Alerts raised by the stories these newly stored pages joined (each event once, ever)."""
        by_story: dict[str, list[str]] = {}
        for pid in page_ids:
            sid = self.store.story_of(pid)
            if sid:
                by_story.setdefault(sid, []).append(pid)
        raised: list[Alert] = []
        for sid in sorted(by_story):
            try:
                story = self.store.story(sid)
            except NotFoundError:
                continue
            arts = self._articles(story)
            for wl in self.watchlists:
                why = self.follows(wl, story, arts)
                if why is None:
                    continue
                raised.extend(self._events(wl, story, arts, by_story[sid], why))
        return raised

    # -- following -------------------------------------------------------------------
    def _articles(self, story: Story) -> list[StoryArticle]:
        ids = list(story.article_ids)
        info = self.wstore.page_info(ids)
        out = []
        for art in self.store.articles(ids):
            if art.id in info:
                _, outlet, fetched, _ = info[art.id]
                out.append(StoryArticle(art.id, outlet, parse_iso(fetched)))
            else:  # a page ingested by `digest`, not by the watcher
                when = _parse_any(art.fetched_at) or _parse_any(art.published)
                out.append(StoryArticle(art.id, outlet_label(art), when))
        return out

    def follows(self, wl: Watchlist, story: Story, arts: list[StoryArticle]) -> str | None:
        """Why the watchlist follows the story (``"entity: …"``, ``"keyword: …"``, …), or None."""
        if wl.follows_everything:
            return "everything"
        for name, key in self._entity_keys[wl.name]:
            if self._entity_in_story(key, story):
                return f"entity: {name}"
        if wl.keywords:
            ids = [a.id for a in arts]
            for kw, expr in self._keyword_expr[wl.name]:
                if expr and self.wstore.matching_articles(expr, ids):
                    return f"keyword: {kw}"
        if wl.outlets:
            wanted = {normalize(o) for o in wl.outlets}
            for a in arts:
                if normalize(a.outlet) in wanted:
                    return f"outlet: {a.outlet}"
        for ref in wl.storylines:
            if ref in (story.storyline_id, story.id) or self._storyline_of(ref) == story.storyline_id:
                return f"storyline: {ref}"
        return None

    def _storyline_of(self, story_id: str) -> str | None:
        try:
            return self.store.story(story_id).storyline_id
        except NotFoundError:
            return None

    @staticmethod
    def _entity_in_story(key: str, story: Story) -> bool:
        if not key:
            return False
        for e in story.entities:
            for spelling in (e.name, *e.variants):
                k = canonical_key(spelling)
                if k == key or fuzzy_variant(k, key):
                    return True
        return False

    def _speaker_is(self, key: str, speaker: str | None, story: Story) -> bool:
        """Is the quote's speaker the followed entity (in any spelling the story uses for it)?"""
        if not speaker or not key:
            return False
        spellings = {key}
        for e in story.entities:
            ks = {canonical_key(s) for s in (e.name, *e.variants)}
            if key in ks or any(fuzzy_variant(k, key) for k in ks):
                spellings |= ks
        words = normalize(speaker).split()
        # the speaker phrase holds the name, often after a title: "وزير الخارجية الأذربيجاني جيهون بيراموف"
        for s in spellings:
            n = len(s.split())
            for i in range(len(words) - n + 1):
                k = canonical_key(" ".join(words[i: i + n]))
                if k == s or fuzzy_variant(k, s):
                    return True
        return False

    # -- events ---------------------------------------------------------------------
    def _events(self, wl: Watchlist, story: Story, arts: list[StoryArticle], new_ids: list[str],
                why: str) -> list[Alert]:
        now = self.clock.now()
        raised: list[Alert] = []
        base = {"story_title": story.title, "articles": len(story.article_ids), "followed_because": why}

        def add(key: str, kind: str, title: str, article_id: str | None = None, **detail: Any) -> None:
            alert = self.wstore.add_alert(key, kind, title, now, watchlist=wl.name, story_id=story.id,
                                          article_id=article_id, detail={**base, **detail})
            if alert is not None:
                raised.append(alert)
                if self.log is not None:
                    self.log.event("alert", id=alert.id, kind=kind, watchlist=wl.name, story=story.id, title=title)

        if "match" in wl.events:
            add(f"match|{wl.name}|{story.id}", "match", f"[{wl.name}] {story.title}")
        if "breaking" in wl.events:
            since = now - timedelta(hours=self.settings.breaking_hours)
            recent = sorted({a.outlet for a in arts if a.seen is not None and a.seen >= since})
            if len(recent) >= self.settings.breaking_outlets:
                add(f"breaking|{wl.name}|{story.id}", "breaking",
                    f"[{wl.name}] breaking: {story.title} — {len(recent)} outlets in {self.settings.breaking_hours:g} h",
                    outlets=recent, hours=self.settings.breaking_hours)
        if "conflict" in wl.events:
            outlet_of = {a.id: a.outlet for a in arts}
            for g in story.facts:
                if g.status != "conflict":
                    continue
                claims = [{"value": c.value, "text": c.number_text or (str(c.value) if c.value is not None else ""),
                           "negated": c.negated, "attributed_to": c.attributed_to,
                           "outlet": outlet_of.get(c.article_id), "article_id": c.article_id} for c in g.claims]
                values = "; ".join(f"{c['text'] or ('none' if c['negated'] else '?')} ({c['outlet'] or '?'})"
                                   for c in claims)
                add(f"conflict|{wl.name}|{story.id}|{g.about}", "conflict",
                    f"[{wl.name}] figures conflict on {g.about}: {values} — {story.title}",
                    about=g.about, claims=claims)
        if "quoted" in wl.events and wl.entities:
            fresh = set(new_ids)
            for q in story.quotes:
                if q.article_id not in fresh:
                    continue
                for name, key in self._entity_keys[wl.name]:
                    if self._speaker_is(key, q.speaker, story):
                        digest = hashlib.sha1(q.text.encode("utf-8")).hexdigest()[:12]
                        add(f"quoted|{wl.name}|{q.article_id}|{digest}", "quoted",
                            f"[{wl.name}] {q.speaker} quoted: «{q.text[:160]}»", article_id=q.article_id,
                            entity=name, speaker=q.speaker, quote=q.text)
                        break
        return raised


def _parse_any(s: str | None) -> datetime | None:
    if not s:
        return None
    from datetime import UTC

    try:
        t = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


# -- the Atom feed -------------------------------------------------------------------------
ATOM = "http://www.w3.org/2005/Atom"


def render_atom(alerts: list[Alert], *, feed_url: str, site_url: str = "", updated: str | None = None) -> str:
    """An Atom 1.0 feed of alerts (newest first).  Text from pages is escaped by the XML writer."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = "marsad alerts"
    ET.SubElement(feed, f"{{{ATOM}}}id").text = feed_url
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=feed_url)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = (alerts[0].created_at if alerts else updated) or "1970-01-01T00:00:00Z"
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "marsad"
    for a in alerts:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:marsad:alert:{hashlib.sha1(a.key.encode()).hexdigest()[:20]}"
        ET.SubElement(entry, f"{{{ATOM}}}title").text = _clean(a.title)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = a.created_at
        ET.SubElement(entry, f"{{{ATOM}}}category", term=a.kind)
        if a.story_id:
            ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=f"{site_url.rstrip('/')}/story/{a.story_id}")
        summary = ET.SubElement(entry, f"{{{ATOM}}}content", type="text")
        summary.text = _clean(_describe(a))
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode")


def _describe(a: Alert) -> str:
    d = a.as_dict()["detail"]
    parts = [a.title]
    if a.watchlist:
        parts.append(f"watchlist: {a.watchlist}")
    if d.get("followed_because"):
        parts.append(f"followed because {d['followed_because']}")
    if d.get("outlets"):
        parts.append("outlets: " + ", ".join(d["outlets"]))
    if a.source:
        parts.append(f"source: {a.source}")
    if d.get("error"):
        parts.append(f"error: {d['error']}")
    return "\n".join(parts)


_XML_BAD = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    """XML 1.0 cannot carry control characters at all, even escaped: drop them."""
    return _XML_BAD.sub("", text)
