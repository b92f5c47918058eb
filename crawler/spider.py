"""The Scrapy spider: fetch each source's listing, then each new article it lists.

A thin adapter. Parsing listings, choosing what is new and extracting articles are pure functions
elsewhere (feeds, sitemaps, listing, canonical); this module only turns them into requests and
items, and counts what happened per source in the cycle's report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from newswatch.crawler.context import MAX_URL_LENGTH, CycleContext
from newswatch.crawler.credentials import split_credentials
from newswatch.crawler.netguard import BlockedAddress
from newswatch.domain.canonical import canonical_url
from newswatch.domain.items import FeedEntry, SourceSpec


@dataclass
class PageItem:
    """A fetched article page (or, for items that can't be fetched, only the listing's entry)."""

    source: str
    url: str
    entry: FeedEntry
    body: bytes | None = None
    encoding: str | None = None
    key: str | None = None  # the listing URL, canonicalised (domain.report.SourceOutcome)


# Scrapy's messages for a body over DOWNLOAD_MAXSIZE, as sent or once inflated (Content-Encoding).
_INFLATED_TOO_BIG = re.compile(r"exceeded DOWNLOAD_MAXSIZE \((\d+) B\) during decompression")
_TOO_BIG = re.compile(r"larger than download max size \((\d+)\)")

# Answers that will be the same on the next try: the page is recorded as failed, never fetched again.
PERMANENT_STATUSES = frozenset({400, 401, 403, 404, 405, 406, 410, 414, 451})


def is_permanent(failure: Failure) -> bool:
    """Whether a failed request would fail the same way again (a 404, a refused address, robots.txt,
    a body over max_page_size) rather than for a passing reason (a time-out, a 5xx, a dropped connection)."""
    from scrapy.exceptions import IgnoreRequest
    from scrapy.spidermiddlewares.httperror import HttpError

    error = failure.value
    if isinstance(error, HttpError):
        return error.response.status in PERMANENT_STATUSES
    if _TOO_BIG.search(str(error)) or _INFLATED_TOO_BIG.search(str(error)):
        return True  # the page will be as large next time; a larger max_page_size reads it
    return isinstance(error, (IgnoreRequest, BlockedAddress))


def _failed_request(failure: Failure) -> scrapy.Request:
    """The request an errback's failure is about: Scrapy sets it on the Failure it passes."""
    return failure.request  # type: ignore[attr-defined]


def describe_failure(failure: Failure) -> str:
    """One line saying why a request failed, for logs and `sources`."""
    from scrapy.exceptions import IgnoreRequest
    from scrapy.spidermiddlewares.httperror import HttpError

    error = failure.value
    if isinstance(error, HttpError):
        response = error.response
        return f"HTTP {response.status}"
    text = str(error).strip()
    # Scrapy's own words for a body over the limit name the whole request; ours name the limit.
    for pattern, what in ((_INFLATED_TOO_BIG, "body inflates past"), (_TOO_BIG, "larger than")):
        found = pattern.search(text)
        if found:
            from newswatch.crawler.feeds import format_size

            return f"{what} max_page_size ({format_size(int(found.group(1)))})"
    if isinstance(error, IgnoreRequest):
        return text or "request refused"
    if isinstance(error, BlockedAddress):  # the resolver refused the address it was to connect to
        return f"refused: {error.reason}"
    name = type(error).__name__
    if "TimeoutError" in name or "timed out" in text.lower():
        return "time-out"
    if "DNSLookupError" in name:
        return f"DNS lookup failed ({text})"
    if "ConnectionRefused" in name:
        return "connection refused"
    return f"{name}: {text}" if text else name


