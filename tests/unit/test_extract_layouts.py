"""The extractor on layouts the generator's families are about, written by hand (issue #17), and its fast paths (#19).

Unmarked related headlines (alone or in runs, "X: ..." headlines among them), markers glued
to a headline with no separator, captions that end on a photo credit, a year glued to the next
sentence; and the cleaner's cached term vectors, which must equal the terms module's own.
"""

import math
from pathlib import Path

import pytest

from marsad.arabic.terms import terms, weighted
from marsad.extract.blocks import contains_marker_inline, find_glue, is_caption, match_marker
from marsad.extract.clean import Vec, _add, _vec, clean_blocks, cosine
from marsad.extract.html import _extraction, _options

pytestmark = pytest.mark.unit

LEAD = ("أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد للأطفال في مدينة تبوك بسعة مئتي سرير، "
        "ضمن خطة لتوسيع الخدمات الصحية في المناطق الشمالية.")
SECOND = ("وقال وكيل الوزارة إن المستشفى الجديد يضم أقساما للعناية المركزة وجراحة الأطفال، "
          "وإن الكوادر الطبية فيه من الأطباء السعوديين بنسبة كبيرة.")
THIRD = ("وأضاف أن الوزارة تعمل على افتتاح مستشفيين آخرين للأطفال في الجوف وحائل قبل نهاية العام، "
         "بعد اكتمال تجهيزهما بالمعدات الطبية اللازمة.")
FOURTH = ("وأشار إلى أن المستشفى سيستقبل المرضى من المحافظات المجاورة، وأن العيادات الخارجية "
          "ستعمل على فترتين صباحية ومسائية طوال أيام الأسبوع.")
TITLE = "افتتاح مستشفى جديد للأطفال في تبوك"
HEADLINES = ["منتخب الشباب يخسر وديا أمام نظيره الياباني بهدفين",
             "الأرصاد: أمطار رعدية على مرتفعات عسير والباحة حتى الخميس",
             "ارتفاع أسعار الذهب في التعاملات الآسيوية المبكرة"]


def _body(blocks):
    return clean_blocks(list(blocks), title=TITLE, find_title=False).paragraphs


def test_a_run_of_unmarked_headlines_between_paragraphs_is_dropped():
    got = _body([LEAD, SECOND, *HEADLINES, THIRD, FOURTH])
    assert got == [LEAD, SECOND, THIRD, FOURTH]


def test_speaker_headlines_at_the_end_are_links_not_an_interview():
    # "X: ..." opens news headlines as often as interview answers: alone at the foot they are links
    got = _body([LEAD, SECOND, THIRD, "الأرصاد: أمطار رعدية على مرتفعات عسير والباحة حتى الخميس",
                 "مدرب المنتخب: سنعود أقوى في البطولة المقبلة"])
    assert got == [LEAD, SECOND, THIRD]


def test_interview_lines_with_labels_stay():
    q = "س: متى يفتح المستشفى أبوابه للمرضى؟"
    a = "ج: نعم"
    a2 = ("الوكيل: سيستقبل المستشفى أول المرضى مطلع الشهر المقبل بعد اكتمال تجهيز الأقسام "
          "وتدريب الكوادر الطبية على الأجهزة الجديدة.")
    got = _body([LEAD, SECOND, q, a, a2, THIRD])
    assert q in got and a in got and a2 in got


def test_verse_and_short_table_rows_are_not_taken_for_links():
    verse = ["يا دارُ أَيْنَ الَّذينَ كانُوا هُنا،", "مَضَوْا وَخَلَّوْا لَنا ذِكْرى تُؤَرِّقُنا",
             "وَالصَّبْرُ أَجْمَلُ ما يُعْطى لِمَنْ صَبَرا"]
    rows = ["عدد الأسرة 200", "عدد العيادات 35"]
    assert _body([LEAD, SECOND, *verse, THIRD]) == [LEAD, SECOND, *verse, THIRD]
    assert _body([LEAD, SECOND, *rows, THIRD]) == [LEAD, SECOND, *rows, THIRD]


def test_a_subheading_over_its_paragraph_stays():
    sub = "أقسام المستشفى الجديد"
    assert sub in _body([LEAD, SECOND, sub, THIRD, FOURTH])


@pytest.mark.parametrize("line, keep", [
    # a marker word with no separator, or glued to the headline, then the seam into the paragraph
    ("للمزيد ارتفاع أسعار الذهب في التعاملات الآسيويةوقال متعاملون إن الطلب على المعدن ارتفع مع تراجع "
     "الدولار في الأسواق العالمية خلال الأسبوع", "وقال متعاملون"),
    ("شاهدأمطار رعدية على مرتفعات عسير والباحةوأكد المتحدث باسم الأرصاد أن الحالة ستستمر حتى نهاية "
     "الأسبوع على معظم المناطق الجنوبية", "وأكد المتحدث"),
])
def test_marker_glued_to_a_headline_without_separator(line, keep):
    hit = match_marker(line)
    assert hit is not None and hit.scope == "glued"
    got = _body([LEAD, SECOND, line, THIRD])
    seam = line.index(keep)
    assert got[2] == line[seam:] and THIRD in got


