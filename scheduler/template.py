"""The configuration file `newswatch init` writes, laid out from the configuration models.

Every key, its default and its one-line help come from scheduler/config.py; this module only
writes them as commented TOML, with the built-in topics and a few of the built-in sources. The
same text is the built-in default newswatch runs on when no file is found, so the file a user
starts editing and what ran before are one and the same.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from newswatch.domain.topics import BUILTIN_TOPICS
from newswatch.scheduler.config import Settings, SourceConfig, TopicConfig

# Keys the file sets; the others are written commented out with their default, so the file
# follows newswatch's defaults until its owner sets one.
SET_KEYS = frozenset(
    {
        "database.url",
        "crawl.allow_private_addresses",
        "crawl.obey_robots_txt",
        "crawl.max_item_age",
        "alerts.urls",
        "alerts.max_age",
        "alerts.max_per_cycle",
        "logging.level",
    }
)
# The built-in sources written out in full, one of each kind; `builtin_sources` brings the rest.
SHOWN_SOURCES = ("the-hindu-national", "pib-releases", "defense-news", "gnews-icet")
# Keys of a source written even when they hold the default: they say what the source is.
_SOURCE_KEYS = ("name", "type", "url", "query", "link_selector", "interval")
# Tables most users never set, written as one commented line each: what turns them on.
_BRIEF_TABLES = {"cluster": ("broker", 'cluster mode, README "Scaling out" (database.url must then be PostgreSQL)')}
_COMMENT_COLUMN = 36
_WIDTH = 120

_HEADER = """\
# newswatch configuration, written by `newswatch init`.
#
# A key left out, or commented out as many are below, takes the default shown. Durations are
# written 30s, 15m, 1h, 1d; sizes 512KB, 5MB. After an edit, `newswatch sources` checks the file:
# a bad key exits 2 and names it. The README's "Configuration" describes every key.
"""


def toml_value(value: Any) -> str:
    """`value` as TOML writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    text = str(value)
    if '"' in text and "'" not in text and "\n" not in text:
        return f"'{text}'"  # a literal string: no escaped quotes to read
    return json.dumps(text, ensure_ascii=False)


def default_of(field: FieldInfo) -> Any:
    """The field's default as a user writes it (None: unset; ... : required)."""
    if field.is_required():
        return ...
    return field.get_default(call_default_factory=True)


def example_of(field: FieldInfo) -> Any:
    return field.examples[0] if field.examples else None


def _line(text: str, help_text: str) -> list[str]:
    """`text` with its help as a trailing comment, or on the line above when that is too long."""
    if len(text) < _COMMENT_COLUMN and _COMMENT_COLUMN + 2 + len(help_text) <= _WIDTH:
        return [f"{text.ljust(_COMMENT_COLUMN)}# {help_text}"]
    return [f"# {help_text}", text]


def _table(name: str, model: type[BaseModel]) -> list[str]:
    if name in _BRIEF_TABLES:
        key, about = _BRIEF_TABLES[name]
        example = toml_value(example_of(model.model_fields[key]))
        return [f"# [{name}]".ljust(_COMMENT_COLUMN) + f"# {about}", f"# {key} = {example}"]
    lines = [f"[{name}]"]
    for key, field in model.model_fields.items():
        default = default_of(field)
        value = default if default is not None else example_of(field)
        text = f"{key} = {toml_value(value)}"
        if f"{name}.{key}" not in SET_KEYS or default is None:
            text = "# " + text
        lines += _line(text, field.description or "")
        if default is not None and example_of(field) is not None:
            lines.append(f"# e.g. {key} = {toml_value(example_of(field))}")
    return lines


def _keys_note(what: str, model: type[BaseModel]) -> list[str]:
    """A comment listing the keys each [[topics]] / [[sources]] entry may hold."""
    lines = [f"# Each [[{what}]] holds:"]
    for key, field in model.model_fields.items():
        default = default_of(field)
        shown = "(required)" if default is ... else f"= {toml_value(default)}" if default is not None else "(unset)"
        lead = f"#   {key} {shown}".ljust(_COMMENT_COLUMN)
        lines += textwrap.wrap(
            field.description or "", _WIDTH, initial_indent=lead, subsequent_indent="#" + " " * (_COMMENT_COLUMN - 1)
        )
    return lines


def _multiline(value: str) -> str:
    if "'''" not in value:
        return "'''\n" + value.strip("\n") + "\n'''"
    return toml_value(value)


def _topic_block(topic) -> list[str]:
    lines = ["[[topics]]", f"name = {toml_value(topic.name)}", f"query = {_multiline(topic.query)}"]
    lines.append(f"alert = {toml_value(topic.alert)}")
    if topic.min_score != TopicConfig.model_fields["min_score"].default:
        lines.append(f"min_score = {toml_value(topic.min_score)}")
    return lines


def _source_block(source: dict) -> list[str]:
    """A built-in source (as scheduler/default_sources.py writes it: "15m", not 900.0)."""
    lines = ["[[sources]]"]
    for key, field in SourceConfig.model_fields.items():
        value = source.get(key)
        if value is None or (key not in _SOURCE_KEYS and value == field.default):
            continue
        lines.append(f"{key} = {toml_value(value)}")
    return lines


def config_template(all_sources: bool = False) -> str:
    """The commented configuration `newswatch init` writes (`all_sources`: every built-in source
    written out, instead of a few plus `builtin_sources = true`)."""
    from newswatch.scheduler.default_sources import DEFAULT_SOURCES

    known = DEFAULT_SOURCES
    shown = known if all_sources else [s for s in known if s["name"] in SHOWN_SOURCES]
    choice = Settings.model_fields["builtin_sources"].description or ""
    where = "all" if all_sources else "a few"
    about = (
        f"newswatch has {len(known)} built-in sources (Indian, US and official outlets; {where} are written out "
        f"at the end of this file). {choice[:1].upper()}{choice[1:]}."
    )
    parts = [_HEADER]
    parts.append(
        "\n".join(
            [
                *textwrap.wrap(about, 98, initial_indent="# ", subsequent_indent="# "),
                f"builtin_sources = {toml_value(not all_sources)}",
            ]
        )
        + "\n"
    )
    for name, field in Settings.model_fields.items():
        model = field.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            parts.append("\n".join(_table(name, model)) + "\n")
    parts.append("\n".join(_keys_note("topics", TopicConfig)) + "\n")
    parts += ["\n".join(_topic_block(topic)) + "\n" for topic in BUILTIN_TOPICS]
    parts.append("\n".join(_keys_note("sources", SourceConfig)) + "\n")
    parts += ["\n".join(_source_block(source)) + "\n" for source in shown]
    return "\n".join(parts)
