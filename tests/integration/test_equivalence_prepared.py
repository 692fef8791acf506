"""What the analysis workers prepare for the clustering equals what the main process computed before.

`pipeline.prepare` runs in a worker (term counts, MinHash signatures, weekday, entity keys);
the clustering only weighs the counts with the store's IDF.  The features must be the ones
`Pipeline.features` and `signatures` give for the same article, or the stories would change.
"""

import json

import numpy as np
import pytest

from marsad.analyze.core import analyze
from marsad.api import extract_text
from marsad.arabic.terms import idf
from marsad.dedup.minhash import Signatures, signatures
from marsad.pipeline import Pipeline, _from_prepared, prepare
from marsad.store.db import Store
from tests.conftest import saudinewsnet

pytestmark = pytest.mark.integration


def test_prepared_features_equal_the_main_process_features(tmp_path, seeds_dir):
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    texts += [f"{r.get('title') or ''}\n{r['content']}" for r in saudinewsnet(30) if r.get("content")]
    pipe = Pipeline(Store(tmp_path / "m.db"))
    weekdays = 0
    for text in texts:
        art = extract_text(text)
        analysis = analyze(art)
        prepared = json.loads(json.dumps(prepare(art, analysis), ensure_ascii=False))  # as the store keeps it
        assert _from_prepared(art, prepared, idf) == pipe.features(art, analysis, idf)
        want, got = signatures(art.paragraphs), Signatures.unpack(prepared["minhash"])
        assert (want.doc is None) == (got.doc is None)
        if want.doc is not None:
            assert np.array_equal(want.doc, got.doc)
        assert [(i, s.tolist()) for i, s in want.paragraphs] == [(i, s.tolist()) for i, s in got.paragraphs]
        weekdays += prepared["weekday"] is not None
    assert weekdays  # some of these articles name the weekday they report on


def test_a_digest_keeps_the_prepared_record_only_until_the_article_is_clustered(tmp_path, seeds_dir):
    store = Store(tmp_path / "m.db")
    pipe = Pipeline(store)
    pipe.ingest([str(seeds_dir)])
    pipe.extract_pending()
    pipe.analyze_pending()
    ids = store.unassigned_articles()
    assert ids and all(store.prepared(i) for i in ids)
    pipe.cluster_pending()
    assert not any(store.prepared(i) for i in ids)
    assert all(store.features(i)["vector"] for i in ids)
