"""analyze.dates, one test per class of expression of issues #16 and #17 (sentences written here)."""

import datetime as dt

import pytest

from marsad.analyze.dates import find_dates

pytestmark = pytest.mark.unit
REF = dt.date(2023, 9, 21)  # a Thursday


def found(text, ref=REF):
    return [(d.value, d.granularity) for d in find_dates(text, ref)]


@pytest.mark.parametrize("text,expected", [
    ("افتتح المصنع عام 2002م بحضور الوزير", [("2002", "year")]),
    ("وفاز باللقب في 2004، ثم اعتزل", [("2004", "year")]),
    ("وكان قد استضاف البطولة آخر مرة في 2003.", [("2003", "year")]),
    ("ولد الشاعر (1949) في القاهرة", [("1949", "year")]),
    ("تأسست الجمعية العام 1887 في لندن", [("1887", "year")]),
    ("تأسست الجمعية سنة 1887 في لندن", [("1887", "year")]),
    ("بدأت الحرب عام 1980 م واستمرت", [("1980", "year")]),
    ("وتواجه كينيا التطرف منذ 1998 عندما فجر التنظيم السفارة", [("1998", "year")]),
    ("وهي الدورة الثالثة لعام 1436هـ", [("2015", "year")]),
    ("أوسكار وايلد (1854 - 1900) كاتب", [("1854", "year")]),
])
def test_bare_years(text, expected):
    assert found(text) == expected


def test_year_ranges_keep_both_ends():
    (d,) = find_dates("نمت الجرائم بين عامي 1980 و1990 في المدن", REF)
    assert (d.value, d.end_value, d.granularity) == ("1980", "1990", "year")


@pytest.mark.parametrize("text", [
    "وصل إلى السوق 1800 سيارة محملة بالتمور",
    "لدينا في البلاد 2200 مسجد",
    "استقر مؤشر ستاندرد آند بورز 500 عند 2098.04 نقطة",
    "سجل 1281 هدفا في مسيرته",
])
def test_counted_numbers_are_not_years(text):
    assert found(text) == []


@pytest.mark.parametrize("text,expected", [
    ("تنفق الأندية أموالا طائلة هذا العام", [("2023", "year")]),
    ("ضمن فعاليات صيف الباحة لهذا العام", [("2023", "year")]),
    ("بلغت المساهمة في العام الماضي 12 في المئة", [("2022", "year")]),
    ("ومن المتوقع الانتهاء منه في العام المقبل", [("2024", "year")]),
])
def test_this_and_last_year(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("أقيمت المدرسة قبل خمسة وتسعين عاما", [("1928", "year")]),
    ("أقيمت المدرسة قبل 95 عاما", [("1928", "year")]),
    ("بدأ البرنامج قبل تسع سنوات", [("2014", "year")]),
    ("تفجرت الاشتباكات قبل أربعة أيام في ضاحية المدينة", [("2023-09-17", "day")]),
    ("أصيب اللاعب قبل أسبوع في الكاحل", [("2023-W37", "week")]),
    ("وقعت الحادثة قبل ثلاثة أشهر", [("2023-06", "month")]),
])
def test_offsets_keep_the_granularity_of_their_unit(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text,expected,end", [
    ("يقدم الفنان حفلتين يومي 10 و 11 ابريل", "2023-04-10", "2023-04-11"),
    ("تقام البطولة خلال الفترة من 16 حتى 20 سبتمبر 2015", "2015-09-16", "2015-09-20"),
    ("تقام البطولة خلال الفترة من 6 إلى 15 أكتوبر", "2023-10-06", "2023-10-15"),
    ("عروض جوية خلال الفترة من 21 وحتى 23 من الشهر الحالي", "2023-09-21", "2023-09-23"),
])
def test_coordinated_days_give_the_first_day(text, expected, end):
    (d,) = find_dates(text, REF)
    assert (d.value, d.end_value, d.granularity) == (expected, end, "day")


def test_coordinated_weekdays():
    assert found("أقام النادي ورشة يومي الجمعة والسبت الماضيين") == [("2023-09-15", "day")]


@pytest.mark.parametrize("text,expected", [
    ("يطلع الأمير الأسبوع المقبل على آخر المستجدات", [("2023-W39", "week")]),
    ("انخفضت المخزونات في الأسبوع الماضي", [("2023-W37", "week")]),
    ("يصل اللاعب خلال الأسبوع الحالي", [("2023-W38", "week")]),
    ("تنشر المحفوظات خلال الشهر القادم مجموعة مختارة", [("2023-10", "month")]),
    ("تستمر الفعاليات طيلة الشهر الحالي", [("2023-09", "month")]),
    ("يقام المهرجان في صيف 2015 كما كل عام", [("2015-SU", "season")]),
    ("هطلت الأمطار في شتاء العام الماضي", [("2022-WI", "season")]),
    ("في بداية الثمانينات وقعت الحرب", [("198X", "decade")]),
    ("ازدهرت الصناعة في التسعينيات من القرن الماضي", [("199X", "decade")]),
])
def test_week_month_season_decade_granularities(text, expected):
    assert found(text) == expected


