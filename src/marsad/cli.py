"""The marsad command line: translates arguments and errors, calls the library, prints with rich.

Exit codes: 0 done; 2 bad usage; 3 done, but some inputs could not be read
(each named on stderr); 4 no input could be read; 5 the database cannot be
used; 6 no such story or article.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from marsad.errors import NotFoundError, StoreError
from marsad.textsafe import for_terminal, one_line

app = typer.Typer(add_completion=False, no_args_is_help=True, help="marsad: scraped Arabic news pages in, sourced stories out.",
                  context_settings={"help_option_names": ["-h", "--help"]})
eval_app = typer.Typer(no_args_is_help=True, help="Evaluate marsad's components on gold data.")
app.add_typer(eval_app, name="eval")

out = Console()
err = Console(stderr=True)

EXIT_PARTIAL, EXIT_NO_INPUT, EXIT_STORE, EXIT_NOT_FOUND = 3, 4, 5, 6
DB_OPTION = typer.Option("marsad.db", "--db", help="SQLite database file (created if missing).")
READ_DB_OPTION = typer.Option("marsad.db", "--db", help="SQLite database file (must exist).")


def _open(db: str):
    from marsad.store.db import Store

    try:
        return Store(db)
    except StoreError as exc:
        _fail(str(exc), EXIT_STORE)


def _version(value: bool) -> None:
    if value:
        from marsad import __version__

        print(f"marsad {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print marsad's version and exit.")) -> None:
    """marsad: scraped Arabic news pages in, sourced stories out."""


def _open_existing(db: str):
    """A store for a read command: a missing file is an error, never a new empty database; the query
    layer's side tables are brought up to date (skipped, with the last state kept, while a writer holds the store)."""
    import sqlite3

    from marsad.query import index

    if db != ":memory:" and not Path(db).is_file():
        _fail(f"{db}: no such database (run `marsad digest PATH --db {db}` first)", EXIT_STORE)
    store = _open(db)
    try:
        index.sync(store.conn)
    except sqlite3.OperationalError as exc:
        if index.pending(store.conn) < 0:
            _fail(f"{db}: cannot prepare the search index ({exc})", EXIT_STORE)
    return store


def _print_json(data) -> None:  # noqa: ANN001
    import json

    print(json.dumps(data, ensure_ascii=False, indent=1))


def _fail(message: str, code: int) -> None:
    """One line on stderr, control and escape characters shown as escapes, then exit ``code``."""
    print(f"error: {one_line(message)}", file=sys.stderr)
    raise typer.Exit(code)


def _t(text: str | None) -> str:
    """Stored (scraped) text for a rich markup string: control characters neutralised, markup escaped."""
    from rich.markup import escape

    return escape(for_terminal(text or ""))


