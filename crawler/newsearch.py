"""News-search sources: Google News and Bing News RSS searches.

A `google_news` or `bing_news` source is a search query turned into an RSS URL; the feed itself is
read by `crawler.feeds.parse_feed`. What is special about these feeds is cleaned up here:

- Google News titles read "Headline - Outlet"; the outlet also arrives in `<source>`.
  `google_news_entry` splits them, and swaps the news.google.com redirect for the publisher's URL
  when the article id embeds it (older ids are base64 protobuf holding the URL). Newer ids are
  opaque tokens that only Google's servers can map: those links are kept, and the fetcher follows
  them (or the caller drops them) - `resolve_google_news_link` returns None for them.
- Bing News links are `bing.com/news/apiclick.aspx?...&url=<publisher URL>` redirects;
  `resolve_bing_news_link` reads the `url` parameter.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import re
from urllib.parse import parse_qs, quote_plus, urlencode, urlsplit

from newswatch.crawler.feeds import normalize_space
from newswatch.domain.items import FeedEntry

_GOOGLE_NEWS_HOSTS = {"news.google.com"}
_ARTICLE_ID = re.compile(r"/(?:__i/rss/rd/)?(?:rss/)?articles/([A-Za-z0-9_\-]+)")
# A title suffix this long is a headline clause, not a publisher name.
_MAX_OUTLET_WORDS = 6


def google_news_url(query: str, hl: str = "en-IN", gl: str = "IN", ceid: str = "IN:en") -> str:
    """The Google News RSS search URL for `query` in the given edition."""
    params = urlencode({"q": query, "hl": hl, "gl": gl, "ceid": ceid}, quote_via=quote_plus, safe=":")
    return f"https://news.google.com/rss/search?{params}"


def bing_news_url(query: str) -> str:
    """The Bing News RSS search URL for `query`."""
    return f"https://www.bing.com/news/search?{urlencode({'q': query, 'format': 'rss'}, quote_via=quote_plus)}"


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def _protobuf_strings(data: bytes) -> list[bytes]:
    """Length-delimited fields of a protobuf message, top level only, in order. Stops at the
    first thing that does not parse (the tail of some ids is not protobuf)."""
    strings: list[bytes] = []
    pos = 0
    try:
        while pos < len(data):
            key, pos = _read_varint(data, pos)
            wire_type = key & 7
            if wire_type == 0:
                _, pos = _read_varint(data, pos)
            elif wire_type == 2:
                length, pos = _read_varint(data, pos)
                if pos + length > len(data):
                    break
                strings.append(data[pos : pos + length])
                pos += length
            elif wire_type == 1:
                pos += 8
            elif wire_type == 5:
                pos += 4
            else:
                break
    except ValueError:
        pass
    return strings


def resolve_google_news_link(url: str) -> str | None:
    """The publisher URL embedded in a Google News article link, decoded offline, or None when the
    link is not a Google News article link or its id is an opaque (newer) token."""
    parts = urlsplit(url.strip())
    if parts.hostname not in _GOOGLE_NEWS_HOSTS:
        return None
    match = _ARTICLE_ID.search(parts.path)
    if not match:
        return None
    token = match.group(1)
    try:
        data = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    for field in _protobuf_strings(data):
        try:
            text = field.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if re.match(r"https?://[^\s]+$", text):
            return text
    return None


def resolve_bing_news_link(url: str) -> str | None:
    """The publisher URL carried in a Bing News `apiclick.aspx?...&url=` redirect, else None."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if not (host == "bing.com" or host.endswith(".bing.com")):
        return None
    for key, values in parse_qs(parts.query).items():
        if key.lower() == "url":
            target = values[0].strip()
            if target.startswith(("http://", "https://")):
                return target
    return None


def split_title_outlet(title: str, outlet: str | None = None) -> tuple[str, str | None]:
    """Split "Headline - Outlet" into (headline, outlet). With a known outlet only that suffix is
    removed; without one the last " - " part is taken as the outlet when it is short."""
    title = normalize_space(title)
    if outlet:
        for dash in (" - ", " – ", " — ", " | "):
            suffix = f"{dash}{outlet}"
            if title.lower().endswith(suffix.lower()) and len(title) > len(suffix):
                return title[: -len(suffix)].rstrip(), outlet
        return title, outlet
    head, sep, tail = title.rpartition(" - ")
    if sep and head and tail and len(tail.split()) <= _MAX_OUTLET_WORDS:
        return head.rstrip(), tail.strip()
    return title, None


def google_news_entry(entry: FeedEntry) -> FeedEntry:
    """A Google News search result with the outlet split off the title and, when the link can be
    decoded offline, the publisher's URL in place of the news.google.com redirect.

    The feed's description is dropped: it repeats the title, or lists other outlets' headlines
    of the same story, which would make topic matching see words this article may not contain."""
    title, outlet = split_title_outlet(entry.title or "", entry.outlet)
    return dataclasses.replace(
        entry,
        url=resolve_google_news_link(entry.url) or entry.url,
        title=title or entry.title,
        outlet=outlet,
        summary=None,
    )


def bing_news_entry(entry: FeedEntry) -> FeedEntry:
    """A Bing News search result with the publisher's URL in place of the bing.com redirect."""
    return dataclasses.replace(entry, url=resolve_bing_news_link(entry.url) or entry.url)
