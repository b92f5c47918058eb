"""Getting alerts there once: real deliveries to a loopback webhook and a local SMTP server,
retries with backoff, crash recovery, rate limits, quiet hours, and secrets kept out of sight."""

from __future__ import annotations

import io
import logging
import threading
from datetime import time, timedelta

from sqlalchemy import select, update

from newswatch.alerts import (
    CycleBudget,
    TopicAlerting,
    list_deliveries,
    make_test_alert,
    plan_for_article,
    retry_failed,
    send_due,
    targets_from,
)
from newswatch.alerts.targets import make_target
from newswatch.db.models import Alert, Delivery
from tests.alerts_helpers import NOW, JsonReceiver, SmtpReceiver, add_article, alert_settings, database

TOPICS = {"icet": TopicAlerting("icet")}


def queue_story(sessions, targets, settings=None, **article):
    settings = settings or alert_settings()
    with sessions.begin() as session:
        row, matches = add_article(session, **article)
        plan_for_article(session, row, matches, TOPICS, targets, settings, CycleBudget.for_settings(settings), NOW)
    return row


def set_delivery(sessions, article, **values):
    """Put an article's delivery in a given state, as a crashed or busy sender would leave it."""
    with sessions.begin() as session:
        session.execute(
            update(Delivery)
            .where(Delivery.alert_id.in_(select(Alert.id).where(Alert.article_id == article.id)))
            .values(**values)
        )


def deliveries(sessions):
    with sessions() as session:
        return session.scalars(select(Delivery).order_by(Delivery.id)).all()


def test_alert_reaches_json_hook_with_title_link_source_topic_and_terms(tmp_path):
    sessions = database(tmp_path)
    with JsonReceiver() as hook:
        targets = targets_from(alert_settings(urls=(hook.apprise_url,)))
        article = queue_story(sessions, targets, source="the-ledger")
        report = send_due(sessions, targets, alert_settings(), now=NOW)
    assert report.sent == 1 and report.failed == 0
    [post] = hook.posts
    assert post["title"] == "[icet] India, US launch TRUST to replace iCET"
    for expected in (article.url, "the-ledger", "icet", "iCET", "TRUST"):
        assert expected in post["message"]
    [delivery] = deliveries(sessions)
    assert delivery.status == "sent" and delivery.sent_at == NOW and delivery.attempts == 1


def test_email_alert_arrives_with_text_and_html_parts(tmp_path):
    sessions = database(tmp_path)
    with SmtpReceiver() as smtp:
        targets = targets_from(alert_settings(urls=(smtp.apprise_url,)))
        article = queue_story(sessions, targets, title="Jet engines & drones: <new> deal")
        report = send_due(sessions, targets, alert_settings(), now=NOW)
    assert report.sent == 1, report.errors
    [message] = smtp.messages
    assert smtp.logins == ["alerts"]
    assert message["Subject"] == "[icet] Jet engines & drones: <new> deal"
    assert message["To"] == "reader@example.com"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert article.url in text and "the-ledger" in text and "iCET" in text
    assert f'href="{article.url}"' in html
    assert "Jet engines &amp; drones: &lt;new&gt; deal" in html and "<new>" not in html


def test_down_target_is_retried_with_backoff_and_delivered_exactly_once(tmp_path):
    sessions = database(tmp_path)
    settings = alert_settings(retry_base=30.0)
    with JsonReceiver(refuse=2) as hook:
        targets = [make_target(hook.apprise_url)]
        queue_story(sessions, targets)

        first = send_due(sessions, targets, settings, now=NOW)
        [delivery] = deliveries(sessions)
        assert (first.retrying, delivery.status, delivery.attempts) == (1, "pending", 1)
        assert delivery.next_attempt_at == NOW + timedelta(seconds=30)
        assert "503" in delivery.error or "Service Unavailable" in delivery.error

        assert send_due(sessions, targets, settings, now=NOW + timedelta(seconds=10)).retrying == 0
        assert len(hook.attempts) == 1  # not due yet: nothing was tried

        send_due(sessions, targets, settings, now=NOW + timedelta(seconds=30))
        [delivery] = deliveries(sessions)
        assert delivery.attempts == 2 and delivery.next_attempt_at == NOW + timedelta(seconds=90)

        final = send_due(sessions, targets, settings, now=NOW + timedelta(seconds=90))
        assert final.sent == 1
        for later in (timedelta(minutes=5), timedelta(days=1)):
            assert send_due(sessions, targets, settings, now=NOW + later).sent == 0
    assert len(hook.posts) == 1 and len(hook.attempts) == 3
    [delivery] = deliveries(sessions)
    assert delivery.status == "sent" and delivery.error is None


