"""Small helpers for the sentences the command prints."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """ "1 alert", "2 alerts"; `many` for a plural that is not the word plus s ("copies")."""
    return f"{count} {word if count == 1 else many or word + 's'}"
