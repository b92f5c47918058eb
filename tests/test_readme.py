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


def _step(command: str) -> str:
    """A set-up command as a user types it: quiet flags and pytest's cache option left out, and
    `.venv/bin/python -m pip` spelt `.venv/bin/pip`."""
    command = " ".join(command.split()).replace(".venv/bin/python -m pip ", ".venv/bin/pip ")
    return " ".join(word for word in command.replace(" -p no:cacheprovider", "").split() if word != "-q")


def test_readme_test_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = next(line for line in README.splitlines() if "-m pytest" in line and "pip install" in line)
    ci_steps = [
        _step(line)
        for line in ci.splitlines()
        if line.startswith(("python3 -m venv", ".venv/bin/")) and "--upgrade pip" not in line
    ]
    assert [_step(part) for part in readme.split("&&")] == ci_steps


def test_readme_has_no_unfilled_placeholders():
    assert "PLACEHOLDER" not in README
