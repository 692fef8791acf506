"""Appended articles and related headlines the extractor used to keep (issue #17, fourth pass), written by hand.

A linked headline read as a photo credit under a marker; a second article in a foreign run
whose paragraph shares words with ours but echoes its own headline more; an unmarked
appended article on a neighbouring subject that takes up its own headline's words to the
page's foot; a marker's run after the page's own source and tags lines; a "مصدر: ..."
headline under a marker (no source line); a run of related headlines closing on a question;
bulleted question headlines; a column far from the article under a dropped related headline.
And what must stay: a subheading whose section is the article's last, an interview.
"""

import pytest

from marsad.extract.clean import clean_blocks
from tests.unit.test_extract_layouts import FOURTH, LEAD, SECOND, THIRD, TITLE  # the article those tests use

pytestmark = pytest.mark.unit

BODY = [LEAD, SECOND, THIRD, FOURTH]


def _clean(blocks):
    return clean_blocks(list(blocks), title=TITLE, find_title=False)


def _body(blocks):
    return _clean(blocks).paragraphs


def test_a_linked_headline_ending_on_a_latin_name_is_the_headline_not_a_caption():
    # "... «the Voice Kids»" ends like a photo credit; under a marker it is the linked headline,
    # and its article (which mentions children) is not ours
    appended = ["اقرأ أيضا",
                "كاظم الساهر ونانسي عجرم وتامر حسني في «the Voice Kids»",
                "مع الإعلان الرسمي عن أسماء المدربين كاظم الساهر ونانسي عجرم وتامر حسني، ينطلق في الخريف "
                "البرنامج العالمي لاكتشاف المواهب الغنائية لدى الأطفال في نسخته العربية الأولى.",
                "ويتنافس في البرنامج أطفال من عدة دول عربية على لقب أفضل صوت، ويختار المدربون كاظم "
                "الساهر ونانسي عجرم وتامر حسني المشتركين في مرحلة الأداء الأولى."]
    assert _body([*BODY, *appended]) == BODY


def test_a_second_article_in_a_foreign_run_is_read_against_its_own_headline():
    # its paragraph shares words with ours (وزارة الصحة، الأطفال، تبوك) but echoes its headline more
    appended = ["اقرأ أيضا",
                "ارتفاع أسعار الذهب في التعاملات الآسيوية المبكرة",
                "ارتفعت أسعار الذهب في التعاملات الآسيوية المبكرة اليوم مع تراجع الدولار، وسجلت الأوقية "
                "أعلى مستوى لها منذ ثلاثة أسابيع وسط إقبال المستثمرين على الملاذات الآمنة.",
                "وقال متعاملون إن البنوك المركزية واصلت شراء المعدن النفيس، فيما تراجعت أسعار الفضة "
                "والبلاتين في بورصة لندن للمعادن بعد بيانات التضخم الأمريكية.",
                "وتتوقع بيوت الخبرة أن تبقى الأسعار مرتفعة حتى نهاية الربع الثالث إذا استمر ضعف العملة "
                "الأمريكية وتباطؤ النمو في الاقتصادات الكبرى.",
                "حملة وطنية للتطعيم ضد الحصبة",
                "أطلقت وزارة الصحة حملة للتطعيم ضد الحصبة تستهدف الأطفال في تبوك وبقية المناطق، "
                "ويشارك فيها أطباء المستشفيات والمراكز الصحية."]
    assert _body([*BODY, *appended]) == BODY


def test_an_unmarked_article_on_a_neighbouring_subject_echoing_its_headline_is_dropped():
    # it shares the field's words (الصحة، مستشفى، سرير) but takes up its own headline's words, to the foot
    appended = ["ولي العهد يدشن مركز أبحاث السرطان في جدة",
                "دشن ولي العهد مركز أبحاث السرطان في جدة بحضور وزير الصحة، ويضم المركز مختبرات "
                "للأبحاث ومستشفى بسعة مئة سرير لعلاج مرضى السرطان.",
                "وأكد مدير مركز أبحاث السرطان أن المركز سيجري أبحاثه بالتعاون مع جامعات عالمية، "
                "وأن أبحاث السرطان في جدة ستشمل علاج الأورام النادرة."]
    assert _body([*BODY, *appended]) == BODY


