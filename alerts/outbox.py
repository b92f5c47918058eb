"""The sender: claims due deliveries from the outbox, sends each to its target, records the outcome.

`send_due` is synchronous and bounded (at most `limit` deliveries, one apprise call each with a
timeout, no sleeping): the service calls it from its own thread or job so crawling never waits
on a slow notification service. A claim is a conditional UPDATE that only one sender can win;
a claim older than the lease is taken to be a crashed sender's and may be claimed again. A
delivery recorded 'sent' is never sent again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from time import monotonic
from typing import TextIO

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, joinedload, sessionmaker

from newswatch.alerts.settings import AlertSettings, display_zone
from newswatch.alerts.targets import CONSOLE_ID, Target, console_target, scrub
from newswatch.db.models import Alert, Delivery

log = logging.getLogger(__name__)
CONSOLE_LOG = logging.getLogger("newswatch.alerts.console")

EXEMPT_KINDS = ("test",)  # someone is waiting for these: no quiet hours, no rate limit


@dataclass
class SendReport:
    """What one `send_due` call did. `by_target`: target label -> the last error it gave;
    `errors`: the same as "label: error" lines."""

    sent: int = 0
    failed: int = 0
    retrying: int = 0
    deferred: int = 0  # due, but held back by quiet hours, the rate limit or a target failing this round
    by_target: dict[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> list[str]:
        return [f"{label}: {error}" for label, error in self.by_target.items()]

    def __str__(self) -> str:
        lines = [f"{self.sent} sent, {self.retrying} to retry, {self.failed} failed, {self.deferred} waiting"]
        return "\n  ".join(lines + self.errors)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def quiet_until(now: datetime, settings: AlertSettings) -> datetime | None:
    """When the quiet hours around `now` end (UTC), or None when `now` is not in quiet hours."""
    if not settings.quiet_hours:
        return None
    start, end = settings.quiet_hours
    local = _utc(now).astimezone(display_zone(settings))
    zone = local.tzinfo
    moment = local.time().replace(tzinfo=None)

    def at(day: date, when) -> datetime:
        return datetime.combine(day, when).replace(tzinfo=zone).astimezone(UTC)

    if start < end:
        return at(local.date(), end) if start <= moment < end else None
    if moment >= start:
        return at(local.date() + timedelta(days=1), end)
    if moment < end:
        return at(local.date(), end)
    return None


def backoff(attempts: int, settings: AlertSettings) -> float:
    """Seconds before attempt number `attempts + 1`: retry_base doubling each time, capped."""
    return min(settings.retry_base * 2 ** max(attempts - 1, 0), settings.retry_cap)


def _console_block(alert: Alert, title: str, body: str) -> str:
    heading = f"── newswatch {alert.kind}" + (f" · {alert.topic}" if alert.topic else "") + " "
    return f"{heading:─<72}\n{title}\n\n{body.rstrip()}\n\n"


def _words_for(alert: Alert, target: Target) -> tuple[str, str]:
    payload = alert.payload or {}
    words = (payload.get("variants") or {}).get(target.id) or payload.get("render") or {}
    title = words.get("title") or alert.title
    body = words.get(target.format) or words.get("markdown") or alert.body
    return title, body


def _due(now: datetime, settings: AlertSettings):
    stale = now - timedelta(seconds=settings.lease)
    return or_(
        and_(Delivery.status == "pending", or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now)),
        and_(Delivery.status == "sending", Delivery.claimed_at <= stale),
    )


def _claim(
    session: Session,
    delivery_id: int,
    status: str,
    attempts: int,
    now: datetime,
    settings: AlertSettings,
    claimant: str | None = None,
) -> bool:
    """Take the delivery for this sender (`claimant` names it in cluster mode); False when another
    sender got there first (or has tried it since it was seen: `attempts` changed)."""
    condition = [
        Delivery.id == delivery_id,
        Delivery.status == status,
        Delivery.attempts == attempts,
        _due(now, settings),
    ]
    result = session.execute(
        update(Delivery)
        .where(*condition)
        .values(status="sending", claimed_at=now, claimed_by=claimant)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _record(sessions: sessionmaker, delivery_id: int, claim: datetime, **values) -> None:
    """Write a send's outcome, unless the claim was lost meanwhile (lease expired, taken over)."""
    with sessions.begin() as session:
        session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id, Delivery.status == "sending", Delivery.claimed_at == claim)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def _release(sessions: sessionmaker, delivery_id: int, seen_status: str, **values) -> None:
    """Change a delivery this sender did not claim, if it is still as it was seen."""
    with sessions.begin() as session:
        session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id, Delivery.status == seen_status)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def send_due(
    sessionmaker: sessionmaker,
    targets: list[Target],
    settings: AlertSettings,
    now: datetime | None = None,
    console: TextIO | None = None,
    limit: int = 100,
    max_seconds: float | None = None,
    claimant: str | None = None,
) -> SendReport:
    """Send what is due now and return.

    `now` fixes the clock (tests). `console` is the stream the console target (no targets
    configured) writes its blocks to; without one they go to the log at INFO, so machine output
    on stdout stays clean. At most `limit` deliveries are handled, and none is started after
    `max_seconds` of wall time. `claimant` (cluster mode) names this sender on its claims, so that
    the claims of a sender found dead can be released (`release_claims_of`)."""
    from newswatch.alerts import transport  # apprise loads only when something is sent

    clock = (lambda: _utc(now)) if now is not None else (lambda: datetime.now(UTC))
    started = clock()
    report = SendReport()
    known = {target.id: target for target in targets}
    known.setdefault(CONSOLE_ID, console_target())
    quiet_end = quiet_until(started, settings)

    with sessionmaker() as session:
        due = session.execute(
            select(Delivery.id, Delivery.status, Delivery.target, Delivery.target_label, Delivery.attempts, Alert.kind)
            .join(Alert, Delivery.alert_id == Alert.id)
            .where(_due(started, settings))
            .order_by(Alert.created_at, Delivery.id)
            .limit(limit)
        ).all()
        last_sent: dict[str, datetime] = {}
        if settings.rate_limit > 0 and due:
            last_sent = {
                target: _utc(moment)
                for target, moment in session.execute(
                    select(Delivery.target, func.max(Delivery.sent_at))
                    .where(Delivery.status == "sent", Delivery.target.in_({row.target for row in due}))
                    .group_by(Delivery.target)
                ).all()
                if moment is not None
            }

    failing: set[str] = set()
    stop_at = monotonic() + max_seconds if max_seconds is not None else None
    for row in due:
        if stop_at is not None and monotonic() >= stop_at:
            report.deferred += 1
            continue
        target = known.get(row.target)
        if target is None:
            _release(
                sessionmaker,
                row.id,
                row.status,
                status="failed",
                claimed_at=None,
                error=f"target {row.target_label} is no longer configured",
            )
            report.failed += 1
            report.by_target[row.target_label] = "no longer configured"
            continue
        exempt = target.is_console or row.kind in EXEMPT_KINDS
        if row.target in failing or (quiet_end is not None and not exempt):
            report.deferred += 1
            continue
        if settings.rate_limit > 0 and not exempt and row.target in last_sent:
            allowed = last_sent[row.target] + timedelta(seconds=settings.rate_limit)
            if clock() < allowed:
                _release(sessionmaker, row.id, row.status, status="pending", claimed_at=None, next_attempt_at=allowed)
                report.deferred += 1
                continue

        claimed_at = clock()
        with sessionmaker.begin() as session:
            if not _claim(session, row.id, row.status, row.attempts, claimed_at, settings, claimant):
                continue
            alert = session.scalar(
                select(Alert).where(
                    Alert.id == select(Delivery.alert_id).where(Delivery.id == row.id).scalar_subquery()
                )
            )
            title, body = _words_for(alert, target)
            block = _console_block(alert, title, body) if target.is_console else ""

        try:
            if target.is_console and console is not None:
                console.write(block)
                console.flush()
            elif target.is_console:
                CONSOLE_LOG.info("%s", block.rstrip())
            else:
                transport.send(target.url, title, body, target.format, timeout=settings.send_timeout)
        except Exception as exc:  # TransportError, or anything a plugin or stream raised
            permanent = bool(getattr(exc, "permanent", False))
            error = scrub(str(exc) or type(exc).__name__, target.url)
            attempts = row.attempts + 1
            gives_up = permanent or attempts >= settings.retry_limit
            finished = clock()
            retry_at = None if gives_up else finished + timedelta(seconds=backoff(attempts, settings))
            _record(
                sessionmaker,
                row.id,
                claimed_at,
                attempts=attempts,
                error=error,
                status="failed" if gives_up else "pending",
                claimed_at=None,
                next_attempt_at=retry_at,
            )
            log.warning(
                "alert delivery %s to %s failed (attempt %d%s): %s",
                row.id,
                target.label,
                attempts,
                ", giving up" if gives_up else "",
                error,
            )
            report.by_target[target.label] = error
            if gives_up:
                report.failed += 1
            else:
                report.retrying += 1
            failing.add(row.target)
            continue

        finished = clock()
        _record(
            sessionmaker,
            row.id,
            claimed_at,
            status="sent",
            sent_at=finished,
            attempts=row.attempts + 1,
            error=None,
            next_attempt_at=None,
        )
        report.sent += 1
        last_sent[row.target] = finished
    return report


