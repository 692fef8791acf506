"""Dates and numbers against the Arabic specs of Microsoft Recognizers-Text.

    .venv/bin/python bench/recognizers_eval.py --shared ../shared

Date cases: DateTime/DateParser.json, those whose expected result is a date
(a calendar date, or one relative to the case's reference time).  A case
passes when marsad finds, in the input, a day-level date equal to the expected
past or future resolution.  Number cases: Number/NumberModel.json, passing when
the expected values are all among the values marsad reads.  Many cases are
marked unsupported upstream: they are expected outputs, not audited truth.
Writes bench/results/recognizers_eval.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

from marsad.analyze.dates import find_dates
from marsad.analyze.numbers import find_numbers


def date_cases(shared: Path) -> list[tuple[str, dt.date, set[str]]]:
    out = []
    data = json.loads((shared / "data" / "recognizers-text-arabic" / "DateTime" / "DateParser.json").read_text(encoding="utf-8"))
    for case in data:
        ref = case.get("Context", {}).get("ReferenceDateTime")
        if not ref or len(case.get("Results", [])) != 1:
            continue
        res = case["Results"][0]
        value = res.get("Value", {})
        wanted = {r["date"] for r in (value.get("FutureResolution"), value.get("PastResolution")) if r and "date" in r}
        wanted.discard("0001-01-01")  # the spec's marker for "no such day" (a fifth Sunday that does not exist)
        if res.get("Type") == "date" and wanted:
            out.append((case["Input"], dt.date.fromisoformat(ref[:10]), wanted))
    return out


def number_cases(shared: Path) -> list[tuple[str, list[float]]]:
    out = []
    data = json.loads((shared / "data" / "recognizers-text-arabic" / "Number" / "NumberModel.json").read_text(encoding="utf-8"))
    for case in data:
        values = []
        for r in case.get("Results", []):
            try:
                values.append(float(r["Resolution"]["value"]))
            except (KeyError, ValueError, TypeError):
                values = None
                break
        if values:
            out.append((case["Input"], values))
    return out


def run(shared: Path) -> dict:
    dates = date_cases(shared)
    date_pass = [c for c in dates if any(d.value in c[2] for d in find_dates(c[0], c[1]) if d.granularity == "day")]
    numbers = number_cases(shared)
    number_pass = []
    for text, values in numbers:
        got = [n.value for n in find_numbers(text) if n.value is not None]
        if all(any(abs(v - g) < 1e-6 * max(1, abs(v)) for g in got) for v in values):
            number_pass.append(text)
    return {
        "date_cases": len(dates), "date_passed": len(date_pass), "date_share": round(len(date_pass) / max(1, len(dates)), 3),
        "number_cases": len(numbers), "number_passed": len(number_pass),
        "number_share": round(len(number_pass) / max(1, len(numbers)), 3),
        "date_failures": [c[0] for c in dates if c not in date_pass],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--out", default="bench/results/recognizers_eval.json")
    args = ap.parse_args()
    report = run(Path(args.shared))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k != "date_failures"}, indent=1))


if __name__ == "__main__":
    main()
