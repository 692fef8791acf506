"""The word forms a search query expands to: clitics and the article, but never a function word."""

from __future__ import annotations

import pytest

from marsad.arabic.normalize import normalize
from marsad.query.search import word_forms

pytestmark = pytest.mark.unit


def test_clitic_forms_of_a_noun():
    forms = word_forms(normalize("السيول"))
    assert {"سيول", "السيول", "بالسيول", "والسيول"} <= forms


def test_a_word_is_not_cut_down_to_a_function_word():
    # the corpus sees سوف ("will") far more often than كسوف ("eclipse"), so the clitic rule alone strips ك
    forms = word_forms(normalize("كسوف"))
    assert "كسوف" in forms and "الكسوف" in forms and "سوف" not in forms
