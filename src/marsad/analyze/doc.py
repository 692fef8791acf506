"""One analysed document per article, read by every analyser (spaCy's ``Doc`` is the model).

`Doc` holds an article's displayed text and what the analysers derive from it, each computed once:

* the matching key of the whole text and, for each key character, its index in the text
  (`normalize_with_offsets`): dates and durations search the key and show the text;
* the words of the text for the entity rules and the recognizer (`WORD` tokens: letter runs,
  digit runs, single punctuation marks), their keys and their keys without a proclitic
  (the clitic split: وباكو -> باكو, but وزارة stays); each distinct word is normalized once;
* the sentences (`split_sentences`), each a `SentenceView` with its own key and offsets, its
  letter tokens and their keys — what claims, numbers and quotes read.  A view also answers for
  any prefix of its sentence (the words before a figure or a quote) by slicing, with exactly
  what normalizing the prefix again would give (normalization is character by character, and a
  run of white space becomes one space at its first character, so the key of a prefix is the
  prefix of the key).

Everything derived is computed on first use and kept: a `Doc` is never changed after that, only
completed.  Every analyser still accepts plain text (it builds a `Doc` for it), so the command
line, the Spark job and the tests call them as before; `analyze()` builds one `Doc` and passes it
to all of them.  `Doc.of` keeps the last few documents built, so a caller that asks again for the
same text right after its analysis (the pipeline's weekday hints) does not normalize it again.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from functools import cached_property

import regex

from marsad.arabic.clitics import strip_proclitic
from marsad.arabic.lexicons import word_set
from marsad.arabic.normalize import normalize, normalize_with_offsets
from marsad.arabic.tokenize import split_sentences

# entity words: letter runs (with their marks), digit runs, or one mark of punctuation
WORD = regex.compile(r"[\p{L}\p{M}]+|\d+|[^\s\p{L}\p{M}\d]")
# the words of a sentence as quotes and speech verbs read them
LETTERS = regex.compile(r"[\p{L}\p{M}]+")
# an entity word that ends a recognizer window (the sentences `find_mentions` gives the recognizer)
WINDOW_ENDS = frozenset((".", "!", "؟", "?", "\n"))

_RECENT: dict[str, Doc] = {}
_RECENT_SIZE = 4
_RECENT_MAX_CHARS = 200_000  # a larger text (a hostile page) is not kept once analysed
_RECENT_LOCK = threading.Lock()


class SentenceView:
    """One sentence of a `Doc`: its text, offsets into the article, key, offsets and letter tokens."""

    __slots__ = ("text", "start", "end", "_keyed", "_tokens", "_keys", "_word_keys")

    def __init__(self, text: str, start: int, end: int, word_keys: dict[str, str] | None = None) -> None:
        self.text = text
        self.start = start
        self.end = end
        self._keyed: tuple[str, list[int]] | None = None
        self._tokens: list[tuple[int, int, str]] | None = None
        self._keys: list[str | None] = []
        self._word_keys = {} if word_keys is None else word_keys  # word -> key, shared with its Doc

    @property
    def keyed(self) -> tuple[str, list[int]]:
        """`normalize_with_offsets` of the sentence (read-only: shared by every analyser)."""
        if self._keyed is None:
            self._keyed = normalize_with_offsets(self.text)
        return self._keyed

    def keyed_before(self, pos: int) -> tuple[str, list[int]]:
        """Exactly `normalize_with_offsets(self.text[:pos])`, sliced from the sentence's key."""
        key, offs = self.keyed
        j = bisect_left(offs, pos, 0, len(offs) - 1)
        return key[:j], offs[:j] + [pos]

    def words_before(self, pos: int) -> list[str]:
        """Exactly ``normalize(self.text[:pos]).split()``."""
        key, offs = self.keyed
        return key[:bisect_left(offs, pos, 0, len(offs) - 1)].split()

    @property
    def tokens(self) -> list[tuple[int, int, str]]:
        """(start, end, word) of each letter run (``[\\p{L}\\p{M}]+``), offsets in the sentence."""
        if self._tokens is None:
            self._tokens = [(m.start(), m.end(), m.group()) for m in LETTERS.finditer(self.text)]
            self._keys = [None] * len(self._tokens)
        return self._tokens

    def token_key(self, i: int) -> str:
        """The key of token ``i`` (normalized on first use: most sentences need only a few)."""
        toks = self.tokens
        k = self._keys[i]
        if k is None:
            word = toks[i][2]
            k = self._word_keys.get(word)
            if k is None:
                k = self._word_keys[word] = normalize(word)
            self._keys[i] = k
        return k

    def tokens_before(self, pos: int) -> Tokens:
        """The letter runs of ``self.text[:pos]``, the run that ``pos`` cuts cut too (as a regex on the prefix finds them)."""
        toks = self.tokens
        k = bisect_right(toks, pos, key=lambda t: t[1])  # runs that end by pos are whole
        cut = None
        if k < len(toks) and toks[k][0] < pos:
            word = self.text[toks[k][0]:pos]
            cut = (toks[k][0], pos, word, normalize(word))
        return Tokens(self, k, cut)


