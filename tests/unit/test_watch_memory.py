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
