"""Dates and numbers against the Arabic specs of Microsoft Recognizers-Text (../shared/data/recognizers-text-arabic)."""

import json
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED, need

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))


def test_share_of_cases_passed():
    import recognizers_eval

    need(SHARED / "data" / "recognizers-text-arabic")
    report = recognizers_eval.run(SHARED)
    floor = json.loads((ROOT / "bench" / "baseline.json").read_text())["recognizers_text"]
    assert report["date_cases"] >= 90
    assert report["date_share"] >= floor["date_share"], report["date_failures"]
    assert report["number_share"] >= floor["number_share"]
