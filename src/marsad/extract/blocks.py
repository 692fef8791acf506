"""Line-level signals: markers, metadata fields, section labels, list items, glued headlines.

All phrase lists come from data files (``markers.tsv``, ``field_labels.tsv``,
``section_labels.txt``); matching happens on normalized keys so that hamza,
tanween and Persian-letter variants of a marker are one marker.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import regex

from marsad.arabic.clitics import PREFIXES, surface_counts
from marsad.arabic.lexicons import data_lines, mapping, word_set
from marsad.arabic.normalize import normalize, normalize_with_offsets

_PREFIX = 160  # markers, labels and field names sit at the start of a line: only this much is normalized


# The caches below serve the cleaner's questions about the blocks of one page (it asks about a
# block and its neighbours from several places): a few pages' worth is enough, and a larger cache
# only keeps every block of the last thousand pages alive (memory that grows page after page).
_BLOCK_CACHE = 1024


@lru_cache(maxsize=4 * _BLOCK_CACHE)
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
    return [(p, r, s) for p, r, s, _ in _marker_rows()]


@cache
def _marker_rows() -> list[tuple[str, str, str, bool]]:
    """(normalized phrase, reason, scope, needs a separator after it), longest phrase first."""
    rows = []
    for line in data_lines("markers.tsv"):
        cols = line.split("\t")
        rows.append((normalize(cols[0]), cols[1], cols[2], len(cols) > 3 and cols[3].strip() == "sep"))
    rows.sort(key=lambda r: -len(r[0]))
    return rows


# what may follow a marker that is also an ordinary word ("شاهد:", "للمزيد »", "المزيد |")
_MARKER_SEP = regex.compile(r"^\s*(?:[:：|\-–—»›>\"]|\.\.)")  # (normalize turns » into ")
_MARKER_TRAIL = " :：|-–—\".»›>"  # a marker line may end with these


_LEAD_JUNK = regex.compile(r"^[\s\-–—•·*|:>»«\"'“”()\[\]]+")
_SEP_AFTER = regex.compile(r"^[\s:：\-–—|.،,»›>]*")


def _display_offset(display: str, key_len: int) -> int:
    """Index in ``display`` after the first ``key_len`` characters of its key."""
    from marsad.arabic.normalize import normalize_with_offsets

    key, offs = normalize_with_offsets(display)
    lead = len(key) - len(key.lstrip())
    idx = min(lead + key_len, len(offs) - 1)
    return offs[idx]


@lru_cache(maxsize=_BLOCK_CACHE)
def match_marker(line: str) -> MarkerHit | None:
    """A boilerplate marker at the start of ``line`` (after bullets and quotes), if any.

    Cached: the cleaner asks this of the same block from several places.
    """
    stripped, bare = line.strip(), _LEAD_JUNK.sub("", line)
    hit = _match_marker_at_start(stripped)
    if hit is None and bare != stripped:  # (most lines open with no bullet or quote: the same test)
        hit = _match_marker_at_start(bare)
    return hit if hit is not None else _glued_marker_at_start(bare)


GLUED_HEAD_MAX_WORDS = 20  # a headline between a marker and the seam into the paragraph


def _glued_marker_at_start(body: str) -> MarkerHit | None:
    """A "related" marker with no separator, or glued to the next word, whose headline runs into a paragraph.

    ``للمزيد عندما تبدأ ... على قدر الألموقال ممثلون ...``, ``شاهدأهالي جازان ... اليوموبين معاليه ...``:
    a marker word alone is also an ordinary word ("شاهد الآلاف"), so it counts only when a
    glue seam (`find_glue`) follows within a headline's length and a paragraph runs on after it.
    """
    key = _head_key(body)
    if len(body) <= 60 or not _marker_start_re().match(key):
        return None
    for phrase, reason, scope, needs_sep in _marker_rows():
        if scope not in ("tail", "glued") or not key.startswith(phrase):
            continue
        rest = body[_display_offset(body, len(phrase)):]
        rest = _SEP_AFTER.sub("", rest)
        # a phrase of two words or more is a marker whatever follows it: a headline's weaker seam will do
        cut = find_glue(rest, min_offset=4, relaxed=" " in phrase and not needs_sep)
        if cut is None or not 2 <= len(rest[:cut].split()) <= GLUED_HEAD_MAX_WORDS:
            continue
        if len(rest[cut:].split()) < 8:
            continue  # the seam must open a paragraph, not end the line
        return MarkerHit(reason, "glued", rest)
    return None


@cache
def _marker_start_re() -> regex.Pattern:
    return regex.compile("|".join(regex.escape(p) for p, _, _ in _markers()))


def _match_marker_at_start(body: str) -> MarkerHit | None:
    key = _head_key(body)
    if not _marker_start_re().match(key):  # one regex test rules out most lines
        return None
    if len(body) <= _PREFIX:
        key = key.rstrip(_MARKER_TRAIL)  # "شاهد »", "اقرأ أيضا:" alone on their line
    for phrase, reason, scope, needs_sep in _marker_rows():
        if key == phrase or (key.startswith(phrase) and not key[len(phrase): len(phrase) + 1].isalpha()):
            if needs_sep and key != phrase and not _MARKER_SEP.match(key[len(phrase):]):
                continue  # "شاهد الآلاف ...": a sentence, not a marker
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


def opens_with_bare_marker(line: str) -> bool:
    """A short headline-like line opened by a marker word with no separator: "شاهد الملحق الثقافي ... «ريان»".

    Such words ("شاهد", "طالع", "للمزيد") open sentences too, so this is only a hint: the
    cleaner also asks that the line head nothing under it.
    """
    key = _head_key(_LEAD_JUNK.sub("", line))
    if not is_headline_like(line, GLUED_HEAD_MAX_WORDS) or not _marker_start_re().match(key):
        return False
    for phrase, _, scope, needs_sep in _marker_rows():
        if needs_sep and scope == "tail" and key.startswith(phrase + " "):
            return len(key[len(phrase):].split()) >= BARE_MARKER_MIN_WORDS
    return False


BARE_MARKER_MIN_WORDS = 3  # the headline after a bare marker word


@cache
def _inline_rows() -> list[tuple[str, str, str, bool]]:
    return [r for r in _marker_rows() if r[2] in ("glued", "tail")]


@cache
def _inline_cues() -> tuple[str, ...]:
    """The inline phrases that hold no shorter one: a line holds a phrase only if it holds one of these."""
    phrases = {r[0] for r in _inline_rows()}
    return tuple(sorted(p for p in phrases if not any(q != p and q in p for q in phrases)))


def contains_marker_inline(line: str, key: str | None = None) -> tuple[int, MarkerHit] | None:
    """A "read also" marker inside a paragraph, with the headline it introduces after it.

    ``...العسكريةإقرأ المزيد عنوان`` (a glued-scope marker anywhere) or ``... المقبل. طالع
    أيضا: عنوان`` (a tail marker after a sentence end, or glued to the last word).
    Returns (display index where the marker starts, hit with the text after it).
    ``key`` is ``normalize(line)`` when the caller has it.
    """
    if key is None:
        key = normalize(line)
    if not any(cue in key for cue in _inline_cues()):  # plain substring tests: much faster than a regex
        return None  # most paragraphs hold no marker phrase at all
    key, offs = normalize_with_offsets(line)
    best: tuple[int, MarkerHit] | None = None
    for phrase, reason, scope, needs_sep in _inline_rows():
        pos = key.find(phrase, 1)
        while pos > 0:
            end = pos + len(phrase)
            after = key[end:]
            ok = (not after[:1].isalpha() and (not needs_sep or _MARKER_SEP.match(after) is not None)) or (
                " " in phrase and _glued_on(key, pos, end))
            if ok and scope == "tail":
                before = key[max(0, pos - 8):pos].rstrip()  # only its last characters matter
                glued_word = key[pos - 1].isalpha() and " " in phrase  # "...العسكريةطالع أيضا"
                ok = (glued_word or before.endswith((".", "!", "؟", "?", "»", '"', "”", ")", ":", "،"))
                      or (key[pos - 1] == " " and _hangs_at_end(phrase, after, needs_sep)))
            if ok and (best is None or offs[pos] < best[0]):
                rest = _SEP_AFTER.sub("", line[offs[end]:] if end < len(offs) else "")
                best = (offs[pos], MarkerHit(reason, scope, rest))
                break
            pos = key.find(phrase, pos + 1)
    return best


def _glued_on(key: str, pos: int, end: int) -> bool:
    """A two-word marker run straight into the headline's first word ("طالع أيضاالهيئة"): the joined token is unseen."""
    if not key[end:end + 1].isalpha():
        return False
    start = key.rfind(" ", 0, end) + 1
    stop = key.find(" ", end)
    token = key[start: stop if stop >= 0 else len(key)]
    return len(key[end: stop if stop >= 0 else len(key)]) >= 2 and surface_counts().get(token, 0) <= GLUE_WHOLE_MAX_COUNT


