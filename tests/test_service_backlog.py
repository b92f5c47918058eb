"""`newswatch run` with many new pages at once, and pages that fail: a burst is stored whole, a
page that failed for a passing reason is fetched again on later cycles even when its feed answers
304, one that failed for good is recorded once and left alone. Driven through the real service."""

from __future__ import annotations

import os
import signal
import subprocess
from datetime import UTC
from pathlib import Path

from newswatch.scheduler.newsweb import Fault, NewsWeb
from tests.bulkweb import bulk_sources, write_bulk_site
from tests.conftest import NEWSWATCH, json_lines, run_newswatch, wait_for, write_config

SERVICE = '[service]\nheartbeat = "1s"\nsend_every = "1s"\ncrawl_timeout = "60s"\njitter = "0s"\n'
FAULTS = Path(__file__).with_name("faults")


def _start(config: Path, env: dict | None = None) -> subprocess.Popen:
    log = open(config.with_suffix(".log"), "w")  # noqa: SIM115 (the service writes to it until it stops)
    full_env = {k: v for k, v in os.environ.items() if k != "NEWSWATCH_CONFIG"}
    full_env.update(env or {})
    return subprocess.Popen(
        [NEWSWATCH, "--config", str(config), "run"], stdout=log, stderr=subprocess.STDOUT, env=full_env
    )


def _stop(service: subprocess.Popen) -> int:
    service.send_signal(signal.SIGTERM)
    try:
        return service.wait(timeout=60)
    finally:
        service.kill()


def _stored(config: Path) -> list[dict]:
    return json_lines(run_newswatch("articles", "--all", "--json", "--limit", "10000", config=config).stdout)


def _sources(config: Path) -> dict[str, dict]:
    return {s["name"]: s for s in json_lines(run_newswatch("sources", "--json", config=config).stdout)}


def test_first_cycle_of_the_service_stores_a_burst_of_pages_larger_than_the_worker_threshold(tmp_path):
    site = tmp_path / "site"
    paths = write_bulk_site(site, feeds=3, per_feed=30)
    with NewsWeb(site) as web:
        config = write_config(
            tmp_path / "n.toml", web, [], extra=SERVICE, sources=bulk_sources(web, 3, interval="30s"), topics=""
        )
        service = _start(config)
        try:
            assert wait_for(lambda: len(_stored(config)) >= len(paths), deadline=150), (
                f"stored {len(_stored(config))} of {len(paths)}:\n" + config.with_suffix(".log").read_text()[-3000:]
            )
        finally:
            assert _stop(service) == 0
    log = config.with_suffix(".log").read_text()
    assert "extraction failed" not in log
    assert sorted(a["canonical_url"].split(":", 2)[2].split("/", 1)[1] for a in _stored(config)) == sorted(
        p.lstrip("/") for p in paths
    )


def test_pages_that_failed_for_a_passing_reason_are_stored_later_though_the_feed_answers_304(tmp_path):
    site = tmp_path / "site"
    paths = write_bulk_site(site, feeds=1, per_feed=6)
    markers = tmp_path / "extract-faults"
    markers.mkdir()
    with NewsWeb(site) as web:
        web.fail(paths[0], Fault(status=503, times=2))  # the server is briefly overloaded
        config = write_config(
            tmp_path / "n.toml", web, [], extra=SERVICE, sources=bulk_sources(web, 1, interval="5s"), topics=""
        )
        # Every page's first extraction fails (tests/faults/sitecustomize.py).
        service = _start(config, env={"PYTHONPATH": str(FAULTS), "NEWSWATCH_FAULT_EXTRACT_ONCE": str(markers)})
        try:
            assert wait_for(lambda: len(_stored(config)) == len(paths), deadline=180), config.with_suffix(
                ".log"
            ).read_text()[-3000:]
            assert _sources(config)["bulk-0"]["pending_retry"] == 0
        finally:
            assert _stop(service) == 0
        feed_requests = [headers for _, path, headers in web.requests if path == "/f0/feed.rss"]
    # After the first fetch every poll of the feed was conditional, answered 304 by the server:
    # the failed pages were fetched again all the same.
    assert len(feed_requests) >= 2 and all("If-None-Match" in h for h in feed_requests[1:])
    assert len(list(markers.iterdir())) == len(paths)  # each page's extraction failed once
    log = config.with_suffix(".log").read_text()
    assert "extraction failed" in log and "HTTP 503" in log


