"""Soak test of `marsad watch`: SaudiNewsNet pages served by a local server, polled to the end.

    nice -n 10 .venv/bin/python bench/watch_soak.py --shared ../shared --pages 10000 [--rate 4] [--kill-pages 300]

Part 1 (throughput, delay, memory): the first ``--pages`` SaudiNewsNet articles (as HTML pages
with their title and date) appear in 14 RSS feeds, one per SaudiNewsNet outlet, at ``--rate``
pages per second; a `Watcher` (in this process, real clock) polls every feed every ``--interval``
seconds, 50 pages a batch.  Reported: pages per second over the run; the delay from a page's
appearance in its feed to its story being updated (median, 95th percentile); the process's peak
memory (``ru_maxrss``) as it passes 250, 500, 1k, 2k, 5k and 10k pages and at the end.

Part 2 (kill -9 and restart): ``--kill-pages`` pages listed at once in a URL list; a reference
`marsad watch --once` runs uninterrupted into one store; into another, `marsad watch --once` is
killed with SIGKILL at random moments (``--kills`` times, 0.5–10 s after each start has loaded
the models) and restarted
until a run completes.  Both use batches of one page, so the order pages reach the clustering is
the queue's whatever the kills (batch boundaries would otherwise change it).  Reported: whether the
two stores hold the same articles, the same stories (as sets of articles) and the same
storylines, and every page request the server saw after the page had been stored (must be none).

The server runs in its own process and listens on 127.0.0.1 only.  Results go to
``bench/results/watch_soak.json``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import resource
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FEED_ITEMS = 300  # newest items a feed lists


def snn(shared: Path, limit: int) -> list[dict]:
    out: list[dict] = []
    for z in sorted((shared / "data" / "saudinewsnet").glob("*.zip")):
        with zipfile.ZipFile(z) as zf:
            for name in zf.namelist():
                for rec in json.loads(zf.read(name)):
                    if rec.get("content") and rec.get("title"):
                        out.append(rec)
                        if len(out) >= limit:
                            return out
    return out


def page_html(rec: dict) -> bytes:
    paras = "".join(f"<p>{escape(p)}</p>" for p in rec["content"].split("\n") if p.strip())
    title = escape(rec["title"])
    return (f'<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta property="article:published_time" content="{rec["date_extracted"][:10]}"></head>'
            f"<body><article><h1>{title}</h1>{paras}</article></body></html>").encode()


# -- the server (own process) ------------------------------------------------------------------
def serve(shared: str, n: int, rate: float, port_q, t0) -> None:
    recs = snn(Path(shared), n)
    pages = [page_html(r) for r in recs]
    outlets = sorted({r["source"] for r in recs})
    by_outlet = {o: [i for i, r in enumerate(recs) if r["source"] == o] for o in outlets}
    hits: list[tuple[str, float]] = []
    lock = threading.Lock()

    def released(now: float) -> int:
        start = t0.value
        return 0 if start <= 0 else min(n, int((now - start) * rate) + 1)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def send(self, status: int, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):  # noqa: N802
            now = time.time()
            path = self.path
            if path.startswith("/page/"):
                i = int(path.split("/")[2].split(".")[0])
                with lock:
                    hits.append((path, now))
                if i >= n:
                    return self.send(404, b"no", "text/plain")
                return self.send(200, pages[i], "text/html; charset=utf-8")
            if path.startswith("/feed/"):
                outlet = path.split("/")[2].removesuffix(".xml")
                k = released(now)
                live = [i for i in by_outlet.get(outlet, []) if i < k][-FEED_ITEMS:][::-1]
                etag = f'"{outlet}-{len(live)}-{live[0] if live else -1}"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                items = "".join(f"<item><title>{escape(recs[i]['title'])}</title><link>http://127.0.0.1:{port}/page/{i}.html"
                                f"</link><guid>p{i}</guid></item>" for i in live)
                body = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{outlet}</title>'
                        f"{items}</channel></rss>").encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return None
            if path.startswith("/list/"):
                m = int(path.split("/")[2].removesuffix(".txt"))
                body = "\n".join(f"http://127.0.0.1:{port}/page/{i}.html" for i in range(min(m, n))).encode()
                return self.send(200, body, "text/plain")
            if path == "/hits":
                with lock:
                    data = json.dumps(hits).encode()
                return self.send(200, data, "application/json")
            if path == "/hits/reset":
                with lock:
                    hits.clear()
                return self.send(200, b"{}", "application/json")
            return self.send(404, b"no", "text/plain")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    port_q.put((port, outlets))
    server.serve_forever()


def get_json(port: int, path: str):
    import httpx

    return httpx.get(f"http://127.0.0.1:{port}{path}", timeout=30).json()


def sources_toml(path: Path, port: int, outlets: list[str], interval: float, batch: int, kind: str = "feed",
                 list_pages: int = 0) -> None:
    lines = ["[fetch]", "per_host_delay = 0", "per_host_concurrency = 4", "workers = 8", f"batch = {batch}",
             "retries = 2", "backoff = 0.5", ""]
    if kind == "feed":
        for o in outlets:
            lines += ["[[source]]", f'name = "{o}"', f'outlet = "{o}"', f'url = "http://127.0.0.1:{port}/feed/{o}.xml"',
                      f"interval = {interval}", ""]
    else:
        lines += ["[[source]]", 'name = "list"', 'kind = "urls"', 'outlet = "list"',
                  f'url = "http://127.0.0.1:{port}/list/{list_pages}.txt"', "interval = 3600", ""]
    lines += ["[[watchlist]]", 'name = "breaking"', 'events = ["breaking"]', ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def rss_mb() -> float:
    """Peak resident memory of this process so far, MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cache_entries() -> dict[str, int]:
    """Entries held by marsad's bounded in-process caches (functools LRU caches of loaded modules)."""
    out: dict[str, int] = {}
    for name, mod in list(sys.modules.items()):
        if not name.startswith("marsad"):
            continue
        for attr, fn in list(vars(mod).items()):
            info = getattr(fn, "cache_info", None)
            if callable(info) and getattr(fn, "__module__", "") == name:
                ci = info()
                if ci.maxsize and ci.currsize > 1000:
                    out[f"{name}.{attr}"] = ci.currsize
    return out


