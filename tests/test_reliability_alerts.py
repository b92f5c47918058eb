"""Reliability: alert targets that are slow, that dribble their answer, and a service stopped or
killed in the middle of a send. Sending runs off the crawl jobs, each send stopped after
`alerts.send_timeout`, so a slow target delays only its own deliveries; SIGTERM ends the service
within its grace period; a delivery its target accepted is never sent again, one cut short is
sent again with the same delivery id (at least once), and nothing is lost."""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter

from sqlalchemy import create_engine, text

from tests.alerts_helpers import NOW, JsonReceiver, SmtpReceiver, add_article, alert_settings, database
from tests.conftest import NEWSWATCH, json_lines, run_newswatch, wait_for, write_config
from tests.hostile import SlowHook

SERVICE = '[service]\nheartbeat = "1s"\nsend_every = "1s"\ncrawl_timeout = "30s"\njitter = "0s"\n'


def _sources(web) -> str:
    return "".join(
        f'[[sources]]\nname = "{name}"\ntype = "feed"\nurl = "{web.url(feed)}"\ninterval = "5s"\n'
        for name, feed in (("ledger", "feeds/national.rss"), ("frontier", "feeds/defence.atom"))
    )


def _config(tmp_path, web, urls: list[str], send_timeout: str):
    extra = f'send_timeout = "{send_timeout}"\nretry_base = "1s"\n{SERVICE}'
    return write_config(tmp_path / "n.toml", web, urls, sources=_sources(web), extra=extra)


def _start(config, grace: float = 20.0):
    log = open(config.with_suffix(".log"), "w")  # noqa: SIM115 (the service writes to it until it stops)
    return subprocess.Popen(
        [NEWSWATCH, "--config", str(config), "run", "--grace", str(grace)], stdout=log, stderr=subprocess.STDOUT
    )


def _deliveries(config) -> list[dict]:
    """The deliveries of new-story alerts (a source-health notice may come on top of them)."""
    return [d for d in json_lines(run_newswatch("alerts", "--json", config=config).stdout) if d["kind"] == "instant"]


def _stories(posts: list[dict]) -> list[dict]:
    return [post for post in posts if post["title"].startswith("[icet]")]


def _ids(hook: SlowHook) -> list[str]:
    """The delivery ids of the new-story alerts a target received, repeats included."""
    return [post["delivery_id"] for post in _stories(hook.posts)]


def _accepted_in_flight(config) -> int:
    """Deliveries still claimed ('sending') whose target has already accepted them."""
    engine = create_engine(f"sqlite:///{config.parent / 'newswatch.db'}")
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT count(*) FROM deliveries WHERE status = 'sending' AND sent_at IS NOT NULL")
        ).scalar()


def test_a_dribbling_target_delays_only_itself_and_gets_each_alert_once(tmp_path, newsweb, receiver):
    with SlowHook(dribble=2.0) as dribbler:
        config = _config(tmp_path, newsweb, [receiver.apprise_url, dribbler.apprise_url], send_timeout="3s")
        service = _start(config, grace=5)
        try:
            assert wait_for(lambda: len(_stories(receiver.posts)) >= 2), "the fast target got no alerts"
            # Crawling goes on, whatever the dribbling target is doing.
            polls = newsweb.hits("/feeds/national.rss")
            assert wait_for(lambda: newsweb.hits("/feeds/national.rss") >= polls + 3, deadline=60)
            assert wait_for(lambda: len(_stories(dribbler.posts)) >= 2, deadline=60)
            more = newsweb.hits("/feeds/national.rss")
            assert wait_for(lambda: newsweb.hits("/feeds/national.rss") >= more + 2, deadline=60)
        finally:
            service.send_signal(signal.SIGTERM)
            code = service.wait(timeout=30)
    assert code == 0, config.with_suffix(".log").read_text()
    # It answered 200 at once and then took its time: each alert reached it once, and counts as sent.
    stories = _stories(dribbler.posts)
    assert len(stories) == 2 and len({post["delivery_id"] for post in stories}) == 2
    assert len(_stories(receiver.posts)) == 2
    assert {d["status"] for d in _deliveries(config)} == {"sent"}


def test_a_target_slower_than_four_seconds_but_within_send_timeout_gets_each_alert_once(tmp_path, newsweb):
    # apprise gives up on an HTTP answer after 4 s unless told otherwise; send_timeout is the wait.
    with SlowHook(delay=5) as slow:
        config = _config(tmp_path, newsweb, [slow.apprise_url], send_timeout="20s")
        crawl = run_newswatch("crawl", config=config)
        again = run_newswatch("alerts", "send", config=config)
    assert crawl.returncode == 0 and again.returncode == 0, crawl.stderr + again.stderr
    deliveries = _deliveries(config)
    assert len(deliveries) == 2
    assert [(d["status"], d["attempts"]) for d in deliveries] == [("sent", 1)] * 2, deliveries
    assert sorted(_ids(slow)) == sorted(d["delivery_id"] for d in deliveries)


