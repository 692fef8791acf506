"""arabic.normalize and arabic.tokenize: matching keys, never the displayed text."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.arabic.normalize import normalize, normalize_digits, normalize_with_offsets
from marsad.arabic.tokenize import split_sentences, tokenize, word_tokens

pytestmark = pytest.mark.unit

arabic_text = st.text(alphabet=st.sampled_from(
    list("ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئىةیکًٌٍَُِّْـ٠١٢٣٤٥٦٧٨٩۰۱۲ ،؛؟.\"«»“”-0123456789abc\n\t")), max_size=80)


@pytest.mark.parametrize("a,b", [
    ("قرة باغ", "قره باغ"),
    ("إقرأ أيضاً", "اقرا ايضا"),
    ("أذربيجان", "اذربيجان"),
    ("مستشفى", "مستشفي"),
    ("الإقلیم فی", "الاقليم في"),  # Persian yeh
    ("کاراباخ", "كاراباخ"),  # Persian kaf
    ("مُحَمَّدٌ", "محمد"),
    ("الســـلام", "السلام"),
    ("٢٠٢٣ و۴۰۰", "2023 و400"),
    ("«عاجل»", '"عاجل"'),
])
def test_variants_meet(a, b):
    assert normalize(a) == normalize(b)


def test_display_text_is_untouched():
    text = "قرة باغ"
    normalize(text)
    assert text == "قرة باغ"


@given(arabic_text)
def test_idempotent(text):
    assert normalize(normalize(text)) == normalize(text)


@given(arabic_text)
def test_never_longer(text):
    assert len(normalize(text)) <= len(text)


@given(arabic_text)
def test_tokens_never_lengthen(text):
    for tok in word_tokens(text):
        assert len(tok.key) <= len(tok.text)
        assert text[tok.start:tok.end] == tok.text


@given(arabic_text)
def test_offsets_point_into_text(text):
    key, offs = normalize_with_offsets(text)
    assert len(offs) == len(key) + 1
    assert all(0 <= o <= len(text) for o in offs)
    assert offs == sorted(offs)


def test_digits_glued_to_letters_are_split():
    assert tokenize("و400 جريح") == ["و", "400", "جريح"]
    assert tokenize("عام 2020م") == ["عام", "2020", "م"]


def test_normalize_digits_only_touches_digits():
    assert normalize_digits("في ١٢ سبتمبر") == "في 12 سبتمبر"


def test_sentence_splitter_has_no_cap():
    text = " ".join(f"الجملة رقم {i} هنا." for i in range(100))
    assert len(split_sentences(text)) == 100


def test_sentence_splitter_keeps_decimals_and_quotes():
    sents = split_sentences('ارتفع المؤشر 3.5 في المئة. وقال "هذا جيد." ثم غادر')
    assert [s.text for s in sents] == ["ارتفع المؤشر 3.5 في المئة.", 'وقال "هذا جيد."', "ثم غادر"]