def _hangs_at_end(phrase: str, after: str, needs_sep: bool) -> bool:
    """A marker after a plain word that closes the line with a headline: "... قطاعات إقرأ أيضاً: عنوان".

    The paragraph before it may end mid-sentence (a cut scrape); a marker that is also an
    ordinary word needs its separator, and what follows must be a headline's length.
    """
    if (needs_sep or " " not in phrase) and not _MARKER_SEP.match(after):
        return False
    rest = after.lstrip(" :：|-–—\".»›>")
    return 2 <= len(rest.split()) <= GLUED_HEAD_MAX_WORDS


@cache
def _field_labels() -> list[tuple[str, str]]:
    rows = sorted(mapping("field_labels.tsv").items(), key=lambda kv: -len(kv[0]))
    return rows


_FIELD_SEP = regex.compile(r"^\s*(?:[:：|\-–—]\s*)")


@lru_cache(maxsize=_BLOCK_CACHE)
def match_field(line: str) -> tuple[str, str] | None:
    """A metadata line ``LABEL: value`` -> (field, displayed value) (cached like `match_marker`)."""
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


_CRUMB_SEP = regex.compile(r"\s*(?:[>»›|/\\]|\s[-–—]\s)\s*")


def is_section_label(line: str) -> bool:
    """A section label or a breadcrumb trail ("الرئيسية > اقتصاد", "أخبار الخليج").

    A label is a listed one (``section_labels.txt``), or two or three words opened by
    a listed section head (``section_heads.txt``: أخبار, شؤون ...).  A trail is parts
    split by > » › | / or a spaced dash, each at most four words, one of them a label.
    """
    if len(line) > 120:
        return False
    body = _LEAD_JUNK.sub("", line)
    key = _key(body).rstrip(" :-|>»\"")
    if _is_label(key):
        return True
    parts = [_key(p) for p in _CRUMB_SEP.split(body) if p.strip()]  # split the displayed text: » is kept there
    return len(parts) >= 2 and all(len(p.split()) <= 4 for p in parts) and any(_is_label(p) for p in parts)


