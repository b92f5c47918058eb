"""Cluster mode as users run it: a private Redis, a PostgreSQL schema of the test's own, several
`newswatch run` schedulers and `newswatch worker`s as separate processes against the loopback
news web, killed with SIGKILL where the test says, stopped with SIGTERM at the end (exit 0).
Polls with generous deadlines; asserts behaviour, never speed."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from newswatch.scheduler.newsweb import Fault, NewsWeb, render_dates
from tests.bulkweb import bulk_sources, write_bulk_site
from tests.cluster_helpers import (
    Cluster,
    cluster_config,
    needs_postgres,
    redis_server,
    stored,
    unit_command,
    wait_for,
)
from tests.conftest import NEWSWATCH, json_lines, run_newswatch, write_config
from tests.services import free_port
from tests.test_service import _NEW_STORY

pytestmark = needs_postgres


@pytest.fixture
def broker(tmp_path):
    with redis_server(tmp_path / "redis") as url:
        yield url


@pytest.fixture
def database(postgres_url):
    return postgres_url


def _publish(web, feed: str, path: str, html: str, title: str) -> None:
    """The newsroom publishes: a new page, and its feed lists it first."""
    web.serve(path, render_dates(html, web.now))
    text = (web.root / feed).read_text(encoding="utf-8")
    text = text.replace(
        "<item>",
        f"<item>\n    <title>{title}</title>\n    <link>{path}</link>\n    <pubDate>{{{{rfc822:-1m}}}}</pubDate>\n"
        "  </item>\n  <item>",
        1,
    )
    web.serve(feed, render_dates(text, web.now), "application/rss+xml")


def _posted(receiver, words: str) -> int:
    return sum(1 for post in receiver.posts if words in json.dumps(post))


# Configuration ---------------------------------------------------------------------------------


def test_cluster_mode_on_sqlite_exits_2_with_one_line_naming_the_database_key(tmp_path, newsweb):
    config = write_config(tmp_path / "n.toml", newsweb, extra='[cluster]\nbroker = "redis://127.0.0.1:6379/0"\n')
    for command in (("run",), ("worker",), ("crawl",)):
        result = run_newswatch(*command, config=config)
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "database.url" in lines[0] and "PostgreSQL" in lines[0], result.stderr


def test_worker_without_a_broker_and_a_visibility_timeout_below_the_crawl_timeout_exit_2(tmp_path, newsweb):
    config = write_config(tmp_path / "n.toml", newsweb)
    result = run_newswatch("worker", config=config)
    assert result.returncode == 2 and "cluster.broker" in result.stderr
    config.write_text(
        config.read_text().replace('url = "sqlite:///newswatch.db"', 'url = "postgresql+psycopg://u:p@127.0.0.1/db"')
        + '[service]\ncrawl_timeout = "10m"\n[cluster]\nbroker = "redis://127.0.0.1:1/0"\nvisibility_timeout = "5m"\n'
    )
    result = run_newswatch("worker", config=config)
    assert result.returncode == 2 and "cluster.visibility_timeout" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# The cluster at work ---------------------------------------------------------------------------


def _slow(web: NewsWeb, site: Path, paths: list[str], delay: float) -> None:
    """Serve the pages under `site` each `delay` seconds late."""
    for path in paths:
        page = render_dates((site / path.lstrip("/")).read_text(encoding="utf-8"), web.now)
        web.fail(path, Fault(status=200, delay=delay, body=page.encode(), headers={"Content-Type": "text/html"}))


def _same_story_groups(articles: list[dict]) -> set[frozenset[str]]:
    groups: dict[int, set[str]] = {}
    for article in articles:
        groups.setdefault(article["story_id"], set()).add(article["canonical_url"])
    return {frozenset(urls) for urls in groups.values()}


def _copies(articles: list[dict]) -> set[frozenset[str]]:
    """Each copy with its original, as a pair: when the two are fetched at the same moment on two
    machines, which one is stored first (and so counts as the original) is a race."""
    by_id = {a["id"]: a["canonical_url"] for a in articles}
    return {frozenset((a["canonical_url"], by_id[a["duplicate_of"]])) for a in articles if a["duplicate_of"]}


def _alerted_stories(posts: list[dict], articles: list[dict]) -> list[tuple[str, list[str]]]:
    """The topic and story (its articles' URLs) each alert ("[topic] title") told, found by the
    title: an alert of a story whose original and copy raced carries whichever was stored first."""
    groups = _same_story_groups(articles)
    story_of = {a["title"]: next(sorted(g) for g in groups if a["canonical_url"] in g) for a in articles}
    told = []
    for post in posts:
        topic, title = post["title"][1:].split("] ", 1)
        told.append((topic, story_of[title]))
    return sorted(told)


def test_two_schedulers_and_two_workers_store_and_alert_what_one_machine_does(
    tmp_path, newsweb, receiver, broker, database
):
    from tests.alerts_helpers import JsonReceiver

    # One machine, one cycle: what the cluster must arrive at.
    (tmp_path / "single").mkdir()
    with JsonReceiver() as alone:
        single = write_config(tmp_path / "single/n.toml", newsweb, [alone.apprise_url])
        assert run_newswatch("crawl", config=single).returncode == 0
        expected = stored(single)
        expected_alerts = _alerted_stories(alone.posts, expected)
    assert expected and expected_alerts

    (tmp_path / "cluster").mkdir()
    config = cluster_config(tmp_path / "cluster/n.toml", newsweb, database, broker, [receiver.apprise_url])
    config.write_text(config.read_text().replace('interval = "5m"', 'interval = "5s"'))
    with Cluster(config) as cluster:
        for name, command in (("s1", "run"), ("s2", "run"), ("w1", "worker"), ("w2", "worker")):
            cluster.start(name, command, *(("--concurrency", "2") if command == "worker" else ()))

        def all_crawled() -> bool:
            rows = json_lines(run_newswatch("sources", "--json", config=config).stdout)
            return len(rows) == 3 and all(row["last_fetch_at"] for row in rows)

        assert wait_for(all_crawled), cluster.logs()
        assert wait_for(lambda: len(receiver.posts) >= len(expected_alerts)), cluster.logs()
        # Several more cycles of every source: nothing new is stored, nothing alerts again.
        polls = newsweb.hits("/feeds/national.rss")
        assert wait_for(lambda: newsweb.hits("/feeds/national.rss") >= polls + 3), cluster.logs()
        status = cluster.status()
        codes = cluster.stop_all()
    assert codes == {"s1": 0, "s2": 0, "w1": 0, "w2": 0}

    articles = stored(config)
    assert sorted(a["canonical_url"] for a in articles) == sorted(a["canonical_url"] for a in expected)
    assert _copies(articles) == _copies(expected)
    assert _same_story_groups(articles) == _same_story_groups(expected)
    assert _alerted_stories(receiver.posts, articles) == expected_alerts  # each story once, as one machine does

    assert status["running"] is True
    cluster_state = status["cluster"]
    assert cluster_state["leader"] is not None
    assert len(cluster_state["schedulers"]) == 2 and len(cluster_state["workers"]) == 2
    assert {w["concurrency"] for w in cluster_state["workers"]} == {2}
    assert set(cluster_state["queue"]) == {"crawl", "send", "running"}
    text = run_newswatch("status", config=config).stdout
    assert "leading scheduler: none" in text  # all stopped now
    assert "workers seen in the last minute: 0" in text


def test_worker_killed_mid_crawl_loses_nothing_its_crawl_runs_again_and_a_new_report_alerts(
    tmp_path, newsweb, receiver, broker, database
):
    site = tmp_path / "site"
    paths = write_bulk_site(site, feeds=1, per_feed=16)
    with NewsWeb(site) as bulk:
        _slow(bulk, site, paths, delay=1.0)  # the crawl of bulk-0 takes long enough to be killed mid-way
        sources = bulk_sources(bulk, 1, interval="1h") + (
            f'[[sources]]\nname = "ledger"\ntype = "feed"\nurl = "{newsweb.url("feeds/national.rss")}"\n'
            'interval = "5s"\n'
        )
        config = cluster_config(tmp_path / "n.toml", newsweb, database, broker, [receiver.apprise_url], sources)
        config.write_text(config.read_text().replace("retries = 0\n", "retries = 0\nper_domain_concurrency = 2\n"))
        with Cluster(config) as cluster:
            for name, command in (("s1", "run"), ("s2", "run"), ("w1", "worker"), ("w2", "worker")):
                cluster.start(name, command, *(("--concurrency", "2") if command == "worker" else ()))

            def crawling_bulk() -> str | None:
                for name in ("w1", "w2"):
                    if "sources=bulk-0 claimed=1" in cluster.log(name):
                        return name
                return None

            assert wait_for(lambda: crawling_bulk() and any(bulk.hits(p) for p in paths)), cluster.logs()
            victim = crawling_bulk()
            survivor = "w2" if victim == "w1" else "w1"
            assert len(stored(config)) < len(paths) + 2  # the bulk source is not done yet
            cluster.kill(victim)

            # A report published after the kill alerts once, from the surviving worker.
            assert wait_for(lambda: len(receiver.posts) >= 1), cluster.logs()
            _publish(newsweb, "feeds/national.rss", "/news/indus-x-start-up-fund.html", _NEW_STORY, "INDUS-X fund")
            assert wait_for(lambda: _posted(receiver, "INDUS-X summit") >= 1, deadline=90), cluster.logs()

            def bulk_done() -> bool:
                return sum(1 for a in stored(config) if a["source"] == "bulk-0") >= len(paths)

            assert wait_for(bulk_done, deadline=180), cluster.logs()
            assert "sources=bulk-0 claimed=1" in cluster.log(survivor)
            assert "worker lost" in cluster.log("s1") + cluster.log("s2")
            polls = newsweb.hits("/feeds/national.rss")
            assert wait_for(lambda: newsweb.hits("/feeds/national.rss") >= polls + 2), cluster.logs()
            codes = cluster.stop_all()
    assert set(codes.values()) == {0}, cluster.logs()
    articles = stored(config)
    bulk_urls = [a["canonical_url"] for a in articles if a["source"] == "bulk-0"]
    assert len(bulk_urls) == len(paths) == len(set(bulk_urls))  # every page once, none lost, none twice
    assert _posted(receiver, "INDUS-X summit") == 1
    # No story alerted twice: each has one delivery. A send the kill cut short before the target
    # answered is sent again with the same delivery id (at least once), which a receiver drops.
    deliveries: dict[str, set] = {}
    for post in receiver.posts:
        deliveries.setdefault(post["title"], set()).add(post["delivery_id"])
    assert all(len(ids) == 1 for ids in deliveries.values()), deliveries


def test_leading_scheduler_killed_another_takes_over_and_a_new_report_alerts(
    tmp_path, newsweb, receiver, broker, database
):
    sources = (
        f'[[sources]]\nname = "ledger"\ntype = "feed"\nurl = "{newsweb.url("feeds/national.rss")}"\ninterval = "5s"\n'
    )
    config = cluster_config(tmp_path / "n.toml", newsweb, database, broker, [receiver.apprise_url], sources)
    with Cluster(config) as cluster:
        # Started as the systemd units in docs/ start them.
        for name, unit in (("s1", "scheduler"), ("s2", "scheduler"), ("w1", "worker")):
            cluster.start(name, argv=unit_command(f"newswatch-{unit}.service", config))
        assert wait_for(lambda: len(receiver.posts) >= 1), cluster.logs()
        leader = cluster.leader()
        assert leader in ("s1", "s2")
        other = "s2" if leader == "s1" else "s1"
        cluster.kill(leader)

        assert wait_for(lambda: cluster.leader() == other, deadline=60), cluster.logs()
        _publish(newsweb, "feeds/national.rss", "/news/indus-x-start-up-fund.html", _NEW_STORY, "INDUS-X fund")
        assert wait_for(lambda: _posted(receiver, "INDUS-X summit") >= 1, deadline=90), cluster.logs()
        polls = newsweb.hits("/feeds/national.rss")
        assert wait_for(lambda: newsweb.hits("/feeds/national.rss") >= polls + 2), cluster.logs()
        codes = cluster.stop_all()
    assert codes == {other: 0, "w1": 0}, cluster.logs()
    assert _posted(receiver, "INDUS-X summit") == 1
    assert "scheduler leads" in cluster.log(other)


def test_a_scheduler_that_cannot_reach_the_broker_does_not_lead_and_says_so_once(
    tmp_path, newsweb, receiver, broker, database
):
    # s1 runs on a machine cut off from the broker, and starts first: it must not hold the lead,
    # or nothing would be queued for anyone. s2 reaches the broker and leads; crawls go on.
    sources = (
        f'[[sources]]\nname = "ledger"\ntype = "feed"\nurl = "{newsweb.url("feeds/national.rss")}"\ninterval = "5s"\n'
    )
    config = cluster_config(tmp_path / "n.toml", newsweb, database, broker, [receiver.apprise_url], sources)
    cut_off = tmp_path / "cut-off.toml"
    cut_off.write_text(config.read_text().replace(broker, f"redis://127.0.0.1:{free_port()}/0"))
    with Cluster(config) as cluster:
        cluster.start("s1", argv=[NEWSWATCH, "--config", str(cut_off), "run"])
        assert wait_for(lambda: "cannot reach the broker" in cluster.log("s1")), cluster.logs()
        cluster.start("s2", "run")
        cluster.start("w1", "worker")
        assert wait_for(lambda: _posted(receiver, "jet engine co-production") >= 1, deadline=90), cluster.logs()
        assert cluster.leader() == "s2"
        codes = cluster.stop_all()
    assert codes == {"s1": 0, "s2": 0, "w1": 0}, cluster.logs()
    cut_log = cluster.log("s1")
    assert "scheduler leads" not in cut_log
    assert cut_log.count("cannot reach the broker node=") == 1 and "Traceback" not in cut_log, cut_log


def test_a_leader_whose_broker_goes_down_gives_up_the_lead_and_crawls_resume_when_it_is_back(
    tmp_path, newsweb, receiver, database
):
    port = free_port()
    sources = (
        f'[[sources]]\nname = "ledger"\ntype = "feed"\nurl = "{newsweb.url("feeds/national.rss")}"\ninterval = "5s"\n'
    )
    url = f"redis://127.0.0.1:{port}/0"
    config = cluster_config(tmp_path / "n.toml", newsweb, database, url, [receiver.apprise_url], sources)
    with Cluster(config) as cluster:
        with redis_server(tmp_path / "redis", port):
            cluster.start("s1", "run")
            cluster.start("w1", "worker")
            assert wait_for(lambda: cluster.leader() == "s1"), cluster.logs()
            assert wait_for(lambda: _posted(receiver, "jet engine co-production") == 1, deadline=90), cluster.logs()
        # The broker is down: the leader lets go of the lead, in one line and no traceback.
        assert wait_for(lambda: cluster.leader() is None, deadline=60), cluster.logs()
        assert "scheduler gives up the lead: it cannot reach the broker" in cluster.log("s1")
        # `status` does not call a scheduler that runs without the lead "not running".
        shown = run_newswatch("status", config=config).stdout
        assert "service: no scheduler leads (1 scheduler seen in the last minute)" in shown, shown
        with redis_server(tmp_path / "redis-again", port):
            assert wait_for(lambda: cluster.leader() == "s1", deadline=60), cluster.logs()
            _publish(newsweb, "feeds/national.rss", "/news/indus-x-start-up-fund.html", _NEW_STORY, "INDUS-X fund")
            assert wait_for(lambda: _posted(receiver, "INDUS-X summit") == 1, deadline=120), cluster.logs()
            codes = cluster.stop_all()
    assert codes == {"s1": 0, "w1": 0}, cluster.logs()
    log = cluster.log("s1")
    assert "broker reachable again" in log and "Traceback" not in log, log


def test_crawl_task_of_a_lost_worker_is_redelivered_by_the_broker_after_its_visibility_timeout(
    tmp_path, broker, database
):
    site = tmp_path / "site"
    paths = write_bulk_site(site, feeds=1, per_feed=8)
    with NewsWeb(site) as web:
        _slow(web, site, paths, delay=1.0)
        config = cluster_config(tmp_path / "n.toml", web, database, broker, [], bulk_sources(web, 1, interval="1h"))
        # Workers are found dead only after a minute here: the broker hands the task out first.
        text = config.read_text().replace('heartbeat = "1s"\nlease', 'heartbeat = "20s"\nlease')
        config.write_text(text.replace("batch = 1\n", 'batch = 1\nvisibility_timeout = "35s"\n'))
        with Cluster(config) as cluster:
            cluster.start("s1", "run")
            cluster.start("w1", "worker")
            assert wait_for(lambda: web.hits(paths[0]) + web.hits(paths[1]) >= 1), cluster.logs()
            cluster.kill("w1")
            cluster.start("w2", "worker")

            def done() -> bool:
                return len(stored(config)) >= len(paths)

            assert wait_for(done, deadline=240), cluster.logs()
            log = cluster.log("w2")
            assert "sources=bulk-0 claimed=1" in log and "redelivered=True" in log, log
            assert "worker lost" not in cluster.log("s1")
            codes = cluster.stop_all()
    assert codes == {"s1": 0, "w2": 0}, cluster.logs()
    urls = [a["canonical_url"] for a in stored(config)]
    assert len(urls) == len(paths) == len(set(urls))


def test_a_worker_finishing_its_crawl_in_its_grace_period_is_not_taken_for_lost(tmp_path, broker, database):
    """SIGTERM while a crawl runs: the worker lets it finish (its grace), saying it is alive all the
    while. Taken for lost, its crawl would be queued again and its alert claims released while it
    still worked on them."""
    site = tmp_path / "site"
    paths = write_bulk_site(site, feeds=1, per_feed=2)
    with NewsWeb(site) as web:
        _slow(web, site, paths, delay=8.0)  # eight heartbeats
        config = cluster_config(tmp_path / "n.toml", web, database, broker, [], bulk_sources(web, 1, interval="1h"))
        with Cluster(config) as cluster:
            cluster.start("s1", "run")
            cluster.start("w1", "worker", "--grace", "30")
            assert wait_for(lambda: web.hits(paths[0]) + web.hits(paths[1]) >= 1), cluster.logs()
            assert cluster.stop("w1") == 0, cluster.logs()
            assert len(stored(config)) == len(paths)  # the crawl finished in the grace period
            worker_stopped = cluster.log("w1")
            assert "worker stopped" in worker_stopped, worker_stopped
            codes = cluster.stop_all()
    assert codes == {"s1": 0}, cluster.logs()
    assert "worker lost" not in cluster.log("s1"), cluster.log("s1")


def _database_rows(url: str, query: str) -> list:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            return list(conn.execute(text(query)))
    finally:
        engine.dispose()


def test_alert_claimed_by_a_killed_worker_is_sent_again_and_one_confirmed_sent_never(
    tmp_path, newsweb, broker, database
):
    from tests.alerts_helpers import JsonReceiver

    sources = "".join(
        f'[[sources]]\nname = "{name}"\ntype = "feed"\nurl = "{newsweb.url(feed)}"\ninterval = "1h"\n'
        for name, feed in (("ledger", "feeds/national.rss"), ("frontier", "feeds/defence.atom"))
    )
    with JsonReceiver(delay=2.5) as slow_target:  # each send takes seconds (apprise waits 4 at most)
        config = cluster_config(tmp_path / "n.toml", newsweb, database, broker, [slow_target.apprise_url], sources)
        assert run_newswatch("sources", config=config).returncode == 0  # the tables exist
        with Cluster(config) as cluster:
            cluster.start("s1", "run")
            cluster.start("w1", "worker", "--concurrency", "1")

            def one_sent_one_sending() -> bool:
                states = [row[0] for row in _database_rows(database, "SELECT status FROM deliveries")]
                return sorted(states) == ["sending", "sent"]

            assert wait_for(one_sent_one_sending, deadline=180, step=0.2), cluster.logs()
            (sent_title,) = _database_rows(
                database, "SELECT a.title FROM alerts a JOIN deliveries d ON d.alert_id = a.id WHERE d.status = 'sent'"
            )[0]
            (claimed_title, claimed_by) = _database_rows(
                database,
                "SELECT a.title, d.claimed_by FROM alerts a JOIN deliveries d ON d.alert_id = a.id "
                "WHERE d.status = 'sending'",
            )[0]
            assert claimed_by.startswith("worker@")
            cluster.kill("w1")  # mid-send: whether the target got it is unknown
            cluster.start("w2", "worker", "--concurrency", "1")

            def all_sent() -> bool:
                return {row[0] for row in _database_rows(database, "SELECT status FROM deliveries")} == {"sent"}

            assert wait_for(all_sent, deadline=180), cluster.logs()
            assert wait_for(lambda: sum(p["title"] == claimed_title for p in slow_target.posts) >= 1)
            codes = cluster.stop_all()
        titles = [post["title"] for post in slow_target.posts]
    assert codes == {"s1": 0, "w2": 0}, cluster.logs()
    assert titles.count(sent_title) == 1  # confirmed sent: never again
    assert titles.count(claimed_title) >= 1  # claimed by the dead worker: sent again
    assert "deliveries_released=1" in cluster.log("s1")


def test_a_source_is_never_crawled_by_two_workers_at_once(tmp_path, newsweb, broker, database):
    from datetime import UTC, datetime

    from newswatch.cluster.celery_app import CRAWL, Queues, make_celery
    from newswatch.scheduler.config import load_config

    feed = render_dates((newsweb.root / "feeds/national.rss").read_text(encoding="utf-8"), newsweb.now)
    newsweb.fail(
        "/feeds/national.rss",
        Fault(status=200, delay=4.0, body=feed.encode(), headers={"Content-Type": "application/rss+xml"}),
    )
    sources = f'[[sources]]\nname = "ledger"\ntype = "feed"\nurl = "{newsweb.url("feeds/national.rss")}"\n'
    config = cluster_config(tmp_path / "n.toml", newsweb, database, broker, [], sources + 'interval = "1h"\n')
    assert run_newswatch("sources", config=config).returncode == 0  # the source's row exists
    token = datetime.now(UTC)
    _database_rows(database, f"UPDATE sources SET queued_at = '{token.replace(tzinfo=None).isoformat()}' RETURNING id")
    with Cluster(config) as cluster:
        cluster.start("w1", "worker", "--concurrency", "1")
        cluster.start("w2", "worker", "--concurrency", "1")
        # The same crawl twice at once, as when a task is handed out again while it still runs.
        loaded = load_config(str(config))
        app = make_celery(loaded)
        for _ in range(2):
            app.send_task(
                CRAWL, args=[["ledger"], token.isoformat(), [token.timestamp()]], queue=Queues.of(loaded).crawl
            )

        def both_ran() -> bool:
            return all("crawl task started sources=ledger claimed=1" in cluster.log(name) for name in ("w1", "w2"))

        assert wait_for(both_ran), cluster.logs()
        assert wait_for(lambda: any("cycle done sources=ledger" in cluster.log(n) for n in ("w1", "w2"))), (
            cluster.logs()
        )
        codes = cluster.stop_all()
    assert codes == {"w1": 0, "w2": 0}, cluster.logs()
    assert newsweb.hits("/feeds/national.rss") == 1
    assert "crawled elsewhere right now" in cluster.log("w1") + cluster.log("w2")


def test_systemd_units_give_a_stopping_worker_longer_than_its_grace():
    from tests.cluster_helpers import DOCS

    worker = (DOCS / "newswatch-worker.service").read_text()
    grace = float(worker.split("--grace ")[1].split()[0])
    stop = float(worker.split("TimeoutStopSec=")[1].split()[0])
    assert stop > grace + 10 and "KillMode=mixed" in worker


def test_a_source_only_another_configuration_names_is_not_queued_and_a_worker_without_it_leaves_it_alone(
    tmp_path, newsweb, receiver, broker, database
):
    # `newswatch --config other.toml sources` writes the other file's sources into the shared
    # database. A scheduler whose file lacks one does not queue it; a worker whose file lacks a
    # source a scheduler queued says so in one line and leaves it, neither crashing nor failing it.
    ledger = newsweb.url("feeds/national.rss")
    sources = f'[[sources]]\nname = "ledger"\ntype = "feed"\nurl = "{ledger}"\ninterval = "5s"\n'
    config = cluster_config(tmp_path / "n.toml", newsweb, database, broker, [receiver.apprise_url], sources)
    other = tmp_path / "other.toml"
    other.write_text(
        config.read_text()
        + f'\n[[sources]]\nname = "probe"\ntype = "feed"\nurl = "{newsweb.url("feeds/delhi.rss")}"\ninterval = "5s"\n'
    )
    with Cluster(config) as cluster:
        cluster.start("s1", "run")
        cluster.start("w1", "worker")
        assert wait_for(lambda: cluster.leader() == "s1"), cluster.logs()
        assert run_newswatch("sources", config=other).returncode == 0
        polls = newsweb.hits("/feeds/national.rss")
        assert wait_for(lambda: newsweb.hits("/feeds/national.rss") >= polls + 3), cluster.logs()
        assert "probe" not in cluster.log("w1") and newsweb.hits("/feeds/delhi.rss") == 0, cluster.logs()
        # A scheduler started with the other file leads now, and queues the probe to w1.
        assert cluster.stop("s1") == 0
        s2 = cluster.start("s2", argv=[NEWSWATCH, "--config", str(other), "run"])
        assert wait_for(lambda: "left alone sources=probe" in cluster.log("w1"), deadline=60), cluster.logs()
        # SIGHUP reloads nothing in cluster mode, and says so: the file is every process's.
        s2.send_signal(signal.SIGHUP)
        assert wait_for(lambda: "restart every scheduler and worker" in cluster.log("s2")), cluster.logs()
        codes = cluster.stop_all()
    assert codes == {"s2": 0, "w1": 0}, cluster.logs()
    assert "Traceback" not in cluster.log("w1") and newsweb.hits("/feeds/delhi.rss") == 0
    probe = {row["name"]: row for row in json_lines(run_newswatch("sources", "--json", config=other).stdout)}["probe"]
    assert probe["status"] == "new" and not probe["error"], probe
