"""Read XML sitemaps, sitemap indexes and Google News sitemaps into FeedEntry objects.

News sites publish a news sitemap (the last two days of articles, with title, publication time
and language) next to their feeds, and often only a sitemap index pointing at daily or monthly
children. `parse_sitemap` returns the URLs of a urlset as entries and the children of an index
with their lastmod, so the caller can skip children that have not changed since its last visit.
Gzipped sitemaps (`.xml.gz` served as a file), plain-text sitemaps (one URL per line) and RSS/Atom
documents given as sitemaps (the sitemaps protocol allows them) are read too.

Sitemaps are untrusted XML: lxml parses them without resolving entities, without network access
and without lifting its size limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin

from lxml import etree

from newswatch.crawler.feeds import (
    MAX_DECOMPRESSED_BYTES,
    FeedError,
    maybe_gunzip,
    normalize_language,
    normalize_space,
    parse_date,
    parse_feed,
    sniff_root,
)
from newswatch.domain.items import FeedEntry

_FEED_ROOTS = {"rss", "feed", "rdf"}


class SitemapError(ValueError):
    """The document is not a sitemap we can read. `reason` is one line, fit for a source's status."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Sitemap:
    """A parsed sitemap: the article URLs of a urlset, or the child sitemaps of an index."""

    entries: list[FeedEntry] = field(default_factory=list)
    children: list[tuple[str, datetime | None]] = field(default_factory=list)  # (url, lastmod)


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )


def _local(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    # Matched by local name: sitemaps in the wild get the namespace URIs wrong (news 0.84 vs 0.9,
    # http vs https, none at all), and the element names are unambiguous without them.
    return [child for child in element if _local(child) == name]


def _text(element: etree._Element | None, *path: str) -> str | None:
    for name in path:
        if element is None:
            return None
        found = _children(element, name)
        element = found[0] if found else None
    if element is None:
        return None
    return normalize_space("".join(element.itertext())) or None


def _absolute(base: str, loc: str | None) -> str | None:
    if not loc:
        return None
    url = urljoin(base, loc.strip())
    return url if url.startswith(("http://", "https://")) else None


def _url_entry(node: etree._Element, base: str) -> FeedEntry | None:
    url = _absolute(base, _text(node, "loc"))
    if url is None:
        return None
    lastmod = parse_date(_text(node, "lastmod"))
    news = (_children(node, "news") or [None])[0]
    published = parse_date(_text(news, "publication_date"))
    images = [_absolute(base, _text(image, "loc")) for image in _children(node, "image")]
    images = [i for i in images if i]
    return FeedEntry(
        url=url,
        title=_text(news, "title"),
        published_at=published or lastmod,
        updated_at=lastmod,
        language=normalize_language(_text(news, "publication", "language")),
        image=images[0] if images else None,
        outlet=_text(news, "publication", "name"),
    )


def _text_sitemap(body: bytes, url: str) -> Sitemap | None:
    """A plain-text sitemap: every non-blank line an absolute http(s) URL."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines or not all(line.startswith(("http://", "https://")) and " " not in line for line in lines):
        return None
    return Sitemap(entries=_dedup([FeedEntry(url=urljoin(url, line)) for line in lines]))


def _dedup(entries: list[FeedEntry]) -> list[FeedEntry]:
    seen: set[str] = set()
    unique = []
    for entry in entries:
        if entry.url not in seen:
            seen.add(entry.url)
            unique.append(entry)
    return unique


def parse_sitemap(body: bytes, url: str, max_size: int = MAX_DECOMPRESSED_BYTES) -> Sitemap:
    """Parse the sitemap fetched from `url` (gzip or not; gzip inflated to `max_size` bytes at most).

    A `<urlset>` gives `entries`: loc as url, lastmod as updated_at (and published_at when the
    Google News `<news:publication_date>` is absent), `<news:title>` as title, `<news:name>` as
    outlet, `<news:language>` as language, the first `<image:loc>` as image. A `<sitemapindex>`
    gives `children` as (url, lastmod or None). Raises SitemapError when the body is none of these.
    """
    if not body or not body.strip():
        raise SitemapError("empty response body, expected a sitemap")
    try:
        body = maybe_gunzip(body, max_size)
    except ValueError as exc:
        raise SitemapError(str(exc)) from None
    root_name = sniff_root(body)
    if root_name is None:
        plain = _text_sitemap(body, url)
        if plain is not None:
            return plain
        raise SitemapError("response is neither XML nor a list of URLs, expected a sitemap")
    if root_name == "html":
        raise SitemapError("got an HTML page, not a sitemap")
    if root_name in _FEED_ROOTS:
        try:
            return Sitemap(entries=parse_feed(body, url, max_size=max_size))
        except FeedError as exc:
            raise SitemapError(exc.reason) from None
    if root_name not in ("urlset", "sitemapindex"):
        raise SitemapError(f"root element <{root_name}> is not <urlset> or <sitemapindex>")

    try:
        root = etree.fromstring(body, parser=_safe_parser())
    except etree.XMLSyntaxError as exc:
        raise SitemapError(f"unreadable sitemap XML: {exc}") from None
    if root is None:
        raise SitemapError("unreadable sitemap XML: no root element")

    if _local(root) == "sitemapindex":
        children: list[tuple[str, datetime | None]] = []
        seen: set[str] = set()
        for node in _children(root, "sitemap"):
            child = _absolute(url, _text(node, "loc"))
            if child and child not in seen:
                seen.add(child)
                children.append((child, parse_date(_text(node, "lastmod"))))
        return Sitemap(children=children)

    entries = [_url_entry(node, url) for node in _children(root, "url")]
    return Sitemap(entries=_dedup([e for e in entries if e is not None]))


def recent(entries: list[FeedEntry], since: datetime) -> list[FeedEntry]:
    """Entries published or modified at or after `since` (an aware datetime): the spider's one
    rule for the items of every listing (feed, sitemap, news search) against crawl.max_item_age.
    Entries with no date at all are kept: nothing says they are old, and the caller recognises
    URLs it has seen."""
    kept = []
    for entry in entries:
        stamps = [d for d in (entry.published_at, entry.updated_at) if d is not None]
        if not stamps or max(stamps) >= since:
            kept.append(entry)
    return kept


def fresh_children(children: list[tuple[str, datetime | None]], since: datetime) -> list[str]:
    """Child sitemap URLs modified at or after `since`, plus those without a lastmod."""
    return [child for child, lastmod in children if lastmod is None or lastmod >= since]
