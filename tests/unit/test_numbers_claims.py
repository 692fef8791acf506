"""analyze.numbers and analyze.claims: figures, what they count, qualifiers, attribution, denials."""

import pytest

from marsad.analyze.claims import find_claims
from marsad.analyze.entities import find_mentions
from marsad.analyze.numbers import find_numbers

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("text,value,qualifier", [
    ("أسفرت عن 200 قتيل", 200, None),
    ("تضم نحو 10 آلاف فرد", 10000, "about"),
    ("نحو 120 ألفا", 120000, "about"),
    ("تجلي ألفي مدني", 2000, None),
    ("٢٥٠ شخصا", 250, None),
    ("أكثر من 40 ألف عائلة", 40000, "more-than"),
    ("2.5 مليون دولار", 2500000, None),
    ("ثلاثة آلاف وخمسمئة", 3500, None),
    ("ما لا يقل عن خمسة وعشرين جنديا", 25, "at-least"),
    ("مئتي جندي", 200, None),
    ("قرابة 1,500 لاجئ", 1500, "about"),
    ("يبلغ عدد السكان 1 414 021 100 نسمة", 1414021100, None),
    ("بلغت الكلفة 1\u202f234\u202f567.89 دولار", 1234567.89, None),
    ("نحو 2 مليون و300 ألف لاجئ", 2300000, "about"),
    ("4 آلاف 3 مائة و 21 صوتا", 4321, None),
    ("بلغت درجة الحرارة سالب 5", -5, None),
])
def test_values(text, value, qualifier):
    (n,) = find_numbers(text)
    assert (n.value, n.qualifier) == (value, qualifier)


def test_digit_parts_join_only_below_the_multiplier_before_them():
    def values(text):
        return [n.value for n in find_numbers(text)]

    assert values("بين 3 آلاف و5 آلاف نازح") == [3000, 5000]
    assert values("قتل 200 شخص و400 جريح") == [200, 400]
    assert values("10 آلاف و500 جريح") == [10500]
    assert values("عام 2015 150 قتيلا") == [2015, 150]
    assert values("3 مئة و سالب واحد") == [300, -1]


def test_vague_amounts_are_ranges():
    (n,) = find_numbers("عشرات الآلاف من الجانبين")
    assert n.value is None and n.low == 20000 and n.high == 100000


def claims(text):
    mentions = tuple(find_mentions(text))
    return [(c.value, c.category, c.qualifier, c.attributed_to, c.negated) for c in find_claims(text, "a", mentions)]


def test_killed_and_wounded_with_attribution():
    got = claims("وبحسب الانفصاليين، فإن العملية أسفرت عن 200 قتيل و400 جريح في الإقليم.")
    assert got == [(200, "killed", None, "الانفصاليين", False), (400, "wounded", None, "الانفصاليين", False)]


def test_context_makes_people_killed():
    got = claims("قال الانفصاليون إنها أدت إلى مقتل أكثر من 200 شخص.")
    assert got == [(200, "killed", "more-than", "الانفصاليون", False)]


def test_troops_estimate_attributed_to_a_capital():
    got = claims("وبحسب تقديرات باكو كانت هناك قوة أرمينية تضم نحو 10 آلاف فرد.")
    assert got == [(10000, "troops", "about", "باكو", False)]


def test_denial_is_a_negated_zero():
    got = claims('بدورها وصفت يريفان العملية بأنها "عدوان"، وأكدت أنه لا توجد أي قوات أرمنية في الإقليم.')
    assert got == [(0, "troops", "none", "يريفان", True)]


def test_years_are_not_claims():
    assert claims("في عام 2020 وقعت الحرب") == []
