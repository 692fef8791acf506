"""One log line per event: ``TIME EVENT key=value ...`` or, with ``--log-format json``, one JSON object.

Values taken from pages (titles, URLs) are written as data: JSON-escaped in
json lines, ``repr``-quoted in text lines when they hold spaces or quotes, so a
title cannot forge a second line.
"""

from __future__ import annotations

import json
import sys
import threading
from typing import Any, TextIO

from marsad.watch.clock import iso


class EventLog:
    """Writes events to a stream; keeps them in memory too when ``keep`` (tests read `records`)."""

    def __init__(self, clock: Any, stream: TextIO | None = None, fmt: str = "text", keep: bool = False) -> None:
        if fmt not in ("text", "json"):
            raise ValueError(f"log format must be 'text' or 'json', not {fmt!r}")
        self.clock = clock
        self.stream = stream if stream is not None else sys.stderr
        self.fmt = fmt
        self.keep = keep
        self.records: list[dict[str, Any]] = []
        self._lock = threading.RLock()  # re-entrant: a signal handler in the main thread may log

    def event(self, name: str, **fields: Any) -> None:
        record = {"time": iso(self.clock.now()), "event": name, **fields}
        if self.fmt == "json":
            line = json.dumps(record, ensure_ascii=False, default=str)
        else:
            line = " ".join([record["time"], name] + [f"{k}={_text_value(v)}" for k, v in fields.items()])
        with self._lock:
            if self.keep:
                self.records.append(record)
            try:
                self.stream.write(line + "\n")
                self.stream.flush()
            except (OSError, ValueError):  # a closed stream (shutdown, broken pipe) must not stop the watcher
                pass

    def of(self, name: str) -> list[dict[str, Any]]:
        """The kept records of one event."""
        return [r for r in self.records if r["event"] == name]


def _text_value(v: Any) -> str:
    s = str(v)
    if not s or any(c.isspace() or c in "\"'=\\" for c in s) or not s.isprintable():
        return json.dumps(s, ensure_ascii=False)
    return s