def test_missing_page_is_recorded_once_and_a_cycle_whose_pages_all_failed_is_an_error(tmp_path):
    site = tmp_path / "site"
    paths = write_bulk_site(site, feeds=2, per_feed=3)
    (site / paths[0].lstrip("/")).unlink()  # listed in its feed, gone from the server: 404
    with NewsWeb(site) as web:
        for path in paths[3:]:
            web.fail(path, Fault(status=500))  # the second feed's pages always fail
        # The failing source is polled once in the test's time: its first cycle is what is seen.
        sources = bulk_sources(web, 1, interval="5s") + bulk_sources(web, 2, interval="1h", first=1)
        config = write_config(tmp_path / "n.toml", web, [], sources=sources, topics="", extra=SERVICE)
        # Every poll fetches the listing in full, so the missing page is listed again each time.
        config.write_text(config.read_text().replace("retries = 0\n", 'retries = 0\nfull_fetch_every = "1s"\n'))
        service = _start(config)
        try:
            assert wait_for(lambda: web.hits("/f0/feed.rss") >= 4, deadline=150)
            rows = _sources(config)
        finally:
            assert _stop(service) == 0
        missing_hits = web.hits(paths[0])
    assert missing_hits == 1
    assert len(_stored(config)) == 2
    healthy, failing = rows["bulk-0"], rows["bulk-1"]
    assert healthy["status"] == "ok" and healthy["failed_pages"] == 1 and healthy["pending_retry"] == 0
    assert failing["status"] == "error" and "all 3 new article pages failed: HTTP 500" in failing["error"]
    assert failing["pending_retry"] == 3
    pages = json_lines(run_newswatch("sources", "--pages", "--json", config=config).stdout)
    gone = [p for p in pages if p["url"].endswith(paths[0])]
    assert gone and gone[0]["status"] == "failed" and gone[0]["reason"] == "HTTP 404"
    log = config.with_suffix(".log").read_text()
    assert "cycle failed sources=bulk-1" in log and "cycle done sources=bulk-1" not in log


def test_one_crawl_fetches_pages_over_the_per_cycle_limit_in_further_cycles_though_the_feed_answers_304(tmp_path):
    site = tmp_path / "site"
    paths = write_bulk_site(site, feeds=1, per_feed=10)
    with NewsWeb(site) as web:
        config = write_config(tmp_path / "n.toml", web, [], sources=bulk_sources(web, 1), topics="")
        config.write_text(config.read_text().replace("retries = 0\n", "retries = 0\nmax_articles_per_source = 4\n"))
        first = run_newswatch("crawl", config=config)
        assert first.returncode == 0, first.stderr
        assert "10 new articles" in first.stdout and "left for a later cycle" not in first.stdout
        feed_requests = [headers for _, path, headers in web.requests if path == "/f0/feed.rss"]
        assert run_newswatch("crawl", config=config).returncode == 0
    assert len(_stored(config)) == len(paths)
    assert _sources(config)["bulk-0"]["pending_retry"] == 0
    assert len(feed_requests) == 3  # cycles of 4, 4 and 2 pages
    assert all("If-None-Match" in h for h in feed_requests[1:])


def test_the_service_fetches_pages_over_the_per_cycle_limit_in_the_cycles_it_runs_at_once(tmp_path):
    site = tmp_path / "site"
    paths = write_bulk_site(site, feeds=1, per_feed=10)
    with NewsWeb(site) as web:
        sources = bulk_sources(web, 1, interval="1h")
        config = write_config(tmp_path / "n.toml", web, [], sources=sources, topics="", extra=SERVICE)
        config.write_text(config.read_text().replace("retries = 0\n", "retries = 0\nmax_articles_per_source = 4\n"))
        service = _start(config)
        try:
            assert wait_for(lambda: len(_stored(config)) == len(paths), deadline=120)
        finally:
            assert _stop(service) == 0
    log = config.with_suffix(".log").read_text()
    assert "pages left for the next cycle source=bulk-0 count=6: running it now" in log


def test_a_page_failing_for_passing_reasons_is_retried_with_growing_delays_then_given_up(tmp_path):
    from datetime import datetime, timedelta

    from newswatch.db import store
    from newswatch.db.session import open_database
    from newswatch.domain.items import FeedEntry
    from newswatch.domain.report import SourceOutcome

    sessions = open_database(f"sqlite:///{tmp_path}/n.db")
    now = datetime(2026, 12, 1, tzinfo=UTC)
    url = "https://example.org/a.html"
    delays = []
    for _attempt in range(store.PAGE_ATTEMPTS):
        outcome = SourceOutcome("s")
        outcome.open_page(url, url, FeedEntry(url=url, title="A"))
        outcome.page_failed(url, url, "HTTP 503", permanent=False)
        with sessions.begin() as session:
            store.record_pages(session, outcome, now, interval=600)
        with sessions() as session:
            row = store.list_pending(session)[0]
            due = store.due_pages(session, ["s"], now)
        if row.status == "retry":
            delays.append((row.next_attempt_at - now).total_seconds())
            assert bool(due) == (row.next_attempt_at <= now)
            now = row.next_attempt_at
    assert delays == [0, 600, 1800, 4200, 9000, 18600, 21600]  # next cycle, then doubling, at most 6 h
    assert row.status == "failed" and row.reason == f"gave up after {store.PAGE_ATTEMPTS} attempts: HTTP 503"
    assert row.entry["title"] == "A"
    # Stored at last (say, from another source): it leaves the list.
    outcome = SourceOutcome("s")
    outcome.page_done(url)
    with sessions.begin() as session:
        store.record_pages(session, outcome, now + timedelta(days=1), interval=600)
    with sessions() as session:
        assert store.list_pending(session) == []