@app.command()
def digest(
    paths: list[str] = typer.Argument(..., help="Files, folders, feeds, WARC archives or URLs."),
    db: str = DB_OPTION,
    out_dir: Path = typer.Option(Path("out"), "--out", help="Where digest.json and the HTML report go."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars."),
    workers: int = typer.Option(0, "--workers", "-j", help="Processes for extraction and analysis (0 = all cores)."),
    page_timeout: float = typer.Option(60.0, "--page-timeout",
                                       help="Seconds extraction or analysis of one page may take (0 = no limit)."),
) -> None:
    """Ingest pages, build stories, and write OUT/digest.json and OUT/index.html."""
    import os

    if out_dir.exists() and not out_dir.is_dir():
        _fail(f"--out {out_dir}: exists and is not a folder", 2)
    store = _open(db)
    try:
        report, json_path, html_path = _digest_run(store, paths, out_dir, quiet, workers or os.cpu_count() or 1,
                                                   page_timeout or None)
    except StoreError as exc:
        store.close()
        _fail(str(exc), EXIT_STORE)
    except OSError as exc:  # the output folder: disk full, read-only, no permission
        store.close()
        _fail(f"{exc.filename or out_dir}: cannot write the report ({exc.strerror or exc})", EXIT_STORE)
    for e in report.errors:
        print(f"skipped: {one_line(str(e))}", file=sys.stderr)
    n_articles = store.count("articles")
    n_stories = store.count("stories")
    out.print(f"{report.new_pages} new pages ({report.known_pages} already stored), {n_articles} articles, "
              f"{n_stories} stories", markup=False, highlight=False)
    if json_path is None:
        print("no page could be read: no report written", file=sys.stderr)
    else:
        out.print(f"wrote {one_line(str(json_path))} and {one_line(str(html_path))}", markup=False, highlight=False)
    store.close()
    if report.errors:
        raise typer.Exit(EXIT_NO_INPUT if report.new_pages + report.known_pages == 0 else EXIT_PARTIAL)


def _digest_run(store, paths: list[str], out_dir: Path, quiet: bool, workers: int, page_seconds: float | None):  # noqa: ANN001, ANN202
    """The library calls behind `digest`, with a progress bar."""
    from marsad.pipeline import Pipeline
    from marsad.report.export import write_digest
    from marsad.report.html import write_site

    with Progress(TextColumn("{task.description:10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, disable=quiet or not err.is_terminal, transient=True) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        def notice(message: str) -> None:
            print(one_line(message), file=sys.stderr, flush=True)

        report = Pipeline(store, progress=progress, workers=workers, page_seconds=page_seconds,
                          notice=notice).run(paths)
        if report.new_pages + report.known_pages == 0:  # nothing readable: no report (an old one stays as it was)
            return report, None, None
        json_path = write_digest(store, out_dir, workers)
        html_path = write_site(store, out_dir)
    return report, json_path, html_path


@app.command()
def backfill(
    paths: list[str] = typer.Argument(..., help="WARC / WARC.gz archives, JSON-lines files, folders."),
    db: str = DB_OPTION,
    engine: str = typer.Option("local", "--engine", help="local (processes on this machine) or spark."),
    master: str = typer.Option("local[2]", "--master", help="Spark master: local[N], spark://…, yarn, k8s://…"),
    work: str = typer.Option("", "--work", help="Work folder for tasks and markers (default DB.backfill)."),
    split_mb: float = typer.Option(64.0, "--split-mb", help="Size of one task's piece of a large file, MB."),
    workers: int = typer.Option(0, "--workers", "-j", help="Processes of the local engine and of the story reports at the end (0 = all cores)."),
    conf: list[str] = typer.Option([], "--conf", help="Spark setting KEY=VALUE (repeatable)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress output."),
) -> None:
    """Build a new store from a large archive, the stages run as resumable tasks (locally or on Spark)."""
    import os

    from marsad.errors import InputError
    from marsad.scale.backfill import backfill as run_backfill

    if engine not in ("local", "spark"):
        err.print(f"error: --engine must be local or spark, not {engine}", markup=False)
        raise typer.Exit(2)
    spark_conf = dict(c.split("=", 1) for c in conf if "=" in c)

    def progress(stage: str, done: int, total: int) -> None:
        if not quiet and (done == total or done % 50 == 0):
            err.print(f"{stage}: {done}/{total}", markup=False, highlight=False)

    try:
        report = run_backfill(paths, db, work or None, engine=engine, master=master,
                              split_bytes=int(split_mb * (1 << 20)), workers=workers or os.cpu_count() or 1,
                              spark_conf=spark_conf, progress=progress)
    except StoreError as exc:
        _fail(str(exc), EXIT_STORE)
    except InputError as exc:
        _fail(str(exc), 2)
    for e in report.errors:
        print(f"skipped: {one_line(str(e))}", file=sys.stderr)
    out.print(f"{report.tasks} tasks ({report.tasks_run} run, {report.tasks_skipped} already done), "
              f"{report.articles} articles, {report.stories} stories")
    if report.errors:  # as `digest`: 3 when some inputs could not be read, 4 when none could
        raise typer.Exit(EXIT_NO_INPUT if not report.pages and not report.articles else EXIT_PARTIAL)


@app.command()
def stories(db: str = READ_DB_OPTION, limit: int = typer.Option(50, min=1, max=500, help="How many, newest first."),
            cursor: str = typer.Option(None, "--cursor", help="`next` of a previous --json page."),
            as_json: bool = typer.Option(False, "--json", help="JSON, as the web API gives it.")) -> None:
    """List stories, newest first."""
    from rich.text import Text

    from marsad.query import BadQuery, Query

    store = _open_existing(db)
    try:
        page = Query(store.conn).stories(cursor, limit)
    except BadQuery as exc:
        _fail(str(exc), 2)
    if as_json:
        _print_json(page)
        return
    table = Table("id", "date", "articles", "title", show_lines=False)
    for s in page["items"]:
        # Text, not str: a title holding "[/bold]" is shown as it is, not parsed as markup
        table.add_row(Text(one_line(s["id"])), Text(one_line(s["date"] or "—")), str(s["articles"]), Text(one_line(s["title"] or "")))
    out.print(table)


@app.command()
def show(story_id: str, db: str = READ_DB_OPTION,
         as_json: bool = typer.Option(False, "--json", help="JSON, as the web API gives it.")) -> None:
    """Show one story: summary with sources, facts, timeline, entities, quotes."""
    from marsad.query import Query

    store = _open_existing(db)
    try:
        if as_json:
            _print_json(Query(store.conn).story(story_id))
            return
        s = store.story(story_id)
    except NotFoundError as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(EXIT_NOT_FOUND) from exc
    # every stored string goes through _t (markup escaped, control characters neutralised) or markup=False
    out.print(f"[bold]{_t(s.title)}[/bold]  ({_t(s.date or 'undated')}, {len(s.article_ids)} articles)", highlight=False)
    out.print("\n[bold]Summary[/bold]")
    for x in s.summary:
        out.print(f"• {_t(x.text)}  [dim]— {_t(', '.join(x.outlets))}[/dim]", highlight=False)
    if s.facts:
        out.print("\n[bold]Facts[/bold]")
        for g in s.facts:
            vals = "; ".join(f"{c.number_text or c.value} ({c.attributed_to or '?'})" for c in g.claims)
            out.print(f"• {_t(g.about)}: [cyan]{_t(g.status)}[/cyan] — {_t(vals)}", highlight=False)
    if s.timeline:
        from marsad.analyze.timeline import clip

        out.print("\n[bold]Timeline[/bold]")
        for t in s.timeline:
            out.print(f"• {_t(t.date)}: {_t(clip(t.text, 120))}", highlight=False)
    if s.entities:
        out.print("\n[bold]Entities[/bold]")
        for e in s.entities[:20]:
            out.print(one_line(f"• {e.name} [{e.type}] {' / '.join(e.variants)}"), highlight=False, markup=False)
    if s.quotes:
        out.print("\n[bold]Quotes[/bold]")
        for q in s.quotes[:20]:
            out.print(one_line(f"• {q.speaker or '?'}: «{q.text[:140]}»"), highlight=False, markup=False)


@app.command()
def search(query: str, db: str = READ_DB_OPTION, limit: int = typer.Option(20, min=1, max=500),
           sort: str = typer.Option("relevance", help="relevance or date"),
           cursor: str = typer.Option(None, "--cursor", help="`next` of a previous --json page."),
           as_json: bool = typer.Option(False, "--json", help="JSON, as the web API gives it.")) -> None:
    """Full-text search over articles: every spelling of a name, every clitic form of a word."""
    from marsad.query import BadQuery, Query

    store = _open_existing(db)
    try:
        page = Query(store.conn).search(query, cursor, limit, sort)
    except BadQuery as exc:
        _fail(str(exc), 2)
    if as_json:
        _print_json(page)
        return
    if not page["items"]:
        out.print("no match")
        return
    for it in page["items"]:
        snippet = "".join(f"[{p['text']}]" if p["match"] else p["text"] for p in it["snippet"])
        line = one_line(f"{it['id']}  [{it['story_id'] or '—'}]  {it['title'] or '(no title)'}")
        out.print(f"{line}\n    {one_line(snippet)}", highlight=False, markup=False)


@app.command()
def serve(db: str = READ_DB_OPTION, host: str = typer.Option("127.0.0.1", help="Address to listen on."),
          port: int = typer.Option(8000, min=1, max=65535), create: bool = typer.Option(
              False, "--create", help="Create the database if it is missing (to fill it through the API)."),
          config: Path = typer.Option(None, "--config", help="TOML file with \\[serve] token = \"...\" (else "
                                      "MARSAD_TOKEN, MARSAD_CONFIG, ~/.config/marsad/config.toml).")) -> None:
    """Serve the web app and its JSON API over the store: http://HOST:PORT/ (API docs at /docs)."""
    import uvicorn

    from marsad.web.app import create_app, load_token

    if not create and db != ":memory:" and not Path(db).is_file():
        _fail(f"{db}: no such database (run `marsad digest PATH --db {db}` first, or pass --create)", EXIT_STORE)
    token = load_token(config)
    try:
        web = create_app(db, token)
    except StoreError as exc:
        _fail(str(exc), EXIT_STORE)
    mode = "writes need the token" if token else "read-only (no token configured)"
    print(f"marsad: serving {db} at http://{host}:{port}/ — {mode}", file=sys.stderr)
    uvicorn.run(web, host=host, port=port, log_level="warning")


@eval_app.command("ner")
def eval_ner(corpus: Path = typer.Argument(..., help="ANERCorp.txt (token TAG per line).")) -> None:
    """Entity-level P/R/F1 of the shipped recognizer on ANERcorp's test split (last 1/6)."""
    from marsad.analyze import ner

    if not corpus.is_file():
        err.print(f"error: {corpus}: no such file", markup=False)
        raise typer.Exit(2)
    pairs = ner.read_conll(corpus)
    _, test = ner.split(pairs)
    table = Table("type", "precision", "recall", "F1", "support")
    for typ, m in ner.evaluate(test).items():
        table.add_row(typ, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", str(int(m["support"])))
    out.print(table)


# `marsad watch`, `marsad sources check|health`, `marsad alerts` (the feed watcher, marsad.watch)
from marsad.watch.cli import register as _register_watch  # noqa: E402

_register_watch(app)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
