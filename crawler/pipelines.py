"""The Scrapy item pipeline: extract -> canonicalise -> fingerprint -> match, then store (dedup,
story) -> plan alerts.

The pure steps (`prepare_page`) run off the event loop: in worker processes, one per core, when
the cycle fetches enough pages to pay for starting them (`crawl.extract_workers`: 0 = auto), else
in one thread. The workers come from a fork server that has imported what they need once, so
they start in milliseconds, and they never import Scrapy.

Storing is batched: prepared articles wait in a queue that is written every `BATCH_SIZE` articles
or `BATCH_SECONDS`, whichever comes first, by one writer thread, in one transaction with a
savepoint per article. Each batch is weighed as a whole (`RecentStories.expect`): how common a
term is counts every report of the batch, whatever order its pages arrived in. A young database
(under `YOUNG_REPORTS` reports, a first crawl) learns most from that, so its crawl holds its
articles until it ends or has `YOUNG_BATCH_SIZE` of them (their alerts wait that long), and
writes in ordinary batches once the database holds `YOUNG_REPORTS`.
An article, its matches and its planned alerts are still committed together, one article that
fails to store does not take the rest of its batch with it, and the event loop never waits for
the database.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from newswatch.crawler.extract import NotAnArticle, extract_article
from newswatch.domain.canonical import canonical_url
from newswatch.domain.items import Article, FeedEntry, Match
from newswatch.domain.matching import assess, compile_topics

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.orm import Session

    from newswatch.crawler.context import AlertPlanner, CycleContext
    from newswatch.crawler.spider import PageItem
    from newswatch.db.store import RecentStories, Saved
    from newswatch.domain.fingerprint import EventProfile, Fingerprint
    from newswatch.domain.matching import NearMiss

log = logging.getLogger("newswatch.pipeline")

FUTURE_SLACK = timedelta(days=1)  # how far past its fetch an article's date may be (time zones)
BATCH_SIZE = 50  # articles written per transaction at most
BATCH_SECONDS = 0.5  # the longest a prepared article waits to be written
# A database of fewer reports than this has not learnt yet which words every report carries:
# its crawls write their articles together when the cycle ends, or YOUNG_BATCH_SIZE at once.
YOUNG_REPORTS = 200
YOUNG_BATCH_SIZE = 500
AUTO_MIN_PAGES = 16  # auto mode: fewer pages than this in a cycle are prepared in a thread
_WORKER_MODULES = ["newswatch.crawler.pipelines", "newswatch.domain.fingerprint", "newswatch.db.store"]


@dataclass
class Prepared:
    """An article ready to store: extracted, matched, fingerprinted, its event profile taken."""

    article: Article
    matches: list[Match]
    fingerprint: Fingerprint | None = None  # None for an empty text
    profile: EventProfile | None = None
    key: str | None = None  # the page's listing key (domain.report.SourceOutcome)
    below: list[NearMiss] = field(default_factory=list)  # matched under min_score


def article_from_entry(source: str, entry: FeedEntry, fetched_at: datetime) -> Article:
    """An article known only from its listing (aggregator items that can't be fetched)."""
    from newswatch.crawler.feeds import html_to_text
    from newswatch.crawler.language import article_language

    text = html_to_text(entry.content or entry.summary or "")
    if not entry.title:
        raise NotAnArticle("listing item has no title")
    return Article(
        url=entry.url,
        canonical_url=canonical_url(entry.url),
        source=source,
        title=entry.title,
        text=text,
        fetched_at=fetched_at,
        published_at=entry.published_at,
        updated_at=entry.updated_at,
        authors=list(entry.authors),
        language=article_language(entry.language, entry.title, text),
        image=entry.image,
        outlet=entry.outlet,
    )


def finish(article: Article, topics) -> Prepared:
    """Match, fingerprint and profile an extracted article: all the CPU work storing needs. Its
    texts lose control characters first (`domain.chars.storable`: a feed's title may carry one),
    and a date past its fetch (and FUTURE_SLACK) is no date: what is stored is what every feed,
    page and terminal can show, and sorts where it belongs."""
    from newswatch.domain import fingerprint
    from newswatch.domain.chars import storable

    article.title = storable(article.title)
    article.text = storable(article.text)
    article.authors = [storable(name) for name in article.authors]
    if article.outlet:
        article.outlet = storable(article.outlet)
    latest = article.fetched_at + FUTURE_SLACK  # a listing's date in the future is no date
    if article.published_at and article.published_at > latest:
        article.published_at = None
    if article.updated_at and article.updated_at > latest:
        article.updated_at = None

    print_ = fingerprint.fingerprint(article.text, article.title) if article.text else None
    matches, below = assess(article, topics)
    return Prepared(
        article, matches, print_, fingerprint.event_profile(article.title, article.text, article.outlet), below=below
    )


_worker_topics: list = []  # set in each worker process by _start_worker


def _start_worker(topic_specs) -> None:
    global _worker_topics
    _worker_topics = compile_topics(topic_specs)


def prepare_page(
    body: bytes, url: str, source: str, entry: FeedEntry, encoding: str | None, fetched_at: datetime, topics=None
) -> Prepared:
    """Everything pure about one fetched page; runs in a worker process or a thread. `topics`
    None: the worker's own compiled topics."""
    article = extract_article(body, url, source, fetched_at, entry=entry, headers_encoding=encoding)
    article.canonical_url = canonical_url(article.url, article.page_canonical)
    return finish(article, _worker_topics if topics is None else topics)


def _in_background(function, *args) -> None:
    def run() -> None:
        try:
            function(*args)
        except Exception:  # the same work is done again, in the foreground, when it is needed
            log.debug("background preparation failed", exc_info=True)

    threading.Thread(target=run, name="newswatch-prepare", daemon=True).start()


def _worker_count(setting: int, pages: int) -> int:
    """Processes to prepare pages in: the setting, or in auto mode (0) one per core once the
    cycle has enough pages; 1 means a thread of the crawl process."""
    if setting > 0:
        return setting
    return (os.cpu_count() or 1) if pages >= AUTO_MIN_PAGES else 1


def store_and_plan(
    session: Session,
    article: Article,
    matches: list[Match],
    now: datetime,
    recent: RecentStories,
    alerting: AlertPlanner | None,
    below: Sequence[NearMiss] = (),
    fp: Fingerprint | None = None,
    profile: EventProfile | None = None,
) -> tuple[Saved, int]:
    """Store one article (`db.store.save_article`) in the open transaction and plan its alerts, and
    those of the stored reports it moved out of their story into stories of their own; returns
    the outcome and how many alerts will be sent on their own."""
    from newswatch.db.store import save_article

    saved = save_article(session, article, matches, now, fp, profile, recent)
    planned = 0
    if alerting is not None:
        if saved.new and (saved.row.matches or below):
            planned = alerting.plan(session, saved.row, now, below)
        planned += sum(alerting.plan(session, rival, now) for rival in saved.detached if rival.matches)
    return saved, planned


class ArticlePipeline:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self._context: CycleContext | None = None
        self.pool: Executor | None = None
        self.in_process = True
        self.pending: list[tuple[Prepared, datetime]] = []
        self.timer: asyncio.TimerHandle | None = None
        self.recent: RecentStories | None = None  # made on the first write
        self.lock = threading.Lock()
        self.workers_ready: asyncio.Future | None = None
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="newswatch-writer")
        self.writing: list[asyncio.Future] = []
        self.stored = YOUNG_REPORTS  # reports in the database and handed to the writer (`open_spider`)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def context(self) -> CycleContext:
        """The cycle this pipeline serves, from the spider it was opened for."""
        assert self._context is not None, "the pipeline is used before open_spider"
        return self._context

    def open_spider(self) -> None:
        context = self._context = self.crawler.spider.context
        from newswatch.db.store import stored_reports

        with context.sessions() as session:
            self.stored = stored_reports(session)
        # Once there is work, get ready for it while the pages download: the store's fingerprint
        # module (numpy, datasketch) and, when the cycle has enough pages, the worker processes.
        context.when_claimed(1, lambda: _in_background(__import__, "newswatch.domain.fingerprint"))
        setting = context.crawl.extract_workers
        if setting != 1:
            context.when_claimed(AUTO_MIN_PAGES if setting == 0 else 1, self._start_workers)

    async def close_spider(self) -> None:
        context = self._context
        self._flush()
        if self.writing:
            await asyncio.wait(self.writing)
        self.writer.shutdown(wait=True)
        if context is not None and context.alerting is not None:
            with context.sessions.begin() as session:
                context.report.folded += context.alerting.finish(session, datetime.now(UTC))
        if self.workers_ready is not None:
            await asyncio.wait([self.workers_ready])
        with self.lock:
            if self.pool is not None:
                self.pool.shutdown(wait=True, cancel_futures=True)

    def _start_workers(self) -> None:
        """Make the pool in a thread: starting processes blocks, the event loop must not."""
        self.workers_ready = asyncio.get_running_loop().run_in_executor(None, self._executor)

    def _executor(self) -> Executor:
        """The pool pages are prepared in, made on first use."""
        with self.lock:
            if self.pool is not None:
                return self.pool
            context = self.context
            pages = max(context.claimed, sum(o.requested for o in context.report.sources.values()))
            workers = _worker_count(context.crawl.extract_workers, pages)
            pool = self._process_pool(workers) if workers > 1 else None
            self.in_process = pool is None
            self.pool = pool or ThreadPoolExecutor(1)
            log.debug("preparing pages workers=%d processes=%s pages=%d", workers, not self.in_process, pages)
            return self.pool

    def _process_pool(self, workers: int) -> ProcessPoolExecutor | None:
        """Worker processes forked from a fork server that imports their modules once (None,
        and pages are prepared in a thread, when processes can't be started here)."""
        if multiprocessing.current_process().daemon:
            # A daemonic process may not have children (a Celery prefork worker, or a crawl child
            # started as a daemon): a thread it is, decided here rather than by an error per page.
            log.info("preparing pages in a thread: this process may not start worker processes")
            return None
        try:
            mp = multiprocessing.get_context("forkserver")
            mp.set_forkserver_preload(_WORKER_MODULES)
            # Wait for the fork server here, then each worker forks from it in milliseconds.
            ready = mp.Process(target=os.getpid, name="newswatch-forkserver-check")
            ready.start()
            ready.join()
            specs = [getattr(topic, "spec", topic) for topic in self.context.topics]
            pool = ProcessPoolExecutor(workers, mp_context=mp, initializer=_start_worker, initargs=(specs,))
            for _ in range(workers):  # each submit starts one worker; start them all now
                pool.submit(os.getpid)
            return pool
        except Exception as exc:  # whatever keeps processes from starting, the pages still get prepared
            log.warning("worker processes unavailable, preparing pages in a thread: %r", exc)
            return None

    def _fall_back_to_thread(self, broken: Executor) -> None:
        """The worker processes died (killed, out of memory): the rest of the cycle uses a thread."""
        with self.lock:
            if self.pool is broken:
                log.warning("worker processes stopped, preparing the remaining pages in a thread")
                broken.shutdown(wait=False, cancel_futures=True)
                self.pool, self.in_process = ThreadPoolExecutor(1), True

    async def process_item(self, item: PageItem):
        from scrapy.exceptions import DropItem

        context = self.context
        outcome = context.report.source(item.source)
        fetched_at = datetime.now(UTC)
        try:
            if item.body is None:
                prepared = finish(article_from_entry(item.source, item.entry, fetched_at), context.topics)
            else:
                prepared = await self._prepare(item, fetched_at)
        except NotAnArticle as exc:
            outcome.page_failed(item.key, item.url, f"not an article: {exc}", permanent=True)
            log.info("not an article source=%s url=%s reason=%s", item.source, item.url, exc)
            raise DropItem(str(exc), log_level="DEBUG") from None
        except Exception as exc:  # a broken page must never stop the cycle; a later cycle tries again
            outcome.page_failed(item.key, item.url, f"extraction failed: {type(exc).__name__}: {exc}", permanent=False)
            log.warning("extraction failed source=%s url=%s error=%r", item.source, item.url, exc)
            raise DropItem(str(exc), log_level="DEBUG") from None
        prepared.key = item.key
        self.pending.append((prepared, datetime.now(UTC)))
        young = self.stored < YOUNG_REPORTS  # until a batch has taught it what is common
        if len(self.pending) >= (YOUNG_BATCH_SIZE if young else BATCH_SIZE):
            self._flush()
        elif self.timer is None and not young:
            self.timer = asyncio.get_running_loop().call_later(BATCH_SECONDS, self._flush)
        return item

    async def _prepare(self, item: PageItem, fetched_at: datetime) -> Prepared:
        """Prepare a fetched page in the pool; if its worker processes died, in a thread."""
        from concurrent.futures.process import BrokenProcessPool

        assert item.body is not None, "a listing entry without a page is finished in process_item"
        if self.workers_ready is not None:
            await asyncio.wait([self.workers_ready])
        loop = asyncio.get_running_loop()
        for _ in range(2):
            executor = self._executor()
            topics = self.context.topics if self.in_process else None
            try:
                return await loop.run_in_executor(
                    executor,
                    prepare_page,
                    item.body,
                    item.url,
                    item.source,
                    item.entry,
                    item.encoding,
                    fetched_at,
                    topics,
                )
            except BrokenProcessPool:
                self._fall_back_to_thread(executor)
        raise RuntimeError("no executor could prepare the page")

    def _flush(self) -> None:
        """Hand the queued articles to the writer thread: one transaction per batch, and the event
        loop keeps downloading and dispatching pages while the batch is written."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        batch, self.pending = self.pending, []
        if not batch:
            return
        self.stored += len(batch)
        future = asyncio.get_running_loop().run_in_executor(self.writer, self._write, batch)
        future.add_done_callback(self._count)
        self.writing = [f for f in self.writing if not f.done()] + [future]

    def _write(self, batch: list[tuple[Prepared, datetime]]) -> tuple[list, list]:
        """Store a batch in one transaction, a savepoint per article (in the writer thread)."""
        from newswatch.db.store import RecentStories, begin_write, remember_link

        context = self.context
        if self.recent is None:
            self.recent = RecentStories()
        recent = self.recent
        written: list[tuple[Any, Prepared, int]] = []
        failed: list[tuple[Prepared, str]] = []
        # Oldest-published first: when an original and its copy arrive together (pages download
        # in parallel, in no set order), the original is stored first and the copy points at it.
        batch = sorted(batch, key=lambda pair: pair[0].article.published_at or pair[0].article.fetched_at)
        try:
            with context.sessions.begin() as session:
                begin_write(session)
                recent.expect(session, [p.profile for p, _ in batch if p.profile is not None])
                for prepared, now in batch:
                    article = prepared.article
                    mark = recent.mark()
                    try:
                        with session.begin_nested():
                            saved, planned = store_and_plan(
                                session,
                                article,
                                prepared.matches,
                                now,
                                recent,
                                context.alerting,
                                prepared.below,
                                prepared.fingerprint,
                                prepared.profile,
                            )
                            # A link that led here from another URL is known from now on.
                            remember_link(session, prepared.key or "", saved.row, now)
                    except Exception as exc:  # one article that can't be stored must not lose its batch
                        log.exception("storing failed source=%s url=%s", article.source, article.url)
                        recent.undo(mark)  # its story seed and term counts were rolled back, not the batch's
                        failed.append((prepared, f"storing failed: {type(exc).__name__}: {exc}"))
                        continue
                    written.append((saved, prepared, planned))
                recent.flush(session)
            recent.committed()
        except Exception as exc:
            log.exception("storing a batch of %d articles failed", len(batch))
            recent.forget_fresh()
            failed = [(prepared, f"storing failed: {type(exc).__name__}: {exc}") for prepared, _ in batch]
            written = []
        return written, failed

    def _count(self, future: asyncio.Future) -> None:
        """Count a written batch in the cycle's report (on the event loop, like every count)."""
        if future.cancelled() or future.exception() is not None:
            log.error("writing a batch failed", exc_info=None if future.cancelled() else future.exception())
            return
        written, failed = future.result()
        context = self.context
        for prepared, reason in failed:
            context.report.source(prepared.article.source).page_failed(
                prepared.key, prepared.article.url, reason, permanent=False
            )
        for saved, prepared, planned in written:
            article = prepared.article
            outcome = context.report.source(article.source)
            outcome.page_done(prepared.key)
            if not saved.new:
                outcome.known += 1
                continue
            outcome.stored += 1
            if saved.row.duplicate_of is not None:
                outcome.duplicates += 1
            if prepared.matches:
                outcome.matched += 1
            context.report.alerts_planned += planned
            # Why a matching article did not alert (or which alert it made) is said here, in
            # the line the service logs for it, as `newswatch show` says it later.
            log.info(
                "stored source=%s article_id=%s url=%s topics=%s duplicate_of=%s%s",
                article.source,
                saved.row.id,
                article.url,
                ",".join(m.topic for m in prepared.matches) or "-",
                saved.row.duplicate_of,
                f" alert: {saved.row.alert_note}" if saved.row.alert_note else "",
            )
            for rival in [*saved.detached, *saved.moved]:
                log.info(
                    "story split article_id=%s left story %s: its headline fills the template of article_id=%s "
                    "with another slot%s",
                    rival.id,
                    saved.row.story_id,
                    saved.row.id,
                    " (its alert went with it)"
                    if rival in saved.moved
                    else (f" alert: {rival.alert_note}" if rival.alert_note else ""),
                )