def _is_label(key: str) -> bool:
    if key in word_set("section_labels.txt"):
        return True
    words = key.split()
    return 2 <= len(words) <= 3 and words[0] in word_set("section_heads.txt") and not any(w.isdigit() for w in words)


_LIST_ITEM = regex.compile(r"^\s*(?:[•·▪►◄●○■□‣⁃\-–*]|\d{1,2}\s?[.)ـ–\-]\s)\s*")


def is_list_item(line: str) -> bool:
    return bool(_LIST_ITEM.match(line))


_SENTENCE_END = regex.compile(r"[.!؟?…]\s*[\"'”»)]*\s*$")


def is_headline_like(line: str, max_words: int = 25) -> bool:
    """Short, and not ending like a sentence (two dots '..' are a headline device)."""
    words = line.split(None, max_words)  # (enough to tell a long line: it keeps its rest whole)
    if not words or len(words) > max_words:
        return False
    stripped = line.rstrip()
    if stripped.endswith(("!.", "؟.", "?.")):
        stripped = stripped[:-1]  # "... «الولي المنتظر»..!.": a stray full stop after the headline's own mark
    if stripped.endswith("..") and not stripped.endswith("..."):
        return True
    if stripped.rstrip("!؟?.") != stripped and stripped.endswith(("؟", "?", "!")) and len(words) <= 15:
        return True  # a question or exclamation headline ("رفع الفائدة.. من يدفع الثمن؟", "... مزهرة..!")
    return not _SENTENCE_END.search(stripped)


