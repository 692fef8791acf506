"""Dates in Arabic news text, resolved to the calendar.

Understands
* day, month and year in Egyptian/Gulf (سبتمبر), Levantine/Iraqi (أيلول) and Maghrebi
  (جوان) month names, alone or paired (``27 سبتمبر/أيلول 2020``), with digit or
  ordinal days (``العاشر من نوفمبر/تشرين الثاني 2020``), coordinated or ranged days
  (``يومي 10 و11 أبريل``, ``من 6 إلى 15 أغسطس``: the first day, the last as ``end_value``);
* numeric dates (21/09/2023, 2023-09-21, Hijri ``20/10/1436هـ``) and English date lines;
* Hijri dates (``15 رمضان 1444 هـ``), converted to Gregorian with hijridate;
* years: with or without ``عام/العام/سنة`` and ``م/هـ`` (``2002م``, ``في 2004``, ``(1949)``,
  ``العام 1887``), ranges (``بين 1988 و1994``, ``1854 - 1900``), seasons (``صيف 2015``) and
  decades (``التسعينيات`` -> ``199X``);
* relative expressions resolved against a reference date (publication): اليوم, أمس, أول أمس,
  غدا, weekday names (the last such day, or the next one when the clause looks ahead: a
  future verb, "المقرر", "توقعت"), الأسبوع/الشهر/العام الماضي/المقبل/الحالي (a week, a
  month, a year: never a day), هذا العام, a month without a year (the most recent one);
* offsets: ``قبل 95 عاما``, ``قبل خمسة وتسعين عاما``, ``بعد يومين`` counted from the reference
  day at the granularity of their unit (a year, a month, a week or a day);
* durations (``44 يوما``, ``24 ساعة``).

What is *not* resolved: vague spans (``منذ سنوات``, ``منذ عقود``, ``قبل أيام``, ``منذ أكثر من
ثلاثة أعوام``), offsets counted from an event rather than from today (``بعد يومين من
الأمطار``), scores and ratios (``2-1``, ``3/1``).  ``منذ 3 أيام`` is resolved but flagged
``from_duration`` (a span that lasts until now, not the date of an event); ``منذ``/``حتى`` set
``anchor`` to ``since``/``until``.

Every result keeps its granularity and the exact text it came from.  Word lists are data
files: months.tsv, weekdays.tsv, ordinals.tsv, english_months.tsv, date_offsets.tsv,
duration_units.tsv, date_directions.tsv, date_cues.tsv, seasons.tsv, decades.tsv, and the grammar
words of the patterns (من، يوم، عام، هذا الشهر …) date_grammar.tsv.

Every function takes displayed text or the article's `Doc` (`analyze/doc.py`), whose key and
offsets are computed once for all the analysers.
"""

from __future__ import annotations

import calendar
import datetime as dt
import keyword
from functools import cache
from types import SimpleNamespace

import regex

from marsad.analyze.doc import Doc
from marsad.arabic.lexicons import mapping, table, word_set, word_slots
from marsad.arabic.normalize import normalize
from marsad.model import DateMention, Duration

