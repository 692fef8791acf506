"""Tokens and sentences.

`tokenize` works on matching keys (see `normalize`) and yields word and number
tokens; digits glued to letters are split apart (``و400`` -> ``و``, ``400``).
`word_tokens` is the same on displayed text, keeping character offsets.
`split_sentences` cuts displayed text into sentences without a cap on their
number (pyarabic's splitter stops after 32).
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from marsad.arabic.normalize import normalize

# letters (any script, incl. Arabic combining marks) or numbers with inner separators
_TOKEN_RE = regex.compile(r"\d+(?:[.,]\d+)*|[\p{L}\p{M}]+", regex.UNICODE)


@dataclass(frozen=True, slots=True)
class Token:
    """A token of displayed text with its key and character span."""

    text: str
    key: str
    start: int
    end: int


def tokenize(text: str, *, normalized: bool = False) -> list[str]:
    """Tokens of the matching key of ``text`` (set ``normalized`` if it already is one)."""
    key = text if normalized else normalize(text)
    return _TOKEN_RE.findall(key)


def word_tokens(text: str) -> list[Token]:
    """Tokens of displayed text, each with its matching key and offsets into ``text``."""
    return [Token(m.group(), normalize(m.group()), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


# A sentence ends at . ! ? ؟ … or a line break, unless the full stop sits between digits (3.5)
_SENT_END = regex.compile(
    r"""(?:(?<!\d)\.(?!\d)|[!?؟…]|\.(?=\s*$))+["'”»)\]]*(?=\s|$)|\n+""", regex.UNICODE
)


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    start: int
    end: int


def split_sentences(text: str) -> list[Sentence]:
    """Split displayed text into sentences with their offsets; quotes stay with their sentence."""
    out: list[Sentence] = []
    pos = 0
    for m in _SENT_END.finditer(text):
        _add_sentence(text, pos, m.end(), out)
        pos = m.end()
    _add_sentence(text, pos, len(text), out)
    return out


_HAS_WORD = regex.compile(r"[\p{L}\d]")  # compiled once: `regex.search` with a string pattern pays a cache lookup a call


def _add_sentence(text: str, start: int, end: int, out: list[Sentence]) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped or not _HAS_WORD.search(stripped):
        return
    lead = len(chunk) - len(chunk.lstrip())
    s = start + lead
    out.append(Sentence(stripped, s, s + len(stripped)))