def retry_failed(session: Session, alert_id: int | None = None) -> int:
    """Queue failed deliveries again (all, or one alert's) with a fresh attempt count; the caller
    commits. Returns how many."""
    condition = [Delivery.status == "failed"]
    if alert_id is not None:
        condition.append(Delivery.alert_id == alert_id)
    requeue = (
        update(Delivery)
        .where(*condition)
        .values(status="pending", attempts=0, next_attempt_at=None, claimed_at=None, error=None)
    )
    result = session.execute(requeue.execution_options(synchronize_session=False))
    return result.rowcount or 0


def list_deliveries(session: Session, status: str | None = None, limit: int = 50) -> list[Delivery]:
    """Delivery rows (their `alert` loaded), newest alert first, optionally only those with
    `status` (pending, sending, sent, failed). Rows carry the masked label, never a URL."""
    query = (
        select(Delivery)
        .join(Alert, Delivery.alert_id == Alert.id)
        .options(joinedload(Delivery.alert))
        .order_by(Alert.created_at.desc(), Delivery.id.desc())
        .limit(limit)
    )
    if status:
        query = query.where(Delivery.status == status)
    return list(session.scalars(query).unique())


def release_orphaned_claims(session: Session, claimed_before: datetime) -> int:
    """Deliveries a sender claimed and then died with (the service starting again knows its
    previous run is gone): back to pending, to be sent again. Whether the dead sender's attempt
    reached the target is unknown, so this may deliver twice; it never loses an alert, and a
    delivery confirmed sent is never touched."""
    result = session.execute(
        update(Delivery)
        .where(Delivery.status == "sending", Delivery.claimed_at < claimed_before)
        .values(status="pending", claimed_at=None, next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def release_claims_of(session: Session, claimants: list[str]) -> int:
    """Deliveries claimed by senders found dead (cluster mode: workers no longer seen): back to
    pending, to be sent again, as `release_orphaned_claims` does for a restarted service. A
    delivery confirmed sent is never touched."""
    if not claimants:
        return 0
    result = session.execute(
        update(Delivery)
        .where(Delivery.status == "sending", Delivery.claimed_by.in_(claimants))
        .values(status="pending", claimed_at=None, claimed_by=None, next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
