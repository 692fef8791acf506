"""analyze.timeline and the timeline chart: the failures of issue #16 on a page written here, then the seeds."""

import datetime as dt
import re

import pytest

from marsad.analyze.dates import find_dates
from marsad.analyze.timeline import MAX_CHARS, clip, statements, story_timeline
from marsad.model import Analysis, Article, Story, TimelineEntry
from marsad.report.html import timeline_svg

pytestmark = pytest.mark.unit

# A flood report written for these tests, published on Thursday 14 March 2024.
LONG = ("وقال المتحدث باسم الدفاع المدني في مؤتمر صحفي عقده في مقر المديرية بحضور عدد من المسؤولين المحليين وممثلي "
        "المنظمات الإنسانية العاملة في المحافظة، إن فرق الإنقاذ التي وصلت من المحافظات المجاورة واصلت عملها طوال الليل "
        "في ظروف صعبة، وإن الأمطار الغزيرة التي بدأت مساء الثلاثاء تسببت في انهيار جسر المخاضة، وإن الفرق ستواصل البحث "
        "عن المفقودين في مجرى الوادي وعلى ضفتيه حتى العثور عليهم جميعا مهما استغرق ذلك من وقت وجهد، مشيرا إلى أن السلطات "
        "المحلية فتحت المدارس لإيواء العائلات التي فقدت منازلها في القرى الواقعة على ضفاف الوادي.")
PAGE = [
    "أعلنت مديرية الدفاع المدني، اليوم الخميس، ارتفاع حصيلة السيول التي اجتاحت المحافظة منذ مساء الثلاثاء إلى 12 قتيلا.",
    "وكانت السيول قد أودت بحياة 12 شخصا الأسبوع الماضي، في أسوأ كارثة طبيعية تشهدها المحافظة منذ عقدين.",
    "ونزح السكان من القرى المتنازع عليها منذ عقود.",
    "وارتفعت الحصيلة صباح الخميس، بعد يومين من أمطار غزيرة لم تشهدها المنطقة منذ سنوات.",
    "وتوقعت هيئة الأرصاد الجوية استمرار الأمطار الغزيرة حتى مساء الجمعة.",
    "ويعيش السكان في المنطقة منذ سنوات على الزراعة.",
    LONG,
    "وشهدت المنطقة فيضانا مماثلا عام 1887.",
]
REF = dt.date(2024, 3, 14)


def article(aid="a1", paragraphs=PAGE, published=REF):
    return Article(aid, f"{aid}.txt", "سيول وادي الريم", tuple(paragraphs), published.isoformat())


def analysed(a):
    return a, Analysis(a.id, dates=tuple(find_dates(a.text, dt.date.fromisoformat(a.published))))


def dated(text):
    return {s.text[:30]: (s.date, s.granularity, s.anchor) for s in statements(text, find_dates(text, REF))}


def test_durations_and_vague_spans_never_date_a_statement():
    a = article()
    got = [(s.date, s.text) for s in statements(a.text, find_dates(a.text, REF))]
    dates = [d for d, _ in got]
    assert "2004-03-14" not in dates and "2023-03-14" not in dates and "1994-03-14" not in dates  # منذ عقود/عقدين
    assert "2024-03-16" not in dates  # "بعد يومين من أمطار": two days after the rain, not after publication
    assert not any(t.startswith("ونزح السكان") or t.startswith("ويعيش السكان") for _, t in got)
    assert ("2024-W10", PAGE[1]) in got  # "الأسبوع الماضي" is a week


def test_each_statement_once_under_its_first_date():
    a = article()
    sts = statements(a.text, find_dates(a.text, REF))
    texts = [s.text for s in sts]
    assert len(texts) == len(set(texts))
    first = next(s for s in sts if s.text == PAGE[0])
    assert (first.date, first.granularity) == ("2024-03-14", "day")  # not also under Tuesday 12 March
    rain = next(s for s in sts if s.text.startswith("وارتفعت الحصيلة"))
    assert rain.date == "2024-03-14"


def test_until_friday_in_a_forecast_is_the_coming_friday():
    a = article()
    s = next(s for s in statements(a.text, find_dates(a.text, REF)) if s.text.startswith("وتوقعت"))
    assert (s.date, s.anchor) == ("2024-03-15", "until")


def test_long_sentence_is_cut_at_clause_boundaries_never_inside_a_word():
    a = article()
    s = next(s for s in statements(a.text, find_dates(a.text, REF)) if "مساء الثلاثاء" in s.text and s.text != PAGE[0])
    assert len(LONG) > MAX_CHARS and len(s.text) <= MAX_CHARS
    assert s.date == "2024-03-12"
    assert s.text == a.text[s.start:s.end]
    assert not re.match(r"\w", a.text[s.end:s.end + 1]) and (s.start == 0 or not re.match(r"\w", a.text[s.start - 1]))
    assert LONG.startswith(s.text) or re.search(r"[،,]\s*$", a.text[:s.start])


def test_clip_keeps_whole_words():
    text = "وكانت الأمطار الغزيرة قد بدأت مساء الثلاثاء وتسببت في انهيار الجسر"
    for n in range(10, len(text)):
        cut = clip(text, n).removesuffix(" …")
        assert text.startswith(cut) and (len(cut) == len(text) or text[len(cut)] == " ")


