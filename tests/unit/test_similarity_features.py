"""The parts of the graded similarity: lead choice, meaning vectors, entity overlap, missing signals."""

import numpy as np
import pytest

from marsad.cluster.features import meaning_vector, word_vectors
from marsad.cluster.similarity import (
    LEAD_MIN_TOKENS,
    graded_similarity,
    lead_of,
    pair_features,
    profile,
    weighted_entity_overlap,
)

FOOTBALL_A = ("الهلال يواصل تدريباته في معسكره بالنمسا استعدادا للموسم الجديد، وأشرك المدرب المهاجمين "
              "الجدد في مباراة ودية أمام فريق محلي انتهت بفوز الفريق بهدفين.")
FOOTBALL_B = ("النصر يختتم معسكره الإعدادي في هولندا بلقاء ودي، وركز الجهاز الفني على اللياقة البدنية "
              "للاعبين قبل انطلاق الدوري السعودي للمحترفين.")
OIL = ("ارتفعت أسعار النفط في تعاملات الأسواق الآسيوية بعد تراجع المخزونات الأمريكية، وصعد خام برنت "
       "إلى أعلى مستوى له منذ أسبوعين وسط توقعات بزيادة الطلب.")


def test_lead_skips_a_byline_line():
    paragraphs = ["عين اليوم – متابعات", FOOTBALL_A, OIL]
    assert lead_of(paragraphs) == FOOTBALL_A
    # nothing long enough: the first paragraph is still the lead
    assert lead_of(["سبق - الرياض", "متابعات"]) == "سبق - الرياض"
    assert lead_of([]) == ""
    assert len(lead_of(paragraphs).split()) >= LEAD_MIN_TOKENS


def test_meaning_vectors_tell_a_topic_from_another():
    """Two training-camp reports share few words but one subject; an oil report is another subject."""
    if not word_vectors()[0]:
        pytest.skip("word vectors not shipped")
    a, b, c = meaning_vector(FOOTBALL_A), meaning_vector(FOOTBALL_B), meaning_vector(OIL)
    assert a is not None and b is not None and c is not None
    assert abs(float(np.linalg.norm(a)) - 1.0) < 1e-5
    assert float(a @ b) > float(a @ c) + 0.1 and float(a @ b) > float(b @ c) + 0.1, (a @ b, a @ c, b @ c)


def test_meaning_vector_of_text_without_known_words_is_none():
    assert meaning_vector("") is None
    assert meaning_vector("123 4567 ..") is None


def test_precomputed_rarity_gives_the_same_overlap():
    a, b = ["هلال", "نمسا", "دونيس"], ["هلال", "نصر"]
    plain = weighted_entity_overlap(a, b)
    pa, pb = profile("t", [FOOTBALL_A], a), profile("t", [FOOTBALL_B], b)
    assert plain is not None and 0 < plain < 1
    assert weighted_entity_overlap(a, b, {**pa.rarity, **pb.rarity}) == pytest.approx(plain)
    assert weighted_entity_overlap(a, []) is None


def test_pair_features_count_shared_entities_and_missing_signals():
    pa = profile("الهلال في النمسا", [FOOTBALL_A], ["هلال", "نمسا"], "2015-07-26")
    pb = profile("النصر في هولندا", [FOOTBALL_B], ["نصر", "هولندا", "نمسا"], None)
    f = pair_features(pa, pb)
    assert f.shared_entities == 1
    assert f.day_gap is None  # one side undated
    assert f.figures is None  # neither quotes a figure of 10 or more
    assert 0.0 <= graded_similarity(f) <= 1.0


def test_same_report_scores_above_same_topic_above_other_topic():
    title_a, title_b = "الهلال يفوز وديا في معسكر النمسا", "النصر يختتم معسكره في هولندا"
    same = pair_features(profile(title_a, [FOOTBALL_A]), profile(title_a, [FOOTBALL_A + " وغاب عن اللقاء مدافع الفريق."]))
    topic = pair_features(profile(title_a, [FOOTBALL_A]), profile(title_b, [FOOTBALL_B]))
    other = pair_features(profile(title_a, [FOOTBALL_A]), profile("النفط يرتفع", [OIL]))
    assert topic.meaning > other.meaning
    assert graded_similarity(same) > graded_similarity(topic) > graded_similarity(other)
