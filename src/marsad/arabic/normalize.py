"""Matching keys for Arabic text.

`normalize` turns displayed text into a key used for matching, indexing and
comparison.  It never touches what is shown to users: every stage keeps the
original string and derives keys from it on demand.

What the key folds together
---------------------------
* alef with hamza above/below, madda and wasla (أ إ آ ٱ) -> bare alef ا
* alef maqsura ى and Persian/Urdu yeh ی ې -> ي
* ta marbuta ة -> ه (so قرة and قره meet)
* Persian kaf ک and swash kaf ڪ -> ك ; Persian gaf گ -> ك ; veh ڤ -> ف ; peh پ -> ب ; tcheh چ -> ج
* hamza on waw/yeh (ؤ ئ) -> و ي
* tashkeel (harakat, tanween, shadda, sukun, dagger alef) and tatweel removed
* Arabic-Indic and Persian digits -> ASCII 0-9, Arabic decimal/thousands marks -> . ,
* punctuation variants unified: Arabic comma/semicolon/question mark, curly and
  angle quotes, dashes
* runs of white space (including no-break and zero-width characters) -> one space

The key is never longer than its input (a property the tests check), and
normalizing a key again returns it unchanged.
"""

from __future__ import annotations

import re
from functools import lru_cache

_CHAR_MAP = {
    # alef forms
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",
    "\u0672": "\u0627", "\u0673": "\u0627",
    # yeh forms
    "\u0649": "\u064a", "\u06cc": "\u064a", "\u06d0": "\u064a", "\u0626": "\u064a",
    # waw with hamza
    "\u0624": "\u0648",
    # ta marbuta
    "\u0629": "\u0647", "\u06c0": "\u0647", "\u06c1": "\u0647", "\u06be": "\u0647",
    # Persian / Urdu letters
    "\u06a9": "\u0643", "\u06aa": "\u0643", "\u06af": "\u0643",
    "\u06a4": "\u0641", "\u067e": "\u0628", "\u0686": "\u062c", "\u0698": "\u0632",
    # punctuation
    "\u060c": ",", "\u061b": ";", "\u061f": "?", "\u066a": "%", "\u066b": ".", "\u066c": ",",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\u2033": '"',
    "\u2018": "'", "\u2019": "'", "\u201a": "'",
    "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u3000": " ",
}
for _i in range(10):
    _CHAR_MAP[chr(0x0660 + _i)] = str(_i)  # Arabic-Indic digits
    _CHAR_MAP[chr(0x06F0 + _i)] = str(_i)  # Extended (Persian) digits

_DROP = (
    "\u0610-\u061a"  # Quranic marks
    "\u064b-\u065f"  # tashkeel
    "\u0670"  # dagger alef
    "\u06d6-\u06ed"  # Quranic annotation
    "\u0640"  # tatweel
    "\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff"  # zero-width and bidi controls
)
_TRANSLATE = str.maketrans({**_CHAR_MAP, **{chr(c): None for c in range(0)}})
_DROP_RE = re.compile(f"[{_DROP}]")
_SPACE_RE = re.compile(r"\s+")
_SPACE_RUN_RE = re.compile(r"\s{2,}")
_ANY_SPACE_RE = re.compile(r"[^\S ]")  # white space other than a plain space
_SPACE_TRANSLATE = {c: " " for c in range(0x3001) if chr(c).isspace() and re.fullmatch(r"\s", chr(c))}
_DIGIT_TRANSLATE = str.maketrans(
    {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}
)


def normalize(text: str, *, lower: bool = True) -> str:
    """Return the matching key of ``text``.

    >>> normalize("قرة باغ") == normalize("قره باغ")
    True
    >>> normalize("إقرأ أيضاً")
    'اقرا ايضا'
    >>> normalize("٢٠٢٣")
    '2023'
    """
    if not text:
        return ""
    if lower and len(text) <= _WORD_CACHE_LEN:
        return _normalize_short(text)
    return _normalize(text, lower)


def _normalize(text: str, lower: bool) -> str:
    key = _fold(_DROP_RE.sub("", text))
    if "  " in key or _ANY_SPACE_RE.search(key):  # most texts hold single plain spaces only: nothing to collapse
        key = _SPACE_RE.sub(" ", key)
    key = key.strip()
    return key.lower() if lower else key


# (letter, its replacement): every replacement is one character and none is itself replaced, so
# replacing them one after the other is `str.translate(_TRANSLATE)`; a text holds few of them, and
# a substring test and a replace per letter present cost a fifth of `translate`, which looks up
# every character of the text in a dict
_FOLDS = tuple(sorted(_CHAR_MAP.items()))
assert all(len(v) == 1 and v not in _CHAR_MAP for _, v in _FOLDS)