def test_failing_target_does_not_block_the_others(tmp_path):
    sessions = database(tmp_path)
    with JsonReceiver(refuse=10**6) as down, JsonReceiver() as up:
        targets = [make_target(down.url("/down")), make_target(up.url("/up"))]
        queue_story(sessions, targets, title="First story")
        queue_story(sessions, targets, title="Second story")
        report = send_due(sessions, targets, alert_settings(), now=NOW)
    assert [post["title"] for post in up.posts] == ["[icet] First story", "[icet] Second story"]
    assert report.sent == 2 and report.retrying == 1 and report.deferred == 1
    # A target that failed is not tried again in the same round: one slow service costs one timeout.
    assert len(down.attempts) == 1
    assert list(report.by_target) == [targets[0].label]


def test_target_failing_past_the_retry_limit_is_shown_failed_and_can_be_requeued(tmp_path):
    sessions = database(tmp_path)
    settings = alert_settings(retry_limit=2, retry_base=1.0)
    with JsonReceiver(refuse=2) as hook:
        targets = [make_target(hook.apprise_url)]
        queue_story(sessions, targets)
        send_due(sessions, targets, settings, now=NOW)
        report = send_due(sessions, targets, settings, now=NOW + timedelta(seconds=1))
        assert report.failed == 1
        with sessions() as session:
            [failed] = list_deliveries(session, status="failed")
            assert failed.attempts == 2 and failed.error and failed.alert.topic == "icet"
        assert send_due(sessions, targets, settings, now=NOW + timedelta(days=1)).sent == 0
        with sessions.begin() as session:
            assert retry_failed(session) == 1
        assert send_due(sessions, targets, settings, now=NOW + timedelta(days=1)).sent == 1
    assert len(hook.posts) == 1


def test_unusable_url_fails_at_once_without_retrying(tmp_path):
    sessions = database(tmp_path)
    targets = [make_target("json://")]
    queue_story(sessions, targets)
    report = send_due(sessions, targets, alert_settings(), now=NOW)
    [delivery] = deliveries(sessions)
    assert report.failed == 1 and delivery.status == "failed" and delivery.attempts == 1


def test_crashed_claim_is_sent_again_once_but_a_sent_delivery_never_is(tmp_path):
    sessions = database(tmp_path)
    settings = alert_settings(lease=600.0)
    with JsonReceiver() as hook:
        targets = [make_target(hook.apprise_url)]
        crashed = queue_story(sessions, targets, title="Crashed mid-send")
        busy = queue_story(sessions, targets, title="Another sender is on it")
        done = queue_story(sessions, targets, title="Already confirmed")
        set_delivery(sessions, crashed, status="sending", claimed_at=NOW - timedelta(minutes=11))
        set_delivery(sessions, busy, status="sending", claimed_at=NOW - timedelta(minutes=1))
        set_delivery(sessions, done, status="sent", sent_at=NOW - timedelta(hours=1))
        report = send_due(sessions, targets, settings, now=NOW)
        again = send_due(sessions, targets, settings, now=NOW + timedelta(minutes=30))
    assert report.sent == 1 and [post["title"] for post in hook.posts[:1]] == ["[icet] Crashed mid-send"]
    # The busy claim expired by the second round (the other sender crashed too): sent then, once.
    assert again.sent == 1
    assert sorted(post["title"] for post in hook.posts) == ["[icet] Another sender is on it", "[icet] Crashed mid-send"]


