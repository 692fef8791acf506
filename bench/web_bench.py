"""Latency of `marsad serve` on loopback, and the time and memory of a whole-store NDJSON export.

    nice -n 10 .venv/bin/python bench/web_bench.py --db STORE.db [--build N|all] [--out bench/results/web_bench.json]

Starts `marsad serve` on 127.0.0.1 (a free port) over any store, waits until its side tables
have caught up, then measures, for the story page, the entity page and a search with filters
(outlet and a date range, sorted by date), the median and 95th-percentile latency of the HTML
page under 1 client and under 20 concurrent clients (asyncio + httpx, one connection per
client).  Targets are drawn with a fixed seed: the stories and entities with most articles
(the heaviest pages) mixed with random ones; search words are the names of frequent entities.

Export: the whole store as NDJSON through ``/api/v1/export``, timed, while the server's
anonymous memory (``RssAnon`` of ``/proc/PID/status``; VmRSS also counts the database pages SQLite
maps) is sampled every 20 ms; the same is done for exports of parts of growing size (the
articles of the smallest outlet, a middle one, the largest) so that peak memory can be compared
with the number of rows.  The client and the server share the machine's cores: under 20 clients the figures
include that contention.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_kib(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def start_server(db: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"marsad-web-bench-{port}.log"  # a file: a full pipe would stall it
    proc = subprocess.Popen([sys.executable, "-m", "marsad.cli", "serve", "--db", str(db), "--port", str(port)],
                            env={**os.environ, "MARSAD_CONFIG": "/nonexistent", "MARSAD_TOKEN": ""},
                            stdout=subprocess.DEVNULL, stderr=log.open("w"))
    proc.log = log  # type: ignore[attr-defined]
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 1800
    while time.time() < deadline:
        try:
            state = httpx.get(base + "/api/v1/changes", timeout=5).json()
            if state["index_pending"] == 0:
                return proc, base
        except httpx.HTTPError:
            if proc.poll() is not None:
                raise RuntimeError(log.read_text()) from None
        time.sleep(0.5)
    raise RuntimeError("the server did not catch up in 30 minutes")


def targets(base: str, seed: int = 7) -> dict[str, list[str]]:
    rng = random.Random(seed)
    c = httpx.Client(base_url=base, timeout=120)
    stories = []
    cursor = None
    while True:  # every story id (cursor pagination to the end)
        page = c.get("/api/v1/stories", params={"limit": 500, **({"cursor": cursor} if cursor else {})}).json()
        stories += page["items"]
        cursor = page["next"]
        if not cursor:
            break
    big = sorted(stories, key=lambda s: -s["articles"])[:10]
    story_ids = [s["id"] for s in big] + [s["id"] for s in rng.sample(stories, min(40, len(stories)))]
    entities = c.get("/api/v1/entities", params={"limit": 500}).json()["items"]
    entity_ids = [e["id"] for e in entities[:10]] + [e["id"] for e in rng.sample(entities, min(40, len(entities)))]
    outlets = [o for o in c.get("/api/v1/outlets", params={"limit": 500}).json()["items"] if o["known"]]
    days = sorted({s["date"] for s in stories if s["date"]})
    searches = []
    words = [e["name"] for e in entities[:40]]
    for k in range(50):
        outlet = outlets[k % min(5, len(outlets))]["name"] if outlets else None
        lo = days[rng.randrange(max(1, len(days) // 2))] if days else None
        hi = days[-1] if days else None
        params = {"q": words[k % len(words)], "sort": "date", "from": lo, "to": hi}
        if outlet:
            params["outlet"] = outlet
        searches.append("/search?" + httpx.QueryParams({k_: v for k_, v in params.items() if v}).__str__())
    return {"story_page": [f"/story/{i}" for i in story_ids], "entity_page": [f"/entity/{i}" for i in entity_ids],
            "search_filtered": searches}


async def _run(base: str, urls: list[str], clients: int, total: int) -> dict:
    latencies: list[float] = []
    errors = 0
    queue = [urls[i % len(urls)] for i in range(total)]

    async def worker(k: int) -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=base, timeout=120, limits=httpx.Limits(max_connections=1)) as c:
            while queue:
                url = queue.pop()
                t0 = time.perf_counter()
                r = await c.get(url)
                latencies.append((time.perf_counter() - t0) * 1000)
                errors += r.status_code != 200

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(clients)))
    wall = time.perf_counter() - t0
    latencies.sort()
    return {"requests": len(latencies), "errors": errors, "median_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1), "max_ms": round(latencies[-1], 1),
            "requests_per_s": round(len(latencies) / wall, 1)}


def latency(base: str, urls: dict[str, list[str]], requests: int) -> dict:
    out: dict[str, dict] = {}
    for name, items in urls.items():
        asyncio.run(_run(base, items[:5], 1, 5))  # warm the caches a little, like a server that has been up
        out[name] = {"1": asyncio.run(_run(base, items, 1, requests)),
                     "20": asyncio.run(_run(base, items, 20, requests * 2))}
        print(name, json.dumps(out[name]), flush=True)
    return out


def export(base: str, pid: int, params: dict) -> dict:
    # RssAnon: the server's own memory; VmRSS also counts the database file's pages mapped by SQLite (mmap)
    peak, peak_total = [_rss_kib(pid, "RssAnon")], [_rss_kib(pid)]
    base_rss, base_total = peak[0], peak_total[0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak.append(_rss_kib(pid, "RssAnon"))
            peak_total.append(_rss_kib(pid))
            time.sleep(0.02)

    thread = threading.Thread(target=sample)
    thread.start()
    rows = size = 0
    t0 = time.perf_counter()
    with httpx.stream("GET", base + "/api/v1/export", params={"format": "ndjson", **params}, timeout=3600) as r:
        for line in r.iter_lines():
            if line:
                rows += 1
                size += len(line) + 1
    seconds = time.perf_counter() - t0
    stop.set()
    thread.join()
    return {"params": params, "rows": rows, "mb": round(size / 1e6, 1), "seconds": round(seconds, 2),
            "rows_per_s": round(rows / seconds), "server_anon_before_mb": round(base_rss / 1024, 1),
            "server_anon_peak_mb": round(max(peak) / 1024, 1),
            "server_anon_growth_mb": round((max(peak) - base_rss) / 1024, 1),
            "server_rss_incl_mapped_file_before_mb": round(base_total / 1024, 1),
            "server_rss_incl_mapped_file_peak_mb": round(max(peak_total) / 1024, 1)}


def build(db: Path, shared: Path, n: int | None, workers: int) -> None:
    """Digest the first ``n`` SaudiNewsNet articles (all when None) into ``db``, as JSON-lines pages with their
    URL (so outlets are known) and fetch time; a store that already holds them is left as it is."""
    import tempfile
    import zipfile

    from marsad.pipeline import Pipeline
    from marsad.store.db import Store

    with tempfile.TemporaryDirectory() as tmp:
        pages = Path(tmp) / "saudinewsnet.jsonl"
        count = 0
        with pages.open("w", encoding="utf-8") as out:
            for z in sorted((shared / "data" / "saudinewsnet").glob("*.zip")):
                with zipfile.ZipFile(z) as zf:
                    for name in zf.namelist():
                        for rec in json.loads(zf.read(name)):
                            if n is not None and count >= n:
                                break
                            out.write(json.dumps({"url": rec.get("url"), "text": f"{rec.get('title') or ''}\n{rec.get('content') or ''}",
                                                  "fetched_at": (rec.get("date_extracted") or "").replace(" ", "T") or None},
                                                 ensure_ascii=False) + "\n")
                            count += 1
        store = Store(db)
        t0 = time.perf_counter()
        report = Pipeline(store, workers=workers).run([str(pages)])
        store.close()
        print(f"built {db}: {report.new_pages} new pages in {time.perf_counter() - t0:.0f} s", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--build", default=None, help="first digest N SaudiNewsNet articles (or 'all') into --db")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--workers", type=int, default=2, help="processes for --build")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "web_bench.json")
    ap.add_argument("--requests", type=int, default=200, help="requests per page kind with one client (twice that with 20)")
    ap.add_argument("--note", default="", help="what store this is (written into the results)")
    args = ap.parse_args()
    if args.build:
        build(args.db, args.shared, None if args.build == "all" else int(args.build), args.workers)
    if not args.db.is_file():
        ap.error(f"{args.db}: no such database (pass --build N to digest SaudiNewsNet into it)")
    with sqlite3.connect(args.db) as conn:
        size = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "stories", "storylines")}
    t0 = time.perf_counter()
    proc, base = start_server(args.db)
    ready = time.perf_counter() - t0
    try:
        urls = targets(base)
        results = latency(base, urls, args.requests)
        # exports of parts of growing size (one outlet: the smallest, a middle one, the largest), then the whole store
        outlets = sorted((o for o in httpx.get(base + "/api/v1/outlets", params={"limit": 500}).json()["items"]
                          if o["known"]), key=lambda o: o["articles"])
        picks = [outlets[0], outlets[len(outlets) // 2], outlets[-1]] if len(outlets) >= 3 else outlets
        windows = [export(base, proc.pid, {"outlet": o["name"]}) for o in picks]
        whole = export(base, proc.pid, {})
        print("export", json.dumps(whole), flush=True)
    except Exception:
        print(f"server exit code {proc.poll()}; its log: {proc.log}", file=sys.stderr)
        raise
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    report = {
        "command": " ".join(["nice -n 10 .venv/bin/python bench/web_bench.py", "--db", str(args.db),
                             "--requests", str(args.requests)] + (["--build", args.build] if args.build else [])),
        "note": args.note, "store": {"path": str(args.db), **size}, "cpus": os.cpu_count(),
        "server_ready_seconds": round(ready, 1), "latency": results, "export_whole_store": whole,
        "export_windows": windows,
        "goals": {"story_page_p95_1_client_ms": 50, "search_p95_1_client_ms": 150},
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
