"""Which source crawls are due, on the queue and running, kept in the `sources` table.

The leading scheduler takes the due sources (`next_run_at` passed, none of their crawls on the
queue) and marks them queued with a token, the time it queued them, that travels in the task. A
worker claims a task's sources by that token before crawling: a task whose sources were queued
again since (its worker was found dead, or the broker redelivered it late) claims nothing and
does nothing. When the crawl is over the worker clears the mark and says when the source is due
next, when the crawl itself could not (it crashed, timed out, or found the source busy).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from newswatch.cluster.nodes import db_now
from newswatch.db.models import PendingPage, Source


@dataclass(frozen=True)
class CrawlOrder:
    """What one crawl task carries: its sources, the token they were queued with, and when each
    was due (epoch seconds), for the worker to tell how long they waited."""

    sources: list[str]
    token: str
    due: list[float]

    def as_args(self) -> list:
        return [self.sources, self.token, self.due]


def take_due(
    session: Session, now: datetime, configured: Iterable[str], limit: int, stale_after: float
) -> list[tuple[str, datetime]]:
    """Up to `limit` due sources of `configured` (the names of the scheduler's enabled sources),
    the longest overdue first, with when each became due, marked
    queued at `now` (the caller commits, then publishes their tasks). A queued mark older
    than `stale_after` seconds is taken to be a lost task's (the broker lost it, or its
    scheduler died between marking and publishing). Rows another scheduler is marking are
    skipped, not waited for."""
    configured = list(configured)
    query = (
        select(Source.name, Source.next_run_at)
        .where(
            or_(Source.next_run_at.is_(None), Source.next_run_at <= db_now()),
            or_(Source.queued_at.is_(None), Source.queued_at < db_now() - timedelta(seconds=stale_after)),
        )
        .order_by(Source.next_run_at.asc().nulls_first())
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    # Only the scheduler's own sources: a row another configuration wrote (a command run with
    # another file, a worker with a newer one) is not this cluster's to crawl.
    query = query.where(Source.name.in_(configured))
    due = [(name, next_run or now) for name, next_run in session.execute(query)]
    if due:
        session.execute(
            update(Source)
            .where(Source.name.in_([name for name, _ in due]))
            .values(queued_at=now, claimed_by=None)
            .execution_options(synchronize_session=False)
        )
    return due


def unqueue(session: Session, names: Sequence[str], token: str) -> None:
    """Undo `take_due` for sources whose tasks could not be published."""
    session.execute(
        update(Source)
        .where(Source.name.in_(list(names)), Source.queued_at == datetime.fromisoformat(token))
        .values(queued_at=None)
        .execution_options(synchronize_session=False)
    )


def orders(due: Sequence[tuple[str, datetime]], token: datetime, batch: int) -> list[CrawlOrder]:
    """The due sources in tasks of at most `batch` sources each (a crawl process costs a few tenths
    of a second to start; a handful of sources in one crawl share that)."""
    return [
        CrawlOrder(
            sources=[name for name, _ in due[start : start + batch]],
            token=token.isoformat(),
            due=[moment.timestamp() for _, moment in due[start : start + batch]],
        )
        for start in range(0, len(due), batch)
    ]


def claim(session: Session, order: CrawlOrder, worker: str) -> list[str]:
    """The order's sources still queued with its token, now claimed by `worker`."""
    token = datetime.fromisoformat(order.token)
    return list(
        session.scalars(
            update(Source)
            .where(Source.name.in_(order.sources), Source.queued_at == token)
            .values(claimed_by=worker)
            .returning(Source.name)
            .execution_options(synchronize_session=False)
        )
    )


def with_deferred_pages(session: Session, names: Sequence[str]) -> set[str]:
    """Which of `names` have pages left over for their next cycle (more than one cycle fetches)."""
    return set(
        session.scalars(
            select(PendingPage.source)
            .where(PendingPage.source.in_(list(names)), PendingPage.status == "deferred")
            .distinct()
        )
    )


def finish(session: Session, names: Sequence[str], worker: str, next_runs: dict[str, datetime]) -> None:
    """The worker is done with `names`: no longer queued or claimed; `next_runs` moves the next
    crawl of some (never earlier than a backoff the crawl recorded)."""
    rows = session.scalars(
        select(Source).where(Source.name.in_(list(names)), Source.claimed_by == worker).with_for_update()
    )
    for row in rows:
        row.queued_at = row.claimed_by = None
        wanted = next_runs.get(row.name)
        if wanted is not None:
            row.next_run_at = wanted
        if row.backoff_until is not None and (row.next_run_at is None or row.next_run_at < row.backoff_until):
            row.next_run_at = row.backoff_until


def release(session: Session, workers: Sequence[str]) -> int:
    """Crawls claimed by workers found dead: queued no more, so the leader queues them again at
    once (their next run has not moved)."""
    if not workers:
        return 0
    result = session.execute(
        update(Source)
        .where(Source.claimed_by.in_(list(workers)))
        .values(queued_at=None, claimed_by=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]  # DML runs give a CursorResult
