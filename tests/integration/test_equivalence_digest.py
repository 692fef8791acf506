"""A digest stores the same articles, analyses, stories, storylines and reports as before issue #19's
"free main process" (reports built in the workers, analysis overlapped with clustering, digest.json
streamed): compared, hash by hash, with tests/fixtures/digest_fingerprints.json, which the pipeline
as it was before those changes wrote (`python -m tests.fingerprint`; hashes only, no text).

Inputs: the seeds, examples/pages and the labelled SaudiNewsNet event stream.  The one-process
digest (``workers=1``) is compared with the fixture; the pooled one (``workers=2``, every stage that
can runs in the process pool however few the pages, so the new paths are the ones used) with the
one-process digest of the same code, so that a later change of the analysis, which moves both, does
not hide what the pool paths do.  A run stopped half-way through the overlapped analysis and
clustering, or through the reports, and started again, ends with the same stores too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, SHARED, need
from tests.fingerprint import digest_fingerprint, fingerprint, sources

pytestmark = [pytest.mark.integration, pytest.mark.slow]
EXPECTED = json.loads((FIXTURES / "digest_fingerprints.json").read_text(encoding="utf-8"))


def _differences(expected: dict, got: dict) -> dict[str, list[str]]:
    out = {}
    for part, hashes in expected.items():
        ids = sorted(k for k in set(hashes) | set(got[part]) if hashes.get(k) != got[part].get(k))
        if ids:
            out[part] = ids[:10]
    return out


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, list[str]]:
    need(SHARED / "seeds")
    need(SHARED / "data" / "saudinewsnet" / "2015-08-06.zip")
    return sources(SHARED, tmp_path_factory.mktemp("inputs"))


@pytest.fixture
def pooled(monkeypatch):
    """Every stage that can use the process pool does, however few the pages."""
    from marsad import pipeline

    monkeypatch.setattr(pipeline, "PARALLEL_MIN", 0)
    monkeypatch.setattr(pipeline, "REPORT_PARALLEL_MIN", 0)


@pytest.fixture(scope="module")
def one_process(inputs, tmp_path_factory) -> dict[str, dict]:
    """The fingerprints of a one-process digest of each input, with this tree's code."""
    tmp = tmp_path_factory.mktemp("one")
    return {name: digest_fingerprint(src, tmp / name / "m.db", workers=1) for name, src in inputs.items()}


@pytest.mark.parametrize("name", ["seeds", "examples", "labelled_stream"])
def test_digest_stores_what_it_stored_before(one_process, name):
    """Against the stores of the pipeline before #19's changes (an analysis or extraction change that moves
    these on purpose rewrites the fixture with `python -m tests.fingerprint`, and says why)."""
    assert not _differences(EXPECTED[name], one_process[name])


@pytest.mark.parametrize("name", ["seeds", "examples", "labelled_stream"])
def test_pooled_digest_stores_what_one_process_stores(inputs, one_process, name, tmp_path, pooled):
    got = digest_fingerprint(inputs[name], tmp_path / "m.db", workers=2)
    assert not _differences(one_process[name], got)
    assert got["stories"] and got["analyses"]


class _Stop(Exception):
    pass


@pytest.mark.parametrize("stage,after", [("cluster", 100), ("report", 60)])
def test_a_run_stopped_in_the_overlapped_stages_resumes_to_the_same_stores(inputs, one_process, tmp_path, pooled,
                                                                            stage, after):
    from marsad.pipeline import Pipeline
    from marsad.store.db import Store

    def stop(s: str, done: int, total: int) -> None:
        if s == stage and done >= after:
            raise _Stop(s)

    store = Store(tmp_path / "m.db")
    with pytest.raises(_Stop):
        Pipeline(store, workers=2, progress=stop).run(inputs["labelled_stream"])
    stopped = fingerprint(store)
    expected = one_process["labelled_stream"]
    assert 0 < len(stopped["assignments"]) < len(expected["articles"]) or stage == "report"
    assert len(stopped["stories"]) < len(expected["stories"])
    Pipeline(store, workers=2).run(inputs["labelled_stream"])
    assert not _differences(expected, fingerprint(store))
    store.close()


def test_streamed_digest_json_is_the_document_built_whole(tmp_path, seeds_dir):
    """digest.json is written item by item; its bytes are those of the whole document dumped at once."""
    from marsad.pipeline import Pipeline
    from marsad.report.export import digest, write_digest
    from marsad.store.db import Store

    store = Store(tmp_path / "m.db")
    Pipeline(store).run([str(seeds_dir), str(Path(__file__).parents[2] / "examples" / "pages")])
    path = write_digest(store, tmp_path / "out")
    assert path.read_text(encoding="utf-8") == json.dumps(digest(store), ensure_ascii=False, indent=1)
    empty = Store(tmp_path / "empty.db")
    assert write_digest(empty, tmp_path / "out2").read_text(encoding="utf-8") == json.dumps(
        digest(empty), ensure_ascii=False, indent=1)


def test_a_clusterer_that_keeps_few_story_states_in_memory_makes_the_same_stores(inputs, one_process, tmp_path,
                                                                                  monkeypatch):
    """The clusterer keeps only the most recently used story states (the rest are read back from the store):
    with room for four states, the labelled stream's ~40 stories give the same stores as with the default."""
    from marsad.cluster import online

    monkeypatch.setattr(online, "STATE_CACHE", 4)
    got = digest_fingerprint(inputs["labelled_stream"], tmp_path / "m.db", workers=1)
    assert len(got["stories"]) > 4 * 4
    assert not _differences(one_process["labelled_stream"], got)


def test_digest_json_encoded_in_workers_is_the_same_document(inputs, tmp_path, monkeypatch):
    """With workers, records are read and encoded in a pool, a chunk at a time: the same bytes, in order."""
    from marsad.pipeline import Pipeline
    from marsad.report import export
    from marsad.store.db import Store

    monkeypatch.setattr(export, "POOLED_MIN", 0)
    monkeypatch.setattr(export, "POOLED_CHUNK", 7)  # chunks that end inside each part of the document
    store = Store(tmp_path / "m.db")
    Pipeline(store).run(inputs["labelled_stream"])
    one = export.write_digest(store, tmp_path / "one").read_bytes()
    pooled = export.write_digest(store, tmp_path / "pooled", workers=2).read_bytes()
    assert pooled == one
    assert len(json.loads(one)["articles"]) > 3 * 7
    store.close()
