"""Numeric claims: a number, what it counts, its qualifier, who says so — and denials.

For each number in a sentence the head noun is read right after it (skipping
``من`` in ``عشرات الآلاف من``); its category comes from ``counted.tsv``.  Context
refines it: ``مقتل أكثر من 200 شخص`` counts the killed, ``قوة ... تضم نحو 10 آلاف فرد``
counts troops.  Attribution is the party after a cue (بحسب، وفق تقديرات …) or
the subject of a speech verb in the sentence.  A sentence that denies the
existence of what it counts (``لا توجد أي قوات``) gives a claim of zero, marked
`negated`, so that it can conflict with a figure from the other side.

Sentences, their keys and their words come from the article's `Doc` (`analyze/doc.py`), computed
once; the words before a figure are slices of its sentence's key, not normalized again.  Grammar
words (نصف/ربع نقطة مئوية, the words skipped after a figure) are in claim_grammar.tsv.
"""

from __future__ import annotations

from functools import cache

import regex

from marsad.analyze.doc import Doc, SentenceView
from marsad.analyze.numbers import find_numbers
from marsad.arabic.lexicons import mapping, word_set, word_slots
from marsad.model import Claim, Mention

# patterns used in the functions below, compiled once
_NON_LETTER = regex.compile(r"[^\p{L}]")



@cache
def _grammar() -> dict[str, tuple[str, ...]]:
    """claim_grammar.tsv: slot -> words (keys)."""
    return word_slots("claim_grammar.tsv")


@cache
def _half_point_pattern() -> regex.Pattern:
    """"نصف نقطة مئوية", "بربع نقطة": percentage points written as a fraction word."""
    g = _grammar()
    fractions = "|".join(g["point_fractions"])
    return regex.compile(rf"(?<![\p{{L}}])[بو]?({fractions}) {g['point'][0]}(?: {g['percent_point'][0]})?")


@cache
def _context(role: str) -> frozenset[str]:
    return frozenset(k for k, r in mapping("claim_context.tsv").items() if r == role)


@cache
def _counted() -> dict[str, str]:
    return mapping("counted.tsv")


@cache
def _cue_pattern() -> regex.Pattern:
    cues = sorted(word_set("attribution_cues.txt"), key=len, reverse=True)
    return regex.compile(r"(?<![\p{L}])[وف]?(?:" + "|".join(regex.escape(c) for c in cues) + r")(?![\p{L}])")


@cache
def _negation_pattern() -> regex.Pattern:
    cues = sorted(word_set("negation_cues.txt"), key=len, reverse=True)
    return regex.compile(r"(?<![\p{L}])(?:" + "|".join(regex.escape(c) for c in cues) + r")(?![\p{L}])")


def head_category(word: str) -> tuple[str, str] | None:
    """(noun as matched, category) for a normalized word, trying it without clitics."""
    counted = _counted()
    cands = [word]
    for pre in ("و", "ب", "ل", "ال", "وال", "بال", "لل"):
        if word.startswith(pre) and len(word) > len(pre) + 2:
            cands.append(word[len(pre):])
    for c in cands:
        if c in counted:
            return c, counted[c]
        if c.endswith("ا") and c[:-1] in counted:  # accusative tanween alef: جنديا
            return c[:-1], counted[c[:-1]]
    return None


def find_claims(text: str | Doc, article_id: str, mentions: tuple[Mention, ...] = ()) -> list[Claim]:
    """Numeric claims and denials in displayed ``text`` (an article body, or its `Doc`)."""
    doc = Doc.of(text)
    text = doc.text
    out: list[Claim] = []
    for sent in doc.sentences:
        out.extend(_sentence_claims(sent, article_id, mentions))
    if any(c.attributed_to and " " not in c.attributed_to.strip() for c in out):
        # "بحسب الوزير": the person the article introduced with that title, as for quotes
        from dataclasses import replace

        from marsad.analyze.quotes import resolve_party, titled_people

        titles = titled_people(text, mentions)
        out = [replace(c, attributed_to=resolve_party(c.attributed_to, titles, mentions, c.start))
               if c.attributed_to and " " not in c.attributed_to.strip() else c for c in out]
    return out


