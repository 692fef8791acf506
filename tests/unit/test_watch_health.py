"""Source health: a quiet spell against the source's own rate, failing streaks, each alerting once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marsad.store.db import Store
from marsad.store.watch import QueuedUrl, WatchStore
from marsad.watch.clock import FakeClock
from marsad.watch.config import AlertSettings, Source
from marsad.watch.health import failing_alert, quiet_check, source_health

pytestmark = pytest.mark.unit
SETTINGS = AlertSettings(quiet_ratio=0.25, quiet_window=6 * 3600, quiet_baseline=7 * 86400, quiet_min_expected=4,
                         failing_after=3)


def _publish(ws: WatchStore, clock: FakeClock, n: int, every_minutes: float, name: str = "s") -> None:
    for _ in range(n):
        clock.advance(every_minutes * 60)
        k = len(ws.urls())
        url = f"https://e.org/{k}"
        ws.poll_succeeded(name, clock.now(), clock.now(), None, None, [(url, None)])
        with ws.store.batch():
            ws.page_stored(QueuedUrl(url, name, None, None, None, 0, None, None), f"p{k:015d}", "المنفذ", None, None,
                           clock.now())


def test_quiet_spell_alerts_once_and_ends_when_volume_returns(tmp_path):
    store = Store(tmp_path / "h.db")
    ws = WatchStore(store)
    ws.ensure_source("s", "https://e.org/rss", "المنفذ")
    clock = FakeClock()
    _publish(ws, clock, 48, 15)  # 12 hours at four pages an hour
    assert quiet_check(ws, SETTINGS, ws.source("s"), clock) is None  # as usual
    clock.advance(3 * 3600)  # three silent hours: 12 of the 24 expected, not yet below a quarter
    assert quiet_check(ws, SETTINGS, ws.source("s"), clock) is None
    clock.advance(2 * 3600)  # five silent hours: 4 pages in the window, about 24 expected
    alert = quiet_check(ws, SETTINGS, ws.source("s"), clock)
    assert alert is not None and alert.kind == "source-quiet" and "went quiet" in alert.title
    clock.advance(1800)
    assert quiet_check(ws, SETTINGS, ws.source("s"), clock) is None  # the same spell: no second alert
    assert source_health((Source("s", "feed", "https://e.org/rss", "المنفذ"),), ws, SETTINGS, clock.now())[0].status == "quiet"
    _publish(ws, clock, 24, 10)  # back to work
    assert quiet_check(ws, SETTINGS, ws.source("s"), clock) is None and ws.source("s").quiet_since is None
    clock.advance(7 * 3600)
    assert quiet_check(ws, SETTINGS, ws.source("s"), clock) is not None  # a new spell alerts again
    assert len(ws.alerts(kind="source-quiet")) == 2
    store.close()


def test_young_or_sparse_sources_are_not_judged(tmp_path):
    store = Store(tmp_path / "h.db")
    ws = WatchStore(store)
    ws.ensure_source("s", None, "x")
    clock = FakeClock()
    _publish(ws, clock, 6, 30)  # three hours of history: less than one window before the window
    clock.advance(5 * 3600)
    assert quiet_check(ws, SETTINGS, ws.source("s"), clock) is None
    ws.ensure_source("rare", None, "y")
    _publish(ws, clock, 3, 8 * 60, name="rare")  # a page every eight hours: fewer than 4 expected per window
    clock.advance(12 * 3600)
    assert quiet_check(ws, SETTINGS, ws.source("rare"), clock) is None
    store.close()


def test_failing_streak(tmp_path):
    store = Store(tmp_path / "h.db")
    ws = WatchStore(store)
    ws.ensure_source("s", "https://e.org/rss", "x")
    clock = FakeClock()
    fired = []
    for _ in range(5):
        clock.advance(600)
        state = ws.poll_failed("s", clock.now(), clock.now() + timedelta(minutes=10), "HTTP 503")
        fired.append(failing_alert(ws, SETTINGS, state, clock) is not None)
    assert fired == [False, False, True, False, False]
    h = source_health((Source("s", "feed", "https://e.org/rss", "x"),), ws, SETTINGS, clock.now())[0]
    assert h.status == "failing" and h.failures == 5 and h.last_error == "HTTP 503"
    store.close()
