"""Dates read from their clause: tense, comparisons, labels, parts of a year, weekdays beside day words.

Each test is one class of error found on a blind sample of SaudiNewsNet sentences (fresh4, fresh5 of
tests/fixtures/news_dates.tsv) or on the statements marsad drew from 3,000 unlabelled articles; the
sentences here are written for the tests.
"""

import datetime as dt

import pytest

from marsad.analyze.dates import find_dates
from marsad.analyze.timeline import statements

pytestmark = pytest.mark.unit
REF = dt.date(2024, 5, 14)  # a Tuesday


def found(text, ref=REF):
    return [(d.value, d.granularity) for d in find_dates(text, ref)]


def filed(text, ref=REF):
    """The dates the timeline files the statements of ``text`` under."""
    return [s.date for s in statements(text, find_dates(text, ref))]


# --- a month named without a year: the tense of its clause decides -------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    # a past clause: the latest such month (January 2024, not the coming January 2025)
    ("وخفضت الشركة إنتاجها بنسبة 4.5 في المائة إلى 12.3 مليون طن في ديسمبر.", "2023-12"),
    ("وارتفعت المبيعات في كانون الثاني (يناير) بعد تراجع طويل.", "2024-01"),
    # a clause that looks ahead: the next one
    ("وستفتتح الوزارة المستشفى الجديد في مارس.", "2025-03"),
    ("ومن المقرر أن يعقد المؤتمر في أبريل.", "2025-04"),
    # no tense cue: the closest one, past or coming
    ("المعرض في يونيو.", "2024-06"),
])
def test_month_without_year_follows_the_tense_of_its_clause(text, expected):
    assert filed(text) == [expected]


def test_what_is_reported_has_its_own_tense():
    # "أضاف" is past, but what he said is not: the June named in the quotation is the coming one
    assert filed('وأضاف: "باب التسجيل مفتوح حتى 30 يونيو".') == ["2024-06-30"]
    assert filed("وقال إن باب التسجيل مفتوح حتى 30 يونيو.") == ["2024-06-30"]


def test_a_decimal_point_does_not_end_the_clause():
    # the past verb stands before "7.5": the clause goes on past the decimal point
    assert filed("وقلصت المصانع إنتاجها 7.5 في المائة و3.2 في المائة في نوفمبر.") == ["2023-11"]


def test_names_and_adjectives_are_not_future_verbs():
    # "ستيوارت" and "سياسيا" start like "سيغلق" but are no verbs: the past verb decides
    assert filed("وقال ستيوارت في ديسمبر إن الخطة فشلت.") == ["2023-12"]
    assert filed("وسياسيا، لم تتشكل حكومة منذ انتخابات يناير.") == ["2024-01"]


# --- a level or a period compared with is not the date of the statement --------------------------

@pytest.mark.parametrize("text", [
    "وبقيت صادرات الشمال قرب مستويات مارس رغم الخلاف على الموازنة.",
    "وتراجعت الأرباح 12 في المائة مقارنة بالفترة المماثلة من عام 2023.",
    "وبلغت الإيرادات 4.1 مليار ريال مقابل 3.6 مليار ريال خلال الفترة نفسها من العام الماضي.",
    "لكن القراءة جاءت أقل من مستوى فبراير البالغ 51.2.",
])
def test_a_compared_date_files_no_statement(text):
    assert filed(text) == []


def test_the_statement_keeps_its_own_date_beside_a_compared_one():
    assert filed("وارتفعت أرباح البنك في الربع الأول 2024 مقارنة بالربع نفسه من عام 2023.") == ["2024"]


@pytest.mark.parametrize(("text", "expected"), [
    # the level *of* a month that is the subject, not a comparison
    ("وبقي مستوى أبريل دون تغيير عن القراءة الأولية.", ["2024-04"]),
    # "في مقابل" is "in exchange for", not "against a figure"
    ("وتعهدت الحكومة بإصلاحات في مقابل القرض قبل المهلة المحددة في 20 مايو.", ["2024-05-20"]),
])
def test_level_and_exchange_words_that_are_no_comparison(text, expected):
    assert filed(text) == expected


# --- periods named by a date are labels, not when something happened ----------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("دعت الجامعة المقبولين للعام الجامعي 1445 - 1446هـ إلى مراجعة العمادة يوم الأحد المقبل.", ["2024-05-19"]),
    ("وانخفض سعر النحاس في عقود يوليو 1.2 في المائة يوم الاثنين.", ["2024-05-13"]),
    ("وارتفعت عقود الذهب الآجلة تسليم ديسمبر 0.4 في المائة.", []),
])
def test_school_years_and_futures_contracts_are_labels(text, expected):
    assert filed(text) == expected


def test_a_day_after_a_label_word_is_still_a_date():
    # "عقد" is also "held": a day after it is the day of the statement
    assert filed("وقال في المؤتمر الذي عقد اليوم إن الفريق جاهز.") == ["2024-05-14"]


def test_hijri_year_ranges_start_at_their_first_year():
    # 1445 AH is mostly 2024 (its seventh month, the rule of Hijri years), 1446 AH mostly 2025
    assert [(d.value, d.end_value) for d in find_dates("خطة الدورة 1445/1446هـ", REF)] == [("2024", "2025")]


