"""Atom feeds (RFC 4287), so a feed reader can follow what newswatch matched: `export --format
atom` writes one entry per article, the web view's /feeds/ one entry per story.

ElementTree escapes every text and attribute. Links are written only when they are http(s):
a feed reader must never be handed a `javascript:` or `data:` link from a page newswatch read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from xml.etree import ElementTree as ET

from newswatch.domain.chars import xml_safe

ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class Entry:
    id: str  # a stable URI: the same item keeps it in every version of the feed
    title: str
    updated: datetime
    link: str | None = None
    published: datetime | None = None
    authors: Sequence[str] = ()
    categories: Sequence[str] = ()
    summary: str = ""  # plain text
    content_html: str | None = None  # HTML (escaped once more by the XML writer, type="html")


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    updated: datetime
    self_url: str | None = None
    alternate_url: str | None = None
    subtitle: str | None = None
    author: str = "newswatch"
    entries: list[Entry] = field(default_factory=list)


def web_link(url: str | None) -> str | None:
    """`url` if it is an http(s) address, else None."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def _tag(parent: ET.Element, name: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}", {key: xml_safe(value) for key, value in attributes.items()})
    if text is not None:
        element.text = xml_safe(text)
    return element


def feed_xml(feed: Feed) -> str:
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    _tag(root, "id", feed.id)
    _tag(root, "title", feed.title)
    if feed.subtitle:
        _tag(root, "subtitle", feed.subtitle)
    _tag(root, "updated", feed.updated.isoformat())
    author = _tag(root, "author")
    _tag(author, "name", feed.author)
    _tag(root, "generator", "newswatch")
    if feed.self_url:
        _tag(root, "link", rel="self", type="application/atom+xml", href=feed.self_url)
    if feed.alternate_url:
        _tag(root, "link", rel="alternate", type="text/html", href=feed.alternate_url)
    for item in feed.entries:
        entry = _tag(root, "entry")
        _tag(entry, "id", item.id)
        _tag(entry, "title", item.title or "(untitled)")
        _tag(entry, "updated", item.updated.isoformat())
        if item.published:
            _tag(entry, "published", item.published.isoformat())
        link = web_link(item.link)
        if link:
            _tag(entry, "link", rel="alternate", href=link)
        for name in item.authors or (feed.author,):
            _tag(_tag(entry, "author"), "name", name)
        for term in item.categories:
            _tag(entry, "category", term=term)
        if item.summary:
            _tag(entry, "summary", item.summary)
        if item.content_html:
            _tag(entry, "content", item.content_html, type="html")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


SUMMARY_CHARS = 600


def summary_of(text: str, limit: int = SUMMARY_CHARS) -> str:
    """The opening of `text`, cut at a word boundary with an ellipsis when it is longer."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit + 1].rsplit(" ", 1)[0] if " " in flat[:limit] else flat[:limit]
    return cut.rstrip(",;:.") + "…"


def atom_feed(records: list[dict], title: str, now: datetime, feed_id: str, link: str | None = None) -> str:
    """Article records (`db.reading.article_json`, with text) as a feed: one entry per article.
    `feed_id`: stable for the same selection, so a reader keeps one subscription per export."""
    entries = [
        Entry(
            id=f"urn:newswatch:article:{record['id']}",
            title=record["title"],
            link=record["url"],
            updated=datetime.fromisoformat(record["updated_at"] or record["fetched_at"]),
            published=datetime.fromisoformat(record["published_at"]) if record["published_at"] else None,
            authors=[", ".join(record["authors"]) or record["source"]],
            categories=[topic["name"] for topic in record["topics"]],
            summary=summary_of(record.get("text") or ""),
        )
        for record in records
    ]
    return feed_xml(Feed(id=feed_id, title=title, updated=now, alternate_url=link, entries=entries))
