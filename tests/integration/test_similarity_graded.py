"""Graded story similarity against the hand-labelled pairs (tests/fixtures/graded_pairs.tsv).

The full figures come from bench/similarity_eval.py; here a fixed part of the held-out
pairs is scored so the floor is checked on every run.
"""

import json
from dataclasses import replace
from pathlib import Path

import pytest
from scipy.stats import pearsonr

from marsad.api import article_profile, extract_text
from marsad.cluster.similarity import graded_similarity, pair_features
from marsad.evaluation.graded import PlainTfidf, is_held_out, load_records, page_text, read_pairs, split
from tests.conftest import SHARED, need

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
PAIRS = ROOT / "tests" / "fixtures" / "graded_pairs.tsv"
BASELINE = json.loads((ROOT / "bench" / "baseline.json").read_text())["similarity"]


def test_graded_set_is_well_formed():
    pairs = read_pairs(PAIRS)
    assert len(pairs) >= 300
    assert {p.grade for p in pairs} == {1, 2, 3, 4}
    assert all(sum(p.grade == g for p in pairs) >= 30 for g in (1, 2, 3, 4))
    assert len({tuple(sorted((p.url_a, p.url_b))) for p in pairs}) == len(pairs)  # no pair twice
    train, held = split(pairs)
    assert 0.35 < len(held) / len(pairs) < 0.65
    # the split depends on the pair only, not on file order or direction
    p = pairs[0]
    assert is_held_out(p) == is_held_out(type(p)(p.url_b, p.url_a, p.grade))
    # every pair says how it was drawn: the evaluation reports each sampling family apart
    families = {p.family for p in pairs}
    assert families == {"nn1", "nn2-10", "nn11-60", "random", "near"}
    randoms = [p for p in pairs if p.family == "random"]
    assert sum(p.grade == 4 for p in randoms) / len(randoms) > 0.9  # random pairs are almost all unrelated


def test_read_pairs_rejects_a_bad_grade(tmp_path):
    bad = tmp_path / "p.tsv"
    bad.write_text("http://a\thttp://b\t5\n", encoding="utf-8")
    with pytest.raises(ValueError, match="p.tsv:1"):
        read_pairs(bad)


def test_held_out_pairs_beat_plain_tfidf():
    need(SHARED / "data" / "saudinewsnet")
    pairs = read_pairs(PAIRS)
    _, held = split(pairs)
    held = held[::3]  # a fixed third of the held-out pairs keeps the test short
    records = load_records(SHARED / "data" / "saudinewsnet", ["2015-07-25", "2015-07-26", "2015-07-27",
                                                               "2015-08-01", "2015-08-02", "2015-08-03"])
    urls = {u for p in held for u in (p.url_a, p.url_b)}
    baseline = PlainTfidf().fit(page_text(r) for r in records.values())
    profiles = {u: article_profile(replace(extract_text(page_text(records[u]), u),
                                           published=records[u]["date_extracted"][:10])) for u in sorted(urls)}
    ours = [graded_similarity(pair_features(profiles[p.url_a], profiles[p.url_b])) for p in held]
    base = [baseline.similarity(page_text(records[p.url_a]), page_text(records[p.url_b])) for p in held]
    truth = [p.relatedness for p in held]
    r_ours, r_base = pearsonr(ours, truth)[0], pearsonr(base, truth)[0]
    print(f"held-out third: {len(held)} pairs, Pearson marsad {r_ours:.3f}, plain TF-IDF {r_base:.3f}")
    assert r_ours >= BASELINE["held_out_pearson"], (r_ours, r_base)
    assert r_ours - r_base >= BASELINE["held_out_gain_over_plain_tfidf"], (r_ours, r_base)


def test_similarity_orders_a_hand_written_triple():
    """Same event > same topic > unrelated, on short pages written here."""
    import marsad

    a = ("أمير منطقة جازان يدشن مشروعات صحية بقيمة 300 مليون ريال\n"
         "دشن أمير منطقة جازان اليوم مشروعات صحية جديدة بقيمة 300 مليون ريال تشمل مستشفى عاما في صبيا "
         "ومركزا للقلب في أبو عريش، بحضور وكيل وزارة الصحة.")
    b = ("300 مليون ريال لمشروعات صحية في جازان\n"
         "افتتح أمير جازان مشروعات صحية بتكلفة 300 مليون ريال، منها مستشفى صبيا العام ومركز أبو عريش "
         "للقلب، وذلك بحضور وكيل وزارة الصحة وعدد من المسؤولين.")
    c = ("وزارة الصحة تعلن خطة لتوسيع مراكز الرعاية الأولية في عسير\n"
         "أعلنت وزارة الصحة خطة لتوسيع مراكز الرعاية الصحية الأولية في منطقة عسير خلال العامين المقبلين "
         "لتخفيف الضغط على المستشفيات العامة.")
    d = ("الهلال يتعاقد مع مدافع برازيلي لثلاثة مواسم\n"
         "أعلن نادي الهلال التعاقد مع مدافع برازيلي لمدة ثلاثة مواسم قادما من الدوري البرتغالي، "
         "على أن ينضم إلى معسكر الفريق في النمسا الأسبوع المقبل.")
    same, topic, unrelated = marsad.similarity(a, b), marsad.similarity(a, c), marsad.similarity(a, d)
    assert same > topic > unrelated and same >= 0.6 and unrelated <= 0.2, (same, topic, unrelated)
