"""The README is the user's manual: every command, option and configuration key must be documented
there, its configuration reference and sample errors must be what the code says and prints, and
the two set-up commands must be the ones CI runs."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest

from newswatch.scheduler import reference
from newswatch.scheduler.cli import cli
from newswatch.scheduler.config import Settings
from tests.conftest import run_newswatch

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
        if section not in ("sources", "topics", "builtin_sources") and f"[{section}]" not in README
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


SAMPLE = re.compile(
    r"<!-- sample:[^>]*-->\n```toml\n(?P<toml>.*?)```\n```text\n\$ (?P<command>[^\n]+)\n(?P<output>.*?)```", re.DOTALL
)


def _row(command: str) -> str:
    """The README's table row for `newswatch <command>`: its first cell names the command,
    then its arguments and options."""
    for line in README.splitlines():
        cell = line.split("|")[1].strip() if line.startswith("| `newswatch") else ""
        words = []
        for word in cell.strip("`").split()[1:]:
            if word.startswith(("[", "-")) or word.isupper():
                break
            words.append(word)
        if " ".join(words) == command:
            return line
    return ""


def _command_options(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        yield path, [opt for param in command.params for opt in param.opts if opt.startswith("--")]
        if isinstance(command, click.Group):
            yield from _command_options(command, f"{path} ")


def test_every_command_option_is_in_its_commands_row():
    missing = [
        (command, option)
        for command, options in _command_options(cli)
        for option in options
        if option not in _row(command)
    ]
    # A group that only holds subcommands (`topics`) has no row of its own; one that runs by
    # itself (`alerts` lists deliveries) does.
    runs_alone = {path for path, _ in _command_options(cli)} - {
        name
        for name, command in cli.commands.items()
        if isinstance(command, click.Group) and not command.invoke_without_command
    }
    assert [command for command in sorted(runs_alone) if not _row(command)] == []
    assert missing == []


def test_every_global_option_is_documented():
    options = [opt for param in cli.params for opt in param.opts if opt.startswith("--")]
    assert [option for option in options if f"`{option}" not in README] == []


def test_every_config_key_is_documented_under_its_table():
    sections = dict(re.findall(r"^#### (.+?)\n(.*?)(?=^####|<!-- end)", README, re.DOTALL | re.MULTILINE))

    def section(title_part: str) -> str:
        return next((text for title, text in sections.items() if title_part in title), "")

    missing = []
    for name, field in Settings.model_fields.items():
        model = reference._model(field)
        if model is None:
            missing += [name] if f"| `{name}` |" not in section("Top level") else []
            continue
        table = section(f"[[{name}]]" if name in ("sources", "topics") else f"`[{name}]`")
        missing += [f"{name}.{key}" for key in model.model_fields if f"| `{key}` |" not in table]
    assert missing == []


def test_configuration_reference_in_the_readme_is_what_the_models_say():
    assert reference.with_reference(README) == README, "run: python -m newswatch.scheduler.reference --write README.md"


def test_reference_command_rewrites_a_stale_readme_and_checks_it(tmp_path):
    stale = tmp_path / "README.md"
    stale.write_text(README.replace("| `retry_cap` |", "| `retry_cap_old` |"), encoding="utf-8")
    command = [sys.executable, "-m", "newswatch.scheduler.reference"]
    checked = subprocess.run([*command, "--check", str(stale)], capture_output=True, text=True)
    assert checked.returncode == 1 and "--write" in checked.stderr
    assert subprocess.run([*command, "--write", str(stale)]).returncode == 0
    assert stale.read_text(encoding="utf-8") == README
    assert subprocess.run([*command, "--check", str(stale)]).returncode == 0


@pytest.mark.parametrize("sample", SAMPLE.findall(README), ids=lambda sample: sample[1])
def test_readme_sample_is_what_newswatch_prints(tmp_path, sample):
    toml, command, output = sample
    (tmp_path / "newswatch.toml").write_text(toml, encoding="utf-8")
    result = run_newswatch(*shlex.split(command)[1:], cwd=tmp_path)
    assert result.returncode == 2
    assert (result.stdout + result.stderr).replace(str(tmp_path.resolve()), "/home/me") == output


def test_readme_shows_a_configuration_and_a_query_error_sample():
    problems = [output for _, _, output in SAMPLE.findall(README)]
    assert any(".interval: invalid duration" in p for p in problems)
    assert any(".query: invalid query" in p for p in problems)
