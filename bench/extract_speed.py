"""HTML extraction cost against trafilatura alone, on the same pages, in one run (issue #19).

    nice -n 10 .venv/bin/python bench/extract_speed.py --shared ../shared --repeat 3 --out bench/results/extract_speed.json

(``--pages 300`` by default; ``--profile`` prints a cProfile of marsad's side instead.)

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
``--repeat N`` runs the comparison N times, each with a fresh pair of workers, and reports each
run's ratio and their median beside the load average of the machine before each run (the ratio,
not the milliseconds, is the figure to compare: on a loaded machine both sides slow down, the
side with the larger working set a little more).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from multiprocessing import Pipe, Process, get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from run import _extract_html, _extract_text, _html_versions, _trafilatura_only, snn  # noqa: E402

WARM = 20


def _worker(conn, name: str, htmls: list[str], src: str | None = None) -> None:
    if src is not None:  # the extractor of another tree (``--before``): this process must run that one
        sys.path.insert(0, src)  # (a spawned process starts from its parent's path)
        import marsad

        assert Path(marsad.__file__).resolve().is_relative_to(Path(src).resolve()), marsad.__file__
    fn = _trafilatura_only if name == "trafilatura" else _extract_html
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
    ap.add_argument("--repeat", type=int, default=1, help="run the comparison this many times (fresh workers each)")
    ap.add_argument("--out", help="also write the result to this JSON file")
    ap.add_argument("--before", metavar="SRC",
                    help="a src/ folder holding an earlier marsad: its extractor runs as a third side of the same run")
    ap.add_argument("--before-label", help="what the --before tree is, written to the result instead of its path")
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
    runs = []
    for _ in range(max(1, args.repeat)):
        load = os.getloadavg()
        run = compare_in_workers(htmls, args.pages, before_src=args.before)
        run["load_average_1_5_15_before"] = [round(x, 2) for x in load]
        runs.append(run)
        print(json.dumps(run), file=sys.stderr)
    ratios = [r["time_ratio_marsad_to_trafilatura"] for r in runs]
    result = {"pages": args.pages, "cpus": os.cpu_count(),
              "time_ratio_marsad_to_trafilatura_median": statistics.median(ratios),
              "time_ratio_marsad_to_trafilatura_runs": ratios,
              "trafilatura_alone_cpu_ms_per_page_median": statistics.median(
                  r["trafilatura_alone_cpu_ms_per_page"] for r in runs),
              "marsad_extract_cpu_ms_per_page_median": statistics.median(r["marsad_extract_cpu_ms_per_page"] for r in runs),
              "runs": runs}
    if args.before:
        result["before"] = args.before_label or args.before
        result["time_ratio_before_to_trafilatura_runs"] = [r["time_ratio_before_to_trafilatura"] for r in runs]
        result["time_ratio_before_to_trafilatura_median"] = statistics.median(
            result["time_ratio_before_to_trafilatura_runs"])
    print(json.dumps(result))
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=1) + "\n")


def compare_in_workers(htmls: list[str], pages: int, before_src: str | None = None) -> dict:
    """CPU time of trafilatura alone and of marsad's extraction on ``htmls[:pages]``, each side in its own
    worker, alternating page by page (the last ``WARM`` pages of ``htmls`` only warm the workers up).

    With ``before_src`` (a ``src`` folder of an earlier tree) a third worker, started afresh with that
    folder first on its path, runs the earlier extractor on the same pages in the same rotation."""
    sides = {}
    for name in ("trafilatura", "marsad") + (("marsad_before",) if before_src else ()):
        parent, child = Pipe()
        if name == "marsad_before":
            # a fresh interpreter (not a fork of this one, which has imported marsad), the earlier tree first on its path
            p = get_context("spawn").Process(target=_worker, args=(child, name, htmls, str(before_src)), daemon=True)
            p.start()
        else:
            p = Process(target=_worker, args=(child, name, htmls), daemon=True)
            p.start()
        child.close()  # a worker that dies ends the run with EOFError instead of a wait forever
        sides[name] = (parent, p)
    for parent, _ in sides.values():
        assert parent.recv() == "ready"
    cpu = {name: 0.0 for name in sides}
    worst = {name: (0.0, -1) for name in sides}
    names = list(sides)
    for k in range(pages):
        order = names[k % len(names):] + names[:k % len(names)]  # each side first in turn
        for name in order:
            sides[name][0].send(k)
            dt = sides[name][0].recv()
            cpu[name] += dt
            worst[name] = max(worst[name], (dt, k))
    for parent, p in sides.values():
        parent.send(None)
        p.join()
    out = {"pages": pages,
           "trafilatura_alone_cpu_ms_per_page": round(1000 * cpu["trafilatura"] / pages, 2),
           "marsad_extract_cpu_ms_per_page": round(1000 * cpu["marsad"] / pages, 2),
           "time_ratio_marsad_to_trafilatura": round(cpu["marsad"] / cpu["trafilatura"], 3),
           "slowest_page_ms": {k: [round(1000 * v[0], 1), v[1]] for k, v in worst.items()}}
    if before_src:
        out["before_extract_cpu_ms_per_page"] = round(1000 * cpu["marsad_before"] / pages, 2)
        out["time_ratio_before_to_trafilatura"] = round(cpu["marsad_before"] / cpu["trafilatura"], 3)
    return out


if __name__ == "__main__":
    main()
