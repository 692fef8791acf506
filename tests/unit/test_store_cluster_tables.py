"""The store side of the clusterer and the band index (`marsad.store.cluster_state`, `marsad.store.bands`):
ranked candidate lookups with their posting and bucket caps, and states that read back as written."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.unit


@pytest.fixture
def store(tmp_path):
    from marsad.store.db import Store

    s = Store(tmp_path / "m.db")
    yield s
    s.close()


def test_ranked_stories_sum_the_query_weights_over_the_capped_postings(store):
    t = store.cluster
    with store.batch():
        t.save_story("s1", None, "{}", [("a", 0.9), ("b", 0.1)])
        t.save_story("s2", None, "{}", [("a", 0.5), ("c", 0.8)])
        t.save_story("s3", None, "{}", [("c", 0.3), ("d", 0.7)])
    query = [("a", 1.0), ("c", 0.5)]
    # s1: 0.9; s2: 0.5 + 0.4 = 0.9 (a tie, broken by id); s3: 0.15
    assert t.ranked_stories(query, 80, 20) == ["s1", "s2", "s3"]
    assert t.ranked_stories(query, 80, 2) == ["s1", "s2"]
    # one posting per term: "a" reads s1 only, "c" reads s2 only
    assert t.ranked_stories(query, 1, 20) == ["s1", "s2"]
    assert t.ranked_stories([("c", 1.0)], 1, 20) == ["s2"]
    assert t.ranked_stories([], 80, 20) == [] and t.ranked_stories([("zz", 1.0)], 80, 20) == []
    assert t.ranked_storylines(query, 80, 20) == []  # storylines have their own postings


def test_saving_a_story_replaces_its_postings_and_state(store):
    t = store.cluster
    with store.batch():
        t.save_story("s1", None, '{"n": 1}', [("a", 1.0)])
        t.save_story("s1", None, '{"n": 2}', [("b", 1.0)])
        t.set_storyline("s1", "L1")
    assert t.ranked_stories([("a", 1.0)], 80, 20) == []
    assert t.ranked_stories([("b", 1.0)], 80, 20) == ["s1"]
    assert t.story_state("s1") == ("L1", '{"n": 2}')
    assert store.dirty_stories() == {"s1"}


def test_storyline_state_and_postings(store):
    t = store.cluster
    with store.batch():
        t.save_storyline("L1", '{"v": 1}', [("a", 0.6), ("b", 0.4)])
        t.save_storyline("L2", '{"v": 2}', [("b", 0.9)])
        t.save_storyline("L1", '{"v": 3}', [("a", 0.6), ("c", 0.4)])
    assert t.storyline_state("L1") == '{"v": 3}'
    assert t.ranked_storylines([("b", 1.0)], 80, 20) == ["L2"]
    assert t.ranked_storylines([("a", 1.0), ("b", 1.0)], 80, 20) == ["L2", "L1"]
    assert store.dirty_storylines() == {"L1", "L2"}


def test_an_assignment_takes_the_article_off_the_clustering_queue(store, seeds_dir):
    from marsad.pipeline import Pipeline

    Pipeline(store).ingest([str(seeds_dir)])
    Pipeline(store).extract_pending()
    todo = store.unassigned_articles()
    assert len(todo) >= 2
    with store.batch():
        store.cluster.record_assignment(todo[0], "sX", None, 0.5)
        store.cluster.record_assignment(todo[1], "sX", todo[0], 1.0)
    assert store.unassigned_articles() == todo[2:]
    assert store.story_of(todo[1]) == "sX" and store.assignments()[todo[1]] == ("sX", todo[0])


def test_band_lookups_read_at_most_a_bucket_of_the_smallest_items_per_key(store):
    b = store.bands
    with store.batch():
        for item in ["i3", "i1", "i2", "i4"]:
            b.add([10, 20], item)
        b.add([10], "i1")  # filed already: ignored
        b.add([30], "i9")
    assert b.items([10], 50) == ["i1", "i2", "i3", "i4"]
    assert b.items([10], 2) == ["i1", "i2"]
    assert sorted(b.items([10, 20, 30], 2)) == ["i1", "i1", "i2", "i2", "i9"]
    assert b.items([99], 50) == [] and b.items([], 50) == []
