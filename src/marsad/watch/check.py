"""``marsad sources check``: try each source of a sources file once and say what answered."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx

from marsad.watch.config import Source, WatchConfig
from marsad.watch.feeds import FeedError, parse_source
from marsad.watch.fetch import Fetcher


@dataclass(frozen=True, slots=True)
class SourceCheck:
    source: Source
    ok: bool
    outcome: str  # the fetch outcome, or "unreadable" when it answered with something that is not a feed
    status: int | None
    items: int
    ms: int
    error: str | None = None
    warning: str | None = None
    sample: str | None = None  # the first item's URL


def check_sources(config: WatchConfig, clock: Any, log: Any = None,
                  transport: httpx.BaseTransport | None = None) -> list[SourceCheck]:
    """One unconditional fetch and parse of every source (in parallel, politely); nothing is stored."""
    with Fetcher(config.fetch, clock, log, transport=transport) as fetcher:
        def one(src: Source) -> SourceCheck:
            if src.url is None:
                return SourceCheck(src, True, "inline", None, len(src.urls), 0, sample=src.urls[0])
            t0 = time.perf_counter()
            res = fetcher.fetch(src.url, accept="feed")
            ms = round((time.perf_counter() - t0) * 1000)
            if not res.ok:
                return SourceCheck(src, False, res.outcome, res.status, 0, ms, res.error or res.outcome)
            try:
                parsed = parse_source(src.kind, res.body, res.final_url or src.url, res.content_type)
            except FeedError as exc:
                return SourceCheck(src, False, "unreadable", res.status, 0, ms, str(exc))
            n = len(parsed.items) + len(parsed.children)
            sample = parsed.items[0].url if parsed.items else (parsed.children[0] if parsed.children else None)
            return SourceCheck(src, True, res.outcome, res.status, n, ms, warning=parsed.warning, sample=sample)

        with ThreadPoolExecutor(max_workers=config.fetch.workers) as pool:
            return list(pool.map(one, config.sources))
