"""Timeline statements against hand-labelled SaudiNewsNet sentences.

    .venv/bin/python bench/dates_eval.py --shared ../shared

The gold set is ``tests/fixtures/news_dates.tsv``: a SaudiNewsNet article (by url), the offsets of one
of its sentences, the reference day, and the date a careful reader files that sentence under (or
"none").  The article text is read from ``../shared`` at run time; nothing of it is stored here.

marsad reads the whole article (``find_dates`` against the reference day, then the timeline's
statement rule) and a sentence gets the dates of the statements that overlap it:

* predicted: the sentence has at least one statement;
* correct: exactly one statement, with the gold value (granularity included, "2015" is not "2015-07");
* precision = correct / predicted, recall = correct / gold-dated sentences.

Figures are given for the whole set, for its ``dev`` and ``test`` splits (``test`` rows were never
looked at while changing the code) and per family (the class of the gold expression, or for
"none" rows the reason there is no date).  Writes bench/results/dates_eval.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "news_dates.tsv"


def load_gold(path: Path = FIXTURE) -> list[dict]:
    """Rows of the gold set, as dicts keyed by its header."""
    rows = []
    header = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            continue
        row = dict(zip(header, cells, strict=True))
        row["start"], row["end"] = int(row["start"]), int(row["end"])
        rows.append(row)
    return rows


def load_articles(shared: Path, urls: set[str]) -> dict[str, list[str]]:
    """The contents of the SaudiNewsNet articles with these urls (a url may occur on several days)."""
    out: dict[str, list[str]] = defaultdict(list)
    for z in sorted((shared / "data" / "saudinewsnet").glob("*.zip")):
        with zipfile.ZipFile(z) as zf:
            for name in zf.namelist():
                for rec in json.loads(zf.read(name)):
                    if rec.get("url") in urls and rec.get("content"):
                        out[rec["url"]].append(rec["content"])
    return out


def sentence_text(row: dict, contents: dict[str, list[str]]) -> str | None:
    """The labelled sentence's article text, checked against the stored hash; None if it drifted."""
    for content in contents.get(row["url"], []):
        sent = content[row["start"]:row["end"]]
        if hashlib.sha1(sent.encode()).hexdigest()[:10] == row["sha1"]:
            return content
    return None


def system_statements(text: str, ref: dt.date) -> list[tuple[int, int, str, str]]:
    """(start, end, value, granularity) of each timeline statement marsad draws from one article."""
    from marsad.analyze.dates import find_dates
    from marsad.analyze.timeline import statements

    return [(s.start, s.end, s.date, s.granularity) for s in statements(text, find_dates(text, ref))]


def score(rows: list[dict]) -> dict:
    predicted = sum(1 for r in rows if r["pred"] != "none")
    gold = sum(1 for r in rows if r["gold"] != "none")
    correct = sum(1 for r in rows if r["gold"] != "none" and r["pred"] == r["gold"])
    p = correct / predicted if predicted else 1.0
    rc = correct / gold if gold else 1.0
    return {"rows": len(rows), "gold_dated": gold, "predicted": predicted, "correct": correct,
            "precision": round(p, 3), "recall": round(rc, 3),
            "f1": round(2 * p * rc / (p + rc), 3) if p + rc else 0.0,
            "none_kept_none": sum(1 for r in rows if r["gold"] == "none" and r["pred"] == "none"),
            "none_rows": sum(1 for r in rows if r["gold"] == "none")}


def run(shared: Path, fixture: Path = FIXTURE) -> dict:
    rows = load_gold(fixture)
    contents = load_articles(shared, {r["url"] for r in rows})
    missing = []
    for r in rows:
        text = sentence_text(r, contents)
        if text is None:
            missing.append(r["url"])
            r["pred"] = "missing"
            continue
        stmts = [s for s in system_statements(text, dt.date.fromisoformat(r["ref"]))
                 if s[0] < r["end"] and s[1] > r["start"]]
        values = sorted({s[2] for s in stmts})
        r["pred"] = "none" if not stmts else (values[0] if len(stmts) == 1 else "several:" + "|".join(values))
    rows = [r for r in rows if r["pred"] != "missing"]
    report = {"all": score(rows)}
    for split in ("dev", "test", "fresh", "fresh2", "fresh3", "fresh4"):
        report[split] = score([r for r in rows if r["split"] == split])
    fams = sorted({r["family"] for r in rows})
    report["families"] = {f: score([r for r in rows if r["family"] == f]) for f in fams}
    report["missing_rows"] = len(missing)
    report["errors"] = [{"split": r["split"], "family": r["family"], "url": r["url"], "start": r["start"],
                         "gold": r["gold"], "pred": r["pred"]} for r in rows if r["pred"] != r["gold"]]
    return report


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--out", default="bench/results/dates_eval.json")
    ap.add_argument("--show", choices=["dev", "test", "fresh", "fresh2", "fresh3", "all"], help="print the failing sentences of a split")
    args = ap.parse_args()
    report = run(Path(args.shared))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    print(json.dumps({k: report[k] for k in ("all", "dev", "test", "fresh", "fresh2", "fresh3")}, indent=1))
    print("family                 rows  P      R      (gold-dated / predicted / correct)")
    for fam, s in report["families"].items():
        if fam.startswith("none"):  # sentences without a date: how many got one anyway
            print(f"{fam:22s} {s['rows']:4d}  dated by mistake: {s['predicted']}")
        else:
            print(f"{fam:22s} {s['rows']:4d}  {s['precision']:.3f}  {s['recall']:.3f}  ({s['gold_dated']} / {s['predicted']} / {s['correct']})")
    if args.show:
        contents = load_articles(Path(args.shared), {e["url"] for e in report["errors"]})
        for e in report["errors"]:
            if args.show in ("all", e["split"]):
                text = contents[e["url"]][0]
                print(f"- [{e['family']}] gold {e['gold']} got {e['pred']}: {text[e['start']:e['start'] + 160]}", file=sys.stdout)


if __name__ == "__main__":
    main()
