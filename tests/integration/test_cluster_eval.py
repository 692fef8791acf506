"""Story clustering on the labelled SaudiNewsNet stream: B-cubed F1 floor, and the same partition in another order."""

import json
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED, need

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))


def test_labelled_stream(tmp_path):
    import cluster_eval

    from marsad.evaluation.clustering import bcubed

    need(SHARED / "data" / "saudinewsnet" / "2015-08-06.zip")
    labels = cluster_eval.load_labels()
    assert len(labels) >= 250
    cluster_eval.write_stream(SHARED, labels, tmp_path / "a", None)
    pred = cluster_eval.run(tmp_path / "a")
    floor = json.loads((ROOT / "bench" / "baseline.json").read_text())["clustering"]["labelled_bcubed_f1"]
    score = bcubed(labels, pred)
    assert score["f1"] >= floor, score
    cluster_eval.write_stream(SHARED, labels, tmp_path / "b", 11)
    assert bcubed(pred, cluster_eval.run(tmp_path / "b"))["f1"] == 1.0  # same stories in another order


def test_metrics_on_small_cases():
    from marsad.evaluation.clustering import bcubed, pairwise

    gold = {"a": "1", "b": "1", "c": "2"}
    assert bcubed(gold, gold)["f1"] == 1.0
    merged = {"a": "x", "b": "x", "c": "x"}
    assert bcubed(gold, merged)["recall"] == 1.0 and bcubed(gold, merged)["precision"] < 1.0
    assert pairwise(gold, {"a": "1", "b": "2", "c": "3"})["recall"] == 0.0
