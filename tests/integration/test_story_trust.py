"""A story page a journalist can trust (#16): outlets, names, quotes, figures and titles on the seeds and example pages.

The example pages 14-17 were written for these checks: an economics story from three
outlets (rates, inflation, amounts in dinars and dollars, one outlet disagreeing on
inflation) and a culture-desk page from "وكالات" with a weekday morning, demonyms, a
role word with a pronoun, a proclitic on a name and nested straight quotes.  Pages
01-04 hold the agency report and its unattributed copy, and a headline figure ("أكثر
من 10") that later reports correct.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import regex

from marsad.analyze.entities import canonical_key, fuzzy_variant
from marsad.arabic.lexicons import data_lines, table, word_set
from marsad.arabic.normalize import normalize
from marsad.extract.outlets import UNKNOWN_LABEL, is_file_like, resolve

pytestmark = pytest.mark.integration

DIGESTS = ["seeds_digest", "examples_digest"]


def _stems(digest: dict) -> set[str]:
    return {Path(a["source"].split("#")[0]).stem for a in digest["articles"]}


def _outlet_names(digest: dict) -> list[str]:
    names = []
    for a in digest["articles"]:
        names += list(a["outlets"]) + list(a["wires"]) + ([a["outlet_label"]] if a["outlet_label"] else [])
    for s in digest["stories"]:
        for x in s["summary"]:
            names += list(x["outlets"])
    return names


@pytest.mark.parametrize("which", DIGESTS)
def test_no_file_name_is_ever_an_outlet(which, request):
    digest = request.getfixturevalue(which)
    stems = _stems(digest)
    for name in _outlet_names(digest):
        assert name not in stems and not is_file_like(name), name
    out = Path(digest["_out"])
    for page in list(out.glob("story-*.html")) + [out / "index.html"]:
        html = page.read_text(encoding="utf-8")
        for stem in stems:
            assert stem not in html, (page.name, stem)


@pytest.mark.parametrize("which", DIGESTS)
def test_pages_without_an_outlet_say_so(which, request):
    digest = request.getfixturevalue(which)
    unknown = [a for a in digest["articles"] if a["outlet_label"] is None]
    assert unknown, "the seeds and the examples each hold a page no signal names"
    out = Path(digest["_out"])
    for a in unknown:
        html = (out / f"article-{a['id']}.html").read_text(encoding="utf-8")
        assert UNKNOWN_LABEL in html


def test_seed_outlets_are_shown_by_the_names_the_pages_give(seeds_digest, seeds_dir):
    labels = {}
    for a in seeds_digest["articles"]:
        if a["outlet_label"] is None:
            continue
        page = normalize((seeds_dir / Path(a["source"]).name).read_text(encoding="utf-8"))
        outlet = resolve(a["outlet_label"])
        aliases = {a["outlet_label"]} | {al for row in data_lines("outlets.tsv", "marsad.data")
                                         for al in row.split("\t")[4].split("|") if row.split("\t")[0] == outlet.name}
        assert any(normalize(al) in page for al in aliases), a["outlet_label"]  # a name the page itself writes
        # in Arabic script, unless the page writes the outlet's name in Latin letters itself
        assert regex.search(r"\p{Arabic}", a["outlet_label"]) or normalize(a["outlet_label"]) in page
        labels[a["outlet_label"]] = a["source"]
    assert len(labels) >= 4


def test_the_agency_report_is_the_original_of_its_copy(examples_digest):
    by_id = {a["id"]: a for a in examples_digest["articles"]}
    copies = [a for a in examples_digest["articles"] if a["duplicate_of"]]
    assert copies
    for a in copies:
        original = by_id[a["duplicate_of"]]
        assert not (a["wires"] and not original["wires"]), (a["source"], original["source"])


def _non_names() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    times = word_set("time_words.txt") | {row[0] for row in table("weekdays.tsv")}
    demonyms = word_set("demonyms.txt")
    roles = word_set("role_nouns.txt")
    return times, demonyms, roles


@pytest.mark.parametrize("which", DIGESTS)
def test_no_time_expression_demonym_or_role_word_is_a_person(which, request):
    times, demonyms, roles = _non_names()
    for s in request.getfixturevalue(which)["stories"]:
        for e in s["entities"]:
            if e["type"] != "PERS":
                continue
            for v in (e["name"], *e["variants"]):
                words = normalize(v).split()
                assert not any(w in times or w.removeprefix("ال") in times for w in words), v
                assert not all(w in demonyms or w in roles or w.removeprefix("ال") in roles for w in words), v
                assert not (words[0][:1] in "وف" and words[0][1:] in {normalize(x).split()[0] for x in e["variants"]}), v


def _words(text: str) -> list[str]:
    return [normalize(w) for w in regex.findall(r"[\p{L}\p{M}]+", text)]


@pytest.mark.parametrize("which", DIGESTS)
def test_every_quote_is_a_whole_clause(which, request):
    dangling, narrative = word_set("clause_dangling.txt"), word_set("narrative_openers.txt")
    for s in request.getfixturevalue(which)["stories"]:
        for q in s["quotes"]:
            words = _words(q["text"])
            assert len(words) >= 3, q
            assert words[0] not in narrative and words[-1] not in dangling, q["text"]


@pytest.mark.parametrize("which", DIGESTS)
def test_one_card_per_canonical_speaker(which, request):
    for s in request.getfixturevalue(which)["stories"]:
        speakers = sorted({q["speaker"] for q in s["quotes"] if q["speaker"]})
        entity_names = {canonical_key(v): e["name"] for e in s["entities"] for v in e["variants"]}
        for sp in speakers:
            key = canonical_key(sp)
            assert entity_names.get(key, sp) == sp, (sp, entity_names.get(key))  # named as its entity is
            for other in speakers:
                if other == sp:
                    continue
                ok = canonical_key(other)
                assert not fuzzy_variant(key, ok), (sp, other)
                if len(key.split()) == 1 and len(ok.split()) > 1 and sp not in entity_names.values():
                    bare = key.removeprefix("ال")
                    assert bare not in {ok.split()[0].removeprefix("ال"), ok.split()[-1].removeprefix("ال")}, (sp, other)


def test_the_economics_story_has_agreeing_and_conflicting_figures(examples_digest):
    by_id = {a["id"]: a for a in examples_digest["articles"]}
    story = next(s for s in examples_digest["stories"]
                 if any("14_ufuq_rate_cut" in by_id[i]["source"] for i in s["article_ids"]))
    assert len({by_id[i]["outlet_label"] for i in story["article_ids"]}) == 3
    status = {f["about"]: f["status"] for f in story["facts"]}
    assert "agree" in status.values() and "conflict" in status.values()
    assert status["inflation:percent"] == "conflict"
    assert {"interest-rate:percent", "interest-rate:bp", "loan:dollar", "allocation:dinar"} <= set(status)
    html = (Path(examples_digest["_out"]) / f"story-{story['id']}.html").read_text(encoding="utf-8")
    assert "التضخم (٪)" in html and "متعارض" in html


@pytest.mark.parametrize("which", DIGESTS)
def test_fact_labels_carry_no_english(which, request):
    out = Path(request.getfixturevalue(which)["_out"])
    for page in out.glob("story-*.html"):
        assert "(approximate)" not in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("which", DIGESTS)
def test_storyline_titles_are_headlines(which, request):
    digest = request.getfixturevalue(which)
    titles = {s["id"]: s["title"] for s in digest["stories"]}
    for line in digest["storylines"]:
        assert " · " not in line["title"]
        assert line["title"] in {titles[i] for i in line["story_ids"]}


@pytest.mark.parametrize("which", DIGESTS)
def test_a_headline_figure_is_one_most_reports_give(which, request):
    from marsad.analyze.numbers import find_numbers

    digest = request.getfixturevalue(which)
    dups = {a["id"] for a in digest["articles"] if a["duplicate_of"]}
    for s in digest["stories"]:
        originals = [i for i in s["article_ids"] if i not in dups]
        values: dict[str, set[float]] = {}
        for f in s["facts"]:
            for c in f["claims"]:
                if c["value"] is not None:
                    values.setdefault(c["article_id"], set()).add(c["value"])
        if len(originals) < 3 or not values:
            continue
        for n in find_numbers(s["title"]):
            if n.value is None or 1900 <= n.value <= 2100:
                continue
            support = sum(1 for i in originals if n.value in values.get(i, set()))
            assert support * 2 >= len(originals), (s["title"], n.value)
