"""The watcher's time: wall-clock time for timestamps and schedules, and a sleep that can be interrupted.

Every part of the watcher reads time through one of these objects, so a test
drives a simulated day with a `FakeClock` in milliseconds.  Network deadlines
(connect, read, whole download) are real I/O limits and use real time.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta


def iso(t: datetime) -> str:
    """The store's timestamp format (UTC, seconds)."""
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(s: str) -> datetime:
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


class SystemClock:
    """Real time; `sleep` returns early when `wake` is called (a stop request)."""

    def __init__(self) -> None:
        self._wake = threading.Event()

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._wake.wait(seconds)

    def wake(self) -> None:
        self._wake.set()


class FakeClock:
    """Time that moves only when slept through or advanced (thread-safe)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2015, 7, 21, tzinfo=UTC)
        self._lock = threading.Lock()
        self.slept: list[float] = []

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            if seconds > 0:
                self._now += timedelta(seconds=seconds)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)

    def set(self, when: datetime) -> None:
        with self._lock:
            self._now = when

    def wake(self) -> None:
        pass


def monotonic() -> float:
    return time.monotonic()
