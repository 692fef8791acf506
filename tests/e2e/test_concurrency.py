"""Two digests at once on one store finish without error and equal a sequential run; readers never fail meanwhile."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from marsad.store.db import MIGRATIONS, Store

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


def _digest(pages: Path, db: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "marsad.cli", "digest", str(pages), "--db", str(db), "--out", str(out),
                             "-q", "-j", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "src")})


def _result(db: Path, out: Path) -> dict:
    data = json.loads((out / "digest.json").read_text(encoding="utf-8"))
    conn = sqlite3.connect(db)
    data["term_df"] = conn.execute("SELECT term, df FROM term_df ORDER BY term").fetchall()
    conn.close()
    return {k: data[k] for k in ("articles", "stories", "storylines", "input_errors", "term_df")}


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    from tests.conftest import saudinewsnet, write_pages

    folder = tmp_path_factory.mktemp("conc") / "pages"
    write_pages(folder, saudinewsnet(limit=20))
    return folder


class Reader(threading.Thread):
    """Polls the store the way the web app and `marsad stories` do, and keeps every failure."""

    def __init__(self, db: Path) -> None:
        super().__init__(daemon=True)
        self.db, self.stop, self.failures, self.reads = db, threading.Event(), [], 0

    def run(self) -> None:
        while not self.stop.is_set():
            ready = False
            try:
                conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5)
                ready = conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
                conn.close()
            except sqlite3.Error:
                pass  # not created yet
            if ready:
                try:
                    store = Store(self.db)
                    store.stories()
                    store.storylines()
                    store.search("السعودية")
                    store.count("articles")
                    store.close()
                    self.reads += 1
                except Exception as exc:  # noqa: BLE001 - any failure of a reader is the finding
                    self.failures.append(repr(exc))
            time.sleep(0.05)


def test_two_digests_at_once_equal_a_sequential_run(pages, tmp_path):
    ref = _digest(pages, tmp_path / "ref.db", tmp_path / "ref")
    assert ref.wait(timeout=900) == 0, ref.stderr.read()
    expected = _result(tmp_path / "ref.db", tmp_path / "ref")

    db = tmp_path / "shared.db"
    reader = Reader(db)
    reader.start()
    first, second = _digest(pages, db, tmp_path / "out1"), _digest(pages, db, tmp_path / "out2")
    codes = [p.wait(timeout=900) for p in (first, second)]
    reader.stop.set()
    reader.join()
    errs = [p.stderr.read() for p in (first, second)]
    assert codes == [0, 0], errs
    assert not any("Traceback" in e or "locked" in e for e in errs), errs
    # the one that started second waited, and said so on one line
    assert sum("waiting for it to finish" in e for e in errs) == 1
    for e in errs:
        assert all(line.endswith("waiting for it to finish") for line in e.splitlines()), e
    assert _result(db, tmp_path / "out1") == expected
    assert _result(db, tmp_path / "out2") == expected
    assert reader.reads > 0 and reader.failures == []


def test_second_writer_waits_for_the_first_in_process(tmp_path):
    """The writer lock itself: a second holder waits until the first lets go, and is told why."""
    a, b = Store(tmp_path / "m.db"), Store(tmp_path / "m.db")
    told: list[str] = []
    order: list[str] = []

    def second() -> None:
        with b.writer(told.append):
            order.append("b")

    with a.writer():
        t = threading.Thread(target=second)
        t.start()
        time.sleep(0.3)
        order.append("a")
    t.join(timeout=10)
    assert order == ["a", "b"]
    assert told and "waiting" in told[0]
    a.close()
    b.close()
