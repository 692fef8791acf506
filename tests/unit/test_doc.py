"""`Doc`: one analysed document per article, and the slices it hands out equal what re-normalizing gives."""

from __future__ import annotations

import datetime as dt

import pytest
import regex

from marsad.analyze.doc import LETTERS, WORD, Doc
from marsad.arabic.normalize import normalize, normalize_with_offsets
from marsad.model import Article
from tests.conftest import SEEDS, saudinewsnet

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True, scope="module")
def _forget_prefix_keys():
    """Every prefix normalized here would stay in the shared word cache and crowd what later tests measure."""
    yield
    import importlib

    importlib.import_module("marsad.arabic.normalize")._normalize_short.cache_clear()

# white space runs across a cut, dropped marks (tashkeel, tatweel, zero-width and bidi controls),
# letters that lower-case to two characters (the slow path of the key), digits of three scripts
TRICKY = [
    "قال  \u200f  الوزير إن ٢٠ ألفاً  قتلوا.",
    "\u200fالمتحدث\u064e باسم\t\tالوزارة:   «لا توجد أي قوات»",
    "İstanbul \u0130 قالت الشرکة ۱۵ في\u00a0المئة\u2009 من الأسهم",
    "وأضـــاف   الرئيس،\n\n\u200b وقال   إنّ 3.5 مليون دولار",
]


def _texts() -> list[str]:
    out = list(TRICKY)
    if SEEDS.exists():
        out += [p.read_text(encoding="utf-8")[:3000] for p in sorted(SEEDS.glob("*.txt"))]
    try:
        out += [r["content"][:2000] for r in saudinewsnet(15) if r.get("content")]
    except pytest.skip.Exception:
        pass
    return out


@pytest.mark.parametrize("text", _texts(), ids=lambda t: str(len(t)))
def test_sentence_slices_equal_what_normalizing_the_prefix_gives(text):
    doc = Doc(text)
    assert doc.keyed == normalize_with_offsets(text)
    assert doc.sentences, "every text here has a sentence"
    for sent in doc.sentences:
        assert text[sent.start:sent.end] == sent.text
        assert sent.keyed == normalize_with_offsets(sent.text)
        for pos in range(len(sent.text) + 1):
            prefix = sent.text[:pos]
            assert sent.keyed_before(pos) == normalize_with_offsets(prefix), pos
            assert sent.words_before(pos) == normalize(prefix).split(), pos
            toks = sent.tokens_before(pos)
            want = [(m.start(), m.end(), m.group()) for m in LETTERS.finditer(prefix)]
            assert [toks[i] for i in range(len(toks))] == want, pos
            assert toks.keys() == [normalize(w) for *_, w in want], pos


@pytest.mark.parametrize("text", TRICKY)
def test_words_keys_and_windows(text):
    doc = Doc(text)
    ms = list(WORD.finditer(text))
    assert doc.words == tuple(m.group() for m in ms)
    assert doc.keys == tuple(normalize(m.group()) for m in ms)
    assert all(text[s:e] == w for w, s, e in zip(doc.words, doc.starts, doc.ends, strict=True))
    assert all(doc.words[b] in (".", "!", "؟", "?") for _, b in doc.windows if b < len(doc.words))
    # the clitic split: a conjunction comes off a known word, never off a given name
    assert Doc("وقال الرئيس وباكو وليلى").stripped[2:] == ("باكو", "ليلي")


def test_analysers_accept_text_or_doc_and_analyze_builds_one_doc(monkeypatch):
    from marsad.analyze import core
    from marsad.analyze.claims import find_claims
    from marsad.analyze.dates import find_dates, find_durations, weekday_mentions
    from marsad.analyze.entities import find_mentions
    from marsad.analyze.quotes import find_quotes

    text = ("قال وزير الصحة خالد المنصوري يوم الأحد الماضي إن 200 شخص قتلوا اليوم الثلاثاء خلال 44 يوما. "
            "وأضاف: «لا توجد أي قوات في المدينة منذ شهرين». وبحسب الوزارة ارتفعت الأسعار 5 في المئة.")
    ref = dt.date(2015, 7, 21)
    doc = Doc(text)
    mentions = tuple(find_mentions(text, use_model=False))
    assert mentions == tuple(find_mentions(doc, use_model=False))
    assert find_dates(text, ref) == find_dates(doc, ref) != []
    assert find_durations(text) == find_durations(doc) != []
    assert find_quotes(text, "a", mentions) == find_quotes(doc, "a", mentions) != []
    assert find_claims(text, "a", mentions) == find_claims(doc, "a", mentions) != []
    # the pipeline's weekday hints read the analysed key: the same as normalizing the text again
    assert weekday_mentions(text) == weekday_mentions(doc) != []

    built: list[str] = []
    real_init = Doc.__init__

    def counting(self, t):
        built.append(t)
        real_init(self, t)

    monkeypatch.setattr(Doc, "__init__", counting)
    art = Article("x", "x", None, tuple(text.split("\n")) + ("فقرة ثانية عن 3 آلاف جندي.",), published="2015-07-21")
    an = core.analyze(art, use_model=False)
    assert len(built) == 1 and built[0] == art.text
    assert an.dates and an.claims and an.quotes
    weekday_mentions(art.text)  # right after the analysis: the same Doc, nothing normalized again
    assert len(built) == 1


def test_weekday_hints_equal_those_of_the_stripped_key():
    """`weekday_mentions` reads `Doc.key` (spaces kept at both ends); the patterns see no difference."""
    from marsad.analyze.dates import _grammar

    g = _grammar()
    for text in _texts() + ["  الأحد الماضي  ", "\nأمس الخميس\n"]:
        key = normalize(text)
        want = [(regex.sub(r"\s+", " ", m.group("rel")), g["tables"]["wd"][m.group("wd")])
                for m in g["pats"]["relative"].finditer(key) if m.group("wd")]
        want += [("", g["tables"]["wd"][m.group("wd")])
                 for m in g["pats"]["weekday"].finditer(key) if not m.group("past") and not m.group("next")]
        from marsad.analyze.dates import weekday_mentions

        assert weekday_mentions(Doc(text)) == weekday_mentions(text) == want


def test_recent_documents_are_few_and_small():
    from marsad.analyze.doc import _RECENT_MAX_CHARS, _RECENT_SIZE

    texts = [f"نص رقم {i}" for i in range(_RECENT_SIZE + 1)]
    docs = [Doc.of(t) for t in texts]
    assert Doc.of(texts[-1]) is docs[-1] and Doc.recent(texts[-1]) is docs[-1]
    assert Doc.recent(texts[0]) is None  # the oldest made room
    big = "كلمة " * (_RECENT_MAX_CHARS // 5 + 1)
    assert Doc.of(big) is not Doc.of(big) and Doc.recent(big) is None
