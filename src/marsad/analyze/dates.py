"""Dates in Arabic news text, resolved to the calendar.

Understands
* day, month and year in Egyptian/Gulf (سبتمبر), Levantine/Iraqi (أيلول) and Maghrebi
  (جوان) month names, alone or paired (``27 سبتمبر/أيلول 2020``, ``يونيو حزيران 2018``), with digit or
  ordinal days (``العاشر من نوفمبر/تشرين الثاني 2020``), coordinated or ranged days
  (``يومي 10 و11 أبريل``, ``من 6 إلى 15 أغسطس``: the first day, the last as ``end_value``);
* numeric dates (21/09/2023, 2023-09-21, Hijri ``20/10/1436هـ``) and English date lines;
* Hijri dates (``15 رمضان 1444 هـ``), converted to Gregorian with hijridate, and Hijri years
  and their ranges (``1436 - 1437هـ``), decades (``السبعينيات الهجرية`` -> ``195X``);
* years: with or without ``عام/العام/سنة`` and ``م/هـ`` (``2002م``, ``في 2004``, ``(1949)``,
  ``العام 1887``), ranges (``بين 1988 و1994``, ``1854 - 1900``), seasons (``صيف 2015``) and
  decades (``التسعينيات`` -> ``199X``);
* parts of a period: a quarter (``الربع الثاني``), a half, the start or end of a year (``النصف
  الأول 2015``, ``منذ بداية العام``) are that year; the start or end of a quarter its first or
  last month; ``مطلع الشهر`` this month, ``منذ بداية الأسبوع`` this week (a Gulf week: on a
  Sunday "this week" is the one starting that day);
* relative expressions resolved against a reference date (publication): اليوم, أمس, أول أمس,
  غدا, weekday names (the last such day, or the next one when the clause looks ahead: a
  future verb, "المقرر", "توقعت"; beside a day word, the such day nearest it: "بعد غد
  الأربعاء"), الأسبوع/الشهر/العام الماضي/المقبل/الحالي (a week, a month, a year: never a day),
  هذا العام, a month without a year (by the tense of its clause: the latest one in a past
  clause, the next one in a clause that looks ahead, else the closest; see `_month_year`);
* offsets: ``قبل 95 عاما``, ``قبل خمسة وتسعين عاما``, ``بعد يومين`` counted from the reference
  day at the granularity of their unit (a year, a month, a week or a day);
* durations (``44 يوما``, ``24 ساعة``).

What is *not* resolved: vague spans (``منذ سنوات``, ``منذ عقود``, ``قبل أيام``, ``منذ أكثر من
ثلاثة أعوام``), offsets counted from an event rather than from today (``بعد يومين من
الأمطار``, ``تبخرت بعد أسبوعين`` in a past clause, ``عاما بعد عام``), scores and ratios
(``2-1``, ``3/1``).  ``منذ 3 أيام`` is resolved but flagged
``from_duration`` (a span that lasts until now, not the date of an event); ``منذ``/``حتى`` set
``anchor`` to ``since``/``until``.

Every result keeps its granularity and the exact text it came from.  Word lists are data
files: months.tsv, weekdays.tsv, ordinals.tsv, english_months.tsv, date_offsets.tsv,
duration_units.tsv, date_directions.tsv, date_cues.tsv, seasons.tsv, decades.tsv, date_nth.tsv
(the n-th weekday of a month), and the grammar words of the patterns and of the tests made word by
word (من، يوم، عام، هذا الشهر، بعد، منذ، الآن …) date_grammar.tsv.

Two helpers tell the timeline which dates of a sentence are not the date of its statement:
`compared_date` (a level or period compared with: "قرب مستويات حزيران", "مقارنة بالفترة المماثلة
من عام 2014") and `labelled_period` (a period a date names: "العام الدراسي 1436 - 1437هـ",
futures contracts "تسليم ديسمبر").

Every function takes displayed text or the article's `Doc` (`analyze/doc.py`), whose key and
offsets are computed once for all the analysers.
"""

from __future__ import annotations

import calendar
import datetime as dt
import keyword
import re
from functools import cache
from types import SimpleNamespace

import regex

from marsad.analyze.doc import Doc
from marsad.arabic.clitics import surface_count
from marsad.arabic.lexicons import mapping, table, word_set, word_slots
from marsad.arabic.normalize import normalize
from marsad.model import DateMention, Duration

# patterns used in the functions below, compiled once
_LETTER_RUN = regex.compile(r"[\p{L}]+")
_SPACES = regex.compile(r"\s+")
_DEFINITE = regex.compile(r"[وفبلك]?ال|لل")
_DIGIT_NEXT = regex.compile(r"\s*\d")
_DEFINITE_NEXT = regex.compile(r"\s+(?:[وفبلك]?ال|لل)")
_SENTENCE_END_NEXT = regex.compile(r"\s*(?:[.!?؟]|$)")


@cache
def _cues() -> dict[str, frozenset[str]]:
    """date_cues.tsv as kind -> set of normalized words (a word may have several kinds)."""
    out: dict[str, set[str]] = {}
    for word, kind in table("date_cues.tsv"):
        out.setdefault(kind, set()).add(word)
    return {k: frozenset(v) for k, v in out.items()}


@cache
def _slots() -> SimpleNamespace:
    """date_grammar.tsv: each slot's words as a regex alternation, in the file's order; the words of a
    multi-word entry are joined by any white space.  (``and`` and ``in`` are ``and_`` and ``in_``.)"""
    out = {}
    for slot, words in word_slots("date_grammar.tsv").items():
        name = slot + "_" if keyword.iskeyword(slot) else slot
        out[name] = "|".join(r"\s+".join(regex.escape(p) for p in w.split()) for w in words)
    return SimpleNamespace(**out)


@cache
def _words(slot: str) -> frozenset[str]:
    """The words of one date_grammar.tsv slot, as a set of keys (for the tests made word by word)."""
    return frozenset(word_slots("date_grammar.tsv")[slot])


@cache
def _nth() -> dict[str, tuple[int, str]]:
    """date_nth.tsv: word -> (n, form), n = -1 for "the last"."""
    return {w: (int(n), form) for w, n, form in table("date_nth.tsv")}


