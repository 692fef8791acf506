"""A digest killed half-way and started again ends with the same result as an uninterrupted run."""

import json
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.conftest import saudinewsnet, write_pages

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
N_PAGES = 200


def _digest(folder, db, out):
    return subprocess.Popen([sys.executable, "-m", "marsad.cli", "digest", str(folder), "--db", str(db), "--out", str(out), "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _count(db, table):
    try:
        conn = sqlite3.connect(db, timeout=1)
        n = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        conn.close()
        return n
    except sqlite3.Error:
        return 0


def _result(out):
    data = json.loads((out / "digest.json").read_text(encoding="utf-8"))
    return data["articles"], data["stories"], data["storylines"]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The folder of pages and the result of one uninterrupted run over it."""
    base = tmp_path_factory.mktemp("resume")
    folder = base / "pages"
    write_pages(folder, saudinewsnet(limit=N_PAGES))
    ref = _digest(folder, base / "ref.db", base / "ref")
    assert ref.wait(timeout=900) == 0, ref.stderr.read()
    return folder, _result(base / "ref")


@pytest.mark.parametrize("kill_when", [("analyses", 60), ("assignments", 90)])
def test_killed_run_resumes_to_the_same_result(tmp_path, reference, kill_when):
    folder, expected = reference

    db, out = tmp_path / "m.db", tmp_path / "out"
    proc = _digest(folder, db, out)
    table, threshold = kill_when
    deadline = time.time() + 600
    while _count(db, table) < threshold and proc.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be killed; raise N_PAGES"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _count(db, "assignments") < N_PAGES  # it really stopped half-way
    again = _digest(folder, db, out)
    assert again.wait(timeout=900) == 0, again.stderr.read()
    assert _result(out) == expected
