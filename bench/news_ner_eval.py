"""Entity precision/recall/F1 per type on news text (hand-labelled SaudiNewsNet sentences), ANERcorp alongside.

    .venv/bin/python bench/news_ner_eval.py --shared ../shared [--split dev|heldout|all] [--errors] [--skip-anercorp]

The gold set is tests/fixtures/news_entities.jsonl (162 sentences, 313 entities; the
last five days, 45 sentences, are held out: not looked at while tuning).  The
recognizer is ``analyze.entities.find_mentions`` on the whole article, as in the
pipeline.  The ANERcorp figure is the same as ``marsad eval ner ANERCorp.txt`` (test
split, exact span and type, micro).  Writes bench/results/news_ner_eval.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from marsad.analyze.entities import find_mentions
from marsad.evaluation.news_ner import TYPES, load_gold, score

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--split", choices=("dev", "heldout", "all"), default="all")
    ap.add_argument("--errors", action="store_true", help="print false positives and misses (dev split only)")
    ap.add_argument("--skip-anercorp", action="store_true")
    args = ap.parse_args(argv)
    gold = load_gold(ROOT / "tests" / "fixtures" / "news_entities.jsonl", args.shared / "data" / "saudinewsnet")
    result: dict = {"gold": "tests/fixtures/news_entities.jsonl", "sentences": {}}
    t0 = time.perf_counter()
    for split in ("dev", "heldout", "all"):
        part = [g for g in gold if split == "all" or g.split == split]
        result["sentences"][split] = len(part)
        for mode in ("exact", "overlap"):
            counts, errors = score(part, find_mentions, mode)
            result[f"{split}_{mode}"] = {t: counts[t].as_dict() for t in (*TYPES, "ALL")}
            if args.errors and split == "dev" and mode == "exact":
                for typ, text, url in errors.false_positives:
                    print(f"FP {typ}\t{text}\t{url}")
                for typ, text, url in errors.false_negatives:
                    print(f"FN {typ}\t{text}\t{url}")
    result["seconds"] = round(time.perf_counter() - t0, 1)
    for split in ("dev", "heldout", "all"):
        for mode in ("exact", "overlap"):
            row = result[f"{split}_{mode}"]
            cells = "  ".join(f"{t} P {row[t]['precision']:.3f} R {row[t]['recall']:.3f} F1 {row[t]['f1']:.3f}"
                              for t in (*TYPES, "ALL"))
            print(f"{split:8s} {mode:8s} {cells}")
    if not args.skip_anercorp:
        from marsad.analyze import ner

        pairs = ner.read_conll(args.shared / "data" / "anercorp" / "ANERCorp.txt")
        _, test = ner.split(pairs)
        micro = ner.evaluate(test)
        result["anercorp"] = {t: {k: round(v, 3) for k, v in m.items()} for t, m in micro.items()}
        overall = micro.get("overall", {})
        print("ANERcorp test split:", json.dumps(result["anercorp"], ensure_ascii=False))
        if overall:
            result["anercorp_f1"] = round(overall.get("f1", 0.0), 3)
    out = ROOT / "bench" / "results" / "news_ner_eval.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