def _sentence_claims(sent: SentenceView, article_id: str, mentions: tuple[Mention, ...]) -> list[Claim]:
    sentence, offset = sent.text, sent.start
    key, offs = sent.keyed
    claims: list[Claim] = []
    for num in find_numbers(sentence, keyed=sent.keyed):
        measured = _measured(sent, key, num)
        if measured is not None:
            category, value, noun = measured
            claims.append(Claim(
                value=value, counted=noun, category=category, text=sentence, article_id=article_id,
                qualifier=num.qualifier, attributed_to=_attribution(sent, num.start, mentions),
                number_text=sentence[num.start:_unit_end(sent, num)].strip(),
                start=offset + num.start, end=offset + num.end,
            ))
            continue
        if num.value is not None and 1900 <= num.value <= 2100 and num.qualifier is None and "." not in num.text:
            continue  # a year
        after = key[num.key_end:].split()
        k = 0
        while k < len(after) and after[k] in _grammar()["skip_after"]:
            k += 1
        before_words = sent.words_before(num.start)[-6:]
        head = head_category(_NON_LETTER.sub("", after[k])) if k < len(after) else None
        if head is None:
            # "مقتل عشرات الآلاف": the death word before the number says what is counted
            death = next((w for w in before_words[-2:] if w.lstrip("و") in _context("death")), None)
            if death is None:
                continue
            head = (death, "killed")
        noun, category = head
        if category in ("people", "civilians", "troops", "troops-or-people", "residents"):
            death, wound = _context("death"), _context("wound")
            if any(w.lstrip("وب") in death for w in before_words[-3:]) or any(w in death for w in after[k + 1: k + 3]):
                category = "killed"
            elif any(w.lstrip("وب") in wound for w in before_words[-3:]):
                category = "wounded"
        if category == "troops-or-people":
            category = "troops" if any(w.lstrip("وب") in _context("force") for w in before_words) else "people"
        claims.append(Claim(
            value=num.value, counted=noun, category=category, text=sentence, article_id=article_id,
            qualifier=num.qualifier or ("vague" if num.value is None else None),
            attributed_to=_attribution(sent, num.start, mentions),
            low=num.low, high=num.high, number_text=num.text,
            start=offset + num.start, end=offset + num.end,
        ))
    claims.extend(_fraction_claims(sent, article_id, mentions))
    claims.extend(_denials(sent, article_id, mentions))
    return claims


# -- rates, percentages, basis points and money ----------------------------------------------------
# A figure followed by a unit (في المئة, %, نقطة أساس, نقطة مئوية, دينار, دولار …) is a claim about what
# the nearest measure word before it names (الفائدة, التضخم, تخصيص, قرض …): its category is
# "measure:unit" ("interest-rate:percent", "interest-rate:bp", "allocation:dinar"), so figures of one
# measure and unit are compared across outlets and never against another currency.  Percentage points
# are read as basis points (نصف نقطة مئوية = 50).

MEASURE_WINDOW = 8  # words before the figure searched for what it measures


@cache
def _units() -> list[tuple[str, str]]:
    return sorted(mapping("units.tsv").items(), key=lambda kv: -len(kv[0]))


@cache
def _measures() -> dict[str, tuple[str, str]]:
    from marsad.arabic.lexicons import table

    return {row[0]: (row[1], row[2]) for row in table("measures.tsv")}


def _unit_after(key: str, key_end: int) -> tuple[str, int] | None:
    """(unit, end in the key) of the unit written right after a figure."""
    rest = key[key_end:]
    stripped = rest.lstrip(" ")
    if stripped[:1] in ("%", "٪"):
        return "percent", key_end + (len(rest) - len(stripped)) + 1
    for phrase, unit in _units():
        if stripped.startswith(phrase) and (len(stripped) == len(phrase) or not stripped[len(phrase)].isalpha()):
            return unit, key_end + (len(rest) - len(stripped)) + len(phrase)
    return None


