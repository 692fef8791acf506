"""`analyze()` gives the same analyses as when the fingerprint was recorded (issue #19: one `Doc` per article).

The fingerprint (``tests/fixtures/analysis_fingerprint.json``) holds hashes only, never text: for
each article of the seeds, ``examples/pages`` and the first 500 SaudiNewsNet records, a hash of
its text and of each analyser's output — mentions, dates, durations, quotes, claims and the
weekday hints of `weekday_mentions` — once with the rules alone (``use_model=False``) and once
with the recognizer.

What other work may change is kept apart from what this test guards:

* an article whose text hash differs (extraction changed) is not compared; most must still match;
* the recognizer's input (the sentences `find_mentions` gives it) must be the same; its output
  may change (the recognizer is trained apart), and where it did, the analyses with the model
  are not compared — the rules-only analyses always are.

Rebuild the file after a deliberate, explained change of the analysers::

    .venv/bin/python -m tests.integration.test_analysis_fingerprint --write
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import sys
import warnings
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, FIXTURES, SEEDS, need, saudinewsnet

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PATH = FIXTURES / "analysis_fingerprint.json"
SNN_RECORDS = 500
TEST_SNN_RECORDS = 200  # the test recomputes the seeds, the examples and this many (all: MARSAD_FINGERPRINT_FULL=1)


def _h(obj) -> str:
    return hashlib.sha256(json.dumps(obj, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _rows(items) -> list:
    return [dataclasses.astuple(x) if dataclasses.is_dataclass(x) else x for x in items]


def articles(snn: int = SNN_RECORDS) -> list[tuple[str, object]]:
    """(family, Article): the seeds and the example pages read and extracted as the pipeline does; the
    SaudiNewsNet records made into articles directly (their text does not depend on extraction)."""
    from marsad.errors import InputError
    from marsad.extract.core import extract
    from marsad.model import Article
    from marsad.sources.files import discover, read_path

    out: list[tuple[str, object]] = []
    for family, folder in (("seeds", SEEDS), ("examples", EXAMPLES)):
        if not folder.exists():
            continue
        for entry in discover([str(folder)]):
            if isinstance(entry, InputError):
                continue
            for page in read_path(entry):
                if isinstance(page, InputError):
                    continue
                art = extract(page)
                if not isinstance(art, InputError):
                    out.append((family, art))
    for rec in saudinewsnet(snn):
        if not rec.get("content"):
            continue
        paras = tuple(p.strip() for p in rec["content"].split("\n") if p.strip())
        rid = hashlib.sha256(rec["url"].encode()).hexdigest()[:16]
        out.append(("saudinewsnet", Article(rid, rec["url"], rec.get("title"), paras,
                                            published=(rec.get("date_extracted") or "")[:10] or None)))
    return out


def fingerprint(art, ner_log: list) -> dict:
    """Hashes of every analyser's output on one article, rules alone and with the recognizer."""
    from marsad.analyze.core import analyze
    from marsad.analyze.dates import weekday_mentions

    entry = {"id": art.id, "family": None, "text": _h(art.text), "ref": art.published}
    for name, use_model in (("rules", False), ("model", True)):
        ner_log.clear()
        an = analyze(art, use_model=use_model)
        entry[name] = {field: _h(_rows(getattr(an, field)))
                       for field in ("mentions", "dates", "durations", "quotes", "claims")}
        if use_model:
            entry["ner_in"] = _h([x[0] for x in ner_log])
            entry["ner_out"] = _h([x[1] for x in ner_log])
    entry["weekdays"] = _h(weekday_mentions(art.text))
    return entry


def _recording(ner_module, log: list):
    real = ner_module.tag_document

    def tag_document(sentences, recognizer=None):
        tags = real(sentences, recognizer)
        log.append(([list(s) for s in sentences], [list(t) for t in tags]))
        return tags

    return tag_document


def compute(snn: int, ner_log: list) -> list[dict]:
    out = []
    for family, art in articles(snn):
        entry = fingerprint(art, ner_log)
        entry["family"] = family
        out.append(entry)
    return out


def compare(recorded: list[dict], now: list[dict]) -> tuple[dict, list[str]]:
    """(counts per family, differences) between a recorded fingerprint and a new one."""
    old = {(e["family"], e["id"]): e for e in recorded}
    counts: dict[str, dict[str, int]] = {}
    diffs: list[str] = []
    for e in now:
        c = counts.setdefault(e["family"], {"articles": 0, "same_text": 0, "rules_compared": 0,
                                            "model_compared": 0})
        c["articles"] += 1
        o = old.get((e["family"], e["id"]))
        if o is None or o["text"] != e["text"] or o["ref"] != e["ref"]:
            continue
        c["same_text"] += 1
        c["rules_compared"] += 1
        where = f"{e['family']} {e['id']}"
        for field, h in e["rules"].items():
            if o["rules"][field] != h:
                diffs.append(f"{where}: {field} (rules only) differ")
        if o["weekdays"] != e["weekdays"]:
            diffs.append(f"{where}: weekday_mentions differ")
        if o["ner_in"] != e["ner_in"]:
            diffs.append(f"{where}: the sentences given to the recognizer differ")
        elif o["ner_out"] == e["ner_out"]:
            c["model_compared"] += 1
            for field, h in e["model"].items():
                if o["model"][field] != h:
                    diffs.append(f"{where}: {field} (with the recognizer) differ")
    return counts, diffs


@pytest.fixture
def ner_log(monkeypatch) -> list:
    from marsad.analyze import ner

    log: list = []
    monkeypatch.setattr(ner, "tag_document", _recording(ner, log))
    return log


def test_analyses_equal_the_recorded_fingerprint(ner_log):
    need(SEEDS)
    recorded = json.loads(need(PATH).read_text(encoding="utf-8"))
    n = SNN_RECORDS if os.environ.get("MARSAD_FINGERPRINT_FULL") else TEST_SNN_RECORDS
    now = compute(n, ner_log)
    counts, diffs = compare(recorded["articles"], now)
    assert not diffs, ("analyses differ from the recorded ones; if the change is meant (and explained), rebuild "
                       "the file with `python -m tests.integration.test_analysis_fingerprint --write`:\n"
                       + "\n".join(diffs[:40]))
    # the SaudiNewsNet texts do not depend on extraction: every one is compared
    snn = counts["saudinewsnet"]
    assert snn["rules_compared"] == snn["articles"] >= 0.9 * n, snn
    for family in ("seeds", "examples"):
        c = counts.get(family, {"articles": 0, "same_text": 0})
        if c["same_text"] < 0.5 * c["articles"]:  # extraction changed their texts: they guard less
            warnings.warn(f"{family}: {c['same_text']} of {c['articles']} texts as recorded; rebuild the fingerprint",
                          stacklevel=1)


def main() -> None:
    from marsad.analyze import ner

    log: list = []
    ner.tag_document = _recording(ner, log)
    entries = compute(SNN_RECORDS, log)
    if "--write" in sys.argv:
        PATH.write_text(json.dumps({
            "about": "hashes of analyze() outputs (tests/integration/test_analysis_fingerprint.py); no text",
            "recorded": dt.date.today().isoformat(),
            "articles": entries}, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        print(f"wrote {len(entries)} articles to {PATH}")
    else:
        recorded = json.loads(PATH.read_text(encoding="utf-8"))
        counts, diffs = compare(recorded["articles"], entries)
        print(json.dumps(counts, indent=1))
        print("\n".join(diffs) or "no differences")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    main()
