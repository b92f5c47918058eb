"""What the web view reads from the store: stories with their reports, topics and alerts, one
article with its story, counts per day. SQLAlchemy Core on one connection; no writes here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Row

from newswatch.db import reading
from newswatch.db.models import STORY_ALERT_KINDS, Alert, Article, Delivery, TopicMatch

articles = Article.__table__
matches = TopicMatch.__table__
alerts = Alert.__table__
deliveries = Delivery.__table__
_LISTED = [c for c in articles.c if c.name not in ("text", "signature", "event_terms", "content_hash")]
WALK_BATCH = 1000  # reports read at a time when walking them newest first
WALK_LIMIT = 20_000  # reports walked before one grouped query is cheaper


@dataclass(frozen=True)
class AlertFact:
    """An alert about a story, with the status of each of its deliveries."""

    id: int
    kind: str
    topic: str | None
    article_id: int | None
    story_id: int | None
    created_at: datetime
    statuses: tuple[str, ...]
    digest_id: int | None = None


@dataclass
class Story:
    """A story as the listing shows it: its first report and what became of it."""

    story_id: int
    reports: list[Row]  # its articles (no text), first report first
    matches: dict[int, list[Row]]  # article id -> its matches
    alerts: list[AlertFact] = field(default_factory=list)

    @property
    def first(self) -> Row:
        return self.reports[0]

    @property
    def topics(self) -> list[str]:
        return sorted({m.topic for rows in self.matches.values() for m in rows})

    @property
    def outlets(self) -> list[str]:
        return sorted({r.outlet or r.source for r in self.reports})

    @property
    def first_seen(self) -> datetime:
        return min(r.fetched_at for r in self.reports)

    @property
    def latest(self) -> datetime:
        return max(r.fetched_at for r in self.reports)

    def alerted_topics(self) -> dict[str, str]:
        """topic -> how the story was told: 'alert', 'summary' (over a cycle's budget), 'digest'."""
        told: dict[str, str] = {}
        for fact in self.alerts:
            if fact.topic is None:
                continue
            how = {"instant": "alert", "update": "alert", "folded": "summary", "digest-item": "digest"}[fact.kind]
            if told.get(fact.topic) != "alert":
                told[fact.topic] = how
        return told

    def new_reports(self, since: datetime) -> int:
        return sum(1 for r in self.reports if r.fetched_at > since)

    def record(self) -> dict:
        """The record of `newswatch stories --json`."""
        from newswatch.db.records import story_record

        rows = sorted(self.reports, key=lambda r: r.id)  # as the CLI lists them
        told = [
            {"topic": a.topic, "kind": a.kind, "alert_id": a.id, "article_id": a.article_id}
            for a in sorted(self.alerts, key=lambda a: a.id)  # only STORY_ALERT_KINDS are loaded
        ]
        return story_record(self.story_id, [_WithMatches(r, self.matches.get(r.id, [])) for r in rows], told)


class _WithMatches:
    """An article row with its matches, as `story_record` reads them."""

    def __init__(self, row: Row, found: list[Row]):
        self._row, self.matches = row, found

    def __getattr__(self, name: str):
        return getattr(self._row, name)


def story_ids(
    conn: Connection,
    topic: str | None = None,
    source: str | None = None,
    since: datetime | None = None,
    matched_only: bool = True,
    limit: int = 50,
    offset: int = 0,
) -> list[int]:
    """Stories newest first, by their latest report (with `source`: that source's latest report),
    as `newswatch stories` orders them; only those that matched a topic (`topic`) unless
    `matched_only` is False.

    Reports are walked newest first on an index that holds each one's story (no article row is
    read), in batches, keeping the stories that qualify, until the page is full: a first page
    costs a few hundred index entries, not a pass over every story. A filter that keeps few
    stories would walk far: past WALK_LIMIT reports, one grouped query answers instead."""
    if topic and conn.execute(select(matches.c.id).where(matches.c.topic == topic).limit(1)).first() is None:
        return []
    a = articles.c
    walk = select(a.story_id).where(a.story_id.is_not(None))
    if source:
        walk = walk.where(a.source == source)
    if since is not None:
        walk = walk.where(a.fetched_at >= since)
    wanted = offset + limit
    found: list[int] = []
    seen: set[int] = set()
    walked = 0
    rows = conn.execution_options(yield_per=WALK_BATCH).execute(walk.order_by(a.fetched_at.desc()))
    try:
        for batch in rows.partitions():
            walked += len(batch)
            fresh = []
            for (story_id,) in batch:
                if story_id not in seen:
                    seen.add(story_id)
                    fresh.append(story_id)
            if fresh and (topic or matched_only):
                qualified = _matched_stories(conn, fresh, topic)
                fresh = [story_id for story_id in fresh if story_id in qualified]
            found.extend(fresh)
            if len(found) >= wanted:
                break
            if walked >= WALK_LIMIT:
                return _grouped_story_ids(conn, topic, source, since, matched_only, limit, offset)
    finally:
        rows.close()
    return found[offset:wanted]


def _grouped_story_ids(
    conn: Connection,
    topic: str | None,
    source: str | None,
    since: datetime | None,
    matched_only: bool,
    limit: int,
    offset: int,
) -> list[int]:
    """`story_ids` as one query: every story's latest report, grouped and sorted."""
    a = articles.c
    latest = func.max(a.fetched_at)
    query = select(a.story_id).where(a.story_id.is_not(None)).group_by(a.story_id)
    if topic or matched_only:
        member = articles.alias("member")
        matched = select(member.c.story_id).join(matches, matches.c.article_id == member.c.id)
        if topic:
            matched = matched.where(matches.c.topic == topic)
        query = query.where(a.story_id.in_(matched))
    if source:
        query = query.where(a.source == source)
    if since is not None:
        query = query.having(latest >= since)
    query = query.order_by(latest.desc(), a.story_id.desc()).limit(limit).offset(offset)
    return list(conn.execute(query).scalars())


def _matched_stories(conn: Connection, story_ids: list[int], topic: str | None) -> set[int]:
    """Which of `story_ids` have an article that matched `topic` (any topic when None)."""
    query = (
        select(articles.c.story_id)
        .join(matches, matches.c.article_id == articles.c.id)
        .where(articles.c.story_id.in_(story_ids))
        .distinct()
    )
    if topic:
        query = query.where(matches.c.topic == topic)
    return set(conn.execute(query).scalars())


def stories(conn: Connection, ids: Sequence[int]) -> list[Story]:
    """The stories `ids`, in that order, with their reports, matches and alerts."""
    if not ids:
        return []
    grouped: dict[int, list[Row]] = {}
    rows = conn.execute(select(*_LISTED).where(articles.c.story_id.in_(list(ids))).order_by(articles.c.id))
    for row in rows:
        grouped.setdefault(row.story_id, []).append(row)
    found = reading.matches_of(conn, [r.id for rows in grouped.values() for r in rows])
    facts = story_alerts(conn, list(grouped))
    result = []
    for story_id in ids:
        reports = grouped.get(story_id)
        if not reports:
            continue
        # The first report is the story's seed (its id is the story's); else the earliest original.
        reports.sort(key=lambda r: (r.id != story_id, r.duplicate_of is not None, r.id))
        result.append(
            Story(
                story_id,
                reports,
                {r.id: found.get(r.id, []) for r in reports},
                [fact for fact in facts if fact.story_id == story_id],
            )
        )
    return result


def story_alerts(conn: Connection, ids: Sequence[int]) -> list[AlertFact]:
    """The alerts about the stories `ids`, oldest first, each with its deliveries' statuses."""
    if not ids:
        return []
    rows = list(
        conn.execute(
            select(
                alerts.c.id,
                alerts.c.kind,
                alerts.c.topic,
                alerts.c.article_id,
                alerts.c.story_id,
                alerts.c.created_at,
                alerts.c.digest_id,
            )
            .where(alerts.c.story_id.in_(list(ids)), alerts.c.kind.in_(STORY_ALERT_KINDS))
            .order_by(alerts.c.id)
        )
    )
    statuses: dict[int, list[str]] = {}
    wanted = [row.id for row in rows] + [row.digest_id for row in rows if row.digest_id]
    if wanted:
        query = select(deliveries.c.alert_id, deliveries.c.status).where(deliveries.c.alert_id.in_(wanted))
        for alert_id, status in conn.execute(query.order_by(deliveries.c.id)):
            statuses.setdefault(alert_id, []).append(status)
    return [
        AlertFact(
            row.id,
            row.kind,
            row.topic,
            row.article_id,
            row.story_id,
            row.created_at,
            # A story told in a digest was delivered as that digest.
            tuple(statuses.get(row.digest_id if row.kind == "digest-item" else row.id, [])),
            row.digest_id,
        )
        for row in rows
    ]


def _day(value) -> date:
    # SQLite answers date() with text, PostgreSQL with a date.
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def articles_per_day(conn: Connection, since: datetime) -> dict[str, dict[date, int]]:
    """Per source, the articles fetched each day (UTC) since `since`."""
    day = func.date(articles.c.fetched_at)
    query = (
        select(articles.c.source, day, func.count())
        .where(articles.c.fetched_at >= since)
        .group_by(articles.c.source, day)
    )
    counts: dict[str, dict[date, int]] = {}
    for source, when, count in conn.execute(query):
        counts.setdefault(source, {})[_day(when)] = count
    return counts


def matches_per_day(conn: Connection, since: datetime) -> dict[str, dict[date, int]]:
    """Per topic, the articles fetched each day (UTC) since `since` that match it."""
    day = func.date(articles.c.fetched_at)
    query = (
        select(matches.c.topic, day, func.count())
        .join(articles, articles.c.id == matches.c.article_id)
        .where(articles.c.fetched_at >= since)
        .group_by(matches.c.topic, day)
    )
    counts: dict[str, dict[date, int]] = {}
    for topic, when, count in conn.execute(query):
        counts.setdefault(topic, {})[_day(when)] = count
    return counts


def topic_matches(conn: Connection, topic: str, limit: int = 30) -> list[Row]:
    """The newest articles matching `topic`, with their score and hits."""
    query = (
        select(*_LISTED, matches.c.score, matches.c.hits)
        .join(matches, matches.c.article_id == articles.c.id)
        .where(matches.c.topic == topic)
        .order_by(func.coalesce(articles.c.published_at, articles.c.fetched_at).desc(), articles.c.id.desc())
        .limit(limit)
    )
    return list(conn.execute(query))