class Tokens:
    """The first letter runs of a sentence (`SentenceView.tokens_before`): ``len``, ``[i]`` gives
    (start, end, word), `key` the run's key."""

    __slots__ = ("view", "n", "cut")

    def __init__(self, view: SentenceView, n: int, cut: tuple[int, int, str, str] | None) -> None:
        self.view, self.n, self.cut = view, n, cut

    def __len__(self) -> int:
        return self.n + (self.cut is not None)

    def __getitem__(self, i: int) -> tuple[int, int, str]:
        if i == self.n and self.cut is not None:
            return self.cut[:3]
        if not 0 <= i < self.n:
            raise IndexError(i)
        return self.view.tokens[i]

    def key(self, i: int) -> str:
        if i == self.n and self.cut is not None:
            return self.cut[3]
        if not 0 <= i < self.n:
            raise IndexError(i)
        return self.view.token_key(i)

    def keys(self) -> list[str]:
        return [self.key(i) for i in range(len(self))]


class Doc:
    """An article's text analysed once; see the module doc."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._word_keys: dict[str, str] = {}  # each distinct word of the article normalized once

    @classmethod
    def of(cls, text: str | Doc) -> Doc:
        """The `Doc` of ``text`` (the same object for the same text asked for again soon)."""
        if isinstance(text, Doc):
            return text
        if len(text) > _RECENT_MAX_CHARS:
            return cls(text)
        with _RECENT_LOCK:
            doc = _RECENT.get(text)
            if doc is None:
                if len(_RECENT) >= _RECENT_SIZE:
                    del _RECENT[next(iter(_RECENT))]  # the oldest
                doc = _RECENT[text] = cls(text)
            return doc

    @staticmethod
    def recent(text: str) -> Doc | None:
        """The `Doc` a recent `Doc.of` built for ``text``, if any (nothing is built or computed)."""
        with _RECENT_LOCK:
            return _RECENT.get(text)

    # -- the whole text ---------------------------------------------------------------------------
    @cached_property
    def keyed(self) -> tuple[str, list[int]]:
        """`normalize_with_offsets` of the text: the key and each key character's index in the text."""
        return normalize_with_offsets(self.text)

    @property
    def key(self) -> str:
        return self.keyed[0]

    @property
    def offsets(self) -> list[int]:
        return self.keyed[1]

    # -- entity words -----------------------------------------------------------------------------
    @cached_property
    def _words(self) -> tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]:
        ms = list(WORD.finditer(self.text))
        return tuple(m.group() for m in ms), tuple(m.start() for m in ms), tuple(m.end() for m in ms)

    @property
    def words(self) -> tuple[str, ...]:
        """The entity words of the text (`WORD`), as displayed."""
        return self._words[0]

    @property
    def starts(self) -> tuple[int, ...]:
        return self._words[1]

    @property
    def ends(self) -> tuple[int, ...]:
        return self._words[2]

    @cached_property
    def keys(self) -> tuple[str, ...]:
        """The matching key of each entity word."""
        known = self._word_keys
        out = []
        for w in self.words:
            k = known.get(w)
            if k is None:
                k = known[w] = normalize(w)
            out.append(k)
        return tuple(out)

    @cached_property
    def stripped(self) -> tuple[str, ...]:
        """Each word's key without a leading conjunction or preposition, when the corpus says so
        (a common given name stays whole: ليلى is a name, not ل + يلي)."""
        names = word_set("first_names.txt")
        return tuple(k if k in names else strip_proclitic(k) for k in self.keys)

    @cached_property
    def windows(self) -> tuple[tuple[int, int], ...]:
        """(first, end) word indexes of the sentences the recognizer reads: runs between end marks."""
        words = self.words
        out: list[tuple[int, int]] = []
        start = 0
        for idx in range(len(words) + 1):
            if idx == len(words) or words[idx] in WINDOW_ENDS:
                if idx > start:
                    out.append((start, idx))
                start = idx + 1
        return tuple(out)

    # -- sentences --------------------------------------------------------------------------------
    @cached_property
    def sentences(self) -> tuple[SentenceView, ...]:
        """`split_sentences` of the text, each with its key and tokens computed on first use."""
        return tuple(SentenceView(s.text, s.start, s.end, self._word_keys) for s in split_sentences(self.text))
