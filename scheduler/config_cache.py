"""What the read-only commands need from the configuration, remembered once it has validated.

`newswatch articles`, `search`, `show` and `export` need only the database URL and the log
format, but a configuration must validate in full before any command runs (a bad one exits 2).
Building the validator (pydantic models) costs such a command a quarter of its time, so the
outcome of a successful validation is kept in the user's cache folder, keyed by everything it
depends on: the file's path and text, the working folder (relative database paths and the built-in
default depend on it) and the validator's own source files. Each file has one entry, replaced when
the file has changed and validated again; a file that fails validation is never recorded as
valid, so it fails every time.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from newswatch.scheduler.config_files import BUILT_IN, find_config_path, read_config_text

# The code a validation outcome depends on, and the code that writes the built-in default: when
# one of these changes, old entries are ignored.
_VALIDATOR_FILES = (
    "scheduler/config.py",
    "scheduler/config_files.py",
    "scheduler/durations.py",
    "scheduler/default_sources.py",
    "scheduler/template.py",
    "domain/query.py",
    "domain/items.py",
    "domain/topics.py",
    "db/session.py",
)
_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class ReadSettings:
    database_url: str
    log_format: str
    built_in: bool  # no configuration file was found: the built-in default is in use
    topics: list[str]  # the configured names, for the "unknown topic" and "unknown source" errors
    sources: list[str]


def cache_folder(env: Mapping[str, str] | None = None) -> Path | None:
    """$XDG_CACHE_HOME/newswatch, else ~/.cache/newswatch; None when there is no home to use."""
    env = os.environ if env is None else env
    try:
        base = env.get("XDG_CACHE_HOME") or str(Path(env.get("HOME") or Path.home()) / ".cache")
    except (KeyError, RuntimeError):  # no $HOME and no password-database entry
        return None
    return Path(base) / "newswatch"


def _validator_stamp() -> str:
    parts = []
    for name in _VALIDATOR_FILES:
        try:
            stat = (_ROOT / name).stat()
            parts.append(f"{name}:{stat.st_mtime_ns}:{stat.st_size}")
        except OSError:
            parts.append(f"{name}:missing")
    return "|".join(parts)


def read_settings(
    explicit: str | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    folder: Path | None = None,
) -> ReadSettings:
    """The read-only commands' settings, from the cache when this exact configuration has
    validated before, else from a full validation (raising ConfigError, as `load_config` does)."""
    cwd = cwd or Path.cwd()
    path = find_config_path(explicit, env, cwd)
    # The built-in default's text is written from the models, which is what the cache spares; the
    # files that write it are part of the key instead.
    text, label = read_config_text(path) if path is not None else ("", BUILT_IN)
    place = "\0".join((str(path), str(cwd)))
    key = hashlib.sha256("\0".join((_validator_stamp(), place, text)).encode()).hexdigest()
    folder = folder or cache_folder(env)
    # One entry per configuration file (and working folder), replaced when the file changes.
    entry = folder / f"config-{hashlib.sha256(place.encode()).hexdigest()[:32]}.json" if folder else None
    try:
        if entry is not None:
            remembered = json.loads(entry.read_text(encoding="utf-8"))
            if remembered.pop("key", None) == key:
                return ReadSettings(**remembered)
    except (OSError, ValueError, TypeError, AttributeError):
        pass
    from newswatch.scheduler.config import parse_config

    if path is None:
        text, label = read_config_text(None)
    config = parse_config(text, label, path, check_targets=False)
    settings = ReadSettings(
        database_url=config.database_url,
        log_format=config.settings.logging.format,
        built_in=path is None,
        topics=[t.name for t in config.settings.topics],
        sources=[s.name for s in config.sources],
    )
    if entry is not None:
        _remember(entry, key, settings)
    return settings


def _remember(entry: Path, key: str, settings: ReadSettings) -> None:
    """Write the entry atomically; a cache that can't be written only costs speed."""
    try:
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = entry.with_suffix(f".{os.getpid()}.tmp")
        # The database URL may carry a password: readable by its owner only, like the file it
        # came from should be.
        handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(json.dumps({"key": key, **asdict(settings)}))
        os.replace(partial, entry)
    except OSError:
        pass
