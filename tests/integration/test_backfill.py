"""`marsad backfill` builds the store `digest` builds: a WARC and a JSON-lines file with syndicated copies
and pages of several stories, cut into many tasks; local engine here, Spark in test_backfill_spark.py."""

from __future__ import annotations

import html
import io
import json
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS, SHARED, need

pytestmark = [pytest.mark.integration, pytest.mark.slow]
SPLIT = 12_000  # bytes per task piece: the small archive becomes a dozen tasks, ranges cut mid-file


def _labelled_records(n_events: int = 6, singletons: int = 8) -> list[tuple[str, dict]]:
    """(event, record) of SaudiNewsNet articles of a few labelled multi-outlet events and some singletons."""
    import zipfile
    from collections import defaultdict

    sys.path.insert(0, str(ROOT / "bench"))
    import cluster_eval

    labels = cluster_eval.load_labels()
    members = defaultdict(list)
    for url, event in labels.items():
        members[event].append(url)
    events = [e for e in sorted(members) if len(members[e]) >= 3][:n_events]
    single = [e for e in sorted(members) if len(members[e]) == 1][:singletons]
    wanted = {u: e for e in events + single for u in members[e]}
    with zipfile.ZipFile(need(SHARED / "data" / "saudinewsnet" / "2015-08-06.zip")) as zf:
        recs = [r for name in zf.namelist() for r in json.loads(zf.read(name)) if r["url"] in wanted]
    recs.sort(key=lambda r: r["url"])
    return [(wanted[r["url"]], r) for r in recs]


def _html(title: str, body: str, extra: str = "") -> str:
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n") if p.strip())
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
            f"<body><article><h1>{html.escape(title)}</h1>{paras}</article>{extra}</body></html>")


