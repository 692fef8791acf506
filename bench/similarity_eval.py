"""Graded story similarity: `marsad.similarity` against human grades, beside plain TF-IDF cosine.

    .venv/bin/python bench/similarity_eval.py --shared ../shared          # evaluate the shipped weights
    .venv/bin/python bench/similarity_eval.py --shared ../shared --fit    # refit on the training half, print weights

Pairs: tests/fixtures/graded_pairs.tsv (SaudiNewsNet URLs, grades 1-4; see docs/labelling_guide.md),
split into train / held-out by a fixed hash (marsad.evaluation.graded.is_held_out).  Each article is
given as its page text (title line, then body), with its SaudiNewsNet day as the publication date.
Reports, for the held-out half and for all pairs: Pearson of each measure with relatedness
(grade 1 -> 1, 2 -> 2/3, 3 -> 1/3, 4 -> 0), ROC AUC of same event (grade 1) against the rest and of
grade <= 2 against the rest.  The baseline, plain TF-IDF cosine over normalized words with IDF from
the same days' articles, is measured in the same run.  Writes bench/results/similarity_eval.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from scipy.stats import pearsonr
from sklearn.metrics import roc_auc_score

from marsad.api import article_profile, extract_text
from marsad.cluster.similarity import GRADED_WEIGHTS, feature_row, graded_similarity, pair_features
from marsad.evaluation.graded import PlainTfidf, load_records, page_text, read_pairs, split

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT / "tests" / "fixtures" / "graded_pairs.tsv"


def scores(truth: list, pred: list[float]) -> dict:
    rel = [p.relatedness for p in truth]
    event = [int(p.grade == 1) for p in truth]
    close = [int(p.grade <= 2) for p in truth]
    def auc(labels: list[int]) -> float | None:  # undefined when a part holds one class only
        return round(float(roc_auc_score(labels, pred)), 4) if 0 < sum(labels) < len(labels) else None

    return {"pairs": len(truth), "pearson": round(float(pearsonr(pred, rel)[0]), 4),
            "auc_same_event": auc(event), "auc_event_or_storyline": auc(close)}


def fit(rows: list[dict[str, float]], y: list[float], names: list[str]) -> dict[str, float]:
    """Least squares of a logistic output against relatedness (a very light L2 keeps it stable)."""
    x = np.array([[r[n] for n in names] for r in rows])
    t = np.array(y)

    def loss(w: np.ndarray) -> float:
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        return float(((p - t) ** 2).mean() + 1e-4 * (w[1:] ** 2).sum() / len(w))

    w0 = np.zeros(len(names))
    res = minimize(loss, w0, method="L-BFGS-B")
    return {n: round(float(v), 2) for n, v in zip(names, res.x, strict=True)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--fit", action="store_true", help="fit the weights on the training half and print them")
    ap.add_argument("--out", default="bench/results/similarity_eval.json")
    args = ap.parse_args()
    t0 = time.time()
    pairs = read_pairs(PAIRS)
    urls = {u for p in pairs for u in (p.url_a, p.url_b)}
    records = load_records(Path(args.shared) / "data" / "saudinewsnet")
    missing = sorted(urls - set(records))
    if missing:
        sys.exit(f"{len(missing)} graded URLs are not in SaudiNewsNet (first: {missing[0]})")
    # the baseline's IDF comes from every article of the days the pairs were drawn from
    pair_days = {records[u]["date_extracted"][:10] for u in urls}
    baseline = PlainTfidf().fit(page_text(r) for r in records.values() if r["date_extracted"][:10] in pair_days)
    profiles = {}
    for u in sorted(urls):
        art = replace(extract_text(page_text(records[u]), u), published=records[u]["date_extracted"][:10])
        profiles[u] = article_profile(art)
    feats = {p: pair_features(profiles[p.url_a], profiles[p.url_b]) for p in pairs}
    train, held = split(pairs)
    if args.fit:
        names = list(GRADED_WEIGHTS)
        weights = fit([feature_row(feats[p]) for p in train], [p.relatedness for p in train], names)
        print(json.dumps(weights, indent=1))
    else:
        weights = GRADED_WEIGHTS
    report: dict = {"pairs": len(pairs), "train_pairs": len(train), "held_out_pairs": len(held),
                    "grades": {g: sum(p.grade == g for p in pairs) for g in (1, 2, 3, 4)},
                    "weights": weights}
    for name, part in (("held_out", held), ("train", train), ("all", pairs)):
        ours = [graded_similarity(feats[p], weights) for p in part]
        base = [baseline.similarity(page_text(records[p.url_a]), page_text(records[p.url_b])) for p in part]
        term = [feats[p].term for p in part]
        report[name] = {"marsad": scores(part, ours), "plain_tfidf": scores(part, base), "term_cosine": scores(part, term)}
        report[name]["pearson_gain"] = round(report[name]["marsad"]["pearson"] - report[name]["plain_tfidf"]["pearson"], 4)
    # per sampling family: random pairs are unrelated and easy for any measure and lift the pooled
    # figure of every measure; the neighbour families are the hard middle ground
    report["held_out_by_family"] = {}
    for fam in sorted({p.family for p in held}):
        part = [p for p in held if p.family == fam]
        if len({p.grade for p in part}) < 2:  # one grade only: no correlation to report
            report["held_out_by_family"][fam] = {"pairs": len(part), "grades": sorted({p.grade for p in part})}
            continue
        ours = [graded_similarity(feats[p], weights) for p in part]
        base = [baseline.similarity(page_text(records[p.url_a]), page_text(records[p.url_b])) for p in part]
        row = {"marsad": scores(part, ours), "plain_tfidf": scores(part, base)}
        row["pearson_gain"] = round(row["marsad"]["pearson"] - row["plain_tfidf"]["pearson"], 4)
        report["held_out_by_family"][fam] = row
    report["seconds"] = round(time.time() - t0, 1)
    if not args.fit:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(json.dumps(report, indent=1))
    h = report["held_out"]
    print(f"held-out Pearson: marsad {h['marsad']['pearson']:.3f}, plain TF-IDF {h['plain_tfidf']['pearson']:.3f}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
