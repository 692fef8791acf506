"""Serving while another process digests into the same store: no "database is locked", no failed request,
and the new stories show up on the running server without a restart."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest

from tests.conftest import saudinewsnet, write_pages

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
N_PAGES = 25


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_serve_while_digest(tmp_path, marsad_server, web_db_copy):
    pages = tmp_path / "pages"
    write_pages(pages, saudinewsnet(limit=N_PAGES))
    base = marsad_server(web_db_copy)
    before = json.loads(_get(base + "/index.json")[1])["counts"]
    digest = subprocess.Popen([sys.executable, "-m", "marsad.cli", "digest", str(pages), "--db", str(web_db_copy),
                               "--out", str(tmp_path / "out"), "-q", "-j", "1"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    urls = ["/", "/index.json", "/stories", "/api/v1/stories?limit=5", "/search?q=" + quote("السعودية"),
            "/api/v1/search?sort=date&q=" + quote("الرياض"), "/api/v1/changes", "/entities", "/outlets",
            "/api/v1/export?format=ndjson"]
    results: list[tuple[str, int, str]] = []
    done = threading.Event()

    def client(k: int) -> None:
        i = k
        while not done.is_set():
            path = urls[i % len(urls)]
            i += 1
            status, body = _get(base + path)
            results.append((path, status, body[:300].decode("utf-8", "replace") if status != 200 else ""))
            time.sleep(0.05)
            if path == "/api/v1/stories?limit=5" and status == 200:  # and the newest story pages
                for s in json.loads(body)["items"][:2]:
                    st, b = _get(base + f"/story/{s['id']}")
                    results.append((f"/story/{s['id']}", st, b[:300].decode("utf-8", "replace") if st != 200 else ""))

    threads = [threading.Thread(target=client, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    try:
        _, err = digest.communicate(timeout=600)
    finally:
        time.sleep(1.5)
        done.set()
        for t in threads:
            t.join(timeout=120)
    assert digest.returncode == 0, err.decode()
    assert b"locked" not in err
    failed = [r for r in results if r[1] != 200]
    assert len(results) > 50 and failed == [], failed[:5]
    # the running server sees the new store (side tables included) without a restart
    deadline = time.time() + 60
    while time.time() < deadline:
        after = json.loads(_get(base + "/index.json")[1])["counts"]
        if after["articles"] == before["articles"] + N_PAGES and after["entities"] > before["entities"]:
            break
        time.sleep(0.5)
    assert after["articles"] == before["articles"] + N_PAGES
    # stories, and the entity index the server keeps beside them (the pages are text dumps without an outlet)
    assert after["stories"] > before["stories"] and after["entities"] > before["entities"]