def test_hijri_decade_is_converted_not_read_as_a_gregorian_one():
    # the 1370s AH run from 1950 to 1960: not the 1970s, and the whole word is the mention
    assert found("كان حارس الوحدة في السبعينيات الهجرية") == [("195X", "decade")]
    assert [d.text for d in find_dates("لعب في الثمانينيات الهجرية مع النادي")] == ["الثمانينيات الهجرية"]


@pytest.mark.parametrize("text", [
    "يتعرض رئيس الوزراء منذ سنوات لضغوط",
    "في الإقليم المتنازع عليه منذ عقود.",
    "أكد الصندوق قبل أيام قليلة أن",
    "قد تصل العملة إلى حالة توازن بعد أشهر قليلة",
    "الصمود منذ أكثر من ثلاثة أعوام",
    "راسلته قبل بضعة أيام",
    "بعد يومين من أمطار غزيرة لم تشهدها المنطقة منذ سنوات.",
    "ويأتي ذلك بعد يومين على هجوم انتحاري",
    "سيرفع الإيرادات خلال العامين القادمين",
])
def test_vague_spans_and_offsets_from_events_get_no_date(text):
    assert found(text) == []


def test_since_a_duration_is_a_span_not_an_event():
    (d,) = find_dates("المختفية منذ عشرة أيام", REF)
    assert (d.anchor, d.from_duration, d.granularity) == ("since", True, "day")
    (d,) = find_dates("أسوأ كارثة تشهدها المحافظة منذ عقدين", REF)
    assert (d.anchor, d.from_duration, d.granularity) == ("since", True, "year")


@pytest.mark.parametrize("text,ref,expected,anchor", [
    # a forecast: the coming Friday, not the last one
    ("وتوقعت هيئة الأرصاد استمرار الأمطار الغزيرة حتى مساء الجمعة", dt.date(2024, 3, 14), "2024-03-15", "until"),
    ("وحذرت الهيئة من استمرار الأمطار حتى مساء الجمعة، ودعت السكان", dt.date(2024, 3, 14), "2024-03-15", "until"),
    # a count so far: the last Friday
    ("بلغ عدد السيارات الواردة للسوق حتى الجمعة 1800 سيارة", dt.date(2015, 8, 9), "2015-08-07", "until"),
    ("المخابرات تعتقل منذ الجمعة موكلي", dt.date(2015, 7, 23), "2015-07-17", "since"),
    ("اعتبارا من الأربعاء", REF, "2023-09-20", "since"),
    ("وسيغلق المجال الجوي لحين مغادرته، مساء الأحد، عندما سيتوجه إلى إثيوبيا", dt.date(2015, 7, 25), "2015-07-26", "point"),
    ("وكانت الأمطار الغزيرة قد بدأت مساء الثلاثاء", dt.date(2024, 3, 14), "2024-03-12", "point"),
])
def test_weekdays_and_spans_resolved_with_their_direction(text, ref, expected, anchor):
    ds = [d for d in find_dates(text, ref) if d.granularity == "day"]
    assert [(d.value, d.anchor) for d in ds] == [(expected, anchor)]


@pytest.mark.parametrize("text,ref,expected", [
    ("حدد رئيس الوزراء، اليوم (الاثنين)، ملامح استراتيجية", dt.date(2015, 7, 21), "2015-07-20"),
    ('استأنفت المديرية أمس "الاثنين" العمل', dt.date(2015, 7, 22), "2015-07-20"),
    ("قبل العودة الى التدريبات غداً (الإثنين)", dt.date(2015, 8, 9), "2015-08-10"),
    ("يفتتح المعرض يوم الأحد الموافق 26 يوليو الساعة 5", dt.date(2015, 7, 21), "2015-07-26"),
    ("فترة الانتقالات مفتوحة حتى 31 اغسطس", dt.date(2015, 7, 22), "2015-08-31"),
])
def test_named_weekdays_and_months_without_a_year(text, ref, expected):
    assert [d.value for d in find_dates(text, ref) if d.granularity == "day"] == [expected]


@pytest.mark.parametrize("text", [
    "بعث الملك برقية تهنئة بمناسبة ذكرى اليوم الوطني لبلاده.",
    'قال في اتصال هاتفي لـ "اليوم" إن الطالب',
    "فقد جيل اليوم تاريخه وهويته",
    "فاز الفريق على ضيفه 2-1 في المباراة",
    "بعد فوز بايرن على ميلان 3/1 في نصف النهائي",
    "تعادل الفريقان (2/2) في اللقاء",
    "وتنص المادة 3/14 في النظام الأساسي",
    "رفع البنك الفائدة إلى 5.75 في المئة",
])
def test_words_and_numbers_that_are_not_dates(text):
    assert [d for d in find_dates(text, REF) if d.granularity == "day"] == []


