"""Entity precision/recall/F1 per type on news text (hand-labelled SaudiNewsNet sentences), ANERcorp alongside.

    .venv/bin/python bench/news_ner_eval.py --shared ../shared [--errors [--errors-split dev]] [--skip-anercorp]
        [--speed-before OLD_entities.py [--speed-articles 500] [--speed-rounds 3]]

The gold set is tests/fixtures/news_entities.jsonl: the original 162 sentences, 313
entities (117 ``dev`` sentences; the last five days, 45 sentences, ``heldout``: not
looked at while tuning), then 45 ``fresh`` and 50 ``dev2`` sentences of other articles,
one random sentence each (seeds 1616 and 2027), labelled before the recognizer was run on
them; dev2 was then used for development, fresh never; then 48 ``blind`` sentences (every 25th
article of 2015-07-24, the rule is in the fixture's first line), labelled before the recognizer
was run on them and never tuned on; then 61 ``blind2`` sentences (every 28th article of 2015-07-22,
rule in the fixture's first line) labelled the same way in session 10, whose totals only (never its errors)
were looked at while the rules were tuned on the others; then 44 ``dev3`` sentences (every 40th article of
2015-07-31) labelled the same way and then used for development; then 63 ``blind3`` sentences (session 11: every
45th article of 2015-07-26, every 40th of 2015-08-02, every 140th of 2015-07-27; rule in the fixture's first line)
labelled the same way before the recognizer ran on them, whose totals only were looked at in session 11; from session 11
blind2 is a development split, and from session 12 blind3 is one too; then 61 ``blind4`` sentences (session 12: every 40th
article of 2015-08-01 and of 2015-08-04, every 80th of 2015-07-25; rule in the fixture's first line) labelled the same way
before the recognizer ran on them, whose totals only are looked at (``--errors-split`` never prints them).  ``all`` is dev + heldout (the original set);
``all_labelled`` is the 305 sentences before blind2, ``all_with_blind2`` the 410 before blind3 (with dev3) and
``all_with_blind3`` the 473 before blind4 and ``all_with_blind4`` every part.  The exact-span false positives of each part are
counted by class (``boundary``, ``type``, ``spurious``; see ``evaluation.news_ner``).  The
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
from marsad.evaluation.news_ner import TYPES, error_classes, load_gold, score

ROOT = Path(__file__).resolve().parents[1]
SPLITS = ("dev", "dev2", "dev3", "heldout", "fresh", "blind", "blind2", "blind3", "blind4", "all", "all_labelled",
          "all_with_blind2", "all_with_blind3", "all_with_blind4")
_PARTS = {"dev": ("dev",), "dev2": ("dev2",), "dev3": ("dev3",), "heldout": ("heldout",), "fresh": ("fresh",), "blind": ("blind",),
          "blind2": ("blind2",), "all": ("dev", "heldout"), "all_labelled": ("dev", "dev2", "heldout", "fresh", "blind"),
          "all_with_blind2": ("dev", "dev2", "dev3", "heldout", "fresh", "blind", "blind2"), "blind3": ("blind3",),
          "all_with_blind3": ("dev", "dev2", "dev3", "heldout", "fresh", "blind", "blind2", "blind3"), "blind4": ("blind4",),
          "all_with_blind4": ("dev", "dev2", "dev3", "heldout", "fresh", "blind", "blind2", "blind3", "blind4")}


def speed(before: Path, shared: Path, n: int, rounds: int) -> dict:
    """CPU ms per article of an earlier ``entities.find_mentions`` and of this tree's, interleaved, on the
    first ``n`` SaudiNewsNet records (least of ``rounds`` passes): whole, and with the recognizer's tags
    cached so that only the rules around it are timed (the recognizer is the same for both)."""
    import importlib.util

    from marsad.analyze import ner
    from marsad.api import extract_text

    sys.path.insert(0, str(ROOT / "bench"))
    from run import snn  # noqa: E402  (bench/run.py: the first SaudiNewsNet records)

    spec = importlib.util.spec_from_file_location("entities_before", before)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["entities_before"] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    texts = [extract_text(f"{r.get('title') or ''}\n{r['content']}").text for r in snn(shared, n)]
    fns = {"before": module.find_mentions, "after": find_mentions}

    def cpu_ms(fn) -> float:
        t0 = time.process_time()
        for t in texts:
            fn(t)
        return round((time.process_time() - t0) / len(texts) * 1000, 2)

    out: dict = {"articles": len(texts), "before_code": str(before), "whole": {}, "rules_only": {}}
    for fn in fns.values():
        [fn(t) for t in texts[:100]]  # warm: models loaded, the recognizer's tables filled
    passes: dict[str, list[float]] = {f"{k}_{m}": [] for k in fns for m in ("whole", "rules_only")}
    real = ner.tag_document
    cache: dict = {}

    def cached(sentences, recognizer=None):
        key = tuple(map(tuple, sentences))
        if key not in cache:
            cache[key] = real(sentences, recognizer)
        return cache[key]

    try:
        for _ in range(rounds):
            ner.tag_document = real  # type: ignore[assignment]
            for name, fn in fns.items():
                passes[f"{name}_whole"].append(cpu_ms(fn))
            ner.tag_document = cached  # type: ignore[assignment]
            for name, fn in fns.items():
                passes[f"{name}_rules_only"].append(cpu_ms(fn))
    finally:
        ner.tag_document = real  # type: ignore[assignment]
    for m in ("whole", "rules_only"):
        out[m] = {k: min(passes[f"{k}_{m}"]) for k in fns}
    out["passes"] = passes
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--errors", action="store_true", help="print the classified false positives and the misses")
    ap.add_argument("--errors-split", choices=[s for s in SPLITS if "blind4" not in s], default="dev",
                    help="whose errors --errors prints (default dev; blind4's are never printed)")
    ap.add_argument("--skip-anercorp", action="store_true")
    ap.add_argument("--speed-before", type=Path,
                    help="an earlier entities.py: time its find_mentions against this tree's on SaudiNewsNet")
    ap.add_argument("--speed-articles", type=int, default=500)
    ap.add_argument("--speed-rounds", type=int, default=3)
    args = ap.parse_args(argv)
    gold = load_gold(ROOT / "tests" / "fixtures" / "news_entities.jsonl", args.shared / "data" / "saudinewsnet")
    result: dict = {"gold": "tests/fixtures/news_entities.jsonl", "sentences": {}}
    t0 = time.perf_counter()
    result["false_positive_classes"] = {}
    for split in SPLITS:
        part = [g for g in gold if g.split in _PARTS[split]]
        result["sentences"][split] = len(part)
        for mode in ("exact", "overlap"):
            counts, errors = score(part, find_mentions, mode)
            result[f"{split}_{mode}"] = {t: counts[t].as_dict() for t in (*TYPES, "ALL")}
            if mode == "exact":
                result["false_positive_classes"][split] = error_classes(errors)
            if args.errors and split == args.errors_split and mode == "exact":
                for cls, typ, text, gtyp, gtext, url in sorted(errors.classified):
                    print(f"FP {cls:8s} {typ}\t{text}\t| gold {gtyp} {gtext}\t{url}")
                for typ, text, url in errors.false_negatives:
                    print(f"FN {typ}\t{text}\t{url}")
    result["seconds"] = round(time.perf_counter() - t0, 1)
    for split in SPLITS:
        classes = result["false_positive_classes"][split]
        print(f"{split:9s} exact false positives by class:",
              "  ".join(f"{c} {sum(v.values())} ({', '.join(f'{t} {n}' for t, n in v.items())})"
                        for c, v in classes.items()))
    for split in SPLITS:
        for mode in ("exact", "overlap"):
            row = result[f"{split}_{mode}"]
            cells = "  ".join(f"{t} P {row[t]['precision']:.3f} R {row[t]['recall']:.3f} F1 {row[t]['f1']:.3f}"
                              for t in (*TYPES, "ALL"))
            print(f"{split:9s} {mode:8s} {cells}")
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
    if args.speed_before:
        result["speed"] = speed(args.speed_before, args.shared, args.speed_articles, args.speed_rounds)
        print("find_mentions CPU ms per article:", json.dumps(result["speed"]))
    out = ROOT / "bench" / "results" / "news_ner_eval.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
