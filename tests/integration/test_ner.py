"""The shipped entity recognizer against ANERcorp's test split, through the command users run."""

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from marsad.analyze import ner
from marsad.cli import app
from tests.conftest import SHARED, need

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def test_eval_ner_prints_scores_above_the_floor():
    corpus = need(SHARED / "data" / "anercorp" / "ANERCorp.txt")
    res = CliRunner().invoke(app, ["eval", "ner", str(corpus)], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    rows = {m.group(1): [float(x) for x in m.group(2, 3, 4)]
            for m in re.finditer(r"(PERS|LOC|ORG|MISC|overall)\D+([\d.]+)\D+([\d.]+)\D+([\d.]+)", res.output)}
    assert set(rows) == {"PERS", "LOC", "ORG", "MISC", "overall"}
    precision, recall, f1 = rows["overall"]
    assert abs(f1 - 2 * precision * recall / (precision + recall)) < 0.002
    floor = json.loads((ROOT / "bench" / "baseline.json").read_text())["ner"]["anercorp_f1"]
    assert f1 >= floor


def test_document_features_carry_what_stage_one_called_the_same_word():
    sents = [["قال", "الرئيس", "ماكرون", "."], ["واكد", "ماكرون", "ذلك", "."]]
    stage1 = [["O", "O", "B-PERS", "O"], ["O", "O", "O", "O"]]
    feats = ner.document_features(sents, stage1, [[[] for _ in s] for s in sents])
    assert "doc=PERS" in feats[1][1] and "s1=O" in feats[1][1]
    assert not any(f.startswith("doc=") for f in feats[1][2])  # "ذلك" is nowhere else


def test_a_name_standing_alone_is_found_when_the_document_titles_it():
    titled = "وقال اللاعب الروسي يفغيني كافلنيكوف إن المباراة كانت صعبة .".split()
    alone = "وصرح كافلنيكوف بعد المباراة بأنه سعيد .".split()
    tags = ner.tag_document([titled, alone])
    assert tags[0][titled.index("كافلنيكوف")].endswith("PERS")
    assert tags[1][alone.index("كافلنيكوف")].endswith("PERS")