class NewsSpider(scrapy.Spider):
    name = "newswatch"

    def __init__(self, context: CycleContext, **kwargs):
        super().__init__(**kwargs)
        self.context = context

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        from scrapy import signals

        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        return spider

    async def start(self):
        context = self.context
        for spec in context.sources:
            outcome = context.report.source(spec.name)
            state = context.source_state.get(spec.name, {})
            backoff_until = state.get("backoff_until")
            if (
                backoff_until is not None
                and backoff_until > context.now
                and spec.name not in context.forced
                and not context.ignore_backoff
            ):
                outcome.status = "backoff"
                outcome.error = f"backing off until {backoff_until.isoformat(timespec='seconds')}: {state.get('error')}"
                continue
            headers = {}
            full_due = state.get("last_full_fetch_at") is None or (
                context.now - state["last_full_fetch_at"] >= timedelta(seconds=context.crawl.full_fetch_every)
            )
            if full_due:
                outcome.full_fetch = True
            else:
                if state.get("etag"):
                    headers["If-None-Match"] = state["etag"]
                if state.get("last_modified"):
                    headers["If-Modified-Since"] = state["last_modified"]
            # Credentials in the URL go in a header, to this source's host alone (crawler/credentials.py).
            url, _ = split_credentials(spec.url)
            try:
                request = scrapy.Request(
                    url,
                    callback=self.parse_listing,
                    errback=self.listing_failed,
                    headers=headers,
                    cb_kwargs={"spec": spec},
                    meta={"handle_httpstatus_list": [304], "source": spec.name},
                    dont_filter=True,
                    priority=10,
                )
            except ValueError as exc:  # raised here, it would end the cycle's other sources' requests too
                outcome.status, outcome.error = "error", f"cannot fetch this URL: {_reason(exc)}"
                continue
            yield request

    # Listings --------------------------------------------------------------------------------

    def parse_listing(self, response: Response, spec: SourceSpec):
        outcome = self.context.report.source(spec.name)
        outcome.etag = _header(response, "ETag")
        outcome.last_modified = _header(response, "Last-Modified")
        if response.status == 304:
            outcome.status = "not_modified"
            yield from self._retries(spec, new=0)
            return
        try:
            entries, children = self._entries(response, spec)
        except Exception as exc:  # every parser raises its own error type with a readable reason
            outcome.status, outcome.error = "error", _reason(exc)
            self.logger.info("listing failed source=%s url=%s error=%s", spec.name, response.url, outcome.error)
            yield from self._retries(spec, new=0)
            return
        outcome.status = "ok"
        for child in children:
            yield scrapy.Request(
                child,
                callback=self.parse_listing,
                errback=self.listing_failed,
                cb_kwargs={"spec": spec},
                meta={"source": spec.name},
                priority=10,
            )
        yield from self._follow(entries, spec)

    def _body(self, response: Response) -> bytes:
        """The response body, a gzip body without Content-Encoding inflated (Scrapy inflates the
        ones with it), never past `max_page_size`: a few KB of gzip can hide gigabytes. Raises
        ValueError for a body that inflates past it."""
        from newswatch.crawler.feeds import maybe_gunzip

        return maybe_gunzip(response.body, self.context.crawl.max_page_size)

    def _entries(self, response: Response, spec: SourceSpec) -> tuple[list[FeedEntry], list[str]]:
        body, url, limit = self._body(response), response.url, self.context.crawl.max_page_size
        if spec.type == "sitemap" or (spec.type == "feed" and _looks_like_sitemap(body)):
            from newswatch.crawler.sitemaps import fresh_children, parse_sitemap

            sitemap = parse_sitemap(body, url, max_size=limit)
            since = self.context.now - timedelta(seconds=self.context.crawl.max_item_age)
            return sitemap.entries, fresh_children(sitemap.children, since)
        if spec.type == "page":
            from newswatch.crawler.listing import article_links

            return [FeedEntry(url=link) for link in article_links(body, url, spec.link_selector)], []
        from newswatch.crawler.feeds import parse_feed

        problems: list[str] = []
        entries = parse_feed(body, url, _header(response, "Content-Type"), problems, max_size=limit)
        if problems:
            outcome = self.context.report.source(spec.name)
            outcome.warning = "; ".join(problems)
            self.logger.warning(
                "listing read with a problem source=%s url=%s warning=%s", spec.name, url, outcome.warning
            )
        if spec.type == "google_news":
            from newswatch.crawler.newsearch import google_news_entry

            entries = [google_news_entry(entry) for entry in entries]
        elif spec.type == "bing_news":
            from newswatch.crawler.newsearch import bing_news_entry

            entries = [bing_news_entry(entry) for entry in entries]
        return entries, []

    def _follow(self, entries: list[FeedEntry], spec: SourceSpec):
        from newswatch.crawler.sitemaps import recent

        context = self.context
        outcome = context.report.source(spec.name)
        oldest = context.now - timedelta(seconds=context.crawl.max_item_age)
        fresh: dict[str, FeedEntry] = {}
        # One rule for every listing: an item published or updated since crawl.max_item_age.
        for entry in recent(entries, oldest):
            try:
                key = canonical_url(entry.url)
            except ValueError:
                continue
            fresh.setdefault(key, entry)
        outcome.listed += len(entries)
        known, parked = context.known(fresh.keys())
        outcome.known += len(known)
        # Parked pages (failed before, or left over) are fetched by their own schedule, not here.
        new = [(key, entry) for key, entry in fresh.items() if key not in known and key not in parked]
        yield from self._retries(spec, new=len(new))
        room = max(0, context.crawl.max_articles_per_source - outcome.taken)
        for key, entry in new[room:]:
            # More than one cycle fetches: the rest are kept for the next cycle, which a 304
            # would otherwise never reach.
            context.claim_url(key)
            outcome.deferred.append((key, entry.url, entry))
        for key, entry in new[:room]:
            context.claim_url(key)
            outcome.taken += 1
            yield from self._article(spec, key, entry.url, entry)

    def _retries(self, spec: SourceSpec, new: int):
        """Pages that failed before, or were left over, fetched whatever the listing answered (a
        304 says the listing is unchanged, not that its pages were stored), once per cycle. They
        share the cycle's `max_articles_per_source` with the `new` pages the listing brought, and
        take at least half of it, so neither starves the other."""
        context = self.context
        outcome = context.report.source(spec.name)
        if outcome.retries_taken:
            return
        outcome.retries_taken = True
        cap = context.crawl.max_articles_per_source
        due = context.due_pages.get(spec.name, [])
        room = max(cap // 2, cap - new, 1)
        for key, url, entry in due[room:]:
            # Due but past the room: left over like new pages past it, so the next cycle comes at once.
            context.claim_url(key)
            outcome.deferred.append((key, url, entry))
        for key, url, entry in due[:room]:
            context.claim_url(key)
            outcome.retried += 1
            outcome.taken += 1
            yield from self._article(spec, key, url, entry, retry=True)

    def _article(self, spec: SourceSpec, key: str, url: str, entry: FeedEntry, retry: bool = False):
        outcome = self.context.report.source(spec.name)
        if spec.type in ("google_news", "bing_news") and _is_aggregator_link(url):
            # Aggregator redirects can't be followed offline; keep what the listing says.
            yield PageItem(source=spec.name, url=url, entry=entry, key=key)
            return
        outcome.requested += 1
        outcome.open_page(key, url, entry, retry)
        if len(url) > MAX_URL_LENGTH:
            outcome.page_failed(key, url, f"URL longer than {MAX_URL_LENGTH} characters", permanent=True)
            return
        yield scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            cb_kwargs={"spec": spec, "entry": entry, "key": key},
            meta={"source": spec.name},
        )

    def listing_failed(self, failure: Failure):
        request = _failed_request(failure)
        spec: SourceSpec = request.cb_kwargs["spec"]
        outcome = self.context.report.source(spec.name)
        outcome.status, outcome.error = "error", describe_failure(failure)
        _note_retry_after(outcome, failure)
        self.logger.info("listing failed source=%s url=%s error=%s", spec.name, request.url, outcome.error)
        yield from self._retries(spec, new=0)

    # Articles --------------------------------------------------------------------------------

    def parse_article(self, response: Response, spec: SourceSpec, entry: FeedEntry, key: str):
        outcome = self.context.report.source(spec.name)
        content_type = (_header(response, "Content-Type") or "").lower()
        if content_type and not any(kind in content_type for kind in ("html", "xml", "text/plain")):
            outcome.page_failed(key, response.url, f"not a web page ({content_type})", permanent=True)
            return
        try:
            body = self._body(response)
        except ValueError as exc:
            outcome.page_failed(key, response.url, str(exc), permanent=True)
            self.logger.warning("article failed source=%s url=%s error=%s", spec.name, response.url, exc)
            return
        yield PageItem(
            source=spec.name,
            url=response.url,
            entry=entry,
            body=body,
            encoding=_charset(content_type),
            key=key,
        )

    def article_failed(self, failure: Failure):
        request = _failed_request(failure)
        spec: SourceSpec = request.cb_kwargs["spec"]
        reason = describe_failure(failure)
        outcome = self.context.report.source(spec.name)
        outcome.page_failed(request.cb_kwargs["key"], request.url, reason, is_permanent(failure))
        _note_retry_after(outcome, failure)
        self.logger.warning("article failed source=%s url=%s error=%s", spec.name, request.url, reason)

    def request_dropped(self, request, spider=None) -> None:
        """Scrapy drops a request for a page this crawl has requested already, without a word to
        its errback: in a redirect loop, the redirect back to a page of the loop. An article page
        dropped so is a failure with its reason, not a page that silently vanished."""
        if request.callback != self.parse_article:
            return  # a listing's child sitemap listed twice: nothing is lost
        spec: SourceSpec = request.cb_kwargs["spec"]
        chain = [*request.meta.get("redirect_urls", []), request.url]
        first = chain[0]
        if request.url in chain[:-1]:
            reason, permanent = "redirect loop: " + " -> ".join(chain), True
        else:
            reason, permanent = f"redirects to {request.url}, a page this cycle requested already", False
        self.context.report.source(spec.name).page_failed(request.cb_kwargs["key"], first, reason, permanent)
        self.logger.warning("article failed source=%s url=%s error=%s", spec.name, first, reason)


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - now).total_seconds())


def _note_retry_after(outcome, failure: Failure) -> None:
    from scrapy.spidermiddlewares.httperror import HttpError

    error = failure.value
    if isinstance(error, HttpError) and error.response.status in (429, 503):
        seconds = retry_after_seconds(_header(error.response, "Retry-After"), datetime.now(UTC))
        if seconds:
            outcome.retry_after = max(outcome.retry_after or 0.0, seconds)
            if outcome.error and "retry after" not in outcome.error:
                outcome.error += f", retry after {int(seconds)}s"


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";"):
        key, _, value = part.strip().partition("=")
        if key == "charset" and value:
            return value.strip("\"' ")
    return None


def _reason(exc: Exception) -> str:
    text = str(exc).strip()
    return text or type(exc).__name__


def _looks_like_sitemap(body: bytes) -> bool:
    head = body[:2000]
    return b"<urlset" in head or b"<sitemapindex" in head


def _is_aggregator_link(url: str) -> bool:
    return "news.google.com/" in url or "bing.com/news/apiclick" in url
