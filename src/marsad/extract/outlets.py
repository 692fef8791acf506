"""Outlet identity from the page itself: its URL, its site name, its source lines and footer, its own reporters.

The table is ``data/outlets.tsv``: per outlet the name as the outlet writes it (shown in
the Arabic pages), its Latin name, kind (outlet | wire | generic), country, and the
other names and hosts it is known by.  A written name not in the table is kept as
written (cleaned), so an unknown outlet is still reported rather than lost; a string
that is a file name, a URL or a hash is never taken for an outlet's name.

Page signals, strongest first (see `page_outlets`): the URL's host; the site name in
the HTML metadata; the page's source lines ("المصدر: السومرية العراقية"); a copyright
line naming the site ("جميع الحقوق محفوظة لوكالة سوا الإخبارية"); a correspondent of
the outlet in the body ("وأفاد موفد «العربي» من يريفان").  Wires and generic sources
("وكالات") are kept apart from outlets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

import regex

from marsad.arabic.lexicons import data_lines, word_set
from marsad.arabic.normalize import normalize

UNKNOWN_LABEL = "مصدر غير معروف"  # what the pages say for an article whose outlet no signal names


@dataclass(frozen=True, slots=True)
class Outlet:
    name: str  # as the outlet writes it
    kind: str  # outlet | wire | generic | unknown
    latin: str | None = None
    country: str | None = None


@cache
def _tables() -> tuple[dict[str, Outlet], list[tuple[str, Outlet]]]:
    by_name: dict[str, Outlet] = {}
    by_host: list[tuple[str, Outlet]] = []
    for line in data_lines("outlets.tsv", "marsad.data"):
        name, latin, kind, country, aliases = line.split("\t")
        outlet = Outlet(name, kind, latin, None if country == "-" else country)
        for alias in (name, latin, *aliases.split("|")):
            alias = alias.strip()
            if regex.fullmatch(r"[a-z0-9.\-/]+\.[a-z]{2,}(?:/[a-z]+)?", alias):
                by_host.append((alias, outlet))
            by_name.setdefault(normalize(alias), outlet)
    by_host.sort(key=lambda x: -len(x[0]))
    return by_name, by_host


@cache
def _prefix() -> regex.Pattern:
    words = sorted({normalize(w) for w in word_set("outlet_prefixes.txt")}, key=len, reverse=True)
    return regex.compile(rf"^(?:{'|'.join(map(regex.escape, words))})\s+")


_TRAIL = regex.compile(r"[\s\-–—|:،,.]+$")
_QUOTES = "\"'“”«»„‘’()[]"
# file names, paths, URLs and content hashes are never an outlet's name ("002_e6f440da34669fa5", "04_sharq_floods_copy")
_NOT_A_NAME = regex.compile(
    r"^(?:[\w.\-]*_[\w.\-]*|[\w\-]+\.(?:txt|html?|jsonl?|xml|warc|gz|rss|atom)|[0-9a-f]{8,}|\S*[/\\]\S*|\d+)$",
    regex.IGNORECASE)


def is_file_like(name: str) -> bool:
    """A string that is a file name, path, hash or number rather than an outlet's name."""
    return bool(_NOT_A_NAME.match(name.strip()))


def resolve(name: str) -> Outlet | None:
    """The outlet for a written name, or None when the name is empty or not a name."""
    raw = _TRAIL.sub("", name.strip().strip(_QUOTES).strip())
    if not raw or len(raw) > 80 or is_file_like(raw):
        return None
    by_name, _ = _tables()
    key = normalize(raw)
    if key in by_name:
        return by_name[key]
    stripped = _prefix().sub("", key)
    if stripped in by_name:
        return by_name[stripped]
    host_outlet = from_host(raw) if "." in raw else None
    if host_outlet:
        return host_outlet
    return Outlet(raw, "wire" if key.startswith(("وكاله", "وكالات")) else "unknown")


def known(name: str) -> Outlet | None:
    """The outlet of the table a written name refers to (no unknown outlets)."""
    o = resolve(name)
    return o if o is not None and o.kind != "unknown" else None


