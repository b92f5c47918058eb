"""What gets alerted: one alert per new story and topic, never a copy, nothing too old, at most
so many per cycle, digests grouped by topic, tags routing topics to targets."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from newswatch.alerts import (
    CycleBudget,
    TopicAlerting,
    finish_cycle,
    make_digest,
    make_test_alert,
    plan_for_article,
    send_due,
    targets_from,
)
from newswatch.alerts.targets import make_target
from newswatch.db.models import Alert, Delivery
from tests.alerts_helpers import NOW, JsonReceiver, add_article, alert_settings, database

ICET = {"icet": TopicAlerting("icet")}
TARGETS = [make_target("json://127.0.0.1:9/hook")]


def plan(session, article, matches, settings=None, topics=None, targets=None, budget=None, now=NOW):
    settings = settings or alert_settings()
    return plan_for_article(
        session,
        article,
        matches,
        topics or ICET,
        targets or TARGETS,
        settings,
        budget or CycleBudget.for_settings(settings),
        now,
    )


def alert_count(session, kind=None):
    query = select(func.count(Alert.id))
    if kind:
        query = query.where(Alert.kind == kind)
    return session.scalar(query)


def test_new_story_alerts_once_with_a_pending_delivery_per_target(tmp_path):
    sessions = database(tmp_path)
    targets = [make_target("json://127.0.0.1:9/a"), make_target("json://127.0.0.1:9/b")]
    with sessions.begin() as session:
        article, matches = add_article(session)
        alerts = plan(session, article, matches, targets=targets)
    assert [alert.kind for alert in alerts] == ["instant"]
    with sessions() as session:
        deliveries = session.scalars(select(Delivery)).all()
        assert sorted(d.target for d in deliveries) == sorted(t.id for t in targets)
        assert {d.status for d in deliveries} == {"pending"}
        assert article.title in alerts[0].title and "icet" in alerts[0].title


def test_alert_is_written_in_the_callers_transaction(tmp_path):
    sessions = database(tmp_path)
    with sessions() as session:
        article, matches = add_article(session)
        plan(session, article, matches)
        session.rollback()
    with sessions() as session:
        assert alert_count(session) == 0
        assert session.scalar(select(func.count(Delivery.id))) == 0


def test_second_article_of_the_same_story_does_not_alert(tmp_path):
    sessions = database(tmp_path)
    with sessions.begin() as session:
        first, matches = add_article(session)
        assert len(plan(session, first, matches)) == 1
    with sessions.begin() as session:
        other, matches = add_article(
            session, source="frontier", story_id=first.story_id, title="TRUST replaces iCET, say officials"
        )
        assert plan(session, other, matches) == []
        assert alert_count(session) == 1


def test_copy_of_wire_story_never_alerts_for_a_topic_its_original_matched(tmp_path):
    sessions = database(tmp_path)
    with sessions.begin() as session:
        original, _ = add_article(session)  # matched icet (its alert is not planned here)
        copy, matches = add_article(session, source="wire-mirror", duplicate_of=original.id, story_id=original.story_id)
        assert plan(session, copy, matches) == []
        assert alert_count(session) == 0
        assert copy.alert_note == f"not alerted: a copy of #{original.id}"


def test_item_older_than_max_age_is_stored_without_alerting(tmp_path):
    sessions = database(tmp_path)
    settings = alert_settings(max_age=3 * 86400)
    with sessions.begin() as session:
        old, old_matches = add_article(session, published_at=NOW - timedelta(days=4))
        undated_old, undated_matches = add_article(session, published_at=None, fetched_at=NOW - timedelta(days=5))
        recent, recent_matches = add_article(session, published_at=NOW - timedelta(days=2))
        undated, matches = add_article(session, published_at=None)
        assert plan(session, old, old_matches, settings) == []
        assert plan(session, undated_old, undated_matches, settings) == []
        assert len(plan(session, recent, recent_matches, settings)) == 1
        assert len(plan(session, undated, matches, settings)) == 1


def test_update_alerts_only_when_configured(tmp_path):
    sessions = database(tmp_path)
    with sessions.begin() as session:
        first, matches = add_article(session)
        plan(session, first, matches)
        follow_up, follow_matches = add_article(session, story_id=first.story_id, title="TRUST: first projects named")
        assert plan(session, follow_up, follow_matches, alert_settings(updates=False)) == []
        updates = plan(session, follow_up, follow_matches, alert_settings(updates=True))
        assert [alert.kind for alert in updates] == ["update"]
        assert updates[0].key == f"update:icet:article:{follow_up.id}"
        assert "Update" in updates[0].title
        # The same article again, or the alerted article itself, is never an update.
        assert plan(session, follow_up, follow_matches, alert_settings(updates=True)) == []
        assert plan(session, first, matches, alert_settings(updates=True)) == []


def test_off_and_digest_topics_send_no_instant_alert(tmp_path):
    sessions = database(tmp_path)
    topics = {"quiet": TopicAlerting("quiet", mode="off"), "daily": TopicAlerting("daily", mode="digest")}
    with sessions.begin() as session:
        article, matches = add_article(session, topics={"quiet": ["iCET"], "daily": ["TRUST"]})
        assert plan(session, article, matches, topics=topics) == []


def test_cycle_over_budget_folds_the_rest_into_one_summary(tmp_path):
    sessions = database(tmp_path)
    settings = alert_settings(max_per_cycle=3)
    budget = CycleBudget.for_settings(settings)
    titles = [f"Story number {n} on iCET" for n in range(5)]
    with sessions.begin() as session:
        kinds = []
        for title in titles:
            article, matches = add_article(session, title=title)
            kinds += [alert.kind for alert in plan(session, article, matches, settings, budget=budget)]
        summary = finish_cycle(session, budget, TARGETS, settings, NOW)
    assert kinds == ["instant"] * 3 + ["folded"] * 2
    assert summary is not None and summary.kind == "summary"
    assert "2 more" in summary.title
    for title in titles[3:]:
        assert title in summary.payload["render"]["text"]
    with sessions() as session:
        folded = session.scalars(select(Alert).where(Alert.kind == "folded")).all()
        assert all(not alert.deliveries for alert in folded)
        assert len(summary.deliveries) == 1
        # A folded story was told in the summary: a later article of it does not alert.
        later, matches = add_article(session, story_id=folded[0].story_id, title="More on the folded story")
        assert plan(session, later, matches, settings) == []
    # The budget is fresh for the next cycle.
    with sessions.begin() as session:
        assert finish_cycle(session, budget, TARGETS, settings, NOW) is None
        article, matches = add_article(session, title="Next cycle story")
        assert [a.kind for a in plan(session, article, matches, settings, budget=budget)] == ["instant"]


def test_topic_tags_route_alerts_to_targets_carrying_the_tag(tmp_path):
    sessions = database(tmp_path)
    work = make_target("json://127.0.0.1:9/work", tags=["work"])
    phone = make_target("json://127.0.0.1:9/phone", tags=["phone", "home"])
    plain = make_target("json://127.0.0.1:9/plain")
    targets = [work, phone, plain]
    topics = {"icet": TopicAlerting("icet", tags=("work",)), "chips": TopicAlerting("chips")}
    with sessions.begin() as session:
        article, matches = add_article(session, topics={"icet": ["iCET"], "chips": ["semiconductor"]})
        alerts = {alert.topic: alert for alert in plan(session, article, matches, topics=topics, targets=targets)}
    assert {d.target for d in alerts["icet"].deliveries} == {work.id}
    assert {d.target for d in alerts["chips"].deliveries} == {work.id, phone.id, plain.id}


def test_apprise_config_file_tags_route_topics(tmp_path):
    config = tmp_path / "apprise.yml"
    config.write_text(
        "urls:\n  - json://127.0.0.1:9/office:\n      tag: work\n  - json://127.0.0.1:9/mobile:\n      tag: phone\n",
        encoding="utf-8",
    )
    targets = targets_from(alert_settings(config_file=str(config)))
    routed = [t.label for t in targets if t.tags & {"phone"}]
    assert len(targets) == 2 and routed == ["json://127.0.0.1:9/mobile"]
    sessions = database(tmp_path)
    with sessions.begin() as session:
        article, matches = add_article(session)
        [alert] = plan(
            session, article, matches, topics={"icet": TopicAlerting("icet", tags=("phone",))}, targets=targets
        )
        assert [d.target_label for d in alert.deliveries] == routed


def test_no_targets_configured_means_the_console_target():
    [target] = targets_from(alert_settings())
    assert target.is_console and target.format == "text"


def _digest_world(session):
    """Two digest topics: a story told by three outlets, a single story, a copy, an old item."""
    topics = {"icet": TopicAlerting("icet", mode="digest"), "chips": TopicAlerting("chips", mode="digest")}
    day = NOW - timedelta(hours=12)
    big, _ = add_article(session, title="Jet engine deal signed", fetched_at=day, topics={"icet": ["jet engine"]})
    add_article(
        session,
        title="GE-HAL jet engine deal",
        source="frontier",
        story_id=big.story_id,
        fetched_at=day,
        topics={"icet": ["jet engine"]},
    )
    add_article(
        session,
        title="Jet engine deal (wire)",
        source="wire",
        story_id=big.story_id,
        duplicate_of=big.id,
        fetched_at=day,
        topics={"icet": ["jet engine"]},
    )
    add_article(
        session, title="Fab plans in Gujarat", source="chipwire", fetched_at=day, topics={"chips": ["semiconductor"]}
    )
    add_article(
        session,
        title="Old news resurfaced",
        published_at=NOW - timedelta(days=10),
        fetched_at=day,
        topics={"icet": ["iCET"]},
    )
    return topics


def test_digest_groups_the_periods_new_stories_by_topic_with_outlet_counts(tmp_path):
    sessions = database(tmp_path)
    with sessions.begin() as session:
        topics = _digest_world(session)
        digest = make_digest(
            session, list(topics.values()), NOW - timedelta(days=1), NOW, TARGETS, alert_settings(), NOW
        )
    text = digest.payload["render"]["text"]
    assert digest.kind == "digest" and "2 new stories" in digest.title
    assert "icet (1)" in text and "chips (1)" in text
    assert "Jet engine deal signed" in text and "3 outlets" in text
    assert "Fab plans in Gujarat" in text and "1 outlet" in text
    assert "wire" not in text.split("Jet engine deal signed")[1].split("\n")[0]
    assert "Old news resurfaced" not in text
    assert text.index("icet (1)") < text.index("chips (1)")
    assert "https://ledger.example/news/" in digest.payload["render"]["markdown"]
    with sessions.begin() as session:
        # Nothing new since: no digest. A story matched later goes in the next one, alone.
        assert (
            make_digest(session, list(topics.values()), NOW - timedelta(days=1), NOW, TARGETS, alert_settings(), NOW)
            is None
        )
        add_article(session, title="Quantum pact", fetched_at=NOW + timedelta(hours=1), topics={"icet": ["quantum"]})
        later = make_digest(
            session,
            list(topics.values()),
            NOW - timedelta(days=1),
            NOW + timedelta(days=1),
            TARGETS,
            alert_settings(),
            NOW + timedelta(days=1),
        )
        assert "1 new story" in later.title and "Jet engine" not in later.payload["render"]["text"]


def test_digest_sends_each_target_only_the_topics_routed_to_it(tmp_path):
    sessions = database(tmp_path)
    with JsonReceiver() as office, JsonReceiver() as phone:
        targets = [make_target(office.url("/office"), tags=["work"]), make_target(phone.url("/phone"), tags=["home"])]
        with sessions.begin() as session:
            _digest_world(session)
            topics = [TopicAlerting("icet", mode="digest"), TopicAlerting("chips", mode="digest", tags=("home",))]
            make_digest(session, topics, NOW - timedelta(days=1), NOW, targets, alert_settings(), NOW)
        report = send_due(sessions, targets, alert_settings(), now=NOW)
    assert report.sent == 2
    [office_post], [phone_post] = office.posts, phone.posts
    assert "Jet engine deal signed" in office_post["message"] and "Fab plans" not in office_post["message"]
    assert "chips" not in office_post["title"]
    assert "Jet engine deal signed" in phone_post["message"] and "Fab plans" in phone_post["message"]


def test_test_alert_goes_to_every_target_or_only_tagged_ones(tmp_path):
    sessions = database(tmp_path)
    targets = [make_target("json://127.0.0.1:9/a", tags=["phone"]), make_target("json://127.0.0.1:9/b")]
    with sessions.begin() as session:
        everyone = make_test_alert(session, targets, now=NOW)
        tagged = make_test_alert(session, targets, tag="Phone", now=NOW)
        nobody = make_test_alert(session, targets, tag="pager", now=NOW)
    assert len(everyone.deliveries) == 2
    assert [d.target for d in tagged.deliveries] == [targets[0].id]
    assert nobody is None