# letters and marks that only end a word: ة, ى, and tanween (with its alef): "غداًكانت"
_GLUE_LETTER = regex.compile(r"(?:[ةى]|[\u064b-\u064d]ا?+|ا\u064b|[؟?!.»]|(?<!\u0640)”|(?<=[\p{L}\d.!؟?»])(?<!\u0640)\")(?=[\p{Arabic}&&\p{L}])")
# (a straight quote opens a quotation as often as it closes one: only one after a word closes it; after
# the tatweel of a prefix, "لـ”عين اليوم”", a quote of either kind opens one)
_GLUE_YEAR = regex.compile(r"(?<=\d{4})(?:م|هـ)(?=[\p{Arabic}&&\p{L}]{3})")
# direction marks and control codes that close a scraped headline ("التونسي\u200fمن", "الاستقلال\x1a\x1a ضحكنا"):
# no word holds them, so what follows them is the next piece of text (joiners, used inside words, are not among them)
# (a direction mark before a space also sits between two words of one headline: "الحرس\u200e الوطني")
_GLUE_INVISIBLE = regex.compile(r"(?<=[\p{L}\p{N}\p{P}])(?:[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+\s*|[\u200b\u200e\u200f\u061c\u2066-\u2069\ufeff]+)(?=\p{L})")
GLUE_WINDOW = 200  # a glued headline is short: look for the seam in its first characters only


# two-letter endings of Arabic words (dual, plural, pronoun suffixes): a rare token ending on one is one word
_SHORT_ENDINGS = frozenset({"ان", "ين", "ون", "ات", "ها", "هم", "هن", "كم", "كن", "نا", "ني", "يه", "وا", "تم", "ته", "يا"})
GLUE_PART_MIN_COUNT = 20  # the second half of a glued token is a common word in the background corpus
GLUE_LEFT_MIN_COUNT = 5  # ... and the first half is a word seen a few times at least
GLUE_WHOLE_MAX_COUNT = 2  # ... and the token itself is (nearly) never seen


def find_glue(text: str, min_offset: int = 8, relaxed: bool = False) -> int | None:
    """Where an article sentence resumes inside a headline glued to it, as an index into ``text``.

    ``قوات ... بسبب الأعمال العسكريةوقال حاجييف`` -> index of ``وقال``.  Two signals:
    a word-final letter (ة, ى, tanween) or a sentence end (؟ . » ") followed by more
    letters with no space, or a token never seen in
    the background corpus that splits into two common words (``بالدمامخلال`` ->
    ``بالدمام`` + ``خلال``, ``الشمسومع`` -> ``الشمس`` + ``ومع``).
    """
    window = text[:GLUE_WINDOW]
    for m in _GLUE_INVISIBLE.finditer(window):  # "... التونسي\u200fمن جهته": a direction mark or control code
        if m.start() >= min_offset and len(window[: m.start()].split()) <= GLUED_HEAD_MAX_WORDS:
            return m.end()
    for m in _GLUE_LETTER.finditer(window):
        if m.start() >= min_offset:
            return m.end()
    for m in _GLUE_YEAR.finditer(window):  # "... النصف الأول 2015موأوضح": a year's suffix, then a word
        if m.start() >= min_offset:
            return m.end()
    counts = surface_counts()
    for tok in regex.finditer(r"[\p{L}\p{M}]{6,}", window):
        if tok.end() <= min_offset:
            continue  # (the seam itself, not the token, must lie past min_offset: "الاسم الذهبيمن جهة")
        word = tok.group()
        key, offs = normalize_with_offsets(word)
        if counts.get(key, 0) > GLUE_WHOLE_MAX_COUNT or _prefixed_word(key, counts):
            continue
        for i in range(3, len(key) - 1):
            left, right = key[:i], key[i:]
            if len(right) == 2 and right in _SHORT_ENDINGS and word[offs[i]] not in "أإ":
                continue  # "تثيران": a dual or plural ending, not a word ("وزوكالاإن": a hamza opens one)
            if (counts.get(left, 0) >= GLUE_LEFT_MIN_COUNT and counts.get(right, 0) >= GLUE_PART_MIN_COUNT
                    and tok.start() + offs[i] >= min_offset):
                return tok.start() + offs[i]
    return _relaxed_glue(window, min_offset) if relaxed else None


