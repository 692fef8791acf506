"""The helpers behind the analysis speed-ups of issue #19 give what the code they replaced gave."""

from __future__ import annotations

import numpy as np
import pytest

from marsad.analyze import ner, ner_neural
from marsad.arabic.normalize import _DROP_RE, _drop_chars, _normalize, _normalize_short

# words as news writes them: names with and without proclitics, role words, digits, Latin, marks,
# tashkeel, tatweel, hamza forms, Persian letters, a zero-width joiner, punctuation
WORDS = [
    "الرئيس", "وزير", "الخارجية", "باكو", "وباكو", "أذربيجان", "لأذربيجان", "إلهام", "علييف", "نيكول",
    "باشينيان", "السعودية", "والسعودية", "الرياض", "بالرياض", "ليلى", "محمد", "مُحَمَّد", "قرة", "قره",
    "جـــدة", "گلستان", "٢٠٢٣", "2023", "NATO", "Reuters", "،", ".", "(", "«", "ي\u200cك", "إقرأ",
    "آل", "مؤتمر", "مسؤول", "المتحدث", "باسم", "الأمم", "المتحدة", "للأمم", "ك", "ال", "",
]


def test_short_normalization_is_the_long_one() -> None:
    """One `str.translate` for words gives what dropping marks then folding letters gives."""
    drop = {chr(c) for c in range(0x10000) if _DROP_RE.match(chr(c))}
    assert set(map(chr, _drop_chars())) == drop
    samples = WORDS + [f"ب{chr(c)}ا" for c in range(0x0600, 0x0700)] + [f" {chr(c)}x " for c in range(0x2000, 0x2070)]
    samples += ["\ufeffكلمة", "A\u00a0B", "ا  ب", "İstanbul", "\u0622\u0671\u0649\u06cc"]
    for s in samples:
        assert _normalize_short.__wrapped__(s) == _normalize(s, True), repr(s)


def test_flag_values_are_the_flags_among_the_token_features() -> None:
    for w in WORDS:
        feats = set(ner._token_feats(w))
        assert ner_neural.flag_values(w) == [f in feats for f in ner_neural.FLAGS], w
    got = ner_neural.flags(WORDS)
    assert got.shape == (len(WORDS), len(ner_neural.FLAGS)) and got.dtype == np.float32
    assert ner_neural.flags([]).shape == (0, len(ner_neural.FLAGS))


def _near_counts_reference(keys, positions, kinds, qk, qp, width):
    out = np.zeros((len(qk), width), np.int64)
    for j, (k, p) in enumerate(zip(qk, qp, strict=True)):
        for key, pos, kind in zip(keys, positions, kinds, strict=True):
            if key == k and pos != p and abs(pos - p) <= ner.DOC_WINDOW:
                out[j, kind] += 1
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_near_counts_counts_the_same_key_within_the_window(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 3000  # longer than two windows: some mentions of a key are near, some far
    positions = np.sort(rng.choice(n, 400, replace=False))
    keys = rng.integers(0, 12, len(positions))
    kinds = rng.integers(0, 5, len(positions))
    order = np.argsort(keys, kind="stable")
    k_sorted, p_sorted, kind_sorted = keys[order], positions[order], kinds[order]
    q = rng.choice(len(positions), 60, replace=False)
    got = ner._near_counts(k_sorted, p_sorted, kind_sorted, keys[q], positions[q], n, 5)
    want = _near_counts_reference(keys, positions, kinds, keys[q], positions[q], 5)
    assert np.array_equal(got, want)
    assert got.sum() > 0 and (got.sum(1) < np.bincount(keys)[keys[q]] - 1).any()  # both near and far ones


def _viterbi_reference(rows, trans, start):
    v = rows[0] + (start if start is not None else 0.0)
    back = []
    for r in rows[1:]:
        s = v[:, None] + trans
        back.append(s.argmax(0))
        v = s.max(0) + r
    path = [int(v.argmax())]
    for b in reversed(back):
        path.append(int(b[path[-1]]))
    return path[::-1]


def _marginals_reference(rows, trans):
    p = np.exp(rows - rows.max(1, keepdims=True))
    m = np.exp(trans)
    alpha = np.zeros_like(p)
    beta = np.ones_like(p)
    alpha[0] = p[0] / p[0].sum()
    for t in range(1, len(p)):
        x = (alpha[t - 1] @ m) * p[t]
        alpha[t] = x / x.sum()
    for t in range(len(p) - 2, -1, -1):
        x = m @ (p[t + 1] * beta[t + 1])
        beta[t] = x / x.sum()
    joint = alpha * beta
    return joint / joint.sum(1, keepdims=True)


@pytest.mark.parametrize("lengths", [[5], [3, 7, 1, 7, 2], [1, 1, 1], [12, 4, 9, 4, 30, 2]])
def test_packed_batches_decode_each_sentence_alone(lengths: list[int]) -> None:
    rng = np.random.default_rng(len(lengths))
    rows = rng.normal(size=(sum(lengths), 9))
    trans = rng.normal(size=(9, 9))
    start = rng.normal(size=9)
    batch, order, sl, (brow, step, flat) = ner._packed(rows, lengths)
    assert sl.tolist() == sorted(lengths, reverse=True)
    assert np.array_equal(batch[brow, step], rows[flat]) and sorted(flat.tolist()) == list(range(sum(lengths)))
    bounds = np.cumsum([0] + lengths)
    paths = ner.viterbi_batch(rows, lengths, trans, start)
    marg = ner.marginals_batch(rows, lengths, trans)
    for k, n in enumerate(lengths):
        piece = rows[bounds[k]:bounds[k] + n]
        assert paths[k].tolist() == _viterbi_reference(piece, trans, start)
        assert np.allclose(marg[bounds[k]:bounds[k] + n], _marginals_reference(piece, trans))
