"""Extraction quality on generated noisy pages (SaudiNewsNet) and on the seeds' gold annotations.

    .venv/bin/python bench/extraction_eval.py --shared ../shared [--pages 3000] [--seed 1]

Prints body token precision / recall / F1 and the share of foreign text kept, for
text pages and their HTML versions, with and without markers, and for the seeds;
writes bench/results/extraction_eval.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import zipfile
from pathlib import Path

from marsad.evaluation.noisy import Clean, NoisyPageBuilder, paragraphs_of, score
from marsad.extract.core import extract
from marsad.model import Page
from marsad.sources.files import page_id


def load_clean(shared: Path, limit: int, seed: int) -> list[Clean]:
    arts: list[Clean] = []
    for z in sorted((shared / "data" / "saudinewsnet").glob("*.zip")):
        with zipfile.ZipFile(z) as zf:
            for name in zf.namelist():
                for rec in json.loads(zf.read(name)):
                    paras = paragraphs_of(rec.get("content") or "")
                    title = (rec.get("title") or "").strip()
                    if title and len(paras) >= 2:
                        arts.append(Clean(title, paras, rec.get("source", ""), (rec.get("date_extracted") or "")[:10] or None))
    rng = random.Random(seed)
    rng.shuffle(arts)
    return arts[: limit * 2]


def seeds_score(shared: Path) -> dict:
    gold = json.loads((Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "seeds_gold.json").read_text(encoding="utf-8"))
    results = []
    for name, g in gold["pages"].items():
        lines = (shared / "seeds" / name).read_text(encoding="utf-8").split("\n")
        body = [lines[n - 1].strip() for n in g["body_lines"]] + [lines[p["line"] - 1][p["from_char"]:] for p in g["partial"]]
        keep = set(g["body_lines"]) | {g["title_line"]}
        foreign = [ln for n, ln in enumerate(lines, 1) if n not in keep and len(ln.split()) >= 6]
        foreign += [lines[p["line"] - 1][: p["from_char"]] for p in g["partial"]]
        text = "\n".join(lines)
        art = extract(Page(page_id(text), name, "text", text))
        results.append((body, foreign, art.text))
    return score(results).as_dict()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--pages", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="bench/results/extraction_eval.json")
    args = ap.parse_args()
    shared = Path(args.shared)
    pool = load_clean(shared, args.pages, args.seed)
    targets, others = pool[: args.pages], pool[args.pages:]
    report: dict = {"seed": args.seed, "pages": len(targets)}
    for label, marked in (("marked", 1.0), ("unmarked", 0.0), ("mixed", 0.5)):
        builder = NoisyPageBuilder(seed=args.seed, marked_share=marked)
        text_results, html_results = [], []
        t0 = time.time()
        for art in targets:
            page = builder.build(art, others)
            got = extract(Page(page_id(page.text), "gen.txt", "text", page.text))
            text_results.append((page.body, page.foreign, got.text))
            if label == "mixed":
                got_html = extract(Page(page_id(page.html), "gen.html", "html", page.html))
                html_results.append((page.body, page.foreign, got_html.text))
        report[f"text_{label}"] = score(text_results).as_dict()
        if html_results:
            report["html_mixed"] = score(html_results).as_dict()
        print(f"{label:9s} text {report[f'text_{label}']}  ({time.time() - t0:.0f}s)", file=sys.stderr)
    report["seeds"] = seeds_score(shared)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
