"""`marsad backfill --engine spark --master local[2]` on the small archive of test_backfill.py: the driver is
killed (kill -9) once some tasks have finished, the backfill is started again, only the unfinished tasks
run, and the store is the one `digest` builds from the same inputs."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.test_backfill import SPLIT, archive, assert_same_store, snapshot  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _spark_available() -> bool:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return shutil.which("java") is not None or bool(os.environ.get("JAVA_HOME"))


@pytest.mark.skipif(not _spark_available(), reason="needs the spark extra and a Java runtime")
def test_spark_backfill_killed_and_restarted_equals_digest(archive, tmp_path):  # noqa: F811
    from marsad.scale.backfill import backfill

    db = tmp_path / "spark.db"
    work = tmp_path / "work"
    cmd = [sys.executable, "-m", "marsad.cli", "backfill", *archive["paths"], "--db", str(db), "--work", str(work),
           "--engine", "spark", "--master", "local[2]", "--split-mb", str(SPLIT / (1 << 20)), "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    markers = work / "_done"
    try:
        deadline = time.monotonic() + 600
        while not (markers.is_dir() and any(markers.glob("*.json"))):
            assert proc.poll() is None, "the backfill ended before any task finished"
            assert time.monotonic() < deadline, "no task finished in 10 minutes"
            time.sleep(0.1)
        proc.send_signal(signal.SIGKILL)  # the driver, half-way
        proc.wait(timeout=30)
    finally:
        # then the Spark JVM and its Python workers, which were started by that driver
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    time.sleep(1)
    done_before = {p.name: p.read_text() for p in markers.glob("*.json")}
    tasks = json.loads((work / "plan.json").read_text())["tasks"]
    assert 0 < len(done_before) < len(tasks), (len(done_before), len(tasks))
    assert not (work / "derived" / "_done").exists()

    report = backfill(archive["paths"], db, work, engine="spark", master="local[2]", split_bytes=SPLIT)
    assert report.tasks == len(tasks)
    assert report.tasks_skipped == len(done_before)
    assert report.tasks_run == len(tasks) - len(done_before)
    # the finished tasks were not redone: their markers (which name the process that wrote them) are unchanged
    assert {n: (markers / n).read_text() for n in done_before} == done_before
    assert_same_store(snapshot(db), snapshot(Path(archive["digest_db"])))