# patterns used in the functions below, compiled once
_LETTER_RUN = regex.compile(r"[\p{L}]+")
_SPACES = regex.compile(r"\s+")
_WEEKDAY_TO_DATE = regex.compile(r"[\s,،]*(?:الموافق)?[\s,،]*")
_DEFINITE = regex.compile(r"[وفبلك]?ال|لل")
_DIGIT_NEXT = regex.compile(r"\s*\d")
_SENTENCE_END_NEXT = regex.compile(r"\s*(?:[.!?؟]|$)")
_FROM_OR_PAREN_NEXT = regex.compile(r"\s*(?:من|\))")
_FROM_OR_IN_NEXT = regex.compile(r"\s*(?:من|في)\s")


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
    month = rf"(?P<m1>{greg_alt})(?:\s*[/\-(]\s*(?P<m2>{greg_alt})\s*\)?)?"
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
        "year_paren": regex.compile(rf"\(\s*(?P<y>{yr})\s*\)"),
        "year_bare": regex.compile(rf"{lb}(?P<cue>[\p{{L}}]+)\s+(?P<y>{yr})(?![\d/\-]|[.,]\d)(?P<after>\s*[\p{{L}}]*)"),
        "season": regex.compile(
            rf"{lb}[وبلف]?(?:(?:ال)?(?:{w.season_word})\s+)?(?P<s>{alt(seasons)})\s+(?:(?:{w.year_words_season})\s+)?(?:(?P<y>{yr})|(?P<this>{w.this_year}|{w.the_year}\s+(?:{cur_alt})|{w.this_year_f})|(?P<cur>{cur_alt})|(?P<last>(?:{w.the_year}\s+)?(?:{past_alt}))|(?P<nxt>(?:{w.the_year}\s+)?(?:{next_alt}))){rb}"
        ),
        "hijri_month": regex.compile(
            rf"{lb}(?:(?:(?P<d>\d{{1,2}})|(?P<dord>{ord_alt}))\s+(?:{w.of}\s+)?|(?P<prep>{w.month_preps})\s+)?(?:(?:[وبلف]?{w.month_word}|{w.months_word})\s+(?P<m1>{hijri_alt}){rb}(?:\s+{w.and_}\s*(?:{hijri_alt}))?(?:\s+(?P<dir>{past_alt}|{next_alt}|{cur_alt}){rb})?"
            rf"|(?P<m2>{hijri_alt})\s+(?P<dir2>{past_alt}|{next_alt}|{cur_alt}){rb})"
        ),
        "part_of_year": regex.compile(rf"{lb}(?:{w.year_parts})\s+[\p{{L}}]+\s+{w.of}\s+(?P<y>{w.the_year}){rb}(?!\s+(?:{past_alt}|{next_alt}|{cur_alt}|\d))"),
        "decade": regex.compile(
            rf"{lb}[وبلف]?(?:(?:{w.decade_words})\s+)?(?P<dec>{alt(decades)}){rb}(?P<hij>\s+(?:{w.hijri_adjectives}))?"
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
            rf"{lb}(?P<n>{w.nth})\s+(?:{w.day}\s+)?(?P<wd>{bare_wd_alt}|{wd_alt})\s+(?:{w.of_or_in})\s+(?:{w.month_word}\s+)?(?:(?P<m1>{greg_alt})|(?P<this>{w.this_month})){rb}"
        ),
        "wd_nth": regex.compile(
            rf"{lb}(?:{w.day}\s+)?(?P<wd>{wd_alt})\s+(?P<ord>{w.nth_def}){rb}(?!\s*(?:{w.not_after_nth}))"
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
            rf"{lb}(?P<m1>{greg_alt})\s*[-,،]?\s*(?P<d>\d{{1,2}}(?!\d)|{ord_alt})(?P<rest>\s*[,،]?\s*(?:{w.of}\s+)?(?:(?P<y>[12]\d\d\d)|[\p{{L}}][\p{{L}}\s]*))?"
        ),
        "weekday": regex.compile(
            rf"{lb}(?:[وبل]?(?:{w.day_parts})\s+)?[وبلف]?(?P<wd>{wd_alt}){rb}(?P<past>\s+(?:{past_alt}){rb})?(?P<next>\s+(?:{next_alt}){rb})?"
        ),
        "period": regex.compile(
            rf"{lb}(?:(?P<unit>{w.period_units})\s+(?P<dir>{past_alt}|{next_alt}|{cur_alt})|(?:ل|ف|و)?(?P<this>{w.this_forms})\s+(?P<unit2>{w.period_units_this})){rb}"
        ),
        "duration": regex.compile(
            rf"{lb}(?P<n>\d+(?:[.,]\d+)?)\s*(?P<unit>{single_unit_alt}){rb}"
        ),
    }
    weekdays.update({k[2:]: v for k, v in weekdays.items() if k.startswith("ال")})
    tables = {"greg": greg, "hijri": hijri, "eng": eng, "ord": ordinals, "wd": weekdays, "offsets": offsets,
              "units": units, "dirs": directions, "seasons": seasons, "decades": decades}
    words = {name: tuple(tables[name]) for name in ("seasons", "decades", "hijri")}
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
    default = _anchor(key, pos) == "until"
    cues = _cues()
    start = max(key.rfind(".", 0, pos), key.rfind("!", 0, pos), key.rfind("?", 0, pos), key.rfind("\n", 0, pos)) + 1
    words = _LETTER_RUN.findall(key[start:pos])[-30:]
    for w in reversed(words):
        bare = w[1:] if w[:1] in ("و", "ف") and len(w) > 3 else w
        if w in cues.get("future", ()) or bare in cues.get("future", ()) or _future_verb(bare):
            return True
        if w in cues.get("past", ()) or bare in cues.get("past", ()):
            return False
    return default