def test_a_markers_run_after_the_pages_own_footer_is_never_the_article_again():
    # the same subject, closely: only the footer and the marker tell it is another article
    after = ["المصدر: واس", "كلمات دلالية: مستشفى الأطفال تبوك",
             "شاهد أيضاً",
             "عيادات جديدة",
             "أعلنت وزارة الصحة افتتاح عيادات خارجية للأطفال في الجوف وحائل تعمل على فترتين صباحية "
             "ومسائية، ضمن خطة توسيع الخدمات الصحية في المناطق الشمالية."]
    got = _clean([*BODY, *after])
    assert got.paragraphs == BODY
    assert got.sources == ["واس"]


def test_a_source_like_headline_under_a_marker_is_no_source_line():
    headline = "مصدر: الجثث المنقولة على الطائرة ليست في المدينة .. والصحة تحقق"
    got = _clean([LEAD, SECOND, "اقرأ أيضا", headline, THIRD, FOURTH])
    assert got.paragraphs == BODY
    assert got.sources == []


def test_a_run_of_related_headlines_closing_on_an_unanswered_question_is_dropped():
    links = ["عودة الهدوء إلى جنوب ليبيا بعد نزاع قبلي أسفر عن مقتل العشرات",
             "الهلال يختتم صباح اليوم معسكر النمسا ويغادر إلى لندن",
             "مسرحيو الشرقية يسألون: متى يسمح لنا باستثمار المسرح طيلة أيام السنة؟"]
    assert _body([LEAD, SECOND, *links, THIRD, FOURTH]) == BODY


def test_bulleted_question_headlines_are_links_not_the_articles_points():
    links = ["* ما تأثير إمكانية تصدير أمريكا لنفطها الخام؟",
             "* الحقباني يشارك في السوبر الأميركية للتنس",
             "* قاضية ألمانية لمتهم: السجن أو شراء قميص بايرن ميونيخ؟"]
    assert _body([LEAD, SECOND, *links, THIRD, FOURTH]) == BODY


def test_a_column_far_from_the_article_under_a_dropped_headline_is_dropped_to_the_foot():
    # its paragraphs share nothing with the headline above them, little with each other, and the
    # article never comes back after them
    column = ["خطط الأقلام الملونة",
              "في ضوء الخبرات السابقة، بدا جليا أن أي وزير يأتي يحمل معه رؤية مكتوبة لا يلبث أن "
              "يتركها لمن يخلفه في المنصب دون تنفيذ، فتضيع السنوات في البدايات المتكررة.",
              "ويشكو المراجعون في المستشفيات الحكومية من طول الانتظار رغم كل ما يعلن من مشاريع، "
              "والسبب في رأيي غياب المتابعة لا قلة الموارد."]
    assert _body([*BODY, *column, "اقرأ أيضا", "ارتفاع أسعار الذهب في التعاملات الآسيوية المبكرة"]) == BODY


def test_a_subheading_over_the_articles_last_section_stays():
    sub = "العيادات الخارجية"
    blocks = [LEAD, SECOND, THIRD, sub, FOURTH,
              "وتستقبل العيادات الخارجية في المستشفى الأطفال من الولادة حتى سن الرابعة عشرة، "
              "وتضم عيادات الأطفال تخصصات القلب والأعصاب والجهاز الهضمي."]
    assert _body(blocks) == blocks


def test_an_interview_with_dash_labels_stays():
    blocks = [LEAD,
              "س - حدثنا عن الأقسام الجديدة",
              "ج - " + SECOND,
              "س - وماذا عن المستشفيات الأخرى",
              "ج - " + THIRD]
    assert _body(blocks) == blocks
