"""Turn a fetched RSS, Atom or RDF document into FeedEntry objects.

feedparser does the XML work (it copes with every RSS dialect, xml:base, encodings declared in the
HTTP header, the XML declaration or nowhere, and with broken markup); this module decides what
counts as "not a feed at all", and normalises what feedparser hands back: absolute URLs, dates as
timezone-aware UTC datetimes, plain-text titles and summaries, author lists, a two-letter language
and the best image. It also holds the small text, date and language helpers the sitemap and
article extractors share, so that a date or a language means the same thing at every stage.
"""

from __future__ import annotations

import email.utils
import io
import re
import warnings
import zlib
from calendar import timegm
from datetime import UTC, datetime, timezone
from time import struct_time
from urllib.parse import urljoin

import feedparser
import lxml.html
from dateutil import parser as dateutil_parser
from feedparser import datetimes as feedparser_dates
from lxml import etree

from newswatch.domain.items import FeedEntry

MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024

_GZIP_MAGIC = b"\x1f\x8b"
_WHITESPACE = re.compile(r"\s+")
_AM_PM = re.compile(r"\d\s*[ap]\.?m\.?\b", re.IGNORECASE)
# A year glued to the time, as a real Times of India feed writes it: "Mon, 31 Mar 202510:50:41 +0530".
_YEAR_GLUED_TO_TIME = re.compile(r"\b((?:19|20)\d\d)(\d{1,2}:\d\d)")
_IMAGE_EXTENSIONS = re.compile(r"\.(jpe?g|png|gif|webp|avif)(\?|#|$)", re.IGNORECASE)
_ROOT_TAG = re.compile(
    rb"^(?:\s|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)",
    re.DOTALL | re.IGNORECASE,
)
_FEED_ROOTS = {"rss", "feed", "rdf", "channel"}
_SITEMAP_ROOTS = {"urlset", "sitemapindex"}
# Notes feedparser attaches to perfectly usable feeds (a missing or contradicted charset, a
# text/html Content-Type); only real syntax errors count as "malformed".
_BENIGN_BOZO = (
    feedparser.CharacterEncodingOverride,
    feedparser.CharacterEncodingUnknown,
    feedparser.NonXMLContentType,
)
# Abbreviations feeds actually use; dateutil would otherwise drop them and return a naive time.
_TZ_ABBREVIATIONS = {
    "UTC": 0,
    "UT": 0,
    "GMT": 0,
    "Z": 0,
    "IST": 5 * 3600 + 1800,
    "EST": -5 * 3600,
    "EDT": -4 * 3600,
    "CST": -6 * 3600,
    "CDT": -5 * 3600,
    "MST": -7 * 3600,
    "MDT": -6 * 3600,
    "PST": -8 * 3600,
    "PDT": -7 * 3600,
    "BST": 3600,
    "CET": 3600,
    "CEST": 2 * 3600,
    "EET": 2 * 3600,
    "EEST": 3 * 3600,
    "JST": 9 * 3600,
    "KST": 9 * 3600,
    "SGT": 8 * 3600,
    "HKT": 8 * 3600,
    "AEST": 10 * 3600,
    "AEDT": 11 * 3600,
    "PKT": 5 * 3600,
    "NPT": 5 * 3600 + 2700,
}
_LANGUAGE_NAMES = {
    "english": "en",
    "hindi": "hi",
    "bengali": "bn",
    "bangla": "bn",
    "tamil": "ta",
    "telugu": "te",
    "marathi": "mr",
    "gujarati": "gu",
    "kannada": "kn",
    "malayalam": "ml",
    "punjabi": "pa",
    "urdu": "ur",
    "odia": "or",
    "oriya": "or",
    "assamese": "as",
    "nepali": "ne",
    "french": "fr",
    "german": "de",
    "spanish": "es",
    "portuguese": "pt",
    "italian": "it",
    "dutch": "nl",
    "russian": "ru",
    "chinese": "zh",
    "japanese": "ja",
    "korean": "ko",
    "arabic": "ar",
    "persian": "fa",
    "turkish": "tr",
    "hebrew": "he",
    "polish": "pl",
    "ukrainian": "uk",
    "indonesian": "id",
    "vietnamese": "vi",
    "thai": "th",
}
_THREE_LETTER_LANGUAGES = {
    "eng": "en",
    "hin": "hi",
    "ben": "bn",
    "tam": "ta",
    "tel": "te",
    "mar": "mr",
    "urd": "ur",
    "fra": "fr",
    "fre": "fr",
    "deu": "de",
    "ger": "de",
    "spa": "es",
    "por": "pt",
    "ita": "it",
    "nld": "nl",
    "dut": "nl",
    "rus": "ru",
    "zho": "zh",
    "chi": "zh",
    "jpn": "ja",
    "kor": "ko",
    "ara": "ar",
}
_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "blockquote",
    "figure",
    "figcaption",
    "section",
    "article",
    "header",
    "footer",
    "pre",
    "hr",
    "dd",
    "dt",
    "dl",
}
_EARLIEST_PLAUSIBLE = datetime(1980, 1, 1, tzinfo=UTC)
_LATEST_PLAUSIBLE = datetime(2100, 1, 1, tzinfo=UTC)


