"""Clustering metrics: B-cubed precision/recall/F1 and pairwise F1 of a predicted partition against gold labels."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations


def bcubed(gold: dict[str, str], pred: dict[str, str]) -> dict[str, float]:
    """B-cubed P/R/F1 over the items both partitions label."""
    items = [i for i in gold if i in pred]
    g_members, p_members = defaultdict(set), defaultdict(set)
    for i in items:
        g_members[gold[i]].add(i)
        p_members[pred[i]].add(i)
    p_sum = r_sum = 0.0
    for i in items:
        g, p = g_members[gold[i]], p_members[pred[i]]
        inter = len(g & p)
        p_sum += inter / len(p)
        r_sum += inter / len(g)
    n = len(items) or 1
    prec, rec = p_sum / n, r_sum / n
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": prec, "recall": rec, "f1": f1, "items": float(len(items))}


def pairwise(gold: dict[str, str], pred: dict[str, str]) -> dict[str, float]:
    """Precision/recall/F1 over the pairs of items put together."""
    items = sorted(i for i in gold if i in pred)
    tp = fp = fn = 0
    for a, b in combinations(items, 2):
        same_g, same_p = gold[a] == gold[b], pred[a] == pred[b]
        tp += same_g and same_p
        fp += same_p and not same_g
        fn += same_g and not same_p
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": prec, "recall": rec, "f1": f1}
