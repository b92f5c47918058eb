"""Source health: tell the user once when a source starts failing or falls silent, and once
when it recovers.

A source is *failing* after `service.failing_after` failed fetches in a row, and *silent* when it
has produced no new article for `service.silent_after` times its usual gap between articles
(measured between the crawl cycles that brought its recent articles, never less than its
interval). Articles a single cycle brought (a first crawl, a burst) say nothing about how often
the source publishes: until three cycles have brought something, a source is never called silent.
"""

from __future__ import annotations

import itertools
import logging
from datetime import datetime, timedelta
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from newswatch.db.models import Article, Source
from newswatch.scheduler.config import Config

log = logging.getLogger("newswatch.health")
RECENT = 20


def usual_gap(times: list[datetime], interval: float) -> timedelta | None:
    """The median gap between the cycles that fetched these articles (times in any order): gaps
    under half the source's `interval` are articles of one cycle. None before two such gaps."""
    ordered = sorted(times)
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(ordered)]
    between_cycles = [gap for gap in gaps if gap >= interval / 2]
    return timedelta(seconds=median(between_cycles)) if len(between_cycles) >= 2 else None


def source_state(
    row: Source, recent: list[datetime], interval: float, failing_after: int, silent_after: float, now: datetime
) -> str:
    """'failing', 'silent' or 'ok' for one source."""
    if (row.consecutive_errors or 0) >= failing_after:
        return "failing"
    gap = usual_gap(recent, interval)
    if gap is None or not recent:
        return "ok"
    limit = max(gap.total_seconds(), interval) * silent_after
    if (now - max(recent)).total_seconds() > limit:
        return "silent"
    return "ok"


def check_sources(config: Config, sessions: sessionmaker[Session], now: datetime) -> list[tuple[str, str]]:
    """Raise health alerts for state changes; returns the (source, state) pairs told."""
    from newswatch.alerts.policy import make_health_alert
    from newswatch.alerts.targets import targets_from
    from newswatch.scheduler.app import alert_settings

    service = config.settings.service
    intervals = {s.name: s.interval for s in config.source_specs()}
    settings = alert_settings(config)
    targets = targets_from(settings)
    told: list[tuple[str, str]] = []
    with sessions.begin() as session:
        for row in session.scalars(select(Source).where(Source.name.in_(list(intervals)))):
            recent = list(
                session.scalars(
                    select(Article.fetched_at)
                    .where(Article.source == row.name)
                    .order_by(Article.id.desc())
                    .limit(RECENT)
                )
            )
            state = source_state(row, recent, intervals[row.name], service.failing_after, service.silent_after, now)
            if state != "ok" and row.health_alerted != state:
                make_health_alert(
                    session,
                    row.name,
                    state,
                    targets,
                    settings=settings,
                    now=now,
                    error=row.error,
                    since=row.last_success_at if state == "failing" else row.last_new_at,
                )
                row.health_alerted = state
                told.append((row.name, state))
            elif state == "ok" and row.health_alerted:
                make_health_alert(session, row.name, "recovered", targets, settings=settings, now=now)
                row.health_alerted = None
                told.append((row.name, "recovered"))
    for name, state in told:
        log.warning("source health source=%s state=%s", name, state)
    return told
