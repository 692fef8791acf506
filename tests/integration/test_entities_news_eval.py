"""Entity precision on news text: the hand-labelled SaudiNewsNet sentences (tests/fixtures/news_entities.jsonl).

Floors (bench/baseline.json, "ner") are the figures measured when the set was last scored (bench/news_ner_eval.py,
bench/results/news_ner_eval.json) minus a margin; the held-out days are reported by
the bench, not tuned against here.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from marsad.analyze.entities import find_mentions
from marsad.evaluation.news_ner import load_gold, score
from tests.conftest import FIXTURES, ROOT, SHARED, need

pytestmark = [pytest.mark.integration, pytest.mark.slow]

GOLD = FIXTURES / "news_entities.jsonl"
# measured (all 534 sentences: dev, dev2, dev3, heldout, fresh, blind, blind2, blind3, blind4; exact spans): PERS 0.925, LOC 0.940, ORG 0.943;
# overlapping spans: see all_labelled_overlap in bench/results/news_ner_eval.json
_FLOORS = json.loads((ROOT / "bench" / "baseline.json").read_text(encoding="utf-8"))["ner"]
EXACT_FLOOR = _FLOORS["news_exact_precision"]
OVERLAP_FLOOR = _FLOORS["news_overlap_precision"]


@pytest.fixture(scope="module")
def gold():
    return load_gold(GOLD, need(SHARED / "data" / "saudinewsnet"))


def test_the_set_is_news_labelled_by_hand(gold):
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()[1:]]
    assert len(gold) >= 150 and len({(r["url"], r["start"]) for r in rows}) == len(rows)
    assert not any("text" in r for r in rows)  # no SaudiNewsNet text is copied into the project
    splits = Counter(g.split for g in gold)
    assert splits["heldout"] >= 40 and splits["dev"] >= 100
    assert splits["fresh"] >= 40 and splits["dev2"] >= 40  # drawn at random later, labelled before scoring
    assert splits["blind"] >= 40  # every 25th article of a day file, labelled before the recognizer saw it
    types = Counter(t for g in gold for t, _, _ in g.entities)
    assert min(types[t] for t in ("PERS", "LOC", "ORG")) >= 90


def test_precision_on_news_text(gold):
    exact, _ = score(gold, find_mentions, "exact")
    overlap, _ = score(gold, find_mentions, "overlap")
    for typ, floor in EXACT_FLOOR.items():
        assert exact[typ].precision >= floor, (typ, exact[typ].as_dict())
    for typ, floor in OVERLAP_FLOOR.items():
        assert overlap[typ].precision >= floor, (typ, overlap[typ].as_dict())
