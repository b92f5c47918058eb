"""`newswatch run` as a user starts it: a real subprocess on the fixture news web, stopped by a
signal. Polls with short sleeps and generous deadlines; asserts behaviour, never speed."""

from __future__ import annotations

import signal
import subprocess
import time

from newswatch.scheduler.newsweb import Fault
from tests.conftest import NEWSWATCH, json_lines, run_newswatch, wait_for, write_config

SERVICE = '[service]\nheartbeat = "1s"\nsend_every = "1s"\ncrawl_timeout = "8s"\njitter = "0s"\n'


def _fast_sources(web, names_and_feeds):
    return "".join(
        f'[[sources]]\nname = "{name}"\ntype = "feed"\nurl = "{web.url(feed)}"\ninterval = "5s"\n'
        for name, feed in names_and_feeds
    )


def _start(config):
    log = open(config.with_suffix(".log"), "w")  # noqa: SIM115 (the service writes to it until it stops)
    return subprocess.Popen([NEWSWATCH, "--config", str(config), "run"], stdout=log, stderr=subprocess.STDOUT)


def _log(config) -> str:
    return config.with_suffix(".log").read_text()


def test_service_crawls_alerts_reports_status_and_stops_cleanly_on_sigterm(tmp_path, newsweb, receiver):
    config = write_config(
        tmp_path / "n.toml",
        newsweb,
        [receiver.apprise_url],
        extra=SERVICE,
        sources=_fast_sources(newsweb, [("ledger", "feeds/national.rss"), ("frontier", "feeds/defence.atom")]),
    )
    service = _start(config)
    try:
        assert wait_for(lambda: len(receiver.posts) >= 2), "no alerts arrived from the running service"
        status = json_lines(run_newswatch("status", "--json", config=config).stdout)[0]
        assert status["running"] is True and status["pid"] == service.pid
        sources = {s["name"]: s for s in json_lines(run_newswatch("sources", "--json", config=config).stdout)}
        assert sources["ledger"]["last_fetch_at"] and sources["ledger"]["next_run_at"]
        # Several more cycles: nothing alerts twice.
        polls = newsweb.hits("/feeds/national.rss")
        assert wait_for(lambda: newsweb.hits("/feeds/national.rss") >= polls + 2, deadline=60)
        assert len(receiver.posts) == 2
    finally:
        service.send_signal(signal.SIGTERM)
        try:
            code = service.wait(timeout=30)
        finally:
            service.kill()
    assert code == 0, _log(config)
    assert json_lines(run_newswatch("status", "--json", config=config).stdout)[0]["running"] is False


def test_a_hanging_source_is_stopped_and_the_others_keep_alerting(tmp_path, newsweb, receiver):
    newsweb.fail("/feeds/hangs.rss", Fault(status=200, delay=60))
    config = write_config(
        tmp_path / "n.toml",
        newsweb,
        [receiver.apprise_url],
        extra=SERVICE,
        sources=_fast_sources(newsweb, [("hangs", "feeds/hangs.rss"), ("ledger", "feeds/national.rss")]),
    )
    config.write_text(config.read_text().replace('timeout = "10s"', 'timeout = "60s"'))
    service = _start(config)
    try:
        assert wait_for(lambda: len(receiver.posts) >= 1)

        def hang_reported():
            rows = {s["name"]: s for s in json_lines(run_newswatch("sources", "--json", config=config).stdout)}
            return "timed out" in rows["hangs"]["error"]

        assert wait_for(hang_reported, deadline=60)
        # The hanging source was stopped; the other one still alerts what it publishes next.
        before = len(receiver.posts)
        _publish_new_story(newsweb)
        assert wait_for(lambda: any("INDUS-X summit" in str(p) for p in receiver.posts[before:]), deadline=60)
    finally:
        service.send_signal(signal.SIGTERM)
        code = service.wait(timeout=30)
    assert code == 0