def current_mb() -> float:
    """Resident memory now, MB (VmRSS)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


# -- part 1 -------------------------------------------------------------------------------------
def top_growth(before, after, limit: int = 15) -> list[dict]:
    """The source lines whose live allocations grew most between two tracemalloc snapshots."""
    import tracemalloc

    keep = [tracemalloc.Filter(False, tracemalloc.__file__)]
    stats = after.filter_traces(keep).compare_to(before.filter_traces(keep), "lineno")
    return [{"where": f"{Path(s.traceback[0].filename).name}:{s.traceback[0].lineno}",
             "grew_mb": round(s.size_diff / 2**20, 2), "live_mb": round(s.size / 2**20, 2), "blocks_grew": s.count_diff}
            for s in sorted(stats, key=lambda s: -s.size_diff)[:limit]]


def timing_run(port: int, outlets: list[str], n: int, rate: float, interval: float, t0, work: Path,
               trace: bool = False) -> dict:
    from marsad.store.db import Store
    from marsad.watch.clock import SystemClock
    from marsad.watch.config import load_config
    from marsad.watch.log import EventLog
    from marsad.watch.runner import Watcher

    cfg_path = work / "timing.toml"
    sources_toml(cfg_path, port, outlets, interval, batch=50)
    store = Store(work / "timing.db")
    clock = SystemClock()
    log = EventLog(clock, open(work / "timing.log", "w", encoding="utf-8"), "json")
    watcher = Watcher(load_config(cfg_path), store, clock=clock, log=log)
    watcher.start()
    snapshots: dict[str, object] = {}
    if trace:  # Python allocations only (not SQLite's page cache); slows the run, so its timings are not comparable
        import tracemalloc

        tracemalloc.start(1)
    memory_at: dict[str, float] = {"after warm-up": round(rss_mb(), 1)}
    current_at: dict[str, float] = {"after warm-up": round(current_mb(), 1)}
    caches_at: dict[str, dict[str, int]] = {}
    marks = [m for m in (100, 250, 500, 750, 1000, 1500, 2000, 3000, 5000, 7500, 10000) if m <= n]
    delays: list[float] = []
    stored = 0
    start = time.time()
    t0.value = start  # pages start appearing now: page i at start + i / rate
    idle = 0  # rounds in a row that stored nothing once every page was listed
    copies = failed = 0  # pages whose content was stored already (SaudiNewsNet repeats articles); fetch failures
    while stored + copies + failed < n:
        report = watcher.run_round()
        copies += report.unchanged
        failed += report.failed
        idle = idle + 1 if not report.stored and time.time() - start > n / rate + interval else 0
        if idle >= 5 and not watcher.wstore.queued():
            break  # what is left scrolled off its feed (FEED_ITEMS) before a poll read it: counted as missed
        for s in report.stored:
            i = int(s.url.rsplit("/", 1)[1].split(".")[0])
            delays.append(s.done_at - (start + i / rate))
        stored += len(report.stored)
        while marks and stored >= marks[0]:
            current_at[str(marks[0])] = round(current_mb(), 1)
            caches_at[str(marks[0])] = cache_entries()
            print(f"{marks[0]} pages: resident {current_at[str(marks[0])]} MB, peak {rss_mb():.0f} MB, "
                  f"{time.time() - start:.0f} s", file=sys.stderr, flush=True)
            if trace:
                snapshots[str(marks[0])] = tracemalloc.take_snapshot()
                print(f"mark {marks[0]}: rss {current_mb():.0f} MB, python {tracemalloc.get_traced_memory()[0] / 2**20:.0f} MB",
                      file=sys.stderr, flush=True)
                if len(snapshots) >= 2:
                    names = list(snapshots)
                    for row in top_growth(snapshots[names[-2]], snapshots[names[-1]], 12):
                        print("   ", row, file=sys.stderr, flush=True)
            memory_at[str(marks.pop(0))] = round(rss_mb(), 1)
        if stored + copies + failed < n:
            clock.sleep(max(0.2, min(interval, watcher.seconds_to_next_due(clock.now()))))
    elapsed = time.time() - start
    memory_at["end"] = round(rss_mb(), 1)
    current_at["end"] = round(current_mb(), 1)
    arts, stories = store.count("articles"), store.count("stories")
    emptied = dict(watcher.memory.cleared)
    watcher.close()
    store.close()
    delays.sort()
    growth = {}
    if trace and len(snapshots) >= 2:
        names = list(snapshots)
        growth = {f"{names[0]}->{names[-1]}": top_growth(snapshots[names[0]], snapshots[names[-1]])}
        tracemalloc.stop()
    out = {
        "pages": n, "rate_offered": rate, "interval_s": interval, "elapsed_s": round(elapsed, 1),
        "pages_per_s": round(stored / elapsed, 2),
        "note": "pages appear at rate_offered; pages_per_s can exceed it only by the backlog the run starts with",
        "delay_s": {"median": round(statistics.median(delays), 2), "p95": round(delays[int(0.95 * (len(delays) - 1))], 2),
                    "max": round(delays[-1], 2)},
        "peak_memory_mb_at_pages": memory_at, "resident_memory_mb_at_pages": current_at,
        "lru_cache_entries_at_pages": caches_at, "memo_caches_emptied": emptied,
        "articles": arts, "stories": stories, "copies_not_stored": copies, "fetch_failed": failed,
        "missed": n - stored - copies - failed,
    }
    if growth:
        out["python_allocation_growth"] = growth
    return out


# -- part 2 -------------------------------------------------------------------------------------
def watch_cmd(cfg: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "marsad.cli", "watch", str(cfg), "--db", str(db), "--once", "--log-format", "json"]


def stored_count(db: Path) -> int:
    if not db.exists():
        return 0
    conn = sqlite3.connect(db, timeout=30)
    try:
        return conn.execute("SELECT COUNT(*) FROM watch_urls WHERE status = 'stored'").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def snapshot(db: Path) -> dict:
    conn = sqlite3.connect(db, timeout=30)
    arts = {r[0] for r in conn.execute("SELECT id FROM articles")}
    stories: dict[str, set] = {}
    for aid, sid in conn.execute("SELECT article_id, story_id FROM assignments"):
        stories.setdefault(sid, set()).add(aid)
    lines: dict[str, set] = {}
    for sid, lid in conn.execute("SELECT story_id, storyline_id FROM story_state"):
        lines.setdefault(lid, set()).add(frozenset(stories.get(sid, ())))
    stored_at = dict(conn.execute("SELECT url, stored_at FROM watch_pages"))
    conn.close()
    return {"articles": arts, "stories": {frozenset(v) for v in stories.values()},
            "storylines": {frozenset(v) for v in lines.values()}, "stored_at": stored_at}


def kill_run(port: int, m: int, kills: int, work: Path, seed: int) -> dict:
    rng = random.Random(seed)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cfg = work / "list.toml"
    sources_toml(cfg, port, [], 3600, batch=1, kind="list", list_pages=m)
    ref_db, kill_db = work / "reference.db", work / "killed.db"
    t = time.time()
    subprocess.run(watch_cmd(cfg, ref_db), env=env, check=True, stderr=subprocess.DEVNULL)
    ref_seconds = time.time() - t
    get_json(port, "/hits/reset")
    killed_at: list[int] = []
    runs = 0
    t = time.time()
    while True:
        runs += 1
        proc = subprocess.Popen(watch_cmd(cfg, kill_db), env=env, stderr=subprocess.PIPE, text=True)
        started = threading.Event()

        def drain(p=proc, ev=started) -> None:  # read the log (a full pipe would block the watcher)
            for line in p.stderr:
                if '"event": "start"' in line:
                    ev.set()
            ev.set()

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        if len(killed_at) < kills:
            started.wait(timeout=300)  # models loaded: from here on a kill can land anywhere in the work
            try:
                proc.wait(timeout=rng.uniform(0.5, 10))
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                reader.join()
                killed_at.append(stored_count(kill_db))
                continue
        else:
            proc.wait()
        reader.join()
        if proc.returncode == 0 and stored_count(kill_db) >= m:
            break
        if runs > kills + 20:
            break
    kill_seconds = time.time() - t
    hits = get_json(port, "/hits")
    ref, got = snapshot(ref_db), snapshot(kill_db)
    base = f"http://127.0.0.1:{port}"
    after_stored = [(p, ts) for p, ts in hits if base + p in got["stored_at"] and ts > got["stored_at"][base + p]]
    counts: dict[str, int] = {}
    for p, _ in hits:
        counts[p] = counts.get(p, 0) + 1
    return {
        "pages": m, "batch": 1, "kills": len(killed_at), "stored_when_killed": killed_at, "runs": runs,
        "reference_s": round(ref_seconds, 1), "killed_runs_s": round(kill_seconds, 1),
        "same_articles": ref["articles"] == got["articles"], "articles": len(got["articles"]),
        "same_stories": ref["stories"] == got["stories"], "stories": len(got["stories"]),
        "stories_differing": len(ref["stories"] ^ got["stories"]),
        "same_storylines": ref["storylines"] == got["storylines"],
        "requests_after_stored": len(after_stored),
        "urls_requested_twice": sum(1 for c in counts.values() if c > 1),
        "note": "a URL requested twice was killed between its fetch and the commit of its page",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--rate", type=float, default=4.0, help="pages appearing per second")
    ap.add_argument("--interval", type=float, default=5.0, help="feed polling interval, seconds")
    ap.add_argument("--kill-pages", type=int, default=300)
    ap.add_argument("--kills", type=int, default=4)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--skip-timing", action="store_true", help="only part 2 (other parts of --out are kept)")
    ap.add_argument("--skip-kill", action="store_true", help="only part 1 (other parts of --out are kept)")
    ap.add_argument("--trace-memory", action="store_true",
                    help="tracemalloc snapshots at the marks: the lines whose allocations grew most (slows the run)")
    ap.add_argument("--label", default="timing", help="key of part 1's figures in --out (to keep runs at several rates)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "watch_soak.json")
    args = ap.parse_args()

    t0 = mp.Value("d", 0.0)
    port_q: mp.Queue = mp.Queue()
    server = mp.Process(target=serve, args=(str(args.shared), max(args.pages, args.kill_pages), args.rate, port_q, t0),
                         daemon=True)
    server.start()
    port, outlets = port_q.get(timeout=300)
    result: dict = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    result["cpus"] = os.cpu_count()
    command = " ".join([".venv/bin/python bench/watch_soak.py", *sys.argv[1:]])
    load = os.getloadavg()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            if not args.skip_timing:
                result[args.label] = timing_run(port, outlets, args.pages, args.rate, args.interval, t0, work,
                                               trace=args.trace_memory)
                result[args.label].update(command=command, load_avg_at_start=load, load_avg_at_end=os.getloadavg())
                print(json.dumps(result[args.label], ensure_ascii=False), flush=True)
            if not args.skip_kill:
                load = os.getloadavg()
                result["kill_restart"] = kill_run(port, args.kill_pages, args.kills, work, args.seed)
                result["kill_restart"].update(command=command, load_avg_at_start=load, load_avg_at_end=os.getloadavg())
                print(json.dumps(result["kill_restart"], ensure_ascii=False), flush=True)
    finally:
        server.terminate()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
