"""analyze.quotes: a quote is a whole clause with a resolved speaker (or an explicit unknown), never a fragment."""

import pytest

from marsad.analyze.entities import canonical_key, find_mentions
from marsad.analyze.quotes import canonical_speakers, find_quotes
from marsad.model import Quote

pytestmark = pytest.mark.unit


def quotes(text):
    return [(q.speaker, q.text) for q in find_quotes(text, "a", tuple(find_mentions(text)))]


def test_a_quoted_word_inside_a_quote_does_not_cut_it():
    text = ('وأعلنت الرئاسة الأذربيجانية في بيان، أن "المحادثات الأولى التي جرت اليوم حول إعادة دمج هذا الإقليم، '
            'كانت "بناءة".')
    got = quotes(text)
    assert len(got) == 1
    speaker, body = got[0]
    assert speaker == "الرئاسة الأذربيجانية"
    assert body.startswith("المحادثات الأولى") and body.rstrip('"').endswith("بناءة")


def test_the_reporters_words_between_quotes_are_not_a_quote():
    text = ('وقال الخطيب إن "التعاون بين المتاحف كان "مثمرا" مشيرا، أيضا، إلى أنه "يأمل توقيع اتفاقية '
            'لتبادل المعارض قبل نهاية العام".')
    got = quotes(text)
    bodies = [b for _, b in got]
    assert not any(b.startswith("مشير") for b in bodies), bodies
    assert bodies[0].rstrip('"').endswith("مثمرا")
    assert bodies[1].startswith("يأمل توقيع")
    assert {s for s, _ in got} == {"الخطيب"}  # the second part goes on with the same speaker


@pytest.mark.parametrize("text", [
    "وقالت الرئاسة في بيان: إنّ اجتماعًا جديدًا سيعقد “في أسرع وقت ممكن”، وإن الوفد سيعود.",
    "بدورها وصفت يريفان هذه العملية بأنها \"عدوان من باكو\" وطالبت بوقفها.",
    "وجاءت المحادثات بعد أن \"اضطرت المنطقة الانفصالية إلى الاستسلام؛ ما أدى إلى مطالبات باستقالة رئيس الوزراء\".",
    "“دعوات لاستقالة باشينيان”",
])
def test_phrases_and_scare_quotes_are_not_quotes(text):
    for _, body in quotes(text):
        assert body not in ("في أسرع وقت ممكن", "عدوان من باكو", "دعوات لاستقالة باشينيان")
        assert not body.startswith("اضطرت")


def test_a_quote_never_ends_on_a_dangling_word():
    for _, body in quotes('وأضاف أن "الاتفاق كان".'):
        assert not body.endswith("كان")


def test_a_title_as_subject_is_the_person_the_article_named():
    text = ("وقال وزير الأشغال العامة خالد المنصوري إن العمل في الجسر سيبدأ خلال أسبوعين. "
            "وأوضح الوزير أن المقاولين المحليين سيمنحون أولوية في تنفيذ المشاريع.")
    assert {s for s, _ in quotes(text)} == {"خالد المنصوري"}


def test_a_family_name_as_subject_is_the_full_name():
    text = ("وقال الخبير الاقتصادي نبيل الحداد إن رفع الفائدة قد يبطئ التضخم. "
            "وأضاف الحداد أن البنك المركزي يواجه معادلة صعبة بين كبح الأسعار ودعم النمو.")
    assert {s for s, _ in quotes(text)} == {"نبيل الحداد"}


def test_one_card_per_canonical_speaker():
    qs = [Quote("سامي", "فرق الإنقاذ انتشلت جثتين جديدتين", "a"), Quote("سامي الجبوري", "البحث مستمر عن المفقودين", "b"),
          Quote("الجبوري", "السيول جرفت نحو 300 عائلة", "c"), Quote("الرئاسة الإذربيجانبة", "اجتماع جديد سيعقد قريبا", "a"),
          Quote("الرئاسة الأذربيجانية", "المحادثات كانت بناءة جدا", "b"), Quote("الرئاسة", "وفد من الأرمن وصل إلى يفلاخ", "c"),
          Quote("أذربيجان", "العمليات العسكرية توقفت في الإقليم", "a"), Quote(None, "نص بلا قائل معروف هنا", "a")]
    names = {canonical_key(v): "سامي الجبوري" for v in ("سامي الجبوري", "الجبوري", "سامي")}
    names[canonical_key("أذربيجان")] = "أذربيجان"
    names[canonical_key("يفلاخ بأذربيجان")] = "يفلاخ بأذربيجان"
    got = canonical_speakers(qs, names)
    speakers = [q.speaker for q in got]
    assert speakers.count("سامي الجبوري") == 3
    assert speakers.count("الرئاسة الأذربيجانية") == 3
    assert "أذربيجان" in speakers and None in speakers  # a name of its own stays; an unknown speaker stays explicit
    # grouped: each speaker's quotes are together
    assert speakers == sorted(speakers, key=lambda s: speakers.index(s))