def _prefixed_word(key: str, counts: dict[str, int]) -> bool:
    """An unseen token that is a known word behind its article or a conjunction: one rare word, no seam.

    ``المحظوظ`` is ال + محظوظ, not الم + حظوظ; a glued pair leaves no known word behind
    its prefix (``القادموأهاب`` -> قادموأهاب).
    """
    for p in PREFIXES:
        if key.startswith(p) and len(key) - len(p) >= 3 and counts.get(key[len(p):], 0) >= GLUE_LEFT_MIN_COUNT:
            return True
    return False


GLUE_RELAXED_RIGHT = 5  # a known headline's seam: the word opening the paragraph is seen this often
GLUE_RELAXED_RIGHT_ALONE = 20  # ... or this often, when the headline's last word is unseen
_DIGIT_SEAM = regex.compile(r"(?<=[\d)%٪])(?=[\p{Arabic}&&\p{L}]{2})")  # "(PX3)وذكر", "منتصف 2016واختتم"


# a bullet or dash glued to a headline's last word, or a number right after its closing quote
_PUNCT_SEAM = regex.compile(r"(?<=[\p{L}\d]{2})(?=[\-*•●▪■]\s?\p{L})|(?<=[”»\"])(?=\d)")  # ("مهرجان صيف ينبع 36* وفي")
_PARAGRAPH_OPENERS = ("ال", "و", "ف")  # a paragraph opens on a conjunction or a definite noun, most often
_SHORT_OPENERS = frozenset({"من", "في"})  # ... or on these ("من جانبه", "في غضون")


def _relaxed_glue(window: str, min_offset: int) -> int | None:
    """The seam when a headline is known to run into a paragraph (a marker opened it): weaker evidence will do.

    The first unseen token of the headline's length that ends on a number or a bracket before
    letters, or splits into a word seen at least once (or an unseen one of three letters or more)
    and a common word, with or without a conjunction (``قرشمن``, ``اليمنويسلط``); an unseen first
    half will do before a very common word opening on a conjunction or ال (``لهروبهمالمرشحات``).
    """
    counts = surface_counts()
    limit = len(window)
    for m in _PUNCT_SEAM.finditer(window):  # "دعم للسلام- احتفت", "“مسجد الصادق”1 ـ تعيين"
        if m.start() >= min_offset:
            limit = m.start()
            break
    # (a percent sign ends a headline's figure as a digit does: "نمو القروض 31%ولم يفعل")
    for tok in regex.finditer(r"[\p{L}\p{M}\d()%٪]{4,}", window[:limit]):
        if tok.end() <= min_offset:
            continue  # (the seam itself, not the token, must lie past min_offset: "قائد الأوركستراواضطرت")
        if len(window[: tok.start()].split()) >= GLUED_HEAD_MAX_WORDS:
            return None
        if (m := _DIGIT_SEAM.search(tok.group())) and tok.start() + m.start() >= min_offset:
            return tok.start() + m.start()
        key, offs = normalize_with_offsets(tok.group())
        if counts.get(key, 0) > GLUE_WHOLE_MAX_COUNT or _prefixed_word(key, counts):
            continue
        best: tuple[int, int] | None = None
        for i in range(2, len(key) - 1):
            left, right = key[:i], key[i:]
            if len(right) == 2 and right in _SHORT_ENDINGS and tok.group()[offs[i]] not in "أإ":
                continue
            n_left, n_right = counts.get(left, 0), counts.get(right, 0)
            if right[:1] in "وف" and len(right) >= 4:  # "ويحوي": the conjunction's word, if more common
                n_right = max(n_right, counts.get(right[1:], 0))
            if tok.start() + offs[i] < min_offset:
                continue
            if n_right >= GLUE_RELAXED_RIGHT and (n_left >= 1 or (n_right >= GLUE_RELAXED_RIGHT_ALONE and i >= 3
                                                                and (right.startswith(_PARAGRAPH_OPENERS)
                                                                     or right in _SHORT_OPENERS))):
                score = min(n_left + 1, n_right)
                if best is None or score > best[0]:
                    best = (score, i)
        if best is not None:
            return tok.start() + offs[best[1]]
    return limit if limit < len(window) and len(window[:limit].split()) <= GLUED_HEAD_MAX_WORDS else None


