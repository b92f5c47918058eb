"""Two processes storing copies of one wire story at the same moment, in PostgreSQL: the database
decides (an advisory lock held by every article-writing transaction, db/store.py `begin_write`),
so one is stored as the original, the other as its copy, and the story alerts once. Real
processes, a real PostgreSQL schema of the test's own; the second writer starts while the first
has stored its copy and not committed yet, which is the moment two workers can meet."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from newswatch.db.models import Alert, Article
from tests.cluster_helpers import needs_postgres, postgres_schema

pytestmark = needs_postgres

WIRE_TEXT = (
    "India and the United States agreed on Tuesday to co-produce GE F414 jet engines with "
    "Hindustan Aeronautics under the iCET framework, officials said after talks in Washington. "
    "The deal covers technology transfer for the engines that will power the Tejas Mk2 fighter. "
    "Both sides also reviewed cooperation in semiconductors, space and critical minerals, and "
    "agreed to meet again before the end of the year to take stock of the co-production plans."
)


def _store_copy(url: str, outlet: str, go, writing, stored, other_writing, results) -> None:
    """One writer: once told to `go`, say it is `writing`, store its outlet's copy of the wire story
    with its match and plan alerts, say it has `stored`; before committing, give the other writer
    (once it says it is writing) a second to store its copy too."""
    import time

    from newswatch.alerts import CycleBudget, TopicAlerting, plan_for_article
    from newswatch.alerts.targets import make_target
    from newswatch.db.session import open_database
    from newswatch.db.store import begin_write, save_article
    from newswatch.domain import fingerprint, items
    from tests.alerts_helpers import alert_settings

    sessions = open_database(url)
    now = datetime.now(UTC)
    article = items.Article(
        url=f"https://{outlet}.example/wire/jet-engines.html",
        canonical_url=f"https://{outlet}.example/wire/jet-engines.html",
        source=outlet,
        title="India, US to co-produce jet engines under iCET",
        text=WIRE_TEXT,
        fetched_at=now,
        published_at=now - timedelta(minutes=5),
    )
    match = items.Match(topic="icet", score=2.0, hits=[items.Hit(term="iCET", field="text", snippet="iCET")])
    fingerprint.fingerprint(WIRE_TEXT)  # imported and warm before the race
    go.wait(60)
    with sessions.begin() as session:
        writing.set()
        begin_write(session)
        saved = save_article(session, article, [match], now)
        settings = alert_settings()
        plan_for_article(
            session,
            saved.row,
            list(saved.row.matches),
            {"icet": TopicAlerting("icet")},
            [make_target("json://127.0.0.1:9/hook")],
            settings,
            CycleBudget.for_settings(settings),
            now,
        )
        stored.set()
        if other_writing is not None and other_writing.wait(60):
            time.sleep(1.0)  # the other writer's moment to store beside this one, uncommitted
    results.put(outlet)


def test_two_processes_storing_copies_of_one_wire_story_at_once_keep_one_original_one_copy_one_alert():
    with postgres_schema() as url:
        from newswatch.db.session import open_database

        sessions = open_database(url)  # migrated before the writers start
        mp = multiprocessing.get_context("spawn")
        go_first, go_second, first_writing, second_writing, first_stored, second_stored = (mp.Event() for _ in range(6))
        results = mp.Queue()
        first = mp.Process(
            target=_store_copy, args=(url, "coastal", go_first, first_writing, first_stored, second_writing, results)
        )
        second = mp.Process(
            target=_store_copy, args=(url, "valley", go_second, second_writing, second_stored, None, results)
        )
        first.start()
        second.start()
        go_first.set()
        assert first_stored.wait(60)
        go_second.set()  # the first copy is stored and not committed yet
        first.join(60)
        second.join(60)
        assert first.exitcode == 0 and second.exitcode == 0
        assert sorted([results.get(timeout=5), results.get(timeout=5)]) == ["coastal", "valley"]

        with sessions() as session:
            rows = {row.source: row for row in session.scalars(select(Article))}
            alerts = list(session.scalars(select(Alert).where(Alert.kind == "instant")))
        original, copy = rows["coastal"], rows["valley"]
        assert original.duplicate_of is None and copy.duplicate_of == original.id
        assert copy.story_id == original.story_id == original.id
        assert [alert.story_id for alert in alerts] == [original.id]
        sessions.kw["bind"].dispose()
