"""A full disk: one line, exit 5, the store intact (integrity_check ok), and a resume on a larger disk gives the
uninterrupted result; a full output folder leaves no temporary file.

The small disk is a tmpfs mounted for the test (`mount -t tmpfs -o size=…`); where mounting is not permitted
(not root, a container without CAP_SYS_ADMIN) the child runs under RLIMIT_FSIZE with SIGXFSZ ignored, so a write
past the limit fails with EFBIG, which SQLite reports as "database or disk is full" like ENOSPC.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


def _mount(folder: Path, size_kib: int) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", str(folder)],
                              capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _umount(folder: Path) -> None:
    subprocess.run(["umount", str(folder)], capture_output=True, timeout=20)


def _digest(pages: Path, db: Path, out: Path, fsize: int | None = None) -> subprocess.CompletedProcess:
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run([sys.executable, "-m", "marsad.cli", "digest", str(pages), "--db", str(db), "--out", str(out),
                           "-q", "-j", "1"], capture_output=True, text=True, timeout=900,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, preexec_fn=limit if fsize else None)


def _result(out: Path) -> dict:
    data = json.loads((out / "digest.json").read_text(encoding="utf-8"))
    return {k: data[k] for k in ("articles", "stories", "storylines", "input_errors")}


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    from tests.conftest import saudinewsnet, write_pages

    base = tmp_path_factory.mktemp("disk")
    pages = base / "pages"
    write_pages(pages, saudinewsnet(limit=20))
    ref = _digest(pages, base / "ref.db", base / "ref")
    assert ref.returncode == 0, ref.stderr
    return base, pages, _result(base / "ref"), (base / "ref.db").stat().st_size


def test_full_disk_under_the_store(setup, tmp_path):
    base, pages, expected, db_size = setup
    small = tmp_path / "small"
    size_kib = max(64, db_size // 1024 // 3)  # a third of what the store needs
    mounted = _mount(small, size_kib)
    how = "tmpfs" if mounted else "RLIMIT_FSIZE"
    try:
        small.mkdir(exist_ok=True)
        proc = _digest(pages, small / "m.db", tmp_path / "out", fsize=None if mounted else size_kib * 1024)
        lines = proc.stderr.strip().splitlines()
        assert proc.returncode == 5, (how, proc.returncode, proc.stderr[-2000:])
        assert len(lines) == 1 and lines[0].startswith("error: ") and "full" in lines[0], (how, lines)
        conn = sqlite3.connect(small / "m.db")
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        # a larger disk: the store's files moved there, the same digest resumes to the uninterrupted result
        big = tmp_path / "big"
        big.mkdir()
        for f in small.iterdir():
            if f.name.startswith("m.db"):
                shutil.copy2(f, big / f.name)
    finally:
        if mounted:
            _umount(small)
    again = _digest(pages, big / "m.db", tmp_path / "out2")
    assert again.returncode == 0, again.stderr
    assert _result(tmp_path / "out2") == expected


def test_full_disk_under_the_output_folder(setup, tmp_path):
    base, pages, expected, _ = setup
    shutil.copy2(base / "ref.db", tmp_path / "m.db")
    small = tmp_path / "out"
    mounted = _mount(small, 64)
    try:
        proc = _digest(pages, tmp_path / "m.db", small, fsize=None if mounted else 64 * 1024)
        lines = proc.stderr.strip().splitlines()
        assert proc.returncode == 5, proc.stderr[-2000:]
        assert len(lines) == 1 and "cannot write" in lines[0], lines
        assert not list(small.glob("*.tmp"))
    finally:
        if mounted:
            _umount(small)
    conn = sqlite3.connect(tmp_path / "m.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def _mount_ro(folder: Path) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)],
                              capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def test_read_only_locations_are_one_line_and_exit_5(setup, tmp_path):
    base, pages, _, _ = setup
    ro = tmp_path / "ro"
    if not _mount_ro(ro):
        pytest.skip("mounting a read-only tmpfs is not permitted here (root bypasses file permissions)")
    try:
        for db, out in ((ro / "m.db", tmp_path / "o1"), (tmp_path / "m.db", ro / "out")):
            proc = _digest(pages, db, out)
            lines = proc.stderr.strip().splitlines()
            assert proc.returncode == 5, proc.stderr[-2000:]
            assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in proc.stderr, lines
    finally:
        _umount(ro)
