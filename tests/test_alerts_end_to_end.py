"""Alerts seen from outside: the outbox survives a crash, a dead target is retried and then
delivered exactly once, failed deliveries can be listed and re-queued, digests group stories,
and a test notification can be sent from the command line."""

from __future__ import annotations

import json
import signal
import subprocess
import time

from sqlalchemy import create_engine, text

from tests.alerts_helpers import JsonReceiver
from tests.conftest import NEWSWATCH, json_lines, run_newswatch, topic_toml, wait_for, write_config
from tests.storyweb import ENGINES, publish


def test_alerts_queued_before_a_crash_are_sent_exactly_once_after_restart(tmp_path, newsweb, receiver):
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url])
    assert run_newswatch("crawl", "--no-send", config=config).returncode == 0
    pending = json_lines(run_newswatch("alerts", "--status", "pending", "--json", config=config).stdout)
    assert len(pending) == 2 and receiver.posts == []

    assert run_newswatch("alerts", "send", config=config).returncode == 0
    assert len(receiver.posts) == 2
    assert run_newswatch("alerts", "send", config=config).returncode == 0
    assert run_newswatch("crawl", config=config).returncode == 0
    assert len(receiver.posts) == 2
    sent = json_lines(run_newswatch("alerts", "--status", "sent", "--json", config=config).stdout)
    assert {d["title"] for d in sent} == {p["title"] for p in receiver.posts}


def test_service_killed_with_undelivered_alerts_delivers_them_once_when_restarted(tmp_path, newsweb):
    with JsonReceiver(refuse=1000) as receiver:
        config = write_config(
            tmp_path / "n.toml",
            newsweb,
            [receiver.apprise_url],
            extra='retry_base = "1s"\n[service]\nheartbeat = "1s"\nsend_every = "1s"\n',
        )
        service = subprocess.Popen(
            [NEWSWATCH, "--config", str(config), "run"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            assert wait_for(lambda: len(receiver.attempts) >= 2)
        finally:
            service.send_signal(signal.SIGKILL)
            service.wait(timeout=10)
        assert receiver.posts == []
        receiver.refuse(0)
        restarted = subprocess.Popen(
            [NEWSWATCH, "--config", str(config), "run"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            assert wait_for(lambda: len(receiver.posts) >= 2)
            time.sleep(3)  # a few more sender rounds: nothing is sent twice
        finally:
            restarted.send_signal(signal.SIGTERM)
            assert restarted.wait(timeout=30) == 0
        titles = [p["title"] for p in receiver.posts]
        assert len(titles) == 2 and len(set(titles)) == 2


def test_a_dead_target_does_not_block_a_live_one_and_failures_can_be_retried(tmp_path, newsweb, receiver):
    dead = "json://127.0.0.1:9/hook"  # discard port: nothing listens
    config = write_config(tmp_path / "n.toml", newsweb, [dead, receiver.apprise_url], extra="retry_limit = 1\n")
    assert run_newswatch("crawl", config=config).returncode == 0
    assert len(receiver.posts) == 2
    # A dead target is tried once per sending round; its other deliveries wait for the next round.
    assert run_newswatch("alerts", "send", config=config).returncode == 0
    failed = json_lines(run_newswatch("alerts", "--status", "failed", "--json", config=config).stdout)
    assert len(failed) == 2 and all(d["error"] and "127.0.0.1" in d["target"] for d in failed)
    listing = run_newswatch("alerts", config=config)
    assert listing.returncode == 0 and "failed" in listing.stdout

    retried = run_newswatch("alerts", "retry", config=config)
    assert retried.returncode == 0 and "re-queued 2" in retried.stdout
    assert len(receiver.posts) == 2  # the live target is never sent the same alert twice


def test_alerts_test_sends_a_notification(tmp_path, newsweb, receiver):
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url])
    result = run_newswatch("alerts", "test", config=config)
    assert result.returncode == 0, result.stderr
    assert len(receiver.posts) == 1 and "newswatch" in (receiver.posts[0]["title"] + receiver.posts[0]["message"])


def test_a_test_to_a_tag_no_target_has_names_the_tag(tmp_path, newsweb, receiver):
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url])
    result = run_newswatch("alerts", "test", "--tag", "nosuch", config=config)
    assert result.returncode == 1 and receiver.posts == []
    assert "not delivered: no target has the tag 'nosuch'" in result.stderr, result.stderr


