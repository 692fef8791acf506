"""The extractor's fast paths (issue #19) give what their plain definitions give.

Each shortcut taken for speed is checked against the obvious way of computing the same
thing, on the seeds' lines and on generated text: the matching key built with one
replace per letter present against ``str.translate``, term vectors built from cached
terms against `weighted(terms(...))`, word limits read with ``split(None, n)`` against a
full ``split()``, and trafilatura's options shared between pages without a URL.
"""

from __future__ import annotations

import importlib
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.arabic.terms import terms, weighted
from marsad.extract import blocks, clean
from marsad.extract.html import _options, html_blocks

pytestmark = pytest.mark.unit

norm = importlib.import_module("marsad.arabic.normalize")

# letters the key folds, letters it keeps, marks it drops, and white space of all kinds
_ALPHABET = (list(norm._CHAR_MAP) + list("ابتثجحخدذرزسشصضطظعغفقكلمنهوي ءaBz09.,!؟")
             + ["\u064b", "\u0651", "\u0640", "\u200b", " ", "  ", "\t", "\n", "\u00a0", "\u3000", "İ", "Σ"])
arabic_mix = st.lists(st.sampled_from(_ALPHABET), max_size=60).map("".join)


def _seed_lines(seeds_dir) -> list[str]:
    lines = []
    for path in sorted(seeds_dir.glob("*.txt")):
        lines += [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return lines


def _normalize_by_definition(text: str, lower: bool = True) -> str:
    key = norm._DROP_RE.sub("", text).translate(norm._TRANSLATE)
    key = norm._SPACE_RE.sub(" ", key).strip()
    return key.lower() if lower else key


@settings(max_examples=400, deadline=None)
@given(arabic_mix)
def test_key_is_the_translate_key(text):
    assert norm._normalize(text, True) == _normalize_by_definition(text)
    assert norm._normalize(text, False) == _normalize_by_definition(text, lower=False)
    assert norm._fold(text) == text.translate(norm._TRANSLATE)


def test_key_of_seed_lines_is_the_translate_key(seeds_dir):
    lines = _seed_lines(seeds_dir)
    assert len(lines) > 50
    for ln in lines:
        assert norm._normalize(ln, True) == _normalize_by_definition(ln)


def _assert_same_vector(vec: clean.Vec, text: str) -> None:
    ref = weighted(terms(text), normalized=False)
    # the same terms in the same order (sums over them must come out bit for bit the same)
    assert list(vec.w) == list(ref)
    for t, x in ref.items():
        assert vec.w[t] == x
    assert vec.sq == sum(x * x for x in ref.values())


def test_term_vectors_are_the_weighted_terms(seeds_dir):
    lines = _seed_lines(seeds_dir)
    clean._TERM.clear()
    clean._IDF.clear()
    for ln in lines:  # every line new to the caches, then again from them
        _assert_same_vector(clean._vec(ln), ln)
    for ln in lines:
        _assert_same_vector(clean._vec(ln), ln)
    repeated = "الرياض الرياض الرياض " * 70 + lines[0]  # a count past the TF table
    _assert_same_vector(clean._vec(repeated), repeated)


def test_term_vectors_survive_dropped_caches(seeds_dir, monkeypatch):
    """The caches are dropped between blocks when full; no block reads a half-dropped cache."""
    monkeypatch.setattr(clean, "_TERM_MAX", 7)
    clean._TERM.clear()
    clean._IDF.clear()
    for ln in _seed_lines(seeds_dir)[:80]:
        _assert_same_vector(clean._vec(ln), ln)
    monkeypatch.setattr(clean, "_TERM_MAX", 400_000)
    for ln in _seed_lines(seeds_dir)[:80]:  # terms kept, their IDF dropped (as another thread may drop it)
        clean._vec(ln)
        clean._IDF.clear()
        _assert_same_vector(clean._vec(ln), ln)
        assert all(t in clean._IDF for t in clean._vec(ln).w)  # and kept again
    clean._TERM.clear()
    clean._IDF.clear()


def test_cosine_is_the_plain_cosine(seeds_dir):
    lines = [ln for ln in _seed_lines(seeds_dir) if len(ln.split()) > 8][:40]
    vecs = [clean._vec(ln) for ln in lines]
    for a in vecs[:10]:
        for b in vecs:
            dot = sum(x * b.w.get(t, 0.0) for t, x in a.w.items())
            want = dot / math.sqrt(a.sq * b.sq) if dot else 0.0
            assert math.isclose(clean.cosine(a, b), want, rel_tol=1e-12)


_EDGE_LINES = ["", "   ", "كلمة", " واحد  اثنان\tثلاثة\nأربعة ", "أ " * 6, "أ " * 7, "أ " * 8, "أ " * 9,
               "ب " * 12, "ب " * 13, "ج " * 20, "ج " * 21, "د " * 25, "د " * 26, "الرياض - محمد العتيبي",
               "12 مايو 2015", "الأحد 12 مايو 2015 م", "صورة أرشيفية", "الوزير خلال اللقاء (واس)",
               "س: ما رأيك؟", "• أولا البند الأول", "- ثانيا"]


def _headline_by_definition(line: str, max_words: int) -> bool:
    words = line.split()
    if not words or len(words) > max_words:
        return False
    stripped = line.rstrip()
    if stripped.endswith("..") and not stripped.endswith("..."):
        return True
    if stripped.rstrip("!؟?.") != stripped and stripped.endswith(("؟", "?", "!")) and len(words) <= 15:
        return True
    return not blocks._SENTENCE_END.search(stripped)


def test_word_limits_read_as_a_full_split(seeds_dir):
    """Tests that read only "at most n words" split at most n times; the answers are those of a full split."""
    from marsad.analyze.dates import parse_date_line

    for ln in _seed_lines(seeds_dir) + _EDGE_LINES:
        words = ln.split()
        for limit in (0, 12, 20, 25):
            assert blocks.is_headline_like(ln, limit) == _headline_by_definition(ln, limit), (ln, limit)
        assert blocks.is_date_only(ln) == (len(words) <= 8 and parse_date_line(ln) is not None)
        assert clean._short_label(ln) == (1 <= len(words) <= 3 and not any(ch.isdigit() for ch in ln)
                                          and not any(c in ln for c in ".،,؟?!:"))
        assert clean._dateline_opens_foreign(ln) == (len(words) >= 4 and not any(ch.isdigit() for ch in words[0]))
        assert clean._short_line(ln) == (len(words) <= 12 and _headline_by_definition(ln, 12)
                                         and not blocks.match_marker(ln))
        if len(words) > 12:
            assert not blocks.is_caption(ln)
        if len(words) > 6:
            assert not blocks.is_byline(ln)
    assert blocks.is_byline("الرياض - محمد العتيبي") and blocks.is_caption("الوزير خلال اللقاء (واس)")


def test_bare_marker_line_is_tested_once_and_alike():
    """A marker after a bullet or a quote is found as before; a plain line is not tested twice."""
    plain = blocks.match_marker("اقرأ أيضا: عنوان خبر آخر عن الطقس")
    bullet = blocks.match_marker("• اقرأ أيضا: عنوان خبر آخر عن الطقس")
    assert plain is not None and bullet is not None
    assert (plain.reason, plain.scope, plain.rest) == (bullet.reason, bullet.scope, bullet.rest)
    assert blocks.match_marker("أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد") is None


PAGE = ("<html><head><title>عنوان الخبر</title></head><body><article><h1>عنوان الخبر</h1>"
        "<p>أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد للأطفال في مدينة تبوك بسعة مئتي سرير ضمن خطة "
        "لتوسيع الخدمات الصحية في المناطق الشمالية من المملكة.</p>"
        "<p>وقال وكيل الوزارة إن المستشفى الجديد يضم أقساما للعناية المركزة وجراحة الأطفال وإن الكوادر "
        "الطبية فيه من الأطباء السعوديين بنسبة كبيرة.</p></article></body></html>")


def test_pages_without_a_url_share_options_that_keep_no_url():
    """trafilatura's options are shared by pages without a URL: a page with one never leaves it there."""
    with_url = html_blocks(PAGE, "https://www.okaz.com.sa/news/1")
    assert with_url[1]["url"] == "https://www.okaz.com.sa/news/1"
    assert _options().url is None and _options().source is None
    blocks_, meta = html_blocks(PAGE)
    assert meta["url"] is None
    assert blocks_ == with_url[0]
    assert any("مستشفى جديد" in b for b in blocks_)