GLUE_FALLBACK_MIN_LETTERS = 7  # a token glued from two words is at least this long
_LONG_TOKEN = regex.compile(rf"[\p{{L}}\p{{M}}]{{{GLUE_FALLBACK_MIN_LETTERS},}}")


def glue_fallback(text: str, min_offset: int = 8) -> int | None:
    """The seam of a headline that runs on into a paragraph when `find_glue` finds no supported one.

    A marker's headline longer than any headline has its seam inside the first token never
    seen in the background corpus that is long enough to be two words (``قوسينيستغربون``):
    split it where both halves are known words (the more common the rarer half, the better),
    else before the longest known second half, else after the longest known first half, else
    after the whole token.  Wrong by a word at
    worst, where keeping the headline would keep all of its words.
    """
    counts = surface_counts()
    window = text[:GLUE_WINDOW]
    for tok in _LONG_TOKEN.finditer(window):
        if len(window[: tok.start()].split()) >= GLUED_HEAD_MAX_WORDS:
            return None
        key, offs = normalize_with_offsets(tok.group())
        if tok.end() <= min_offset or counts.get(key, 0) > GLUE_WHOLE_MAX_COUNT:
            continue
        both: tuple[int, int] | None = None
        right_at: int | None = None  # where the longest known second half starts
        left_to: int | None = None  # where the longest known first half ends
        for i in range(3, len(key) - 2):
            if tok.start() + offs[i] < min_offset:
                continue
            n_left, n_right = counts.get(key[:i], 0), counts.get(key[i:], 0)
            if n_left >= 1 and n_right >= 1 and (both is None or min(n_left, n_right) >= both[0]):
                both = (min(n_left, n_right), i)
            if right_at is None and n_right >= GLUE_LEFT_MIN_COUNT and len(key) - i >= 4:
                right_at = i
            if n_left >= GLUE_LEFT_MIN_COUNT:
                left_to = i
        cut = both[1] if both else right_at if right_at is not None else left_to
        return tok.start() + offs[cut] if cut is not None else tok.end()
    return None


_DATE_ONLY_MAX_WORDS = 8


def is_date_only(line: str) -> bool:
    from marsad.analyze.dates import parse_date_line

    return len(line.split(None, _DATE_ONLY_MAX_WORDS)) <= _DATE_ONLY_MAX_WORDS and parse_date_line(line) is not None


_CAPTION_MAX_WORDS = 12


@cache
def _caption_cues() -> tuple[str, ...]:
    return tuple(sorted(word_set("caption_cues.txt"), key=len, reverse=True))


def is_caption(line: str) -> bool:
    """A photo caption or credit: "صورة أرشيفية", "تصوير: فلان", "الوزير خلال اللقاء (أرشيفية)"."""
    words = line.split(None, _CAPTION_MAX_WORDS)
    if not words or len(words) > _CAPTION_MAX_WORDS or line.rstrip().endswith("."):
        return False
    if _credit_at_end(line, words):
        return True
    key = _key(_LEAD_JUNK.sub("", line)).rstrip(" )»\"")
    for cue in _caption_cues():
        if key == cue:
            return True
        if key.startswith(cue) and _CAPTION_SEP.match(key[len(cue):]):
            return True
        full = _key(line)
        if f"({cue}" in full or f"- {cue}" in full or f"– {cue}" in full:
            return True
    return False


