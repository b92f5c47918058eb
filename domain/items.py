"""Plain data shared by every stage of newswatch.

This module imports nothing of ours: fetching, extraction, matching, dedup, storage and alerting
all speak these types, so none of them needs to know another to know what an article is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, get_args

SourceType = Literal["feed", "sitemap", "page", "google_news", "bing_news"]
AlertMode = Literal["instant", "digest", "off"]
SOURCE_TYPES: tuple[str, ...] = get_args(SourceType)
ALERT_MODES: tuple[str, ...] = get_args(AlertMode)


@dataclass(frozen=True)
class SourceSpec:
    """One configured source: where to look for new articles and how often."""

    name: str
    type: str  # one of SOURCE_TYPES
    url: str
    interval: float  # seconds
    link_selector: str | None  # `page` sources: CSS selector of article links
    query: str | None  # `google_news` / `bing_news` search terms
    hl: str
    gl: str
    ceid: str
    enabled: bool


@dataclass(frozen=True)
class TopicSpec:
    """One configured topic: a query in the newswatch query language and how to alert on it."""

    name: str
    query: str
    alert: str = "instant"
    min_score: float = 1.0
    tags: tuple[str, ...] = ()


@dataclass
class FeedEntry:
    """What a listing (feed, sitemap, listing page, news search) says about an article before it
    is fetched. Any field but `url` may be unknown."""

    url: str
    title: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    summary: str | None = None
    content: str | None = None  # full body when the feed carries it (content:encoded)
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    image: str | None = None
    outlet: str | None = None  # the publisher, for aggregators such as Google News


@dataclass
class Article:
    """An extracted article, ready to be deduplicated, matched and stored."""

    url: str
    canonical_url: str
    source: str
    title: str
    text: str
    fetched_at: datetime
    published_at: datetime | None = None
    updated_at: datetime | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    image: str | None = None
    outlet: str | None = None
    page_canonical: str | None = None  # the page's own rel=canonical / og:url, as declared


@dataclass(frozen=True)
class Hit:
    """One place where a query term matched: the term as written in the query, the field it was
    found in and a short snippet of text around it."""

    term: str
    field: str  # "title" or "text"
    snippet: str


@dataclass
class Match:
    """Why an article matched a topic."""

    topic: str
    score: float
    hits: list[Hit] = field(default_factory=list)

    @property
    def terms(self) -> list[str]:
        """The distinct matched terms, in the order first hit."""
        seen: dict[str, None] = {}
        for hit in self.hits:
            seen.setdefault(hit.term, None)
        return list(seen)
