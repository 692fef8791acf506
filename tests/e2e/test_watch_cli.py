"""`marsad sources check`, `marsad watch`, `marsad alerts` and SIGTERM, against a local site."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from marsad.cli import app
from tests.conftest import saudinewsnet
from tests.integration.test_watch_fetch import LocalSite, Resp
from tests.integration.test_watch_run import article_html, rss

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return [r for r in saudinewsnet(limit=200) if len(r["content"]) > 600][:40]


@pytest.fixture
def site():
    s = LocalSite()
    yield s
    s.close()


def write_sources(path: Path, site: LocalSite, feeds: list[str], batch: int = 10, extra: str = "") -> Path:
    text = f"[fetch]\nper_host_delay = 0\nretries = 0\nbatch = {batch}\nread_timeout = 5\n\n"
    for f in feeds:
        text += f'[[source]]\nname = "{f}"\noutlet = "المنفذ {f}"\nurl = "{site.url("/" + f + ".xml")}"\ninterval = "10m"\n\n'
    path.write_text(text + extra, encoding="utf-8")
    return path


def serve_pages(site: LocalSite, name: str, recs: list[dict], delay: float = 0.0) -> list[str]:
    paths = [f"/{name}/{i}" for i in range(len(recs))]
    for p, r in zip(paths, recs, strict=True):
        site.set(p, Resp(200, article_html(r).encode(), {"Content-Type": "text/html"}, delay=delay))
    site.set(f"/{name}.xml", Resp(200, rss([(site.url(p), p, "Tue, 21 Jul 2015 06:00:00 GMT") for p in paths]),
                                  {"Content-Type": "application/rss+xml"}))
    return paths


def test_sources_check_prints_what_answered(tmp_path, site, records):
    serve_pages(site, "good", records[:2])
    site.set("/broken.xml", Resp(200, b"<rss><channel><item>", {"Content-Type": "application/rss+xml"}))
    cfg = write_sources(tmp_path / "s.toml", site, ["good", "broken", "missing"])
    result = CliRunner().invoke(app, ["sources", "check", str(cfg), "--json"])
    assert result.exit_code == 3, result.output
    rows = {r["name"]: r for r in map(json.loads, result.output.splitlines())}
    assert rows["good"]["ok"] and rows["good"]["items"] == 2 and rows["good"]["status"] == 200
    assert not rows["broken"]["ok"] and rows["broken"]["outcome"] == "unreadable"
    assert not rows["missing"]["ok"] and rows["missing"]["status"] == 404
    table = CliRunner().invoke(app, ["sources", "check", str(cfg)])
    assert "1 of 3 sources answered" in table.output and "good" in table.output
    bad = tmp_path / "bad.toml"
    bad.write_text('[[source]]\nurl = "https://e.org/rss"\n', encoding="utf-8")
    invalid = CliRunner().invoke(app, ["sources", "check", str(bad)])
    assert invalid.exit_code == 2 and "outlet: missing" in invalid.output


def test_watch_once_then_alerts_and_health(tmp_path, site, records):
    serve_pages(site, "a", records[:3])
    cfg = write_sources(tmp_path / "s.toml", site, ["a"], extra='[[watchlist]]\nname = "all"\nevents = ["match"]\n')
    db = tmp_path / "w.db"
    result = CliRunner().invoke(app, ["watch", str(cfg), "--db", str(db), "--once", "--log-format", "json"])
    assert result.exit_code == 0, result.output
    events = [json.loads(x) for x in result.stderr.splitlines()]  # one JSON object a line, nothing else
    names = [e["event"] for e in events]
    assert names.count("stored") == 3 and names.count("alert") == 3 and names[-1] == "stop"
    alerts = CliRunner().invoke(app, ["alerts", "--db", str(db), "--json"])
    rows = [json.loads(x) for x in alerts.output.splitlines()]
    assert len(rows) == 3 and {r["kind"] for r in rows} == {"match"}  # three unrelated articles, three stories
    health = CliRunner().invoke(app, ["sources", "health", str(cfg), "--db", str(db)])
    assert health.exit_code == 0 and "ok" in health.output
    again = CliRunner().invoke(app, ["watch", str(cfg), "--db", str(db), "--once"])  # not due: nothing asked
    assert again.exit_code == 0 and site.count("/a.xml") == 1 and site.count("/a/0") == 1
    assert CliRunner().invoke(app, ["watch", str(cfg), "--log-format", "xml"]).exit_code == 2


@pytest.mark.slow
def test_sigterm_finishes_the_batch_and_a_restart_loses_nothing(tmp_path, site, records):
    paths = serve_pages(site, "t", records[:30], delay=0.15)
    cfg = write_sources(tmp_path / "s.toml", site, ["t"], batch=5)
    db = tmp_path / "w.db"
    cmd = [sys.executable, "-m", "marsad.cli", "watch", str(cfg), "--db", str(db), "--log-format", "json"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines = []
    deadline = time.time() + 300
    for line in proc.stderr:
        lines.append(json.loads(line))
        if lines[-1]["event"] == "stored":
            proc.send_signal(signal.SIGTERM)
            break
        assert time.time() < deadline
    _, rest = proc.communicate(timeout=300)
    lines += [json.loads(x) for x in rest.splitlines()]
    assert proc.returncode == 0
    names = [e["event"] for e in lines]
    stopping = lines[names.index("stopping")]
    assert stopping["reason"] == "signal SIGTERM" and names[-1] == "stop" and lines[-1]["reason"] == "signal SIGTERM"
    conn = sqlite3.connect(db)
    pages, articles = (conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("pages", "articles"))
    queued = conn.execute("SELECT COUNT(*) FROM watch_urls WHERE status = 'queued'").fetchone()[0]
    conn.close()
    assert pages == articles and 5 <= pages < 30 and pages + queued == 30  # the batch in hand finished, processed
    done = subprocess.run(cmd[:-2] + ["--once"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 30
    conn.close()
    assert all(site.count(p) == 1 for p in paths)


def test_watch_beside_the_web_app_on_one_store(tmp_path, site, records):
    try:
        from marsad.web.app import create_app
    except ImportError:
        pytest.skip("marsad.web.app not available")
    from fastapi.testclient import TestClient

    from marsad.store.db import Store

    serve_pages(site, "b", records[5:8])
    cfg = write_sources(tmp_path / "s.toml", site, ["b"], extra='[[watchlist]]\nname = "all"\nevents = ["match"]\n')
    db = tmp_path / "w.db"
    Store(db).close()
    with TestClient(create_app(db)) as client:  # the server's sync thread runs while the watcher writes
        assert client.get("/alerts.atom").text.count("<entry>") == 0
        result = CliRunner().invoke(app, ["watch", str(cfg), "--db", str(db), "--once"])
        assert result.exit_code == 0, result.output
        feed = client.get("/alerts.atom")
        assert feed.status_code == 200 and feed.text.count("<entry>") == 3
        assert client.get("/api/v1/stories").status_code == 200


def test_a_sources_outlet_reaches_the_articles_and_the_story_page(tmp_path, site, records):
    """The outlet named in sources.toml is the article's outlet (the page itself names none: a loopback host)."""
    from fastapi.testclient import TestClient

    from marsad.store.db import Store
    from marsad.web.app import create_app

    serve_pages(site, "awsat", records[10:12])
    serve_pages(site, "local", records[12:13])
    cfg = tmp_path / "s.toml"
    cfg.write_text(
        "[fetch]\nper_host_delay = 0\nretries = 0\n\n"
        f'[[source]]\nname = "awsat"\noutlet = "صحيفة الشرق الأوسط"\nurl = "{site.url("/awsat.xml")}"\n\n'
        f'[[source]]\nname = "local"\noutlet = "  نشرة   الحي  "\nurl = "{site.url("/local.xml")}"\n',
        encoding="utf-8")
    db = tmp_path / "w.db"
    result = CliRunner().invoke(app, ["watch", str(cfg), "--db", str(db), "--once"])
    assert result.exit_code == 0, result.output
    store = Store(db)
    try:
        by_url = {a.url: a for a in store.articles()}
        assert len(by_url) == 3
        # a name the outlet table knows is written as the table writes it; an unknown one as configured (spaces tidied)
        assert [by_url[site.url(f"/awsat/{i}")].outlets[:1] for i in (0, 1)] == [("الشرق الأوسط",)] * 2
        assert by_url[site.url("/local/0")].outlets[:1] == ("نشرة الحي",)
        story_id = store.story_of(by_url[site.url("/awsat/0")].id)
    finally:
        store.close()
    with TestClient(create_app(db)) as client:
        page = client.get(f"/story/{story_id}")
        assert page.status_code == 200 and "الشرق الأوسط" in page.text
        api = client.get("/api/v1/outlets").json()
        names = {o["name"] for o in (api["items"] if isinstance(api, dict) else api)}
        assert {"الشرق الأوسط", "نشرة الحي"} <= names
