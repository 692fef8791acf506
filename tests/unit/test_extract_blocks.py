"""Line signals of the extractor (markers, labels, captions, bylines, tables) and the cleaner's use of them.

Every page here is written by hand; none comes from the noisy-page generator.
"""

import pytest

from marsad.extract.blocks import (
    contains_marker_inline,
    continues_article,
    is_byline,
    is_caption,
    is_list_item,
    is_section_label,
    is_table_row,
    match_marker,
)
from marsad.extract.clean import clean_blocks

pytestmark = pytest.mark.unit

LEAD = ("أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد للأطفال في مدينة تبوك بسعة مئتي سرير، "
        "ضمن خطة لتوسيع الخدمات الصحية في المناطق الشمالية.")
SECOND = ("وقال وكيل الوزارة إن المستشفى الجديد يضم أقساما للعناية المركزة وجراحة الأطفال، "
          "وإن الكوادر الطبية فيه من الأطباء السعوديين بنسبة كبيرة.")
THIRD = ("وأضاف أن الوزارة تعمل على افتتاح مستشفيين آخرين للأطفال في الجوف وحائل قبل نهاية العام، "
         "بعد اكتمال تجهيزهما بالمعدات الطبية اللازمة.")
FOREIGN_HEAD = "منتخب الشباب يخسر وديا أمام نظيره الياباني بهدفين"


@pytest.mark.parametrize("line, reason", [
    ("شاهد: جولة في سوق التمور ببريدة", "read-also"),
    ("للمزيد » ارتفاع أسعار الذهب في التعاملات الآسيوية", "read-also"),
    ("اقرأ أيضاً", "read-also"),
    ("طالع أيضا:", "read-also"),
    ("شاهد »", "read-also"),
    ("روابط ذات صلة", "related"),
])
def test_markers(line, reason):
    hit = match_marker(line)
    assert hit is not None and hit.reason == reason


@pytest.mark.parametrize("line", [
    "شاهد الآلاف من المشجعين المباراة النهائية في الملعب المفتوح مساء أمس",
    "للمزيد من الوقت طلب المدرب تأجيل المباراة",
    "المزيد من الأمطار متوقع على المرتفعات الجنوبية خلال الأسبوع",
])
def test_marker_words_that_open_sentences_are_not_markers(line):
    assert match_marker(line) is None


def test_inline_marker_after_a_sentence_end():
    line = "وأكد أن العمل سيستمر حتى نهاية الشهر. طالع أيضا: " + FOREIGN_HEAD
    start, hit = contains_marker_inline(line)
    assert line[:start].rstrip().endswith("الشهر.") and hit.rest == FOREIGN_HEAD
    assert contains_marker_inline("وهو ما شاهد الجمهور بعضه في المباراة الأولى") is None


@pytest.mark.parametrize("line, expected", [
    ("الرئيسية > اقتصاد", True),
    ("الرئيسية » أخبار محلية » الرياض", True),
    ("الرئيسية / الأخبار / جازان", True),
    ("أخبار الخليج", True),
    ("محليات", True),
    ("وزير الصحة يفتتح مستشفى للأطفال في تبوك", False),
    ("أخبار سارة لموظفي القطاع الصحي في تبوك", False),
])
def test_section_labels_and_breadcrumbs(line, expected):
    assert is_section_label(line) is expected


@pytest.mark.parametrize("line, expected", [
    ("صورة أرشيفية", True),
    ("تصوير: عبدالرحمن السالم", True),
    ("وزير الصحة خلال الافتتاح (أرشيفية)", True),
    ("جانب من الاجتماع - تصوير ماجد العلي", True),
    ("وأوضح أن الصورة العامة للاقتصاد ما زالت إيجابية رغم التراجع.", False),
])
def test_captions(line, expected):
    assert is_caption(line) is expected


@pytest.mark.parametrize("line, expected", [
    ("الرياض - محمد الشهري", True),
    ("جدة: عبدالله السالم", True),
    ("تبوك - واس", True),
    ("وزير الصحة يفتتح مستشفى", False),
    ("الرياض", False),
])
def test_bylines(line, expected):
    assert is_byline(line) is expected


def test_table_rows_and_list_items():
    assert is_table_row("المنطقة | عدد الأسرة | النسبة")
    assert is_table_row("تبوك\t200\t35")
    assert not is_table_row("قال الوزير إن المستشفى جاهز")
    assert is_list_item("- افتتاح قسم للطوارئ") and is_list_item("3 ـ تعيين مدير جديد") and is_list_item("• بند")


def test_continuation_openers():
    assert continues_article("من جهة أخرى، بحث الوزير مع نظيره ملفات التعاون")
    assert continues_article("وإلى ذلك، أعلنت الوزارة موعد التسجيل")
    assert not continues_article("افتتح الوزير مستشفى جديدا")


def test_marker_and_headline_glued_to_a_paragraph_keep_the_paragraph():
    glued = "طالع أيضا: " + FOREIGN_HEAD.replace("بهدفين", "بهدفينة") + SECOND  # no space at the seam
    out = clean_blocks(["مستشفى جديد للأطفال في تبوك", LEAD, glued, THIRD])
    text = "\n".join(out.paragraphs)
    assert SECOND in text and THIRD in text and "منتخب الشباب" not in text


def test_articles_own_points_stay_and_a_link_list_goes():
    points = ["وتشمل المرحلة الأولى من المستشفى ما يلي:",
              "- قسم للعناية المركزة للأطفال حديثي الولادة بسعة أربعين سريرا.",
              "- عيادات خارجية لأمراض الأطفال المزمنة والحساسية.",
              "- مركز لجراحة الأطفال مجهز بثلاث غرف عمليات."]
    links = ["الأكثر قراءة", "• " + FOREIGN_HEAD, "• ارتفاع أسعار النفط في الأسواق الآسيوية",
             "• أمطار غزيرة على مرتفعات عسير والباحة"]
    out = clean_blocks(["مستشفى جديد للأطفال في تبوك", LEAD, SECOND] + points + [THIRD] + links)
    text = "\n".join(out.paragraphs)
    assert all(p in text for p in points) and THIRD in text
    assert "منتخب الشباب" not in text and "أسعار النفط" not in text


def test_breadcrumb_above_the_title_is_not_the_title():
    out = clean_blocks(["الرئيسية » محليات » تبوك", "مستشفى جديد للأطفال في تبوك", LEAD, SECOND])
    assert out.title == "مستشفى جديد للأطفال في تبوك" and LEAD in out.paragraphs


def test_see_also_line_in_the_middle_is_removed_and_the_article_goes_on():
    out = clean_blocks(["مستشفى جديد للأطفال في تبوك", LEAD, "شاهد: " + FOREIGN_HEAD, SECOND, THIRD])
    text = "\n".join(out.paragraphs)
    assert SECOND in text and THIRD in text and "منتخب الشباب" not in text


def test_interview_questions_stay():
    qa = ["س: متى يستقبل المستشفى أول المرضى؟",
          "ج: نتوقع أن يستقبل المستشفى المرضى مطلع الشهر المقبل بعد اكتمال اختبارات الأجهزة والتجهيزات.",
          "س: وماذا عن الكوادر الطبية المتخصصة في طب الأطفال؟",
          "ج: تعاقدنا مع خمسين طبيبا متخصصا، وأكثرهم من خريجي برامج الابتعاث في طب الأطفال وجراحتها."]
    out = clean_blocks(["وكيل وزارة الصحة: مستشفى الأطفال في تبوك يعمل الشهر المقبل", LEAD] + qa)
    text = "\n".join(out.paragraphs)
    assert all(line in text for line in qa)
