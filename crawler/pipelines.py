"""The Scrapy item pipeline: extract -> canonicalise -> match -> store (dedup, story) -> plan alerts.

Each step is a pure function from another module; this adapter chains them, runs extraction off
the event loop (a process pool, so the CPU-heavy part uses every core and never blocks fetching),
and writes each article, its matches and its pending alerts in one transaction.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from datetime import datetime, timezone
import multiprocessing

from scrapy.exceptions import DropItem

from crawler.canonical import canonical_url
from crawler.context import CycleContext
from crawler.extract import NotAnArticle, extract_article
from crawler.items import Article, FeedEntry
from crawler.matching import match
from crawler.spider import PageItem

log = logging.getLogger("newswatch.pipeline")


def article_from_entry(source: str, entry: FeedEntry, fetched_at: datetime) -> Article:
    """An article known only from its listing (aggregator items that can't be fetched)."""
    from crawler.feeds import html_to_text

    text = html_to_text(entry.content or entry.summary or "")
    if not entry.title:
        raise NotAnArticle("listing item has no title")
    return Article(url=entry.url, canonical_url=canonical_url(entry.url), source=source, title=entry.title,
                   text=text, fetched_at=fetched_at, published_at=entry.published_at, updated_at=entry.updated_at,
                   authors=list(entry.authors), language=entry.language, image=entry.image, outlet=entry.outlet)


def _extract(item: PageItem, fetched_at: datetime) -> Article:
    article = extract_article(item.body, item.url, item.source, fetched_at, entry=item.entry,
                              headers_encoding=item.encoding)
    article.canonical_url = canonical_url(article.url, getattr(article, "page_canonical", None))
    return article


class ArticlePipeline:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.context: CycleContext | None = None
        self.pool: Executor | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        self.context = self.crawler.spider.context
        workers = self.context.crawl.extract_workers
        if workers > 1:
            self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        else:
            self.pool = ThreadPoolExecutor(1)

    def close_spider(self) -> None:
        context = self.context
        if context is not None and context.alerting is not None:
            with context.sessions.begin() as session:
                context.alerting.finish(session, datetime.now(timezone.utc))
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    async def process_item(self, item: PageItem):
        context = self.context
        outcome = context.report.source(item.source)
        fetched_at = datetime.now(timezone.utc)
        try:
            if item.body is None:
                article = article_from_entry(item.source, item.entry, fetched_at)
            else:
                loop = asyncio.get_running_loop()
                article = await loop.run_in_executor(self.pool, _extract, item, fetched_at)
        except NotAnArticle as exc:
            outcome.fail_article(item.url, f"not an article: {exc}")
            log.info("not an article source=%s url=%s reason=%s", item.source, item.url, exc)
            raise DropItem(str(exc), log_level="DEBUG") from None
        except Exception as exc:  # a broken page must never stop the cycle
            outcome.fail_article(item.url, f"extraction failed: {type(exc).__name__}: {exc}")
            log.warning("extraction failed source=%s url=%s error=%r", item.source, item.url, exc)
            raise DropItem(str(exc), log_level="DEBUG") from None
        matches = match(article, context.topics)
        now = datetime.now(timezone.utc)
        self._store(article, matches, now)
        return item

    def _store(self, article: Article, matches, now: datetime) -> None:
        from db.store import save_article

        context = self.context
        outcome = context.report.source(article.source)
        with context.sessions.begin() as session:
            saved = save_article(session, article, matches, now)
            if not saved.new:
                outcome.known += 1
                return
            outcome.stored += 1
            if saved.row.duplicate_of is not None:
                outcome.duplicates += 1
            if matches:
                outcome.matched += 1
            if context.alerting is not None and saved.row.matches:
                context.report.alerts_planned += context.alerting.plan(session, saved.row, now)
        log.info("stored source=%s article_id=%s url=%s topics=%s duplicate_of=%s", article.source, saved.row.id,
                 article.url, ",".join(m.topic for m in matches) or "-", saved.row.duplicate_of)