@cache
def _grammar() -> dict[str, regex.Pattern]:
    greg = {}
    hijri = {}
    for name, month, cal in table("months.tsv"):
        (hijri if cal == "hijri" else greg)[name] = int(month)
    eng = {k: int(v) for k, v in mapping("english_months.tsv").items()}
    ordinals = {k: int(v) for k, v in mapping("ordinals.tsv").items()}
    weekdays = {k: int(v) for k, v in mapping("weekdays.tsv").items()}
    directions = mapping("date_directions.tsv")
    seasons = mapping("seasons.tsv")
    decades = {k: int(v) for k, v in mapping("decades.tsv").items()}
    numwords = mapping("number_words.tsv", 2)  # word -> kind

    def alt(words):
        return "|".join(sorted((regex.escape(w) for w in words), key=len, reverse=True))

    def dirs(kind: str) -> str:
        return alt(w for w, d in directions.items() if d == kind)

    past_alt, next_alt, cur_alt = dirs("past"), dirs("next"), dirs("current")
    # month names may carry a proclitic (في/ب/ل) and are bounded by non-letters
    greg_alt, hijri_alt, eng_alt = alt(greg), alt(hijri), alt(eng)
    ord_alt, wd_alt = alt(ordinals), alt(weekdays)
    nth_alt = alt(k for k, (_, form) in _nth().items() if form == "bare")
    nth_def_alt = alt(k for k, (_, form) in _nth().items() if form == "definite")
    bare_wd_alt = alt({k[2:] for k in weekdays if k.startswith("ال")})
    offsets = {k: int(v) for k, v in mapping("date_offsets.tsv").items()}
    units = {row[0]: (row[1], int(row[2]), row[3] if len(row) > 3 else "one") for row in table("duration_units.tsv")}
    unit_alt = alt(units)
    single_unit_alt = alt(w for w, (_, count, _f) in units.items() if count == 1)
    numw_alt = alt(w for w, kind in numwords.items() if kind in ("unit", "teen", "ten", "hundred"))
    cues = _cues()
    vague_alt = alt(cues.get("vague_count", ()))
    more_alt = alt(cues.get("more_than", ()))
    approx_alt = alt(cues.get("approx", ()))
    w = _slots()  # the grammar words (date_grammar.tsv), each slot an alternation
    lb = r"(?<![\p{L}])"
    rb = r"(?![\p{L}])"
    yr = r"(?:1[89]|20)\d\d"
    count = rf"(?:\d+|(?:{numw_alt})(?:\s+{w.and_}\s*(?:{numw_alt}))*|{vague_alt})"
    # a month may be named twice, "سبتمبر/أيلول", "يوليو (تموز)" or as news agencies write it, "يونيو حزيران"
    month = rf"(?P<m1>{greg_alt})(?:(?:\s*[/\-(]\s*|\s+)(?P<m2>{greg_alt}){rb}\s*\)?)?"
    day = rf"(?:(?P<d>\d{{1,2}})(?:{w.en_ordinal})?\s*[.\-/]?|(?P<dord>{ord_alt}))"
    year = r"(?P<y>(?:1\d|20)\d\d)"  # beside a month name any four-digit year is a year
    rels = f"{cur_alt}|{next_alt}|{past_alt}"
    pats = {
        "greg_full": regex.compile(
            rf"{lb}(?:{day}[\s,.]*(?:{w.of}\s+(?:{w.month_word}\s+)?|{w.month_word}\s+)?)?[وبلف]?{month}{rb}(?:[\s,،]*(?:(?:{w.of}\s+)?(?:{w.year_words})\s+)?{year}(?:\s*{w.gregorian_era}{rb})?)?(?P<past>\s+(?:{past_alt}){rb})?(?P<next>\s+(?:{next_alt}){rb})?(?P<cur>\s+(?:{cur_alt}){rb})?"
        ),
        "coord_days": regex.compile(
            rf"{lb}(?:(?:{w.two_days})\s+|(?:{w.from_or_between})\s+(?:{w.day}\s+)?(?:ال)?)(?P<d1>\d{{1,2}})\s*[,،]?\s*(?:{w.and_}\s*|-\s*|(?:{w.until_day})\s+(?:{w.day}\s+)?(?:ال)?)(?P<d2>\d{{1,2}})\s+(?:{w.of}\s+)?(?:{w.month_word}\s+)?"
            rf"(?:(?P<m1>{greg_alt})(?:\s*[/\-(]\s*(?:{greg_alt})\s*\)?)?{rb}(?:[\s,،]*(?:(?:{w.of}\s+)?(?:{w.year_words_def})\s+)?(?P<y>{yr}))?(?P<cur>\s+(?:{rels}){rb})?"
            rf"|(?P<rel>{w.the_month}\s+(?:{rels})|{w.this_month}){rb})"
        ),
        "coord_wd": regex.compile(
            rf"{lb}{w.two_days}\s+(?P<wd>{wd_alt})\s+{w.and_}\s*(?:{wd_alt}){rb}(?:\s+(?P<dir>{past_alt}|{next_alt}){rb})?"
        ),
        "eng": regex.compile(
            rf"(?i){lb}(?:(?P<d>\d{{1,2}})(?:{w.en_ordinal})?[\s,]+(?:{w.en_of}\s+)?(?P<m1>{eng_alt})|(?P<m1b>{eng_alt})\s+(?P<d2>\d{{1,2}})(?:{w.en_ordinal})?)[\s,]+{year}"
        ),
        "hijri": regex.compile(
            rf"{lb}(?:(?:(?P<d>\d{{1,2}})|(?P<dord>{ord_alt}))\s*(?:{w.of}\s+)?(?:{w.month_word}\s+)?)?(?P<m1>{hijri_alt}){rb}\s*(?:(?:{w.of}\s+)?(?:{w.year_words_hijri})\s+)?(?P<y>1[34]\d\d)\s*(?:{w.hijri_era})?{rb}"
        ),
        "numeric": regex.compile(
            rf"(?<![\d/.\-])(?:(?P<y>(?:19|20|13|14)\d\d)\s*[/\-.]\s*(?P<mo>\d{{1,2}})\s*[/\-.]\s*(?P<d>\d{{1,2}})|(?P<d2>\d{{1,2}})\s*[/\-.]\s*(?P<mo2>\d{{1,2}})\s*[/\-.]\s*(?P<y2>(?:19|20|13|14)\d\d))(?![\d/\-]|\.\d)(?P<h>\s*{w.hijri_mark})?"
        ),
        "range": regex.compile(
            rf"{lb}(?:{w.between_or_from})\s+(?:(?:{w.year_words_range})\s+)?(?P<y1>{yr})\s*{w.gregorian_era}?\s+(?:{w.and_}\s*|{w.to}\s+|{w.until}\s+)(?:{w.year}\s+)?(?P<y2>{yr})(?:\s*{w.gregorian_era})?{rb}"
        ),
        "year": regex.compile(
            rf"{lb}(?:[وبلف]?(?:{w.year_cues})\s+)(?P<y>{yr}){rb}(?:\s*{w.gregorian_era}{rb})?"
        ),
        "year_range": regex.compile(rf"(?<![\d\-/])(?P<y1>{yr})\s*{w.gregorian_era}?\s*-\s*(?P<y2>{yr})(?![\d\-/])(?:\s*{w.gregorian_era}{rb})?"),
        "year_suffix": regex.compile(rf"(?<![\d/.\-])(?P<y>{yr})\s*{w.gregorian_era}{rb}"),
        "hijri_year": regex.compile(rf"(?<![\d/.\-])(?P<y>1[34]\d\d)\s*(?:{w.hijri_mark})(?:ـ)*(?![\p{{L}}])"),
        "hijri_year_range": regex.compile(
            rf"(?<![\d/.\-])(?P<y1>1[34]\d\d)\s*(?:{w.hijri_mark})?\s*[-/]\s*(?P<y2>1[34]\d\d)\s*(?:{w.hijri_mark})(?![\p{{L}}])"
        ),
        "year_paren": regex.compile(rf"\(\s*(?P<y>{yr})\s*\)"),
        "year_bare": regex.compile(rf"{lb}(?P<cue>[\p{{L}}]+)\s+(?P<y>{yr})(?![\d/\-]|[.,]\d)(?P<after>\s*[\p{{L}}]*)"),
        "season": regex.compile(
            rf"{lb}[وبلف]?(?:(?:ال)?(?:{w.season_word})\s+)?(?P<s>{alt(seasons)})\s+(?:(?:{w.year_words_season})\s+)?(?:(?P<y>{yr})|(?P<this>{w.this_year}|{w.the_year}\s+(?:{cur_alt})|{w.this_year_f})|(?P<cur>{cur_alt})|(?P<last>(?:{w.the_year}\s+)?(?:{past_alt}))|(?P<nxt>(?:{w.the_year}\s+)?(?:{next_alt}))){rb}"
        ),
        "hijri_month": regex.compile(
            rf"{lb}(?:(?:(?P<d>\d{{1,2}})|(?P<dord>{ord_alt}))\s+(?:{w.of}\s+)?|(?P<prep>{w.month_preps})\s+)?(?:(?:[وبلف]?{w.month_word}|{w.months_word})\s+(?P<m1>{hijri_alt}){rb}(?:\s+{w.and_}\s*(?:{hijri_alt}))?(?:\s+(?P<dir>{past_alt}|{next_alt}|{cur_alt}){rb})?"
            rf"|(?P<m2>{hijri_alt})\s+(?P<dir2>{past_alt}|{next_alt}|{cur_alt}){rb})"
        ),
        "part_of_year": regex.compile(
            rf"{lb}[وبلف]?ل?(?:(?:(?P<qedge>{w.year_edges})\s+)?(?P<q>(?P<part>{w.year_parts})\s+(?P<ord>{w.quarter_ords})(?:\s+{w.fiscal})?)|(?P<edge>{w.year_edges}))"
            rf"(?:\s+{w.of})?(?:\s+(?P<yw>{w.year_words}))?(?:\s+(?P<y>{yr})(?:\s*{w.gregorian_era})?|\s+(?P<dir>{past_alt}|{next_alt}|{cur_alt}))?{rb}"
        ),
        # (the end of a week is its weekend, "عطلة نهاية الأسبوع", as often a habit as a date)
        # where a part of a period may start (a plain pattern the engine scans fast): the two patterns
        # above and below are tried only there
        "period_part_seed": re.compile(
            rf"(?:{w.year_parts})|(?:{w.year_edges})\s+(?:(?:ال)?(?:{w.period_seed_heads})|{w.of}\s|\d)"
        ),
        "edge_of_period": regex.compile(rf"{lb}[وبلف]?ل?(?:(?:{w.year_edges})\s+(?P<u>{w.the_month})|(?:{w.week_edges})\s+(?P<w>{w.the_week})){rb}"),
        "decade": regex.compile(
            rf"{lb}[وبلف]?(?:(?:{w.decade_words})\s+)?(?P<dec>{alt(decades)}){rb}(?P<hij>\s+(?:{w.hijri_adjectives}){rb})?"
        ),
        "relative": regex.compile(
            rf"{lb}(?P<rel>{alt(offsets)}|{w.relative_more})(?:\s*[,،]?\s*[(\"']?\s*(?P<wd>{wd_alt})\s*[)\"']?)?{rb}(?P<after>\s+[\p{{L}}]+)?"
        ),
        "offset": regex.compile(
            rf"{lb}(?:(?P<dir>{w.offset_dirs})\s+)?(?:(?:{approx_alt})\s+)?(?P<more>(?:{more_alt})\s+(?:{w.of}\s+)?)?(?P<parts>(?:(?:{count})\s*)?(?:{unit_alt})(?:\s*(?:{w.and_}|,|،)\s*(?:(?:{count})\s*)?(?:{unit_alt}))*){rb}(?P<tail>\s+(?:{w.offset_tail})\s+(?P<what>[\p{{L}}]+))?"
        ),
        "offset_dir": regex.compile(
            rf"{lb}(?P<dir>{w.offset_dirs})\s+(?:(?:{approx_alt})\s+)?(?P<more>(?:{more_alt})\s+(?:{w.of}\s+)?)?(?P<parts>(?:(?:{count})\s*)?(?:{unit_alt})(?:\s*(?:{w.and_}|,|،)\s*(?:(?:{count})\s*)?(?:{unit_alt}))*){rb}(?P<tail>\s+(?:{w.offset_tail})\s+(?P<what>[\p{{L}}]+))?"
        ),
        "offset_part": regex.compile(rf"(?:(?P<n>{count})\s*)?(?P<u>{unit_alt}){rb}"),
        "week_wd": regex.compile(
            rf"{lb}(?:(?P<this>{w.this}\s+(?:{w.the_week}\s+)?(?:{w.day}\s+)?)|(?P<next>{w.the_week}\s+(?:{next_alt})\s+(?:{w.day}\s+)?)|(?P<prev>{w.the_week}\s+(?:{past_alt})\s+(?:{w.day}\s+)?))(?P<wd>{wd_alt}){rb}"
            rf"|{lb}(?:{w.day}\s+)?(?P<wd2>{wd_alt})\s+{w.of}\s+(?:ال)?{w.week}\s+(?P<dir2>{next_alt}|{past_alt}){rb}"
        ),
        "nth_wd_month": regex.compile(
            rf"{lb}(?P<n>{nth_alt})\s+(?:{w.day}\s+)?(?P<wd>{bare_wd_alt}|{wd_alt})\s+(?:{w.of_or_in})\s+(?:{w.month_word}\s+)?(?:(?P<m1>{greg_alt})|(?P<this>{w.this_month})){rb}"
        ),
        "wd_nth": regex.compile(
            rf"{lb}(?:{w.day}\s+)?(?P<wd>{wd_alt})\s+(?P<ord>{nth_def_alt}){rb}(?!\s*(?:{w.not_after_nth}))"
        ),
        "day_of_month": regex.compile(
            rf"(?<![\d/.\-])(?:ال\s*)?(?P<d>\d{{1,2}})\s+(?:{w.of}\s+)?(?P<rel>{w.the_month}\s+(?:{rels})|{w.this_month}){rb}"
        ),
        "day_only": regex.compile(
            rf"(?:{lb}(?:{w.day_only_preps})\s+(?:ال\s*)?|{lb}ل(?=ل)|{lb}(?:{w.day}\s+)?(?P<wd>{wd_alt})\s+(?:{w.in_}\s+)?)(?P<d>\d{{1,2}}|{ord_alt}|(?:[\p{{L}}]+(?:\s+{w.and_}?[\p{{L}}]+)?))(?:\s+{w.of}\s+(?P<rel>{w.this_month}|{w.the_month}\s+(?:{rels})))?\s*(?=[.!?؟](?!\d)|$|(?(rel)[\s,،]|(?!)))"
        ),
        "numeric_short": regex.compile(
            r"(?<![\d/.\-])(?P<a>\d{1,2})\s*(?P<sep>[/\-.])\s*(?P<b>\d{1,2})(?:(?P=sep)(?P<c>\d{2}))?(?:\s*,\s*(?P<y>\d{4}|\d{2}))?(?![\d/\-]|\.\d)"
        ),
        "month_first": regex.compile(
            rf"{lb}(?P<m1>{greg_alt})\s*[-,،]?\s*(?P<d>\d{{1,2}}(?!\d|[.,]\d)|{ord_alt})(?P<rest>\s*[,،]?\s*(?:{w.of}\s+)?(?:(?P<y>[12]\d\d\d)|[\p{{L}}][\p{{L}}\s]*))?"
        ),
        "weekday": regex.compile(
            rf"{lb}(?:[وبل]?(?:{w.day_parts})\s+)?[وبلف]?(?P<wd>{wd_alt}){rb}(?P<past>\s+(?:{past_alt}){rb})?(?P<next>\s+(?:{next_alt}){rb})?"
        ),
        "period": regex.compile(
            rf"{lb}(?:(?P<unit>{w.period_units})\s+(?P<dir>{past_alt}|{next_alt}|{cur_alt})|(?:ل|ف|و)?(?P<this>{w.this_forms})\s+(?P<unit2>{w.period_units_this})){rb}"
        ),
        "weekday_to_date": regex.compile(rf"[\s,،]*(?:{w.the_date_of})?[\s,،]*"),
        "from_or_paren_next": regex.compile(rf"\s*(?:{w.of}|\))"),
        "from_or_in_next": regex.compile(rf"\s*(?:{w.of_or_in})\s"),
        "duration": regex.compile(
            rf"{lb}(?P<n>\d+(?:[.,]\d+)?)\s*(?P<unit>{single_unit_alt}){rb}"
        ),
    }
    weekdays.update({k[2:]: v for k, v in weekdays.items() if k.startswith("ال")})
    tables = {"greg": greg, "hijri": hijri, "eng": eng, "ord": ordinals, "wd": weekdays, "offsets": offsets,
              "units": units, "dirs": directions, "seasons": seasons, "decades": decades}
    words = {name: tuple(tables[name]) for name in ("seasons", "decades", "hijri")}
    words["year_parts"] = tuple(word_slots("date_grammar.tsv")["year_parts"] + word_slots("date_grammar.tsv")["year_edges"])
    # a plain substring test is far cheaper than a pattern that may start at every letter
    tables["present"] = lambda key, name: any(w in key for w in words[name])  # type: ignore[assignment]
    return {"pats": pats, "tables": tables}  # type: ignore[return-value]


