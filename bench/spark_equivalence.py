"""The Spark backfill against `marsad digest` on the same SaudiNewsNet articles: identical records, and how
well the story partitions agree (B-cubed F1, the digest partition taken as the reference).

    .venv/bin/python bench/spark_equivalence.py --shared ../shared --n 10000

The first N articles (file order) are written as one JSON-lines file; `digest` (`Pipeline.run`, ``--workers``
processes) and `backfill --engine spark --master MASTER` each build a store from it, and the stores are
compared table by table: pages, articles, analyses, clustering features, term counts, duplicates, shared
paragraphs, story assignments, storylines.  The clustering time per article of both paths is reported
too (the digest path's includes its MinHash and term-vector work, which the backfill does in Spark).

Results: bench/results/spark_equivalence.json (or ``--out``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from spark_bench import write_input  # noqa: E402


def snapshot(db: Path) -> dict:
    from marsad.store import bulk
    from marsad.store.db import Store

    store = Store(db)
    try:
        conn = store.conn
        return {
            "pages": {r[0]: r[1:] for r in conn.execute("SELECT id, seq, source, kind, content, url, fetched_at FROM pages")},
            "articles": bulk.table_rows(store, "articles", "id"),
            "analyses": bulk.table_rows(store, "analyses", "article_id"),
            "features": bulk.table_rows(store, "features", "article_id"),
            "term_df": dict(conn.execute("SELECT term, df FROM term_df")),
            "shared_paragraphs": {r[:4]: r[4] for r in bulk.shared_paragraphs(store)},
            "assignments": store.assignments(),
            "storylines": {s.id: tuple(s.story_ids) for s in store.storylines()},
            "input_errors": dict(store.input_errors()),
        }
    finally:
        store.close()


def compare(a: dict, b: dict) -> dict:
    from marsad.evaluation.clustering import bcubed

    out: dict = {}
    for key in a:
        if key == "assignments":
            continue
        x, y = a[key], b[key]
        same = sum(1 for k in x if k in y and x[k] == y[k])
        out[key] = {"digest": len(x), "spark": len(y), "identical": same,
                    "all_identical": same == len(x) == len(y)}
        if key in ("articles", "analyses", "features") and same < len(x):
            fields: dict[str, int] = {}
            for k in x:
                if k in y and x[k] != y[k]:
                    a, b = json.loads(x[k]), json.loads(y[k])
                    for f in a:
                        if a[f] != b.get(f):
                            fields[f] = fields.get(f, 0) + 1
            out[key]["differing_fields"] = fields
    gold = {k: s for k, (s, _) in a["assignments"].items()}
    pred = {k: s for k, (s, _) in b["assignments"].items()}
    out["stories"] = {"digest": len(set(gold.values())), "spark": len(set(pred.values())),
                      "same_story_ids": sum(1 for k in gold if pred.get(k) == gold[k]),
                      "bcubed": {k: round(v, 4) for k, v in bcubed(gold, pred).items()}}
    dup_a = {k: d for k, (_, d) in a["assignments"].items()}
    dup_b = {k: d for k, (_, d) in b["assignments"].items()}
    out["duplicate_of"] = {"digest": sum(1 for d in dup_a.values() if d), "spark": sum(1 for d in dup_b.values() if d),
                           "identical": sum(1 for k in dup_a if dup_b.get(k, "-") == dup_a[k])}
    return out


def _run_on_a_snapshot_of_the_code() -> None:
    """Re-run this script on a copy of src/ (PYTHONPATH, inherited by pool and Spark workers), so that the
    two paths run the same code even if the working tree changes during the hour they take."""
    if os.environ.get("MARSAD_SNAPSHOT"):
        return
    snap = Path(tempfile.mkdtemp(prefix="marsad-src-"))
    shutil.copytree(ROOT / "src", snap / "src", ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "MARSAD_SNAPSHOT": str(snap), "PYTHONPATH": str(snap / "src")}
    os.execve(sys.executable, [sys.executable, *sys.argv], env)


def main() -> None:
    _run_on_a_snapshot_of_the_code()
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--workers", type=int, default=2, help="processes of the digest path")
    ap.add_argument("--task-pages", type=int, default=200)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "spark_equivalence.json")
    args = ap.parse_args()

    from marsad.pipeline import Pipeline
    from marsad.scale.backfill import backfill
    from marsad.store.db import Store

    tmp = Path(tempfile.mkdtemp(prefix="marsad-spark-eq-"))
    try:
        inp = tmp / "saudinewsnet.jsonl"
        n = write_input(args.shared, args.n, inp)
        split = max(1, inp.stat().st_size // n * args.task_pages)
        t0 = time.perf_counter()
        store = Store(tmp / "digest.db")
        run = Pipeline(store, workers=args.workers).run([str(inp)])
        store.close()
        digest_s = time.perf_counter() - t0
        print(f"digest: {digest_s:.0f} s {run.seconds}", flush=True)
        t0 = time.perf_counter()
        rep = backfill([str(inp)], tmp / "spark.db", engine="spark", master=args.master, split_bytes=split)
        spark_s = time.perf_counter() - t0
        print(f"spark: {spark_s:.0f} s {rep.seconds}", flush=True)
        result = {
            "command": "python bench/spark_equivalence.py " + " ".join(sys.argv[1:]),
            "code": "a copy of src/ taken at the start, used by both paths",
            "articles_in": n, "master": args.master, "digest_workers": args.workers, "tasks": rep.tasks,
            "cpus": os.cpu_count(), "load_avg_at_end": os.getloadavg(),
            "seconds": {"digest": round(digest_s, 1), "digest_stages": {k: round(v, 1) for k, v in run.seconds.items()},
                        "spark": round(spark_s, 1), "spark_stages": rep.seconds},
            "cluster_ms_per_article": {
                "digest_cluster_stage": round(1000 * run.seconds["cluster"] / max(1, rep.articles), 2),
                "backfill_cluster_stage": round(1000 * rep.details["finish"]["seconds"]["cluster"] / max(1, rep.articles), 2),
            },
            "comparison": compare(snapshot(tmp / "digest.db"), snapshot(tmp / "spark.db")),
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
        print(json.dumps(result["comparison"], indent=2))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(os.environ["MARSAD_SNAPSHOT"], ignore_errors=True)


if __name__ == "__main__":
    main()
