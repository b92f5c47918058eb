"""Atom feeds of stories: /feeds/all.atom (every matched story) and /feeds/TOPIC.atom. One entry
per story, whose id stays the same however many reports join it, so a feed reader shows a story
once; the entry links the story's first report and lists its outlets and matched terms."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from newswatch.db.reading import terms_of
from newswatch.scheduler.atom import Entry, Feed, feed_xml, web_link
from newswatch.web import queries
from newswatch.web.site import Site

FEED_SIZE = 50
ATOM_TYPE = "application/atom+xml; charset=utf-8"
NEVER = datetime(2000, 1, 1, tzinfo=UTC)  # when a feed with no entry last changed


def _entry(story: queries.Story, topic: str | None, base: str) -> Entry:
    first = story.first
    page = f"{base}/stories/{story.story_id}"
    terms: dict[str, None] = {}
    topics: dict[str, None] = {}
    for rows in story.matches.values():
        for match in rows:
            if topic is None or match.topic == topic:
                topics[match.topic] = None
                terms.update(dict.fromkeys(terms_of(match.hits)))
    outlets = story.outlets
    summary = (
        f"{len(outlets)} outlet{'s' if len(outlets) != 1 else ''}: {', '.join(outlets)}. "
        f"Matched {', '.join(topics)}: {', '.join(terms)}."
    )
    reports = Markup("").join(
        Markup("<li>{}{} ({})</li>").format(
            Markup('<a href="{}">{}</a>').format(web_link(r.url), r.title) if web_link(r.url) else r.title,
            Markup(" &middot; copy") if r.duplicate_of is not None else "",
            r.outlet or r.source,
        )
        for r in story.reports
    )
    content = Markup('<p>Matched <b>{}</b>: {}.</p><p>Reports:</p><ul>{}</ul><p><a href="{}">{}</a></p>').format(
        ", ".join(topics), ", ".join(terms), reports, page, "Why it matched"
    )
    return Entry(
        id=f"urn:newswatch:story:{story.story_id}",
        title=first.title,
        link=web_link(first.url) or page,
        updated=story.latest,
        published=first.published_at or first.fetched_at,
        authors=outlets,
        categories=list(topics),
        summary=summary,
        content_html=str(content),
    )


def feed(request: Request) -> Response:
    site: Site = request.app.state.site
    name = request.path_params["name"]
    topic = None if name == "all" else name
    if topic is not None and site.options.topic(topic) is None:
        return Response(f"No topic named {topic!r} in the configuration.\n", status_code=404, media_type="text/plain")
    base = str(request.base_url).rstrip("/")
    with site.engine.connect() as conn:
        found = queries.stories(conn, queries.story_ids(conn, topic=topic, limit=FEED_SIZE))
    entries = [_entry(story, topic, base) for story in found]
    xml = feed_xml(
        Feed(
            id=f"urn:newswatch:feed:{'topic:' + topic if topic else 'all'}",
            title=f"newswatch: {topic}" if topic else "newswatch: all topics",
            subtitle=f"Stories matching the topic {topic}" if topic else "Stories matching any topic",
            # An empty feed has not changed since... ever: a fixed moment keeps its ETag stable.
            updated=max((e.updated for e in entries), default=NEVER),
            self_url=f"{base}/feeds/{name}.atom",
            alternate_url=f"{base}/?topic={topic}" if topic else f"{base}/",
            entries=entries,
        )
    )
    tag = '"' + hashlib.sha256(xml.encode("utf-8")).hexdigest()[:32] + '"'
    headers = {"ETag": tag}
    newest = max(e.updated for e in entries).astimezone(UTC).replace(microsecond=0) if entries else None
    if newest is not None:
        headers["Last-Modified"] = format_datetime(newest, usegmt=True)
    if _unchanged(request, tag, newest):
        return Response(status_code=304, headers=headers)
    return Response(xml, media_type=ATOM_TYPE, headers=headers)


def _unchanged(request: Request, tag: str, modified: datetime | None) -> bool:
    """True when the reader has this version: its If-None-Match lists the ETag or, without that
    header, its If-Modified-Since is no earlier than the newest entry (RFC 9110, 13.2.2)."""
    listed = request.headers.get("if-none-match")
    if listed is not None:
        return tag in _tags(listed)
    since = request.headers.get("if-modified-since")
    if not since or modified is None:
        return False
    try:
        return modified <= parsedate_to_datetime(since)
    except (TypeError, ValueError):  # not an HTTP date: ignored, as RFC 9110 says
        return False


def _tags(header: str) -> set[str]:
    """The entity tags an If-None-Match header lists, weak ones as their strong form."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