def _unit_end(sent: SentenceView, num) -> int:
    key, offs = sent.keyed
    found = _unit_after(key, num.key_end)
    if not found:
        return num.end
    end = found[1]
    return offs[end - 1] + 1 if 0 < end <= len(offs) else num.end


def _measure_before(words: list[str], kind: str) -> tuple[str, str] | None:
    """(measure, the word naming it) nearest before a figure, of the kind the unit reads."""
    measures = _measures()
    for w in reversed(words[-MEASURE_WINDOW:]):
        clean = _NON_LETTER.sub("", w)
        for cand in (clean, clean[1:] if clean[:1] in "وبل" else None, clean[2:] if clean.startswith("لل") else None):
            if cand and cand in measures and measures[cand][1] == kind:
                return measures[cand][0], cand
            if cand and "ال" + cand in measures and measures["ال" + cand][1] == kind:
                return measures["ال" + cand][0], cand
    return None


def _measured(sent: SentenceView, key: str, num) -> tuple[str, float | None, str] | None:
    """(category, value, measure word) of a figure with a unit, or None."""
    found = _unit_after(key, num.key_end)
    if found is None or num.value is None:
        return None
    unit, _ = found
    value = num.value
    kind = "rate" if unit in ("percent", "bp", "pp") else "money"
    if unit == "pp":
        unit, value = "bp", value * 100
    before = sent.words_before(num.start)
    measure = _measure_before(before, kind)
    name, word = measure if measure else ("share" if kind == "rate" else "amount", "")
    return f"{name}:{unit}", value, word


def _half_point(key: str) -> list[tuple[int, int, str]]:
    """Spans and fraction word of "نصف نقطة مئوية" (a quarter too): percentage points written as a fraction word."""
    return [(m.start(), m.end(), m.group(1)) for m in _half_point_pattern().finditer(key)]


def _fraction_claims(sent: SentenceView, article_id: str, mentions: tuple[Mention, ...]) -> list[Claim]:
    sentence = sent.text
    key, offs = sent.keyed
    out = []
    for s, e, word in _half_point(key):
        value = float(mapping("number_words.tsv")[word]) * 100  # نصف 0.5 -> 50 basis points
        before = key[:s].split()
        measure = _measure_before(before, "rate")
        name = measure[0] if measure else "share"
        ds, de = offs[s], offs[e - 1] + 1
        out.append(Claim(value=value, counted=measure[1] if measure else "", category=f"{name}:bp", text=sentence,
                         article_id=article_id, attributed_to=_attribution(sent, ds, mentions),
                         number_text=sentence[ds:de].lstrip("بو"), start=sent.start + ds, end=sent.start + de))
    return out


def _denials(sent: SentenceView, article_id: str, mentions: tuple[Mention, ...]) -> list[Claim]:
    """The first denial in a sentence whose next words name something countable."""
    sentence, offset = sent.text, sent.start
    key, offs = sent.keyed
    for m in _negation_pattern().finditer(key):
        rest = key[m.end():].split()[:3]
        for w in rest:
            head = head_category(_NON_LETTER.sub("", w))
            if head is None:
                continue
            noun, category = head
            if category == "troops-or-people":
                category = "troops"
            s, e = offs[m.start()], offs[min(m.end() + 1 + len(" ".join(rest)), len(offs) - 1)]
            return [Claim(
                value=0.0, counted=noun, category=category, text=sentence, article_id=article_id,
                qualifier="none", attributed_to=_attribution(sent, s, mentions),
                negated=True, number_text=sentence[s:e].strip(), start=offset + s, end=offset + e,
            )]
    return []


@cache
def _subject_skip() -> frozenset[str]:
    """Words skipped between a speech verb and its subject (weekdays, اليوم, أمس)."""
    return frozenset(mapping("weekdays.tsv")) | {"اليوم", "امس", "يوم"}


@cache
def _subject_stops(scope: str) -> frozenset[str]:
    """Words that end a subject phrase (``subject_stops.tsv``); cues stop at a few more."""
    return frozenset(k for k, v in mapping("subject_stops.tsv").items() if v == "all" or v == scope)