# --- parts of a year, a month and a week ---------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("وتراجعت المبيعات في الربع الثاني بنسبة 3 في المائة.", [("2024", "year")]),
    ("نتائج الشركة للربع الأول من العام", [("2024", "year")]),
    ("الأرباح بنهاية النصف الأول 2022", [("2022", "year")]),
    ("وارتفع المؤشر منذ بداية العام 6 في المائة.", [("2024", "year")]),
    ("وهبط السعر منذ بداية الربع الثاني", [("2024-04", "month")]),
    ("حتى نهاية الربع الأول من العام الماضي", [("2023-03", "month")]),
    ("وتراجع الذهب منذ بداية الأسبوع إلى أدنى سعر", [("2024-W20", "week")]),
    ("وقعت الغارة في مطلع الشهر", [("2024-05", "month")]),
])
def test_parts_of_a_period(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "استعدادا لبداية العام الدراسي الجديد",  # a school year, not a calendar year
    "سجل الهدف في النصف الثاني من المباراة",  # the half of a match
    "يزدحم السوق في عطلة نهاية الأسبوع",  # the weekend, as often a habit as a date
])
def test_parts_that_are_no_calendar_period(text):
    assert found(text) == []


# --- weekdays beside day words; weekday names are not numbers ------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("يعقد المجلس اجتماعه بعد غد الأربعاء", "2024-05-15"),  # the Wednesday nearest "the day after tomorrow"
    ("تنطلق البطولة غدا الثلاثاء", "2024-05-14"),  # written the day before the reference day
    ("وصل الوفد مساء أمس الخميس", "2024-05-09"),  # yesterday's Thursday lies before the reference day
])
def test_a_weekday_beside_a_day_word_wins(text, expected):
    assert found(text)[0] == (expected, "day")


def test_a_weekday_is_not_the_number_two():
    # "الاثنين" is also the word for two: after "يوم" it is Monday, not the 2nd of the month
    assert found("التي تأسست منذ 80 عاما يوم الاثنين") == [("1944", "year"), ("2024-05-13", "day")]


def test_nowadays_is_not_the_publication_day():
    assert filed("أما اليوم فقد تغير الحال في السوق.") == []


# --- offsets that are no date --------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "مهرجان يكبر عاما بعد عام",  # year after year
    "وكانت الآمال كبيرة لكنها انتهت بعد أسبوعين فقط",  # two weeks after a past event, not from today
    "وعاد اللاعب إلى التدريبات بعد يومين",
])
def test_offsets_in_idioms_and_past_narrative_are_no_dates(text):
    assert found(text) == []


def test_an_offset_from_now_keeps_the_unit_of_years():
    assert found("رؤية المدينة بعد 20 عاما من الآن") == [("2044", "year")]
    assert found("سأعود بعد أسبوعين من الآن") == [("2024-05-28", "day")]


# --- weeks, paired month names, asides, decades --------------------------------------------------

def test_the_week_of_a_sunday_page_starts_that_day():
    sunday = dt.date(2024, 5, 12)
    assert found("ويتوقع وصول اللاعب خلال الأسبوع الحالي", sunday) == [("2024-W20", "week")]
    assert found("ويتوقع وصول اللاعب خلال الأسبوع الحالي") == [("2024-W20", "week")]  # a Tuesday


@pytest.mark.parametrize(("text", "expected"), [
    ("وتقام البطولة في يونيو حزيران 2026.", "2026-06"),
    ("انتهت الحرب في مايو أيار 1945.", "1945-05"),
])
def test_a_month_named_twice_with_a_space_keeps_its_year(text, expected):
    assert filed(text) == [expected]


def test_the_second_name_of_a_month_is_not_a_month_before_its_day():
    # "حزيران 14" is not June 14: 14 counts cents, and the month is named twice
    assert found("ونزلت عقود الخام لشهر يونيو حزيران 14 سنتا.") == [("2024-06", "month")]
    assert found("ونزلت عقود يونيو 1.5 في المائة.") == [("2024-06", "month")]  # a decimal is no day


def test_a_range_of_years_in_parentheses_after_a_name_is_an_aside():
    assert filed("وقرأ الممثل نصا للشاعر أحمد شوقي (1868 - 1932) في الأمسية.") == []
    assert filed("ويقدر نمو الوظائف خلال الفترة (2020 - 2030) بنحو 4 في المائة.") == ["2020"]


def test_a_decade_a_span_starts_from_stays_the_date():
    # "since the eighties" dates the statement; the year of one work inside it is a detail
    assert filed("وقدم منذ الثمانينيات أعمالا كثيرة أشهرها مسلسل عرض عام 1986.") == ["198X"]
    # a decade that is a point gives way to a year inside it (the rule this keeps)
    assert filed("في الثمانينيات عانت الشركة أزمة في عام 1986.") == ["1986"]


def test_a_hijri_decade_is_converted():
    assert found("لعب في الستينيات الهجرية") == [("194X", "decade")]
