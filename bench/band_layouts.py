"""Which LSH band layout finds shared paragraphs with the fewest lookups?

    .venv/bin/python bench/band_layouts.py --shared ../shared [--articles 6000]

Every paragraph of the first ``--articles`` SaudiNewsNet articles (one per line of
their text, at least `MIN_PARA_TOKENS` tokens) gets marsad's paragraph signature.
Each layout (bands x rows) buckets the signatures; pairs of paragraphs from
different articles that share a bucket are its candidates (buckets read up to
`MAX_BUCKET` items, as the store does).  The reference set is every candidate
pair of any layout whose exact containment reaches `PARA_THRESHOLD`: a layout's
recall is the share of that set it proposes, and its lookups per paragraph are
its band count.  Writes bench/results/band_layouts.json.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from run import snn

from marsad.dedup.minhash import MAX_BUCKET, PARA_THRESHOLD, containment, layout_digests, signatures

LAYOUTS = ((42, 3), (32, 3), (24, 3), (20, 3), (20, 2), (16, 2), (12, 2))


def candidate_pairs(sigs: list, owners: list[int], bands: int, rows: int) -> set[tuple[int, int]]:
    buckets: dict[tuple[int, str], list[int]] = defaultdict(list)
    for i, sig in enumerate(sigs):
        for b, digest in enumerate(layout_digests(sig, bands, rows)):
            buckets[(b, digest)].append(i)
    pairs = set()
    for items in buckets.values():
        items = items[:MAX_BUCKET]
        for x in range(len(items)):
            for y in range(x + 1, len(items)):
                if owners[items[x]] != owners[items[y]]:
                    pairs.add((items[x], items[y]))
    return pairs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--articles", type=int, default=6000)
    ap.add_argument("--out", default="bench/results/band_layouts.json")
    args = ap.parse_args()
    texts, sigs, owners = [], [], []
    for n, rec in enumerate(snn(Path(args.shared), args.articles)):
        paras = [p.strip() for p in rec["content"].split("\n") if p.strip()]
        for pi, sig in signatures(paras).paragraphs:
            texts.append(paras[pi])
            sigs.append(sig)
            owners.append(n)
    found = {layout: candidate_pairs(sigs, owners, *layout) for layout in LAYOUTS}
    union = set().union(*found.values())
    shared = {p for p in union if containment(texts[p[0]], texts[p[1]]) >= PARA_THRESHOLD}
    result = {"articles": args.articles, "paragraphs": len(texts), "shared_pairs": len(shared), "layouts": [
        {"bands": b, "rows": r, "lookups_per_paragraph": b, "candidate_pairs": len(found[(b, r)]),
         "recall": round(len(found[(b, r)] & shared) / max(1, len(shared)), 3),
         "precision": round(len(found[(b, r)] & shared) / max(1, len(found[(b, r)])), 3)}
        for b, r in LAYOUTS]}
    Path(args.out).write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
