"""The README is the user's manual: every command and every config section it offers must be
documented there, and the two set-up commands must be the ones CI runs."""

from __future__ import annotations

from pathlib import Path

import click

from newswatch.scheduler.cli import cli
from newswatch.scheduler.config import Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "newswatch"):
    for name, command in group.commands.items():
        yield f"{prefix} {name}"
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix} {name}")


def test_every_command_is_documented_in_the_readme():
    missing = [name for name in _commands(cli) if f"`{name}" not in README]
    assert missing == []


def test_every_config_section_is_documented_in_the_readme():
    missing = [
        section
        for section in Settings.model_fields
        if section not in ("sources", "topics") and f"[{section}]" not in README
    ]
    assert missing == []


def test_readme_test_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "pip install -e '.[test]'" in README and "-m pytest" in README
    assert "pip install -q -e '.[test]'" in ci and "-m pytest" in ci


def test_readme_has_no_unfilled_placeholders():
    assert "PLACEHOLDER" not in README