def test_a_test_notification_gives_its_time_in_the_alerts_time_zone(tmp_path, newsweb, receiver):
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], extra='timezone = "Asia/Kolkata"')
    assert run_newswatch("alerts", "test", config=config).returncode == 0
    [post] = receiver.posts
    assert "IST" in post["message"] and "UTC" not in post["message"], post["message"]


def test_alerts_test_to_a_dead_target_fails_with_exit_1(tmp_path, newsweb):
    config = write_config(tmp_path / "n.toml", newsweb, ["json://127.0.0.1:9/hook"])
    result = run_newswatch("alerts", "test", config=config)
    assert result.returncode == 1 and "not delivered" in result.stderr


def test_a_failed_test_alert_is_not_sent_again_later(tmp_path, newsweb):
    """Someone waiting at their phone learns at once that the test failed; an hour later, when the
    target works again, a stale test message must not arrive."""
    with JsonReceiver(refuse=100) as target:
        config = write_config(tmp_path / "n.toml", newsweb, [target.apprise_url])
        assert run_newswatch("alerts", "test", config=config).returncode == 1
        target.refuse(0)
        rows = json_lines(run_newswatch("alerts", "--json", config=config).stdout)
        assert [(row["kind"], row["status"]) for row in rows] == [("test", "failed")]
        assert run_newswatch("alerts", "send", config=config).returncode == 0
        retried = run_newswatch("alerts", "retry", config=config)
        assert retried.returncode == 0 and "re-queued 0" in retried.stdout
        assert target.posts == []


def test_alerts_test_sends_the_test_at_once_and_leaves_the_backlog_to_the_sender(tmp_path, newsweb):
    with JsonReceiver(refuse=100) as target:
        config = write_config(tmp_path / "n.toml", newsweb, [target.apprise_url], extra='retry_base = "1s"\n')
        assert run_newswatch("crawl", config=config).returncode == 0  # two alerts, refused: due again soon
        target.refuse(0)
        time.sleep(1.5)
        tested = run_newswatch("alerts", "test", config=config)
        assert tested.returncode == 0 and "test alert: sent 1," in tested.stdout, tested.stdout + tested.stderr
        assert len(target.posts) == 1 and "newswatch" in target.posts[0]["title"]
        waiting = json_lines(run_newswatch("alerts", "--status", "pending", "--json", config=config).stdout)
        assert [d["kind"] for d in waiting] == ["instant", "instant"]
        assert run_newswatch("alerts", "send", config=config).returncode == 0
        assert len(target.posts) == 3


def test_digest_topic_alerts_nothing_at_once_and_groups_stories_in_the_digest(tmp_path, newsweb, receiver):
    from newswatch.domain.topics import ICET
    from newswatch.scheduler.app import open_db
    from newswatch.scheduler.config import load_config
    from newswatch.scheduler.service import Service

    config_path = write_config(
        tmp_path / "n.toml", newsweb, [receiver.apprise_url], topics=topic_toml("icet", ICET.query, alert="digest")
    )
    assert run_newswatch("crawl", config=config_path).returncode == 0
    assert receiver.posts == []

    config = load_config(str(config_path))
    service = Service(config, open_db(config))
    service.digest()  # what the scheduler's cron job runs
    service.dispatcher.wait()  # its sends run in threads of their own
    assert len(receiver.posts) == 1
    digest = receiver.posts[0]["message"]
    assert ("India, US push jet engine co-production under iCET" in digest) != (
        "Fighter engine pact gathers pace" in digest
    )  # the story once, under its original's title
    assert "INDUS-X summit" in digest
    service.digest()
    assert len(receiver.posts) == 1  # nothing new: no empty digest
    # What `show` says of a digested story changes once the digest has told it.
    stored = json_lines(run_newswatch("articles", "--json", config=config_path).stdout)
    summit = next(article["id"] for article in stored if "INDUS-X summit" in article["title"])
    alert = json.loads(run_newswatch("show", str(summit), "--json", config=config_path).stdout)["alert"]
    assert "next digest" not in alert and "its story is in digest alert #" in alert


