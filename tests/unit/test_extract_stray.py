"""Foreign text the extractor used to keep (issue #17, third pass), written by hand.

A lone unmarked headline between paragraphs that shares nothing with the article or with the
paragraph after it; a "related" headline glued to a short paragraph, or whose seam is a bracket,
a number, a dash or an unseen word; a marker followed by » ; bylines and photo credits naming a
site with a digit in its Latin name; and what must stay: subheadings and interview questions
(they share their paragraph's words), verse, and the paragraph left after a glued headline is cut.
"""

import pytest

from marsad.extract.blocks import find_glue, is_byline, is_caption, is_headline_like
from marsad.extract.clean import clean_blocks
from tests.unit.test_extract_layouts import FOURTH, LEAD, SECOND, THIRD, TITLE  # the article those tests use

pytestmark = pytest.mark.unit


def _body(blocks):
    return clean_blocks(list(blocks), title=TITLE, find_title=False).paragraphs


@pytest.mark.parametrize("headline", [
    "- منتخب الشباب يخسر وديا أمام نظيره الياباني بهدفين",
    "تونس تمدد حالة الطوارئ ومنظمات حقوقية تنتقد قانون الإرهاب",
    "كآبة عامة.. الخامنئي سوف يبتلع «الولي المنتظر»..!.",  # a stray full stop after the headline's "!"
])
def test_a_lone_unmarked_headline_between_paragraphs_is_dropped(headline):
    assert _body([LEAD, SECOND, headline, THIRD, FOURTH]) == [LEAD, SECOND, THIRD, FOURTH]


def test_a_labelled_headline_opening_an_appended_article_is_not_an_interview_line():
    # "X: ..." alone, with no question or answer near it, heads another article
    appended = ["الأرصاد: أمطار رعدية على مرتفعات عسير والباحة حتى الخميس",
                "توقعت الرئاسة العامة للأرصاد وحماية البيئة هطول أمطار رعدية مصحوبة برياح نشطة "
                "على مرتفعات منطقتي عسير والباحة، تمتد إلى أجزاء من منطقة مكة المكرمة.",
                "وأوضحت الرئاسة أن الرياح السطحية ستكون شمالية غربية على البحر الأحمر بسرعة "
                "تصل إلى خمسة وثلاثين كيلومترا في الساعة، وارتفاع الموج من متر إلى مترين."]
    assert _body([LEAD, SECOND, THIRD, *appended]) == [LEAD, SECOND, THIRD]


def test_subheadings_and_questions_that_share_their_paragraph_stay():
    sub = "العيادات الخارجية"
    question = "ما هي خططكم بشأن العيادات الخارجية؟"
    assert _body([LEAD, SECOND, sub, FOURTH, THIRD]) == [LEAD, SECOND, sub, FOURTH, THIRD]
    assert _body([LEAD, SECOND, question, FOURTH, THIRD]) == [LEAD, SECOND, question, FOURTH, THIRD]


def test_a_labelled_question_in_an_interview_stays():
    q1 = "عكاظ: كيف تقيم الخدمات الصحية في تبوك؟"
    q2 = "عكاظ: وماذا بعد افتتاح المستشفى؟"
    answer = "ج - " + FOURTH
    got = _body([LEAD, q1, "ج - " + SECOND, q2, answer])
    assert got == [LEAD, q1, "ج - " + SECOND, q2, answer]


def test_a_headline_glued_to_a_short_paragraph_is_cut_and_the_rest_read_on():
    # shorter than a run-on line: the seam, not the length, tells the paragraph from the headline
    line = "تابع أيضا :منتخب الشباب يخسر وديا أمام نظيره اليابانيوأضاف أن المستشفى يضم مئتي سرير للأطفال"
    got = _body([LEAD, SECOND, line, THIRD, FOURTH])
    assert got == [LEAD, SECOND, "وأضاف أن المستشفى يضم مئتي سرير للأطفال", THIRD, FOURTH]


