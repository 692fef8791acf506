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
N_PAGES = 300


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


@pytest.mark.parametrize("kill_when", [("analyses", 100), ("assignments", 120)])
def test_killed_run_resumes_to_the_same_result(tmp_path, kill_when):
    folder = tmp_path / "pages"
    write_pages(folder, saudinewsnet(limit=N_PAGES))
    ref_out = tmp_path / "ref"
    ref = _digest(folder, tmp_path / "ref.db", ref_out)
    assert ref.wait(timeout=900) == 0, ref.stderr.read()

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
    assert _result(out) == _result(ref_out)