def test_sigterm_during_a_slow_send_ends_the_service_in_its_grace_period_and_the_alert_goes_out_later(
    tmp_path, newsweb
):
    with SlowHook(delay=300) as silent:
        config = _config(tmp_path, newsweb, [silent.apprise_url], send_timeout="120s")
        service = _start(config, grace=3)
        try:
            assert wait_for(lambda: len(silent.posts) >= 1), "no send started"
        finally:
            service.send_signal(signal.SIGTERM)
            stopped_at = time.monotonic()
            code = service.wait(timeout=60)
        took = time.monotonic() - stopped_at
        assert code == 0, config.with_suffix(".log").read_text()
        assert took < 30, f"the service took {took:.0f}s to stop"  # not the send's 120 s, nor 300
        left = _deliveries(config)
        assert {d["status"] for d in left} == {"pending"}
        assert sorted(d["attempts"] for d in left) == [0] * (len(left) - 1) + [1]  # the send cut short: one try
        silent.delay = 0
        sent = run_newswatch("alerts", "send", config=config)
    assert sent.returncode == 0, sent.stderr
    assert {d["status"] for d in _deliveries(config)} == {"sent"}
    # Every alert arrived; the one cut short arrived again with the same delivery id, and says
    # it was tried twice.
    assert set(_ids(silent)) == {d["delivery_id"] for d in left}
    assert len(_ids(silent)) == len(left) + 1
    twice = Counter(_ids(silent))
    assert {d["delivery_id"]: d["attempts"] for d in _deliveries(config)} == twice


def test_kill_9_during_slow_sends_loses_nothing_and_never_resends_an_accepted_alert(tmp_path, newsweb):
    with SlowHook(dribble=5.0) as accepting, SlowHook(delay=300) as silent:
        config = _config(tmp_path, newsweb, [accepting.apprise_url, silent.apprise_url], send_timeout="120s")
        service = _start(config)
        try:
            assert wait_for(lambda: accepting.posts and silent.posts and _accepted_in_flight(config) == 1)
        finally:
            service.send_signal(signal.SIGKILL)
            service.wait(timeout=30)
        claimed = [d for d in _deliveries(config) if d["status"] == "sending"]
        assert len(claimed) == 2  # one accepted while its answer dribbled, one with no answer at all
        accepting.dribble, silent.delay = 0, 0
        # No service needed: `alerts send` takes back the claims of the dead sender at once.
        sent = run_newswatch("alerts", "send", config=config)
        again = run_newswatch("alerts", "send", config=config)
    assert sent.returncode == 0 and again.returncode == 0, sent.stderr
    deliveries = _deliveries(config)
    assert {d["status"] for d in deliveries} == {"sent"}
    assert "sent 0," in again.stdout
    ids = {d["delivery_id"] for d in deliveries if d["target"].endswith(f":{accepting.web.port}/hook")}
    # The accepting target got each alert exactly once...
    assert sorted(_ids(accepting)) == sorted(ids)
    # ...the silent one every alert, the one in flight at the kill twice, with the same id.
    silent_ids = {d["delivery_id"] for d in deliveries} - ids
    assert set(_ids(silent)) == silent_ids and len(_ids(silent)) == len(silent_ids) + 1
    # `alerts` counts every try each target got.
    got = Counter(_ids(silent)) + Counter(_ids(accepting))
    assert {d["delivery_id"]: d["attempts"] for d in deliveries} == got


def test_every_notification_carries_its_delivery_id_the_same_on_every_try(tmp_path):
    from sqlalchemy import select

    from newswatch.alerts import CycleBudget, TopicAlerting, plan_for_article, send_due, targets_from
    from newswatch.db.models import Delivery

    sessions = database(tmp_path)
    with JsonReceiver(refuse=1) as hook, SlowHook() as headers, SmtpReceiver() as smtp:
        settings = alert_settings(urls=(hook.apprise_url, headers.apprise_url, smtp.apprise_url))
        targets = targets_from(settings)
        with sessions.begin() as session:
            row, matches = add_article(session)
            plan_for_article(
                session, row, matches, {"icet": TopicAlerting("icet")}, targets, settings, CycleBudget(), NOW
            )
        send_due(sessions, targets, settings, now=NOW)
        send_due(sessions, targets, settings, now=NOW.replace(hour=12))
    with sessions() as session:
        uids = {d.target_label.split("/")[2]: d.uid for d in session.scalars(select(Delivery))}
    first, second = hook.attempts
    assert first["refused"] and not second["refused"]
    hook_id = uids[f"127.0.0.1:{hook.port}"]
    assert first["body"]["delivery_id"] == second["body"]["delivery_id"] == hook_id
    assert second["body"]["message"].endswith(f"newswatch delivery {hook_id}")
    assert headers.headers[0]["X-Newswatch-Delivery"] == headers.posts[0]["delivery_id"] != hook_id
    [mail] = smtp.messages
    assert any(uid in mail.get_body(("plain",)).get_content() for uid in uids.values())
