"""The README documents every command, the quick start and the digest.json contract."""

from pathlib import Path

import pytest

from marsad.cli import app

pytestmark = pytest.mark.unit
README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(typer_app, prefix=""):
    import typer.main

    group = typer.main.get_group(typer_app)
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):
            for sub in cmd.commands:
                yield f"{prefix}{name} {sub}"
        else:
            yield f"{prefix}{name}"


def test_every_command_is_in_the_readme():
    for command in _commands(app):
        assert f"marsad {command}" in README, command


def test_quick_start_and_contract():
    assert "make demo" in README and "make test" in README
    for field in ("published_how", "duplicate_of", "story_id", "storyline_id", "attributed_to", "story_ids"):
        assert field in README, field
