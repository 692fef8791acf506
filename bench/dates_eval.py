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

Figures are given for the whole set, for each split (``dev`` was looked at while changing the code;
``test`` and the ``fresh*`` samples were labelled before marsad ran on them; see bench/README.md) and
per family (the class of the gold expression, or for "none" rows the reason there is no date).
Writes bench/results/dates_eval.json.

A new blind sample is drawn with ``--draw SEED`` (see `draw`): candidate rows for a labeller, written
to a file outside the repository with the sentence text beside each row; marsad is not run.
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
SPLITS = ("dev", "test", "fresh", "fresh2", "fresh3", "fresh4", "fresh5")
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


# the kinds of time word a drawn sentence is stratified by (plain patterns on the normalized sentence, not
# marsad's date finder, so that the draw does not lean towards what marsad finds)
DRAW_KINDS = {
    "weekday": r"(?:ال)?(?:اثنين|ثلاثاء|اربعاء|خميس|جمعه|سبت|احد)(?![\p{L}])",
    "today_yesterday": r"(?<![\p{L}])(?:[وف]?اليوم|[وف]?امس|غدا|الليله)(?![\p{L}])",
    "month_name": None,  # filled from months.tsv
    "offset": r"(?<![\p{L}])(?:قبل|بعد|منذ)\s+(?:\S+\s+){0,2}?(?:يوم|ايام|يومين|اسبوع|اسابيع|اسبوعين|شهر|اشهر|شهور|شهرين|عام|اعوام|عاما|سنه|سنوات|سنتين|عامين|عقد|عقود)",
    "period": r"(?:الاسبوع|الشهر|العام|السنه)\s+(?:الماضي|الماضيه|المقبل|المقبله|القادم|الحالي|الجاري)|هذا\s+(?:العام|الشهر|الاسبوع)",
    "bare_year": r"(?<![\d/.\-])(?:19|20)\d\d(?![\d/\-])",
    "numeric": r"(?<!\d)\d{1,2}\s*/\s*\d{1,2}(?!\d)",
    "span": r"(?<![\p{L}])(?:حتي|منذ|لغايه)\s",
    "season_decade": r"(?:صيف|شتاء|ربيع|خريف)\s|(?:ينات|يات)(?![\p{L}])",
    "coordinated": r"(?<![\p{L}])يومي\s",
}


def draw(shared: Path, seed: int, per_kind: int, without: int, fixture: Path = FIXTURE) -> list[dict]:
    """A new blind sample: ``per_kind`` sentences for each kind of DRAW_KINDS and ``without`` sentences with
    none of them, each from a different SaudiNewsNet article of 300 to 5,000 characters not yet in the
    fixture, drawn with ``random.Random(seed)``.  Each row has the reference day of the labelling guide
    (the extraction day, or the day the article calls "اليوم <weekday>" within the three days before it).
    """
    import random

    import regex

    from marsad.arabic.lexicons import table
    from marsad.arabic.normalize import normalize
    from marsad.arabic.tokenize import split_sentences

    kinds = dict(DRAW_KINDS)
    months = sorted({name for name, _m, cal in table("months.tsv") if cal != "hijri" and len(name) >= 4}, key=len, reverse=True)
    kinds["month_name"] = r"(?<![\p{L}])[وبلف]?(?:" + "|".join(months) + r")(?![\p{L}])"
    pats = {k: regex.compile(v) for k, v in kinds.items()}
    weekdays = {normalize(w): int(n) for w, n in table("weekdays.tsv")}
    today_wd = regex.compile(r"اليوم\s*[(،,]?\s*(" + "|".join(weekdays) + r")")
    used = {r["url"] for r in load_gold(fixture)}
    articles = []
    for z in sorted((shared / "data" / "saudinewsnet").glob("*.zip")):
        with zipfile.ZipFile(z) as zf:
            for name in sorted(zf.namelist()):
                for rec in json.loads(zf.read(name)):
                    text = rec.get("content") or ""
                    if rec.get("url") and rec["url"] not in used and 300 <= len(text) <= 5000:
                        articles.append(rec)
    rng = random.Random(seed)
    rng.shuffle(articles)
    want = {k: per_kind for k in kinds} | {"none": without}
    out: list[dict] = []
    seen: set[str] = set()
    for rec in articles:
        if not any(want.values()):
            break
        if rec["url"] in seen:
            continue
        text = rec["content"]
        sents = [s for s in split_sentences(text) if 40 <= s.end - s.start <= 400]
        rng.shuffle(sents)
        for s in sents:
            key = normalize(text[s.start:s.end])
            hits = [k for k, p in pats.items() if p.search(key)]
            kind = rng.choice(hits) if hits else "none"
            if want[kind] <= 0:
                continue
            want[kind] -= 1
            seen.add(rec["url"])
            ref = dt.date.fromisoformat(rec["date_extracted"][:10])
            m = today_wd.search(normalize(text))
            if m:  # the day the article calls "today", if it is one of the three before the extraction day
                back = [ref - dt.timedelta(days=k) for k in range(4)]
                ref = next((d for d in back if d.isoweekday() == weekdays[m.group(1)]), ref)
            sent = text[s.start:s.end]
            out.append({"url": rec["url"], "start": s.start, "end": s.end,
                        "sha1": hashlib.sha1(sent.encode()).hexdigest()[:10], "ref": ref.isoformat(),
                        "kind": kind, "text": sent})
            break
    return out


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
    for split in SPLITS:
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
    ap.add_argument("--show", choices=[*SPLITS, "all"], help="print the failing sentences of a split")
    ap.add_argument("--draw", type=int, metavar="SEED", help="draw a new blind sample to label (marsad is not run)")
    ap.add_argument("--per-kind", type=int, default=5, help="with --draw: sentences per kind of time word")
    ap.add_argument("--without", type=int, default=12, help="with --draw: sentences without a time word")
    ap.add_argument("--draw-out", default="/tmp/news_dates_draw.tsv", help="with --draw: where the candidates go "
                    "(outside the repository: they hold the sentences' text)")
    args = ap.parse_args()
    if args.draw is not None:
        rows = draw(Path(args.shared), args.draw, args.per_kind, args.without)
        cols = ["url", "start", "end", "sha1", "ref", "kind", "text"]
        lines = ["\t".join(cols)] + ["\t".join(str(r[c]).replace("\t", " ").replace("\n", " ") for c in cols) for r in rows]
        Path(args.draw_out).write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{len(rows)} candidate rows in {args.draw_out}")
        return
    report = run(Path(args.shared))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    print(json.dumps({k: report[k] for k in ("all", *SPLITS)}, indent=1))
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
