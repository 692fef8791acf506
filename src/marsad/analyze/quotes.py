"""Quotes: direct speech in quote marks and reported speech (قال … إن …), with their speakers.

A quote is a whole clause said by someone, never a fragment:

* direct quotes are spans between quote marks.  Straight quotes ("…") are paired
  by where they stand (an opening mark follows a space and precedes a letter), so
  that a quoted word inside a quote («كانت "بناءة"») does not cut it; a span
  that ends on a word that cannot end a clause (كانت، إلى، أن …) is joined to
  the quoted text that completes it;
* the reporter's own words between two quotes («مشيرة، أيضًا، إلى أنها») are not
  a quote, nor is a quoted phrase in the middle of a sentence (a label, a title,
  «في أسرع وقت ممكن»): a quote that does not follow a speech verb, a colon or a
  complementizer must have `MIN_PHRASE_WORDS` words;
* a direct quote needs a speech verb in its sentence, or to continue the previous
  speaker's words ("وأضاف:"); reported speech is a sentence whose speech verb is
  followed, after its subject, by إن/أن and a clause.

The speaker is the subject of the nearest speech verb before the quote (an entity
mention when there is one).  A title used as a subject ("الوزير", "المتحدث") is
resolved to the person the article introduced with that title ("وزير الأشغال
العامة خالد المنصوري"), and a family name to the full name the article gave.  When
no speaker can be found the quote keeps ``speaker=None``: an explicit unknown.
"""

from __future__ import annotations

from functools import cache

import regex

from marsad.analyze.claims import speech_subject
from marsad.analyze.doc import LETTERS, Doc, SentenceView
from marsad.arabic.lexicons import word_set
from marsad.arabic.normalize import normalize
from marsad.model import Mention, Quote

MIN_QUOTE_WORDS = 3
MIN_PHRASE_WORDS = 5  # a quoted span not introduced as speech is a phrase below this
_PAIRS = regex.compile(r'“([^”\n]{3,600})”|«([^»\n]{3,600})»|„([^“”\n]{3,600})[“”]|”([^”\n]{3,600})”')
_REPORTED = regex.compile(r"(?<![\p{L}])(?:[وف])?(?P<verb>[\p{L}]+)\s+(?P<subj>[^،,.:]{0,60}?)\s*[،,]?\s*(?:إن|إنّ|أن|أنّ|بأن|ان)(?P<clause>\s+.+)$")
_NOT_REPORTING = ("تابع", "تابعت", "لفت", "لفتت", "اعرب", "اعربت", "دعا", "دعت", "وصف", "وصفت", "اتهم", "اتهمت",
                  "كشف", "كشفت")


@cache
def _dangling() -> frozenset[str]:
    """Words a clause cannot end on (prepositions, complementizers, copulas): the quote goes on."""
    return word_set("clause_dangling.txt")


@cache
def _narrative() -> frozenset[str]:
    """Words that open the reporter's own text between quotes (مشيرة، مضيفا، وأضاف)."""
    return word_set("narrative_openers.txt")


def _words(text: str) -> list[str]:
    return [normalize(w) for w in LETTERS.findall(text)]


