"""Run mypy over every module of the installed package under its real name, `newswatch.<part>`.

In the repository each part keeps its own top-level folder (domain/, db/, ...) and setuptools'
package-dir maps them to `newswatch.*`. mypy cannot follow that mapping: `mypy -p newswatch` on the
editable install sees only newswatch/__init__.py and __main__.py, and checking the folders directly
would name them `domain`, `db`, ... so `from newswatch.db import store` would not resolve. So this
builds the installed layout out of symlinks (newswatch/domain -> domain/, ...) inside .mypy_cache,
runs `mypy -p newswatch` there with the settings in pyproject.toml, and reports the errors under
the repository's own paths.

    .venv/bin/python -m tests.typecheck     # prints mypy's report; exit status 1 on any error
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".mypy_cache"
# A fixed place, so mypy's cache (keyed by path) stays warm between runs.
TREE = CACHE / "package-tree"


def package_dirs() -> dict[str, str]:
    """`newswatch.<part>` -> repository folder, as pyproject.toml maps them."""
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["tool"]["setuptools"]["package-dir"]


def build_tree() -> Path:
    """Lay out newswatch/ as it is installed, every part a symlink to its repository folder."""
    package = TREE / "newswatch"
    package.mkdir(parents=True, exist_ok=True)
    for name, folder in package_dirs().items():
        if name == "newswatch":
            for source in (ROOT / folder).glob("*.py"):
                _link(package / source.name, source)
        else:
            _link(package / name.removeprefix("newswatch."), ROOT / folder)
    return TREE


def _link(link: Path, target: Path) -> None:
    if link.is_symlink() and link.resolve() == target.resolve():
        return
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(target)


def _repo_paths(report: str) -> str:
    """newswatch/db/store.py:12: ... -> db/store.py:12: ..., a path an editor can open."""
    mapping = {name.replace(".", "/") + "/": folder + "/" for name, folder in package_dirs().items()}
    # Longest first, so newswatch/db/ wins over newswatch/.
    prefixes = sorted(mapping, key=len, reverse=True)
    pattern = re.compile(r"^(" + "|".join(re.escape(p) for p in prefixes) + ")", re.MULTILINE)
    return pattern.sub(lambda m: mapping[m.group(1)], report)


def run_mypy() -> subprocess.CompletedProcess[str]:
    tree = build_tree()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(CACHE),
            "--no-color-output",
            "-p",
            "newswatch",
        ],
        cwd=tree,
        capture_output=True,
        text=True,
    )
    result.stdout = _repo_paths(result.stdout)
    return result


def main() -> int:
    result = run_mypy()
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
