"""HTML extraction cost against trafilatura alone, on the same pages, in one run (issue #19).

    nice -n 10 .venv/bin/python bench/extract_speed.py --shared ../shared [--pages 300] [--profile]

The pages are the HTML versions of the first ``--pages`` SaudiNewsNet records that
`bench/run.py` builds for its ``html_first_300`` figure.  trafilatura alone (its defaults,
with metadata) and marsad's `extract` each run in their own worker process, and the
parent hands them the same page in turn (alternating, one at a time), so that

* each side meets every page once, as a fresh page, and neither profits from caches
  the other filled (trafilatura and htmldate keep LRU caches keyed by text: in one
  process the second reader of a page runs on the first one's cache);
* each page is timed in its worker's process CPU time, so load from other processes
  on a shared machine falls on both alike.

Both workers first read the same 20 warm-up pages (imports, data files, models).
``--profile`` prints a cProfile of marsad's side instead.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from multiprocessing import Pipe, Process
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from run import _extract_html, _extract_text, _html_versions, _trafilatura_only, snn  # noqa: E402

WARM = 20


def _worker(conn, name: str, htmls: list[str]) -> None:
    fn = _extract_html if name == "marsad" else _trafilatura_only
    for h in htmls[-WARM:]:
        fn(h)
    conn.send("ready")
    while (k := conn.recv()) is not None:
        t0 = time.process_time()
        fn(htmls[k])
        conn.send(time.process_time() - t0)


def _long_pages(shared: Path) -> None:
    """CPU seconds of one page of 300 and of 3,000 paragraphs (the SNN records' paragraphs in order):
    a cleaner that is linear in paragraphs takes about ten times as long on the second."""
    from html import escape

    paras = [p for r in snn(shared, 400) for p in r["content"].split("\n") if len(p.split()) >= 3]
    out = {}
    for n in (300, 3000):
        html = ("<html><head><title>عنوان</title></head><body><article><h1>عنوان</h1>"
                + "".join(f"<p>{escape(p)}</p>" for p in paras[:n]) + "</article></body></html>")
        for kind, page in (("text", "عنوان\n" + "\n".join(paras[:n])), ("html", html)):
            fn = _extract_html if kind == "html" else _extract_text
            t0 = time.process_time()
            kept = fn(page)
            out[f"{kind}_{n}_paragraphs_cpu_s"] = round(time.process_time() - t0, 3)
            out[f"{kind}_{n}_paragraphs_kept"] = kept
    print(json.dumps(out))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--sort", default="tottime", help="cProfile order with --profile")
    ap.add_argument("--long", action="store_true", help="time one long page of 300 and of 3,000 paragraphs instead")
    args = ap.parse_args()
    if args.long:
        _long_pages(Path(args.shared))
        return
    # the measured pages, then WARM more pages (the next records) that only warm the workers up
    htmls = _html_versions(snn(Path(args.shared), args.pages + WARM))
    if args.profile:
        import cProfile
        import pstats

        for h in htmls[-WARM:]:
            _extract_html(h)
        prof = cProfile.Profile()
        prof.enable()
        for h in htmls[: args.pages]:
            _extract_html(h)
        prof.disable()
        pstats.Stats(prof).sort_stats(args.sort).print_stats(120)
        return
    print(json.dumps(compare_in_workers(htmls, args.pages)))


def compare_in_workers(htmls: list[str], pages: int) -> dict:
    """CPU time of trafilatura alone and of marsad's extraction on ``htmls[:pages]``, each side in its own
    worker, alternating page by page (the last ``WARM`` pages of ``htmls`` only warm the workers up)."""
    sides = {}
    for name in ("trafilatura", "marsad"):
        parent, child = Pipe()
        p = Process(target=_worker, args=(child, name, htmls), daemon=True)
        p.start()
        sides[name] = (parent, p)
    for parent, _ in sides.values():
        assert parent.recv() == "ready"
    cpu = {name: 0.0 for name in sides}
    worst = {name: (0.0, -1) for name in sides}
    for k in range(pages):
        order = ("trafilatura", "marsad") if k % 2 == 0 else ("marsad", "trafilatura")
        for name in order:
            sides[name][0].send(k)
            dt = sides[name][0].recv()
            cpu[name] += dt
            worst[name] = max(worst[name], (dt, k))
    for parent, p in sides.values():
        parent.send(None)
        p.join()
    return {"pages": pages,
            "trafilatura_alone_cpu_ms_per_page": round(1000 * cpu["trafilatura"] / pages, 2),
            "marsad_extract_cpu_ms_per_page": round(1000 * cpu["marsad"] / pages, 2),
            "time_ratio_marsad_to_trafilatura": round(cpu["marsad"] / cpu["trafilatura"], 3),
            "slowest_page_ms": {k: [round(1000 * v[0], 1), v[1]] for k, v in worst.items()}}


if __name__ == "__main__":
    main()