def _valid(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _last_weekday(ref: dt.date, iso_weekday: int, *, strictly_before: bool = False) -> dt.date:
    delta = (ref.isoweekday() - iso_weekday) % 7
    if strictly_before and delta == 0:
        delta = 7
    return ref - dt.timedelta(days=delta)


def _next_weekday(ref: dt.date, iso_weekday: int) -> dt.date:
    """The first given weekday strictly after ``ref``."""
    return ref + dt.timedelta(days=((iso_weekday - ref.isoweekday()) % 7) or 7)


def _month_back(ref: dt.date, month: int) -> int:
    """The year of the most recent `month` not after `ref`."""
    return ref.year if month <= ref.month else ref.year - 1


def _closest_year(ref: dt.date, month: int, day: int | None) -> int:
    """The year that puts a month (or a day) without a year closest to ``ref``, past or coming."""
    def gap(y: int) -> int:
        d = _valid(y, month, min(day or 15, calendar.monthrange(y, month)[1]))
        return abs((d - ref).days) if d else 10**6
    return min((ref.year - 1, ref.year, ref.year + 1), key=lambda y: (gap(y), -y if y <= ref.year else y))


def _week(day: dt.date) -> str:
    """ISO 8601 week of a day: 2015-W31."""
    y, w, _ = day.isocalendar()
    return f"{y:04d}-W{w:02d}"


def _hijri_to_greg(y: int, m: int, d: int) -> dt.date | None:
    from hijridate import Hijri

    try:
        g = Hijri(y, m, d).to_gregorian()
    except (ValueError, OverflowError):
        return None
    return dt.date(g.year, g.month, g.day)


def _hijri_year(y: int) -> int | None:
    """The Gregorian year that holds most of Hijri year ``y`` (its seventh month)."""
    g = _hijri_to_greg(y, 7, 1)
    return g.year if g else None


def _looks_ahead(key: str, pos: int) -> bool:
    """Whether the clause before ``pos`` looks ahead: the nearest tense cue (within 30 words of its sentence) is a future one.

    A future cue is a word of date_cues.tsv's ``future`` kind or a verb with the future prefix
    سـ (``سيغلق``, ``ستبدأ``); a past cue (``قال``, ``أعلن``, ``كان`` ...) stops the search.
    Without a cue, "حتى الجمعة" looks ahead (a forecast, a deadline) and a bare weekday looks back.
    """
    tense = _clause_tense(key, pos, reported=False)
    return tense == "future" if tense else _anchor(key, pos) == "until"


_REPORTED_OPEN = regex.compile(r'[:"«“]')
# a sentence ends at ! ? ؟ a line break, or a full stop that is no decimal point ("6.8 في المائة")
_SENTENCE_END = regex.compile(r"[!?؟\n]|\.(?!\d)|(?<!\d)\.")


def _sentence_start(key: str, pos: int) -> int:
    lo = max(0, pos - 600)
    ends = [m.end() for m in _SENTENCE_END.finditer(key, lo, pos)]
    return ends[-1] if ends else lo


def _clause_tense(key: str, pos: int, *, reported: bool = True) -> str | None:
    """"future" or "past" by the nearest tense cue before ``pos`` in its sentence (30 words at most), else None.

    Past cues are the words of date_cues.tsv's ``past`` kind; with ``reported`` also its ``past_verb``
    kind (perfect verbs of news reports: رفعت، ارتفع، سجلت ...), and what is reported has its own tense:
    the search stops at a quotation or a colon and at the complementizer أن/إن ("قال إن المعرض
    يستمر حتى 31 أغسطس" says nothing of the past).
    """
    cues = _cues()
    past = cues.get("past", frozenset()) | (cues.get("past_verb", frozenset()) if reported else frozenset())
    future = cues.get("future", frozenset())
    start = _sentence_start(key, pos)
    if reported:
        quote = [m.end() for m in _REPORTED_OPEN.finditer(key, start, pos)]
        start = quote[-1] if quote else start
    words = _LETTER_RUN.findall(key[start:pos])[-30:]
    stops = _words("complementizer") if reported else frozenset()
    negations = _cues().get("negates_future", frozenset())
    for i in range(len(words) - 1, -1, -1):
        w = words[i]
        if w in stops:
            past = frozenset()  # beyond "أن" a past verb only reports ("قال إن"); "من المقرر أن" still looks ahead
            continue
        bare = w[1:] if w[:1] in ("و", "ف") and len(w) > 3 else w
        if (w in future or bare in future) and i and words[i - 1] in negations:
            continue  # "على غير المتوقع": unexpectedly, no forecast
        if w in future or bare in future or _future_verb(bare):
            return "future"
        if w in past or bare in past:
            return "past"
    return None


def _month_year(ref: dt.date, month: int, day: int | None, tense: str | None) -> int:
    """The year of a month (or a day of it) named without a year, by the tense of its clause.

    A past clause ("ورفعت روسيا صادراتها ... في يناير") takes the latest such month up to the
    reference day, a clause that looks ahead the next one from it, and a clause without a tense cue
    the one closest to the reference day, past or coming.
    """
    if tense == "past":
        year = _month_back(ref, month)
        return year - 1 if month == ref.month and day is not None and day > ref.day else year
    if tense == "future":
        if month > ref.month or (month == ref.month and (day is None or day >= ref.day)):
            return ref.year
        return ref.year + 1
    return _closest_year(ref, month, day)


def _future_verb(word: str) -> bool:
    """سـ + an imperfect verb (سيغلق, ستبدأ, سنعمل), not a noun that happens to start that way.

    The imperfect without سـ must be a word of the news corpus (surface_counts.tsv.gz): "يغلق" is,
    "ياسيا" (of "سياسيا") and "تيوارت" (of the name "ستيوارت") are not.
    """
    return (len(word) >= 5 and word[0] == "س" and word[1] in "يتن"
            and word not in word_set("future_prefix_stops.txt") and surface_count(word[1:]) >= 3)


def find_dates(text: str | Doc, ref: dt.date | None = None) -> list[DateMention]:
    """All dates in displayed ``text`` (or an article's `Doc`); relative ones only when ``ref`` is given."""
    g = _grammar()
    pats, tabs = g["pats"], g["tables"]  # type: ignore[index]
    doc = Doc.of(text)
    text = doc.text
    key, offs = doc.keyed
    taken: list[tuple[int, int]] = []
    out: list[DateMention] = []
    cues = _cues()

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    def add(s: int, e: int, value: str, gran: str, relative: bool = False, end_value: str | None = None,
            from_duration: bool = False, anchor: str | None = None) -> None:
        if not free(s, e):
            return
        taken.append((s, e))
        ds, de = offs[s], offs[e - 1] + 1 if e > 0 else offs[e]
        out.append(DateMention(text[ds:de], value, gran, ds, de, relative, end_value,  # type: ignore[arg-type]
                               anchor or _anchor(key, s), from_duration))

    for m in pats["eng"].finditer(key):
        mon = tabs["eng"][normalize(m.group("m1") or m.group("m1b"))]
        day = int(m.group("d") or m.group("d2"))
        d = _valid(int(m.group("y")), mon, day)
        if d:
            add(m.start(), m.end(), d.isoformat(), "day")
    for m in pats["numeric"].finditer(key):
        if m.group("y"):
            y, mo, d_ = int(m.group("y")), int(m.group("mo")), int(m.group("d"))
        else:
            y, mo, d_ = int(m.group("y2")), int(m.group("mo2")), int(m.group("d2"))
        d = _hijri_to_greg(y, mo, d_) if y < 1500 else _valid(y, mo, d_)
        if d:
            add(m.start(), m.end(), d.isoformat(), "day")
    for m in pats["hijri"].finditer(key):
        mon = tabs["hijri"][m.group("m1")]
        y = int(m.group("y"))
        hday = int(m.group("d")) if m.group("d") else tabs["ord"].get(m.group("dord") or "")
        if hday:
            gd = _hijri_to_greg(y, mon, hday)
            if gd:
                add(m.start(), m.end(), gd.isoformat(), "day")
        else:
            gd = _hijri_to_greg(y, mon, 1)
            if gd:
                add(m.start(), m.end(), f"{gd.year:04d}-{gd.month:02d}", "month")
    _coordinated(key, ref, pats, tabs, add)
    for m in pats["range"].finditer(key):
        add(m.start(), m.end(), m.group("y1"), "year", end_value=m.group("y2"))
    for m in pats["year_range"].finditer(key):
        y1, y2 = int(m.group("y1")), int(m.group("y2"))
        if y1 < y2:
            add(m.start(), m.end(), str(y1), "year", end_value=str(y2))
    if ref:
        _month_first(key, ref, pats, tabs, add)
    for m in pats["greg_full"].finditer(key):
        name = m.group("m1")
        # "ماي" and "أوت" are Maghrebi months but also ordinary words; need a day or a year
        mon = tabs["greg"][name]
        if m.group("m2") and tabs["greg"].get(m.group("m2")) not in (None, mon):
            continue
        day = int(m.group("d")) if m.group("d") else tabs["ord"].get(m.group("dord") or "", None)
        year = int(m.group("y")) if m.group("y") else None
        if year is None and day is None and not (m.group("past") or m.group("next") or m.group("cur")) and not m.group("m2"):
            # a bare month name: "في مايو" is a date, but "آب" / "ماي" alone are too ambiguous
            if len(name) < 4 or not ref:
                continue
        if year is None:
            if not ref:
                continue
            if m.group("next"):
                year = ref.year if mon > ref.month else ref.year + 1
            elif m.group("cur"):
                year = ref.year
            elif m.group("past"):
                year = _month_back(ref, mon)
                if mon == ref.month and (day is None or day >= ref.day):
                    year -= 1
            else:
                year = _month_year(ref, mon, day, _clause_tense(key, m.start()))
            relative = True
        else:
            relative = False
        if day is not None:
            d = _valid(year, mon, day)
            if d:
                add(m.start(), m.end(), d.isoformat(), "day", relative)
        else:
            add(m.start(), m.end(), f"{year:04d}-{mon:02d}", "month", relative)
    _seasons_decades(key, ref, pats, tabs, add)
    for m in pats["year"].finditer(key):
        add(m.start(), m.end(), m.group("y"), "year")
    _bare_years(key, ref, pats, add, cues)
    if ref:
        for m in pats["relative"].finditer(key):
            rel_key = _SPACES.sub(" ", m.group("rel"))
            if not m.group("wd") and _not_today(key, m, cues, rel_key in _words("today_words")):
                continue
            shift_days = -1 if rel_key.split()[0] in _words("tonight") else tabs["offsets"].get(rel_key, 0)
            d = ref + dt.timedelta(days=shift_days)
            end = m.end("wd") if m.group("wd") else m.end("rel")
            if m.group("wd"):
                wd = tabs["wd"][m.group("wd")]
                # trust the weekday when it disagrees with the offset by a day or two: the such day nearest
                # the offset's ("بعد غد الأربعاء" written on a Tuesday; "غدا الثلاثاء" on a page written the day
                # before the reference day)
                if shift_days:
                    # (yesterday's weekday lies before the reference day; tomorrow's may be that day itself)
                    target = ref + dt.timedelta(days=shift_days)
                    d = next(x for k in (0, -1, 1, -2, 2, -3, 3, -4, 4, -5, 5, -6, 6)
                             if (x := target + dt.timedelta(days=k)).isoweekday() == wd and (x < ref if shift_days < 0 else x >= ref))
                else:
                    d = _last_weekday(ref, wd)
            add(m.start(), end, d.isoformat(), "day", True)
        _conversational(key, ref, pats, tabs, add)
        for m in pats["weekday"].finditer(key):
            wd = tabs["wd"][m.group("wd")]
            if any(m.end() <= a <= m.end() + 12 and pats["weekday_to_date"].fullmatch(key[m.end():a])
                   for a, _ in taken):
                continue  # "يوم الأحد الموافق 26 يوليو": the weekday of a date given in full
            if m.group("next") or (not m.group("past") and _looks_ahead(key, m.start())):
                d = _next_weekday(ref, wd)
            else:
                d = _last_weekday(ref, wd, strictly_before=bool(m.group("past")))
            add(m.start(), m.end(), d.isoformat(), "day", True)
        for m in pats["period"].finditer(key):
            unit = m.group("unit") or m.group("unit2")
            direction = tabs["dirs"].get(m.group("dir") or "", "current")
            step = {"past": -1, "next": 1}.get(direction, 0)
            if unit in _words("the_month"):
                first = _shift_months(ref.replace(day=1), step)
                add(m.start(), m.end(), f"{first.year:04d}-{first.month:02d}", "month", True)
            elif unit in _words("year_units"):
                add(m.start(), m.end(), str(ref.year + step), "year", True)
            else:
                # the week of Saudi and Gulf pages runs from Sunday: on a Sunday "this week" is the one that
                # starts that day, the ISO week of the next day
                base = ref + dt.timedelta(days=1) if ref.isoweekday() == 7 else ref
                add(m.start(), m.end(), _week(base + dt.timedelta(days=7 * step)), "week", True)
    out.sort(key=lambda x: x.start)
    return out


_FIGURE_AFTER = regex.compile(r"\s*[\d٠-٩]")


@cache
def _COMPARE_FIGURE() -> regex.Pattern:  # noqa: N802
    words = "|".join(regex.escape(w) for w in sorted(_cues().get("compare_figure", ())))
    return regex.compile(rf"(?<![\p{{L}}])[وب]?(?:{words})(?![\p{{L}}])") if words else regex.compile(r"(?!)")


_CLAUSE_BREAK = regex.compile(r"[،؛;:!?؟\n()«»\"]|[.,](?!\d)|(?<!\d)[.,]")


def compared_date(before: str) -> bool:
    """Whether a date preceded by ``before`` (the text of its sentence up to it) is a level or a period
    compared with rather than the date of the statement: "قرب مستويات حزيران", "مقابل ... خلال
    الفترة نفسها من العام الماضي", "الفترة المماثلة من عام 2014".  ("أعلى مستوى له منذ 23 مارس"
    stays a date: the labelled sentences file such a statement under the day it counts from.)

    Only the clause the date is in counts (up to the last comma or parenthesis); the cue words are
    date_cues.tsv's ``level``, ``compare`` and ``same_period`` kinds.
    """
    cues = _cues()
    clause = normalize(_CLAUSE_BREAK.split(before[-200:])[-1])
    raw = _LETTER_RUN.findall(clause)[-10:]
    words = [w[1:] if w[:1] in ("و", "ب", "ل", "ف") and len(w) > 4 else w for w in raw]
    level, compare, same = cues.get("level", ()), cues.get("compare", ()), cues.get("same_period", ())
    for i, w in enumerate(words):
        if w in compare:
            return True
        if w in same and len(words) - i <= 3:
            return True
        # "قرب مستويات حزيران", "بمستويات 2008": the level of a date (not "يبقى مستوى تموز ...", the level *of* July)
        if w in level and i == len(words) - 1 and (raw[i] != w or (i > 0 and words[i - 1] in cues.get("level_prep", ()))):
            return True
    # "مسجلة 3.9 مليار دولار مقابل 3.35 مليار ... خلال الفترة نفسها": against a figure ("في مقابل مزيد من
    # الإصلاحات" is "in exchange for")
    return any(_FIGURE_AFTER.match(clause, m.end()) for m in _COMPARE_FIGURE().finditer(clause))


def labelled_period(before: str) -> bool:
    """Whether a date preceded by ``before`` names a period rather than dates a statement: "العام الدراسي
    1436 - 1437هـ" (the school year of a call for teachers), "عقد أغسطس", "تسليم ديسمبر" (futures
    contracts), by date_cues.tsv's ``period_label`` kind."""
    words = _LETTER_RUN.findall(normalize(_CLAUSE_BREAK.split(before[-60:])[-1]))[-3:]
    cues = _cues()
    labels, skip = cues.get("period_label", ()), cues.get("period_label_skip", ())
    words = [w[1:] if w[:1] in ("و", "ب", "ل") and w[1:] in labels else w for w in words]
    while words and words[-1] in skip:
        words.pop()
    return bool(words) and words[-1] in labels


def introduces_range(before: str) -> bool:
    """Whether the last word of ``before`` introduces a period (date_cues.tsv ``range_intro``: الفترة، بين، خلال)."""
    words = _LETTER_RUN.findall(normalize(before))
    intro = _cues().get("range_intro", frozenset())
    return bool(words) and (words[-1] in intro or words[-1][1:] in intro)


def _anchor(key: str, start: int) -> str:
    """'since' or 'until' when the words just before ``start`` open or close a span, else 'point'."""
    cues = _cues()
    words = _LETTER_RUN.findall(key[max(0, start - 30):start])[-3:]
    for w in reversed(words):
        if w in cues.get("filler", ()):
            continue
        bare = w[1:] if w[:1] == "و" and len(w) > 3 else w
        if bare in cues.get("since", ()):
            return "since"
        if bare in cues.get("until", ()):
            return "until"
        break
    return "point"


def _not_today(key: str, m: regex.Match, cues: dict[str, frozenset[str]], bare: bool) -> bool:
    """"اليوم الوطني", "جيل اليوم", "في اليوم", "صحيفة الغد": the word is not a day counted from publication."""
    if key[max(0, m.start() - 1):m.start()] == '"' or key[m.end("rel"):m.end("rel") + 1] == '"':
        return True  # "اليوم" in quotes is the newspaper of that name
    after = (m.group("after") or "").strip()
    if after and after in cues.get("today_not_after", ()):
        return True
    before = _LETTER_RUN.findall(key[max(0, m.start() - 20):m.start()])
    if not before:
        return False
    # "في اليوم" (per day, that day), "في أمس الحاجة" (in dire need); "صحيفة الغد" (a newspaper)
    return (bare and before[-1] in cues.get("today_not_before", ())) or before[-1] in cues.get("name_before", ())


def _coordinated(key: str, ref: dt.date | None, pats: dict, tabs: dict, add) -> None:
    """"يومي 10 و11 أبريل", "من 6 إلى 15 أغسطس", "يومي الجمعة والسبت الماضيين": the first day (and the last)."""
    for m in pats["coord_days"].finditer(key):
        d1, d2 = int(m.group("d1")), int(m.group("d2"))
        if m.group("m1"):
            mon = tabs["greg"][m.group("m1")]
            if m.group("y"):
                year = int(m.group("y"))
            elif ref is None:
                continue
            else:
                direction = tabs["dirs"].get((m.group("cur") or "").strip(), "")
                if direction == "current":
                    year = ref.year
                elif direction == "next":
                    year = ref.year if mon > ref.month else ref.year + 1
                elif direction == "past":
                    year = _month_back(ref, mon)
                else:
                    year = _month_year(ref, mon, d1, _clause_tense(key, m.start()))
        elif ref is not None:
            direction = tabs["dirs"].get(m.group("rel").split()[-1], "current")
            first = _shift_months(ref.replace(day=1), {"past": -1, "next": 1}.get(direction, 0))
            year, mon = first.year, first.month
        else:
            continue
        a, b = _valid(year, mon, d1), _valid(year, mon, d2)
        if a and b and a <= b:
            add(m.start(), m.end(), a.isoformat(), "day", not m.group("y"), b.isoformat())
    if ref is None:
        return
    for m in pats["coord_wd"].finditer(key):
        wd = tabs["wd"][m.group("wd")]
        direction = tabs["dirs"].get(m.group("dir") or "", "")
        if direction == "next" or (not direction and _looks_ahead(key, m.start())):
            d = _next_weekday(ref, wd)
        else:
            d = _last_weekday(ref, wd, strictly_before=direction == "past")
        add(m.start(), m.end(), d.isoformat(), "day", True)


def _seasons_decades(key: str, ref: dt.date | None, pats: dict, tabs: dict, add) -> None:
    present = tabs["present"]
    for m in (pats["season"].finditer(key) if present(key, "seasons") else ()):
        code = tabs["seasons"][m.group("s")]
        if m.group("y"):
            year = int(m.group("y"))
        elif ref is None:
            continue
        else:
            year = ref.year + (-1 if m.group("last") else 1 if m.group("nxt") else 0)
        add(m.start(), m.end(), f"{year:04d}-{code}", "season", not m.group("y"))
    if ref is not None:
        for m in (pats["hijri_month"].finditer(key) if present(key, "hijri") else ()):
            direction = tabs["dirs"].get(m.group("dir") or m.group("dir2") or "", "")
            day = int(m.group("d")) if m.group("d") else tabs["ord"].get(m.group("dord") or "")
            if not (day or direction or m.group("prep")):
                continue  # "يعيد عليهم شهر رمضان": a wish, not a date
            first = _hijri_month(ref, tabs["hijri"][m.group("m1") or m.group("m2")], direction)
            if first is None:
                continue
            if day:
                gd = _hijri_to_greg(first[0], first[1], day)
                if gd:
                    add(m.start(), m.end(), gd.isoformat(), "day", True)
            else:
                gd = _hijri_to_greg(first[0], first[1], 1)
                add(m.start(), m.end(), f"{gd.year:04d}-{gd.month:02d}", "month", True)
        for m in _near(pats["part_of_year"], pats["period_part_seed"], key):
            _part_of_year(key, m, ref, tabs, add)
        for m in _near(pats["edge_of_period"], pats["period_part_seed"], key):
            if _adjective_next(key, m.end()) or _DIGIT_NEXT.match(key, m.end()):
                continue  # "بداية الشهر الجاري" (the period rule's), "نهاية الشهر 10"
            # "منذ بداية الأسبوع", "مطلع الشهر": this week, this month
            if m.group("u"):
                add(m.start(), m.end(), f"{ref.year:04d}-{ref.month:02d}", "month", True)
            else:
                base = ref + dt.timedelta(days=1) if ref.isoweekday() == 7 else ref
                add(m.start(), m.end(), _week(base), "week", True)
    for m in (pats["decade"].finditer(key) if present(key, "decades") else ()):
        tens = int(tabs["decades"][m.group("dec")])
        if m.group("hij"):
            # "السبعينيات الهجرية": the 1370s AH, mostly the 1950s (the Gregorian decade of its middle year)
            mid = _hijri_year(1300 + 10 * tens + 5)
            if mid:
                add(m.start(), m.end(), f"{mid // 10}X", "decade")
            continue
        add(m.start(), m.end("dec"), f"19{tens}X", "decade")


def _adjective_next(key: str, pos: int) -> bool:
    """Whether a definite word that is no grammar word follows ``pos`` ("العام الدراسي", not "العام إلى")."""
    if not _DEFINITE_NEXT.match(key, pos):
        return False
    nxt = _LETTER_RUN.findall(key[pos:pos + 30])[:1]
    return bool(nxt) and nxt[0] not in word_set("stopwords.txt")


def _near(pat: regex.Pattern, seed: re.Pattern, key: str):
    """The matches of ``pat`` that start at a match of ``seed`` or at most two letters (proclitics) before it."""
    end = 0
    for s in seed.finditer(key):
        if s.start() < end:
            continue
        for pos in (s.start() - 2, s.start() - 1, s.start()):
            m = pat.match(key, pos) if pos >= end else None
            if m:
                end = m.end()
                yield m
                break


def _part_of_year(key: str, m: regex.Match, ref: dt.date, tabs: dict, add) -> None:
    """"الربع الثاني (من العام)", "النصف الأول 2015", "منذ بداية العام", "نهاية العام الماضي": a year.

    A quarter without a year is one of the reference year; a half, a start or an end needs "العام"
    (or a year): "النصف الثاني" alone is as often a match's; "بداية العام الدراسي" is no calendar year.
    """
    yw = m.group("yw") or ""
    if m.group("y"):
        year = int(m.group("y"))
    elif m.group("dir"):
        if not yw:
            return
        year = ref.year + {"past": -1, "next": 1}.get(tabs["dirs"].get(m.group("dir").strip(), ""), 0)
    elif _adjective_next(key, m.end()):
        return  # "بداية العام الدراسي", "النصف الثاني المباراة": another kind of year or half
    elif yw in _words("year_units") or (m.group("q") and not yw and m.group("part") in _words("quarter")):
        year = ref.year
    else:
        return
    quarter = tabs["ord"].get(m.group("ord") or "") if m.group("part") in _words("quarter") else None
    if m.group("qedge") and quarter in (1, 2, 3, 4):
        # "منذ بداية الربع الثالث": the quarter's first month; "نهاية الربع الثاني": its last
        month = 3 * quarter - (0 if m.group("qedge") in _words("year_end_edges") else 2)
        add(m.start(), m.end(), f"{year:04d}-{month:02d}", "month", not m.group("y"))
        return
    # "الربع الأول من" followed by no year word: the mention is the quarter
    end = m.end() if (yw or m.group("y") or m.group("dir")) else m.end("q")
    add(m.start(), end, str(year), "year", not m.group("y"))


def _hijri_month(ref: dt.date, month: int, direction: str) -> tuple[int, int] | None:
    """(Hijri year, month) of a Hijri month named without a year.

    The latest such month that has begun by ``ref``, or the coming one for "المقبل".
    """
    from hijridate import Gregorian

    hy = Gregorian(ref.year, ref.month, ref.day).to_hijri().year
    starts = [(d, y) for y in (hy - 1, hy, hy + 1) if (d := _hijri_to_greg(y, month, 1))]
    if direction == "next":
        chosen = min((s for s in starts if s[0] > ref), default=None)
    else:
        chosen = max((s for s in starts if s[0] <= ref), default=None)
    return (chosen[1], month) if chosen else None


def _bare_years(key: str, ref: dt.date | None, pats: dict, add, cues: dict[str, frozenset[str]]) -> None:
    """Years written without عام/سنة: "2002م", "1436هـ", "(1949)", "في 2004"."""
    latest = (ref.year if ref else dt.date.today().year) + 30
    for m in pats["year_suffix"].finditer(key):
        if int(m.group("y")) <= latest:
            add(m.start(), m.end(), m.group("y"), "year")
    for m in pats["hijri_year_range"].finditer(key):
        y1, y2 = _hijri_year(int(m.group("y1"))), _hijri_year(int(m.group("y2")))
        if y1 and y2 and y1 <= y2:  # "1436 - 1437هـ", "1436هـ / 1437هـ": from the first
            add(m.start(), m.end(), str(y1), "year", end_value=str(y2))
    for m in pats["hijri_year"].finditer(key):
        y = _hijri_year(int(m.group("y")))
        if y:
            add(m.start(), m.end(), str(y), "year")
    for m in pats["year_paren"].finditer(key):
        if int(m.group("y")) <= latest:
            add(m.start(), m.end(), m.group("y"), "year")
    stops = word_set("stopwords.txt")
    for m in pats["year_bare"].finditer(key, overlapped=True):
        cue = m.group("cue")
        bare = cue[1:] if cue[:1] in ("و", "ف") and len(cue) > 3 else cue
        if cue not in cues.get("year_cue", ()) and bare not in cues.get("year_cue", ()):
            continue
        after = m.group("after").strip()
        # "في 1800 سيارة" counts cars; "في 2004 الأرض" or "في 2004،" is a year; after a cue that takes a point
        # in time ("منذ 2009 يأتي") any word but a unit or a counted noun leaves it a year
        definite = _DEFINITE.match(after)
        strong = cue in cues.get("year_cue_strong", ()) or bare in cues.get("year_cue_strong", ())
        if _counts_something(after):
            continue
        if not strong and after and not definite and after not in stops and after not in cues.get("year_next_ok", ()) and after != "م":
            continue
        if int(m.group("y")) <= latest:
            add(m.start("y"), m.end("y"), m.group("y"), "year")


@cache
def _count_nouns() -> frozenset[str]:
    """Words that make a number before them a count: duration units and the head nouns of claims."""
    return frozenset(row[0] for name in ("duration_units.tsv", "counted.tsv") for row in table(name))


def _counts_something(word: str) -> bool:
    if not word:
        return False
    nouns = _count_nouns()
    return word in nouns or (word[:1] in ("و", "ف", "ب", "ل") and word[1:] in nouns)


def _shift_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _nth_weekday(year: int, month: int, wd: int, n: int) -> dt.date | None:
    """The n-th (1-based; -1 = last) given ISO weekday of a month."""
    days = [dt.date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]
    matches = [d for d in days if d.isoweekday() == wd]
    try:
        return matches[n - 1] if n > 0 else matches[-1]
    except IndexError:
        return None


def _words_value(text: str) -> int | None:
    """A whole number written at the start of ``text`` (digits or words), or None."""
    from marsad.analyze.numbers import find_numbers

    nums = find_numbers(text)
    if nums and nums[0].start <= 1 and nums[0].value is not None and nums[0].value == int(nums[0].value):
        return int(nums[0].value)
    return None


def _number_word(word: str) -> int | None:
    """The value of a single number word of number_words.tsv ("عشر" -> 10)."""
    value = mapping("number_words.tsv").get(word)
    return int(float(value)) if value else None


_HIJRI_YEAR = regex.compile(r"(?<!\d)1[34]\d\d\s*ه")
_UNIT_RANK = {"minute": 0, "hour": 0, "day": 0, "week": 1, "month": 2, "year": 3, "decade": 3}


def _month_first(key: str, ref: dt.date, pats: dict, tabs: dict, add) -> None:
    """"يناير الثاني والعشرين، 2018", "سبتمبر10, ألف وتسعمائة وواحد": the month before the day."""
    for m in pats["month_first"].finditer(key):
        mon = tabs["greg"][m.group("m1")]
        prev = _LETTER_RUN.findall(key[max(0, m.start() - 12):m.start()])[-1:]
        if prev and prev[0] in tabs["greg"] and _SPACES.fullmatch(key[m.start() - 1:m.start()]):
            continue  # "أغسطس آب 13 سنتا": the second name of a month named twice, not a month before its day
        day = int(m.group("d")) if m.group("d").isdigit() else tabs["ord"].get(m.group("d"))
        if not day:
            continue
        year = int(m.group("y")) if m.group("y") else None
        end = m.end("d")
        if year is None and m.group("rest"):
            rest = m.group("rest").lstrip(" ,،")
            head, _, tail = rest.partition(" ")
            rest = rest[4:] if head in _words("of") and tail else rest  # (sic: as before the words moved to data)
            value = _words_value(rest)
            if value and 1000 <= value <= 2999:
                year = value
                end = m.end()
        if year is None:
            # the latest such day, unless the clause looks ahead
            year = _month_year(ref, mon, day, "future" if _clause_tense(key, m.start()) == "future" else "past")
        d = _valid(year, mon, day)
        if d:
            add(m.start(), end if m.group("y") is None else m.end("y"), d.isoformat(), "day", m.group("y") is None)


def _offset(key: str, ref: dt.date, m: regex.Match, tabs: dict, add) -> None:
    """"قبل 95 عاما", "بعد يومين", "منذ 1 شهر و 21 أيام من الآن", counted from ``ref``.

    Vague counts ("منذ سنوات", "قبل أيام", "بضعة أشهر", "منذ عقود", "أكثر من ثلاثة أعوام")
    and offsets from an event ("بعد يومين من الأمطار") are left unresolved.
    """
    after = m.group("dir") in _words("after")
    now = m.group("what") in _words("now")
    if m.group("tail") and not now and (m.group("tail").split()[0] in _words("of") or after):
        return  # counted from an event named after it ("بعد يومين على هجوم"), not from today
    if m.group("more") or not (m.group("dir") or now):
        return
    prev = _LETTER_RUN.findall(key[max(0, m.start() - 24):m.start()])[-1:]
    kinds = {tabs["units"][p.group("u")][0] for p in _grammar()["pats"]["offset_part"].finditer(m.group("parts"))  # type: ignore[index]
             if p.group("u") in tabs["units"]}
    if prev and tabs["units"].get(prev[0], ("",))[0] in kinds:
        return  # "عاما بعد عام", "يوما بعد يوم": year after year, no date
    if after and not now and _narrated(key, m.start(), prev[0] if prev else ""):
        return  # "تبخرت بعد أسبوعين": two weeks after what the past clause tells, not two weeks from today
    if _DIGIT_NEXT.match(key[m.end("parts"):]):
        return  # "منذ يوم 6-10": the day is named next, this is no offset
    cues = _cues()
    days = months = 0
    finest = 3
    for part in _grammar()["pats"]["offset_part"].finditer(m.group("parts")):  # type: ignore[index]
        unit_word = part.group("u")
        unit = tabs["units"].get(unit_word)
        if unit is None:
            continue
        raw = (part.group("n") or "").strip()
        if raw in cues.get("vague_count", ()):
            return
        if raw:
            n = int(raw) if raw.isdigit() else (_words_value(raw) or _number_word(raw))
            if not n:
                return
        elif unit[2] == "many":
            return  # "منذ سنوات", "منذ عقود": no count, no date
        else:
            n = unit[1]
        finest = min(finest, _UNIT_RANK[unit[0]])
        if unit[0] in ("day", "hour", "minute"):
            days += n if unit[0] == "day" else 0
        elif unit[0] == "week":
            days += 7 * n
        elif unit[0] == "month":
            months += n
        elif unit[0] == "year":
            months += 12 * n
        elif unit[0] == "decade":
            months += 120 * n
    if not days and not months:
        return
    sign = 1 if after else -1
    try:
        d = _shift_months(ref, sign * months) + dt.timedelta(days=sign * days)
    except (ValueError, OverflowError):
        return  # "قبل 2500 عام": before year 1 (or after 9999), no calendar day to give
    # "من الآن" counts exactly from now: days and weeks give a day ("بعد أسبوعين من الآن"); otherwise, and for
    # months and years even from now ("بعد 35 عاما من الآن"), the unit is the precision
    if finest == 0 or (now and finest == 1):
        value, gran = d.isoformat(), "day"
    elif finest == 1:
        value, gran = _week(d), "week"
    elif finest == 2:
        value, gran = f"{d.year:04d}-{d.month:02d}", "month"
    else:
        value, gran = str(d.year), "year"
    since = m.group("dir") in _words("since")
    end = m.end() if now else m.end("parts")
    add(m.start(), end, value, gran, True, from_duration=since, anchor="since" if since else "point")


def _narrated(key: str, pos: int, prev: str) -> bool:
    """Whether the clause before ``pos`` tells the past: its nearest tense cue is a past one, or the word just
    before is a perfect verb in the feminine (تبخرت، عادت، انتهت), the commonest form in news narrative."""
    if _clause_tense(key, pos) == "past":
        return True
    return (4 <= len(prev) <= 7 and prev.endswith("ت") and not prev.startswith("ال") and not _future_verb(prev)
            and prev not in _cues().get("not_verb", frozenset()))


def _conversational(key: str, ref: dt.date, pats: dict, tabs: dict, add) -> None:
    """Dates said the way people speak them, resolved against ``ref`` (before the plain weekday rule)."""
    hijri_page = bool(_HIJRI_YEAR.search(key))  # a page that writes Hijri years may write "7/11" in Hijri too
    # the pattern without a direction word tries every position: only run it for "... من الآن"
    from_now = any(w in key for w in _words("from_now"))
    for m in pats["offset" if from_now else "offset_dir"].finditer(key):
        _offset(key, ref, m, tabs, add)
    week_start = ref - dt.timedelta(days=ref.isoweekday() - 1)
    for m in pats["week_wd"].finditer(key):
        wd = tabs["wd"][m.group("wd") or m.group("wd2")]
        dir2 = tabs["dirs"].get(m.group("dir2") or "", "")
        if m.group("next") or dir2 == "next":
            base = week_start + dt.timedelta(days=7)
        elif m.group("prev") or dir2 == "past":
            base = week_start - dt.timedelta(days=7)
        else:
            base = week_start
        add(m.start(), m.end(), (base + dt.timedelta(days=wd - 1)).isoformat(), "day", True)
    for m in pats["nth_wd_month"].finditer(key):
        wd = tabs["wd"][m.group("wd")]
        if m.group("m1"):
            mon = tabs["greg"][m.group("m1")]
            year = _month_back(ref, mon)
        else:
            mon, year = ref.month, ref.year
        d = _nth_weekday(year, mon, wd, _nth()[m.group("n")][0])
        if d:
            add(m.start(), m.end(), d.isoformat(), "day", True)
    for m in pats["wd_nth"].finditer(key):
        d = _nth_weekday(ref.year, ref.month, tabs["wd"][m.group("wd")], _nth()[m.group("ord")][0])
        if d:
            add(m.start(), m.end(), d.isoformat(), "day", True)
    for m in pats["day_of_month"].finditer(key):
        direction = tabs["dirs"].get(m.group("rel").split()[-1], "current")
        base = _shift_months(ref.replace(day=1), {"past": -1, "next": 1}.get(direction, 0))
        d = _valid(base.year, base.month, int(m.group("d")))
        if d:
            add(m.start(), m.end(), d.isoformat(), "day", True)
    for m in pats["day_only"].finditer(key):
        raw = m.group("d")
        if raw in tabs["wd"] or "ال" + raw in tabs["wd"]:
            continue  # "يوم الاثنين": the weekday, not the number اثنين
        day = int(raw) if raw.isdigit() else tabs["ord"].get(raw) or tabs["ord"].get("ال" + raw.removeprefix("ل"))
        if day is None:
            day = _words_value(raw)
        if not day or not 1 <= day <= 31:
            continue
        rel = _SPACES.sub(" ", m.group("rel") or "")
        direction = tabs["dirs"].get(rel.split()[-1], "current") if rel.split()[:1] and rel.split()[0] in _words("the_month") else ("current" if rel else "")
        if direction == "next":
            base = _shift_months(ref.replace(day=1), 1)
        elif direction == "past":
            base = _shift_months(ref.replace(day=1), -1)
        else:
            # a day without a month is read in the month of publication ("في 27" written on the 7th)
            base = ref.replace(day=1)
        d = _valid(base.year, base.month, day)
        if d:
            add(m.start("d"), m.end(), d.isoformat(), "day", True)
    for m in pats["numeric_short"].finditer(key):
        a, b, sep = int(m.group("a")), int(m.group("b")), m.group("sep")
        if m.group("c"):
            c = int(m.group("c"))
            y, mo, d_ = (2000 + a, b, c) if sep == "/" else (2000 + c, b, a)
        else:
            if sep == "." and not _SENTENCE_END_NEXT.match(key[m.end():]):
                continue  # "4.22 في المئة" is a decimal, not a date
            if not m.group("y") and _score_like(key, m):
                continue  # "فاز 3/1", "(2/2)", "المادة 3/14", "2/3 من": a score or a ratio
            mo, d_ = (b, a) if a > 12 else (a, b) if b > 12 or sep == "." or m.group("y") else (b, a)
            if m.group("y"):
                y = int(m.group("y")) + (2000 if len(m.group("y")) == 2 else 0)
            else:
                y = _month_back(ref, mo)
                hijri = _hijri_short(ref, d_, mo) if hijri_page else None
                greg = _valid(y, mo, d_)
                if hijri and (greg is None or abs((greg - ref).days) > 90):
                    # Saudi pages write "يوم السبت 7/11" in the Hijri calendar: take the reading near the page's day
                    add(m.start(), m.end(), hijri.isoformat(), "day", True)
                    continue
        d = _valid(y, mo, d_)
        if d:
            add(m.start(), m.end(), d.isoformat(), "day", not m.group("c") and not m.group("y"))


def _hijri_short(ref: dt.date, day: int, month: int) -> dt.date | None:
    """A day/month read in the Hijri calendar: the occurrence within 90 days of ``ref``, if any."""
    from hijridate import Gregorian

    hy = Gregorian(ref.year, ref.month, ref.day).to_hijri().year
    near = [d for y in (hy - 1, hy, hy + 1) if (d := _hijri_to_greg(y, month, day)) and abs((d - ref).days) <= 90]
    return min(near, key=lambda d: abs((d - ref).days)) if near else None


def _score_like(key: str, m: regex.Match) -> bool:
    """Whether a short d/m form reads as a score, a ratio or an article number rather than a date."""
    if int(m.group("a")) <= 9 and int(m.group("b")) <= 9 and not _date_cue_before(key, m.start()):
        return True
    before = key[max(0, m.start() - 3):m.start()]
    if "(" in before or '"' in before or _grammar()["pats"]["from_or_paren_next"].match(key[m.end():]):  # type: ignore[index]
        return True
    words = _LETTER_RUN.findall(key[max(0, m.start() - 60):m.start()])[-6:]
    stops = _cues().get("score_context", frozenset())
    return any(w in stops or w[1:] in stops for w in words)


def _date_cue_before(key: str, pos: int) -> bool:
    words = _LETTER_RUN.findall(key[max(0, pos - 20):pos])
    return bool(words) and words[-1] in _cues().get("date_cue", frozenset())


def find_durations(text: str | Doc) -> list[Duration]:
    """Durations written with digits: ``44 يوما``, ``24 ساعة``."""
    doc = Doc.of(text)
    text = doc.text
    key, offs = doc.keyed
    out = []
    pats = _grammar()["pats"]
    for m in pats["duration"].finditer(key):  # type: ignore[index]
        after = key[m.end(): m.end() + 12]
        if pats["from_or_in_next"].match(after) and m.group("unit") in _words("date_word_units"):  # type: ignore[index]
            continue  # "21 يوم من" is rather a date-ish phrase
        ds, de = offs[m.start()], offs[m.end() - 1] + 1
        n = float(m.group("n").replace(",", "."))
        out.append(Duration(text[ds:de], n, _grammar()["tables"]["units"][m.group("unit")][0], ds, de))
    return out


def parse_date_line(text: str) -> str | None:
    """The first absolute day-level date in a short line (a page's date line)."""
    for d in find_dates(text):
        if d.granularity == "day" and not d.relative:
            return d.value
    return None


def weekday_mentions(text: str | Doc) -> list[tuple[str, int]]:
    """(relative word or '', ISO weekday) for each weekday name in ``text`` (for date inference)."""
    g = _grammar()
    # the key of the analysed text when its `Doc` is at hand (the pipeline asks right after the
    # analysis); its leading and trailing spaces, which `normalize` strips, change no match here.
    # Otherwise (the main process, other callers) the plain key, cheaper than one with offsets.
    doc = text if isinstance(text, Doc) else Doc.recent(text)
    key = doc.key if doc is not None else normalize(text)
    out = []
    for m in g["pats"]["relative"].finditer(key):  # type: ignore[index]
        if m.group("wd"):
            out.append((_SPACES.sub(" ", m.group("rel")), g["tables"]["wd"][m.group("wd")]))  # type: ignore[index]
    for m in g["pats"]["weekday"].finditer(key):  # type: ignore[index]
        if not m.group("past") and not m.group("next"):
            out.append(("", g["tables"]["wd"][m.group("wd")]))  # type: ignore[index]
    return out
