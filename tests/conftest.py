"""Shared fixtures: where the seeds and data sets are, and digests built once per test session."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MARSAD_SHARED", ROOT.parent / "shared"))
SEEDS = SHARED / "seeds"
EXAMPLES = ROOT / "examples" / "pages"
FIXTURES = Path(__file__).parent / "fixtures"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} not available")
    return path


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return need(SEEDS)


@pytest.fixture(scope="session")
def seeds_gold() -> dict:
    return json.loads((FIXTURES / "seeds_gold.json").read_text(encoding="utf-8"))


def _digest(src: Path, out: Path) -> dict:
    from marsad.pipeline import Pipeline
    from marsad.report.export import write_digest
    from marsad.report.html import write_site
    from marsad.store.db import Store

    store = Store(out / "marsad.db")
    Pipeline(store).run([str(src)])
    write_digest(store, out)
    write_site(store, out)
    store.close()
    return json.loads((out / "digest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seeds_digest(tmp_path_factory, seeds_dir) -> dict:
    out = tmp_path_factory.mktemp("seeds")
    data = _digest(seeds_dir, out)
    data["_out"] = str(out)
    return data


@pytest.fixture(scope="session")
def examples_digest(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("examples")
    data = _digest(EXAMPLES, out)
    data["_out"] = str(out)
    return data


def seed_code(article: dict) -> str:
    """'000' for an article read from 000_….txt."""
    return Path(article["source"]).name[:3]


def saudinewsnet(limit: int | None = None, days: list[str] | None = None) -> list[dict]:
    """Articles of SaudiNewsNet (../shared/data/saudinewsnet), in file order."""
    import zipfile

    folder = need(SHARED / "data" / "saudinewsnet")
    out: list[dict] = []
    for z in sorted(folder.glob("*.zip")):
        if days and z.stem not in days:
            continue
        with zipfile.ZipFile(z) as zf:
            for name in zf.namelist():
                for rec in json.loads(zf.read(name)):
                    out.append(rec)
                    if limit and len(out) >= limit:
                        return out
    return out


def write_pages(folder: Path, records: list[dict]) -> None:
    """One text dump per record: title line, then the body."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, rec in enumerate(records):
        (folder / f"{i:05d}.txt").write_text(f"{rec.get('title') or ''}\n{rec.get('content') or ''}", encoding="utf-8")


WEB_PAGES = FIXTURES / "web_pages.jsonl"  # pages written for the web tests: floods in Jeddah, an English page


@pytest.fixture(scope="session")
def web_db(tmp_path_factory, seeds_dir) -> Path:
    """A store built from the seeds plus ``fixtures/web_pages.jsonl``, its query side tables in step."""
    from marsad.pipeline import Pipeline
    from marsad.query.index import sync
    from marsad.store.db import Store

    path = tmp_path_factory.mktemp("web") / "marsad.db"
    store = Store(path)
    Pipeline(store).run([str(seeds_dir), str(WEB_PAGES)])
    sync(store.conn)
    store.close()
    return path


@pytest.fixture(scope="module")
def web_db_copy(web_db, tmp_path_factory) -> Path:
    """A private copy of `web_db` for a test module that writes."""
    import sqlite3

    dst = tmp_path_factory.mktemp("webcopy") / "marsad.db"
    with sqlite3.connect(web_db) as src, sqlite3.connect(dst) as out:
        src.backup(out)
    return dst


@pytest.fixture(scope="module")
def marsad_server():
    """Start `marsad serve` on 127.0.0.1 (a free port) for a database: ``start(db, env={})`` -> base URL.
    Every server started is stopped at the end of the test module."""
    import socket
    import subprocess
    import sys
    import tempfile
    import time
    import urllib.request

    procs = []

    def start(db: Path, env: dict | None = None) -> str:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        log = tempfile.TemporaryFile()  # not a pipe: a server that logs much would stall on a full one
        proc = subprocess.Popen([sys.executable, "-m", "marsad.cli", "serve", "--db", str(db), "--port", str(port)],
                                env={**os.environ, "MARSAD_CONFIG": "/nonexistent", **(env or {})},
                                stdout=subprocess.DEVNULL, stderr=log)
        procs.append(proc)
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/api/v1/changes", timeout=1).read()
                return base
            except OSError:
                if proc.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(log.read().decode()) from None
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    yield start
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