def test_story_keeps_a_sentence_once_when_two_articles_date_it_differently():
    same = "يرى اقتصاديون أن قرار البنك المركزي، اليوم الأربعاء، رفع سعر الفائدة سيضغط على المقترضين."
    a = article("a1", [same], dt.date(2024, 5, 8))
    b = article("b1", [same], dt.date(2024, 5, 5))  # a wrong publication day: Sunday
    entries = story_timeline([analysed(a), analysed(b)])
    assert [e.text for e in entries] == [same]
    assert set(entries[0].article_ids) == {"a1", "b1"}


def test_old_years_are_background_and_own_days_are_not():
    entries = story_timeline([analysed(article())])
    by_text = {e.text: e for e in entries}
    old = by_text[PAGE[-1]]
    assert (old.date, old.granularity, old.background) == ("1887", "year", True)
    assert not by_text[PAGE[0]].background


def test_chart_keeps_old_dates_apart_so_they_cannot_squeeze_the_axis():
    entries = story_timeline([analysed(article())])
    svg = timeline_svg(Story("s", None, "t", ("a1",), "2024-03-14", timeline=tuple(entries)))
    xs = {m.group(2): float(m.group(1)) for m in re.finditer(r'<text x="([\d.]+)" y="\d+" font-size="1\d" [^>]*>([^<]+)</text>', svg)}
    own = [xs[d] for d in ("2024-W10", "2024-03-12", "2024-03-14", "2024-03-15")]
    assert max(own) - min(own) > 450  # eleven days spread over the axis, not piled at one end by 1887
    assert xs["2024-03-15"] < xs["2024-03-14"] < xs["2024-03-12"] < xs["2024-W10"]  # right to left
    assert xs["1887"] > max(own) and 'class="axis-break"' in svg  # the old year sits apart, past a break mark, on the earlier side
    plain = timeline_svg(Story("s", None, "t", ("a1",), None, timeline=(
        TimelineEntry("2024-03-12", "x", ("a1",)), TimelineEntry("2024-03-14", "y", ("a1",)))))
    assert "axis-break" not in plain


# ---- the seeds and the example pages -------------------------------------------------------------

def _entries(digest):
    arts = {a["id"]: a for a in digest["articles"]}
    for s in digest["stories"]:
        for t in s["timeline"]:
            yield s, t, [arts[i] for i in t["article_ids"] if i in arts]


@pytest.mark.parametrize("which", ["seeds_digest", "examples_digest"])
def test_every_entry_is_whole_words_from_its_article_and_dated_by_a_point_in_it(which, request):
    digest = request.getfixturevalue(which)
    checked = 0
    for _s, t, arts in _entries(digest):
        holders = [a for a in arts if t["text"] in a["text"]]
        assert holders, t["text"]
        a = holders[0]
        start = a["text"].index(t["text"])
        end = start + len(t["text"])
        assert not re.match(r"\w", a["text"][end:end + 1]), t["text"][-20:]  # never cut inside a word ("الثلاثا")
        assert start == 0 or not re.match(r"\w", a["text"][start - 1])
        ref = dt.date.fromisoformat(a["published"]) if a["published"] else None
        inside = [d for d in find_dates(a["text"], ref) if start <= d.start < end]
        # the entry's date is a date the text gives, never one counted from a duration or a vague span
        assert t["date"] in {d.value for d in inside if not d.from_duration}, (t["date"], t["text"][:60])
        checked += 1
    assert checked >= 5


@pytest.mark.parametrize("which", ["seeds_digest", "examples_digest"])
def test_no_statement_is_listed_twice(which, request):
    for s in request.getfixturevalue(which)["stories"]:
        texts = [t["text"] for t in s["timeline"]]
        assert len(texts) == len(set(texts)), s["title"]


def test_seed_failures_of_the_issue_are_gone(seeds_digest):
    dates = {t["date"] for s in seeds_digest["stories"] for t in s["timeline"]}
    assert "2013-09-21" not in dates  # "منذ عقود" counted back from the publication day
    assert "2023-09-22" not in dates  # "بعد يوم من استسلام": a day after an event, not after publication
    # "وفي وقت سابق الخميس، اتهم ... اعتبارًا من الأربعاء": once, under Thursday (it was under both days)
    earlier = [t for s in seeds_digest["stories"] for t in s["timeline"] if t["text"].startswith("وفي وقت سابق الخميس")]
    assert [t["date"] for t in earlier] == ["2023-09-21"]


def test_example_failures_of_the_issue_are_gone(examples_digest):
    entries = [t for s in examples_digest["stories"] for t in s["timeline"]]
    dates = {t["date"] for t in entries}
    assert "2004-03-21" not in dates  # "منذ عقدين"
    assert "2024-01-02" not in dates  # the score "2-1"
    friday = [t for t in entries if "حتى مساء الجمعة" in t["text"]]
    assert friday and all(t["date"] == "2024-03-15" for t in friday)  # the coming Friday of a forecast
    assert all(t["granularity"] in ("day", "week", "month", "season", "year", "decade") for t in entries)


def test_a_year_inside_the_opening_decade_is_the_statement_date():
    text = "لم تكن حقبة السبعينات سهلة على الشركة، إذ أعلنت إفلاسها في عام 1977 بعد أزمة طويلة."
    ref = dt.date(2015, 7, 20)
    [st] = statements(text, find_dates(text, ref))
    assert (st.date, st.granularity) == ("1977", "year")
    # a day after "this year" stays under the year: the first date frames the statement there
    text = "وأكد الوزير أن المهرجان سيواصل هذا العام عروضه التي تنطلق في 12 أغسطس المقبل."
    [st] = statements(text, find_dates(text, ref))
    assert st.granularity == "year" and st.date == "2015"
