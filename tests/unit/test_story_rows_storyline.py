"""A story report built before its story was linked gets its storyline when written (`with_storyline`):
the same rows as a report built after linking."""

from __future__ import annotations

import json

from marsad.model import Story
from marsad.store.reports import story_rows, with_storyline


def _story(line: str | None) -> Story:
    return Story("s0123456789ab", line, 'عنوان فيه "storyline_id": null', ("a1", "a2"), "2015-08-06")


def test_the_rows_equal_those_of_a_report_built_in_its_storyline():
    for before, after in ((None, "L0123456789ab"), ("Lold", "Lnew"), (None, None)):
        assert with_storyline(story_rows(_story(before)), after) == story_rows(_story(after))


def test_only_the_storyline_field_changes_even_when_the_text_holds_the_same_words():
    rows = with_storyline(story_rows(_story(None)), "L1")
    data = json.loads(rows[3])
    assert data["storyline_id"] == "L1" and data["title"] == 'عنوان فيه "storyline_id": null'


def test_a_text_written_another_way_is_decoded_and_encoded_again():
    sid, line, date, data, view = story_rows(_story(None))
    spaced = json.dumps(json.loads(data), ensure_ascii=False, indent=1)
    rows = with_storyline((sid, line, date, spaced, view), "L2")
    assert json.loads(rows[3])["storyline_id"] == "L2" and json.loads(rows[4])["storyline_id"] == "L2"
