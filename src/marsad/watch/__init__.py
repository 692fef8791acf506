"""marsad.watch: follow outlets' feeds, fetch new pages politely, run them through the pipeline, raise alerts.

* `config`   — the sources file (``sources.toml``): sources, fetcher settings, watchlists, webhook.
* `clock`    — the time source every part reads (`SystemClock`; tests pass a `FakeClock`).
* `fetch`    — the polite HTTP fetcher (robots.txt, per-host limits, conditional requests, caps).
* `feeds`    — RSS/Atom, news sitemaps and URL lists -> feed items.
* `alerts`   — watchlists and the events that raise alerts; Atom rendering.
* `health`   — per-source health and its alerts.
* `webhook`  — delivery of stored alerts to a webhook, with retries.
* `runner`   — the `Watcher`: one round at a time, or a loop until stopped.

The SQL of the watcher's tables is in `marsad.store.watch`.
"""

from marsad.watch.clock import FakeClock, SystemClock
from marsad.watch.config import ConfigError, WatchConfig, load_config

__all__ = ["ConfigError", "FakeClock", "SystemClock", "WatchConfig", "load_config"]
