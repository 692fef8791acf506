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

app = typer.Typer(add_completion=False, no_args_is_help=True, help="marsad: scraped Arabic news pages in, sourced stories out.")
eval_app = typer.Typer(no_args_is_help=True, help="Evaluate marsad's components on gold data.")
app.add_typer(eval_app, name="eval")

out = Console()
err = Console(stderr=True)

EXIT_PARTIAL, EXIT_NO_INPUT, EXIT_STORE, EXIT_NOT_FOUND = 3, 4, 5, 6
DB_OPTION = typer.Option("marsad.db", "--db", help="SQLite database file (created if missing).")


def _open(db: str):
    from marsad.store.db import Store

    try:
        return Store(db)
    except StoreError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_STORE) from exc


@app.command()
def digest(
    paths: list[str] = typer.Argument(..., help="Files, folders, feeds, WARC archives or URLs."),
    db: str = DB_OPTION,
    out_dir: Path = typer.Option(Path("out"), "--out", help="Where digest.json and the HTML report go."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars."),
    workers: int = typer.Option(0, "--workers", "-j", help="Processes for extraction and analysis (0 = all cores)."),
) -> None:
    """Ingest pages, build stories, and write OUT/digest.json and OUT/index.html."""
    import os

    from marsad.pipeline import Pipeline
    from marsad.report.export import write_digest
    from marsad.report.html import write_site

    store = _open(db)
    with Progress(TextColumn("{task.description:10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, disable=quiet or not err.is_terminal, transient=True) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        report = Pipeline(store, progress=progress, workers=workers or os.cpu_count() or 1).run(paths)
        json_path = write_digest(store, out_dir)
        html_path = write_site(store, out_dir)
    for e in report.errors:
        print(f"skipped: {e}", file=sys.stderr)
    n_articles = store.count("articles")
    n_stories = store.count("stories")
    out.print(f"{report.new_pages} new pages ({report.known_pages} already stored), {n_articles} articles, "
              f"{n_stories} stories")
    out.print(f"wrote {json_path} and {html_path}")
    store.close()
    if report.errors:
        raise typer.Exit(EXIT_NO_INPUT if report.new_pages + report.known_pages == 0 else EXIT_PARTIAL)


@app.command()
def stories(db: str = DB_OPTION, limit: int = typer.Option(50, help="How many, newest first.")) -> None:
    """List stories, newest first."""
    store = _open(db)
    table = Table("id", "date", "articles", "title", show_lines=False)
    for s in store.stories()[:limit]:
        table.add_row(s.id, s.date or "—", str(len(s.article_ids)), s.title)
    out.print(table)


@app.command()
def show(story_id: str, db: str = DB_OPTION) -> None:
    """Show one story: summary with sources, facts, timeline, entities, quotes."""
    store = _open(db)
    try:
        s = store.story(story_id)
    except NotFoundError as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(EXIT_NOT_FOUND) from exc
    out.print(f"[bold]{s.title}[/bold]  ({s.date or 'undated'}, {len(s.article_ids)} articles)", highlight=False)
    out.print("\n[bold]Summary[/bold]")
    for x in s.summary:
        out.print(f"• {x.text}  [dim]— {', '.join(x.outlets)}[/dim]", highlight=False)
    if s.facts:
        out.print("\n[bold]Facts[/bold]")
        for g in s.facts:
            vals = "; ".join(f"{c.number_text or c.value} ({c.attributed_to or '?'})" for c in g.claims)
            out.print(f"• {g.about}: [cyan]{g.status}[/cyan] — {vals}", highlight=False)
    if s.timeline:
        out.print("\n[bold]Timeline[/bold]")
        for t in s.timeline:
            out.print(f"• {t.date}: {t.text[:120]}", highlight=False)
    if s.entities:
        out.print("\n[bold]Entities[/bold]")
        for e in s.entities[:20]:
            out.print(f"• {e.name} [{e.type}] {' / '.join(e.variants)}", highlight=False, markup=False)
    if s.quotes:
        out.print("\n[bold]Quotes[/bold]")
        for q in s.quotes[:20]:
            out.print(f"• {q.speaker or '?'}: «{q.text[:140]}»", highlight=False, markup=False)


@app.command()
def search(query: str, db: str = DB_OPTION, limit: int = 20) -> None:
    """Full-text search over articles (Arabic spelling variants match)."""
    store = _open(db)
    rows = store.search(query, limit)
    if not rows:
        out.print("no match")
        return
    story = store.assignments()
    for aid, title, snippet in rows:
        out.print(f"{aid}  [{story.get(aid, ('—',))[0]}]  {title or '(no title)'}\n    {snippet}", highlight=False, markup=False)


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


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