@pytest.mark.parametrize("headline, paragraph", [
    ("نجلاء الخليفة تحصل على الميدالية الذهبية في مسابقة (PX3)", "وذكر رئيس اللجنة أن البرنامج"),
    ("الاستفتاء على بقاء بريطانيا في الاتحاد قد يجري في منتصف 2016", "واختتم المصدر بالقول إن"),
    ("الحراك السعودي الأوروبي .. دعم للسلام", "- احتفت سفارة المملكة في النمسا"),
    ("«داعش» يصادر الوثائق الثبوتية من سكان الفلوجة منعًا لهروبهم", "من جانبه، أكد أمين المنطقة"),
    ("عندما تبدأ «أفعى» الإرهاب في الترنح", "ويحوي التطبيق معلومات عن المراكز"),
])
def test_the_seam_of_a_headline_known_to_run_into_a_paragraph(headline, paragraph):
    text = headline + paragraph + " " + "كلمة " * 10
    assert find_glue(text, relaxed=True) == len(headline)


def test_an_ordinary_headline_has_no_seam_even_when_relaxed():
    for head in ("شركتان تعلنان عن شراكة بقيمة ثلاثين مليون دولار",
                 "الهلال يتعادل مع النصر في مباراة مثيرة على ملعب الملك فهد"):
        assert find_glue(head, relaxed=True) is None


def test_a_marker_followed_by_a_guillemet_is_cut_whole():
    line = ("طالع ايضا » الاحتياجات الخاصة .. تغريد خارج السرب" + "وترجح توقعات أن أعداد المسلمين في الصين "
            "تجاوزت حاجز الخمسين مليون نسمة على أقل تقدير، لكن إحصاءات رسمية تقدر أعدادهم بنحو أربعة وعشرين مليونا")
    got = _body([LEAD, SECOND, line, THIRD])
    assert got[2].startswith("وترجح توقعات") and "»" not in got[2]


def test_site_names_with_a_digit_in_bylines_and_photo_credits():
    assert is_byline("مكة المكرمة - 3alyoum")
    assert is_caption("السيسي يستقبل ولي العهد «3alyoum»")
    assert not is_byline("الرياض - 12 مارس")  # a dateline, not a byline


def test_verse_between_paragraphs_is_not_a_stray_headline():
    verse = ["يا دارُ أَيْنَ الَّذينَ كانُوا هُنا،", "مَضَوْا وَخَلَّوْا لَنا ذِكْرى تُؤَرِّقُنا"]
    assert _body([LEAD, SECOND, *verse, THIRD]) == [LEAD, SECOND, *verse, THIRD]


def test_headline_punctuation():
    assert is_headline_like("كآبة عامة.. الخامنئي سوف يبتلع «الولي المنتظر»..!.")
    assert not is_headline_like("وقال الوزير إن العمل مستمر في المشروع.")


def test_a_subheading_quoting_its_paragraph_keeps_a_section_far_from_the_lead():
    # a heading made of a phrase of the paragraph under it is the writer's own, however far the section
    # strays from the lead; another article's headline is no piece of the paragraph after it
    sub = "■ الطرق الجديدة في الشمال"
    far1 = ("وتستكمل البلديات في المنطقة رصف الطرق الجديدة في الشمال وإنارتها قبل موسم الشتاء، إذ تمتد "
            "الأعمال على مسافة مئة وعشرين كيلومترا بين القرى والهجر المتباعدة.")
    far2 = ("ويعمل المقاولون على مدار الساعة لإنهاء الجسور والعبارات قبل هطول الأمطار، بحسب ما ذكره "
            "المهندس المشرف على المشروع في تصريح للصحفيين بموقع العمل.")
    assert _body([LEAD, SECOND, THIRD, sub, far1, far2]) == [LEAD, SECOND, THIRD, sub, far1, far2]
    # a headline that is no phrase of the paragraph after it, and shares nothing with the article, is a link
    other = "منتخب الشباب يخسر وديا أمام نظيره الياباني بهدفين"
    assert other not in _body([LEAD, SECOND, THIRD, other, far1, far2])
