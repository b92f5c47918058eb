"""`newswatch run` and its configuration: crawl children use the configuration the scheduler
validated, never the file again; SIGHUP applies an edited file whole, or refuses it whole with the
reason in the log and keeps running; and a second `newswatch run` on the same database refuses to
start. Real service processes on the fixture news web."""

from __future__ import annotations

import signal
import subprocess

from tests.conftest import NEWSWATCH, json_lines, run_newswatch, wait_for, write_config
from tests.storyweb import FUND, publish
from tests.test_service import SERVICE, _fast_sources, _log, _start


def _stop(service) -> int:
    service.send_signal(signal.SIGTERM)
    try:
        return service.wait(timeout=30)
    finally:
        service.kill()


def test_crawls_keep_the_scheduler_s_configuration_when_the_file_is_edited(tmp_path, newsweb, receiver):
    sources = _fast_sources(newsweb, [("ledger", "feeds/national.rss")])
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], extra=SERVICE, sources=sources)
    service = _start(config)
    try:
        assert wait_for(lambda: newsweb.hits("/feeds/national.rss") >= 1)
        # Renamed in the file, not reloaded: the scheduler still runs "ledger", and so must its crawls.
        config.write_text(config.read_text().replace('name = "ledger"', 'name = "ledger-renamed"'))
        polls = newsweb.hits("/feeds/national.rss")
        assert wait_for(lambda: newsweb.hits("/feeds/national.rss") >= polls + 2, deadline=90), _log(config)
    finally:
        assert _stop(service) == 0
    assert "crawl failed" not in _log(config)


def test_sighup_applies_an_edited_file_whole_or_refuses_it_whole(tmp_path, newsweb, receiver):
    sources = _fast_sources(newsweb, [("ledger", "feeds/national.rss")])
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], extra=SERVICE, sources=sources)
    service = _start(config)
    try:
        assert wait_for(lambda: len(receiver.posts) >= 1)
        # A new source, added while it runs: applied on SIGHUP, crawled and alerted.
        added = publish(newsweb, "wire", [("fund", FUND, 10)]).replace('interval = "5m"', 'interval = "5s"')
        config.write_text(config.read_text() + "\n" + added)
        service.send_signal(signal.SIGHUP)
        assert wait_for(lambda: "configuration reloaded" in _log(config), deadline=30), _log(config)
        assert wait_for(lambda: any(FUND[0] in p["title"] for p in receiver.posts), deadline=90), _log(config)
        # A broken edit (an interval too short, and a new topic with it): refused whole.
        good = config.read_text()
        config.write_text(
            good.replace('interval = "5s"', 'interval = "1s"', 1) + '\n[[topics]]\nname = "new"\nquery = "chips"\n'
        )
        service.send_signal(signal.SIGHUP)
        assert wait_for(lambda: "configuration reload refused" in _log(config), deadline=30), _log(config)
        refused = next(line for line in _log(config).splitlines() if "configuration reload refused" in line)
        assert "interval must be at least 5s" in refused
        polls = newsweb.hits("/wire/feed.rss")
        assert wait_for(lambda: newsweb.hits("/wire/feed.rss") >= polls + 2, deadline=60)  # still the good config
        assert service.poll() is None
    finally:
        assert _stop(service) == 0


def test_sighup_to_a_file_that_lost_its_topics_says_that_nothing_will_match_or_alert(tmp_path, newsweb):
    sources = _fast_sources(newsweb, [("ledger", "feeds/national.rss")])
    config = write_config(tmp_path / "n.toml", newsweb, [], extra=SERVICE, sources=sources)
    service = _start(config)
    try:
        assert wait_for(lambda: newsweb.hits("/feeds/national.rss") >= 1)
        assert "has no [[topics]]" not in _log(config)
        text = config.read_text()
        config.write_text(text[: text.index("[[topics]]")])
        service.send_signal(signal.SIGHUP)
        assert wait_for(lambda: "configuration reloaded" in _log(config), deadline=30), _log(config)
        assert wait_for(lambda: "has no [[topics]]: articles are stored" in _log(config), deadline=10), _log(config)
        assert service.poll() is None
    finally:
        assert _stop(service) == 0


def test_a_second_run_on_the_same_database_refuses_to_start(tmp_path, newsweb):
    sources = _fast_sources(newsweb, [("ledger", "feeds/national.rss")])
    config = write_config(tmp_path / "n.toml", newsweb, [], extra=SERVICE, sources=sources)
    first = _start(config)
    try:
        assert wait_for(lambda: json_lines(run_newswatch("status", "--json", config=config).stdout)[0]["running"])
        try:
            second = subprocess.run(
                [NEWSWATCH, "--config", str(config), "run"], capture_output=True, text=True, timeout=60
            )
        except subprocess.TimeoutExpired:
            raise AssertionError("a second newswatch run on the same database kept running") from None
        assert second.returncode == 2
        lines = second.stderr.strip().splitlines()
        assert len(lines) == 1 and f"another newswatch run (pid {first.pid} " in lines[0]
        assert first.poll() is None
    finally:
        assert _stop(first) == 0
    # Stopped, the database is free again.
    again = _start(config)
    try:
        assert wait_for(lambda: json_lines(run_newswatch("status", "--json", config=config).stdout)[0]["running"])
    finally:
        assert _stop(again) == 0
