"""The main process's share of de-duplication and clustering, made cheaper without changing what it decides.

* band keys hashed in the workers (`signature_keys`) file and find the same items as the signatures they
  come from;
* the clusterer scores candidates that left its state cache from compact views (`online._View`), with the
  same scores, assignments and storylines as from the stored states;
* the shared-paragraph check reads and shingles each paragraph once (`pipeline._Paragraphs`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest

from marsad.arabic.terms import terms
from marsad.cluster import online
from marsad.cluster.features import term_vector
from marsad.cluster.online import OnlineClusterer, StoryState
from marsad.dedup.minhash import BandIndex, Signatures, shingles, signature_keys, signatures
from marsad.store.db import Store
from tests.conftest import saudinewsnet

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def records() -> list[dict]:
    """120 SaudiNewsNet articles with a body, in file order (days cluster: stories of several articles)."""
    return [r for r in saudinewsnet(160) if r.get("content")][:120]


def _paragraphs(rec: dict) -> list[str]:
    return [p for p in rec["content"].split("\n") if p.strip()]


def _features(rec: dict) -> dict:
    """What the clusterer compares, from the record alone: term vector, day, and the title's first terms
    standing in for entity keys (the overlap arithmetic is what is exercised)."""
    day = (rec.get("date_extracted") or "")[:10]
    return {"vector": term_vector(rec.get("title"), _paragraphs(rec)),
            "published": dt.date.fromisoformat(day).isoformat() if day else None,
            "weekday": None, "entities": terms(rec.get("title") or "")[:4]}


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "m.db")
    yield s
    s.close()


def test_band_keys_from_the_workers_file_and_find_what_the_signatures_do(records, tmp_path):
    by_sig, by_keys = Store(tmp_path / "a.db"), Store(tmp_path / "b.db")
    old, new = BandIndex(by_sig.bands), BandIndex(by_keys.bands)
    looked_up = 0
    for n, rec in enumerate(records[:60]):
        sigs = signatures(_paragraphs(rec))
        keys = json.loads(json.dumps(signature_keys(sigs)))  # as the worker's prepared record carries them
        aid = f"a{n:03d}"
        with by_sig.batch(), by_keys.batch():
            if sigs.doc is not None:
                assert sorted(new.ranked_by_keys(keys["doc"])) == sorted(old.candidates("doc", sigs.doc))
                old.add("doc", aid, sigs.doc)
                new.add_keys(aid, keys["doc"])
            assert [i for i, _ in sigs.paragraphs] == [i for i, _ in keys["paragraphs"]]
            for (pi, psig), (_, pkeys) in zip(sigs.paragraphs, keys["paragraphs"], strict=True):
                found = new.ranked_by_keys(pkeys, 12)
                assert found == old.ranked_candidates("para", psig, 12)
                looked_up += bool(found)
                old.add("para", f"{aid}:{pi}", psig)
                new.add_keys(f"{aid}:{pi}", pkeys)
    assert looked_up  # some paragraphs met earlier ones (wire text, repeated boilerplate)
    rows = "SELECT key, item FROM lsh_bands ORDER BY key, item"
    assert list(by_sig.conn.execute(rows)) == list(by_keys.conn.execute(rows))


def test_a_prepared_record_with_or_without_band_keys_gives_the_same_signatures_and_keys(records):
    from marsad.model import Analysis, Article
    from marsad.pipeline import _prepared_signatures, prepare

    for n, rec in enumerate(records[:10]):
        sigs = signatures(_paragraphs(rec))
        before = _prepared_signatures({"minhash": sigs.pack()})  # prepared before the workers hashed the bands
        art = Article(f"a{n}", "src", rec.get("title"), tuple(_paragraphs(rec)))
        prepared = json.loads(json.dumps(prepare(art, Analysis(art.id)), ensure_ascii=False))  # as stored
        now = _prepared_signatures(prepared)
        # the keys of the signatures as the clustering reads them back (64-bit words, not datasketch's 32)
        unpacked = Signatures.unpack(sigs.pack())
        assert before.keys == now.keys == signature_keys(unpacked)
        assert (before.doc is None) == (now.doc is None) == (sigs.doc is None)
        if sigs.doc is not None:
            assert before.doc.tolist() == now.doc.tolist() == sigs.doc.tolist()
        # the paragraphs' signatures, decoded only when asked for (a subclass's `_dedup` may read them)
        for got in (before, now):
            assert [(i, s.tolist()) for i, s in got.paragraphs] == [(i, s.tolist()) for i, s in unpacked.paragraphs]


def test_a_score_from_a_view_is_the_score_from_the_state(records):
    clusterer = OnlineClusterer(None)  # scoring reads no table
    state = StoryState("s1", None, {}, 0, Counter(), Counter(), Counter())
    feats = [_features(r) for r in records[:40]]
    for f in feats[:3]:  # a state of a few articles, as the clusterer sums them
        for t, w in f["vector"].items():
            state.vector[t] = state.vector.get(t, 0.0) + w
        state.dates[f["published"]] += 1
        state.entities.update(f["entities"])
    small = StoryState("s2", None, dict(list(state.vector.items())[:7]), 1, Counter(), Counter({4: 2}),
                       Counter({"x": 1}))  # fewer terms than an article: the cosine runs over the state's
    for st in (state, small):
        view = online._View(st.unit_vector(), st.top_entities(), st.event_days())
        assert list(view.unit_vector().items()) == list(st.unit_vector().items())
        for f in feats:
            for shared in (None, {"s1"}):
                assert clusterer.score(f, view, shared) == clusterer.score(f, st, shared)


def _cluster(store: Store, feats: list[dict], reads: list[str]) -> tuple[list, dict[str, str]]:
    """Assign every article, then link every story; (assignments with scores, story -> storyline)."""
    tables = store.cluster
    story_state, storyline_state = tables.story_state, tables.storyline_state

    class Counting:  # the store's tables, with the reads of stored states counted
        def __getattr__(self, name):
            return getattr(tables, name)

        def story_state(self, sid):
            reads.append(sid)
            return story_state(sid)

        def storyline_state(self, lid):
            reads.append(lid)
            return storyline_state(lid)

        def record_assignment(self, *row):  # articles are not stored here; the scores are returned
            pass

    clusterer = OnlineClusterer(Counting())
    out = []
    with store.batch():
        for n, f in enumerate(feats):
            out.append(clusterer.assign(f"{n:012d}", f))
    lines = {}
    with store.batch():
        for sid in sorted({sid for sid, _ in out}):
            lines[sid] = clusterer.link(sid)
    return out, lines


def test_views_give_the_same_stories_and_storylines_as_stored_states(records, tmp_path, monkeypatch):
    feats = [_features(r) for r in records]
    got = {}
    for name, states, views in (("all in memory", 2048, 16384), ("views", 2, 16384), ("stored states", 2, 0)):
        monkeypatch.setattr(online, "STATE_CACHE", states)
        monkeypatch.setattr(online, "VIEW_CACHE", views)
        reads: list[str] = []
        store = Store(tmp_path / f"{name}.db")
        got[name] = (*_cluster(store, feats, reads), len(reads))
        store.close()
    assignments, lines, _ = got["all in memory"]
    assert len({sid for sid, _ in assignments}) < len(assignments)  # some stories have several articles
    assert len(set(lines.values())) < len(lines)  # and some storylines several stories
    for name in ("views", "stored states"):
        assert got[name][:2] == (assignments, lines), name
    # the views spare most reads of stored states that a small cache of states costs
    assert got["views"][2] < got["stored states"][2] / 2


def test_paragraphs_are_read_and_shingled_once_and_kept_within_bounds(store, records):
    from marsad.model import Article
    from marsad.pipeline import _Paragraphs

    reads: list[str] = []
    arts = {f"a{n}": Article(f"a{n}", "src", "t", tuple(_paragraphs(r))) for n, r in enumerate(records[:6])}

    class Reading:
        def article(self, aid):
            reads.append(aid)
            return arts[aid]

    cache = _Paragraphs(Reading(), size=4)  # type: ignore[arg-type]
    first = cache.shingles("a0", 0)
    assert first == shingles(arts["a0"].paragraphs[0], 3)
    assert cache.shingles("a0", 0) is first and cache.shingles("a0", 1) == shingles(arts["a0"].paragraphs[1], 3)
    assert reads == ["a0"]
    assert cache.shingles("a0", len(arts["a0"].paragraphs)) is None  # no such paragraph (a stale band item)
    cache.put("a5", arts["a5"].paragraphs)  # the article being clustered: not read from the store
    assert cache.shingles("a5", 0) == shingles(arts["a5"].paragraphs[0], 3) and reads == ["a0"]
    for aid in ("a1", "a2", "a3", "a4"):
        cache.shingles(aid, 0)
    assert len(cache._shingled) <= 4 and len(cache._texts) <= 4
    cache.shingles("a0", 0)  # left the cache: read and shingled again, the same
    assert reads.count("a0") == 2 and cache.shingles("a0", 0) == first
