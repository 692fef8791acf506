"""Backfill throughput on Spark at local[1] and local[2] on the same input, against the single-machine path,
and an extrapolation to 1 M articles on 64 cores.

    .venv/bin/python bench/spark_bench.py --shared ../shared --n 300

One run, same input (the first N SaudiNewsNet articles as a JSON-lines file, cut into tasks of about
``--task-pages`` pages):

* ``stages``: the executor-side stages (extraction, terms, analysis, MinHash) as Spark tasks at
  local[1] and at local[2] (each in a fresh work folder, wall time of the job, session start-up excluded);
  their ratio says whether the job scales with cores;
* ``single_machine``: the same pages through `Pipeline.extract_pending` + `analyze_pending` in one process
  (the per-core rate of `marsad digest`);
* ``tail``: for the local[2] run, the steps after the tasks (Spark derive, load into the store, the
  clustering in one process, storylines / dates / reports), per article;
* ``extrapolation_1m_64_cores``: the figures above carried to 1 M articles, assumptions written out.

Results: bench/results/spark_bench.json.  The machine this was written on has 2 cores shared with other
jobs: compare the figures of one run with each other, not with another run's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def write_input(shared: Path, n: int, path: Path) -> int:
    """The first ``n`` SaudiNewsNet articles (file order) as JSON lines; returns how many."""
    count = 0
    with open(path, "w", encoding="utf-8") as fh:
        for z in sorted((shared / "data" / "saudinewsnet").glob("*.zip")):
            with zipfile.ZipFile(z) as zf:
                for name in zf.namelist():
                    for r in json.loads(zf.read(name)):
                        fh.write(json.dumps({"url": r.get("url"), "text": f"{r.get('title') or ''}\n{r.get('content') or ''}",
                                             "fetched_at": r.get("date_extracted")}, ensure_ascii=False) + "\n")
                        count += 1
                        if count >= n:
                            return count
    return count


def spark_stages(master: str, inp: Path, work: Path, split_bytes: int) -> dict:
    from marsad.scale import spark as engine
    from marsad.scale.backfill import prepare

    tasks, _ = prepare([str(inp)], work, split_bytes)
    t0 = time.perf_counter()
    spark = engine.session(master)
    start = time.perf_counter() - t0
    t1 = time.perf_counter()
    stats = engine.run_tasks(spark, tasks, work)
    seconds = time.perf_counter() - t1
    spark.stop()
    pages = sum(s.get("pages", 0) for s in stats)
    return {"master": master, "tasks": len(tasks), "pages": pages, "session_start_s": round(start, 1),
            "seconds": round(seconds, 1), "pages_per_s": round(pages / seconds, 2),
            "model_load_s_per_process": sorted({s["load_seconds"] for s in stats if s.get("load_seconds")}),
            "processes": len({s["pid"] for s in stats})}


def single_machine(inp: Path, folder: Path) -> dict:
    from marsad.pipeline import Pipeline
    from marsad.store.db import Store

    store = Store(folder / "single.db")
    pipe = Pipeline(store, workers=1)
    pipe.ingest([str(inp)])
    pipe.warm_up()  # model loading is counted apart, as the Spark tasks count it apart
    t0 = time.perf_counter()
    n = pipe.extract_pending()
    t1 = time.perf_counter()
    pipe.analyze_pending()
    t2 = time.perf_counter()
    store.close()
    return {"pages": n, "extract_s": round(t1 - t0, 1), "analyse_s": round(t2 - t1, 1),
            "pages_per_s": round(n / (t2 - t0), 2)}


def tail(inp: Path, work: Path, db: Path, split_bytes: int) -> dict:
    """Finish the local[2] run (its tasks are done): derive on Spark, load, cluster, finish."""
    from marsad.scale.backfill import backfill

    # the story reports at the end in two processes, as `marsad backfill` (-j 0: all cores) builds them
    report = backfill([str(inp)], db, work, engine="spark", master="local[2]", split_bytes=split_bytes, workers=2)
    n = report.articles
    fin = report.details["finish"]["seconds"]
    ms = {k: round(1000 * report.seconds[k] / n, 2) for k in ("derive", "load")}
    ms["cluster"] = round(1000 * fin["cluster"] / n, 2)
    ms["finish"] = round(1000 * (report.seconds["finish"] - fin["cluster"]) / n, 2)  # storylines, dates, reports
    return {"articles": n, "seconds": report.seconds, "finish_detail_s": fin, "ms_per_article": ms,
            "stories": report.stories}


def extrapolate(r: dict) -> dict:
    """1 M articles on 64 cores (e.g. 16 executors of 4 cores), from this run's figures and from the
    figures measured on a quiet machine (bench_speed_1k.json, full_digest_j2.json, bench.json)."""
    n, cores = 1_000_000, 64
    results = ROOT / "bench" / "results"
    bench = json.loads((results / "bench.json").read_text())
    quiet_1k = json.loads((results / "bench_speed_1k.json").read_text())["end_to_end"]
    full_j2 = json.loads((results / "full_digest_j2.json").read_text())
    at = bench["full_pipeline"]["cluster_ms_per_article_at"]
    growth = at["30897"] / at["1000"]  # clustering cost per article, 1k -> 31k articles (x31)
    # one process after the stages: this run's per-article tail (load into the store, then clustering,
    # storylines, dates and story reports), grown by the growth the clustering showed for 1k -> 31k, once
    # for the step to 31k and once more for 31k -> 1M (another x32)
    load_ms = r["tail"]["ms_per_article"]["load"]
    finish_ms = r["tail"]["ms_per_article"]["finish"]
    load_1m, finish_1m = load_ms * growth, finish_ms * growth * growth
    one_h = (load_1m + finish_1m) * n / 1000 / 3600
    # parallel efficiency measured at 2 cores (above 1 only by the noise of a shared machine: capped)
    eff = min(1.0, r["stages"]["scaling_local2_over_local1"] / 2)

    def stages_h(per_core: float) -> float:
        return n / (per_core * cores * eff) / 3600

    measured, idle = r["stages"]["local[1]"]["pages_per_s"], quiet_1k["j1"]["articles_per_s"]
    return {
        "articles": n, "cores": cores,
        "assumptions": [
            f"executor stages: per-core rate as measured here at local[1] ({measured} pages/s; load average at "
            f"the start {r['machine']['load_avg_at_start'][0]:.1f}) or the whole single-machine digest at -j 1 on a "
            f"quiet core ({idle} articles/s, bench_speed_1k.json: extraction, analysis and everything after it)",
            f"parallel efficiency at {cores} cores as measured here at 2 ({eff:.2f}); the archives are read from "
            "storage that is not the bottleneck",
            "derive (band group-by, verification) is a few shuffles of small rows: minutes on 64 cores, not counted",
            f"one process after the stages: this run's load ({load_ms:.1f} ms/article) and finish (clustering, "
            f"storylines, dates, reports: {finish_ms:.1f} ms/article) at {r['tail']['articles']} articles, grown "
            f"x{growth:.2f} per x31 in size (the clustering's growth 1k -> 31k in bench.json): once for the load, "
            "twice for the finish (1k -> 31k -> 1M)",
            f"single machine for comparison: all of SaudiNewsNet digested at -j 2 on this 2-core machine, quiet: "
            f"{full_j2['articles_per_s']} articles/s (full_digest_j2.json); at 1M its main process slows too, so this is a lower bound",
        ],
        "stages_hours": {"per_core_as_measured_here": round(stages_h(measured), 2),
                         "per_core_quiet_machine": round(stages_h(idle), 2)},
        "one_process_ms_per_article_at_1m": {"load": round(load_1m, 2), "finish": round(finish_1m, 2)},
        "one_process_hours": round(one_h, 2),
        "total_hours": {"as_measured_here": round(stages_h(measured) + one_h, 1),
                        "quiet_machine": round(stages_h(idle) + one_h, 1)},
        "digest_one_machine_2_cores_hours_at_least": round(n / full_j2["articles_per_s"] / 3600, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--task-pages", type=int, default=25, help="pages per task (sets the split size)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "spark_bench.json")
    ap.add_argument("--recompute", action="store_true", help="only redo the extrapolation of --out")
    args = ap.parse_args()
    if args.recompute:
        result = json.loads(args.out.read_text(encoding="utf-8"))
        result["extrapolation_1m_64_cores"] = extrapolate(result)
        args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
        print(json.dumps(result["extrapolation_1m_64_cores"], indent=2))
        return
    tmp = Path(tempfile.mkdtemp(prefix="marsad-spark-bench-"))
    try:
        inp = tmp / "input.jsonl"
        n = write_input(args.shared, args.n, inp)
        split = max(1, inp.stat().st_size // n * args.task_pages)
        result: dict = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                    "load_avg_at_start": os.getloadavg()},
                        "command": "python bench/spark_bench.py " + " ".join(sys.argv[1:]), "articles": n, "stages": {}}
        for master in ("local[1]", "local[2]"):
            result["stages"][master] = spark_stages(master, inp, tmp / f"work-{master[6]}", split)
            print(master, result["stages"][master], flush=True)
        result["stages"]["scaling_local2_over_local1"] = round(
            result["stages"]["local[2]"]["pages_per_s"] / result["stages"]["local[1]"]["pages_per_s"], 2)
        result["single_machine"] = single_machine(inp, tmp)
        print("single machine", result["single_machine"], flush=True)
        result["per_core_spark_over_single_machine"] = round(
            result["stages"]["local[1]"]["pages_per_s"] / result["single_machine"]["pages_per_s"], 2)
        result["tail"] = tail(inp, tmp / "work-2", tmp / "spark.db", split)
        print("tail", result["tail"], flush=True)
        result["extrapolation_1m_64_cores"] = extrapolate(result)
        result["machine"]["load_avg_at_end"] = os.getloadavg()
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
        print(json.dumps(result["extrapolation_1m_64_cores"], indent=2))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