def _digest(config_path) -> None:
    """Run what the scheduler's digest cron job runs, and wait for its sends."""
    from newswatch.scheduler.app import open_db
    from newswatch.scheduler.config import load_config
    from newswatch.scheduler.service import Service

    config = load_config(str(config_path))
    service = Service(config, open_db(config))
    service.digest()
    if service.dispatcher is not None:
        service.dispatcher.wait()


def _shift(config_path, sql: str) -> None:
    """Move stored times back, as if the crawl (or the digest) had happened earlier."""
    engine = create_engine(f"sqlite:///{config_path.parent / 'newswatch.db'}")
    with engine.begin() as conn:
        conn.execute(text(sql))
    engine.dispose()


def _digested(receiver) -> str:
    return "\n".join(post["message"] for post in receiver.posts)


def test_a_weekly_digest_tells_every_story_matched_since_the_last_digest(tmp_path, newsweb, receiver):
    from newswatch.domain.topics import ICET

    national = f'[[sources]]\nname = "ledger"\ntype = "feed"\nurl = "{newsweb.url("feeds/national.rss")}"\n'
    defence = f'[[sources]]\nname = "frontier"\ntype = "feed"\nurl = "{newsweb.url("feeds/defence.atom")}"\n'
    topics = topic_toml("icet", ICET.query, alert="digest")
    extra = 'digest_cron = "0 8 * * 1"\n'
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], national, topics, extra)
    assert run_newswatch("crawl", config=config).returncode == 0
    _digest(config)
    assert len(receiver.posts) == 1 and "INDUS-X summit" not in _digested(receiver)
    # That digest went out a week ago; the defence feed's stories were matched three days ago.
    _shift(config, "UPDATE alerts SET created_at = datetime(created_at, '-7 days') WHERE kind = 'digest'")
    write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], national + defence, topics, extra)
    assert run_newswatch("crawl", config=config).returncode == 0
    _shift(
        config,
        "UPDATE matches SET created_at = datetime(created_at, '-3 days') WHERE article_id IN "
        "(SELECT id FROM articles WHERE source = 'frontier')",
    )
    _digest(config)
    assert len(receiver.posts) == 2
    assert "INDUS-X summit" in receiver.posts[1]["message"]
    assert "co-production under iCET" not in receiver.posts[1]["message"]  # told last week already


def test_a_story_young_enough_when_matched_is_still_told_by_a_later_digest(tmp_path, newsweb, receiver):
    from newswatch.domain.topics import ICET

    config = write_config(
        tmp_path / "n.toml",
        newsweb,
        [receiver.apprise_url],
        topics=topic_toml("icet", ICET.query, alert="digest"),
        extra='max_age = "6h"\n',
    )
    assert run_newswatch("crawl", config=config).returncode == 0
    stored = json_lines(run_newswatch("articles", "--json", config=config).stdout)
    summit = next(article["id"] for article in stored if "INDUS-X summit" in article["title"])
    assert "not alerted at once: the topic is digest" in run_newswatch("show", str(summit), config=config).stdout
    # Matched five hours ago, when the summit report was 90 minutes old; the digest comes now, when
    # they are older than max_age: the wait for the digest must not drop them.
    _shift(config, "UPDATE matches SET created_at = datetime(created_at, '-5 hours')")
    _shift(
        config,
        "UPDATE articles SET published_at = datetime(published_at, '-5 hours'), "
        "fetched_at = datetime(fetched_at, '-5 hours')",
    )
    _digest(config)
    assert len(receiver.posts) == 1 and "INDUS-X summit" in _digested(receiver)