def _straight_spans(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of the bodies of straight-quoted spans; a quoted word inside a quote stays inside.

    A mark after a space (or a colon) and before a letter opens, any other closes.  An
    outer quote whose closing mark the page lost ends where the reporter's words resume
    after an inner quote («… سيعقد "في أسرع وقت ممكن" مشيرة …»), else at its last mark.
    """
    marks = [i for i, c in enumerate(sentence) if c == '"']
    spans: list[tuple[int, int]] = []
    stack: list[int] = []
    for pos in marks:
        before = sentence[pos - 1] if pos > 0 else " "
        after = sentence[pos + 1] if pos + 1 < len(sentence) else " "
        if (before.isspace() or before in ":(«،,") and not after.isspace():
            stack.append(pos + 1)
            continue
        if not stack:
            continue  # a closing mark with no opener
        start = stack.pop()
        if not stack:
            spans.append((start, pos))
        elif len(stack) == 1 and _narrative_follows(sentence[pos + 1:]):
            spans.append((stack.pop(), pos + 1))
    if stack:
        start = stack[0]
        last = max((m for m in marks if m >= start), default=len(sentence))
        body = sentence[start:last]
        spans.append((start, last + 1 if body.count('"') % 2 else last))
    return sorted(spans)


def _narrative_follows(rest: str) -> bool:
    words = _words(rest)[:1]
    return bool(words) and (words[0] in _narrative() or words[0][:1] in "وف" and words[0][1:] in _narrative())


def _candidates(sentence: str) -> list[tuple[int, int]]:
    spans = [(m.start(g), m.end(g)) for m in _PAIRS.finditer(sentence) for g in range(1, 5) if m.group(g) is not None]
    spans += _straight_spans(sentence)
    spans.sort()
    # join a span that stops on a dangling word to the quoted text right after it («… كانت "بناءة"»)
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and _ends_dangling(sentence[out[-1][0]:out[-1][1]]) and len(sentence[out[-1][1]:s].strip(' "“”«»')) == 0:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _ends_dangling(text: str) -> bool:
    words = _words(text)
    return bool(words) and words[-1] in _dangling()


def _is_clause(body: str, introduced: bool) -> bool:
    """A whole clause: long enough, not the reporter's words, not ending mid-clause."""
    words = _words(body)
    if len(words) < (MIN_QUOTE_WORDS if introduced else MIN_PHRASE_WORDS):
        return False
    if words[0] in _narrative() or (words[0][:1] in "وف" and words[0][1:] in _narrative()):
        return False
    return words[-1] not in _dangling()


def _is_verb(w: str, verbs: frozenset[str]) -> bool:
    return w in verbs or (w[:1] in "وف" and w[1:] in verbs) or w in ("قائلا", "قائله")


def _introduced(before: str, verbs: frozenset[str], words: list[str] | None = None) -> bool:
    """Is a quote introduced as speech: a colon, a speech verb, or إن/أن after a speech verb, right before it?

    ``words`` are the keys of the words of ``before`` when the caller has them (the marks stripped
    below are no letters, so they are the words of the stripped text too).
    """
    tail = before.rstrip(' "“«„')
    words = _words(tail) if words is None else words
    if not words:
        return False
    if tail.endswith((":", "：")) or _is_verb(words[-1], verbs):
        return True
    # "قالت إن “…”" yes; "وجاءت المحادثات بعد أن “…”" no
    return words[-1] in ("ان", "بان", "انه", "انها") and any(_is_verb(w, verbs) for w in words[:-1])


def find_quotes(text: str | Doc, article_id: str, mentions: tuple[Mention, ...] = ()) -> list[Quote]:
    """Direct and reported quotes of displayed ``text`` (an article body, or its `Doc`) with their speakers."""
    doc = Doc.of(text)
    text = doc.text
    quotes: list[Quote] = []
    last_speaker: str | None = None
    verbs = word_set("speech_verbs.txt")
    titles = titled_people(text, mentions)
    for sent in doc.sentences:
        found_direct = False
        in_sentence: str | None = None  # the speaker of an earlier quote of this sentence
        for s, e in _candidates(sent.text):
            body = sent.text[s:e].strip()
            words_before = sent.tokens_before(s).keys()
            introduced = _introduced(sent.text[:s], verbs, words_before)
            if not _is_clause(body, introduced):
                continue
            speaker = speech_subject(sent.text, s, sent.start, mentions, view=sent)
            if speaker is None and _has_bare_verb(words_before, verbs):
                speaker = last_speaker
            if speaker is None:
                speaker = in_sentence  # «…» مشيرة إلى أنها «…»: the same speaker goes on
            if speaker is None and (not introduced or len(_words(body)) < MIN_PHRASE_WORDS):
                continue  # quoted words no one is said to say: a title, a label, a scare quote
            speaker = resolve_party(speaker, titles, mentions, sent.start + s)
            if speaker:
                last_speaker = in_sentence = speaker
            quotes.append(Quote(speaker, body, article_id, "direct", sent.start + s, sent.start + e))
            found_direct = True
        if found_direct:
            continue
        rep = _reported(sent.text, verbs, sent)
        if rep:
            comp_pos, clause = rep
            speaker = speech_subject(sent.text, comp_pos, sent.start, mentions, view=sent)
            if speaker is None:
                speaker = last_speaker
            else:
                speaker = resolve_party(speaker, titles, mentions, sent.start + comp_pos)
                last_speaker = speaker
            if speaker and _is_clause(clause, True):
                quotes.append(Quote(speaker, clause.strip(), article_id, "reported", sent.start, sent.end))
    return quotes


def _has_bare_verb(words: list[str], verbs: frozenset[str]) -> bool:
    """A speech verb among the last three words (keys) before a quote."""
    return any((w in verbs or (w[:1] in "وف" and w[1:] in verbs)) for w in words[-3:])


def titled_people(text: str, mentions: tuple[Mention, ...]) -> dict[str, str]:
    """Title head -> the person the article introduced with it ("وزير الأشغال العامة خالد المنصوري": وزير)."""
    from marsad.analyze.entities import title_heads

    out: dict[str, str] = {}
    for m in sorted(mentions, key=lambda m: m.start):
        if m.type != "PERS" or len(m.text.split()) < 2:
            continue
        before = _words(text[max(0, m.start - 60):m.start])[-5:]
        for head in title_heads(before):
            out.setdefault(head, m.text)
    return out


def resolve_party(speaker: str | None, titles: dict[str, str], mentions: tuple[Mention, ...], pos: int = -1) -> str | None:
    """A title or a generic noun as subject -> whom the article named with it; a family name -> the full name.

    "الوزير" is the person introduced as "وزير …"; "الوزارة", "الرئاسة", "الهيئة" are the
    nearest organisation before the quote whose name opens with that word; "الحداد" is the
    person whose name ends with it.
    """
    if not speaker:
        return speaker
    words = _words(speaker)
    if len(words) != 1:
        return speaker
    w = words[0]
    w = w[1:] if w[:1] in "وف" and w[1:].startswith("ال") else w
    head = w.removeprefix("ال")
    if head in titles:
        return titles[head]
    before = sorted((m for m in mentions if pos < 0 or m.start < pos), key=lambda m: -m.start)
    # the rest by position test, not by `m not in before` (a dataclass comparison per pair)
    after = [m for m in mentions if not (pos < 0 or m.start < pos)]
    for m in before + after:
        parts = _words(m.text)
        if len(parts) < 2:
            continue
        if m.type == "PERS" and parts[-1] == w:
            return m.text
        if m.type == "ORG" and w.startswith("ال") and parts[0].removeprefix("ال") == head:
            return m.text
    return speaker


def _reported(sentence: str, verbs: frozenset[str], view: SentenceView | None = None) -> tuple[int, str] | None:
    """(index of the complementizer إن/أن, reported clause) of a reported-speech sentence."""
    view = view or SentenceView(sentence, 0, len(sentence))
    toks = view.tokens  # (start, end, word); keys from view.token_key
    for idx in range(min(12, len(toks))):
        w = view.token_key(idx)
        base = w[1:] if w[:1] in "وف" and w[1:] in verbs else w
        if base not in verbs or base in _NOT_REPORTING:
            continue
        for j in range(idx + 1, min(idx + 14, len(toks))):
            k = view.token_key(j)
            if k in ("ان", "بان", "انه", "انها", "انهم"):
                clause = sentence[toks[j][1]:] if k in ("ان", "بان") else sentence[toks[j][0]:]
                return toks[j][0], clause
        return None
    return None


def canonical_names(written: list[str], names: dict[str, str]) -> dict[str, str]:
    """Each written name of a party (speaker, source of a figure) -> one name for the story.

    ``names`` maps the matching key of every spelling of a story's entities to the
    entity's canonical name.  A name is renamed to its entity's name; a one-word name
    (الجبوري, الرئاسة) to the one longer name it ends or opens; and spellings one edit
    apart (الرئاسة الإذربيجانبة) to the commonest one.
    """
    from collections import Counter

    from marsad.analyze.entities import canonical_key, fuzzy_variant

    def key(x: str) -> str:
        return canonical_key(x)

    renamed = {w: names.get(key(w), w) for w in dict.fromkeys(written)}
    counts = Counter(renamed[w] for w in written)
    full = sorted(set(counts) | set(names.values()), key=lambda n: (-counts.get(n, 0), n))
    # spellings one edit apart: the commonest (then first) spelling represents them all
    rep: dict[str, str] = {}
    for i, n in enumerate(full):
        rep[n] = next((rep[o] for o in full[:i] if fuzzy_variant(key(o), key(n))), n)
    for w, name in list(renamed.items()):
        renamed[w] = name = rep.get(name, name)
        parts = key(name).split()
        if len(parts) == 1 and key(w) not in names:  # a name of its own (أذربيجان) stays
            bare = parts[0].removeprefix("ال")
            cands = {rep[f] for f in full if len(key(f).split()) > 1 and bare in
                     {key(f).split()[0].removeprefix("ال"), key(f).split()[-1].removeprefix("ال")}}
            if len(cands) == 1:
                renamed[w] = cands.pop()
    return renamed


def canonical_speakers(quotes: list[Quote], names: dict[str, str]) -> list[Quote]:
    """Quotes of a story with one name per speaker (`canonical_names`), grouped by speaker."""
    renamed = canonical_names([q.speaker for q in quotes if q.speaker], names)
    out = [Quote(renamed.get(q.speaker, q.speaker) if q.speaker else None, q.text, q.article_id, q.kind, q.start, q.end)
           for q in quotes]
    order = {name: i for i, name in enumerate(dict.fromkeys(q.speaker for q in out))}
    return sorted(out, key=lambda q: order[q.speaker])