def _attribution(sent: SentenceView, pos: int, mentions: tuple[Mention, ...]) -> str | None:
    """Who a figure at ``pos`` is attributed to in its sentence."""
    before = sent.text[:pos]
    key_before, offs = sent.keyed_before(pos)
    # 1. an explicit cue: بحسب الانفصاليين / وفق تقديرات باكو
    best = None
    for m in _cue_pattern().finditer(key_before):
        if best is None or m.end() > best[1]:
            best = (m.start(), m.end())
    if best is not None:
        words = []
        for w in key_before[best[1]:].split():
            clean = _NON_LETTER.sub("", w)
            if not clean or clean in _subject_stops("cue"):
                break
            words.append(w.rstrip("،,:"))
            if w.endswith(("،", ",", ":")) or len(words) >= 3:
                break
        if words:
            start = offs[best[1] + 1] if best[1] + 1 < len(offs) else offs[-1]
            return _display_words(before[start:], len(words))
    # 2. the subject of a speech verb before the figure (قال الانفصاليون إنها …)
    return speech_subject(sent.text, pos, sent.start, mentions, view=sent)


def _display_words(text: str, n: int) -> str:
    words = text.split()[:n]
    return " ".join(words).strip(" ،,:.\"'“”«»")


def speech_subject(sentence: str, pos: int, offset: int, mentions: tuple[Mention, ...],
                   view: SentenceView | None = None) -> str | None:
    """The party a statement before ``pos`` belongs to: subject of the nearest speech verb.

    The subject is the phrase right after the verb, up to a complementizer, a
    preposition or a comma; a person or organisation mentioned in it wins over
    its role words.  A verb with no subject of its own (``وأضاف:``) falls back to
    the nearest person or organisation before it in the sentence.
    """
    verbs = word_set("speech_verbs.txt")
    skip = _subject_skip()
    # the letter runs before pos and their keys: the sentence's own, read once
    toks = (view or SentenceView(sentence, offset, offset + len(sentence))).tokens_before(pos)
    local = [m for m in mentions if 0 <= m.start - offset < len(sentence)]
    fallback_verb: int | None = None
    for idx in range(len(toks) - 1, -1, -1):
        w = toks.key(idx)
        base = w[1:] if w[:1] in ("و", "ف") and w[1:] in verbs else w
        if base not in verbs:
            continue
        seg_start = toks[idx][1]
        seg_end = seg_start
        words = []
        after_verb = sentence[seg_start: seg_start + 2].strip()
        for j in (range(0) if after_verb.startswith(("،", ",", ":")) else range(idx + 1, len(toks))):
            _s, t_end, t_word = toks[j]
            k = toks.key(j)
            if k in skip:
                seg_end = t_end
                continue
            if k in _subject_stops("verb") or k in verbs:
                break
            words.append(t_word)
            seg_end = t_end
            if len(words) >= 6 or sentence[t_end: t_end + 1] in "،,:":
                break
        # a person in the subject wins over the body they speak for ("محافظة البنك المركزي ليلى العامري")
        in_subject = [m for m in local if seg_start <= m.start - offset < max(seg_end, seg_start + 1)
                      and m.type in ("PERS", "ORG", "LOC")]
        if in_subject:
            return next((m.text for m in in_subject if m.type == "PERS"), in_subject[0].text)
        if words:
            return " ".join(words[:4])
        if fallback_verb is None:
            fallback_verb = toks[idx][0]
        # no subject of its own ("وأكدت أنه …"): the subject of an earlier verb in the sentence carries over
    if fallback_verb is not None:
        quoted = _quoted_spans(sentence)
        for m in sorted(local, key=lambda m: -m.start):
            ms = m.start - offset
            if ms < fallback_verb and m.type in ("PERS", "ORG", "LOC") and not any(a <= ms < b for a, b in quoted):
                return m.text
    return None


_QUOTED = regex.compile(r'"[^"]*"|“[^”]*”|«[^»]*»')


def _quoted_spans(sentence: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _QUOTED.finditer(sentence)]
