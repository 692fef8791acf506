"""Outlet names: source lines, site names and URL hosts mapped to one canonical outlet.

The table is ``data/outlets.tsv``; a name not in it is kept as written (cleaned),
so an unknown outlet is still reported rather than lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

import regex

from marsad.arabic.lexicons import data_lines, word_set
from marsad.arabic.normalize import normalize


@dataclass(frozen=True, slots=True)
class Outlet:
    name: str
    kind: str  # outlet | wire | generic | unknown


@cache
def _tables() -> tuple[dict[str, Outlet], list[tuple[str, Outlet]]]:
    by_name: dict[str, Outlet] = {}
    by_host: list[tuple[str, Outlet]] = []
    for line in data_lines("outlets.tsv", "marsad.data"):
        name, kind, aliases = line.split("\t")
        outlet = Outlet(name, kind)
        by_name[normalize(name)] = outlet
        for alias in aliases.split("|"):
            alias = alias.strip()
            if regex.fullmatch(r"[a-z0-9.\-/]+\.[a-z]{2,}(?:/[a-z]+)?", alias):
                by_host.append((alias, outlet))
            by_name[normalize(alias)] = outlet
    by_host.sort(key=lambda x: -len(x[0]))
    return by_name, by_host




@cache
def _prefix() -> regex.Pattern:
    words = sorted({normalize(w) for w in word_set("outlet_prefixes.txt")}, key=len, reverse=True)
    return regex.compile(rf"^(?:{'|'.join(map(regex.escape, words))})\s+")
_TRAIL = regex.compile(r"[\s\-–—|:،,.]+$")


def resolve(name: str) -> Outlet | None:
    """The canonical outlet for a written name, or None when the name is empty."""
    raw = _TRAIL.sub("", name.strip())
    if not raw or len(raw) > 80:
        return None
    by_name, _ = _tables()
    key = normalize(raw)
    if key in by_name:
        return by_name[key]
    stripped = _prefix().sub("", key)
    if stripped in by_name:
        return by_name[stripped]
    for host_outlet in (from_host(raw),):
        if host_outlet:
            return host_outlet
    return Outlet(raw, "wire" if key.startswith(("وكاله", "وكالات")) else "unknown")


def from_host(url_or_host: str) -> Outlet | None:
    """The outlet whose host (or host/path prefix) matches a URL."""
    text = url_or_host.strip().lower()
    if "://" in text:
        parts = urlsplit(text)
        text = (parts.hostname or "") + parts.path
    text = text.removeprefix("www.")
    _, by_host = _tables()
    for host, outlet in by_host:
        if text == host or text.startswith(host + "/") or text.split("/")[0].endswith("." + host) or text.split("/")[0] == host:
            return outlet
    return None
