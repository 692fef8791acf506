"""Numbers in Arabic text: digits (ASCII, Arabic-Indic, Persian), number words, duals, scales and vague amounts.

``200`` -> 200; ``نحو 10 آلاف`` -> 10000 (qualifier "about"); ``120 ألفا`` -> 120000;
``ألفي`` -> 2000; ``ثلاثة آلاف وخمسمئة`` -> 3500; ``عشرات الآلاف`` -> vague, 10000..100000;
``2.5 مليون`` -> 2500000.  Each number keeps its text span and the qualifier before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import regex

from marsad.arabic.lexicons import table, word_set
from marsad.arabic.normalize import normalize_with_offsets

# patterns used in the functions below, compiled once
_GROUPED_THOUSANDS = regex.compile(r"\d{1,3}(?:,\d{3})+")
_YEAR_LIKE = regex.compile(r"(?:19|20)\d\d")


@dataclass(frozen=True, slots=True)
class NumberMention:
    value: float | None
    text: str
    start: int
    end: int
    qualifier: str | None = None
    low: float | None = None
    high: float | None = None
    key_end: int = 0  # end in the normalized key (to read what follows)


@cache
def _words() -> dict[str, tuple[float, str]]:
    """word -> (value, kind); a word listed as a scale and as vague (آلاف) keeps the scale."""
    out: dict[str, tuple[float, str]] = {}
    for row in table("number_words.tsv"):
        out.setdefault(row[0], (float(row[1]), row[2]))
    return out


@cache
def _vague_words() -> dict[str, float]:
    return {row[0]: float(row[1]) for row in table("number_words.tsv") if row[2] == "vague"}


@cache
def _qualifiers() -> list[tuple[str, str]]:
    rows = [(row[0], row[1]) for row in table("qualifiers.tsv") if row[1] != "vague"]
    return sorted(rows, key=lambda r: -len(r[0]))


# digits grouped by spaces ("1 414 021 100", thin and no-break spaces normalize to a space) come first
_TOKEN = regex.compile(r"\d{1,3}(?: \d{3})+(?:\.\d+)?(?![\d,.])|\d+(?:[.,]\d+)*|[\p{L}]+")
_CLITIC = ("و", "ب", "ل", "ك", "ف")


@lru_cache(maxsize=50_000)
def _word_value(tok: str) -> tuple[float, str] | None:
    """(value, kind) of a number word, with or without a proclitic (every word of a sentence is asked)."""
    words = _words()
    if tok in words:
        return words[tok]
    for c in _CLITIC:
        if tok.startswith(c) and tok[1:] in words:
            return words[tok[1:]]
    if tok.startswith("ال") and tok[2:] in words and words[tok[2:]][1] in ("scale", "vague"):
        return words[tok[2:]]
    return None


def _negated(key: str, start: int) -> int | None:
    """Where a negative word ("سالب") right before ``start`` begins, or None."""
    before = key[:start].rstrip(" ")
    word = before.rsplit(" ", 1)[-1]
    if word and start - len(before) == 1 and word in word_set("negative_words.txt"):
        return len(before) - len(word)
    return None


def _digits(tok: str) -> float | None:
    t = tok.replace(" ", "")
    if _GROUPED_THOUSANDS.fullmatch(t):
        t = t.replace(",", "")
    t = t.replace(",", ".")
    try:
        return float(t)
    except ValueError:
        return None


def find_numbers(text: str, keyed: tuple[str, list[int]] | None = None) -> list[NumberMention]:
    """All numbers in displayed ``text`` with their spans and qualifiers.

    ``keyed`` is `normalize_with_offsets` of ``text`` when the caller has it already (a sentence of a `Doc`).
    """
    key, offs = keyed if keyed is not None else normalize_with_offsets(text)
    toks = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(key)]
    out: list[NumberMention] = []
    i = 0
    while i < len(toks):
        tok, s, e = toks[i]
        value: float | None = None
        low = high = None
        j = i
        is_digit_tok = tok[0].isdigit()
        if is_digit_tok:
            if _YEAR_LIKE.fullmatch(tok) and i + 1 < len(toks) and toks[i + 1][0] in ("م",):
                i += 1
                continue
            value = _digits(tok)
            negative = s > 0 and key[s - 1] == "-" and (s == 1 or not key[s - 2].isalnum())
            if value is not None and negative:
                value = -value
            j = i + 1
            if j < len(toks) and value is not None:
                wv = _word_value(toks[j][0])
                if wv and wv[1] in ("scale", "vague", "dual"):
                    value *= wv[0] if wv[1] != "dual" else wv[0] / 2
                    j += 1
                    value, j = _digit_tail(toks, j, value, wv[0])
                elif wv and wv[1] == "hundred" and wv[0] == 100:
                    value *= 100  # "3 مئة", "322 مائة"
                    j += 1
                    value, j = _digit_tail(toks, j, value, 100)
        else:
            wv = _word_value(tok)
            if wv is None or wv[1] == "fraction":
                i += 1
                continue
            if tok in _vague_words() or (tok[:1] in _CLITIC and tok[1:] in _vague_words()):
                wv = (_vague_words().get(tok) or _vague_words()[tok[1:]], "vague")
            if wv[1] == "vague":
                # عشرات / مئات / آلاف, possibly followed by a scale: عشرات الآلاف
                base = wv[0]
                j = i + 1
                mult = 1.0
                if j < len(toks):
                    nv = _word_value(toks[j][0])
                    if nv and nv[1] in ("scale", "vague") and nv[0] >= 1000:
                        mult = nv[0]
                        j += 1
                low, high = base * mult * (2 if base >= 10 else 1), base * mult * 10
                if base == 1000 and mult == 1.0:
                    low, high = 2000.0, 10000.0
                value = None
            else:
                total = 0.0
                current = 0.0
                j = i
                while j < len(toks):
                    t = toks[j][0]
                    if t == "و" and j + 1 < len(toks) and _word_value(toks[j + 1][0]):
                        j += 1
                        continue
                    v = _word_value(t)
                    if v is None or v[1] in ("vague", "fraction"):
                        break
                    amount, kind = v
                    if kind == "hundred" and amount == 100 and 0 < current < 10:
                        current *= 100  # "ثلاث مائة" written apart
                        j += 1
                        continue
                    if kind == "scale":
                        current = (current or 1.0) * amount
                        total += current
                        current = 0.0
                    elif kind == "dual":
                        total += (current or 1.0) * amount if current else amount
                        current = 0.0
                    elif kind == "teen" and current and current < 10:
                        current += amount
                    else:
                        current += amount
                    j += 1
                value = total + current
                if j == i:
                    i += 1
                    continue
                # a lone "احد"/"احدي" is rarely a count
                if j == i + 1 and tok in ("احد", "احدي", "واحد", "واحده") and _negated(key, s) is None:
                    i += 1
                    continue
        if j <= i:
            j = i + 1
        ks, ke = s, toks[j - 1][2]
        if value and (sign_start := _negated(key, ks)) is not None:
            value, ks = -value, sign_start
        qualifier, qs = _qualifier_before(key, ks)
        ds, de = offs[qs if qualifier else ks], offs[ke - 1] + 1
        out.append(NumberMention(value, text[ds:de], ds, de, qualifier, low, high, ke))
        i = j
    return out


def _digit_tail(toks: list[tuple[str, int, int]], j: int, value: float, multiplier: float) -> tuple[float, int]:
    """Add the smaller parts written in digits after a multiplied figure: "4 آلاف 3 مائة و 21" is 4321.

    A part must be smaller than the multiplier before it, so "بين 3 آلاف و5 آلاف" stays two figures.
    """
    while multiplier > 1:
        k = j + 1 if j < len(toks) and toks[j][0] == "و" else j
        if k >= len(toks) or not toks[k][0][0].isdigit() or (part := _digits(toks[k][0])) is None:
            break
        k += 1
        scale = 1.0
        if k < len(toks) and (wv := _word_value(toks[k][0])) and wv[1] in ("scale", "hundred") and wv[0] in (
                100, 1000, 1e6, 1e9):
            scale = wv[0]
            k += 1
        if part * scale >= multiplier:
            break
        value, j, multiplier = value + part * scale, k, scale
    return value, j


def _qualifier_before(key: str, start: int) -> tuple[str | None, int]:
    before = key[max(0, start - 20):start]
    for phrase, meaning in _qualifiers():
        for variant in (phrase, "و" + phrase, "ب" + phrase):
            if before.endswith(variant + " "):
                return meaning, start - len(variant) - 1
    return None, start
