"""The sources file (``sources.toml``): what to follow, how politely, and who to alert.

Sections (see ``examples/sources.toml`` for a commented example):

* ``[[source]]`` — one feed (RSS/Atom), news sitemap, or URL list: ``url`` (or inline ``urls``
  for a static list), ``kind`` (``feed`` | ``sitemap`` | ``urls``), ``outlet`` (the outlet's
  name as it writes it), ``country``, ``language``, ``interval`` (``"10m"``, ``"1h"``, seconds).
* ``[fetch]`` — the fetcher: user agent, per-host concurrency and delay, timeouts, the body cap,
  redirects, retries.
* ``[alerts]`` — thresholds of the events: breaking (outlets within hours), failing sources,
  quiet sources.
* ``[[watchlist]]`` — what a person follows (entities, keywords, outlets, storylines) and which
  events alert them.
* ``[webhook]`` — where alerts are POSTed, with retries.

`load_config` reads and checks all of it, and raises `ConfigError` with one line naming the
file, the entry and the key at the first problem.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from marsad import __version__
from marsad.errors import MarsadError

KINDS = ("feed", "sitemap", "urls")
EVENTS = ("match", "breaking", "conflict", "quoted")
DEFAULT_USER_AGENT = f"marsad/{__version__} (Arabic news monitor; +https://github.com/marsad/marsad)"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


class ConfigError(MarsadError):
    """The sources file cannot be used; the message names the file, entry and key."""


@dataclass(frozen=True, slots=True)
class Source:
    """One thing to poll."""

    name: str
    kind: str  # feed | sitemap | urls
    url: str | None  # the feed, sitemap or list; None for an inline list
    outlet: str
    country: str = ""
    language: str = "ar"
    interval: float = 600.0
    urls: tuple[str, ...] = ()  # an inline URL list

    @property
    def host(self) -> str:
        return urlsplit(self.url or (self.urls[0] if self.urls else "")).netloc


@dataclass(frozen=True, slots=True)
class FetchSettings:
    user_agent: str = DEFAULT_USER_AGENT
    per_host_concurrency: int = 2
    per_host_delay: float = 1.0  # seconds between the starts of two requests to one host
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    deadline: float = 60.0  # a whole download, however slowly the bytes come
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    retries: int = 3  # after the first try, on 5xx, timeouts and network errors (never on 4xx)
    backoff: float = 1.0  # base of the exponential backoff, seconds; jitter adds up to as much again
    robots_ttl: float = 86400.0
    workers: int = 8  # page fetches in flight at once (all hosts)
    batch: int = 50  # pages stored and processed together
    max_page_tries: int = 5  # a page that keeps failing with 5xx/timeouts is given up after this many polls


@dataclass(frozen=True, slots=True)
class AlertSettings:
    breaking_outlets: int = 3  # a story reported by this many outlets ...
    breaking_hours: float = 6.0  # ... within this many hours is "breaking"
    failing_after: int = 3  # consecutive failed polls of a source before it alerts
    quiet_ratio: float = 0.25  # a source whose recent volume falls below this share of its usual ...
    quiet_window: float = 6 * 3600.0  # ... over this window ...
    quiet_baseline: float = 7 * 86400.0  # ... measured over this much history before it
    quiet_min_expected: float = 4.0  # a source expected to publish fewer articles in the window is not judged


@dataclass(frozen=True, slots=True)
class Watchlist:
    """What a person follows, and which events alert them.  No filter at all follows every story."""

    name: str
    entities: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    storylines: tuple[str, ...] = ()  # storyline ids, or story ids (their storyline is followed)
    events: tuple[str, ...] = EVENTS

    @property
    def follows_everything(self) -> bool:
        return not (self.entities or self.keywords or self.outlets or self.storylines)


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    url: str
    retries: int = 4
    timeout: float = 10.0
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class WatchConfig:
    path: str
    sources: tuple[Source, ...]
    fetch: FetchSettings = field(default_factory=FetchSettings)
    alerts: AlertSettings = field(default_factory=AlertSettings)
    watchlists: tuple[Watchlist, ...] = ()
    webhook: WebhookSettings | None = None


def parse_duration(value: Any, where: str, allow_zero: bool = False) -> float:
    """Seconds from ``600``, ``"90s"``, ``"10m"``, ``"2h"`` or ``"1d"``."""
    if isinstance(value, bool):
        raise ConfigError(f"{where}: expected a duration like \"10m\", got {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and (m := _DURATION.match(value)):
        seconds = float(m.group(1)) * _UNIT[m.group(2)]
    else:
        raise ConfigError(f"{where}: expected a duration like \"10m\", \"1h\" or seconds, got {value!r}")
    if seconds < 0 or (seconds == 0 and not allow_zero):
        raise ConfigError(f"{where}: must be {'zero or more' if allow_zero else 'more than zero'}")
    return seconds


def _check_url(url: Any, where: str) -> str:
    if not isinstance(url, str) or not url.strip():
        raise ConfigError(f"{where}: expected a URL")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{where}: not an http(s) URL: {url!r}")
    return url.strip()


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: expected a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _only(table: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")


def _settings(cls: type, table: Any, where: str, durations: set[str]) -> Any:
    if table is None:
        return cls()
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table")
    defaults = cls()
    allowed = set(cls.__dataclass_fields__)
    _only(table, allowed, where)
    kwargs: dict[str, Any] = {}
    for key, value in table.items():
        here = f"{where}.{key}"
        default = getattr(defaults, key)
        if key in durations:
            kwargs[key] = parse_duration(value, here, allow_zero=key == "per_host_delay")
        elif isinstance(default, str):
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{here}: expected a non-empty string")
            kwargs[key] = value.strip()
        elif isinstance(default, int) and not isinstance(default, bool):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ConfigError(f"{here}: expected a whole number ≥ 0, got {value!r}")
            kwargs[key] = value
        else:
            if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                raise ConfigError(f"{here}: expected a number ≥ 0, got {value!r}")
            kwargs[key] = float(value)
    return cls(**kwargs)


def load_config(path: str | Path) -> WatchConfig:
    """Read and check a sources file."""
    p = Path(path)
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{p}: no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: unreadable ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: not valid TOML ({exc})") from exc
    return config_from_dict(raw, str(p))


def config_from_dict(raw: dict[str, Any], path: str = "<sources>") -> WatchConfig:
    _only(raw, {"source", "fetch", "alerts", "watchlist", "webhook"}, path)
    fetch = _settings(FetchSettings, raw.get("fetch"), f"{path}: [fetch]",
                      {"per_host_delay", "connect_timeout", "read_timeout", "deadline", "robots_ttl"})
    if fetch.per_host_concurrency < 1 or fetch.workers < 1 or fetch.batch < 1 or fetch.max_bytes < 1:
        raise ConfigError(f"{path}: [fetch]: per_host_concurrency, workers, batch and max_bytes must be at least 1")
    alerts = _settings(AlertSettings, raw.get("alerts"), f"{path}: [alerts]",
                       {"quiet_window", "quiet_baseline"})
    if alerts.breaking_outlets < 2:
        raise ConfigError(f"{path}: [alerts].breaking_outlets: must be at least 2")
    sources = _sources(raw.get("source"), path)
    watchlists = _watchlists(raw.get("watchlist"), path)
    webhook = _webhook(raw.get("webhook"), path)
    return WatchConfig(path, sources, fetch, alerts, watchlists, webhook)


def _sources(items: Any, path: str) -> tuple[Source, ...]:
    if not items:
        raise ConfigError(f"{path}: no [[source]] entries")
    if not isinstance(items, list):
        raise ConfigError(f"{path}: 'source' must be an array of tables ([[source]])")
    out: list[Source] = []
    names: set[str] = set()
    allowed = {"name", "kind", "url", "urls", "outlet", "country", "language", "interval"}
    for n, item in enumerate(items, 1):
        label = f"{path}: source #{n}"
        if not isinstance(item, dict):
            raise ConfigError(f"{label}: expected a table")
        if isinstance(item.get("name"), str):
            label += f" ({item['name']})"
        _only(item, allowed, label)
        kind = item.get("kind", "feed")
        if kind not in KINDS:
            raise ConfigError(f"{label}: kind: expected one of {', '.join(KINDS)}, got {kind!r}")
        url = item.get("url")
        inline = _strings(item.get("urls"), f"{label}: urls")
        if inline and kind != "urls":
            raise ConfigError(f"{label}: urls: an inline list needs kind = \"urls\"")
        if url is None and not inline:
            raise ConfigError(f"{label}: url: missing")
        if url is not None and inline:
            raise ConfigError(f"{label}: give either url (a list to poll) or urls (an inline list), not both")
        url = _check_url(url, f"{label}: url") if url is not None else None
        inline = tuple(_check_url(u, f"{label}: urls") for u in inline)
        outlet = item.get("outlet")
        if not isinstance(outlet, str) or not outlet.strip():
            raise ConfigError(f"{label}: outlet: missing (the outlet's name as it writes it)")
        name = item.get("name") or urlsplit(url or inline[0]).netloc + (urlsplit(url).path if url else "")
        if not isinstance(name, str):
            raise ConfigError(f"{label}: name: expected a string")
        if name in names:
            raise ConfigError(f"{label}: name: {name!r} is used by another source")
        names.add(name)
        for key in ("country", "language"):
            if key in item and not isinstance(item[key], str):
                raise ConfigError(f"{label}: {key}: expected a string")
        interval = parse_duration(item.get("interval", 600), f"{label}: interval")
        out.append(Source(name=name, kind=kind, url=url, outlet=outlet.strip(), country=item.get("country", ""),
                          language=item.get("language", "ar"), interval=interval, urls=inline))
    return tuple(out)


def _watchlists(items: Any, path: str) -> tuple[Watchlist, ...]:
    if items is None:
        return ()
    if not isinstance(items, list):
        raise ConfigError(f"{path}: 'watchlist' must be an array of tables ([[watchlist]])")
    out: list[Watchlist] = []
    names: set[str] = set()
    allowed = {"name", "entities", "keywords", "outlets", "storylines", "events"}
    for n, item in enumerate(items, 1):
        label = f"{path}: watchlist #{n}"
        if not isinstance(item, dict):
            raise ConfigError(f"{label}: expected a table")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{label}: name: missing")
        label += f" ({name})"
        _only(item, allowed, label)
        if name in names:
            raise ConfigError(f"{label}: name: used by another watchlist")
        names.add(name)
        events = _strings(item.get("events"), f"{label}: events") or EVENTS
        for e in events:
            if e not in EVENTS:
                raise ConfigError(f"{label}: events: unknown event {e!r} (known: {', '.join(EVENTS)})")
        out.append(Watchlist(name=name.strip(),
                             entities=_strings(item.get("entities"), f"{label}: entities"),
                             keywords=_strings(item.get("keywords"), f"{label}: keywords"),
                             outlets=_strings(item.get("outlets"), f"{label}: outlets"),
                             storylines=_strings(item.get("storylines"), f"{label}: storylines"),
                             events=events))
    return tuple(out)


def _webhook(item: Any, path: str) -> WebhookSettings | None:
    if item is None:
        return None
    label = f"{path}: [webhook]"
    if not isinstance(item, dict):
        raise ConfigError(f"{label}: expected a table")
    _only(item, {"url", "retries", "timeout", "headers"}, label)
    url = _check_url(item.get("url"), f"{label}.url")
    retries = item.get("retries", 4)
    if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
        raise ConfigError(f"{label}.retries: expected a whole number ≥ 0")
    timeout = parse_duration(item.get("timeout", 10), f"{label}.timeout")
    headers = item.get("headers", {})
    if not isinstance(headers, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items()):
        raise ConfigError(f"{label}.headers: expected a table of strings")
    return WebhookSettings(url, retries, timeout, tuple(sorted(headers.items())))
