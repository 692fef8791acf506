"""The command line on the same query layer as the web app: --version, -h, --json, missing databases, empty digests."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from marsad.cli import EXIT_NO_INPUT, EXIT_NOT_FOUND, EXIT_STORE, app

pytestmark = pytest.mark.e2e
runner = CliRunner()


def test_version_and_short_help():
    from marsad import __version__

    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and res.output.strip() == f"marsad {__version__}"
    res = runner.invoke(app, ["-h"])
    assert res.exit_code == 0 and "serve" in res.output and "search" in res.output


@pytest.mark.parametrize("command", [["stories"], ["show", "s1"], ["search", "باكو"], ["serve"]])
def test_read_commands_refuse_a_missing_database(tmp_path, command):
    db = tmp_path / "none.db"
    res = runner.invoke(app, [*command, "--db", str(db)])
    assert res.exit_code == EXIT_STORE, res.output
    assert "no such database" in res.output
    assert not db.exists()


def test_read_commands_print_the_api_json(web_db_copy):
    db = str(web_db_copy)
    res = runner.invoke(app, ["stories", "--db", db, "--json", "--limit", "2"])
    assert res.exit_code == 0, res.output
    page = json.loads(res.output)
    assert len(page["items"]) == 2 and page["next"]
    res = runner.invoke(app, ["stories", "--db", db, "--json", "--limit", "2", "--cursor", page["next"]])
    assert {s["id"] for s in json.loads(res.output)["items"]}.isdisjoint(s["id"] for s in page["items"])
    sid = page["items"][0]["id"]
    story = json.loads(runner.invoke(app, ["show", sid, "--db", db, "--json"]).output)
    assert story["id"] == sid and story["summary"] and story["articles"]
    assert runner.invoke(app, ["show", "nope", "--db", db, "--json"]).exit_code == EXIT_NOT_FOUND
    found = json.loads(runner.invoke(app, ["search", "Karabakh", "--db", db, "--json"]).output)
    assert found["total"] >= 6 and found["names"]
    plain = runner.invoke(app, ["search", "بالسيول", "--db", db])
    assert plain.exit_code == 0 and "[السيول]" in plain.output  # matches marked in the displayed text


def test_digest_with_no_readable_input_writes_no_report(tmp_path):
    bad = tmp_path / "in"
    bad.mkdir()
    (bad / "x.html").write_bytes(b"\x00\x01\x02binary\x00" * 20)
    out = tmp_path / "out"
    res = runner.invoke(app, ["digest", str(bad), "--db", str(tmp_path / "m.db"), "--out", str(out), "-q"])
    assert res.exit_code == EXIT_NO_INPUT, res.output
    assert not (out / "digest.json").exists() and not (out / "index.html").exists()
