"""Digressions, glued-headline seams and foot lists the extractor got wrong (issue #17, fifth pass), written by hand.

Kept now: a column or a report that wanders off for a few paragraphs and comes back, a
subheading that quotes its paragraph across a comma, an opinion column whose last paragraphs
drift away from its lead with no headline over them.  Cut at the right seam now: a quote
after a prefix's tatweel ("لـ”الوطن”"), a one- or two-word headline or one ending on a
percent sign, a long run whose glued token has no well-attested split.  Dropped now: topical
related headlines in a list down to the page's foot.  And what must not change: an appended
article under its own headline still goes, the article's own announced points still stay.
"""

import pytest

from marsad.extract.clean import clean_blocks
from tests.unit.test_extract_layouts import FOURTH, LEAD, SECOND, THIRD, TITLE  # the article those tests use

pytestmark = pytest.mark.unit


def _body(blocks):
    return clean_blocks(list(blocks), title=TITLE, find_title=False).paragraphs


# a writer's memory in the middle of the report: its words are not the article's
MEMORY = ["■ جدي والسوق القديم",
          "أذكر أنني في صباي كنت أرافق جدي إلى السوق القديم كل جمعة، فنشتري التمر والقهوة "
          "ونجلس عند بائع العطور الذي كان يروي لنا حكايات القوافل والرحلات البعيدة.",
          "وكان جدي يحفظ أسماء الآبار والطرق بين القرى، ويحدثنا عن سنوات القحط والمطر "
          "وعن الجيران الذين رحلوا إلى المدن الكبيرة بحثا عن الرزق.",
          "تلك الأيام علمتني الصبر، وعلمتني أن الحكاية الجيدة تبقى في الذاكرة أطول من أي كتاب "
          "قرأته بعد ذلك في المدرسة أو الجامعة."]


def test_a_digression_the_article_comes_back_from_is_the_articles_own():
    # under a subheading of its own, three paragraphs far from the report; then the report goes
    # on: no appended article runs back into ours, so the run was the writer's own
    blocks = [LEAD, SECOND, *MEMORY, THIRD, FOURTH]
    assert _body(blocks) == blocks


def test_a_related_headline_inside_a_digression_stays_out_when_the_digression_comes_back():
    # the digression comes back, but a linked headline met inside it (sharing nothing with the
    # article nor with the line after it) is still another article's
    link = "منتخب الشباب يخسر وديا أمام نظيره الياباني بهدفين"
    blocks = [LEAD, SECOND, *MEMORY[:3], link, MEMORY[3], THIRD, FOURTH]
    assert link not in _body(blocks)
    assert _body(blocks) == [b for b in blocks if b != link]


def test_a_subheading_quoting_its_paragraph_across_a_comma_stays():
    # "■ الغرفة الباردة في آخر الممر" stands in its paragraph as "الغرفة الباردة، في آخر الممر":
    # the writer's own heading over the article's last section, however far that section wanders
    sub = "■ الغرفة الباردة في آخر الممر"
    tail = ["ما زلت أذكر الغرفة الباردة، في آخر الممر، حيث كانت أمي تنتظر دورها ساعات طويلة "
            "وهي تقرأ في كتاب صغير لا يفارق حقيبتها.",
            "كانت تقول إن الانتظار امتحان للنفس قبل أن يكون امتحانا للجسد، وإن من يصبر يجد في "
            "النهاية بابا يفتح له."]
    blocks = [LEAD, SECOND, THIRD, sub, *tail]
    assert _body(blocks) == blocks


def test_an_opinion_columns_drifting_last_paragraphs_stay_with_no_headline_over_them():
    # no headline, dateline or byline opens them: the column goes on in its own words to the foot
    drift = ["الناس في مدننا الصغيرة اعتادوا السفر مسافات بعيدة، فالطرق طويلة "
             "والرحلة تستغرق يوما كاملا أحيانا، ولا يجد المسافر استراحة لائقة على الطريق.",
             "وقد حدثني صديق قديم أنه قطع الطريق ذات شتاء مع أسرته في عاصفة رملية، فتوقف عند "
             "محطة وقود مهجورة حتى هدأت الريح وعاد يكمل السير ليلا.",
             "ولعل أجمل ما في الرحلات الطويلة أنها تعلمنا قيمة الوصول، وأن ما ننتظره طويلا "
             "نفرح به أكثر حين يأتي أخيرا.",
             "أما أنا فما زلت أحب القطارات، وأتمنى أن أرى يوما خطا حديديا يصل قريتي بالعاصمة "
             "فيختصر المسافة على الطلاب والعمال."]
    blocks = [LEAD, SECOND, THIRD, *drift]
    assert _body([*blocks, "المصدر: الرياض"]) == blocks


