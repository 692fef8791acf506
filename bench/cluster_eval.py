"""Story clustering quality: B-cubed and pairwise F1 on the seeds and on the labelled SaudiNewsNet stream.

    .venv/bin/python bench/cluster_eval.py --shared ../shared [--shuffle-seed 5]

The labelled stream is tests/fixtures/stories_labels.tsv (read from 2015-08-06.zip);
the pages are fed through the whole pipeline (extraction, analysis, clustering)
into a fresh store.  With --shuffle-seed the same pages are fed in another order
and the partitions are compared.  Writes bench/results/cluster_eval.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from marsad.evaluation.clustering import bcubed, pairwise
from marsad.pipeline import Pipeline
from marsad.store.db import Store

ROOT = Path(__file__).resolve().parents[1]


def load_labels() -> dict[str, str]:
    out = {}
    for line in (ROOT / "tests" / "fixtures" / "stories_labels.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            url, _, label = line.split("\t")
            out[url] = label
    return out


def write_stream(shared: Path, labels: dict[str, str], folder: Path, order_seed: int | None) -> None:
    with zipfile.ZipFile(shared / "data" / "saudinewsnet" / "2015-08-06.zip") as zf:
        recs = [r for name in zf.namelist() for r in json.loads(zf.read(name)) if r["url"] in labels]
    if order_seed is not None:
        random.Random(order_seed).shuffle(recs)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "stream.jsonl", "w", encoding="utf-8") as fh:
        for r in recs:
            fh.write(json.dumps({"url": r["url"], "text": f"{r['title']}\n{r['content']}"}, ensure_ascii=False) + "\n")


def run(folder: Path) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "m.db")
        Pipeline(store).run([str(folder)])
        pred = {}
        for a in store.articles():
            pred[a.url or a.source] = store.story_of(a.id) or a.id
        store.close()
    return pred


def similarity_quality(shared: Path, labels: dict[str, str], seed: int = 1) -> dict:
    """How well `marsad.similarity` separates same-event pairs of different outlets from other pairs."""
    from itertools import combinations

    from sklearn.metrics import roc_auc_score

    import marsad
    from marsad.api import extract_text

    with zipfile.ZipFile(shared / "data" / "saudinewsnet" / "2015-08-06.zip") as zf:
        recs = {r["url"]: r for name in zf.namelist() for r in json.loads(zf.read(name)) if r["url"] in labels}
    arts = {u: extract_text(f"{r['title']}\n{r['content']}") for u, r in recs.items()}
    urls = sorted(arts)
    same = [(a, b) for a, b in combinations(urls, 2) if labels[a] == labels[b] and recs[a]["source"] != recs[b]["source"]]
    rng = random.Random(seed)
    other = []
    while len(other) < len(same):
        a, b = rng.sample(urls, 2)
        if labels[a] != labels[b]:
            other.append((a, b))
    scores = [marsad.similarity(arts[a], arts[b]) for a, b in same + other]
    truth = [1] * len(same) + [0] * len(other)
    at = [int(s >= 0.33) for s in scores]
    accuracy = sum(int(p == t) for p, t in zip(at, truth, strict=True)) / len(truth)
    return {"pairs_same_event": len(same), "pairs_other": len(other), "roc_auc": round(roc_auc_score(truth, scores), 4),
            "accuracy_at_0.33": round(accuracy, 4)}


def seeds(shared: Path) -> dict:
    gold_doc = json.loads((ROOT / "tests" / "fixtures" / "seeds_gold.json").read_text(encoding="utf-8"))
    gold = {name[:3]: f"s{k}" for k, group in enumerate(gold_doc["stories"]) for name in group}
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "m.db")
        Pipeline(store).run([str(shared / "seeds")])
        pred = {Path(a.source).name[:3]: store.story_of(a.id) for a in store.articles()}
        store.close()
    return {"bcubed": bcubed(gold, pred), "pairwise": pairwise(gold, pred)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--shuffle-seed", type=int, default=5)
    ap.add_argument("--out", default="bench/results/cluster_eval.json")
    args = ap.parse_args()
    shared = Path(args.shared)
    labels = load_labels()
    report: dict = {"labelled_items": len(labels), "labelled_events": len(set(labels.values()))}
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.time()
        write_stream(shared, labels, Path(tmp) / "a", None)
        pred = run(Path(tmp) / "a")
        report["labelled"] = {"bcubed": bcubed(labels, pred), "pairwise": pairwise(labels, pred),
                              "seconds": round(time.time() - t0, 1)}
        write_stream(shared, labels, Path(tmp) / "b", args.shuffle_seed)
        pred_b = run(Path(tmp) / "b")
        report["labelled"]["other_order_same_partition"] = bcubed(pred, pred_b)["f1"] == 1.0
    report["seeds"] = seeds(shared)
    report["similarity"] = similarity_quality(shared, labels)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(json.dumps(report, indent=1))
    print(f"labelled B-cubed F1 {report['labelled']['bcubed']['f1']:.3f}", file=sys.stderr)


if __name__ == "__main__":
    main()