def _future_verb(word: str) -> bool:
    """سـ + an imperfect verb (سيغلق, ستبدأ, سنعمل), not a noun that happens to start that way."""
    return (len(word) >= 5 and word[0] == "س" and word[1] in "يتن"
            and word not in word_set("future_prefix_stops.txt"))


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
                year = _closest_year(ref, mon, day)
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
            if not m.group("wd") and _not_today(key, m, cues, rel_key in ("اليوم", "امس")):
                continue
            shift_days = -1 if rel_key.startswith("الليله") else tabs["offsets"].get(rel_key, 0)
            d = ref + dt.timedelta(days=shift_days)
            end = m.end("wd") if m.group("wd") else m.end("rel")
            if m.group("wd"):
                wd = tabs["wd"][m.group("wd")]
                # trust the weekday when it disagrees with the offset by a day or two
                if shift_days > 0:
                    d = _next_weekday(ref + dt.timedelta(days=shift_days - 1), wd)
                else:
                    d = _last_weekday(ref + dt.timedelta(days=shift_days), wd)
            add(m.start(), end, d.isoformat(), "day", True)
        _conversational(key, ref, pats, tabs, add)
        for m in pats["weekday"].finditer(key):
            wd = tabs["wd"][m.group("wd")]
            if any(m.end() <= a <= m.end() + 12 and _WEEKDAY_TO_DATE.fullmatch(key[m.end():a])
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
            if unit == "الشهر":
                first = _shift_months(ref.replace(day=1), step)
                add(m.start(), m.end(), f"{first.year:04d}-{first.month:02d}", "month", True)
            elif unit in ("العام", "السنه"):
                add(m.start(), m.end(), str(ref.year + step), "year", True)
            else:
                add(m.start(), m.end(), _week(ref + dt.timedelta(days=7 * step)), "week", True)
    out.sort(key=lambda x: x.start)
    return out


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
                    year = _closest_year(ref, mon, d1)
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
        for m in (pats["part_of_year"].finditer(key) if "من العام" in key else ()):
            add(m.start(), m.end(), str(ref.year), "year", True)
    for m in (pats["decade"].finditer(key) if present(key, "decades") else ()):
        if m.group("hij"):
            continue  # "السبعينيات الهجرية": a Hijri decade, not the 1970s
        add(m.start(), m.end("dec"), f"19{tabs['decades'][m.group('dec')]}X", "decade")


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
_NTH = {"اول": 1, "ثاني": 2, "ثالث": 3, "رابع": 4, "خامس": 5, "اخر": -1,
        "الاول": 1, "الثاني": 2, "الثالث": 3, "الرابع": 4, "الخامس": 5}
_UNIT_RANK = {"minute": 0, "hour": 0, "day": 0, "week": 1, "month": 2, "year": 3, "decade": 3}


def _month_first(key: str, ref: dt.date, pats: dict, tabs: dict, add) -> None:
    """"يناير الثاني والعشرين، 2018", "سبتمبر10, ألف وتسعمائة وواحد": the month before the day."""
    for m in pats["month_first"].finditer(key):
        mon = tabs["greg"][m.group("m1")]
        day = int(m.group("d")) if m.group("d").isdigit() else tabs["ord"].get(m.group("d"))
        if not day:
            continue
        year = int(m.group("y")) if m.group("y") else None
        end = m.end("d")
        if year is None and m.group("rest"):
            rest = m.group("rest").lstrip(" ,،")
            rest = rest[4:] if rest.startswith("من ") else rest
            value = _words_value(rest)
            if value and 1000 <= value <= 2999:
                year = value
                end = m.end()
        if year is None:
            year = _month_back(ref, mon)
            if mon == ref.month and day > ref.day:
                year -= 1
        d = _valid(year, mon, day)
        if d:
            add(m.start(), end if m.group("y") is None else m.end("y"), d.isoformat(), "day", m.group("y") is None)


def _offset(key: str, ref: dt.date, m: regex.Match, tabs: dict, add) -> None:
    """"قبل 95 عاما", "بعد يومين", "منذ 1 شهر و 21 أيام من الآن", counted from ``ref``.

    Vague counts ("منذ سنوات", "قبل أيام", "بضعة أشهر", "منذ عقود", "أكثر من ثلاثة أعوام")
    and offsets from an event ("بعد يومين من الأمطار") are left unresolved.
    """
    now = m.group("what") in ("الان",)
    if m.group("tail") and not now and (m.group("tail").split()[0] == "من" or m.group("dir") == "بعد"):
        return  # counted from an event named after it ("بعد يومين على هجوم"), not from today
    if m.group("more") or not (m.group("dir") or now):
        return
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
    sign = 1 if m.group("dir") == "بعد" else -1
    d = _shift_months(ref, sign * months) + dt.timedelta(days=sign * days)
    # "من الآن" counts exactly from now (a day); otherwise the unit is the precision
    if finest == 0 or now:
        value, gran = d.isoformat(), "day"
    elif finest == 1:
        value, gran = _week(d), "week"
    elif finest == 2:
        value, gran = f"{d.year:04d}-{d.month:02d}", "month"
    else:
        value, gran = str(d.year), "year"
    since = m.group("dir") == "منذ"
    end = m.end() if now else m.end("parts")
    add(m.start(), end, value, gran, True, from_duration=since, anchor="since" if since else "point")


def _conversational(key: str, ref: dt.date, pats: dict, tabs: dict, add) -> None:
    """Dates said the way people speak them, resolved against ``ref`` (before the plain weekday rule)."""
    hijri_page = bool(_HIJRI_YEAR.search(key))  # a page that writes Hijri years may write "7/11" in Hijri too
    # the pattern without a direction word tries every position: only run it for "... من الآن"
    for m in pats["offset" if "من الان" in key else "offset_dir"].finditer(key):
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
        d = _nth_weekday(year, mon, wd, _NTH[m.group("n")])
        if d:
            add(m.start(), m.end(), d.isoformat(), "day", True)
    for m in pats["wd_nth"].finditer(key):
        d = _nth_weekday(ref.year, ref.month, tabs["wd"][m.group("wd")], _NTH[m.group("ord")])
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
        day = int(raw) if raw.isdigit() else tabs["ord"].get(raw) or tabs["ord"].get("ال" + raw.removeprefix("ل"))
        if day is None:
            day = _words_value(raw)
        if not day or not 1 <= day <= 31:
            continue
        rel = _SPACES.sub(" ", m.group("rel") or "")
        direction = tabs["dirs"].get(rel.split()[-1], "current") if rel.startswith("الشهر") else ("current" if rel else "")
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
    if "(" in before or '"' in before or _FROM_OR_PAREN_NEXT.match(key[m.end():]):
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
    for m in _grammar()["pats"]["duration"].finditer(key):  # type: ignore[index]
        after = key[m.end(): m.end() + 12]
        if _FROM_OR_IN_NEXT.match(after) and m.group("unit") in ("يوم", "شهر", "عام", "سنه"):
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
