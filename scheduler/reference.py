"""The README's configuration reference, written from the configuration models.

Every key, its default and its help come from scheduler/config.py. Regenerate the README's copy
after changing a model:

    python -m newswatch.scheduler.reference --write README.md

`--check README.md` exits 1 when the copy is out of date (the test suite checks the same).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from newswatch.scheduler.config import Settings
from newswatch.scheduler.template import default_of, example_of, toml_value

START = "<!-- configuration reference: written by `python -m newswatch.scheduler.reference --write README.md` -->"
END = "<!-- end of the configuration reference -->"
_TITLES = {
    "sources": "`[[sources]]`: one table per source",
    "topics": "`[[topics]]`: one table per topic",
}


def _code(value: object) -> str:
    return "`" + toml_value(value).replace("|", "\\|") + "`"


def _default_cell(field: FieldInfo) -> str:
    default = default_of(field)
    if default is ...:
        return "required"
    example = example_of(field)
    shown = "unset" if default is None else _code(default)
    return shown + (f" (e.g. {_code(example)})" if example is not None else "")


def _rows(fields: dict[str, FieldInfo]) -> list[str]:
    lines = ["| key | default | |", "|---|---|---|"]
    for key, field in fields.items():
        help_text = (field.description or "").replace("|", "\\|")
        lines.append(f"| `{key}` | {_default_cell(field)} | {help_text} |")
    return lines


def _model(field: FieldInfo) -> type[BaseModel] | None:
    """The model of a table (`[crawl]`) or of each entry of an array of tables (`[[sources]]`)."""
    inner = field.annotation
    args = getattr(inner, "__args__", ())
    if getattr(inner, "__origin__", None) is list and args:
        inner = args[0]
    return inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None


def reference() -> str:
    """The Markdown reference: one table of keys per configuration table."""
    plain = {key: field for key, field in Settings.model_fields.items() if _model(field) is None}
    parts = ["#### Top level (above the first table)", "", *_rows(plain)]
    for name, field in Settings.model_fields.items():
        model = _model(field)
        if model is not None:
            parts += ["", f"#### {_TITLES.get(name, f'`[{name}]`')}", "", *_rows(model.model_fields)]
    return "\n".join(parts) + "\n"


def with_reference(readme: str) -> str:
    """`readme` with the text between the markers replaced by the current reference."""
    try:
        head, rest = readme.split(START + "\n", 1)
        _, tail = rest.split(END, 1)
    except ValueError:
        raise ValueError(f"the markers {START!r} and {END!r} are missing") from None
    return f"{head}{START}\n{reference()}{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newswatch.scheduler.reference", description=__doc__.split("\n")[0])
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", metavar="README", help="rewrite the reference in this file")
    action.add_argument("--check", metavar="README", help="exit 1 when the reference in this file is out of date")
    args = parser.parse_args(argv)
    if not (args.write or args.check):
        sys.stdout.write(reference())
        return 0
    path = Path(args.write or args.check)
    text = path.read_text(encoding="utf-8")
    try:
        current = with_reference(text)
    except ValueError as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 2
    if args.check:
        if current != text:
            print(f"{path}: the configuration reference is out of date; run with --write {path}", file=sys.stderr)
            return 1
        return 0
    if current != text:
        path.write_text(current, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