def test_an_alert_matched_on_the_headline_quotes_the_report_not_the_headline_again(tmp_path, newsweb, receiver):
    defence = f'[[sources]]\nname = "frontier"\ntype = "feed"\nurl = "{newsweb.url("feeds/defence.atom")}"\n'
    topics = topic_toml("units", '"Pentagon innovation units"')  # in the headline, not in the text
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], defence, topics)
    assert run_newswatch("crawl", config=config).returncode == 0
    assert len(receiver.posts) == 1
    message = receiver.posts[0]["message"]
    assert "The third INDUS-X summit brought together more than forty Indian defence start-ups" in message
    assert message.count("ties Indian start-ups to Pentagon innovation units") <= 1


def test_an_alert_matched_in_a_long_headline_does_not_quote_a_piece_of_it(tmp_path, newsweb, receiver):
    long = (
        "After months of talks, India and the United States agree to fund the long delayed Zorbulax rail "
        "upgrade linking three port cities, officials say"
    )  # longer than a hit's snippet, which is then cut with an ellipsis
    sources = publish(newsweb, "wire", [("rail", (long, ENGINES[1]), 30)])
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], sources, topic_toml("rail", "Zorbulax"))
    assert run_newswatch("crawl", config=config).returncode == 0
    message = receiver.posts[0]["message"]
    assert "Zorbulax" not in message.replace(long, "").replace("Matched: Zorbulax", "")
    assert ENGINES[1][0][:60] in message


def test_a_digest_counts_outlets_and_a_later_report_of_a_digested_story_says_where_it_was_told(
    tmp_path, newsweb, receiver
):
    from tests.storyweb import FUND, FUND_FOLLOW_UP

    wire = publish(newsweb, "wire", [("fund", FUND, 90), ("fund-again", FUND, 80)])  # one outlet, twice
    daily = publish(newsweb, "daily", [("picks", FUND_FOLLOW_UP, 30)])
    topics = topic_toml("icet", "INDUS-X", alert="digest")
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], wire, topics)
    assert run_newswatch("crawl", config=config).returncode == 0
    _digest(config)
    assert len(receiver.posts) == 1 and "1 outlet" in receiver.posts[0]["message"]
    write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], wire + daily, topics)
    logged = run_newswatch("--log-level", "INFO", "crawl", "--source", "daily", config=config).stderr
    line = next(line for line in logged.splitlines() if "source=daily article_id=" in line)
    assert "icet: not alerted at once: the topic is digest; its story is in digest alert #" in line, line


def test_an_ntfy_access_token_never_shows_in_alert_listings_or_logs(tmp_path, newsweb):
    token = "NTFYSEKRET"  # ntfy://TOKEN@host/topic: the user part alone is the token
    config = write_config(
        tmp_path / "n.toml", newsweb, [f"ntfy://{token}@127.0.0.1:9/newswatch"], extra="retry_limit = 1\n"
    )
    crawled = run_newswatch("--log-level", "DEBUG", "crawl", config=config)
    assert crawled.returncode == 0, crawled.stderr
    shown = [crawled.stdout + crawled.stderr]
    for command in (("alerts",), ("alerts", "--json"), ("alerts", "--status", "failed", "--json")):
        result = run_newswatch(*command, config=config)
        shown.append(result.stdout + result.stderr)
    deliveries = json_lines(shown[2])
    assert deliveries and all(d["target"].startswith("ntfy://") and "127.0.0.1" in d["target"] for d in deliveries)
    assert token not in "\n".join(shown)


