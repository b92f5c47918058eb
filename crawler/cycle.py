"""One crawl cycle: Scrapy settings from newswatch's, the spider run, the outcome recorded.

`run_cycle` starts a Twisted reactor, which can run once per process: callers that crawl more
than once (the service) run each cycle in a child process of its own.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from newswatch.crawler.context import MAX_URL_LENGTH, CrawlSettings, CycleContext
from newswatch.domain.redact import secret_pieces
from newswatch.domain.report import CycleReport

log = logging.getLogger("newswatch.cycle")


def scrapy_settings(crawl: CrawlSettings, log_level: str = "ERROR") -> dict:
    """Scrapy's settings for newswatch's `[crawl]` values."""
    return {
        "BOT_NAME": "newswatch",
        "USER_AGENT": crawl.user_agent,
        "ROBOTSTXT_OBEY": crawl.obey_robots_txt,
        "DOWNLOAD_TIMEOUT": crawl.timeout,
        "DOWNLOAD_MAXSIZE": crawl.max_page_size,
        "DOWNLOAD_WARNSIZE": 0,
        "REDIRECT_MAX_TIMES": crawl.max_redirects,
        "CONCURRENT_REQUESTS": crawl.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.per_domain_concurrency,
        # Items of one response processed at once. Scrapy starts this many tasks for every
        # response's output, and an article page yields one item: at the default (100) that was
        # a fifth of the crawl process's time on a 2,000-article cycle.
        "CONCURRENT_ITEMS": 4,
        "DOWNLOAD_DELAY": 0,
        # Scrapy drops longer links without a word; the spider fails them with a reason first.
        "URLLENGTH_LIMIT": MAX_URL_LENGTH,
        # Politeness that adapts: AutoThrottle spaces requests by each site's own latency. It
        # starts from no delay: it only ever lowers a delay on 200 responses, so a start delay
        # would space every conditional poll of a site's feeds (answered 304) for good.
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": 0.0,
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(crawl.per_domain_concurrency),
        "RETRY_ENABLED": crawl.retries > 0,
        "RETRY_TIMES": crawl.retries,
        # 429 and 503 are not retried at once: their Retry-After backs the source off instead.
        "RETRY_HTTP_CODES": [500, 502, 504, 522, 524, 408],
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": log_level,
        "LOG_ENABLED": True,
        "LOG_INSTALL_ROOT_HANDLER": False,  # newswatch's own handler formats every line
        "NEWSWATCH_ALLOW_PRIVATE": crawl.allow_private_addresses,
        # Connect only to addresses the guard has checked (DNS rebinding): crawler/resolver.py.
        "TWISTED_DNS_RESOLVER": "newswatch.crawler.resolver.GuardedResolver",
        # Components a cycle never uses cost a call per request or response; they are off.
        "DOWNLOADER_MIDDLEWARES": {
            "newswatch.crawler.netguard_middleware.NetGuardMiddleware": 50,
            "newswatch.crawler.credentials.SourceAuthMiddleware": 60,
            "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
        },
        "SPIDER_MIDDLEWARES": {"scrapy.spidermiddlewares.depth.DepthMiddleware": None},
        # Scrapy's remote control (2.19+) would open, in every crawl, a loopback HTTP server that
        # runs Python code sent to it, and import aiohttp for it: half a second of CPU per crawl.
        "REMOTE_CONTROL_ENABLED": False,
        "EXTENSIONS": {
            "scrapy.extensions.feedexport.FeedExporter": None,
            "scrapy.extensions.logstats.LogStats": None,
            "scrapy.extensions.remote_control.RemoteControl": None,
        },
        "ITEM_PIPELINES": {"newswatch.crawler.pipelines.ArticlePipeline": 300},
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        # A development lint that reads each callback's source: milliseconds per response.
        "WARN_ON_GENERATOR_RETURN_VALUE": False,
        "DNS_TIMEOUT": 20,
    }


def run_cycle(context: CycleContext, log_level: str = "ERROR") -> CycleReport:
    """Fetch every source in `context`, store what is new, record each source's outcome."""
    from scrapy.crawler import CrawlerProcess

    from newswatch.crawler.spider import NewsSpider
    from newswatch.db import store

    with context.sessions.begin() as session:
        store.sync_sources(session, context.sources)
        context.source_state = store.source_states(session)
        context.due_pages = store.due_pages(
            session, [s.name for s in context.sources], context.now, regardless=context.forced
        )
    for spec in context.sources:
        context.report.source(spec.name)
    process = CrawlerProcess(scrapy_settings(context.crawl, log_level))
    # Scrapy resets its loggers to DEBUG when it starts; keep them at our level or quieter.
    root_level = logging.getLogger().getEffectiveLevel()
    logging.getLogger("scrapy").setLevel(max(logging.WARNING, root_level))
    # A dead server or a refused robots.txt is the source's error (one line, newswatch.cycle);
    # these say it again at ERROR, robots.txt with a traceback. Kept for --log-level DEBUG.
    for repeats in ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt"):
        logging.getLogger(repeats).setLevel(logging.DEBUG if root_level <= logging.DEBUG else logging.CRITICAL)
    process.crawl(NewsSpider, context=context)
    with context.sessions.begin() as session:
        # Seen by a second crawl of this database, which tells its user (`newswatch crawl`).
        crawl_id = store.start_crawl(session, [spec.name for spec in context.sources], context.now)
    try:
        process.start()
    finally:
        with context.sessions.begin() as session:
            store.end_crawl(session, crawl_id)
    finished = datetime.now(UTC)
    intervals = {spec.name: spec.interval for spec in context.sources}
    secrets = {spec.name: secret_pieces(spec.url) for spec in context.sources}
    with context.sessions.begin() as session:
        for outcome in context.report.sources.values():
            if outcome.status == "pending":
                outcome.status, outcome.error = "error", "crawl stopped before the source was fetched"
            outcome.close()
            outcome.hide_secrets(secrets.get(outcome.name, ()))
            interval = intervals.get(outcome.name, 900.0)
            store.record_outcome(session, outcome, finished, interval)
            store.record_pages(session, outcome, finished, interval)
    for outcome in context.report.sources.values():
        log.log(
            logging.WARNING if outcome.status == "error" else logging.INFO,
            "source %s source=%s status=%s listed=%d stored=%d failed=%d pending=%d error=%s",
            "failed" if outcome.status == "error" else "done",
            outcome.name,
            outcome.status,
            outcome.listed,
            outcome.stored,
            outcome.failed,
            outcome.pending,
            outcome.summary_error or "-",
        )
    return context.report
