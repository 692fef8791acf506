"""The band group-by of `marsad.scale.dedup` proposes, for each item, the candidates the store's band index
returns when the pipeline looks the item up (including the cap on a crowded bucket)."""

from __future__ import annotations

import random

import numpy as np
import pytest

pytestmark = pytest.mark.unit


def test_bucket_replay_matches_store_lookups_in_a_crowded_bucket(tmp_path):
    from marsad.dedup.minhash import MAX_BUCKET, BandIndex
    from marsad.scale.dedup import bucket_lookups
    from marsad.store.db import Store

    rng = random.Random(5)
    sig = np.arange(128, dtype=np.uint64)  # one signature: every item falls in the same 16 buckets
    items = [f"{rng.getrandbits(64):016x}" for _ in range(3 * MAX_BUCKET)]
    order = {item: f"2015-08-{rng.randint(1, 28):02d}|{item}" for item in items}
    store = Store(tmp_path / "m.db")
    bands = BandIndex(store.bands)
    expected: dict[str, set[str]] = {}
    for item in sorted(items, key=order.get):
        expected[item] = bands.candidates("doc", sig)
        bands.add("doc", item, sig)
    store.close()
    got: dict[str, set[str]] = {item: set() for item in items}
    for q, c in bucket_lookups([(order[i], i) for i in items]):
        got[q].add(c)
    assert got == expected
    assert max(len(v) for v in got.values()) == MAX_BUCKET  # the cap was reached


def test_paragraph_candidates_are_ranked_then_own_paragraphs_dropped():
    from marsad.pipeline import PARA_VERIFY
    from marsad.scale.dedup import rank_paragraph_candidates

    hits = [(f"b{k:02d}:0", 1) for k in range(20)] + [("a:0", 5), ("c:3", 4)]
    got = rank_paragraph_candidates("a:2", hits)
    assert "a:0" not in got and "c:3" in got
    assert len(got) == PARA_VERIFY - 1  # a:0 took one of the places before being dropped, as in the pipeline
