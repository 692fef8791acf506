"""Keys with offsets, built from slices for speed, equal the character-by-character construction."""

import importlib
import random

import pytest

from marsad.arabic.normalize import _normalize_with_offsets_slow, normalize, normalize_with_offsets
from tests.conftest import saudinewsnet

pytestmark = pytest.mark.unit

# letters that are dropped (tashkeel, tatweel, zero-width), folded, or white space of several kinds
_POOL = "abc ABC\n\t\u00a0\u2009\u200b\u200f\u064b\u0651\u0640أإآةىیک٣۴،؛«»\u2028 وقالفي"


def _cases() -> list[str]:
    rng = random.Random(19)
    made = ["".join(rng.choice(_POOL) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    news = [f"{r.get('title') or ''}\n{r['content']}" for r in saudinewsnet(60) if r.get("content")]
    return made + news + [p for t in news for p in t.split("\n")]


def test_offsets_equal_the_character_by_character_construction():
    for text in _cases():
        key, offsets = normalize_with_offsets(text)
        assert (key, offsets) == _normalize_with_offsets_slow(text), repr(text)
        assert len(offsets) == len(key) + 1
        assert normalize(text) == key.strip()


def test_short_keys_are_cached_and_long_ones_are_not():
    module = importlib.import_module("marsad.arabic.normalize")
    word = "وأرمينيا"
    module._normalize_short.cache_clear()
    assert normalize(word) == "وارمينيا" and normalize(word) == "وارمينيا"
    assert module._normalize_short.cache_info().hits == 1
    normalize(word * 20)
    assert module._normalize_short.cache_info().currsize == 1