def test_cli_reads_while_the_service_writes(tmp_path, newsweb, receiver):
    config = write_config(
        tmp_path / "n.toml",
        newsweb,
        [receiver.apprise_url],
        extra=SERVICE,
        sources=_fast_sources(newsweb, [("ledger", "feeds/national.rss"), ("frontier", "feeds/defence.atom")]),
    )
    service = _start(config)
    fetches, stored = set(), 0
    try:
        # Read for at least 20 s, and on until the service has stored articles over several cycles.
        begin = time.monotonic()
        while time.monotonic() < begin + 20 or not (stored and len(fetches - {None}) >= 2):
            if time.monotonic() > begin + 150:
                break
            for command in (("articles", "--all", "--json"), ("sources", "--json"), ("alerts", "--json")):
                result = run_newswatch(*command, config=config)
                assert result.returncode == 0, result.stderr
                assert "locked" not in result.stderr
                if command[0] == "articles":
                    stored = max(stored, len(json_lines(result.stdout)))
                if command[0] == "sources":
                    fetches.update(s["last_fetch_at"] for s in json_lines(result.stdout) if s["name"] == "ledger")
    finally:
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=30) == 0
    # The service really wrote while the commands read: articles appeared, and several cycles ran.
    assert stored > 0 and len(fetches - {None}) >= 2


def test_second_signal_stops_at_once(tmp_path, newsweb):
    newsweb.fail("/feeds/hangs.rss", Fault(status=200, delay=60))
    config = write_config(
        tmp_path / "n.toml",
        newsweb,
        [],
        extra=SERVICE.replace('"8s"', '"120s"'),
        sources=_fast_sources(newsweb, [("hangs", "feeds/hangs.rss")]),
    )
    config.write_text(config.read_text().replace('timeout = "10s"', 'timeout = "90s"'))
    service = _start(config)
    try:
        assert wait_for(lambda: newsweb.hits("/feeds/hangs.rss") >= 1, deadline=60)
        service.send_signal(signal.SIGINT)
        time.sleep(0.5)
        service.send_signal(signal.SIGINT)
        assert service.wait(timeout=10) == 0
    finally:
        service.kill()


_NEW_STORY = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>INDUS-X summit opens defence start-up fund to Indian drone makers</title>
<meta property="og:type" content="article">
<meta property="article:published_time" content="{{iso:-1m}}"></head>
<body><article><h1>INDUS-X summit opens defence start-up fund to Indian drone makers</h1>
<p>The INDUS-X summit in Bengaluru ended with a joint fund for Indian and American defence
start-ups, the first money committed under the initiative since the iCET review in Washington.</p>
<p>Officials said the fund will back counter-drone sensors and undersea domain awareness, with
the Pentagon's Defense Innovation Unit and India's iDEX each choosing six companies a year.</p>
<p>Industry groups in both countries welcomed the move but asked for faster export licences.</p>
</article></body></html>"""


def _publish_new_story(newsweb) -> None:
    """The newsroom publishes: a new page, and the national feed lists it first."""
    from newswatch.scheduler.newsweb import render_dates

    newsweb.serve("/news/indus-x-start-up-fund.html", render_dates(_NEW_STORY, newsweb.now))
    feed = (
        (newsweb.root / "feeds/national.rss")
        .read_text(encoding="utf-8")
        .replace(
            "<item>",
            "<item>\n    <title>INDUS-X summit opens defence start-up fund</title>\n"
            "    <link>/news/indus-x-start-up-fund.html</link>\n    <pubDate>{{rfc822:-1m}}</pubDate>\n"
            "  </item>\n  <item>",
            1,
        )
    )
    newsweb.serve("/feeds/national.rss", render_dates(feed, newsweb.now), "application/rss+xml")


def test_article_published_while_the_service_runs_is_alerted_once(tmp_path, newsweb, receiver):
    config = write_config(
        tmp_path / "n.toml",
        newsweb,
        [receiver.apprise_url],
        extra=SERVICE,
        sources=_fast_sources(newsweb, [("ledger", "feeds/national.rss")]),
    )
    service = _start(config)
    try:
        assert wait_for(lambda: len(receiver.posts) >= 1), "the first poll's story was not alerted"
        before = len(receiver.posts)
        _publish_new_story(newsweb)
        assert wait_for(lambda: any("INDUS-X summit" in str(p) for p in receiver.posts), deadline=60), (
            "the new article never reached the receiver"
        )
        polls = newsweb.hits("/feeds/national.rss")
        assert wait_for(lambda: newsweb.hits("/feeds/national.rss") >= polls + 2, deadline=60)
        new = [p for p in receiver.posts[before:] if "INDUS-X summit" in str(p)]
        assert len(new) == 1 and len(receiver.posts) == before + 1
    finally:
        service.send_signal(signal.SIGTERM)
        code = service.wait(timeout=30)
    assert code == 0, _log(config)
