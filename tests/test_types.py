"""mypy runs with the suite, over every module of the installed package under its real name
(newswatch.domain, newswatch.db, ...), with the settings in pyproject.toml: a seam whose types
disagree fails the same command a contributor runs. tests/typecheck.py says how it is run."""

from __future__ import annotations

import re

from tests.typecheck import ROOT, package_dirs, run_mypy


def _package_files() -> int:
    """The .py files that make up the installed package, counted in the repository."""
    count = 0
    for name, folder in package_dirs().items():
        files = (ROOT / folder).glob("*.py") if name == "newswatch" else (ROOT / folder).rglob("*.py")
        count += sum(1 for _ in files)
    return count


def test_mypy_finds_no_type_errors_in_any_module_of_the_package():
    result = run_mypy()
    assert result.returncode == 0, result.stdout + result.stderr
    # Every part was checked, not only newswatch/__init__.py and __main__.py (all that
    # `mypy -p newswatch` finds of an editable install).
    checked = re.search(r"no issues found in (\d+) source files", result.stdout)
    assert checked is not None, result.stdout
    assert int(checked.group(1)) >= _package_files(), result.stdout
