"""Search queries: one spelling finds the others, a word finds its clitic forms, snippets show displayed text.

`expand` turns what a user typed into an FTS5 expression over the normalized index:

* names are looked up (longest run of words first) through the alias table
  (``arabic/data/aliases.tsv``), the spellings in other scripts of
  ``query/data/search_aliases.tsv`` and the canonical entities of the store; a
  name found is searched in every spelling seen (كاراباخ, قره باغ, قرة باغ,
  Karabakh …);
* every other word is searched with and without the article and the attached
  conjunctions and prepositions (السيول / سيول / بالسيول / وللسيول …).

`snippet` finds the same forms in an article's displayed text (through the
offsets of `normalize_with_offsets`) and returns pieces of that text with the
matches marked, never the normalized key.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import islice

import regex

from marsad.analyze.entities import canonical_key
from marsad.arabic.clitics import strip_proclitic
from marsad.arabic.lexicons import mapping
from marsad.arabic.normalize import normalize, normalize_with_offsets
from marsad.arabic.terms import stopwords
from marsad.store import queries as Q

_WORD = regex.compile(r"[\p{L}\p{N}]+")
_ARABIC = regex.compile(r"^[\p{Arabic}]+$")
# attached conjunction/preposition before a bare word, and before a word with the article
_BARE = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك")
_DEFINITE = ("ال", "وال", "فال", "بال", "كال", "وبال", "فبال", "لل", "ولل", "فلل")
MAX_NAME_WORDS = 4
MAX_WORDS = 16  # words of a query searched (each becomes a group of forms)


@cache
def _other_scripts() -> dict[str, str]:
    text = resources.files("marsad.query.data").joinpath("search_aliases.tsv").read_text(encoding="utf-8")
    out = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            spelling, name = line.split("\t")
            out[" ".join(_WORD.findall(normalize(spelling)))] = name.strip()
    return out


@cache
def _alias_groups() -> dict[str, frozenset[str]]:
    """canonical key -> every spelling key the alias tables know for it."""
    groups: dict[str, set[str]] = {}
    for variant, canon in mapping("aliases.tsv").items():
        key = canonical_key(canon)
        groups.setdefault(key, {key}).add(" ".join(_WORD.findall(variant)))
    for spelling, name in _other_scripts().items():
        key = canonical_key(name)
        groups.setdefault(key, {key}).add(spelling)
    return {k: frozenset(v) for k, v in groups.items()}


@cache
def _alias_display() -> dict[str, frozenset[str]]:
    """canonical key -> the spellings of the alias tables as they are written (shown to the user)."""
    from marsad.arabic.lexicons import data_lines

    groups: dict[str, set[str]] = {}
    for line in data_lines("aliases.tsv"):
        variant, canon = (c.strip() for c in line.split("\t")[:2])
        groups.setdefault(canonical_key(canon), set()).update((variant, canon))
    text = resources.files("marsad.query.data").joinpath("search_aliases.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            spelling, name = line.split("\t")
            groups.setdefault(canonical_key(name.strip()), set()).add(spelling.strip())
    return {k: frozenset(v) for k, v in groups.items()}


def core(word: str) -> str:
    """A normalized word without its article and attached clitics, when what is left is still a word."""
    for p in sorted(_DEFINITE, key=len, reverse=True):
        if word.startswith(p) and len(word) - len(p) >= 2:
            return word[len(p):]
    stripped = strip_proclitic(word)
    if stripped != word and stripped in stopwords():
        return word  # كسوف is not ك + سوف ("will"): a remainder that is a function word is no stem
    if stripped.startswith("ال") and len(stripped) > 3:
        stripped = stripped[2:]
    return stripped


def word_forms(word: str) -> set[str]:
    """The forms an Arabic word takes with the article and attached clitics (keys); other words as they are."""
    if not _ARABIC.match(word) or len(word) < 2:
        return {word}
    c = core(word)
    forms = {word, *(p + c for p in _BARE), *(p + c for p in _DEFINITE)}
    if c.startswith("ل"):  # لل + لبنان is written للبنان, not لللبنان
        forms |= {p + c[1:] for p in ("لل", "ولل", "فلل")}
    return forms


@dataclass
class Expansion:
    """What a query searches for: groups ANDed, each an OR of token sequences."""

    groups: list[list[tuple[str, ...]]] = field(default_factory=list)
    names: list[dict] = field(default_factory=list)  # names recognised: {"text", "key", "spellings", "shown"}
    _first_re: regex.Pattern | None = field(default=None, repr=False, compare=False)

    @property
    def match(self) -> str:
        parts = []
        for alts in self.groups:
            quoted = sorted({'"' + " ".join(a) + '"' for a in alts})
            parts.append("(" + " OR ".join(quoted) + ")")
        return " AND ".join(parts)

    def __bool__(self) -> bool:
        return bool(self.groups)



def _name_spellings(conn: sqlite3.Connection | None, phrase: str) -> tuple[str, set[str], list[str]] | None:
    """(canonical key, spelling keys, spellings as written) when ``phrase`` (normalized words) names a known entity."""
    name = _other_scripts().get(phrase)
    key = canonical_key(name or phrase)
    spellings = set(_alias_groups().get(key, ()))
    in_store = bool(conn is not None and Q.known_entity_keys(conn, [key]))
    if not spellings and not in_store and name is None:
        return None
    spellings |= {key, phrase}
    shown = dict.fromkeys(sorted(_alias_display().get(key, ())))
    if in_store:
        for v, _n in Q.entity_variant_counts(conn, key):
            words = _WORD.findall(normalize(v))
            if words:
                spellings.add(" ".join(words))
                shown.setdefault(v)
    return key, spellings, list(shown)


def expand(conn: sqlite3.Connection | None, query: str) -> Expansion:
    words = _WORD.findall(normalize(query))[:MAX_WORDS]
    out = Expansion()
    i = 0
    while i < len(words):
        found = None
        for n in range(min(MAX_NAME_WORDS, len(words) - i), 0, -1):
            phrase = " ".join(words[i:i + n])
            if n == 1 and len(phrase) < 3:
                break
            hit = _name_spellings(conn, phrase)
            if hit:
                found = (n, phrase, *hit)
                break
        if found:
            n, phrase, key, spellings, shown = found
            alts: set[tuple[str, ...]] = set()
            for s in spellings:
                toks = s.split()
                for first in word_forms(toks[0]):
                    alts.add((first, *toks[1:]))
            out.groups.append(sorted(alts))
            # spellings: the keys searched; shown: the same names as they are written (for people to read)
            out.names.append({"text": " ".join(words[i:i + n]), "key": key, "spellings": sorted(spellings),
                              "shown": shown})
            i += n
        else:
            out.groups.append(sorted((f,) for f in word_forms(words[i])))
            i += 1
    return out


def _first_words(exp: Expansion) -> regex.Pattern:
    """Any first word of any alternative, as a whole word of a key: a cheap test before mapping offsets."""
    if exp._first_re is None:
        words = sorted({a[0] for alts in exp.groups for a in alts}, key=len, reverse=True)
        exp._first_re = regex.compile(r"(?<![\p{L}\p{N}])(?:" + "|".join(map(regex.escape, words))
                                      + r")(?![\p{L}\p{N}])")
    return exp._first_re


def _match_spans(text: str, exp: Expansion) -> list[tuple[int, int]]:
    """Spans of displayed ``text`` where any alternative of the expansion occurs (found in the key, mapped back).

    Only the places where a first word occurs are looked at (a regex over the key), not every token."""
    first_re = _first_words(exp)
    if not exp.groups or not first_re.search(normalize(text)):
        return []
    key, offsets = normalize_with_offsets(text)
    firsts: dict[str, list[tuple[str, ...]]] = {}
    for alts in exp.groups:
        for a in alts:
            firsts.setdefault(a[0], []).append(a)
    spans = []
    for m in first_re.finditer(key):
        for alt in sorted(firsts.get(m.group(), ()), key=len, reverse=True):
            last_end = m.end()
            if len(alt) > 1:
                following = list(islice(_WORD.finditer(key, m.end()), len(alt) - 1))
                if tuple(t.group() for t in following) != alt[1:]:
                    continue
                last_end = following[-1].end()
            spans.append((offsets[m.start()], offsets[last_end - 1] + 1))
            break
    return spans


def marked(text: str, exp: Expansion) -> list[dict]:
    """The whole ``text`` as pieces ``{"text", "match"}``."""
    return _pieces(text, _match_spans(text, exp), 0, len(text))


def snippet(text: str, exp: Expansion, width: int = 240) -> list[dict]:
    """About ``width`` characters of ``text`` around its first match, as pieces ``{"text", "match"}``.

    Paragraphs are read one at a time up to the first that matches (mapping a whole long article
    to its key costs more than the rest of a search page)."""
    start = 0
    while start < len(text):
        end = text.find("\n\n", start)
        end = len(text) if end < 0 else end
        para = text[start:end]
        spans = _match_spans(para, exp)
        if spans:
            pieces = _snippet(para, exp, width, spans)
            if start > 0 and pieces and pieces[0]["text"] != "… ":
                pieces.insert(0, {"text": "… ", "match": False})
            return pieces
        start = end + 2
    return _snippet(text[:width * 2], exp, width) if len(text) > width * 2 else _snippet(text, exp, width)


def _snippet(text: str, exp: Expansion, width: int, spans: list[tuple[int, int]] | None = None) -> list[dict]:
    spans = _match_spans(text, exp) if spans is None else spans
    if not spans:
        end = _cut(text, min(len(text), width), forward=True)
        return [{"text": text[:end] + (" …" if end < len(text) else ""), "match": False}]
    first = spans[0][0]
    start = _cut(text, max(0, first - width // 3), forward=False)
    end = _cut(text, min(len(text), start + width), forward=True)
    pieces = _pieces(text, [s for s in spans if s[0] >= start and s[1] <= end], start, end)
    if start > 0:
        pieces.insert(0, {"text": "… ", "match": False})
    if end < len(text):
        pieces.append({"text": " …", "match": False})
    return pieces


def _cut(text: str, pos: int, *, forward: bool) -> int:
    if pos <= 0 or pos >= len(text):
        return max(0, min(pos, len(text)))
    step = 1 if forward else -1
    k = pos
    for _ in range(30):
        if text[k].isspace():
            return k + (0 if forward else 1)
        k += step
        if k <= 0 or k >= len(text):
            break
    return pos


def _pieces(text: str, spans: list[tuple[int, int]], start: int, end: int) -> list[dict]:
    out = []
    pos = start
    for a, b in sorted(spans):
        if a < pos:
            continue
        if a > pos:
            out.append({"text": text[pos:a].replace("\n\n", " ¶ "), "match": False})
        out.append({"text": text[a:b], "match": True})
        pos = b
    if pos < end:
        out.append({"text": text[pos:end].replace("\n\n", " ¶ "), "match": False})
    return out