_CAPTION_SEP = regex.compile(r"^\s*[:：|\-–—]")
_CREDIT = regex.compile(r"(?:\(\s*([^()]{2,30}?)\s*\)|[«\"“]\s*([^«»\"“”]{2,30}?)\s*[»\"”])\s*$")


def _credit_at_end(line: str, words: list[str]) -> bool:
    """A few words closed by a photo credit naming an agency or outlet: "الوزير خلال اللقاء (واس)", "... «عكاظ»".

    A headline or a sentence does not end on the bare name of a news outlet; a caption
    credits its photo that way.  The credit is a known outlet or wire (``outlets.tsv``)
    or a Latin word ("(AFP)", "«okaz»").
    """
    if len(words) < 3 or len(words) > 10:
        return False
    m = _CREDIT.search(line)
    if not m or m.start() < 8:
        return False
    name = (m.group(1) or m.group(2)).strip()
    if len(name.split()) > 3:
        return False
    if _LATIN_NAME.fullmatch(name):
        return True
    from marsad.extract.outlets import known

    return known(name) is not None


_LATIN_NAME = regex.compile(r"(?=[A-Za-z0-9 .\-]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9 .\-]{1,20}")  # "AFP", "3alyoum"
_LATIN_WORD = regex.compile(r"[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*")
_BYLINE_MAX_WORDS = 6
_BYLINE_SPLIT = regex.compile(r"\s*[-–—:|/]\s*")


def is_byline(line: str) -> bool:
    """An author or place line: "الرياض - محمد العتيبي", "محمد العتيبي", "جدة: فلان".

    Short (six words at most), no sentence punctuation, and made of a person's name
    (a listed first name, ``first_names.txt``) and/or a listed place
    (``gazetteer_places.tsv``) in parts split by a dash or a colon.
    """
    words = line.split(None, _BYLINE_MAX_WORDS)
    if (not words or len(words) > _BYLINE_MAX_WORDS or any(c in line for c in ".،,؟?!«»\"()")
            or any(ch.isdigit() for ch in _LATIN_WORD.sub("", line))):  # (a site's Latin name may hold a digit)
        return False
    parts = [p for p in _BYLINE_SPLIT.split(_key(line)) if p.strip()]
    if not parts or len(parts) > 3:
        return False
    names, places = word_set("first_names.txt"), _places()
    kinds = []
    for p in parts:
        ws = p.split()
        if p in places or (len(ws) <= 2 and " ".join(ws) in places):
            kinds.append("place")
        elif 2 <= len(ws) <= 4 and ws[0] in names:
            kinds.append("person")
        elif ws[0] in ("مراسل", "مراسله", "محرر", "خاص") or p.startswith(("صحيفه", "وكاله")) or p.isascii():
            kinds.append("desk")
        elif len(ws) <= 3:
            kinds.append("other")  # a name not in the list, next to a place
        else:
            return False
    if "place" in kinds:
        return len(kinds) >= 2
    return "person" in kinds and "other" not in kinds


@cache
def _places() -> frozenset[str]:
    return frozenset(k for k, _ in mapping("gazetteer_places.tsv").items())


@cache
def _shift_cues() -> tuple[str, ...]:
    cues = set(word_set("topic_shift_cues.txt"))
    return tuple(sorted(cues, key=len, reverse=True))


def continues_article(line: str) -> bool:
    """Does the paragraph open by moving on within the same article ("من جهة ثانية", "إلى ذلك")?"""
    key = _key(line[:60])
    for k in (key, key[1:] if key[:1] in "وف" else None):
        if k is None:
            continue
        for cue in _shift_cues():
            if k.startswith(cue) and not k[len(cue): len(cue) + 1].isalpha():
                return True
    return False


_CELL_SEP = regex.compile(r"\s*[|\t؛]\s*")


def is_table_row(line: str) -> bool:
    """A row of a table flattened to text: two or more short cells split by | or a tab or ؛."""
    cells = [c for c in _CELL_SEP.split(line.strip()) if c.strip()]
    return len(cells) >= 2 and ("|" in line or "\t" in line or "؛" in line) and all(len(c.split()) <= 6 for c in cells)