def test_a_template_that_would_build_a_gigabyte_title_falls_back_to_the_built_in_one(tmp_path, newsweb, receiver):
    template = 'title_template = "{{ article.title * 100000000 }}"\n'
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], extra=template)
    result = run_newswatch("crawl", config=config, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "alert template failed, using the built-in one: SecurityError" in result.stderr
    assert len(receiver.posts) == 2
    assert all(len(post["title"]) < 300 and post["title"].startswith("[icet] ") for post in receiver.posts)


def test_show_and_alerts_say_an_instant_alert_queued_before_quiet_hours_is_held_until_they_end(
    tmp_path, newsweb, receiver
):
    from datetime import UTC, datetime, timedelta

    from tests.storyweb import FUND

    wire = publish(newsweb, "wire", [("fund", FUND, 30)])
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], wire, topic_toml("icet", "INDUS-X"))
    assert run_newswatch("crawl", "--no-send", config=config).returncode == 0  # queued, no window yet
    (article,) = json_lines(run_newswatch("articles", "--json", config=config).stdout)

    def shown() -> str:
        done = run_newswatch("show", str(article["id"]), "--json", config=config)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)["alert"]

    assert shown().endswith("deliveries: 1 pending"), shown()
    now = datetime.now(UTC)
    end = now + timedelta(hours=2)
    window = f'quiet_hours = "{now - timedelta(hours=1):%H:%M}-{end:%H:%M}"'
    config.write_text(config.read_text().replace("[alerts]\n", f"[alerts]\n{window}\n"))
    held = run_newswatch("alerts", "send", config=config)
    assert "held by quiet hours 1" in held.stdout and receiver.posts == [], held.stdout
    assert shown().endswith(f"deliveries: 1 pending (held by quiet hours until {end:%Y-%m-%d %H:%M} UTC)"), shown()
    (queued,) = json_lines(run_newswatch("alerts", "--json", config=config).stdout)
    assert queued["status"] == "pending" and queued["error"].startswith("held by quiet hours until")

    config.write_text(config.read_text().replace(window, ""))
    assert "sent 1, failed 0" in run_newswatch("alerts", "send", config=config).stdout
    assert shown().endswith("deliveries: 1 sent") and len(receiver.posts) == 1, shown()
    (sent,) = json_lines(run_newswatch("alerts", "--json", config=config).stdout)
    assert sent["error"] == ""


def test_show_says_a_digest_held_by_quiet_hours_has_not_been_delivered_yet(tmp_path, newsweb, receiver):
    from datetime import UTC, datetime, timedelta

    from tests.storyweb import FUND

    now = datetime.now(UTC)
    window = f'quiet_hours = "{now - timedelta(hours=1):%H:%M}-{now + timedelta(hours=2):%H:%M}"'
    wire = publish(newsweb, "wire", [("fund", FUND, 30)])
    topics = topic_toml("icet", "INDUS-X", alert="digest")
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], wire, topics, extra=window)
    assert run_newswatch("crawl", config=config).returncode == 0
    _digest(config)
    assert receiver.posts == []
    (article,) = json_lines(run_newswatch("articles", "--json", config=config).stdout)

    def shown() -> str:
        return json.loads(run_newswatch("show", str(article["id"]), "--json", config=config).stdout)["alert"]

    (digest,) = json_lines(run_newswatch("alerts", "--json", config=config).stdout)
    assert shown().endswith(f"its story is in digest alert #{digest['alert_id']} (not delivered yet)"), shown()
    config.write_text(config.read_text().replace(window, ""))
    assert "sent 1, failed 0" in run_newswatch("alerts", "send", config=config).stdout
    assert shown().endswith(f"its story is in digest alert #{digest['alert_id']}") and len(receiver.posts) == 1


def test_a_built_in_topic_named_without_a_query_keeps_its_query_and_takes_the_alert_mode_given(
    tmp_path, newsweb, receiver
):
    """`[[topics]] name = "india-us"` and `alert = "instant"`: the built-in digest topic alerts at
    once, with its own query, without the user copying it out of `newswatch init`'s file."""
    digest = write_config(
        tmp_path / "digest.toml", newsweb, [receiver.apprise_url], topics='[[topics]]\nname = "india-us"\n'
    )
    assert run_newswatch("crawl", config=digest).returncode == 0
    assert receiver.posts == []
    matched = json_lines(run_newswatch("articles", "--topic", "india-us", "--json", config=digest).stdout)
    assert matched

    (tmp_path / "instant").mkdir()  # a database of its own
    instant = write_config(
        tmp_path / "instant" / "instant.toml",
        newsweb,
        [receiver.apprise_url],
        topics='[[topics]]\nname = "india-us"\nalert = "instant"\n',
    )
    assert run_newswatch("crawl", config=instant).returncode == 0
    assert receiver.posts and all("india-us" in post["title"] for post in receiver.posts)
