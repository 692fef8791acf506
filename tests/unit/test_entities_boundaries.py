"""analyze.entities: where names start and end in news text (the boundary classes of the news set's blind3 split,
bench/news_ner_eval.py, session 12), one sentence written here for each: a person's name and the word after it
(a quantifier, an ordinal-like adjective, الله, ولد, آل, a given name that is also a nisba adjective), an
organisation's name and its edges (a club's country adjective, a head in construct, a head before another head,
a field after الإدارة العامة), and heads that describe an activity or a product rather than name anything."""

import pytest

from marsad.analyze.entities import find_mentions

pytestmark = pytest.mark.unit


def mentions(text):
    return {(m.text, m.type) for m in find_mentions(text)}


@pytest.mark.parametrize("text,name", [
    ("وطمأن خالد الجميع بأن الأعمال تسير وفق الخطة المرسومة للمشروع.", "خالد"),
    ("وطمأن مدير الأمانة سعيد الجميع بأن الأعمال تسير وفق الخطة.", "سعيد"),
    ("وهذا فحوى حديث دي مستورا الأخير عن الأزمة.", "دي مستورا"),
])
def test_a_quantifier_after_a_name_is_not_its_family_name(text, name):
    ms = mentions(text)
    assert (name, "PERS") in ms and not any(t == "PERS" and m != name for m, t in ms), ms


@pytest.mark.parametrize("text,name", [
    ("وقال نصر الله في كلمة متلفزة إن الحزب لن يتراجع عن موقفه.", "نصر الله"),
    ("وقال جار الله في تصريح صحفي إن المشروع سيكتمل قريبا.", "جار الله"),
])
def test_a_one_word_name_takes_allah_when_they_form_a_name(text, name):
    assert (name, "PERS") in mentions(text), mentions(text)


@pytest.mark.parametrize("text,name", [
    ("والتقى الرئيس الموريتاني محمد ولد عبد العزيز وفدا من رجال الأعمال.", "محمد ولد عبد العزيز"),
    ("يذكر أن آل بايدن يعكفون على وضع الخطط النهائية للعطلة.", "آل بايدن"),
    ("استشهاد «ال منصور» بقذيفة حوثية غادرة في نجران", "ال منصور"),
    ("وضم الوفد الإداريين تركي الدربي وعبدالله أبوشال.", "تركي الدربي"),
    ("وحضر الحفل تركي السديري رئيس التحرير.", "تركي السديري"),
])
def test_name_chains_keep_their_parts(text, name):
    # ولد (son of) in a Mauritanian name, آل (written ال too) before a family's name, and a given name that is
    # also a nisba adjective (تركي) before a family name
    assert (name, "PERS") in mentions(text), mentions(text)


def test_a_clubs_country_adjective_is_left_out_but_a_companys_is_kept():
    ms = mentions("وحقق الشبابي فوزه السادس على حساب فريق ليرس الهولندي بنتيجة هدفين دون رد في اللقاء الذي أقيم مساء أمس.")
    assert ("ليرس", "ORG") in ms and ("ليرس الهولندي", "ORG") not in ms, ms
    assert ("زين السعودية", "ORG") in mentions("وأعلنت شركة زين السعودية نتائجها المالية للربع الثاني.")


@pytest.mark.parametrize("text,org", [
    ("سيظل اتحاد كرة القدم السعودي يخرج من مشكلة ويقع في أخرى.", "اتحاد كرة القدم السعودي"),
    ("ونقل المريض إلى مركز جامعة ديوك الطبي لتلقي العلاج.", "مركز جامعة ديوك الطبي"),
    ("وأوضح المتحدث باسم المديرية العامة للدفاع المدني أن الفرق باشرت الحادث.", "المديرية العامة للدفاع المدني"),
    ("وحذرت الإدارة العامة للدفاع المدني المواطنين من السيول.", "الإدارة العامة للدفاع المدني"),
])
def test_an_organisations_name_runs_from_its_head_to_its_adjective(text, org):
    # a bare head takes its construct (اتحاد كرة القدم) and the adjective that agrees with it; a head before
    # another head's name starts it when the adjective agrees with the first (مركز ... الطبي); a field after a
    # preposition starts at the definite head and its adjective (الإدارة العامة + للدفاع المدني)
    ms = mentions(text)
    assert (org, "ORG") in ms and not any(t == "ORG" and m != org for m, t in ms), ms


@pytest.mark.parametrize("text", [
    "وتوقفت حركة السير على الطريق الدولي لساعات.",
    "وتضاعفت حركة المسافرين في مطارات المنطقة.",
    "وحث بنك الدم المتبرعين على زيارة المستشفى.",
])
def test_a_head_and_the_activity_it_describes_name_no_organisation(text):
    assert not any(t == "ORG" for _, t in mentions(text)), mentions(text)


def test_a_name_after_a_products_noun_is_a_product():
    assert mentions('هبطت طائرة خفيفة من طراز "سكاي كار" اضطراريا في الصحراء.') == set()
