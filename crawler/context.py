"""Everything one crawl cycle needs, handed to the spider and its pipelines as one object.

Built by the application (scheduler/app.py) from the validated configuration and run by
`crawler.cycle.run_cycle`; Scrapy components read it from the spider they are opened for and
never reach for globals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.orm import Session, sessionmaker

from newswatch.domain.items import FeedEntry, SourceSpec
from newswatch.domain.report import CycleReport

# The longest page address fetched (Scrapy's URLLENGTH_LIMIT): longer ones fail for good, with
# that reason, rather than being dropped by Scrapy and retried as if the server had not answered.
MAX_URL_LENGTH = 8192

if TYPE_CHECKING:
    from newswatch.db.models import Article
    from newswatch.domain.matching import CompiledTopic, NearMiss


class AlertPlanner(Protocol):
    """What the pipeline asks of alerting, in the write transaction of each stored article and
    once at the end of the cycle. The application implements it (scheduler.app.AlertWiring) over
    the alerts package, which the crawler never imports."""

    def plan(self, session: Session, row: Article, now: datetime, below: Sequence[NearMiss] = ()) -> int:
        """Plan the alerts of a newly stored article; how many will be sent on their own."""
        ...

    def finish(self, session: Session, now: datetime) -> int:
        """End the cycle: the alerts over its cap go out as one summary; how many those were."""
        ...


@dataclass(frozen=True)
class CrawlSettings:
    """The `[crawl]` values the crawler itself uses: plain values, built from the validated
    configuration (scheduler/app.py), which owns every default."""

    allow_private_addresses: bool
    obey_robots_txt: bool
    user_agent: str
    timeout: float
    max_page_size: int
    max_redirects: int
    concurrency: int
    per_domain_concurrency: int
    max_articles_per_source: int
    max_item_age: float
    full_fetch_every: float
    retries: int
    extract_workers: int


@dataclass
class CycleContext:
    sources: list[SourceSpec]
    topics: list[CompiledTopic]
    crawl: CrawlSettings
    sessions: sessionmaker[Session]
    now: datetime
    alerting: AlertPlanner | None = None  # None: store and match only
    report: CycleReport = field(default_factory=CycleReport)
    source_state: dict[str, dict] = field(default_factory=dict)
    forced: frozenset[str] = frozenset()  # sources named by the user: fetched even while backing off
    ignore_backoff: bool = False  # `newswatch crawl`: every source now, backing off or not
    # Per source, the pages to fetch again this cycle (key, url, listing entry): db.store.due_pages.
    due_pages: dict[str, list[tuple[str, str, FeedEntry]]] = field(default_factory=dict)
    _claimed: set[str] = field(default_factory=set)
    _watchers: list[tuple[int, Callable[[], None]]] = field(default_factory=list)

    def known(self, canonical_urls: Iterable[str]) -> tuple[set[str], set[str]]:
        """Of `canonical_urls`: those stored already or requested already in this cycle, and those
        parked as pending pages (failed before, or left over; fetched on their own schedule)."""
        from newswatch.db.store import known_urls, pending_keys

        wanted = list(canonical_urls)
        with self.sessions() as session:
            stored = known_urls(session, wanted)
            parked = pending_keys(session, wanted)
        return stored | (set(wanted) & self._claimed), parked - stored

    def claim_url(self, canonical: str) -> None:
        self._claimed.add(canonical)
        if self._watchers:
            self._call_watchers()

    @property
    def claimed(self) -> int:
        """How many URLs this cycle has requested (or taken from a listing) so far."""
        return len(self._claimed)

    def when_claimed(self, count: int, action: Callable[[], None]) -> None:
        """Call `action` once, as soon as `count` URLs are claimed in this cycle: the pipeline
        gets its workers ready while the pages it will prepare are still downloading."""
        self._watchers.append((count, action))
        self._call_watchers()

    def _call_watchers(self) -> None:
        due = [w for w in self._watchers if len(self._claimed) >= w[0]]
        if due:
            self._watchers = [w for w in self._watchers if w not in due]
            for _, action in due:
                action()