def test_an_appended_article_under_its_headline_far_to_the_foot_still_goes():
    appended = ["الهلال يختتم معسكره في النمسا ويغادر إلى لندن",
                "اختتم الفريق الأول لكرة القدم بنادي الهلال معسكره الإعدادي في النمسا أمس بمباراة "
                "ودية أمام فريق محلي انتهت بفوزه بثلاثة أهداف مقابل هدف.",
                "ويغادر الفريق اليوم إلى لندن لخوض مباراة السوبر، بعد أن أنهى الجهاز الفني تجهيز "
                "اللاعبين بدنيا وفنيا خلال ثلاثة أسابيع من التدريبات المكثفة.",
                "وأكد مدرب الفريق أن اللاعبين في حالة جيدة، وأن المعسكر حقق أهدافه كاملة."]
    assert _body([LEAD, SECOND, THIRD, FOURTH, *appended]) == [LEAD, SECOND, THIRD, FOURTH]


def test_a_quote_after_a_prefix_tatweel_opens_the_headlines_quotation_it_is_no_seam():
    # "لـ”الوطن”": the quote after "لـ" opens a name inside the glued headline; the seam is
    # after the headline's last word, where the paragraph runs on
    para = ("وأكد مدير المستشفى أن العيادات الخارجية ستستقبل المراجعين من الأسبوع المقبل، "
            "وأن المواعيد تحجز عبر التطبيق.")
    glued = "اقرأ أيضا: وزير التعليم لـ”الوطن”: لا تأجيل لبداية العام الدراسي" + para
    assert _body([LEAD, SECOND, glued, THIRD]) == [LEAD, SECOND, para, THIRD]


def test_a_short_headline_glued_within_its_first_characters_is_cut_at_its_seam():
    # "الاسم الذهبي" + "من جهة ...", "نمو القروض 31%" + "ولم ...": the seam lies in the first
    # characters after the marker (a one- or two-word headline), or right after a percent sign
    para = ("وأكد مدير المستشفى أن العيادات الخارجية ستستقبل المراجعين من الأسبوع المقبل، "
            "وأن المواعيد تحجز عبر التطبيق الإلكتروني للوزارة في جميع المناطق دون استثناء.")
    for glued in ("طالع أيضا : شجب واستنكار" + para, "اقرأ أيضا: نمو قروض المصارف العقارية 31%" + para):
        assert _body([LEAD, SECOND, glued, THIRD]) == [LEAD, SECOND, para, THIRD], glued


def test_a_long_glued_run_is_cut_inside_its_unseen_token_when_no_split_is_well_attested():
    # "قوسينيستغربون": the second half is a word the background corpus never saw, so no split is
    # well attested; the headline still goes, cut after the longest known first half
    para = ("يستغربون ويسألون عن موعد افتتاح المستشفى الجديد للأطفال في تبوك، فيرد عليهم المسؤولون بأن "
            "العمل يسير وفق الخطة وأن الافتتاح قريب جدا بعد اكتمال التجهيزات الطبية اللازمة.")
    glued = "للمزيد اقرأ : تصفية خلايا نائمة.. والحسم قاب قوسين" + para
    body = _body([LEAD, SECOND, glued, THIRD])
    assert body == [LEAD, SECOND, para, THIRD]


def test_topical_related_headlines_in_a_list_down_to_the_pages_foot_go():
    # a list of headlines at the foot, nothing announcing it: links, even when half of them share
    # the article's words (another hospital, the same ministry)
    links = ["* وزارة الصحة تفتتح مستشفى للولادة في الجوف الشهر المقبل",
             "* حملة لتطعيم الأطفال في مدارس حائل مع بداية العام الدراسي",
             "* ارتفاع أسعار الأدوية في الصيدليات الخاصة بنسبة عشرة في المائة",
             "* الهلال يختتم معسكره في النمسا ويغادر إلى لندن"]
    body = [LEAD, SECOND, THIRD, FOURTH]
    assert _body([*body, *links, "المصدر: الوطن"]) == body


def test_the_articles_own_points_down_to_the_foot_stay():
    # announced by a line ending on a colon, or close to the article nearly all: the article's own
    points = ["* جناح للعناية المركزة بالأطفال حديثي الولادة",
              "* قسم لجراحة الأطفال يضم ثلاث غرف عمليات",
              "* عيادات خارجية تعمل على فترتين صباحية ومسائية"]
    blocks = [LEAD, SECOND, "ويضم المستشفى الجديد للأطفال:", *points]
    assert _body([*blocks, "المصدر: الوطن"]) == blocks