def test_hijri_numeric_dates():
    assert found("والمعلن عنها في 10/10/1436هـ على الموقع") == [("2015-07-26", "day")]
    assert found("خلال الفترة 22-9-1436هـ إلى 6-10-1436هـ")[0] == ("2015-07-09", "day")


@pytest.mark.parametrize("text,ref,expected", [
    ("انطلقت أمس الأول محاضرات اللقاء", dt.date(2015, 8, 7), [("2015-08-05", "day")]),
    ('وكانت "صحيفة الغد الأردنية" قد نشرت أمس (الأربعاء) خبرا', dt.date(2015, 8, 6), [("2015-08-05", "day")]),
    ("والمرضى في أمس الحاجة إلى الدواء", dt.date(2015, 8, 6), []),
    ("سيغيب عن مباراتي السوبر يومي 14، و17 من الشهر الجاري", dt.date(2015, 8, 10), [("2015-08-14", "day")]),
    ("مهرجان سوق عكاظ الذي ينطلق 27 الشهر الجاري", dt.date(2015, 7, 23), [("2015-07-27", "day")]),
    ("ساهم في فوز ألمانيا بكأس العالم في الصيف الماضي", dt.date(2015, 8, 2), [("2014-SU", "season")]),
    ("وقف قبل عشر سنوات على باب مسرح", dt.date(2015, 8, 10), [("2005", "year")]),
])
def test_forms_met_on_news_not_seen_while_writing_the_rules(text, ref, expected):
    assert found(text, ref) == expected


@pytest.mark.parametrize("text,ref,expected", [
    ("عين اليوم – متابعات اكتشف الجيولوجيون", dt.date(2015, 7, 25), []),
    ("وافق على دفع المبلغ للتخلي عن اللاعب في الصيف الحالي", dt.date(2015, 7, 22), [("2015-SU", "season")]),
    ("ضبطها المفتشون خلال شهري رجب وشعبان الماضيين", dt.date(2015, 7, 26), [("2015-04", "month")]),
    ("يصوم المسلمون في شهر رمضان المقبل", dt.date(2015, 8, 7), [("2016-06", "month")]),
    ("استقبل الرئيس رجب طيب أردوغان", dt.date(2015, 8, 7), []),
    ("لم تعلن نتائج الربع الثاني من العام بعد", dt.date(2015, 7, 21), [("2015", "year")]),
    # a page that writes Hijri years writes short dates in Hijri too
    ("مواعيد القيد التي تبدأ يوم السبت 7/11 وحتى 1/12/1436هـ", dt.date(2015, 8, 3),
     [("2015-08-22", "day"), ("2015-09-14", "day")]),
])
def test_forms_met_on_a_second_unseen_sample(text, ref, expected):
    assert found(text, ref) == expected


@pytest.mark.parametrize("text,ref,expected", [
    ("أمر الملك بالتمديد لهم حتى الثلاثين من شهر شوال الحالي.", dt.date(2015, 7, 21), [("2015-08-15", "day")]),
    ("وأن يعيد عليهم شهر رمضان المبارك أعواماً عديدة", dt.date(2015, 7, 27), []),
    ("حجم الإنفاق خلال السنوات الخمس من 2015 إلى 2019م.", dt.date(2015, 7, 23), [("2015", "year")]),
])
def test_forms_met_on_a_third_unseen_sample(text, ref, expected):
    assert found(text, ref) == expected


@pytest.mark.parametrize("text, year", [
    ("وهذا الحوار الذي سيعقد للمرة الأولى منذ 2009 يأتي إثر إعلان واشنطن", "2009"),
    ("وباعت الشركة وحدتها للهواتف في نهاية 2013 وركزت منذ ذلك الحين على الشبكات", "2013"),
    ("ويعمل المصنع بكامل طاقته بحلول 2030 بحسب الخطة", "2030"),
])
def test_a_bare_year_after_a_point_in_time_cue_stands_whatever_follows(text, year):
    found = [d for d in find_dates(text, dt.date(2015, 8, 1)) if d.granularity == "year"]
    assert [d.value for d in found] == [year]


@pytest.mark.parametrize("text", [
    "وأصيب منذ 2009 شخصا بالمرض في المنطقة",  # a count of people, not a year
    "وتوقف العمل بعد 2000 يوم من الإضراب",
])
def test_a_number_before_a_unit_or_counted_noun_is_no_year(text):
    assert not [d for d in find_dates(text, dt.date(2015, 8, 1)) if d.granularity == "year"]
