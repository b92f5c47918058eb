"""Matched terms marked in an article's own text, as safe HTML.

The matcher (domain/query.py) finds terms in a normalised copy of the text: NFKC, quotes and
dashes folded, whitespace collapsed. To mark them in the text as stored (paragraphs, curly quotes
and all), each place is mapped back from the normalised copy to the original characters. Every
character of the text is escaped; only the <mark> and <p> elements made here are markup.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from markupsafe import Markup, escape

from newswatch.domain.query import FIELDS, Document, Query, normalise_text

_NON_SPACE = re.compile(r"\S+")


@dataclass(frozen=True)
class Place:
    """A matched place in one field, in characters of the normalised, collapsed field text."""

    field: str
    start: int
    end: int
    label: str
    tokens: tuple[int, int] = (0, 0)  # the same place in tokens (for Document.snippet)


def places(doc: Document, query: Query, label: str = "") -> list[Place]:
    """Where `query`'s positive terms matched `doc` (none when it does not match). `label` prefixes
    each term's label ("icet: jet engine*")."""
    found = query.locate(doc) or []
    result = []
    for occurrence in found:
        field = doc.fields[FIELDS.index(occurrence.field)]
        start, end = field.span(occurrence.start, occurrence.end)
        term = f"{label}: {occurrence.term}" if label else occurrence.term
        result.append(Place(occurrence.field, start, end, term, (occurrence.start, occurrence.end)))
    return result


def _clusters(text: str) -> list[str]:
    """The text cut before every character that is not a combining mark: NFKC may compose a
    letter with the marks after it, never across two such clusters."""
    clusters: list[str] = []
    for char in text:
        if clusters and unicodedata.combining(char):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def _offset_map(original: str, collapsed: str) -> list[tuple[int, int]] | None:
    """For each character of `collapsed` (the field text as the matcher sees it), the span in
    `original` of the cluster it comes from. None when the text does not normalise cluster by
    cluster (then the normalised text is shown instead)."""
    clusters = _clusters(original)
    pieces = [normalise_text(cluster) for cluster in clusters]
    normalised = "".join(pieces)
    if normalised != normalise_text(original):
        return None
    source: list[tuple[int, int]] = []  # per normalised character
    offset = 0
    for cluster, piece in zip(clusters, pieces, strict=True):
        source.extend([(offset, offset + len(cluster))] * len(piece))
        offset += len(cluster)
    chunks = list(_NON_SPACE.finditer(normalised))
    if " ".join(chunk.group() for chunk in chunks) != collapsed:
        return None
    mapping: list[tuple[int, int]] = []
    for index, chunk in enumerate(chunks):
        if index:  # the one space that stands for the whitespace between two chunks
            gap = source[chunk.start() - 1][1]
            mapping.append((gap, gap))
        mapping.extend(source[chunk.start() : chunk.end()])
    return mapping


def _spans(text: str, collapsed: str, found: list[Place]) -> tuple[str, list[tuple[int, int, str]]]:
    """The text to show and the marked spans in it, merged where they overlap."""
    spans: list[tuple[int, int, str]] = []
    if not found:
        return text, spans
    mapping = _offset_map(text, collapsed)
    if mapping is None:
        text, mapping = collapsed, [(i, i + 1) for i in range(len(collapsed))]
    for place in sorted(found, key=lambda p: (p.start, -p.end)):
        if not 0 <= place.start < place.end <= len(mapping):
            continue
        start, end = mapping[place.start][0], mapping[place.end - 1][1]
        if spans and start < spans[-1][1]:
            last = spans[-1]
            labels = last[2] if place.label in last[2].split(" · ") else f"{last[2]} · {place.label}"
            spans[-1] = (last[0], max(last[1], end), labels)
        else:
            spans.append((start, end, place.label))
    return text, spans


def _render(text: str, spans: list[tuple[int, int, str]]) -> list[Markup]:
    """Paragraphs (split at line breaks) of escaped text with <mark>s."""
    paragraphs: list[list[str]] = [[]]
    position = 0

    def add(piece: str, label: str | None) -> None:
        lines = piece.split("\n")
        for index, line in enumerate(lines):
            if index:
                paragraphs.append([])
            if not line:
                continue
            if label is None:
                paragraphs[-1].append(str(escape(line)))
            else:
                paragraphs[-1].append(f'<mark title="{escape(label)}">{escape(line)}</mark>')

    for start, end, label in spans:
        add(text[position:start], None)
        add(text[start:end], label)
        position = end
    add(text[position:], None)
    return [Markup("".join(parts)) for parts in paragraphs if "".join(parts).strip()]


def marked_field(doc: Document, field: str, original: str, found: list[Place]) -> list[Markup]:
    """`original` (the stored title or text) as paragraphs of safe HTML, `found` places marked."""
    collapsed = doc.fields[FIELDS.index(field)].text
    text, spans = _spans(original or "", collapsed, [p for p in found if p.field == field])
    return _render(text, spans)


def marked_title(doc: Document, original: str, found: list[Place]) -> Markup:
    return Markup(" ").join(marked_field(doc, "title", original, found))


def mark_words(text: str, surfaces: set[str]) -> Markup:
    """`text` (a stored snippet, already normalised) escaped, with every occurrence of the given
    matched words marked (case-insensitively, as whole words)."""
    words = sorted({s for s in surfaces if s.strip()}, key=len, reverse=True)
    if not words or not text:
        return escape(text or "")
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)
    out: list[str] = []
    position = 0
    for found in pattern.finditer(text):
        out.append(str(escape(text[position : found.start()])))
        out.append(f"<mark>{escape(found.group())}</mark>")
        position = found.end()
    out.append(str(escape(text[position:])))
    return Markup("".join(out))


def surfaces(doc: Document, found: list[Place]) -> dict[str, set[str]]:
    """Per term label, the words it matched as they read in the (normalised) text."""
    result: dict[str, set[str]] = {}
    for place in found:
        text = doc.fields[FIELDS.index(place.field)].text
        result.setdefault(place.label, set()).add(text[place.start : place.end])
    return result
