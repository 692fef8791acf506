"""Graded story similarity: `marsad.similarity` against human grades, beside plain TF-IDF cosine.

    .venv/bin/python bench/similarity_eval.py --shared ../shared          # evaluate the shipped weights
    .venv/bin/python bench/similarity_eval.py --shared ../shared --fit    # refit on the training half, print weights

Pairs: tests/fixtures/graded_pairs.tsv (SaudiNewsNet URLs, grades 1-4; see docs/labelling_guide.md),
split into train / held-out by a fixed hash (marsad.evaluation.graded.is_held_out); the pairs of the
``fresh`` batch (other days, graded later) are in neither part and are never fitted on: they are
reported as a split of their own, the check that a gain on the held-out half is not tuned into it.  Each article is
given as its page text (title line, then body), with its SaudiNewsNet day as the publication date.
Reports, for the held-out half and for all pairs: Pearson of each measure with relatedness
(grade 1 -> 1, 2 -> 2/3, 3 -> 1/3, 4 -> 0), ROC AUC of same event (grade 1) against the rest and of
grade <= 2 against the rest, and the mean score each measure gives each grade.  The baseline, plain
TF-IDF cosine over normalized words with IDF from the articles of the days each batch was drawn from,
is measured in the same run.

So that the gain is not one split's luck, the weights are also refitted on other parts and scored
on the rest, beside the baseline on the same pairs: the swapped split (fit on the held-out half,
score the training half) and 5-fold cross-validation repeated with three shuffles.  A slice no
weight was tuned on is scored too: the labelled event stream of another day
(tests/fixtures/stories_labels.tsv, 2015-08-06), each article against its five nearest plain-TF-IDF
neighbours, truth = same labelled event; near neighbours of another event are the hard negatives.  The time
`marsad.similarity` takes is reported per article profile and per compared pair (CPU time).
Writes bench/results/similarity_eval.json.
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
from marsad.evaluation.graded import PlainTfidf, fresh, load_records, page_text, read_pairs, split

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT / "tests" / "fixtures" / "graded_pairs.tsv"


def scores(truth: list, pred: list[float]) -> dict:
    rel = [p.relatedness for p in truth]
    event = [int(p.grade == 1) for p in truth]
    close = [int(p.grade <= 2) for p in truth]
    def auc(labels: list[int]) -> float | None:  # undefined when a part holds one class only
        return round(float(roc_auc_score(labels, pred)), 4) if 0 < sum(labels) < len(labels) else None

    means = {g: round(float(np.mean([s for s, p in zip(pred, truth, strict=True) if p.grade == g])), 3)
             for g in (1, 2, 3, 4) if any(p.grade == g for p in truth)}
    return {"pairs": len(truth), "pearson": round(float(pearsonr(pred, rel)[0]), 4),
            "auc_same_event": auc(event), "auc_event_or_storyline": auc(close), "mean_by_grade": means}


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


def refit_scores(feats: dict, base: dict, fit_on: list, score_on: list) -> tuple[float, float]:
    """Pearson of marsad (weights refitted on ``fit_on``) and of the baseline, on ``score_on``."""
    names = list(GRADED_WEIGHTS)
    w = fit([feature_row(feats[p]) for p in fit_on], [p.relatedness for p in fit_on], names)
    truth = [p.relatedness for p in score_on]
    ours = [graded_similarity(feats[p], w) for p in score_on]
    return float(pearsonr(ours, truth)[0]), float(pearsonr([base[p] for p in score_on], truth)[0])


def other_splits(pairs: list, feats: dict, base: dict, train: list, held: list) -> dict:
    """The swapped split and repeated 5-fold cross-validation: refit on one part, score the rest."""
    ours, theirs = refit_scores(feats, base, held, train)
    out: dict = {"swapped": {"fit_on": "held_out", "scored_on": "train", "pairs": len(train),
                             "marsad_pearson": round(ours, 4), "plain_tfidf_pearson": round(theirs, 4),
                             "pearson_gain": round(ours - theirs, 4)}}
    folds = []
    for seed in range(3):
        order = np.random.RandomState(seed).permutation(len(pairs))
        for k in range(5):
            test = {int(i) for i in order[k::5]}
            fit_on = [p for i, p in enumerate(pairs) if i not in test]
            folds.append(refit_scores(feats, base, fit_on, [pairs[i] for i in sorted(test)]))
    arr = np.array(folds)
    gains = arr[:, 0] - arr[:, 1]
    out["cv5x3"] = {"folds": len(folds), "marsad_pearson_mean": round(float(arr[:, 0].mean()), 4),
                    "plain_tfidf_pearson_mean": round(float(arr[:, 1].mean()), 4),
                    "pearson_gain_mean": round(float(gains.mean()), 4),
                    "pearson_gain_min": round(float(gains.min()), 4), "pearson_gain_max": round(float(gains.max()), 4)}
    return out


def stream_check(shared: Path, neighbours: int = 5) -> dict:
    """ROC AUC and Pearson, marsad against plain TF-IDF, on near-neighbour pairs of the labelled stream."""
    labels = {}
    for line in (ROOT / "tests" / "fixtures" / "stories_labels.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            url, _, label = line.split("\t")
            labels[url] = label
    day = load_records(shared / "data" / "saudinewsnet", ["2015-08-06"])
    recs = {u: day[u] for u in sorted(labels) if u in day}
    baseline = PlainTfidf().fit(page_text(r) for r in day.values())
    profiles = {u: article_profile(replace(extract_text(page_text(r), u), published=r["date_extracted"][:10]))
                for u, r in recs.items()}
    urls = sorted(recs)
    vecs = {u: baseline.vector(page_text(recs[u])) for u in urls}
    pairs: set[tuple[str, str]] = set()
    for a in urls:
        near = sorted((b for b in urls if b != a), key=lambda b: -sum(w * vecs[b].get(t, 0.0) for t, w in vecs[a].items()))
        pairs.update(tuple(sorted((a, b))) for b in near[:neighbours])  # type: ignore[misc]
    ordered = sorted(pairs)
    truth = [int(labels[a] == labels[b]) for a, b in ordered]
    ours = [graded_similarity(pair_features(profiles[a], profiles[b])) for a, b in ordered]
    base = [baseline.similarity(page_text(recs[a]), page_text(recs[b])) for a, b in ordered]
    out: dict = {"articles": len(recs), "pairs": len(ordered), "same_event_pairs": sum(truth)}
    for name, pred in (("marsad", ours), ("plain_tfidf", base)):
        out[name] = {"roc_auc": round(float(roc_auc_score(truth, pred)), 4),
                     "pearson": round(float(pearsonr(pred, truth)[0]), 4)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--fit", action="store_true", help="fit the weights on the training half and print them")
    ap.add_argument("--out", default="bench/results/similarity_eval.json")
    args = ap.parse_args()
    t0 = time.time()
    every = read_pairs(PAIRS)
    fresh_pairs = fresh(every)
    pairs = [p for p in every if p.batch != "fresh"]  # the graded set fits and CV may use
    urls = {u for p in every for u in (p.url_a, p.url_b)}
    records = load_records(Path(args.shared) / "data" / "saudinewsnet")
    missing = sorted(urls - set(records))
    if missing:
        sys.exit(f"{len(missing)} graded URLs are not in SaudiNewsNet (first: {missing[0]})")
    # the baseline's IDF comes from every article of the days the batch's pairs were drawn from
    baselines = {}
    for batch in (pairs, fresh_pairs):
        days = {records[u]["date_extracted"][:10] for p in batch for u in (p.url_a, p.url_b)}
        model = PlainTfidf().fit(page_text(r) for r in records.values() if r["date_extracted"][:10] in days)
        baselines.update({p: model for p in batch})
    profiles = {}
    profile_seconds = 0.0
    for u in sorted(urls):
        art = replace(extract_text(page_text(records[u]), u), published=records[u]["date_extracted"][:10])
        t1 = time.process_time()
        profiles[u] = article_profile(art)  # analysis included
        profile_seconds += time.process_time() - t1
    t1 = time.process_time()
    for _ in range(5):  # a few rounds: one is too short for the process clock
        feats = {p: pair_features(profiles[p.url_a], profiles[p.url_b]) for p in every}
        for p in every:
            graded_similarity(feats[p])
    pair_seconds = (time.process_time() - t1) / 5
    base_scores = {p: baselines[p].similarity(page_text(records[p.url_a]), page_text(records[p.url_b]))
                   for p in every}
    train, held = split(pairs)
    if args.fit:
        names = list(GRADED_WEIGHTS)
        weights = fit([feature_row(feats[p]) for p in train], [p.relatedness for p in train], names)
        print(json.dumps(weights, indent=1))
    else:
        weights = GRADED_WEIGHTS
    report: dict = {"pairs": len(pairs), "train_pairs": len(train), "held_out_pairs": len(held),
                    "fresh_pairs": len(fresh_pairs),
                    "grades": {g: sum(p.grade == g for p in pairs) for g in (1, 2, 3, 4)},
                    "fresh_grades": {g: sum(p.grade == g for p in fresh_pairs) for g in (1, 2, 3, 4)},
                    "weights": weights}
    # random pairs are all unrelated and near 0 for every measure: they lift both Pearsons and shrink the gap
    held_related = [p for p in held if p.family != "random"]
    fresh_related = [p for p in fresh_pairs if p.family != "random"]
    for name, part in (("held_out", held), ("held_out_without_random", held_related), ("train", train),
                       ("all", pairs), ("fresh", fresh_pairs), ("fresh_without_random", fresh_related)):
        if not part:
            continue
        ours = [graded_similarity(feats[p], weights) for p in part]
        base = [base_scores[p] for p in part]
        term = [feats[p].term for p in part]
        report[name] = {"marsad": scores(part, ours), "plain_tfidf": scores(part, base), "term_cosine": scores(part, term)}
        report[name]["pearson_gain"] = round(report[name]["marsad"]["pearson"] - report[name]["plain_tfidf"]["pearson"], 4)
    # per sampling family: random pairs are unrelated and easy for any measure and lift the pooled
    # figure of every measure; the neighbour families are the hard middle ground
    for split_name, whole in (("held_out", held), ("fresh", fresh_pairs)):
        table: dict = {}
        for fam in sorted({p.family for p in whole}):
            part = [p for p in whole if p.family == fam]
            if len({p.grade for p in part}) < 2:  # one grade only: no correlation to report
                table[fam] = {"pairs": len(part), "grades": sorted({p.grade for p in part})}
                continue
            ours = [graded_similarity(feats[p], weights) for p in part]
            base = [base_scores[p] for p in part]
            row = {"marsad": scores(part, ours), "plain_tfidf": scores(part, base)}
            row["pearson_gain"] = round(row["marsad"]["pearson"] - row["plain_tfidf"]["pearson"], 4)
            table[fam] = row
        report[f"{split_name}_by_family"] = table
    report["other_splits"] = other_splits(pairs, feats, base_scores, train, held)
    if not args.fit:
        report["stream_check"] = stream_check(Path(args.shared))
    report["speed"] = {"clock": "process_time", "profile_ms_per_article": round(1000 * profile_seconds / len(profiles), 2),
                       "pair_us": round(1e6 * pair_seconds / len(every), 1)}
    report["seconds"] = round(time.time() - t0, 1)
    if not args.fit:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(json.dumps(report, indent=1))
    h = report["held_out"]
    print(f"held-out Pearson: marsad {h['marsad']['pearson']:.3f}, plain TF-IDF {h['plain_tfidf']['pearson']:.3f}",
          file=sys.stderr)
    if "fresh" in report:
        f = report["fresh"]
        print(f"fresh Pearson: marsad {f['marsad']['pearson']:.3f}, plain TF-IDF {f['plain_tfidf']['pearson']:.3f}",
              file=sys.stderr)
    o = report["other_splits"]
    print(f"swapped split gain {o['swapped']['pearson_gain']:+.3f}; 5-fold x3 mean gain "
          f"{o['cv5x3']['pearson_gain_mean']:+.3f} (marsad {o['cv5x3']['marsad_pearson_mean']:.3f})", file=sys.stderr)
    if "stream_check" in report:
        c = report["stream_check"]
        print(f"labelled stream, near-neighbour pairs: ROC AUC marsad {c['marsad']['roc_auc']:.3f}, "
              f"plain TF-IDF {c['plain_tfidf']['roc_auc']:.3f}", file=sys.stderr)


if __name__ == "__main__":
    main()
