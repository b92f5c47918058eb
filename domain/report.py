"""What one crawl cycle did, per source: counted while crawling, written to the `sources` table
at the end, and summarised for the user."""

from __future__ import annotations

from dataclasses import dataclass, field

from newswatch.domain.items import FeedEntry
from newswatch.domain.redact import scrub


@dataclass
class PageFailure:
    """An article page that failed this cycle. `permanent`: it will not work on a later try (a 404,
    not an article); otherwise it is fetched again on later cycles, with backoff."""

    key: str  # the listing URL, canonicalised: what the page is known by until it is stored
    url: str
    entry: FeedEntry
    reason: str
    permanent: bool


@dataclass
class SourceOutcome:
    name: str
    status: str = "pending"  # ok | not_modified | error | skipped
    error: str | None = None  # why the listing failed
    warning: str | None = None  # a recoverable problem of the listing (read anyway)
    listed: int = 0  # entries in the listing
    known: int = 0  # entries already stored (not fetched)
    requested: int = 0  # article pages requested
    stored: int = 0  # new articles stored
    duplicates: int = 0  # of those, copies of an earlier article
    matched: int = 0  # of those, matching a topic
    failed: int = 0  # article pages that failed
    failures: list[str] = field(default_factory=list)  # the first few reasons
    retry_after: float | None = None  # seconds the server asked us to wait (429/503 Retry-After)
    etag: str | None = None
    last_modified: str | None = None
    full_fetch: bool = False
    retried: int = 0  # of the pages requested, those that had failed before
    taken: int = 0  # pages this cycle took on (new and retried), up to max_articles_per_source
    retries_taken: bool = False
    listing_ok: bool = False  # status is "error" for the pages alone: the listing itself was read
    # Every page a cycle takes on ends in exactly one of: stored or found known (`settled`), failed
    # (`page_failures`), or left for a later cycle (`deferred`). `open_pages` holds the ones
    # still under way; whatever is left there when the cycle ends failed without an answer.
    open_pages: dict[str, tuple[str, FeedEntry]] = field(default_factory=dict)
    settled: set[str] = field(default_factory=set)
    page_failures: list[PageFailure] = field(default_factory=list)
    deferred: list[tuple[str, str, FeedEntry]] = field(default_factory=list)
    retry_keys: set[str] = field(default_factory=set)  # pages requested again after failing before

    def open_page(self, key: str, url: str, entry: FeedEntry, retry: bool = False) -> None:
        self.open_pages[key] = (url, entry)
        if retry:
            self.retry_keys.add(key)

    def page_done(self, key: str | None) -> None:
        if key is not None:
            self.open_pages.pop(key, None)
            self.settled.add(key)

    def page_failed(self, key: str | None, url: str, reason: str, permanent: bool) -> None:
        self.failed += 1
        if len(self.failures) < 5:
            self.failures.append(f"{reason} ({url})")
        if key is None:
            return
        _, entry = self.open_pages.pop(key, (url, FeedEntry(url=url)))
        self.page_failures.append(PageFailure(key, url, entry, reason, permanent))

    def close(self) -> None:
        """The cycle is over: a page still under way got no answer before the crawl ended (stopped,
        or a request lost in a way nothing reported), which is a failure too. (A redirect loop is
        reported with its own reason by the spider.)"""
        for key, (url, _) in list(self.open_pages.items()):
            self.page_failed(key, url, "no answer before the crawl ended", permanent=False)
        # The new pages the listing brought all failed: the cycle failed, whatever the listing
        # said. (Pages tried again that fail again only show their reasons: a page that keeps
        # failing must not put a working source into backoff.)
        fresh = [f for f in self.page_failures if f.key not in self.retry_keys]
        fresh_requested = self.requested - len(self.retry_keys)
        if (
            self.status in ("ok", "not_modified")
            and fresh_requested > 0
            and len(fresh) >= fresh_requested
            and not self.stored
        ):
            self.listing_ok = self.status == "ok"
            self.status = "error"
            pages = "page" if len(fresh) == 1 else "pages"
            self.error = f"all {len(fresh)} new article {pages} failed: " + self._failure_list()

    def hide_secrets(self, pieces: tuple[str, ...] = ()) -> None:
        """Mask credentials and tokens in every reason this outcome shows or stores: errors quote
        URLs, and libraries quote a URL's user part alone. `pieces`: the source URL's own secrets."""
        if self.error:
            self.error = scrub(self.error, pieces)
        self.failures = [scrub(failure, pieces) for failure in self.failures]
        for failure in self.page_failures:
            failure.reason = scrub(failure.reason, pieces)

    @property
    def pending(self) -> int:
        """Pages of this cycle that a later cycle fetches (failed for a passing reason, or deferred)."""
        return sum(1 for f in self.page_failures if not f.permanent) + len(self.deferred)

    @property
    def summary_error(self) -> str | None:
        """The one line `sources` shows: the listing's error, else the article failures."""
        if self.error:
            return self.error
        if self.failed:
            pages = "page" if self.failed == 1 else "pages"
            return f"{self.failed} article {pages} failed: " + self._failure_list()
        return None

    def _failure_list(self) -> str:
        more = f"; and {self.failed - len(self.failures)} more" if self.failed > len(self.failures) else ""
        return "; ".join(self.failures) + more


@dataclass
class CycleReport:
    sources: dict[str, SourceOutcome] = field(default_factory=dict)
    alerts_planned: int = 0
    folded: int = 0

    def source(self, name: str) -> SourceOutcome:
        return self.sources.setdefault(name, SourceOutcome(name))

    def absorb(self, later: CycleReport) -> None:
        """Fold in a cycle that went on with the pages this one left over (`newswatch crawl` runs
        it at once): what both did adds up; what is still left over, and how the sources ended,
        is the later cycle's."""
        self.alerts_planned += later.alerts_planned
        self.folded += later.folded
        for name, outcome in later.sources.items():
            mine = self.sources.setdefault(name, SourceOutcome(name))
            for counter in ("requested", "stored", "duplicates", "matched", "failed", "retried", "taken"):
                setattr(mine, counter, getattr(mine, counter) + getattr(outcome, counter))
            mine.failures = (mine.failures + outcome.failures)[:5]
            mine.page_failures += outcome.page_failures
            mine.deferred = outcome.deferred
            if outcome.status == "error":
                mine.status, mine.error = outcome.status, outcome.error

    @property
    def stored(self) -> int:
        return sum(o.stored for o in self.sources.values())

    @property
    def matched(self) -> int:
        return sum(o.matched for o in self.sources.values())

    @property
    def duplicates(self) -> int:
        return sum(o.duplicates for o in self.sources.values())

    @property
    def failed_sources(self) -> list[SourceOutcome]:
        return [o for o in self.sources.values() if o.status == "error"]

    @property
    def skipped_sources(self) -> list[SourceOutcome]:
        """Sources not fetched because they are backing off after failing."""
        return [o for o in self.sources.values() if o.status == "backoff"]

    def to_dict(self) -> dict:
        return {
            "stored": self.stored,
            "matched": self.matched,
            "duplicates": self.duplicates,
            "alerts": self.alerts_planned,
            "folded": self.folded,
            "sources": [
                {
                    "name": o.name,
                    "status": o.status,
                    "error": o.summary_error,
                    "warning": o.warning,
                    "listed": o.listed,
                    "known": o.known,
                    "requested": o.requested,
                    "stored": o.stored,
                    "duplicates": o.duplicates,
                    "matched": o.matched,
                    "failed": o.failed,
                    "pending": o.pending,
                }
                for o in self.sources.values()
            ],
        }
