"""The watcher's commands (``marsad watch``, ``marsad sources check|health``, ``marsad alerts``).

They only translate arguments and errors; `register` adds them to the main app.
Exit codes as in `marsad.cli`: 0 done; 2 bad usage or a bad sources file; 3 some sources
did not answer (``sources check``); 5 the database cannot be used.
"""

from __future__ import annotations

import json
import signal
import sys
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

out = Console()
err = Console(stderr=True)
EXIT_USAGE, EXIT_PARTIAL, EXIT_STORE = 2, 3, 5

sources_app = typer.Typer(no_args_is_help=True, help="Check the sources of a sources file, and their health.")


def _config(path: str) -> Any:
    from marsad.watch.config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(EXIT_USAGE) from exc


def _store(db: str) -> Any:
    from marsad.errors import StoreError
    from marsad.store.db import Store

    try:
        return Store(db)
    except StoreError as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(EXIT_STORE) from exc


def watch(
    sources: str = typer.Argument(..., help="The sources file (see examples/sources.toml)."),
    db: str = typer.Option("marsad.db", "--db", help="SQLite database file (created if missing)."),
    once: bool = typer.Option(False, "--once", help="One round (the sources that are due), then exit: for cron."),
    log_format: str = typer.Option("text", "--log-format", help="text or json (one object per line)."),
) -> None:
    """Follow the sources: poll each on its interval, fetch new pages, update stories, raise alerts."""
    if log_format not in ("text", "json"):
        err.print("error: --log-format must be text or json", markup=False)
        raise typer.Exit(EXIT_USAGE)
    config = _config(sources)
    store = _store(db)
    from marsad.watch.clock import SystemClock
    from marsad.watch.log import EventLog
    from marsad.watch.runner import Watcher

    clock = SystemClock()
    log = EventLog(clock, sys.stderr, log_format)
    watcher = Watcher(config, store, clock=clock, log=log)
    signals = {"n": 0}

    def stop(signum: int, _frame: Any) -> None:
        signals["n"] += 1
        if signals["n"] > 1:  # a second Ctrl-C: stop now (every batch is a transaction; nothing half-written)
            raise KeyboardInterrupt
        # no logging here: the handler may interrupt the main thread inside the log's own write
        watcher.request_stop(f"signal {signal.Signals(signum).name}")

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        watcher.run(once=once)
    except KeyboardInterrupt:
        log.event("stop", reason="interrupted twice")
    finally:
        watcher.close()
        store.close()


@sources_app.command("check")
def sources_check(sources: str = typer.Argument(..., help="The sources file."),
                  as_json: bool = typer.Option(False, "--json", help="One JSON object per source instead of a table.")) -> None:
    """Validate the sources file and try each source once; print what answered."""
    from marsad.watch.check import check_sources
    from marsad.watch.clock import SystemClock

    config = _config(sources)
    results = check_sources(config, SystemClock())
    if as_json:
        for r in results:
            print(json.dumps({"name": r.source.name, "outlet": r.source.outlet, "kind": r.source.kind, "ok": r.ok,
                              "outcome": r.outcome, "status": r.status, "items": r.items, "ms": r.ms,
                              "error": r.error, "warning": r.warning}, ensure_ascii=False))
    else:
        table = Table("source", "outlet", "kind", "answer", "items", "ms", "problem")
        for r in results:
            answer = Text(str(r.status or r.outcome), style="green" if r.ok else "red")
            table.add_row(Text(r.source.name), Text(r.source.outlet), r.source.kind, answer, str(r.items), str(r.ms),
                          Text(r.error or r.warning or ""))
        out.print(table)
        good = sum(r.ok for r in results)
        out.print(f"{good} of {len(results)} sources answered")
    if not all(r.ok for r in results):
        raise typer.Exit(EXIT_PARTIAL)


@sources_app.command("health")
def sources_health(sources: str = typer.Argument(..., help="The sources file."),
                   db: str = typer.Option("marsad.db", "--db", help="The watcher's database.")) -> None:
    """Per source: status, last success, last error, articles in the last 24 h and per day."""
    from marsad.store.watch import WatchStore
    from marsad.watch.clock import SystemClock
    from marsad.watch.health import source_health

    config = _config(sources)
    store = _store(db)
    rows = source_health(config.sources, WatchStore(store), config.alerts, SystemClock().now())
    table = Table("source", "outlet", "status", "last success", "last error", "24 h", "per day")
    for h in rows:
        err_text = f"{h.last_error_at}: {h.last_error}" if h.last_error and h.failures else ""
        table.add_row(Text(h.name), Text(h.outlet), h.status, h.last_success or "—", Text(err_text), str(h.articles_24h),
                      f"{h.articles_per_day:.1f}" if h.articles_per_day is not None else "—")
    out.print(table)


def alerts(db: str = typer.Option("marsad.db", "--db", help="The watcher's database."),
           limit: int = typer.Option(50, help="How many, newest first."),
           kind: str = typer.Option(None, "--kind", help="match, breaking, conflict, quoted, source-failing, source-quiet."),
           watchlist: str = typer.Option(None, "--watchlist", help="Only this watchlist's alerts."),
           as_json: bool = typer.Option(False, "--json", help="One JSON object per alert.")) -> None:
    """List the alerts the watcher raised, newest first."""
    from marsad.store.watch import WatchStore

    store = _store(db)
    rows = WatchStore(store).alerts(limit, kind=kind, watchlist=watchlist)
    if as_json:
        for a in rows:
            print(json.dumps({**a.as_dict(), "delivered_at": a.delivered_at}, ensure_ascii=False))
        return
    if not rows:
        out.print("no alerts")
        return
    table = Table("id", "time", "kind", "watchlist", "alert", "delivered")
    for a in rows:
        table.add_row(str(a.id), a.created_at, a.kind, Text(a.watchlist or "—"), Text(a.title), a.delivered_at or "—")
    out.print(table)


def register(app: typer.Typer) -> None:
    """Add the watcher's commands to the main command line."""
    app.command("watch")(watch)
    app.command("alerts")(alerts)
    app.add_typer(sources_app, name="sources")
