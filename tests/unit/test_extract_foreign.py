"""Foreign text the extractor kept (issue #17, sixth pass), written by hand.

Dropped now: a related headline on the article's own subject right after another related
headline, or standing alone in a bullet between two paragraphs, or opened by a bare marker
word ("شاهد ..."); an appended article whose headline has the
"agency : claim" shape, after paragraphs quoting speakers ("وتابع فلان: «...»"). Cut at the
right seam now: a headline closed by a direction mark or control codes, a two-word marker
glued to its headline whose figure runs into a bulleted paragraph, a rare word that is a known
word behind its article ("«المحظوظ»", no seam inside it).  And what must not change: the
article's own bulleted subheading stays.
"""

import pytest

from marsad.extract.clean import clean_blocks
from tests.unit.test_extract_layouts import FOURTH, HEADLINES, LEAD, SECOND, THIRD, TITLE

pytestmark = pytest.mark.unit


def _body(blocks):
    return clean_blocks(list(blocks), title=TITLE, find_title=False).paragraphs


# a related headline on the article's own subject (a hospital, Tabuk): it shares the article's words
TOPICAL = "أمير تبوك يزور مستشفى الملك خالد ويطمئن على المرضى"


def test_a_topical_headline_next_to_a_related_link_is_a_link_too():
    # related links come in runs: the second one shares the article's subject, not the words
    # of the paragraph under it (a subheading would)
    blocks = [LEAD, SECOND, HEADLINES[0], TOPICAL, THIRD, FOURTH]
    assert _body(blocks) == [LEAD, SECOND, THIRD, FOURTH]


def test_a_lone_bulleted_headline_between_paragraphs_is_a_link():
    blocks = [LEAD, SECOND, "·" + TOPICAL, THIRD, FOURTH]
    assert _body(blocks) == [LEAD, SECOND, THIRD, FOURTH]


def test_a_bulleted_subheading_quoting_its_paragraph_stays():
    blocks = [LEAD, SECOND, "• افتتاح مستشفيين آخرين", THIRD, FOURTH]
    assert _body(blocks) == blocks


def test_a_headline_opened_by_a_bare_marker_word_is_a_link():
    # "شاهد" opens sentences too, so no separator makes it a marker; a short line heading nothing,
    # not clearly the article's, is a link
    blocks = [LEAD, SECOND, "شاهد وزارة الصحة تطلق حملة للتطعيم في المدارس", THIRD, FOURTH]
    assert _body(blocks) == [LEAD, SECOND, THIRD, FOURTH]


@pytest.mark.parametrize("seam", ["\u200f", "\x1a\x1a "])
def test_a_headline_closed_by_a_direction_mark_or_control_codes_is_cut_there(seam):
    glued = "إقرأ المزيد " + TOPICAL + seam + SECOND
    assert _body([LEAD, glued, THIRD]) == [LEAD, SECOND, THIRD]


def test_a_two_word_marker_glued_to_its_headline_is_cut_at_the_bulleted_paragraph():
    # "ننصحك بقراءة" runs into the headline's first word, and the headline's figure into the "* " of the paragraph
    para = "* " + SECOND
    glued = "ننصحك بقراءةانطلاق فعاليات مهرجان صيف تبوك 36" + para
    assert _body([LEAD, glued, THIRD]) == [LEAD, para, THIRD]


def test_a_rare_word_behind_its_article_holds_no_seam():
    # "المحظوظ" is unseen as a whole but is ال + محظوظ: the seam is the later "خالدوقال"
    glued = "اقرأ أيضا » الطفل «المحظوظ» يغادر مستشفى الملك خالد" + SECOND
    assert _body([LEAD, glued, THIRD]) == [LEAD, SECOND, THIRD]


# an appended article under an "agency : claim" headline, its lead ending on a colon over numbered points
APPENDED = ["المرور : ضبط ثلاثمئة مخالفة في حملة على الطرق السريعة",
            "أعلنت الإدارة العامة للمرور أن دورياتها ضبطت خلال الأسبوع الماضي ثلاثمئة مخالفة سرعة وتجاوز "
            "على الطرق السريعة بين المدن، في حملة شاركت فيها فرق من أمن الطرق ورجال الدوريات، وأوضحت "
            "الإدارة أن الحملة ستتواصل حتى نهاية الإجازة الصيفية وأن نتائجها جاءت على النحو التالي:",
            "أولا : حجز مئة وعشرين مركبة تجاوز سائقوها السرعة المقررة بأكثر من خمسين كيلومترا في الساعة "
            "وإحالتهم إلى الجهات المختصة لاستكمال الإجراءات النظامية بحقهم.",
            "ثانيا : تسجيل ثمانين حادثا مروريا بسيطا على طريق الرياض الدمام السريع دون إصابات بشرية، "
            "وتغريم السائقين المتسببين فيها بحسب نظام المرور ولائحته التنفيذية."]


def test_an_agency_headline_after_quoting_paragraphs_opens_an_appended_article():
    # two paragraphs quoting a speaker ("وتابع المدير: «...»") make no interview, and a long
    # paragraph ending on a colon under the headline opens the appended article's list, not ours
    quotes = ["وتابع مدير المستشفى: «نستقبل الأطفال من جميع المحافظات المجاورة، ونعمل على توفير أحدث "
              "الأجهزة الطبية في أقسام العناية المركزة والجراحة».",
              "وقال وكيل الوزارة: «الكوادر الطبية في المستشفى من الأطباء السعوديين، ونسعى إلى رفع "
              "نسبتهم في مستشفيات المنطقة الشمالية خلال الأعوام المقبلة»."]
    blocks = [LEAD, SECOND, *quotes, THIRD, *APPENDED]
    assert _body(blocks) == [LEAD, SECOND, *quotes, THIRD]