def test_two_senders_at_once_never_send_a_delivery_twice(tmp_path):
    sessions = database(tmp_path)
    with JsonReceiver(delay=0.02) as hook:
        targets = [make_target(hook.apprise_url)]
        for n in range(8):
            queue_story(sessions, targets, title=f"Story {n}")
        reports = []
        threads = [
            threading.Thread(target=lambda: reports.append(send_due(sessions, targets, alert_settings(), now=NOW)))
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    titles = [post["title"] for post in hook.posts]
    assert sorted(titles) == sorted(f"[icet] Story {n}" for n in range(8))
    assert sum(report.sent for report in reports) == 8


def test_delivery_to_a_target_no_longer_configured_fails_with_a_clear_error(tmp_path):
    sessions = database(tmp_path)
    removed = make_target("json://127.0.0.1:9/removed")
    queue_story(sessions, [removed])
    report = send_due(sessions, [make_target("json://127.0.0.1:9/other")], alert_settings(), now=NOW)
    [delivery] = deliveries(sessions)
    assert report.failed == 1 and delivery.status == "failed"
    assert "no longer configured" in delivery.error and removed.label in delivery.error


def test_rate_limit_keeps_a_minimum_gap_between_sends_to_one_target(tmp_path):
    sessions = database(tmp_path)
    settings = alert_settings(rate_limit=60.0)
    with JsonReceiver() as hook:
        targets = [make_target(hook.apprise_url)]
        queue_story(sessions, targets, title="One")
        queue_story(sessions, targets, title="Two")
        first = send_due(sessions, targets, settings, now=NOW)
        waiting = [d for d in deliveries(sessions) if d.status == "pending"]
        assert first.sent == 1 and first.deferred == 1
        assert [d.next_attempt_at for d in waiting] == [NOW + timedelta(seconds=60)]
        assert send_due(sessions, targets, settings, now=NOW + timedelta(seconds=30)).sent == 0
        assert send_due(sessions, targets, settings, now=NOW + timedelta(seconds=60)).sent == 1
    assert [post["title"] for post in hook.posts] == ["[icet] One", "[icet] Two"]


def test_quiet_hours_hold_alerts_until_they_end_but_not_a_test(tmp_path):
    sessions = database(tmp_path)
    settings = alert_settings(quiet_hours=(time(22, 0), time(7, 0)), timezone="UTC")
    night = NOW.replace(hour=23)
    with JsonReceiver() as hook:
        targets = [make_target(hook.apprise_url)]
        queue_story(sessions, targets)
        with sessions.begin() as session:
            make_test_alert(session, targets, now=night)
        held = send_due(sessions, targets, settings, now=night)
        assert held.sent == 1 and held.deferred == 1
        assert [post["title"] for post in hook.posts] == ["[newswatch] Test notification"]
        assert send_due(sessions, targets, settings, now=night + timedelta(hours=7, minutes=59)).sent == 0
        assert send_due(sessions, targets, settings, now=night + timedelta(hours=8)).sent == 1
    assert hook.posts[-1]["title"].startswith("[icet]")


def test_without_targets_alerts_print_to_the_console_and_count_as_sent(tmp_path):
    sessions = database(tmp_path)
    targets = targets_from(alert_settings())
    article = queue_story(sessions, targets, source="the-ledger")
    out = io.StringIO()
    report = send_due(sessions, targets, alert_settings(), now=NOW, console=out)
    printed = out.getvalue()
    assert report.sent == 1
    for expected in ("[icet] India, US launch TRUST to replace iCET", article.url, "the-ledger", "iCET, TRUST"):
        assert expected in printed
    assert deliveries(sessions)[0].status == "sent"
    assert send_due(sessions, targets, alert_settings(), now=NOW, console=out).sent == 0


def test_without_a_console_stream_console_alerts_go_to_the_log(tmp_path, caplog):
    sessions = database(tmp_path)
    targets = targets_from(alert_settings())
    article = queue_story(sessions, targets)
    with caplog.at_level(logging.INFO, logger="newswatch.alerts.console"):
        report = send_due(sessions, targets, alert_settings(), now=NOW)
    assert report.sent == 1 and article.url in caplog.text and "[icet] India, US launch TRUST" in caplog.text


def test_tokens_never_reach_the_database_the_report_or_the_log(tmp_path, caplog):
    sessions = database(tmp_path)
    token = "Zq8TtokenSecret93kX"
    with JsonReceiver(refuse=1) as hook:
        url = f"json://newswatch:{token}@127.0.0.1:{hook.port}/hook/{token}?apikey={token}"
        targets = targets_from(alert_settings(urls=(url,)))
        queue_story(sessions, targets)
        with caplog.at_level(logging.DEBUG):
            report = send_due(sessions, targets, alert_settings(), now=NOW)
            send_due(sessions, targets, alert_settings(), now=NOW + timedelta(hours=1))
    [delivery] = deliveries(sessions)
    assert delivery.status == "sent" and len(hook.posts) == 1
    assert delivery.target_label.startswith(f"json://newswatch:****@127.0.0.1:{hook.port}/hook/")
    seen = [delivery.target, delivery.target_label, str(delivery.error), str(report), repr(targets), caplog.text]
    assert report.by_target and all(token not in text for text in seen)
