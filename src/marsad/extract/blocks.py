"""Line-level signals: markers, metadata fields, section labels, list items, glued headlines.

All phrase lists come from data files (``markers.tsv``, ``field_labels.tsv``,
``section_labels.txt``); matching happens on normalized keys so that hamza,
tanween and Persian-letter variants of a marker are one marker.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import regex

from marsad.arabic.clitics import surface_counts
from marsad.arabic.lexicons import data_lines, mapping, word_set
from marsad.arabic.normalize import normalize, normalize_with_offsets

_PREFIX = 160  # markers, labels and field names sit at the start of a line: only this much is normalized


@lru_cache(maxsize=16384)
def _key(text: str) -> str:
    return normalize(text)


def _head_key(line: str) -> str:
    return _key(line[:_PREFIX])


@dataclass(frozen=True, slots=True)
class MarkerHit:
    reason: str
    scope: str  # tail | line | glued
    rest: str  # displayed text after the marker on the same line


@cache
def _markers() -> list[tuple[str, str, str]]:
    rows = []
    for line in data_lines("markers.tsv"):
        phrase, reason, scope = line.split("\t")
        rows.append((normalize(phrase), reason, scope))
    rows.sort(key=lambda r: -len(r[0]))
    return rows


_LEAD_JUNK = regex.compile(r"^[\s\-–—•·*|:>»«\"'“”()\[\]]+")
_SEP_AFTER = regex.compile(r"^[\s:：\-–—|.،,]*")


def _display_offset(display: str, key_len: int) -> int:
    """Index in ``display`` after the first ``key_len`` characters of its key."""
    from marsad.arabic.normalize import normalize_with_offsets

    key, offs = normalize_with_offsets(display)
    lead = len(key) - len(key.lstrip())
    idx = min(lead + key_len, len(offs) - 1)
    return offs[idx]


def match_marker(line: str) -> MarkerHit | None:
    """A boilerplate marker at the start of ``line`` (after bullets and quotes), if any."""
    for body in (line.strip(), _LEAD_JUNK.sub("", line)):
        hit = _match_marker_at_start(body)
        if hit:
            return hit
    return None


@cache
def _marker_start_re() -> regex.Pattern:
    return regex.compile("|".join(regex.escape(p) for p, _, _ in _markers()))


def _match_marker_at_start(body: str) -> MarkerHit | None:
    key = _head_key(body)
    if not _marker_start_re().match(key):  # one regex test rules out most lines
        return None
    for phrase, reason, scope in _markers():
        if key == phrase or (key.startswith(phrase) and not key[len(phrase): len(phrase) + 1].isalpha()):
            rest = body[_display_offset(body, len(phrase)):]
            rest = _SEP_AFTER.sub("", rest)
            if len(body) > _PREFIX and key == phrase:
                continue  # the whole (long) line only looked like the marker in its first characters
            if scope == "line" and len(rest.split()) > 12 and reason not in ("comments", "copyright", "subscribe"):
                continue  # a long sentence that merely starts like a marker
            if reason == "label" and rest:
                continue
            return MarkerHit(reason, scope, rest)
    return None


def contains_marker_inline(line: str) -> tuple[int, MarkerHit] | None:
    """A glued-scope marker anywhere inside a line (``...العسكريةإقرأ المزيد``)."""
    key = _key(line)
    for phrase, reason, scope in _markers():
        if scope != "glued":
            continue
        pos = key.find(phrase)
        if pos > 0:
            from marsad.arabic.normalize import normalize_with_offsets

            k2, offs = normalize_with_offsets(line)
            p2 = k2.find(phrase)
            if p2 >= 0:
                start = offs[p2]
                rest = _SEP_AFTER.sub("", line[offs[p2 + len(phrase)]:] if p2 + len(phrase) < len(offs) else "")
                return start, MarkerHit(reason, scope, rest)
    return None


@cache
def _field_labels() -> list[tuple[str, str]]:
    rows = sorted(mapping("field_labels.tsv").items(), key=lambda kv: -len(kv[0]))
    return rows


_FIELD_SEP = regex.compile(r"^\s*(?:[:：|\-–—]\s*)")


def match_field(line: str) -> tuple[str, str] | None:
    """A metadata line ``LABEL: value`` -> (field, displayed value)."""
    body = _LEAD_JUNK.sub("", line)
    key = _head_key(body)
    for label, field in _field_labels():
        if key.startswith(label):
            after = key[len(label):]
            if not _FIELD_SEP.match(after):
                continue
            rest = body[_display_offset(body, len(label)):]
            rest = _FIELD_SEP.sub("", rest, count=1).strip()
            if not rest:
                return None
            return field, rest
    return None


def is_section_label(line: str) -> bool:
    if len(line) > 60:
        return False
    return _key(_LEAD_JUNK.sub("", line)).rstrip(" :-|") in word_set("section_labels.txt")


_LIST_ITEM = regex.compile(r"^\s*(?:[•·▪►◄●○■□‣⁃\-*]|\d{1,2}[.)]\s)\s*")


def is_list_item(line: str) -> bool:
    return bool(_LIST_ITEM.match(line))


_SENTENCE_END = regex.compile(r"[.!؟?…]\s*[\"'”»)]*\s*$")


def is_headline_like(line: str, max_words: int = 25) -> bool:
    """Short, and not ending like a sentence (two dots '..' are a headline device)."""
    words = line.split()
    if not words or len(words) > max_words:
        return False
    stripped = line.rstrip()
    if stripped.endswith("..") and not stripped.endswith("..."):
        return True
    if stripped.rstrip("!؟?.") != stripped and stripped.endswith(("؟", "?", "!")) and len(words) <= 15:
        return True  # a question or exclamation headline ("رفع الفائدة.. من يدفع الثمن؟", "... مزهرة..!")
    return not _SENTENCE_END.search(stripped)


# letters and marks that only end a word: ة, ى, and tanween (with its alef): "غداًكانت"
_GLUE_LETTER = regex.compile(r"(?:[ةى]|[\u064b-\u064d]ا?+|ا\u064b|[؟?!.»\"”])(?=[\p{Arabic}&&\p{L}])")
GLUE_WINDOW = 200  # a glued headline is short: look for the seam in its first characters only


GLUE_PART_MIN_COUNT = 20  # the second half of a glued token is a common word in the background corpus
GLUE_LEFT_MIN_COUNT = 5  # ... and the first half is a word seen a few times at least
GLUE_WHOLE_MAX_COUNT = 2  # ... and the token itself is (nearly) never seen


def find_glue(text: str, min_offset: int = 8) -> int | None:
    """Where an article sentence resumes inside a headline glued to it, as an index into ``text``.

    ``قوات ... بسبب الأعمال العسكريةوقال حاجييف`` -> index of ``وقال``.  Two signals:
    a word-final letter (ة, ى, tanween) or a sentence end (؟ . » ") followed by more
    letters with no space, or a token never seen in
    the background corpus that splits into two common words (``بالدمامخلال`` ->
    ``بالدمام`` + ``خلال``, ``الشمسومع`` -> ``الشمس`` + ``ومع``).
    """
    window = text[:GLUE_WINDOW]
    for m in _GLUE_LETTER.finditer(window):
        if m.start() >= min_offset:
            return m.end()
    counts = surface_counts()
    for tok in regex.finditer(r"[\p{L}\p{M}]{6,}", window):
        if tok.start() < min_offset:
            continue
        word = tok.group()
        key, offs = normalize_with_offsets(word)
        if counts.get(key, 0) > GLUE_WHOLE_MAX_COUNT:
            continue
        for i in range(3, len(key) - 1):
            left, right = key[:i], key[i:]
            if counts.get(left, 0) >= GLUE_LEFT_MIN_COUNT and counts.get(right, 0) >= GLUE_PART_MIN_COUNT:
                return tok.start() + offs[i]
    return None


_DATE_ONLY_MAX_WORDS = 8


def is_date_only(line: str) -> bool:
    from marsad.analyze.dates import parse_date_line

    return len(line.split()) <= _DATE_ONLY_MAX_WORDS and parse_date_line(line) is not None
