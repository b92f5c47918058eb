"""The service's jobs, driven one step at a time (no sleeping): the job set and its safety
settings, retention, source health alerts, and secrets kept out of logs."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from newswatch.db.models import Article, Source
from newswatch.scheduler.app import open_db
from newswatch.scheduler.config import load_config
from newswatch.scheduler.service import Service
from tests.conftest import json_lines, run_newswatch, write_config


def _service(path, crawl_target=None):
    config = load_config(str(path))
    return Service(config, open_db(config), crawl_target=crawl_target)


def _finishes_but_its_exit_status_is_lost(config_path, source_names, log_level, log_format, done, alone=True):
    done.send(("done", 0))  # the crawl's work is complete...
    done.close()
    os._exit(255)  # ...and the status reads as the fork server's "lost" value


def _dies_midway(config_path, source_names, log_level, log_format, done, alone=True):
    os._exit(3)


def test_a_finished_crawl_is_not_taken_for_a_crash_but_a_dying_one_is(tmp_path, newsweb):
    path = write_config(tmp_path / "n.toml", newsweb)
    assert _service(path, _finishes_but_its_exit_status_is_lost).crawl(["ledger-national"]) == "ok"
    service = _service(path, _dies_midway)
    assert service.crawl(["ledger-national"]) == "failed"
    with service.sessions() as session:
        row = session.scalars(select(Source).where(Source.name == "ledger-national")).one()
        assert row.error == "crawl process crashed (exit 3)" and row.consecutive_errors == 1


def test_one_job_per_source_that_never_overlaps_or_piles_up(tmp_path, newsweb):
    service = _service(write_config(tmp_path / "n.toml", newsweb))
    scheduler = service.build_scheduler()
    scheduler.start(paused=True)  # jobs get their defaults applied, none runs
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=False)
    crawl_jobs = [job for name, job in jobs.items() if name.startswith("crawl:")]
    assert sorted(job.id for job in crawl_jobs) == [
        "crawl:broken-feed",
        "crawl:frontier-defence",
        "crawl:ledger-national",
    ]
    for job in crawl_jobs:
        assert job.max_instances == 1 and job.coalesce is True
        assert 0 < job.misfire_grace_time <= 150  # half of the 5m interval
    assert {"send", "heartbeat", "digest", "retention", "health"} <= set(jobs)


def test_retention_drops_text_of_old_unmatched_articles_only(tmp_path, newsweb, receiver):
    path = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url])
    assert run_newswatch("crawl", config=path).returncode == 0
    service = _service(path)
    long_ago = datetime.now(UTC) - timedelta(days=40)
    with service.sessions.begin() as session:
        for row in session.scalars(select(Article)):
            row.fetched_at = long_ago
    service.retention()
    with service.sessions() as session:
        rows = list(session.scalars(select(Article)))
    unmatched = [r for r in rows if not r.matches]
    matched = [r for r in rows if r.matches]
    assert unmatched and all(r.text is None for r in unmatched)
    assert matched and all(r.text for r in matched)
    # The URL stays known, so a later crawl does not fetch and store it again.
    assert run_newswatch("crawl", config=path).returncode == 0
    assert len(json_lines(run_newswatch("export", "--all", config=path).stdout)) == len(rows)


def test_a_source_whose_first_crawl_brought_a_burst_is_not_called_silent_hours_later(tmp_path, newsweb, receiver):
    """A first crawl stores a source's articles within a second: that is no publishing rhythm. The
    service's health check must not take the next quiet minutes for silence; once three cycles
    apart have brought articles, a source quiet for far longer than its rhythm is silent."""
    path = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url])
    assert run_newswatch("crawl", "--no-alerts", config=path).returncode == 0
    service = _service(path)
    with service.sessions.begin() as session:
        for row in session.scalars(select(Article)):
            row.fetched_at = datetime.now(UTC) - timedelta(hours=3)  # the burst, three hours ago
    service.health()
    service.dispatcher.wait()  # sends run in threads of their own
    assert not [p for p in receiver.posts if "silent" in p["title"] + p["message"]]
    with service.sessions.begin() as session:  # now a rhythm: one cycle a day brought an article
        from tests.alerts_helpers import add_article

        busiest = session.scalars(select(Article.source)).first()
        for row in session.scalars(select(Article)):
            row.fetched_at = datetime.now(UTC) - timedelta(days=19)
        for day in range(4):
            add_article(session, source=busiest, fetched_at=datetime.now(UTC) - timedelta(days=20 + day))
    service.health()
    service.dispatcher.wait()
    assert [p for p in receiver.posts if f"{busiest} is silent" in p["title"] + p["message"]]


def test_failing_source_alerts_once_and_once_more_when_it_recovers(tmp_path, newsweb, receiver):
    path = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], extra="[service]\nfailing_after = 2\n")
    assert run_newswatch("crawl", "--no-alerts", config=path).returncode == 0
    service = _service(path)
    with service.sessions.begin() as session:
        session.scalars(select(Source).where(Source.name == "broken-feed")).one().consecutive_errors = 2
    service.health()
    service.health()
    service.dispatcher.wait()  # sends run in threads of their own
    failing = [p for p in receiver.posts if "broken-feed" in p["title"] + p["message"]]
    assert len(failing) == 1

    with service.sessions.begin() as session:
        session.scalars(select(Source).where(Source.name == "broken-feed")).one().consecutive_errors = 0
    service.health()
    service.health()
    service.dispatcher.wait()
    told = [p for p in receiver.posts if "broken-feed" in p["title"] + p["message"]]
    assert len(told) == 2 and "recover" in (told[1]["title"] + told[1]["message"]).lower()


def test_heartbeat_makes_status_report_a_running_service(tmp_path, newsweb):
    path = write_config(tmp_path / "n.toml", newsweb)
    service = _service(path)
    assert json_lines(run_newswatch("status", "--json", config=path).stdout)[0]["running"] is False
    service.acquire_lease()  # as the service starts
    started = json_lines(run_newswatch("status", "--json", config=path).stdout)[0]
    assert started["running"] is True and started["heartbeat_at"]
    service.heartbeat()
    status = json_lines(run_newswatch("status", "--json", config=path).stdout)[0]
    assert status["running"] is True and status["heartbeat_at"] > started["heartbeat_at"]
    service.mark_stopped()
    assert json_lines(run_newswatch("status", "--json", config=path).stdout)[0]["running"] is False


def test_secrets_in_alert_urls_never_reach_logs_or_listings(tmp_path, newsweb):
    token = "s3cr3tT0k3nXYZ"
    path = write_config(
        tmp_path / "n.toml", newsweb, [f"json://user:{token}@127.0.0.1:9/hook", f"tgram://123456:{token}/987654"]
    )
    result = run_newswatch("--log-level", "DEBUG", "crawl", config=path)
    assert result.returncode == 0
    assert token not in result.stdout + result.stderr
    for command in (("alerts", "--json"), ("alerts",), ("sources", "--json")):
        listing = run_newswatch(*command, config=path)
        assert token not in listing.stdout + listing.stderr
    logged = run_newswatch("--log-format", "json", "--log-level", "DEBUG", "alerts", "send", config=path)
    assert token not in logged.stdout + logged.stderr
