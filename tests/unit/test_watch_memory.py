"""`MemoryGuard`: the watcher's memo caches stay under their bound, and what they answer does not change."""

from __future__ import annotations

import importlib
import sys

import pytest

from marsad.arabic.normalize import normalize
from marsad.arabic.terms import stem
from marsad.watch.memory import MemoryGuard, memo_caches, release_freed, resident_mb
from tests.conftest import saudinewsnet

pytestmark = pytest.mark.unit
norm_mod = importlib.import_module("marsad.arabic.normalize")  # the package exports a function of that name


@pytest.fixture(scope="module")
def words() -> list[str]:
    out: list[str] = []
    for rec in saudinewsnet(limit=30):
        out.extend(rec["content"].split())
    return list(dict.fromkeys(out))


def test_memo_caches_are_the_bounded_lru_caches_of_marsad():
    caches = memo_caches()
    assert "marsad.arabic.normalize._normalize_short" in caches and "marsad.arabic.terms.stem" in caches
    # unbounded caches hold loaded data files, not a growing vocabulary: never listed
    assert all(fn.cache_info().maxsize for fn in caches.values())
    assert "marsad.arabic.lexicons.word_set" not in caches


def test_guard_empties_only_the_caches_over_the_bound_and_answers_stay_the_same(words):
    assert len(words) > 2000
    short = [w for w in words if len(w) <= 40]
    before = [normalize(w) for w in short]
    stems = {w: stem(normalize(w)) for w in short[:50]}
    filled = norm_mod._normalize_short.cache_info().currsize
    assert filled >= 1000
    bound = filled - 1
    small = {name: fn.cache_info().currsize for name, fn in memo_caches().items()
             if 0 < fn.cache_info().currsize <= bound}
    guard = MemoryGuard(memo_entries=bound)
    emptied = guard.after_batch()
    assert "marsad.arabic.normalize._normalize_short" in emptied
    assert norm_mod._normalize_short.cache_info().currsize == 0
    assert guard.cleared["marsad.arabic.normalize._normalize_short"] == 1
    caches = memo_caches()
    assert all(caches[name].cache_info().currsize == n for name, n in small.items())  # under the bound: kept
    assert [normalize(w) for w in short] == before and {w: stem(normalize(w)) for w in stems} == stems
    refilled = norm_mod._normalize_short.cache_info().currsize  # the same words filled it again
    guard.memo_entries = refilled - 1
    assert refilled >= 1000 and "marsad.arabic.normalize._normalize_short" in guard.after_batch()
    assert guard.cleared["marsad.arabic.normalize._normalize_short"] == 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and glibc")
def test_resident_size_is_read_and_freed_memory_can_be_returned():
    assert 10 < resident_mb() < 100_000
    release_freed()  # returns whether glibc had pages to give back; must not raise either way


def test_recognizer_type_table_is_emptied_before_it_doubles_and_tags_stay_the_same():
    from marsad.analyze.ner import Recognizer

    rec = Recognizer.open(neural=False)
    docs = [[s.split() for s in r["content"].split(".") if s.split()] for r in saudinewsnet(limit=40)]
    first = rec.tag_document(docs[0])
    for d in docs[1:]:
        rec.tag_document(d)
    types = rec._types
    assert types is not None and len(types.norm) > 2048
    capacity = types.own.shape[1]
    # under the bound (capacity below min_capacity, or not yet filled to ``fill``): kept
    assert not rec.bound_type_table(min_capacity=capacity * 2)
    assert not rec.bound_type_table(fill=1.0, min_capacity=4096)
    assert rec.bound_type_table(fill=0.1, min_capacity=4096)
    assert len(types.norm) == 0 and types.own.shape[1] == capacity  # emptied, arrays kept (no doubling)
    assert rec.tag_document(docs[0]) == first


def test_extraction_token_dicts_are_emptied_over_the_bound_and_extraction_stays_the_same():
    clean = importlib.import_module("marsad.extract.clean")
    pages = [[rec["title"], *rec["content"].split("\n")] for rec in saudinewsnet(limit=60)]
    first = [clean.clean_blocks(b) for b in pages]
    filled = len(clean._TERM)
    assert filled > 1000 and clean._IDF
    guard = MemoryGuard(memo_entries=filled + 1)
    assert "marsad.extract.clean._TERM" not in guard.after_batch() and len(clean._TERM) == filled
    guard = MemoryGuard(memo_entries=filled - 1)
    assert "marsad.extract.clean._TERM" in guard.after_batch()
    assert not clean._TERM and not clean._IDF
    assert [clean.clean_blocks(b) for b in pages] == first
