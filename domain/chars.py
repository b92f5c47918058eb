"""Characters that no stored or served text carries: those XML 1.0 forbids (C0 controls other
than tab, newline and carriage return; lone surrogates; U+FFFE and U+FFFF).

Pages and feeds do carry them, a stray byte of a CMS or a hostile item. Left in a page, one of
them makes the HTML parser give up on the whole document; left in a title, one breaks every
Atom feed that lists it. Vertical tab and form feed become a space (they separate words); the
others go. What is stored loses the C1 controls as well (`storable`): with ESC, they are what
a terminal takes for commands (colours, the window title, links), and no text needs them.

Pure functions; nothing here imports anything of ours.
"""

from __future__ import annotations

import re

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _replace(match: re.Match[str]) -> str:
    return " " if match.group() in "\x0b\x0c" else ""


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 forbids."""
    return _FORBIDDEN.sub(_replace, text) if _FORBIDDEN.search(text) else text


def storable(text: str) -> str:
    """`text` without what XML forbids and without the C1 controls (and DEL): what newswatch
    keeps of a title or a text from the web."""
    return _UNSTORABLE.sub(_replace, text) if _UNSTORABLE.search(text) else text
