"""The recognizer's fast path (per-type scores, numpy chains) gives crfsuite's tags on real text.

The reference is `Recognizer.tag_document_crfsuite`: feature strings built token by token
and tagged by python-crfsuite, as before #19.  Both paths read the same shipped models.
"""

import itertools

import numpy as np
import pytest

from marsad.analyze import ner
from marsad.analyze.entities import _WORD
from marsad.api import extract_text
from tests.conftest import saudinewsnet

pytestmark = pytest.mark.integration


def _documents(texts: list[str]) -> list[list[list[str]]]:
    """Each text cut into sentences the way entities.find_mentions gives them to the recognizer."""
    docs = []
    for text in texts:
        sents, cur = [], []
        for w in [m.group() for m in _WORD.finditer(text)] + ["."]:
            if w in (".", "!", "؟", "?", "\n"):
                if cur:
                    sents.append(cur)
                cur = []
            else:
                cur.append(w)
        docs.append(sents)
    return docs


@pytest.fixture(scope="module")
def documents(seeds_dir) -> list[list[list[str]]]:
    seeds = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    news = [extract_text(f"{r.get('title') or ''}\n{r['content']}").text
            for r in saudinewsnet(160)[120:160] if r.get("content")]
    return _documents(seeds + news)


@pytest.mark.slow
@pytest.mark.parametrize("neural", [True, False], ids=["with neural stage", "CRF stages only"])
def test_fast_path_tags_equal_crfsuite_tags(documents, neural):
    rec = ner.Recognizer.open(neural=None if neural else False)
    rec.neural_gate = 1.0  # the neural stage on every sentence, as the reference reads it
    names = 0
    for doc in documents:
        want = rec.tag_document_crfsuite(doc)
        assert rec.tag_document(doc) == want
        names += sum(len(ner.spans(s)) for s in want)
    assert names > 500  # the documents are full of names: the comparison is not over O tags alone


def test_the_default_reading_finds_the_names_of_the_full_reading_on_news(documents):
    """The default reads the neural stage only a few tokens around unsettled possible names
    (ner.NEURAL_WINDOW, NEURAL_SETTLED), MARSAD_NER=sentences their whole sentences; on news both
    find almost every name the recognizer finds reading every sentence."""
    full = ner.Recognizer.open()
    full.neural_gate, full.neural_window, full.neural_settled = 1.0, None, None
    fast = ner.Recognizer.open()
    assert fast.neural_gate < 1.0 and fast.neural_settled is not None and fast.neural_window is not None
    gated = ner.Recognizer.open()
    gated.neural_window = None
    want, got, got_fast = set(), set(), set()
    for d, doc in enumerate(documents[:40]):
        for names, rec in ((want, full), (got, gated), (got_fast, fast)):
            names |= {(d, k, sp.start, sp.end, sp.type) for k, tags in enumerate(rec.tag_document(doc))
                      for sp in ner.spans(tags)}
    assert len(want) > 300
    for found in (got, got_fast):
        assert len(want & found) / len(want) >= 0.97
        assert len(want & found) / len(found) >= 0.97


def test_chain_marginals_equal_crfsuite_marginals(documents):
    rec = ner.Recognizer.open(neural=False)
    doc = next(d for d in documents if len(d) > 5)[:6]
    types = rec._table()
    d = rec._document(types, doc)
    e2 = ner._gather(types, d, 1)
    ner._pair_and_phrase_rows(types, d, 1, e2)
    e1 = ner._gather(types, d, 0)
    ner._pair_and_phrase_rows(types, d, 0, e1)
    stage1 = np.concatenate(ner.viterbi_batch(e1, d.lengths, types.chains[0].trans))
    rec._stage2_rows(d, stage1, types.chains[1], e2)
    got = ner.marginals_batch(e2, d.lengths, types.chains[1].trans)
    feats = [ner.sentence_features(s, rec.lexicon) for s in doc]
    s1 = [rec.stage1.tag(f) for f in feats]
    assert [ner._TAGS[k] for k in stage1] == [t for s in s1 for t in s]
    g = 0
    for f in ner.document_features(doc, s1, feats):
        rec.stage2.set(f)
        for i in range(len(f)):
            assert np.allclose(got[g + i], [rec.stage2.marginal(t, i) for t in ner._TAGS], atol=1e-9)
        g += len(f)


def test_batched_viterbi_is_the_best_path_of_every_sentence():
    rng = np.random.default_rng(5)
    k = 4
    trans = rng.normal(size=(k, k))
    lengths = [3, 1, 4, 2]
    rows = rng.normal(size=(sum(lengths), k))
    got = ner.viterbi_batch(rows, lengths, trans)
    a = 0
    for n, path in zip(lengths, got, strict=True):
        em = rows[a:a + n]

        def score(seq, em=em):
            return sum(em[i, s] for i, s in enumerate(seq)) + sum(trans[x, y] for x, y in itertools.pairwise(seq))

        best = max(itertools.product(range(k), repeat=n), key=score)
        assert tuple(path) == best
        a += n
