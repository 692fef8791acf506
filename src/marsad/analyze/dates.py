"""Dates in Arabic news text, resolved to the calendar.

Understands
* day, month and year in Egyptian/Gulf (سبتمبر), Levantine/Iraqi (أيلول) and Maghrebi
  (جوان) month names, alone or paired (``27 سبتمبر/أيلول 2020``), with digit or
  ordinal days (``العاشر من نوفمبر/تشرين الثاني 2020``);
* numeric dates (21/09/2023, 2023-09-21) and English date lines (``21st, September 2023``);
* Hijri dates (``15 رمضان 1444 هـ``), converted to Gregorian with hijridate;
* years and ranges (``عام 2020``, ``بين 1988 و1994``);
* relative expressions resolved against a reference date (publication): اليوم,
  أمس, أول أمس, غدا, غداة, weekday names (the most recent such day not after the
  reference), الشهر/العام الماضي, a month without a year (the most recent one);
* durations (``44 يوما``, ``24 ساعة``).

Every result keeps its granularity and the exact text it came from.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import regex

from marsad.arabic.lexicons import mapping, table
from marsad.arabic.normalize import normalize, normalize_with_offsets
from marsad.model import DateMention, Duration


@cache
def _grammar() -> dict[str, regex.Pattern]:
    greg = {}
    hijri = {}
    for name, month, cal in table("months.tsv"):
        (hijri if cal == "hijri" else greg)[name] = int(month)
    eng = {k: int(v) for k, v in mapping("english_months.tsv").items()}
    ordinals = {k: int(v) for k, v in mapping("ordinals.tsv").items()}
    weekdays = {k: int(v) for k, v in mapping("weekdays.tsv").items()}

    def alt(words):
        return "|".join(sorted((regex.escape(w) for w in words), key=len, reverse=True))

    # month names may carry a proclitic (في/ب/ل) and are bounded by non-letters
    greg_alt, hijri_alt, eng_alt = alt(greg), alt(hijri), alt(eng)
    ord_alt, wd_alt = alt(ordinals), alt(weekdays)
    bare_wd_alt = alt({k[2:] for k in weekdays if k.startswith("ال")})
    offsets = {k: int(v) for k, v in mapping("date_offsets.tsv").items()}
    units = {row[0]: (row[1], int(row[2])) for row in table("duration_units.tsv")}
    unit_alt = alt(units)
    single_unit_alt = alt(w for w, (_, count) in units.items() if count == 1)
    lb = r"(?<![\p{L}])"
    rb = r"(?![\p{L}])"
    month = rf"(?P<m1>{greg_alt})(?:\s*[/\-(]\s*(?P<m2>{greg_alt})\s*\)?)?"
    day = rf"(?:(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*[.\-/]?|(?P<dord>{ord_alt}))"
    year = r"(?P<y>(?:1\d|20)\d\d)"
    pats = {
        "greg_full": regex.compile(
            rf"{lb}(?:{day}[\s,.]*(?:من\s+(?:شهر\s+)?|شهر\s+)?)?[وبلف]?{month}{rb}(?:[\s,،]*(?:(?:من\s+)?(?:عام|العام|سنه|السنه)\s+)?{year}(?:\s*م{rb})?)?(?P<past>\s+(?:الماضي|المنصرم|الفائت))?(?P<next>\s+(?:المقبل|القادم))?"
        ),
        "eng": regex.compile(
            rf"(?i){lb}(?:(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[\s,]+(?:of\s+)?(?P<m1>{eng_alt})|(?P<m1b>{eng_alt})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)[\s,]+{year}"
        ),
        "hijri": regex.compile(
            rf"{lb}(?:(?:(?P<d>\d{{1,2}})|(?P<dord>{ord_alt}))\s*(?:من\s+)?(?:شهر\s+)?)?(?P<m1>{hijri_alt}){rb}\s*(?:(?:من\s+)?(?:عام|سنه)\s+)?(?P<y>1[34]\d\d)\s*(?:ه|هـ|هجري|هجريه|للهجره)?{rb}"
        ),
        "numeric": regex.compile(
            r"(?<![\d/.\-])(?:(?P<y>(?:19|20)\d\d)[/\-.](?P<mo>\d{1,2})[/\-.](?P<d>\d{1,2})|(?P<d2>\d{1,2})[/\-.](?P<mo2>\d{1,2})[/\-.](?P<y2>(?:19|20)\d\d))(?![\d/.\-])"
        ),
        "range": regex.compile(
            rf"{lb}(?:بين|من)\s+(?:(?:عامي|العامين|عام|العام)\s+)?(?P<y1>(?:19|20)\d\d)\s+(?:و\s*|الي\s+|حتي\s+)(?:عام\s+)?(?P<y2>(?:19|20)\d\d){rb}"
        ),
        "year": regex.compile(
            rf"{lb}(?:[وبلف]?(?:عام|العام|سنه|السنه|عامي)\s+)(?P<y>(?:19|20)\d\d){rb}(?:\s*م{rb})?"
        ),
        "year_range": regex.compile(r"(?<![\d\-])(?P<y1>(?:19|20)\d\d)\s*-\s*(?P<y2>(?:19|20)\d\d)(?![\d\-])"),
        "relative": regex.compile(
            rf"{lb}(?P<rel>{alt(offsets)}|غداه|الليله\s+الماضيه)(?:\s*[,،]?\s*(?P<wd>{wd_alt}))?{rb}"
        ),
        "offset": regex.compile(
            rf"{lb}(?:(?P<dir>قبل|بعد|منذ)\s+)?(?P<parts>(?:(?:\d+|بضعه|بضع|عده)\s*)?(?:{unit_alt})(?:\s*(?:و|,|،)\s*(?:(?:\d+|بضعه|بضع)\s*)?(?:{unit_alt}))*){rb}(?P<now>\s+من\s+الان)?"
        ),
        "week_wd": regex.compile(
            rf"{lb}(?:(?P<this>هذا\s+(?:الاسبوع\s+)?(?:يوم\s+)?)|(?P<next>الاسبوع\s+(?:القادم|المقبل)\s+(?:يوم\s+)?)|(?P<prev>الاسبوع\s+الماضي\s+(?:يوم\s+)?))(?P<wd>{wd_alt}){rb}"
            rf"|{lb}(?:يوم\s+)?(?P<wd2>{wd_alt})\s+من\s+(?:ال)?اسبوع\s+(?P<dir2>القادم|المقبل|الماضي){rb}"
        ),
        "nth_wd_month": regex.compile(
            rf"{lb}(?P<n>اول|ثاني|ثالث|رابع|خامس|اخر)\s+(?:يوم\s+)?(?P<wd>{bare_wd_alt}|{wd_alt})\s+(?:من|في)\s+(?:شهر\s+)?(?:(?P<m1>{greg_alt})|(?P<this>هذا\s+الشهر)){rb}"
        ),
        "wd_nth": regex.compile(
            rf"{lb}(?:يوم\s+)?(?P<wd>{wd_alt})\s+(?P<ord>الاول|الثاني|الثالث|الرابع|الخامس){rb}(?!\s*(?:عشر|و|من))"
        ),
        "day_only": regex.compile(
            rf"(?:{lb}(?:في|الي|يوم|حتي)\s+|{lb}ل(?=ل)|{lb}(?:يوم\s+)?(?P<wd>{wd_alt})\s+(?:في\s+)?)(?P<d>\d{{1,2}}|{ord_alt}|(?:[\p{{L}}]+(?:\s+و?[\p{{L}}]+)?))(?:\s+من\s+(?P<rel>هذا\s+الشهر|الشهر\s+(?:القادم|المقبل|الماضي)))?\s*(?=[.!?؟]|$)"
        ),
        "numeric_short": regex.compile(
            r"(?<![\d/.\-])(?P<a>\d{1,2})\s*(?P<sep>[/\-.])\s*(?P<b>\d{1,2})(?:(?P=sep)(?P<c>\d{2}))?(?:\s*,\s*(?P<y>\d{4}|\d{2}))?(?![\d/\-]|\.\d)"
        ),
        "month_first": regex.compile(
            rf"{lb}(?P<m1>{greg_alt})\s*[-,،]?\s*(?P<d>\d{{1,2}}(?!\d)|{ord_alt})(?P<rest>\s*[,،]?\s*(?:من\s+)?(?:(?P<y>[12]\d\d\d)|[\p{{L}}][\p{{L}}\s]*))?"
        ),
        "weekday": regex.compile(rf"{lb}(?:[وبل]?(?:يوم|ليل|ليله|مساء|صباح)\s+)?[وبلف]?(?P<wd>{wd_alt}){rb}(?P<past>\s+(?:الماضي|المنصرم|الفائت))?(?P<next>\s+(?:المقبل|القادم))?"),
        "period": regex.compile(rf"{lb}(?P<unit>الشهر|العام|السنه|الاسبوع)\s+(?P<dir>الماضي|الماضيه|المنصرم|الفائت|المقبل|القادم|الحالي|الجاري){rb}"),
        "duration": regex.compile(
            rf"{lb}(?P<n>\d+(?:[.,]\d+)?)\s*(?P<unit>{single_unit_alt}){rb}"
        ),
    }
    weekdays.update({k[2:]: v for k, v in weekdays.items() if k.startswith("ال")})
    tables = {"greg": greg, "hijri": hijri, "eng": eng, "ord": ordinals, "wd": weekdays, "offsets": offsets, "units": units}
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


def _month_back(ref: dt.date, month: int) -> int:
    """The year of the most recent `month` not after `ref`."""
    return ref.year if month <= ref.month else ref.year - 1


def find_dates(text: str, ref: dt.date | None = None) -> list[DateMention]:
    """All dates in displayed ``text``; relative ones only when ``ref`` is given."""
    g = _grammar()
    pats, tabs = g["pats"], g["tables"]  # type: ignore[index]
    key, offs = normalize_with_offsets(text)
    taken: list[tuple[int, int]] = []
    out: list[DateMention] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    def add(s: int, e: int, value: str, gran: str, relative: bool = False, end_value: str | None = None):
        if not free(s, e):
            return
        taken.append((s, e))
        ds, de = offs[s], offs[e - 1] + 1 if e > 0 else offs[e]
        out.append(DateMention(text[ds:de], value, gran, ds, de, relative, end_value))  # type: ignore[arg-type]

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
        d = _valid(y, mo, d_)
        if d:
            add(m.start(), m.end(), d.isoformat(), "day")
    for m in pats["hijri"].finditer(key):
        from hijridate import Hijri

        mon = tabs["hijri"][m.group("m1")]
        y = int(m.group("y"))
        hday = int(m.group("d")) if m.group("d") else tabs["ord"].get(m.group("dord") or "")
        try:
            if hday:
                g_ = Hijri(y, mon, hday).to_gregorian()
                add(m.start(), m.end(), dt.date(g_.year, g_.month, g_.day).isoformat(), "day")
            else:
                g_ = Hijri(y, mon, 1).to_gregorian()
                add(m.start(), m.end(), f"{g_.year:04d}-{g_.month:02d}", "month")
        except (ValueError, OverflowError):
            pass
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
        if year is None and day is None and not (m.group("past") or m.group("next")) and not m.group("m2"):
            # a bare month name: "في مايو" is a date, but "آب" / "ماي" alone are too ambiguous
            if len(name) < 4 or not ref:
                continue
        if year is None:
            if not ref:
                continue
            if m.group("next"):
                year = ref.year if mon > ref.month else ref.year + 1
            else:
                year = _month_back(ref, mon)
                if m.group("past") and mon == ref.month and (day is None or day >= ref.day):
                    year -= 1
            relative = True
        else:
            relative = False
        if day is not None:
            d = _valid(year, mon, day)
            if d:
                add(m.start(), m.end(), d.isoformat(), "day", relative)
        else:
            add(m.start(), m.end(), f"{year:04d}-{mon:02d}", "month", relative)
    for m in pats["year"].finditer(key):
        add(m.start(), m.end(), m.group("y"), "year")
    if ref:
        for m in pats["relative"].finditer(key):
            rel_key = regex.sub(r"\s+", " ", m.group("rel"))
            shift_days = -1 if rel_key.startswith("الليله") else tabs["offsets"].get(rel_key, 0)
            d = ref + dt.timedelta(days=shift_days)
            if m.group("wd") and shift_days in (0, -1):
                wd = tabs["wd"][m.group("wd")]
                # trust the weekday when it disagrees with the offset by a day or two
                d = _last_weekday(ref + dt.timedelta(days=shift_days), wd)
            add(m.start(), m.end(), d.isoformat(), "day", True)
        _conversational(key, ref, pats, tabs, add)
        for m in pats["weekday"].finditer(key):
            wd = tabs["wd"][m.group("wd")]
            if m.group("next"):
                d = ref + dt.timedelta(days=((wd - ref.isoweekday()) % 7) or 7)
            else:
                d = _last_weekday(ref, wd, strictly_before=bool(m.group("past")))
            add(m.start(), m.end(), d.isoformat(), "day", True)
        for m in pats["period"].finditer(key):
            unit, direction = m.group("unit"), m.group("dir")
            step = -1 if direction in ("الماضي", "الماضيه", "المنصرم", "الفائت") else (
                1 if direction in ("المقبل", "القادم") else 0)
            if unit == "الشهر":
                y, mo = ref.year, ref.month + step
                if mo == 0:
                    y, mo = y - 1, 12
                elif mo == 13:
                    y, mo = y + 1, 1
                add(m.start(), m.end(), f"{y:04d}-{mo:02d}", "month", True)
            elif unit in ("العام", "السنه"):
                add(m.start(), m.end(), str(ref.year + step), "year", True)
            else:
                d = ref + dt.timedelta(days=7 * step)
                add(m.start(), m.end(), d.isoformat(), "day", True)
    out.sort(key=lambda x: x.start)
    return out


def _shift_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    import calendar

    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _nth_weekday(year: int, month: int, wd: int, n: int) -> dt.date | None:
    """The n-th (1-based; -1 = last) given ISO weekday of a month."""
    import calendar

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


_NTH = {"اول": 1, "ثاني": 2, "ثالث": 3, "رابع": 4, "خامس": 5, "اخر": -1,
        "الاول": 1, "الثاني": 2, "الثالث": 3, "الرابع": 4, "الخامس": 5}


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


def _conversational(key: str, ref: dt.date, pats: dict, tabs: dict, add) -> None:
    """Dates said the way people speak them, resolved against ``ref`` (before the plain weekday rule)."""
    for m in pats["offset"].finditer(key):
        if not (m.group("dir") or m.group("now")):
            continue
        days = months = 0
        for part in regex.finditer(r"(?:(\d+|بضعه|بضع|عده)\s*)?([\p{L}]+)", m.group("parts")):
            unit = tabs["units"].get(part.group(2))
            if unit is None:
                continue
            count = part.group(1)
            n = int(count) if count and count.isdigit() else (3 if count else unit[1])
            if unit[0] == "day":
                days += n
            elif unit[0] == "week":
                days += 7 * n
            elif unit[0] == "month":
                months += n
            elif unit[0] == "year":
                months += 12 * n
            elif unit[0] == "decade":
                months += 120 * n
        if not days and not months:
            continue
        sign = 1 if m.group("dir") == "بعد" else -1
        d = _shift_months(ref, sign * months) + dt.timedelta(days=sign * days)
        add(m.start(), m.end(), d.isoformat(), "day", True)
    week_start = ref - dt.timedelta(days=ref.isoweekday() - 1)
    for m in pats["week_wd"].finditer(key):
        wd = tabs["wd"][m.group("wd") or m.group("wd2")]
        if m.group("next") or m.group("dir2") in ("القادم", "المقبل"):
            base = week_start + dt.timedelta(days=7)
        elif m.group("prev") or m.group("dir2") == "الماضي":
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
    for m in pats["day_only"].finditer(key):
        raw = m.group("d")
        day = int(raw) if raw.isdigit() else tabs["ord"].get(raw) or tabs["ord"].get("ال" + raw.removeprefix("ل"))
        if day is None:
            day = _words_value(raw)
        if not day or not 1 <= day <= 31:
            continue
        rel = regex.sub(r"\s+", " ", m.group("rel") or "")
        if rel.startswith("الشهر") and rel.endswith(("القادم", "المقبل")):
            base = _shift_months(ref.replace(day=1), 1)
        elif rel.endswith("الماضي"):
            base = _shift_months(ref.replace(day=1), -1)
        elif rel or day <= ref.day:
            base = ref.replace(day=1)
        else:
            base = _shift_months(ref.replace(day=1), -1)
        d = _valid(base.year, base.month, day)
        if d:
            add(m.start("d"), m.end(), d.isoformat(), "day", True)
    for m in pats["numeric_short"].finditer(key):
        a, b, sep = int(m.group("a")), int(m.group("b")), m.group("sep")
        if m.group("c"):
            c = int(m.group("c"))
            y, mo, d_ = (2000 + a, b, c) if sep == "/" else (2000 + c, b, a)
        else:
            if sep == "." and not regex.match(r"\s*(?:[.!?؟]|$)", key[m.end():]):
                continue  # "4.22 في المئة" is a decimal, not a date
            mo, d_ = (b, a) if a > 12 else (a, b) if b > 12 or sep == "." or m.group("y") else (b, a)
            if m.group("y"):
                y = int(m.group("y")) + (2000 if len(m.group("y")) == 2 else 0)
            else:
                y = _month_back(ref, mo)
        d = _valid(y, mo, d_)
        if d:
            add(m.start(), m.end(), d.isoformat(), "day", not m.group("c") and not m.group("y"))


def find_durations(text: str) -> list[Duration]:
    """Durations written with digits: ``44 يوما``, ``24 ساعة``."""
    key, offs = normalize_with_offsets(text)
    out = []
    for m in _grammar()["pats"]["duration"].finditer(key):  # type: ignore[index]
        after = key[m.end(): m.end() + 12]
        if regex.match(r"\s*(?:من|في)\s", after) and m.group("unit") in ("يوم", "شهر", "عام", "سنه"):
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


def weekday_mentions(text: str) -> list[tuple[str, int]]:
    """(relative word or '', ISO weekday) for each weekday name in ``text`` (for date inference)."""
    g = _grammar()
    key = normalize(text)
    out = []
    for m in g["pats"]["relative"].finditer(key):  # type: ignore[index]
        if m.group("wd"):
            out.append((regex.sub(r"\s+", " ", m.group("rel")), g["tables"]["wd"][m.group("wd")]))  # type: ignore[index]
    for m in g["pats"]["weekday"].finditer(key):  # type: ignore[index]
        if not m.group("past") and not m.group("next"):
            out.append(("", g["tables"]["wd"][m.group("wd")]))  # type: ignore[index]
    return out
