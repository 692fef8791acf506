"""The marsad command: digest, stories, show, search, eval; errors and exit codes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from marsad.cli import EXIT_NOT_FOUND, EXIT_PARTIAL, app

pytestmark = pytest.mark.e2e
runner = CliRunner()
ARTICLE = ("أعلنت وزارة الزراعة اليوم الأحد عن خطة لدعم المزارعين المتضررين من الجفاف في المناطق الشمالية. "
           "وقال الوزير إن الخطة تشمل قروضا ميسرة وتوزيع بذور محسنة على أكثر من خمسة آلاف مزارع.\n"
           "وأضاف أن الوزارة ستفتح مكاتب جديدة لاستقبال الطلبات خلال الأسبوع المقبل.")


def test_digest_seeds_writes_contract_and_site(tmp_path, seeds_dir):
    out = tmp_path / "out"
    res = runner.invoke(app, ["digest", str(seeds_dir), "--db", str(tmp_path / "m.db"), "--out", str(out), "-q"])
    assert res.exit_code == 0, res.output
    data = json.loads((out / "digest.json").read_text(encoding="utf-8"))
    assert len(data["articles"]) == 5 and len(data["stories"]) == 3
    assert (out / "index.html").exists()
    assert len(list(out.glob("article-*.html"))) == 5
    sid = data["stories"][0]["id"]
    res = runner.invoke(app, ["stories", "--db", str(tmp_path / "m.db")])
    assert res.exit_code == 0 and sid in res.output
    res = runner.invoke(app, ["show", sid, "--db", str(tmp_path / "m.db")])
    assert res.exit_code == 0 and "Summary" in res.output
    res = runner.invoke(app, ["show", "nope", "--db", str(tmp_path / "m.db")])
    assert res.exit_code == EXIT_NOT_FOUND
    res = runner.invoke(app, ["search", "قرة باغ", "--db", str(tmp_path / "m.db")])
    assert res.exit_code == 0 and "no match" not in res.output


def test_bad_inputs_are_named_and_the_rest_is_processed(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "good.txt").write_text("خطة لدعم المزارعين\n" + ARTICLE, encoding="utf-8")
    (folder / "legacy.txt").write_bytes(("دعم مربي الماشية في الشمال\n" + ARTICLE.replace("المزارعين", "مربي الماشية")).encode("cp1256"))
    (folder / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "broken.txt").symlink_to(folder / "missing-target.txt")
    missing = tmp_path / "no-such-folder"
    res = subprocess.run([sys.executable, "-m", "marsad.cli", "digest", str(folder), str(missing),
                          "--db", str(tmp_path / "m.db"), "--out", str(tmp_path / "out"), "-q"],
                         capture_output=True, text=True)
    assert res.returncode == EXIT_PARTIAL, res.stderr
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("skipped:")]
    for name in ("image.html", "empty.txt", "broken.txt", "no-such-folder"):
        assert sum(name in ln for ln in errors) == 1, (name, errors)
    assert all(len(ln) < 300 for ln in errors)
    data = json.loads((tmp_path / "out" / "digest.json").read_text(encoding="utf-8"))
    sources = sorted(Path(a["source"]).name for a in data["articles"])
    assert sources == ["good.txt", "legacy.txt"]
    legacy = next(a for a in data["articles"] if a["source"].endswith("legacy.txt"))
    assert "مربي الماشية" in legacy["text"]


def test_no_input_at_all(tmp_path):
    res = runner.invoke(app, ["digest", str(tmp_path / "nothing"), "--db", str(tmp_path / "m.db"),
                              "--out", str(tmp_path / "o"), "-q"])
    assert res.exit_code == 4


def test_eval_ner_missing_file(tmp_path):
    res = runner.invoke(app, ["eval", "ner", str(tmp_path / "none.txt")])
    assert res.exit_code == 2
