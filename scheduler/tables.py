"""Tables on the terminal that stay readable at 80 columns.

Short cells (ids, dates, counts, names) are never broken: they keep their width, a long one ends
in an ellipsis. Long cells (titles, errors, URLs) wrap at word boundaries in the width left over,
and a cell that would run on (a crawl error naming every failed page) is cut to a line or two with
an ellipsis. When the terminal is too narrow for every column, the least important ones are left
out (`--wide` keeps them all, and every short cell whole); `layout` decides, `print_table` draws
with rich.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

# What a column costs beyond its text in rich's default box: one space each side and a rule.
_EDGE = 3
MIN_CUT = 10  # the narrowest a cut cell is wrapped at, however little room the others leave


@dataclass(frozen=True)
class Column:
    name: str
    drop: int = 0  # 0: always shown; when the terminal is narrow, the highest go first
    flex: bool = False  # wraps at word boundaries in the width the other columns leave
    min_width: int = 0  # a flex column's narrowest useful width
    max_width: int | None = None  # a fixed column's widest; longer cells end in an ellipsis
    lines: int | None = None  # a flex column's most lines; the rest is cut with an ellipsis
    fold: bool = False  # a flex column of long tokens (URLs): broken anywhere, not cut


def _fixed_width(column: Column, cells: list[str], wide: bool = False) -> int:
    """A fixed column's width: its longest cell, cut at `max_width` unless `wide` asks for all."""
    natural = max([len(column.name), *(len(line) for cell in cells for line in cell.splitlines() or [""])])
    return min(natural, column.max_width) if column.max_width and not wide else natural


def layout(columns: list[Column], rows: list[list[str]], width: int, wide: bool = False) -> tuple[list[int], int, int]:
    """The indexes of the columns to show at `width` characters, the width each flex column gets
    (the width left over, shared evenly), and the table's width: `width`, or with `wide`, as wide
    as every column whole needs, however narrow the terminal (it wraps, or `less -S` scrolls)."""
    shown = list(range(len(columns)))
    cells = {i: [row[i] for row in rows] for i in shown}

    def needed(indexes: list[int]) -> int:
        return 1 + sum(
            _EDGE + (columns[i].min_width if columns[i].flex else _fixed_width(columns[i], cells[i], wide))
            for i in indexes
        )

    if wide:
        width = max(width, needed(shown))
    while not wide and needed(shown) > width:
        droppable = [i for i in shown if columns[i].drop > 0]
        if not droppable:
            break
        # The least important go first; of equals, the rightmost.
        shown.remove(max(droppable, key=lambda i: (columns[i].drop, i)))
    flexible = [i for i in shown if columns[i].flex]
    fixed = sum(_fixed_width(columns[i], cells[i], wide) for i in shown if not columns[i].flex)
    left = width - 1 - _EDGE * len(shown) - fixed
    share = max(left // len(flexible), 1) if flexible else 0
    return shown, share, width


def cut(text: str, width: int, lines: int) -> str:
    """`text` in at most `lines` lines of `width`, broken at word boundaries; an ellipsis where
    it was cut."""
    flat = " ".join(text.split())
    wrapped = textwrap.wrap(flat, width, break_on_hyphens=False)
    if len(wrapped) <= lines:
        return flat
    # Broken here, where the width is known, so that the table does not wrap the lines again.
    return "\n".join(textwrap.wrap(flat, width, max_lines=lines, placeholder=" …", break_on_hyphens=False))


def print_table(console, columns: list[Column], rows: list[list[str]], wide: bool = False, title: str | None = None):
    """Draw `rows` (plain text cells: titles from the web may hold [brackets] that rich would
    otherwise read as markup) under `columns`, fitted to the console's width."""
    from rich.table import Table
    from rich.text import Text

    shown, share, width = layout(columns, rows, console.width, wide)
    table = Table(title=title)
    for i in shown:
        column = columns[i]
        if column.flex:
            table.add_column(
                column.name, min_width=min(column.min_width, share), overflow="fold" if column.fold else "ellipsis"
            )
        else:
            table.add_column(
                column.name,
                no_wrap=True,
                overflow="ellipsis",
                width=_fixed_width(column, [row[i] for row in rows], wide),
            )
    for row in rows:
        cells = []
        for i in shown:
            cell = row[i]
            lines = columns[i].lines
            if lines:
                cell = cut(cell, max(share, MIN_CUT), lines)
            cells.append(Text(cell))
        table.add_row(*cells)
    if width > console.width:  # `wide`: drawn wider than the terminal, not squeezed into it
        from rich.console import Console

        console = Console(
            file=console.file,
            width=width,
            highlight=False,
            soft_wrap=True,
            force_terminal=console.is_terminal,
            color_system=console.color_system,
        )
    console.print(table)
