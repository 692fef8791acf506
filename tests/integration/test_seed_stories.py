"""Stories, storylines, inferred dates, analysis and reports on the five seeds (one digest per session)."""

import json
from pathlib import Path

import pytest

from marsad.arabic.normalize import normalize
from tests.conftest import seed_code

pytestmark = pytest.mark.integration


def _by_code(d):
    return {seed_code(a): a for a in d["articles"]}


def test_story_partition_and_storyline(seeds_digest, seeds_gold):
    arts = _by_code(seeds_digest)
    groups = sorted(sorted(seed_code(next(a for a in seeds_digest["articles"] if a["id"] == i)) for i in s["article_ids"])
                    for s in seeds_digest["stories"])
    assert groups == sorted(seeds_gold["stories"])
    assert len(seeds_digest["storylines"]) == 1
    line = seeds_digest["storylines"][0]
    assert sorted(line["story_ids"]) == sorted(s["id"] for s in seeds_digest["stories"])
    assert all(a["story_id"] for a in arts.values())


def test_no_page_is_a_duplicate(seeds_digest):
    assert all(a["duplicate_of"] is None for a in seeds_digest["articles"])


def test_inferred_dates(seeds_digest, seeds_gold):
    for code, a in _by_code(seeds_digest).items():
        gold = next(v for k, v in seeds_gold["pages"].items() if k.startswith(code))
        assert (a["published"], a["published_how"]) == (gold["published"], gold["published_how"]), code


def _story_of(d, code):
    aid = _by_code(d)[code]["id"]
    return next(s for s in d["stories"] if aid in s["article_ids"])


def test_entities_across_spellings(seeds_digest):
    talks = _story_of(seeds_digest, "000")
    keys = {normalize(v) for e in talks["entities"] for v in e["variants"]}
    karabakh = [e for e in talks["entities"] if any("باغ" in v or "كاراباخ" in v for v in e["variants"])]
    assert len(karabakh) == 1, [e["variants"] for e in karabakh]
    variants = {normalize(v) for v in karabakh[0]["variants"]}
    assert {"قره باغ", "كاراباخ"} <= variants and any("قره باغ" in v or "قره" in v for v in variants)
    melkonyan = [e for e in talks["entities"] if any("ملكو" in v for v in e["variants"])]
    assert len(melkonyan) == 1 and len(melkonyan[0]["article_ids"]) == 2
    pashinyan = [e for e in talks["entities"] if any("باشينيان" in v for v in e["variants"])]
    assert len(pashinyan) == 1 and pashinyan[0]["type"] == "PERS"
    assert keys


def test_killed_agree_and_attributed(seeds_digest):
    talks = _story_of(seeds_digest, "000")
    killed = [f for f in talks["facts"] if f["about"] == "killed"]
    assert len(killed) == 1 and killed[0]["status"] == "agree"
    claims = killed[0]["claims"]
    codes = {seed_code(next(a for a in seeds_digest["articles"] if a["id"] == c["article_id"])) for c in claims}
    assert codes == {"001", "002"}
    assert all(c["value"] == 200 and "انفصالي" in normalize(c["attributed_to"] or "") for c in claims)
    wounded = [f for f in talks["facts"] if f["about"] == "wounded"]
    assert wounded and wounded[0]["claims"][0]["value"] == 400


def test_troops_conflict_at_storyline_level(seeds_digest):
    line = seeds_digest["storylines"][0]
    troops = [f for f in line["facts"] if f["about"] == "troops"]
    assert troops and troops[0]["status"] == "conflict"
    values = sorted(c["value"] for c in troops[0]["claims"])
    assert values[0] == 0 and values[-1] == 10000
    who = {normalize(c["attributed_to"] or "") for c in troops[0]["claims"]}
    assert {"باكو", "يريفان"} <= who


def test_timeline_dates(seeds_digest):
    dates = {}
    for s in seeds_digest["stories"]:
        for t in s["timeline"]:
            for aid in t["article_ids"]:
                dates.setdefault(t["date"], set()).add(seed_code(next(a for a in seeds_digest["articles"] if a["id"] == aid)))
    assert {"2023-09-19", "2023-09-20", "2023-09-21", "2020-09-27", "2020-11-10"} <= set(dates)
    assert dates["2020-09-27"] == {"003"} and dates["2020-11-10"] == {"003"}
    assert {"000", "001", "002"} <= dates["2023-09-21"]
    assert "004" in dates["2023-09-20"]


def test_summary_merges_shared_sentences(seeds_digest):
    talks = _story_of(seeds_digest, "000")
    summary = talks["summary"]
    assert 5 <= len(summary) <= 8
    meeting = [s for s in summary if "اسرع وقت ممكن" in normalize(s["text"])]
    assert len(meeting) == 1 and len(meeting[0]["article_ids"]) == 3
    assert "وقود" in meeting[0]["text"] and "انسانيه" in normalize(meeting[0]["text"])
    for s in summary:
        assert s["article_ids"] and s["text"].rstrip()[-1] in ".!؟?\"”»"
        assert s["text"].count('"') % 2 == 0


def test_no_foreign_content_anywhere(seeds_digest):
    """Nothing of the appended foreign articles reaches stories, summaries or facts."""
    foreign_marks = ["الشرع", "عباس", "أتاكمز", "كورسك", "البيعة", "ميلوني"]
    stories = json.dumps(seeds_digest["stories"], ensure_ascii=False) + json.dumps(seeds_digest["storylines"], ensure_ascii=False)
    for mark in foreign_marks:
        assert mark not in stories, mark
    for a in seeds_digest["articles"]:
        for mark in foreign_marks:
            assert mark not in a["text"], (a["source"], mark)
    out = Path(seeds_digest["_out"])
    for page in out.glob("story-*.html"):
        html = page.read_text(encoding="utf-8")
        for mark in foreign_marks:
            assert mark not in html, (page.name, mark)


def test_digest_contract_fields(seeds_digest):
    a = seeds_digest["articles"][0]
    assert {"id", "source", "title", "published", "published_how", "outlets", "tags", "text", "removed",
            "duplicate_of", "story_id"} <= set(a)
    s = seeds_digest["stories"][0]
    assert {"id", "storyline_id", "title", "article_ids", "summary", "timeline", "entities", "quotes", "facts"} <= set(s)
    for f in s["facts"]:
        assert {"about", "status", "claims"} <= set(f)
        for c in f["claims"]:
            assert {"value", "text", "qualifier", "attributed_to", "article_id"} <= set(c)
    assert {"id", "title", "story_ids"} <= set(seeds_digest["storylines"][0])


def test_quotes_have_speakers(seeds_digest):
    story = _story_of(seeds_digest, "004")
    speakers = {normalize(q["speaker"] or "") for q in story["quotes"]}
    assert any("حاجييف" in s for s in speakers)


def test_shared_wire_paragraphs_are_recorded(seeds_digest):
    talks = _story_of(seeds_digest, "000")
    code = {a["id"]: seed_code(a) for a in seeds_digest["articles"]}
    pairs = {tuple(sorted((code[p["article_a"]], code[p["article_b"]]))) for p in talks["shared_paragraphs"]}
    assert {("000", "001"), ("000", "002"), ("001", "002")} <= pairs
