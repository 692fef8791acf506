"""The graded similarity's key-term coverage and topical meaning vectors, and the fresh batch of graded pairs."""

import numpy as np
import pytest

from marsad.cluster.features import cosine, meaning_vector, word_vectors
from marsad.cluster.similarity import (
    GRADED_WEIGHTS,
    KEY_TERMS,
    _leading_directions,
    feature_row,
    key_term_coverage,
    pair_features,
    profile,
    topical,
)
from marsad.evaluation.graded import FRESH, fresh, read_pairs, split
from tests.unit.test_similarity_features import FOOTBALL_A, FOOTBALL_B, OIL

REPORT_TITLE = "تفجير انتحاري في مسجد قوات الطوارئ بعسير"
REPORT = ["استهدف تفجير انتحاري مسجد قوات الطوارئ الخاصة في منطقة عسير أثناء صلاة الظهر، "
          "وأسفر عن استشهاد خمسة عشر من رجال الأمن وإصابة آخرين."]
# a long opinion piece on the same attack: most of its words are its own, the report's key words are all there
OPINION_TITLE = "أذناب الفكر الضال"
OPINION = [
    "للمرة الثالثة تمتد الأيادي الغادرة إلى بيوت الله، فأي فكر هذا الذي لا يقدر حرمة الأنفس ولا يعبأ بقدسية "
    "الصلاة وهيبة المصاحف والتلاوات ومحراب العابد.",
    "لقد شهد التاريخ ظهور حركات متطرفة كثيرة من داخل العالم الإسلامي وخارجه، تشترك في الوسيلة وتحمل الهدف "
    "نفسه وهو إشاعة الفتنة في صفوف المسلمين ونشر الرعب بينهم، وعلى الأسر والمدارس والمنابر أن تحصن الشباب.",
    "وما جرى في مسجد قوات الطوارئ في عسير من تفجير انتحاري أثناء صلاة الظهر، واستشهاد رجال الأمن الخاشعين، "
    "يكشف أن هؤلاء لا يعرفون دينا ولا وطنا، وأن المواجهة فكرية قبل أن تكون أمنية.",
    "إن الواجب اليوم أن يقف الجميع صفا واحدا خلف القيادة، وأن يكون الإعلام والمثقفون والعلماء في مقدمة "
    "الصفوف في تفنيد شبهات هذه الجماعات وكشف زيفها أمام الناشئة.",
]


def test_coverage_finds_a_storyline_the_term_vectors_miss():
    report, opinion = profile(REPORT_TITLE, REPORT), profile(OPINION_TITLE, OPINION)
    oil = profile("النفط يرتفع", [OIL])
    cov = key_term_coverage(report, opinion)
    assert cov >= 0.6, cov  # the report's key words are all used by the opinion piece
    assert cov > cosine(report.vector, opinion.vector) + 0.3  # while their term vectors barely meet
    assert key_term_coverage(report, oil) < 0.15
    assert key_term_coverage(opinion, report) == cov  # the larger direction, whichever side is first
    assert pair_features(report, opinion).coverage == cov
    assert feature_row(pair_features(report, opinion))["coverage"] == cov
    assert "coverage" in GRADED_WEIGHTS and GRADED_WEIGHTS["coverage"] > 0


def test_profile_keeps_every_term_and_the_strongest_ones():
    opinion = profile(OPINION_TITLE, OPINION)
    weights = [w for _, w in opinion.key_terms]
    assert len(opinion.key_terms) == KEY_TERMS and weights == sorted(weights, reverse=True)
    assert {t for t, _ in opinion.key_terms} <= set(opinion.vector) <= opinion.terms
    # body terms beyond the strongest ones are kept for coverage
    assert len(opinion.terms) > len(opinion.key_terms)
    empty = profile(None, [])
    assert key_term_coverage(empty, opinion) == 0.0 and empty.terms == frozenset()


def test_topical_meaning_drops_the_shared_directions():
    if not word_vectors()[0]:
        pytest.skip("word vectors not shipped")
    lead = _leading_directions()
    a, b, c = meaning_vector(FOOTBALL_A), meaning_vector(FOOTBALL_B), meaning_vector(OIL)
    ta, tb, tc = topical(a), topical(b), topical(c)
    assert ta is not None and tb is not None and tc is not None
    assert abs(float(np.linalg.norm(ta)) - 1.0) < 1e-5
    assert float(np.abs(lead @ ta).max()) < 1e-4  # nothing left along the leading directions
    assert float(np.abs(lead @ a).max()) > 0.01  # where the raw vector had some
    assert float(ta @ tc) < float(a @ c)  # unrelated subjects move apart
    assert float(ta @ tb) > float(ta @ tc) + 0.5  # one subject stays together
    assert topical(None) is None
    # the profile carries the topical vector
    pa = profile(None, [FOOTBALL_A])
    assert pa.meaning is not None and float(pa.meaning @ ta) > 0.999


def test_fresh_batch_is_read_apart_and_kept_out_of_the_split(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("# comment\nhttp://a\thttp://b\t1\tnn1\n"
                    f"http://c\thttp://d\t2\tnear3\t{FRESH}\nhttp://e\thttp://f\t4\trandom\t\n", encoding="utf-8")
    pairs = read_pairs(path)
    assert [p.batch for p in pairs] == ["", FRESH, ""]
    assert [p.url_a for p in fresh(pairs)] == ["http://c"]
    train, held = split(pairs)
    assert sorted(p.url_a for p in train + held) == ["http://a", "http://e"]
    path.write_text("http://a\thttp://b\t1\tnn1\tlater\n", encoding="utf-8")
    with pytest.raises(ValueError, match="pairs.tsv:1"):
        read_pairs(path)


def test_the_graded_set_has_a_fresh_batch_of_its_own():
    from pathlib import Path

    pairs = read_pairs(Path(__file__).resolve().parents[1] / "fixtures" / "graded_pairs.tsv")
    new = fresh(pairs)
    assert len(new) >= 80
    assert {p.grade for p in new} == {1, 2, 3, 4}
    assert {p.family for p in new} == {"nn1", "nn2-10", "nn11-60", "random", "near"}
    # no article of the fresh batch is in a pair the weights were fitted or checked on
    old_urls = {u for p in pairs if p.batch != FRESH for u in (p.url_a, p.url_b)}
    assert not old_urls & {u for p in new for u in (p.url_a, p.url_b)}
