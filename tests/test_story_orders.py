"""Stories follow events whatever order reports are crawled in: real reports with their real
publication dates (tests/labelled/events.jsonl) go through the store and the alert policy oldest
first, newest first and shuffled, and every event alerts exactly once in every order. The set
holds the hard cases: developments of one state visit on the same days (the GE-HAL engine deal,
INDUS-X, Micron's plant, the Artemis Accords), follow-ups over several days, templated official
releases (two "Readout of President Biden's Meeting with ..." on one day, two "Presidential
Message on the Anniversary of ...", proclamations and the fact sheets posted beside them), one
outlet's reports of different events on one evening, and reports published months apart about
similar things."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from newswatch.alerts.policy import CycleBudget
from newswatch.alerts.settings import TopicAlerting
from newswatch.crawler.pipelines import store_and_plan
from newswatch.db import store
from newswatch.db.models import Alert
from newswatch.db.models import Article as ArticleRow
from newswatch.db.session import open_database
from newswatch.domain.items import Article, Match
from newswatch.scheduler.app import AlertWiring
from tests.alerts_helpers import alert_settings

EVENTS = Path(__file__).with_name("labelled") / "events.jsonl"
# Events (or single reports) of the labelled set this test crawls.
CHOSEN = {
    *("e04", "e05", "e16", "e18", "e21", "e15", "w06", "w07", "w01", "w02", "w05", "c02", "c03"),
    *("e06-1", "e06-2", "e06-3", "e07-2", "e07-3", "e07-4", "e14-1", "e12-1", "e12-2", "e12-3"),
}
TOPIC = TopicAlerting(name="watch", mode="instant")
SETTINGS = alert_settings(max_age=0, max_per_cycle=10_000)
CRAWLED_FROM = datetime(2026, 12, 1, tzinfo=UTC)


def _all_reports() -> list[dict]:
    return [json.loads(line) for line in EVENTS.read_text(encoding="utf-8").splitlines() if line.strip()]


def _reports() -> list[dict]:
    return [r for r in _all_reports() if r["event"] in CHOSEN or r["id"] in CHOSEN]


def _crawl(tmp_path: Path, ordered: list[dict], cycle: int = 7) -> Counter:
    """Store the reports in this order, `cycle` per transaction as the crawler writes them;
    returns instant alerts per event."""
    sessions = open_database(f"sqlite:///{tmp_path / 'orders.db'}")
    for start in range(0, len(ordered), cycle):
        recent = store.RecentStories()
        alerting = AlertWiring(SETTINGS, [], {TOPIC.name: TOPIC}, CycleBudget.for_settings(SETTINGS))
        with sessions.begin() as session:
            for offset, report in enumerate(ordered[start : start + cycle]):
                fetched = CRAWLED_FROM + timedelta(seconds=start + offset)
                article = Article(
                    url=report["url"],
                    canonical_url=report["url"],
                    source=report["outlet"],
                    outlet=report["outlet"],
                    title=report["title"],
                    text=report["text"],
                    fetched_at=fetched,
                    published_at=datetime.fromisoformat(report["published_at"]),
                )
                store_and_plan(session, article, [Match(TOPIC.name, 2.0)], fetched, recent, alerting)
            recent.flush(session)
        recent.committed()
    events = {report["url"]: report["event"] for report in ordered}
    alerts: Counter = Counter()
    with sessions() as session:  # the alerts each report made, including those that left a story later
        instant = select(ArticleRow.url).join(Alert, Alert.article_id == ArticleRow.id).where(Alert.kind == "instant")
        alerts.update(events[url] for url in session.scalars(instant))
    sessions.kw["bind"].dispose()
    return alerts


def _orders(reports: list[dict]) -> dict[str, list[dict]]:
    by_time = sorted(reports, key=lambda r: (datetime.fromisoformat(r["published_at"]), r["id"]))
    chosen = {"oldest first": by_time, "newest first": by_time[::-1]}
    for seed in (1, 2, 3, 4):
        shuffled = list(reports)
        random.Random(seed).shuffle(shuffled)
        chosen[f"shuffled {seed}"] = shuffled
    return chosen


@pytest.mark.parametrize("order", list(_orders(_reports())))
def test_every_event_alerts_exactly_once_whatever_the_crawl_order(tmp_path, order):
    reports = _reports()
    events = {r["event"] for r in reports}
    assert len(events) == 17 and len(reports) == 44  # the set is what the docstring says
    alerts = _crawl(tmp_path, _orders(reports)[order])
    assert {event: alerts[event] for event in sorted(events) if alerts[event] != 1} == {}


# Written for these tests: two reports about the same initiative, with the same words, published
# 107 days apart. The later one was crawled first (a feed listing newest first, a backfill).
LATER = (
    "India, US release joint fact sheet on iCET as Sullivan visits Delhi",
    "The United States and India released a joint fact sheet on the Initiative on Critical and Emerging "
    "Technology (iCET) during National Security Advisor Jake Sullivan's visit to New Delhi. The fact sheet "
    "lists progress on semiconductors, critical minerals, space, defence innovation and artificial "
    "intelligence, and says NASA and ISRO will fly an Indian astronaut to the International Space Station.",
    datetime(2025, 1, 6, 12, tzinfo=UTC),
)
EARLIER = (
    "India, US release joint fact sheet after Modi-Biden talks in Wilmington",
    "The United States and India released a joint fact sheet after Prime Minister Narendra Modi and "
    "President Joe Biden met in Wilmington, Delaware. The fact sheet lists progress under the Initiative on "
    "Critical and Emerging Technology (iCET) on semiconductors, critical minerals, space, defence "
    "innovation and artificial intelligence, including a NASA-ISRO mission to the International Space "
    "Station, and hails a new semiconductor fabrication plant in Kolkata.",
    datetime(2024, 9, 21, 20, tzinfo=UTC),
)


def test_a_report_published_months_before_a_story_s_first_report_starts_a_story_and_alerts(tmp_path):
    reports = [
        {
            "id": f"r{i}",
            "event": f"r{i}",
            "url": f"http://news.test/{i}",
            "outlet": "wire",
            "title": title,
            "text": text,
            "published_at": when.isoformat(),
        }
        for i, (title, text, when) in enumerate((LATER, EARLIER))
    ]
    assert _crawl(tmp_path, reports, cycle=1) == {"r0": 1, "r1": 1}


BILINGUAL = Path(__file__).with_name("labelled") / "bilingual.jsonl"
# Events of the bilingual set, each reported in English and in Hindi (NISAR's launch, Micron's
# plant, the Modi-Trump summit, the MQ-9B deal, the Quad ministers, Axiom-4, the AI Impact Summit).
BILINGUAL_CHOSEN = {"b01", "b02", "b03", "b06", "b11", "b12", "b14"}


def _bilingual() -> list[dict]:
    reports = [json.loads(line) for line in BILINGUAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in reports if r["event"] in BILINGUAL_CHOSEN]


@pytest.mark.parametrize("order", list(_orders(_bilingual())))
def test_an_event_reported_in_english_and_in_hindi_alerts_once_whatever_the_crawl_order(tmp_path, order):
    reports = _bilingual()
    assert {r["lang"] for r in reports} == {"en", "hi"} and len(reports) == 15
    for event in BILINGUAL_CHOSEN:
        assert {r["lang"] for r in reports if r["event"] == event} == {"en", "hi"}
    alerts = _crawl(tmp_path, _orders(reports)[order])
    assert {event: alerts[event] for event in sorted(BILINGUAL_CHOSEN) if alerts[event] != 1} == {}


@pytest.mark.parametrize("order", list(_orders(_all_reports())))
def test_every_labelled_event_alerts_with_at_most_one_extra_alert_per_five_events_whatever_the_order(tmp_path, order):
    # The whole labelled set, 141 reports of 58 events: every event alerts, and the reports of one
    # event that stay apart (a late follow-up, a fact sheet and its order) alert at most one extra
    # time per five events, in every order.
    reports = _all_reports()
    events = {r["event"] for r in reports}
    assert len(events) == 58 and len(reports) == 141
    alerts = _crawl(tmp_path, _orders(reports)[order], cycle=20)
    assert sorted(events - set(alerts)) == []
    assert sum(alerts.values()) <= 1.2 * len(events), sorted((e, n) for e, n in alerts.items() if n > 1)
