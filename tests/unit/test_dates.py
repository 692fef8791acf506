"""analyze.dates: both month-name systems, ordinal days, Hijri, ranges, durations, relative dates."""

import datetime as dt

import pytest

from marsad.analyze.dates import find_dates, find_durations, parse_date_line, weekday_mentions
from marsad.cluster.similarity import event_weekday

pytestmark = pytest.mark.unit
REF = dt.date(2023, 9, 21)  # a Thursday


def values(text, ref=REF):
    return [(d.value, d.granularity) for d in find_dates(text, ref)]


@pytest.mark.parametrize("text,expected", [
    ("في 27 سبتمبر/أيلول 2020 بدأت", [("2020-09-27", "day")]),
    ("في العاشر من نوفمبر/تشرين الثاني 2020 اتفق", [("2020-11-10", "day")]),
    ("يوم 3 كانون الثاني 2021", [("2021-01-03", "day")]),
    ("في 5 جوان 2019", [("2019-06-05", "day")]),
    ("تاريخ النشر: 21st, September 2023 GMT", [("2023-09-21", "day")]),
    ("نشر في 2023-09-21", [("2023-09-21", "day")]),
    ("بتاريخ 21/09/2023", [("2023-09-21", "day")]),
    ("في عام 2020 اندلعت", [("2020", "year")]),
    ("في الأول من رمضان 1444 هـ", [("2023-03-23", "day")]),
    ("في 15 رمضان 1444 هـ", [("2023-04-06", "day")]),
])
def test_absolute(text, expected):
    assert values(text) == expected


def test_range_keeps_both_ends():
    (d,) = find_dates("إحداهما بين 1988 و1994 راح ضحيتها")
    assert (d.value, d.end_value, d.granularity) == ("1988", "1994", "year")


@pytest.mark.parametrize("text,expected", [
    ("أكدت الوكالات، اليوم الخميس، أن", "2023-09-21"),
    ("في بيانها الصادر أمس الأربعاء بشأن", "2023-09-20"),
    ("الذي بدأه الجيش الثلاثاء في", "2023-09-19"),
    ("وكانت أذربيجان قالت، الأربعاء، إنها", "2023-09-20"),
    ("عقد الوزيران السبت محادثات", "2023-09-16"),
    ("وقال أمس إن", "2023-09-20"),
])
def test_relative_against_publication(text, expected):
    got = [d for d in find_dates(text, REF) if d.relative]
    assert got and got[0].value == expected


def test_month_without_year_is_the_latest_one():
    assert values("في 6 أبريل/نيسان الماضي") == [("2023-04-06", "day")]
    assert values("في مايو/أيار") == [("2023-05", "month")]


def test_relative_dates_need_a_reference():
    assert find_dates("اليوم الخميس", None) == []


def test_period_words():
    assert values("الشهر الماضي") == [("2023-08", "month")]
    assert values("العام الماضي") == [("2022", "year")]


def test_weekday_is_not_found_inside_words():
    # "واحد" holds "احد" (Sunday) and must not be read as a weekday
    assert values("باجتماع واحد") == []


def test_durations():
    ds = find_durations("استمرت المعارك 44 يوما وعملية استمرت 24 ساعة")
    assert [(d.amount, d.unit) for d in ds] == [(44.0, "day"), (24.0, "hour")]


def test_date_line():
    assert parse_date_line("تاريخ النشر: 20th, September 2023 GMT") == "2023-09-20"
    assert parse_date_line("بلا تاريخ") is None


@pytest.mark.parametrize("text,weekday", [
    ("اليوم الخميس وأمس الأربعاء والثلاثاء", 4),
    ("في بيانها الصادر أمس الأربعاء", 4),
    ("بدأ الثلاثاء وتوقف الأربعاء وانعقد الخميس", 4),
    ("عقد الوزيران السبت", 6),
    ("لا أيام هنا", None),
])
def test_event_weekday(text, weekday):
    assert event_weekday(weekday_mentions(text)) == weekday


@pytest.mark.parametrize("text,ref,expected", [
    ("سأعود قبل يوم أمس", dt.date(2016, 11, 7), "2016-11-05"),
    ("بعد غد", dt.date(2016, 11, 7), "2016-11-09"),
    ("منذ 1 شهر و 21 أيام من الآن", dt.date(2017, 11, 23), "2017-10-02"),
    ("بعد أسبوعين من الآن", dt.date(2016, 11, 7), "2016-11-21"),
    ("الأسبوع المقبل يوم الجمعة", dt.date(2016, 11, 7), "2016-11-18"),
    ("أول يوم جمعة في هذا الشهر", dt.date(2016, 11, 7), "2016-11-04"),
    ("الاثنين، يناير الثاني والعشرين، 2018", dt.date(2016, 11, 7), "2018-01-22"),
    ("في العاشر من سبتمبر 2000", dt.date(2016, 11, 7), "2000-09-10"),
    ("سأعود 2016/02/22", dt.date(2016, 11, 7), "2016-02-22"),
    ("سأعود في 4/22", dt.date(2016, 11, 7), "2016-04-22"),
])
def test_spoken_forms(text, ref, expected):
    assert expected in {d.value for d in find_dates(text, ref)}


def test_decimal_is_not_a_date():
    assert all(d.value != "2016-04-22" for d in find_dates("ارتفع المؤشر 4.22 في المئة", dt.date(2016, 11, 7)))
