"""analyze.claims with units: rates, percentages, basis points and money as claims grouped by what they measure."""

import pytest

from marsad.analyze.claims import find_claims
from marsad.report.facts import fact_label, group_claims

pytestmark = pytest.mark.unit


def measured(text, article="a"):
    return [(c.category, c.value) for c in find_claims(text, article) if ":" in c.category]


@pytest.mark.parametrize("text,expected", [
    ("رفع البنك المركزي سعر الفائدة الرئيسي بمقدار 50 نقطة أساس إلى 5.75 في المئة.",
     [("interest-rate:bp", 50), ("interest-rate:percent", 5.75)]),
    ("قرر المركزي خفض سعر الفائدة بربع نقطة مئوية إلى 5.5 في المئة.",
     [("interest-rate:percent", 5.5), ("interest-rate:bp", 25)]),
    ("في خطوة تهدف إلى كبح التضخم الذي بلغ 7.2 في المئة خلال أبريل.", [("inflation:percent", 7.2)]),
    ("ارتفع معدل البطالة إلى 12.5% في الربع الأول.", [("unemployment:percent", 12.5)]),
    ("أقر مجلس الوزراء تخصيص 40 مليون دينار لإعادة الإعمار.", [("allocation:dinar", 40e6)]),
    ("وافق الصندوق على قرض بقيمة 1.2 مليار دولار لدعم الخزينة.", [("loan:dollar", 1.2e9)]),
    ("بلغت قيمة الصفقات 301.2 مليار ريال بانخفاض قدره 16% مقارنة بالعام الماضي.",
     [("amount:riyal", 301.2e9), ("share:percent", 16)]),
])
def test_rates_and_amounts_are_claims(text, expected):
    assert sorted(measured(text)) == sorted(expected)


def test_two_currencies_are_never_compared():
    claims = find_claims("تخصيص 300 مليون دينار لدعم المشاريع.", "a") + find_claims("تخصيص 300 مليون دولار للمشاريع.", "b")
    groups = {g.about: g.status for g in group_claims(claims)}
    assert groups == {"allocation:dinar": "single-source", "allocation:dollar": "single-source"}


def test_agree_and_conflict_across_outlets():
    a = find_claims("خفض المركزي الفائدة 25 نقطة أساس إلى 5.5 في المئة بعد تراجع التضخم إلى 3.9 في المئة.", "a")
    b = find_claims("خفض المركزي الفائدة 25 نقطة أساس إلى 5.5 في المئة رغم تراجع التضخم إلى 4.2 في المئة.", "b")
    groups = {g.about: g.status for g in group_claims(a + b)}
    assert groups["interest-rate:percent"] == "agree"
    assert groups["interest-rate:bp"] == "agree"
    assert groups["inflation:percent"] == "conflict"


def test_fact_labels_are_arabic():
    assert fact_label("inflation:percent") == "التضخم (٪)"
    assert fact_label("allocation:dinar") == "المخصصات (دينار)"
    assert fact_label("families (approximate)") == "العائلات (تقديري)"
    assert fact_label("killed (1988–2020)") == "القتلى (1988–2020)"
    for about in ("interest-rate:bp", "loan:dollar", "share:percent", "families (approximate)"):
        assert not any("a" <= ch.lower() <= "z" for ch in fact_label(about)), fact_label(about)


def test_every_unit_of_the_data_file_is_read_as_written():
    from marsad.arabic.lexicons import data_lines

    for line in data_lines("units.tsv"):
        phrase, unit = line.split("\t")
        got = [c.category for c in find_claims(f"بلغ التضخم 5 {phrase} هذا العام.", "a") if ":" in c.category]
        assert got and got[0].endswith(":bp" if unit == "pp" else f":{unit}"), (phrase, got)


def test_a_figure_attributed_to_a_title_names_the_person():
    from marsad.analyze.entities import find_mentions

    text = ("وقال وزير المالية حسام الزين إن الحكومة رصدت 300 مليون دينار للمشاريع. "
            "وأوضح الوزير أن الصندوق وافق على قرض بقيمة 1.2 مليار دولار.")
    claims = find_claims(text, "a", tuple(find_mentions(text)))
    assert {c.category: c.attributed_to for c in claims} == {"allocation:dinar": "حسام الزين", "loan:dollar": "حسام الزين"}
