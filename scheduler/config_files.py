"""Finding and reading the configuration file, without validating it (scheduler/config.py does).

Where the file is found: `--config PATH`, else `$NEWSWATCH_CONFIG`, else `./newswatch.toml`, else
the built-in default (the text `newswatch init` writes: scheduler/template.py). Kept apart from
the validator so that commands which only read the database can look for a copy validated earlier
(scheduler/config_cache.py) before they import it.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from pathlib import Path

DEFAULT_FILE = "newswatch.toml"
ENV_VAR = "NEWSWATCH_CONFIG"
BUILT_IN = "<built-in default>"


class ConfigError(Exception):
    """A configuration problem: `str()` is what the user sees (one line; a query error adds the
    query's line with a caret under the spot). URLs in it have their secrets masked."""

    def __init__(self, file: str, key: str, problem: str):
        from newswatch.domain.redact import mask_text

        problem = mask_text(problem)
        self.file, self.key, self.problem = file, key, problem
        super().__init__(f"{file}: {key}: {problem}" if key else f"{file}: {problem}")


def find_config_path(
    explicit: str | None, env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> Path | None:
    """The config file to use, or None for the built-in default. An explicit or environment path
    that does not exist is an error, not a silent fallback."""
    env = os.environ if env is None else env
    cwd = cwd or Path.cwd()
    for given, origin in ((explicit, "--config"), (env.get(ENV_VAR), f"${ENV_VAR}")):
        if given:
            candidate = Path(given).expanduser()
            if not candidate.is_file():
                raise ConfigError(str(candidate), "", f"config file not found (from {origin})")
            return candidate.resolve()
    local = cwd / DEFAULT_FILE
    return local.resolve() if local.is_file() else None


def read_config_text(path: Path | None) -> tuple[str, str]:
    """The configuration's text and its label for messages (the path, or the built-in default)."""
    if path is None:
        from newswatch.scheduler.template import config_template

        return config_template(), BUILT_IN
    try:
        # utf-8-sig: a file saved with a byte-order mark (as some Windows editors do) reads as well.
        return path.read_text(encoding="utf-8-sig"), str(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), "", f"cannot read: {exc}") from None


def did_you_mean(word: str, choices: list[str]) -> str:
    """ " (did you mean 'x'?)" when one of `choices` is close to `word`, else ""."""
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def unknown_name(kind: str, name: str, known: list[str]) -> str:
    """Why `name` cannot be used as a `kind` ("topic", "source"), the configured ones being `known`."""
    return f"unknown {kind} {name!r}{did_you_mean(name, known)}; configured {kind}s: {', '.join(known) or 'none'}"