class FeedError(ValueError):
    """The document is not a feed we can read. `reason` is one line, fit for a source's status."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def normalize_space(text: str | None) -> str:
    """Collapse runs of whitespace (pretty-printed feeds indent inside titles) to single spaces."""
    return _WHITESPACE.sub(" ", text or "").strip()


def html_to_text(html: str | None) -> str:
    """Plain text of an HTML fragment: scripts and styles dropped, one line per block element,
    entities decoded, whitespace tidied. Text without markup comes back tidied."""
    if not html or not html.strip():
        return ""
    if "<" not in html and "&" not in html:
        return "\n".join(filter(None, (normalize_space(line) for line in html.splitlines())))
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return normalize_space(html)
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    pieces: list[str] = []
    for node in root.iter():
        if not isinstance(node.tag, str):
            if node.tail:
                pieces.append(node.tail)
            continue
        if node.tag in _BLOCK_TAGS:
            pieces.append("\n")
        if node.text:
            pieces.append(node.text)
        if node is not root and node.tail:
            if node.tag in _BLOCK_TAGS:
                pieces.append("\n")
            pieces.append(node.tail)
    lines = (normalize_space(line) for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line)


def _plausible(value: datetime) -> datetime | None:
    value = value.astimezone(UTC)
    return value if _EARLIEST_PLAUSIBLE <= value < _LATEST_PLAUSIBLE else None


def _as_utc(value: datetime, default_tz: timezone) -> datetime | None:
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        value = value.replace(tzinfo=default_tz)
    return _plausible(value)


def parse_date(value: object, default_tz: timezone = UTC) -> datetime | None:
    """A timezone-aware UTC datetime from whatever a feed, sitemap or page calls a date: RFC 822,
    ISO 8601, "Friday, January 29, 2021 04:42 PM", a datetime or a time.struct_time (taken as
    UTC, as feedparser produces). A time without an offset is read in `default_tz`. None when it
    cannot be read or is implausible (before 1980, after 2099), or when its offset is not one
    (+2500): one bad date must not cost a listing its other entries."""
    try:
        return _parse_date(value, default_tz)
    except (ValueError, OverflowError, TypeError):
        return None


def _parse_date(value: object, default_tz: timezone) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return _as_utc(value, default_tz)
    if isinstance(value, struct_time):
        try:
            return _plausible(datetime.fromtimestamp(timegm(value), tz=UTC))
        except (OverflowError, ValueError, OSError):
            return None
    text = _YEAR_GLUED_TO_TIME.sub(r"\1 \2", normalize_space(str(value)))
    if not text:
        return None
    # RFC 822 parsing would read "02:02:33 PM" as 02:02, so 12-hour clocks go to dateutil first;
    # it also drops zone names it does not know ("IST"), so a naive result goes there too.
    if not _AM_PM.search(text):
        try:
            parsed: datetime | None = email.utils.parsedate_to_datetime(text)
            if parsed is not None and parsed.tzinfo is not None:
                return _as_utc(parsed, default_tz)
        except (TypeError, ValueError, IndexError):
            pass
        try:
            return _as_utc(datetime.fromisoformat(text.replace("Z", "+00:00")), default_tz)
        except ValueError:
            pass
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = dateutil_parser.parse(text, tzinfos=_TZ_ABBREVIATIONS)
    except (ValueError, OverflowError, TypeError):
        parsed = None
    if parsed is None:
        struct = feedparser_dates._parse_date(text)
        return _parse_date(struct, default_tz) if struct else None
    return _as_utc(parsed, default_tz)


def normalize_language(value: str | None) -> str | None:
    """Two-letter ISO 639-1 code from "en-US", "en_IN", "EN", "eng", "Hindi"; None if unknown."""
    if not value:
        return None
    text = value.strip().lower().replace("_", "-")
    if not text:
        return None
    if text in _LANGUAGE_NAMES:
        return _LANGUAGE_NAMES[text]
    primary = text.split("-", 1)[0].split(",", 1)[0].strip()
    if len(primary) == 2 and primary.isalpha():
        return primary
    if primary in _THREE_LETTER_LANGUAGES:
        return _THREE_LETTER_LANGUAGES[primary]
    return _LANGUAGE_NAMES.get(primary)


def maybe_gunzip(body: bytes, limit: int = MAX_DECOMPRESSED_BYTES) -> bytes:
    """Decompress a gzip body (a `.xml.gz` file served without Content-Encoding), recognised by its
    magic bytes; anything else is returned as is. Refuses to inflate past `limit` bytes (the
    crawl's `max_page_size`): a small gzip can hide a huge file, and only `limit + 1` bytes are
    ever inflated to find out."""
    if not body.startswith(_GZIP_MAGIC):
        return body
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise ValueError(f"corrupt gzip data: {exc}") from None
    if len(out) > limit:
        raise ValueError(f"gzip body inflates past max_page_size ({format_size(limit)})")
    return out


def format_size(size: int) -> str:
    """512 B, 64 KB, 5 MB: a byte count as the configuration writes it."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size} B"


def sniff_root(body: bytes) -> str | None:
    """Local name (lower case) of the first element, skipping the XML declaration, comments,
    processing instructions and a DOCTYPE. None when the body does not start like markup."""
    start = body[:4096].lstrip(b"\xef\xbb\xbf")
    if start[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            start = start.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return None
    match = _ROOT_TAG.match(start)
    return match.group(2).decode("ascii", "replace").lower() if match else None


def _entry_url(entry: dict, base: str) -> str | None:
    candidates = [entry.get("link")]
    candidates += [link.get("href") for link in entry.get("links", []) if link.get("rel") == "alternate"]
    if entry.get("guidislink") or str(entry.get("id", "")).startswith(("http://", "https://")):
        candidates.append(entry.get("id"))
    for candidate in candidates:
        candidate = (candidate or "").strip()
        if candidate:
            url = urljoin(base, candidate)
            if url.startswith(("http://", "https://")):
                return url
    return None


def _entry_authors(entry: dict) -> list[str]:
    names: list[str] = []
    for author in entry.get("authors") or []:
        name = normalize_space(html_to_text(author.get("name") or "")) or normalize_space(author.get("email"))
        if name and name not in names:
            names.append(name)
    if not names and entry.get("author"):
        names.append(normalize_space(html_to_text(entry["author"])))
    return names


def _pixels(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def _entry_image(entry: dict, base: str) -> str | None:
    """The largest image the entry names: media:content, media:thumbnail, an image enclosure,
    else the first <img> of its HTML."""
    candidates: list[tuple[int, str]] = []
    for media in entry.get("media_content") or []:
        url = (media.get("url") or "").strip()
        kind = (media.get("medium") or media.get("type") or "").lower()
        if url and ("image" in kind or (not kind and _IMAGE_EXTENSIONS.search(url))):
            candidates.append((_pixels(media.get("width")) * max(_pixels(media.get("height")), 1), url))
    for thumb in entry.get("media_thumbnail") or []:
        url = (thumb.get("url") or "").strip()
        if url:
            candidates.append((_pixels(thumb.get("width")) * max(_pixels(thumb.get("height")), 1), url))
    for link in entry.get("links") or []:
        if link.get("rel") == "enclosure" and (link.get("type") or "").startswith("image/"):
            candidates.append((0, (link.get("href") or "").strip()))
    if entry.get("news_image"):
        # Bing News' <News:Image>, kept under its prefix like <News:Source>.
        candidates.append((0, str(entry["news_image"]).strip()))
    candidates = [c for c in candidates if c[1]]
    if candidates:
        # Stable: among equally sized (or unsized) images the first listed wins.
        best = max(candidates, key=lambda c: c[0])
        return urljoin(base, best[1])
    for html in [c.get("value") for c in entry.get("content") or []] + [entry.get("summary")]:
        if html and "<img" in html:
            match = re.search(r"<img[^>]+src\s*=\s*[\"']?([^\"'\s>]+)", html, re.IGNORECASE)
            if match:
                return urljoin(base, match.group(1))
    return None


def _entry_content(entry: dict) -> str | None:
    """The fullest body the entry carries (content:encoded, atom:content), as HTML."""
    bodies = [c.get("value") or "" for c in entry.get("content") or []]
    bodies = [b for b in bodies if b.strip()]
    return max(bodies, key=len) if bodies else None


def _entry_outlet(entry: dict) -> str | None:
    source = entry.get("source") or {}
    title = source.get("title") if hasattr(source, "get") else None
    # Bing News' <News:Source> has no namespace feedparser knows; it keeps the prefix.
    title = title or entry.get("news_source")
    return normalize_space(title) or None


def _to_entry(entry: dict, base: str, feed_language: str | None) -> FeedEntry | None:
    url = _entry_url(entry, base)
    if url is None:
        return None
    published = parse_date(entry.get("published")) or parse_date(entry.get("published_parsed"))
    published = published or parse_date(entry.get("created")) or parse_date(entry.get("created_parsed"))
    # dc:date arrives as "updated"; in a news feed a lone date is the publication date. Read the
    # raw dict: FeedParserDict answers "updated" with "published" when the feed has no update time.
    updated = parse_date(dict.get(entry, "updated")) or parse_date(dict.get(entry, "updated_parsed"))
    content = _entry_content(entry)
    summary = html_to_text(entry.get("summary"))
    if content and summary and summary == html_to_text(content):
        # feedparser copies content:encoded into the summary when there is no description.
        summary = summary[:500].rsplit(" ", 1)[0] + "…" if len(summary) > 500 else summary
    return FeedEntry(
        url=url,
        title=normalize_space(html_to_text(entry.get("title"))) or None,
        published_at=published or updated,
        updated_at=updated,
        summary=summary or None,
        content=content,
        authors=_entry_authors(entry),
        language=normalize_language(entry.get("language")) or feed_language,
        image=_entry_image(entry, base),
        outlet=_entry_outlet(entry),
    )


def parse_feed(
    body: bytes,
    url: str,
    content_type: str | None = None,
    problems: list[str] | None = None,
    max_size: int = MAX_DECOMPRESSED_BYTES,
) -> list[FeedEntry]:
    """Entries of an RSS 0.9x/1.0/2.0, RDF or Atom document fetched from `url`.

    `content_type` is the HTTP Content-Type header (its charset is honoured). Relative links
    resolve against xml:base and then `url`. Entries without a usable link are skipped; the same
    link twice is kept once. A feed that is broken but still yields usable entries returns them,
    and says what is wrong with it in `problems` (a list the caller passes), one line each.

    Raises FeedError when the body is not a feed: empty, an HTML page, a sitemap, JSON, garbage,
    or a feed so broken that no usable entry (one with a link) can be recovered ("malformed
    feed: ..."), or a gzip body that inflates past `max_size` bytes."""
    if not body or not body.strip():
        raise FeedError("empty response body, expected a feed")
    try:
        body = maybe_gunzip(body, max_size)
    except ValueError as exc:
        raise FeedError(str(exc)) from None
    root = sniff_root(body)
    if root == "html":
        raise FeedError("got an HTML page, not a feed")
    if root in _SITEMAP_ROOTS:
        raise FeedError(f"got a sitemap (<{root}>), not a feed; configure the source as type sitemap")
    if root is None:
        start = body.lstrip()[:1]
        what = "JSON" if start in (b"{", b"[") else "not XML"
        raise FeedError(f"response is {what}, expected an RSS/Atom feed")

    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # A stream, never a string: feedparser would treat a string as a path or URL to open.
        parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if problem is not None and isinstance(problem, _BENIGN_BOZO):
        problem = None
    if not parsed.get("version") and not parsed.entries:
        detail = f": {problem}" if problem else ""
        raise FeedError(f"not an RSS/Atom feed (root element <{root}>){detail}")
    if problem is not None and not parsed.entries:
        raise FeedError(f"malformed feed: {problem}; no entry recovered")

    feed_language = normalize_language(parsed.feed.get("language"))
    entries: list[FeedEntry] = []
    seen: set[str] = set()
    for raw in parsed.entries:
        entry = _to_entry(raw, url, feed_language)
        if entry is not None and entry.url not in seen:
            seen.add(entry.url)
            entries.append(entry)
    if problem is not None:
        if not entries:
            raise FeedError(f"malformed feed: {problem}; no usable entry recovered")
        if problems is not None:
            problems.append(f"malformed feed, read anyway: {problem} ({len(entries)} entries recovered)")
    return entries
