"""Source health: last success and error, volume, and the alerts of failing or quiet sources.

* **failing** — a source whose polls failed ``failing_after`` times in a row alerts once per
  streak (key: source and the streak's start); a good poll ends the streak.
* **quiet** — a source whose volume over the last ``quiet_window`` falls below ``quiet_ratio``
  of its own usual rate (measured over up to ``quiet_baseline`` of history before the window)
  alerts once per quiet spell (key: source and the spell's start); a source with too little
  history, or expected to publish fewer than ``quiet_min_expected`` pages in the window, is not
  judged.  This is how Media Cloud watches its sources: against each one's own baseline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from marsad.store.watch import Alert, SourceState, WatchStore
from marsad.watch.clock import iso, parse_iso
from marsad.watch.config import AlertSettings, Source


@dataclass(frozen=True, slots=True)
class SourceHealth:
    name: str
    outlet: str
    kind: str
    status: str  # ok | failing | quiet | never polled | no success yet
    last_success: str | None
    last_error: str | None
    last_error_at: str | None
    failures: int
    articles_24h: int
    articles_per_day: float | None  # over up to the baseline period; None before a day of history
    quiet_since: str | None


def failing_alert(wstore: WatchStore, settings: AlertSettings, state: SourceState, clock: Any,
                  log: Any = None) -> Alert | None:
    """After a failed poll: alert when the streak reaches the threshold (once per streak)."""
    if state.failures < settings.failing_after or not state.failing_since:
        return None
    alert = wstore.add_alert(
        f"source-failing|{state.name}|{state.failing_since}", "source-failing",
        f"source {state.name} ({state.outlet}) failing: {state.failures} polls in a row since {state.failing_since}",
        clock.now(), source=state.name,
        detail={"failures": state.failures, "since": state.failing_since, "error": state.last_error})
    if alert is not None and log is not None:
        log.event("alert", id=alert.id, kind="source-failing", source=state.name, failures=state.failures,
                  error=state.last_error)
    return alert


def expected_and_observed(wstore: WatchStore, settings: AlertSettings, state: SourceState,
                          now: datetime) -> tuple[float, int] | None:
    """(pages expected in the window from the source's own rate, pages seen), or None without enough history."""
    if not state.first_success:
        return None
    start = parse_iso(state.first_success)
    window = timedelta(seconds=settings.quiet_window)
    window_start = now - window
    history = (window_start - start).total_seconds()
    if history < settings.quiet_window:  # at least one window's worth of baseline before judging
        return None
    span = min(history, settings.quiet_baseline)
    base_start = window_start - timedelta(seconds=span)
    baseline = wstore.volume(state.name, base_start, window_start)
    expected = baseline * settings.quiet_window / span
    observed = wstore.volume(state.name, window_start, now + timedelta(seconds=1))
    return expected, observed


def quiet_check(wstore: WatchStore, settings: AlertSettings, state: SourceState, clock: Any,
                log: Any = None) -> Alert | None:
    """Start or end a quiet spell; alert when one starts."""
    now = clock.now()
    eo = expected_and_observed(wstore, settings, state, now)
    if eo is None:
        return None
    expected, observed = eo
    quiet = expected >= settings.quiet_min_expected and observed < settings.quiet_ratio * expected
    if quiet and not state.quiet_since:
        since = iso(now)
        wstore.set_quiet(state.name, since)
        alert = wstore.add_alert(
            f"source-quiet|{state.name}|{since}", "source-quiet",
            f"source {state.name} ({state.outlet}) went quiet: {observed} pages in the last "
            f"{settings.quiet_window / 3600:g} h, usually about {expected:.0f}",
            now, source=state.name, detail={"observed": observed, "expected": round(expected, 1),
                                            "window_hours": settings.quiet_window / 3600})
        if alert is not None and log is not None:
            log.event("alert", id=alert.id, kind="source-quiet", source=state.name, observed=observed,
                      expected=round(expected, 1))
        return alert
    if not quiet and state.quiet_since and observed >= settings.quiet_ratio * expected:
        wstore.set_quiet(state.name, None)
        if log is not None:
            log.event("source-recovered", source=state.name, observed=observed, expected=round(expected, 1))
    return None


def source_health(sources: tuple[Source, ...], wstore: WatchStore, settings: AlertSettings,
                  now: datetime) -> list[SourceHealth]:
    out = []
    for src in sources:
        st = wstore.source(src.name)
        if st is None or not st.last_poll:
            out.append(SourceHealth(src.name, src.outlet, src.kind, "never polled", None, None, None, 0, 0, None, None))
            continue
        last_day = wstore.volume(src.name, now - timedelta(days=1), now + timedelta(seconds=1))
        per_day = None
        if st.first_success:
            span = min((now - parse_iso(st.first_success)).total_seconds(), settings.quiet_baseline)
            if span >= 86400:
                per_day = wstore.volume(src.name, now - timedelta(seconds=span), now + timedelta(seconds=1)) * 86400 / span
        if st.failures >= settings.failing_after:
            status = "failing"
        elif st.quiet_since:
            status = "quiet"
        elif not st.last_success:
            status = "no success yet"
        else:
            status = "ok"
        out.append(SourceHealth(src.name, src.outlet, src.kind, status, st.last_success, st.last_error,
                                st.last_error_at, st.failures, last_day, per_day, st.quiet_since))
    return out