def _fold(text: str) -> str:
    """``text.translate(_TRANSLATE)``, faster on Arabic text."""
    for ch, to in _FOLDS:
        if ch in text:
            text = text.replace(ch, to)
    return text


_WORD_CACHE_LEN = 40  # words and short phrases repeat across articles: their keys are kept


def _drop_chars() -> list[int]:
    """The code points `_DROP` names (single characters and ``a-b`` ranges)."""
    out: list[int] = []
    i = 0
    while i < len(_DROP):
        if i + 2 < len(_DROP) and _DROP[i + 1] == "-":
            out.extend(range(ord(_DROP[i]), ord(_DROP[i + 2]) + 1))
            i += 3
        else:
            out.append(ord(_DROP[i]))
            i += 1
    return out


# dropping then folding in one `str.translate`: no folded letter is dropped and no dropped character is
# folded, so the order does not matter; on a word this is three times as fast as `_fold` after the regex
_DROP_FOLD = str.maketrans({**_CHAR_MAP, **dict.fromkeys(map(chr, _drop_chars()))})
assert not set(_CHAR_MAP) & set(map(chr, _drop_chars())) and not set(_CHAR_MAP.values()) & set(map(chr, _drop_chars()))


@lru_cache(maxsize=300_000)
def _normalize_short(text: str) -> str:
    """`_normalize` (lower-cased) of a word or short phrase."""
    key = text.translate(_DROP_FOLD)
    if "  " in key or _ANY_SPACE_RE.search(key):
        key = _SPACE_RE.sub(" ", key)
    return key.strip().lower()


def normalize_digits(text: str) -> str:
    """Replace Arabic-Indic and Persian digits with ASCII digits, leaving the rest as is."""
    return text.translate(_DIGIT_TRANSLATE)


_RECENT: dict[str, tuple[str, list[int]]] = {}
_RECENT_SIZE = 32  # the analysers of one article normalize its text and each sentence two or three times


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """The matching key of ``text`` and, for each key character, its index in ``text``.

    Used to find things in the key and show them in the displayed text.  Unlike
    `normalize`, leading and trailing spaces are kept so offsets stay simple.
    """
    hit = _RECENT.get(text)
    if hit is not None:
        return hit[0], list(hit[1])  # a copy: the caller may change its list
    if len(_RECENT) >= _RECENT_SIZE:
        _RECENT.clear()
    key, offsets = _key_with_offsets(text)
    _RECENT[text] = (key, offsets)
    return key, list(offsets)


def _key_with_offsets(text: str) -> tuple[str, list[int]]:
    # built from slices between the few characters dropped and the few white-space runs
    # collapsed, not character by character
    drops = [m.start() for m in _DROP_RE.finditer(text)]
    folded = _fold(_DROP_RE.sub("", text) if drops else text)
    lowered = folded.lower()
    if len(lowered) != len(folded):  # a few letters lower-case to two characters: take the slow road
        return _normalize_with_offsets_slow(text)
    if len(folded) != len(text) - len(drops):  # a mapping produced or dropped characters
        return _normalize_with_offsets_slow(text)
    if drops:
        kept: list[int] = []
        prev = 0
        for d in drops:
            kept.extend(range(prev, d))
            prev = d + 1
        kept.extend(range(prev, len(text)))
    else:
        kept = list(range(len(text)))
    runs = [m.span() for m in _SPACE_RUN_RE.finditer(lowered)]
    if runs:
        offsets: list[int] = []
        prev = 0
        for a, b in runs:  # a run of white space becomes one space at the run's first character
            offsets.extend(kept[prev:a + 1])
            prev = b
        offsets.extend(kept[prev:])
        key = _SPACE_RE.sub(" ", lowered)
    else:
        offsets = kept
        key = lowered.translate(_SPACE_TRANSLATE) if _ANY_SPACE_RE.search(lowered) else lowered
    offsets.append(len(text))
    return key, offsets


def _normalize_with_offsets_slow(text: str) -> tuple[str, list[int]]:
    out: list[str] = []
    offsets: list[int] = []
    prev_space = False
    for i, ch in enumerate(text):
        if _DROP_RE.match(ch):
            continue
        mapped = ch.translate(_TRANSLATE)
        if mapped.isspace():
            if prev_space:
                continue
            mapped = " "
            prev_space = True
        else:
            prev_space = False
        for m in mapped.lower():
            out.append(m)
            offsets.append(i)
    offsets.append(len(text))
    return "".join(out), offsets
