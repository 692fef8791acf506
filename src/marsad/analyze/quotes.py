"""Quotes: direct speech in quote marks and reported speech (قال … إن …), with their speakers.

Direct quotes are spans between matching marks (" ", “ ”, « », „ “) of at least
`MIN_QUOTE_WORDS` words.  Reported speech is a sentence whose speech verb is
followed, after its subject, by إن/أن and a clause.  The speaker is the subject
of the nearest speech verb before the quote (an entity mention when there is
one); a verb with no subject of its own ("وأضاف:") continues the previous
speaker of the same article.
"""

from __future__ import annotations

import regex

from marsad.analyze.claims import speech_subject
from marsad.arabic.lexicons import word_set
from marsad.arabic.normalize import normalize
from marsad.arabic.tokenize import split_sentences
from marsad.model import Mention, Quote

MIN_QUOTE_WORDS = 3
_PAIRS = regex.compile(r'"([^"\n]{3,600})"|“([^”\n]{3,600})”|«([^»\n]{3,600})»|„([^“”\n]{3,600})[“”]|”([^”\n]{3,600})”')
_REPORTED = regex.compile(r"(?<![\p{L}])(?:[وف])?(?P<verb>[\p{L}]+)\s+(?P<subj>[^،,.:]{0,60}?)\s*[،,]?\s*(?:إن|إنّ|أن|أنّ|بأن|ان)(?P<clause>\s+.+)$")


def find_quotes(text: str, article_id: str, mentions: tuple[Mention, ...] = ()) -> list[Quote]:
    quotes: list[Quote] = []
    last_speaker: str | None = None
    verbs = word_set("speech_verbs.txt")
    for sent in split_sentences(text):
        found_direct = False
        for m in _PAIRS.finditer(sent.text):
            body = next(g for g in m.groups() if g is not None).strip()
            if len(body.split()) < MIN_QUOTE_WORDS:
                continue
            speaker = speech_subject(sent.text, m.start(), sent.start, mentions)
            if speaker is None and _has_bare_verb(sent.text[: m.start()], verbs):
                speaker = last_speaker
            if speaker:
                last_speaker = speaker
            quotes.append(Quote(speaker, body, article_id, "direct", sent.start + m.start(), sent.start + m.end()))
            found_direct = True
        if found_direct:
            continue
        rep = _reported(sent.text, verbs)
        if rep:
            comp_pos, clause = rep
            speaker = speech_subject(sent.text, comp_pos, sent.start, mentions)
            if speaker is None:
                speaker = last_speaker
            else:
                last_speaker = speaker
            if speaker and len(clause.split()) >= MIN_QUOTE_WORDS:
                quotes.append(Quote(speaker, clause.strip(), article_id, "reported", sent.start, sent.end))
    return quotes


def _has_bare_verb(before: str, verbs: frozenset[str]) -> bool:
    words = [normalize(w) for w in regex.findall(r"[\p{L}]+", before)]
    return any((w in verbs or (w[:1] in "وف" and w[1:] in verbs)) for w in words[-3:])


def _reported(sentence: str, verbs: frozenset[str]) -> tuple[int, str] | None:
    """(index of the complementizer إن/أن, reported clause) of a reported-speech sentence."""
    toks = list(regex.finditer(r"[\p{L}\p{M}]+", sentence))
    for idx, t in enumerate(toks[:12]):
        w = normalize(t.group())
        base = w[1:] if w[:1] in "وف" and w[1:] in verbs else w
        if base not in verbs or base in ("تابع", "تابعت", "لفت", "لفتت", "اعرب", "اعربت", "دعا", "دعت", "وصف", "وصفت", "اتهم", "اتهمت", "كشف", "كشفت"):
            continue
        for t2 in toks[idx + 1: idx + 14]:
            k = normalize(t2.group())
            if k in ("ان", "بان", "انه", "انها", "انهم"):
                clause = sentence[t2.end():] if k in ("ان", "بان") else sentence[t2.start():]
                return t2.start(), clause
        return None
    return None
