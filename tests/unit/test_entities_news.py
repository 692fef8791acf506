"""analyze.entities on news text: what is not a person, names without proclitics, name chains, short forms."""

import pytest

from marsad.analyze.entities import canonical_entities, find_mentions, title_heads
from marsad.arabic.normalize import normalize

pytestmark = pytest.mark.unit


def people(text):
    return [m.text for m in find_mentions(text) if m.type == "PERS"]


@pytest.mark.parametrize("text", [
    "ارتفعت حصيلة ضحايا السيول إلى 12 قتيلا، بحسب ما أعلنه الدفاع المدني صباح الخميس، بعد يومين من الأمطار.",
    "وصل الوفد مساء الجمعة إلى العاصمة بعد رحلة طويلة.",
    "وقالت الهيئة إن الموجة تنحسر اعتبارا من ظهر السبت المقبل.",
])
def test_time_expressions_are_not_people(text):
    assert not any(normalize(p).split()[0] in {"صباح", "مساء", "ظهر"} for p in people(text)), people(text)


@pytest.mark.parametrize("text,word", [
    ("انتهت أول جولة محادثات بين أذربيجان وأرمن ناغورني كاراباخ بشأن دمج الإقليم.", "أرمن"),
    ("عقد وزيرا الخارجية الأذربيجاني والأرميني في العاصمة الجورجية تبليسي محادثات مباشرة.", "الأرميني"),
    ("وحضر اللقاء ممثلو الأرمن في الإقليم إلى جانب مسؤولين من باكو.", "الأرمن"),
    ("وقال الخبير إن المستثمرين الأتراك يترقبون القرار.", "الأتراك"),
])
def test_demonyms_are_not_people(text, word):
    assert all(word not in p for p in people(text)), people(text)


@pytest.mark.parametrize("text", [
    "وفي سياق متصل، أكد الرئيس الروسي ونظيره الأذربيجاني على أهمية تنفيذ الاتفاقات.",
    "واستقبل الوزير نظيرته في مقر الوزارة، وبحث معها ملفات التعاون.",
    "وقال رئيسها إن الشركة ستوسع أعمالها.",
])
def test_role_words_and_pronoun_suffixed_roles_are_not_people(text):
    assert people(text) == []


def test_variants_never_keep_a_proclitic():
    text = ("وحضر المفاوضات النائب رامين محمدوف، وممثلا الأرمن في الإقليم ديفيد ملكوميان وسيرغي مارتيروسيان، "
            "فضلا عن مسؤول من قوات حفظ السلام.")
    got = people(text)
    assert "سيرغي مارتيروسيان" in got and not any(p.startswith("و") and normalize(p[1:]).startswith("سيرغ") for p in got)


def test_given_names_keep_their_first_letter():
    assert "ليلى العامري" in people("وقالت محافظة البنك المركزي ليلى العامري في مؤتمر صحفي إن الخفض سيكون تدريجيا.")


def test_name_chains_stay_whole():
    got = people("وفي ختام تصريحه رفع المهندس عبدالله المبطي شكره للأمير فيصل بن خالد بن عبدالعزيز أمير منطقة عسير.")
    assert "فيصل بن خالد بن عبدالعزيز" in got
    assert "عبدالله المبطي" in got
    got = people("وكان المعسكر يتبع قوات موالية للرئيس السابق علي عبدالله صالح.")
    assert got == ["علي عبدالله صالح"]


def test_names_do_not_swallow_the_next_word():
    got = people("قام سفير البوسنة والهرسك السيد حارث هارلي بزيارة إلى الجامعة.")
    assert got == ["حارث هارلي"]


def test_an_organisation_head_before_a_place_names_an_organisation():
    ms = {(m.text, m.type) for m in find_mentions("رفع المهندس عبدالله المبطي باسم غرفة أبها شكره للمنظمين.")}
    assert ("غرفة أبها", "ORG") in ms and ("أبها", "LOC") not in ms


def test_weekday_after_an_organisation_is_not_part_of_it():
    ms = [m.text for m in find_mentions("قرر البنك المركزي الأربعاء خفض سعر الفائدة الرئيسي.") if m.type == "ORG"]
    assert ms == ["البنك المركزي"]


def test_short_forms_merge_into_the_full_name_within_a_story():
    a = find_mentions("وقال المتحدث باسم الدفاع المدني سامي الجبوري إن فرق الإنقاذ تعمل.")
    b = find_mentions("وأضاف الجبوري أن السيول جرفت نحو 300 عائلة. وقال سامي إن البحث مستمر.")
    persons = [e for e in canonical_entities([("a", a), ("b", b)]) if e.type == "PERS"]
    assert len(persons) == 1 and persons[0].name == "سامي الجبوري"
    assert set(persons[0].variants) >= {"سامي الجبوري", "الجبوري"}


def test_the_title_nearest_a_name_governs_it():
    assert title_heads(normalize("ممثل الرئيس الأذربيجاني").split()) == [normalize("الرئيس").removeprefix("ال")]
    assert title_heads(normalize("وزير الأشغال العامة").split()) == ["وزير"]
    assert title_heads(normalize("في مؤتمر صحفي").split()) == []


def test_a_word_referring_to_a_place_names_none():
    places = [m.text for m in find_mentions("تؤكد الإنجازات تماسك الجبهة الداخلية في مواجهة ما يستهدف أمن المملكة.")
              if m.type == "LOC"]
    assert places == []
    full = [m.text for m in find_mentions("وصل الوفد إلى المملكة العربية السعودية أمس.") if m.type == "LOC"]
    assert full == ["المملكة العربية السعودية"]


def test_a_quoted_outlet_is_an_organisation():
    ms = {(m.text, m.type) for m in find_mentions("وقال المصدر لـ«الشرق الأوسط»: إن الطائرة سقطت. وفي الشرق الأوسط توتر.")}
    assert ("الشرق الأوسط", "ORG") in ms and ("الشرق الأوسط", "LOC") in ms