def from_host(url_or_host: str) -> Outlet | None:
    """The outlet whose host (or host/path prefix) matches a URL."""
    text = url_or_host.strip().lower()
    if "://" in text:
        parts = urlsplit(text)
        text = (parts.hostname or "") + parts.path
    text = text.removeprefix("www.")
    _, by_host = _tables()
    host = text.split("/")[0]
    for h, outlet in by_host:
        if text == h or text.startswith(h + "/") or host == h or host.endswith("." + h):
            return outlet
    return None


# -- signals in the page's text -------------------------------------------------------------------
_COPYRIGHT = regex.compile(r"(?:جميع\s+)?(?:ال)?حقوق\s+(?:ال)?(?:نشر\s+)?محفوظة\s*(?:©\s*)?(?:ل|لـ\s*)?(?P<name>[^@©\d\n|،,.]{2,60})")
_REPORTER = regex.compile(
    r"(?<![\p{L}])[وف]?(?:موفد|موفدة|مراسل|مراسلة)\s*(?:قناة\s+|موقع\s+|صحيفة\s+)?[\"“«„]\s*(?P<name>[^\"”»“\n]{2,40}?)\s*[\"”»“]")


def copyright_outlets(texts: Iterable[str]) -> list[Outlet]:
    """Known outlets named in copyright lines ("جميع الحقوق محفوظة لوكالة سوا الإخبارية @ 2025")."""
    out: list[Outlet] = []
    for text in texts:
        for m in _COPYRIGHT.finditer(text):
            name = m.group("name").strip()
            o = known(name) or known(name.removeprefix("ل")) or known(" ".join(name.split()[:3]))
            if o and o not in out:
                out.append(o)
    return out


def reporter_outlets(texts: Iterable[str]) -> list[Outlet]:
    """Known outlets whose own correspondent reports in the body ("وأفاد موفد “العربي” من يريفان")."""
    out: list[Outlet] = []
    for text in texts:
        for m in _REPORTER.finditer(text):
            o = known(m.group("name"))
            if o and o.kind == "outlet" and o not in out:
                out.append(o)
    return out


def page_outlets(url: str | None, site_names: Iterable[str], source_lines: Iterable[str],
                 removed_texts: Iterable[str], body: Iterable[str],
                 declared: str | None = None) -> tuple[list[str], list[str]]:
    """(outlet names, wire names) of a page from all its signals; the first outlet is the page's own.

    ``declared`` is the outlet the page is known to come from (a watched source's configured
    ``outlet``): it comes first, as the table writes it when the table knows it, else as given.
    """
    outlets: list[str] = []
    wires: list[str] = []

    def add(o: Outlet | None) -> None:
        if o is None:
            return
        target = wires if o.kind in ("wire", "generic") else outlets
        if o.name not in target:
            target.append(o.name)

    if declared and declared.strip():
        o = resolve(declared)
        # whoever configured the source named its outlet: never filed as a wire, never dropped as file-like
        outlets.append(o.name if o is not None and o.kind != "unknown" else " ".join(declared.split()))
    if url:
        o = from_host(url)
        if o and o.kind == "outlet":
            add(o)
    for name in site_names:
        add(resolve(name))
    for name in source_lines:
        # "المصدر: وكالات + الخليج الجديد": each credited source apart
        for part in (_SOURCE_SPLIT.split(name) if _SOURCE_SPLIT.search(name) else [name]):
            add(resolve(part))
    removed = list(removed_texts)
    for o in copyright_outlets(removed):
        add(o)
    if not outlets:
        for o in reporter_outlets(body):
            add(o)
    if not outlets and not wires and removed and (m := _SOURCE_LINE.match(removed[-1].strip())):
        add(resolve(m.group("name")))  # the page's last line, read as part of a read-also block
    if declared and declared.strip():  # a wire's own feed: the wire is the page's outlet, not also its source
        wires = [w for w in wires if w != outlets[0]]
    return outlets, wires


_SOURCE_SPLIT = regex.compile(r"\s*[+،,/|]\s*")
_SOURCE_LINE = regex.compile(r"^(?:ال)?مصدر\s*[:|：]\s*(?P<name>[^\n]{2,60})$")
