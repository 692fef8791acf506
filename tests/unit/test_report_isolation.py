"""A story's report survives what trips one analyser: a date running past its sentence, an offset before
year 1, and any failure of one section (the others are still built and the story named in the log)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from marsad.analyze.core import analyze
from marsad.analyze.dates import find_dates
from marsad.analyze.timeline import statements
from marsad.model import Article
from marsad.report import story as story_mod
from marsad.report.story import build_story

pytestmark = pytest.mark.unit

CLAUSE = ("وأوضح التقرير أن المؤسسات تتعنت مع العمال في كثير من الحالات، وأن الإجازات الأسبوعية لا تمنح "
          "بانتظام، وأن الرقابة ضعيفة في القطاع الخاص، ")


def test_a_date_split_by_a_line_break_at_the_end_of_a_long_sentence_is_filed_inside_it():
    # "هذا\nاليوم": the sentence splitter cuts at the line break, inside the date expression
    text = CLAUSE * 3 + "وقد لا تمنحه هذا\nاليوم إلا كل أسبوعين أو ثلاثة أسابيع بحسب العمال."
    dates = find_dates(text, dt.date(2015, 7, 22))
    assert any(d.start < text.index("\n") < d.end for d in dates)
    found = statements(text, dates)
    assert found and all(text.index(s.text) == s.start and s.end <= text.index("\n") for s in found)


@pytest.mark.parametrize("span", ["قبل 2500 عام", "منذ 3000 سنة", "بعد 9000 عام"])
def test_an_offset_past_the_calendar_gives_no_date_and_no_failure(span):
    text = f"وقال الباحث إن المدينة بنيت {span} على ضفاف النهر."
    assert [d for d in find_dates(text, dt.date(2015, 7, 21)) if d.start <= text.index(span) < d.end] == []


def _items():
    paragraphs = ("أعلنت وزارة الصحة يوم الاثنين 3 مارس 2025 تسجيل 12 إصابة جديدة في جدة.",
                  "وقال المتحدث باسم الوزارة محمد العبدالعالي إن الفرق الطبية تتابع الحالات.")
    art = Article("a1", "a1.txt", "إصابات جديدة في جدة", paragraphs, "2025-03-04")
    return [(art, analyze(art))]


def test_one_failing_section_empties_that_section_only_and_names_the_story(monkeypatch, caplog):
    whole = build_story("s1", None, _items(), [])
    assert whole.timeline and whole.facts and whole.summary

    def broken(_items):
        raise ValueError("min() arg is an empty sequence")

    monkeypatch.setattr(story_mod, "story_timeline", broken)
    with caplog.at_level(logging.WARNING, logger="marsad.report.story"):
        degraded = build_story("s1", None, _items(), [])
    assert degraded.timeline == ()
    assert degraded.facts == whole.facts and degraded.summary == whole.summary and degraded.title == whole.title
    assert any("story s1" in r.getMessage() and "timeline" in r.getMessage() for r in caplog.records)
