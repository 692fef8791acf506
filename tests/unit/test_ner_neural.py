"""The numpy side of the neural entity stage: CRF posteriors, constrained decoding, the shipped file."""

import itertools

import numpy as np
import pytest

from marsad.analyze import ner, ner_neural
from marsad.analyze.ner_neural import TAGS, NeuralTagger, decode

pytestmark = pytest.mark.unit


def _valid(tags: list[str]) -> bool:
    prev = "O"
    for t in tags:
        if t.startswith("I-") and prev[2:] != t[2:]:
            return False
        prev = t
    return True


def _enumerated_marginals(em, w):
    k = em.shape[1]
    brute = np.zeros_like(em)
    for seq in itertools.product(range(k), repeat=len(em)):
        score = w["start"][seq[0]] + w["end"][seq[-1]] + sum(em[i, s] for i, s in enumerate(seq))
        score += sum(w["trans"][a, b] for a, b in itertools.pairwise(seq))
        for i, s in enumerate(seq):
            brute[i, s] += np.exp(score)
    return brute / brute[0].sum()


def test_posteriors_equal_the_marginals_of_every_sequence_enumerated():
    rng = np.random.default_rng(3)
    k = len(TAGS)
    w = {"trans": rng.normal(size=(k, k)), "start": rng.normal(size=k), "end": rng.normal(size=k)}
    tagger = NeuralTagger({}, {}, w)
    sentences = [rng.normal(size=(4, k)), rng.normal(size=(1, k)), rng.normal(size=(2, k))]  # one padded batch
    for em, got in zip(sentences, tagger.posteriors(sentences), strict=True):
        assert np.allclose(got, _enumerated_marginals(em, w))


def test_decoding_never_starts_a_name_inside():
    p = np.full((5, len(TAGS)), 0.01)
    for i, t in enumerate(["I-PERS", "I-PERS", "O", "I-LOC", "B-ORG"]):
        p[i, TAGS.index(t)] = 0.9
    tags = decode(p)
    assert _valid(tags)
    assert tags[2] == "O" and tags[4] == "B-ORG"
    assert tags[0] == "B-PERS" and tags[1] == "I-PERS"  # the likeliest valid reading keeps the two-word name


def test_context_ids_pair_the_stage_one_tag_with_the_document_label():
    sents = [["قال", "الرئيس", "ماكرون", "."], ["واكد", "ماكرون", "ذلك", "."]]
    stage1 = [["O", "O", "B-PERS", "O"], ["O", "O", "O", "O"]]
    doc = ner.document_features(sents, stage1, [[[] for _ in s] for s in sents])
    ids = ner_neural.context_ids(stage1[1], doc[1])
    width = len(ner_neural.DOC_LABELS)
    assert divmod(ids[1], width) == (TAGS.index("O"), ner_neural.DOC_LABELS.index("PERS"))
    assert divmod(ids[2], width) == (TAGS.index("O"), ner_neural.DOC_LABELS.index("nodoc"))


def test_the_shipped_recognizer_carries_the_neural_stage_and_its_tags_are_valid_bio():
    recognizer = ner.Recognizer.open()
    assert recognizer.neural is not None
    assert len(recognizer.neural.vocab) > 10_000
    sents = ["وقال وزير الخارجية الأرميني أرارات ميرزويان في يريفان إن المحادثات مستمرة .".split(), [],
             "وأكدت منظمة الصحة العالمية ذلك .".split()]
    tags = recognizer.tag_document(sents)
    assert [len(t) for t in tags] == [len(s) for s in sents]
    assert all(_valid(t) for t in tags)
    assert tags[0][sents[0].index("يريفان")].endswith("LOC")


def test_a_full_token_cache_is_emptied_without_changing_the_tags():
    shipped = ner.Recognizer.open().neural
    small = NeuralTagger(shipped.vocab, shipped.alphabet, shipped.w, cache_size=6)
    sents = ["قال وزير الخارجية الأرميني أرارات ميرزويان في يريفان .".split(),
             "وأكد ميرزويان أن المحادثات في بروكسل مستمرة .".split()]
    contexts = [[0] * len(s) for s in sents]
    for expected, got in zip(shipped.tag_posteriors(sents, contexts), small.tag_posteriors(sents, contexts),
                             strict=True):
        assert np.allclose(expected, got, atol=1e-6)
    assert len(small._cache) <= 9  # emptied at least once; at most one sentence's words remain


def test_the_default_reading_tags_documents_shorter_than_its_window():
    rec = ner.Recognizer.open()
    assert rec.neural_window is not None  # the default reads a window around possible names
    full = ner.Recognizer.open()
    full.neural_gate, full.neural_window, full.neural_settled = 1.0, None, None
    for doc in (["قال", "محمد", "بن", "سلمان"], ["زار", "الرياض"], ["اجتماع", "في", "جدة", "أمس", "مع", "وزير", "الخارجية"]):
        got = rec.tag_document([doc])
        assert len(got[0]) == len(doc)
        assert all(t in ner_neural.TAGS for t in got[0])
    assert rec.tag_document([["زار", "الرياض"]]) == full.tag_document([["زار", "الرياض"]])