def test_a_sentence_opening_with_a_marker_word_is_not_cut():
    line = ("شاهد الآلاف من المشجعين المباراة النهائية في الملعب المفتوح مساء أمس وسط أجواء "
            "احتفالية كبيرة امتدت حتى ساعة متأخرة من الليل")
    assert match_marker(line) is None


def test_marker_hanging_at_the_end_of_a_cut_paragraph():
    line = "وترتيب الرغبات المكانية في قطاعات إقرأ أيضاً: " + HEADLINES[0]
    start, hit = contains_marker_inline(line)
    assert line[:start].rstrip().endswith("قطاعات") and hit.rest == HEADLINES[0]
    assert contains_marker_inline("وقال إن الناس شاهد عيان على ما جرى في المدينة أمس") is None
    assert contains_marker_inline("وأكد أنه سيقرأ أيضا التقرير النهائي قبل رفعه إلى المجلس") is None


@pytest.mark.parametrize("line, expected", [
    ("الوزير خلال تفقده أقسام المستشفى (واس)", True),
    ("جانب من الافتتاح «عكاظ»", True),
    ("المرضى في قاعة الانتظار (AFP)", True),
    ("ماذا قال «الشورى»", False),  # a quoted word that is no outlet
    ("وأكد الوزير أن المستشفى سيفتح أبوابه قريبا وأن العمل يجري على قدم وساق (واس)", False),  # a sentence
])
def test_captions_closed_by_a_photo_credit(line, expected):
    assert is_caption(line) is expected


def test_glue_after_a_year_and_not_at_an_opening_quote():
    text = 'تراجع أرباح "سبكيم" 39% بنهاية النصف الأول 2015موأوضح المدير أن'
    cut = find_glue(text)
    assert text[cut:].startswith("وأوضح")
    assert find_glue('قال المتحدث إن "الخطة" ستعلن في عام 2015م أمام المجلس') is None


def test_term_vectors_equal_the_terms_module_and_norms_stay_exact():
    texts = [LEAD, SECOND, THIRD, FOURTH, *HEADLINES]
    for t in texts:
        assert _vec(t).w == pytest.approx(weighted(terms(t), normalized=False))
    acc = Vec()
    for k, t in enumerate(texts):
        _add(acc, _vec(t), 2.0 if k < 2 else 1.0)
    assert acc.sq == pytest.approx(sum(x * x for x in acc.w.values()), rel=1e-12)
    a, b = _vec(LEAD), acc
    dot = sum(x * b.w.get(k, 0.0) for k, x in a.w.items())
    ref = dot / math.sqrt(sum(x * x for x in a.w.values()) * sum(x * x for x in b.w.values()))
    assert cosine(a, b) == pytest.approx(ref, rel=1e-12)


SITES = Path(__file__).resolve().parents[1] / "fixtures" / "html_sites"


@pytest.mark.parametrize("page", sorted(p.name for p in SITES.glob("*.html")))
def test_slim_trafilatura_path_equals_bare_extraction(page):
    import copy

    import trafilatura

    html = (SITES / page).read_text(encoding="utf-8")
    opts = copy.copy(_options())
    ours = _extraction(html, opts)
    ref = trafilatura.bare_extraction(html, options=copy.copy(_options()))
    for field in ("text", "title", "date", "sitename", "url"):
        assert getattr(ours, field) == getattr(ref, field), field


def test_a_label_or_name_under_the_title_and_at_the_foot_is_not_body():
    got = _body(["الأسهم", LEAD, SECOND, THIRD, "ياسر الدوسري"])
    assert got == [LEAD, SECOND, THIRD]


def test_a_two_word_subheading_over_its_paragraph_at_the_foot_stays():
    assert "أقسام المستشفى" in _body([LEAD, SECOND, THIRD, "أقسام المستشفى", FOURTH])


def test_questions_at_the_foot_with_no_answer_are_links():
    got = _body([LEAD, SECOND, THIRD, HEADLINES[0], "الاقتصاد العالمي إلى أين بعد تراجع النفط؟"])
    assert got == [LEAD, SECOND, THIRD]


def test_a_poem_announced_by_its_paragraph_is_kept():
    intro = "وفي ختام الحفل ألقى الشاعر قصيدة قال فيها:"
    verse = ["سلامٌ على أرضٍ سقاها غمامها", "وطابت بها الأيام حين أقمنا"]
    got = _body([LEAD, SECOND, intro, *verse, THIRD])
    assert got == [LEAD, SECOND, intro, *verse, THIRD]