def build_archive(folder: Path) -> dict[str, str]:
    """archive.warc.gz + pages.jsonl (+ the seeds as a folder); returns url -> event for the SaudiNewsNet pages.

    Half of the articles are HTML responses in the WARC, half text records in the JSON lines; three of the
    JSON-lines articles also appear in the WARC as syndicated copies (another outlet's page: other title
    line, a "read also" block), one page appears twice, one line is not JSON, and the WARC holds request
    and non-HTML records between the responses.
    """
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    folder.mkdir(parents=True, exist_ok=True)
    items = _labelled_records()
    events = {r["url"]: e for e, r in items}
    warc_recs = [r for i, (_, r) in enumerate(items) if i % 2 == 0]
    json_recs = [r for i, (_, r) in enumerate(items) if i % 2 == 1]
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)

    def response(url: str, page: str, ctype: str = "text/html; charset=utf-8") -> None:
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(page.encode("utf-8")),
                                                      http_headers=headers))

    for k, r in enumerate(warc_recs):
        writer.write_record(writer.create_warc_record(r["url"], "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
        response(r["url"], _html(r["title"], r["content"]))
        if k == 2:
            response("http://example.org/logo.png", "PNG", ctype="image/png")
    for k, r in enumerate(json_recs[:3]):  # syndicated copies on another site
        other = json_recs[(k + 5) % len(json_recs)]
        read_also = f"<aside><h3>إقرأ أيضاً</h3><ul><li><a href='/x'>{html.escape(other['title'])}</a></li></ul></aside>"
        response(f"http://copies.example.org/{k}.html", _html(r["title"] + " | موقع آخر", r["content"], read_also))
    (folder / "archive.warc.gz").write_bytes(buf.getvalue())
    lines = [json.dumps({"url": r["url"], "text": f"{r['title']}\n{r['content']}", "fetched_at": "2015-08-06"},
                        ensure_ascii=False) for r in json_recs]
    lines.insert(4, lines[1])  # the same page twice
    lines.insert(6, "{not json")
    lines.insert(7, "")
    (folder / "pages.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return events


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> dict:
    """The archive, and the store `digest` builds from it (the reference)."""
    from marsad.pipeline import Pipeline
    from marsad.store.db import Store

    folder = tmp_path_factory.mktemp("archive")
    events = build_archive(folder / "in")
    paths = [str(folder / "in" / "archive.warc.gz"), str(folder / "in" / "pages.jsonl"), str(need(SEEDS))]
    store = Store(folder / "digest.db")
    Pipeline(store).run(paths)
    store.close()
    return {"paths": paths, "digest_db": folder / "digest.db", "events": events, "folder": folder}


def snapshot(db: Path) -> dict:
    """Everything a store holds that the stages compute, in comparable form."""
    from marsad.store import bulk
    from marsad.store.db import Store

    store = Store(db)
    try:
        conn = store.conn
        return {
            "pages": list(conn.execute("SELECT seq, id, source, kind, content, url, fetched_at, encoding FROM pages ORDER BY seq")),
            "articles": bulk.table_rows(store, "articles", "id"),
            "analyses": bulk.table_rows(store, "analyses", "article_id"),
            "features": bulk.table_rows(store, "features", "article_id"),
            "term_df": dict(conn.execute("SELECT term, df FROM term_df")),
            "assignments": store.assignments(),
            "shared": bulk.shared_paragraphs(store),
            "bands": sorted(conn.execute("SELECT key, item FROM lsh_bands")),
            "stories": {s.id: json.dumps(s.article_ids) + json.dumps(s.title, ensure_ascii=False) for s in store.stories()},
            "storylines": [(x.id, x.story_ids) for x in store.storylines()],
            "errors": store.input_errors(),
            "pending": list(conn.execute("SELECT stage, id FROM pending ORDER BY stage, id")),
        }
    finally:
        store.close()


def assert_same_store(got: dict, want: dict) -> None:
    for key in want:
        assert got[key] == want[key], f"{key} differs"


def test_archive_is_cut_into_tasks_that_read_as_the_whole_files(archive):
    from marsad.scale.plan import plan, read_task
    from marsad.sources.files import discover, read_path

    tasks, errors = plan(archive["paths"], SPLIT)
    assert not errors
    kinds = [t.kind for t in tasks]
    assert kinds.count("warc") >= 3 and kinds.count("jsonl") >= 2, kinds
    whole = [x for e in discover(archive["paths"]) for x in read_path(e)]
    pieces = [x for t in tasks for x in read_task(t)]
    assert [(type(x).__name__, x.source, getattr(x, "id", None)) for x in pieces] == \
        [(type(x).__name__, x.source, getattr(x, "id", None)) for x in whole]


def test_local_engine_builds_the_digest_store_and_takes_new_pages(archive, tmp_path):
    from marsad.pipeline import Pipeline
    from marsad.scale.backfill import backfill
    from marsad.store.db import Store

    want = snapshot(archive["digest_db"])
    assert len(want["articles"]) >= 25 and any(d for _, d in want["assignments"].values())
    assert want["shared"] and want["errors"]
    db = tmp_path / "b.db"
    report = backfill(archive["paths"], db, split_bytes=SPLIT, workers=2)
    assert report.tasks_run == report.tasks >= 6
    assert_same_store(snapshot(db), want)
    again = backfill(archive["paths"], db, split_bytes=SPLIT, workers=2)  # a finished backfill started again
    assert again.tasks_run == 0 and again.tasks_skipped == report.tasks and again.articles == 0
    assert_same_store(snapshot(db), want)

    # a normal store: later pages go in incrementally, as into the digest store
    extra = tmp_path / "more.jsonl"
    recs = [r for _, r in _labelled_records(n_events=8, singletons=10)][-4:]
    extra.write_text("".join(json.dumps({"url": r["url"], "text": f"{r['title']}\n{r['content']}"},
                                        ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    ref = tmp_path / "ref.db"
    ref.write_bytes(Path(archive["digest_db"]).read_bytes())
    for path in (db, ref):
        store = Store(path)
        Pipeline(store).run([str(extra)])
        store.close()
    assert_same_store(snapshot(db), snapshot(ref))
    # and it is read like any store, by the command line too
    from typer.testing import CliRunner

    from marsad.cli import app

    store = Store(db)
    story = max(store.stories(), key=lambda s: len(s.article_ids))
    store.close()
    shown = CliRunner().invoke(app, ["show", story.id, "--db", str(db)])
    assert shown.exit_code == 0 and f"{len(story.article_ids)} articles" in shown.output
    found = CliRunner().invoke(app, ["search", "فيجي", "--db", str(db)])
    assert found.exit_code == 0 and "no match" not in found.output


def test_cli_backfill_rejects_an_unknown_engine(tmp_path):
    from typer.testing import CliRunner

    from marsad.cli import app

    result = CliRunner().invoke(app, ["backfill", str(tmp_path), "--db", str(tmp_path / "x.db"), "--engine", "flink"])
    assert result.exit_code == 2 and "local or spark" in result.output


def test_backfill_refuses_a_store_that_holds_other_pages(archive, tmp_path):
    import shutil

    from marsad.errors import StoreError
    from marsad.scale.backfill import backfill

    db = tmp_path / "used.db"
    shutil.copy(archive["digest_db"], db)
    with pytest.raises(StoreError, match="new store"):
        backfill(archive["paths"], db, split_bytes=SPLIT)
