"""The sender: claims due deliveries from the outbox, sends each to its target, records the outcome.

`send_due` is synchronous and bounded (at most `limit` deliveries, each sent in a worker process
killed after `send_timeout`: alerts/courier.py); alerts/dispatch.py runs it off the caller's
thread, one loop per target, so crawling never waits on a notification service and a slow
target delays only its own deliveries. A claim is a conditional UPDATE that only one sender can
win, and names its process; a claim whose process died (on this host), or older than the lease,
is taken back. Delivery is at least once: a delivery recorded 'sent', or accepted by its target
(its answer's status said so, `sent_at` set) is never sent again; one whose send was cut short
before that is sent again, with the same delivery id, which every notification carries.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from threading import Event
from time import monotonic
from typing import TYPE_CHECKING, TextIO

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, joinedload, sessionmaker

from newswatch.alerts.settings import AlertSettings, display_zone
from newswatch.alerts.targets import CONSOLE_ID, Target, console_target, scrub
from newswatch.db import owners
from newswatch.db.models import Alert, Delivery
from newswatch.db.reading import QUIET_HELD

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    from newswatch.alerts.courier import Courier

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
    held: int = 0  # of those deferred, the ones held by quiet hours (until `quiet_end`)
    quiet_end: datetime | None = None
    by_target: dict[str, str] = field(default_factory=dict)

    def counts(self) -> str:
        """One line for the commands: sent, failed, retrying, and what waits, and why."""
        line = f"sent {self.sent}, failed {self.failed}, retrying {self.retrying}"
        if self.held:
            line += f", held by quiet hours {self.held}"
            if self.quiet_end is not None:
                line += f" (until {self.quiet_end:%Y-%m-%d %H:%M} UTC)"
        if self.deferred > self.held:
            line += f", waiting {self.deferred - self.held} (rate limit, a target failing this round, or time up)"
        return line

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


def _stale_before(now: datetime, settings: AlertSettings) -> datetime:
    """Claims made before this are a gone sender's: no send outlives its time-out, so a claim
    older than the lease, and than a send could take, is nobody's."""
    return now - timedelta(seconds=max(settings.lease, settings.send_timeout + 60))


def _due(now: datetime, settings: AlertSettings):
    stale = _stale_before(now, settings)
    return or_(
        and_(Delivery.status == "pending", or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now)),
        and_(Delivery.status == "sending", Delivery.claimed_at <= stale, Delivery.sent_at.is_(None)),
    )


def due_targets(sessions: sessionmaker, now: datetime, settings: AlertSettings) -> set[str]:
    """The targets that have deliveries due now (claims of gone senders taken back first)."""
    reclaim(sessions, now, settings)
    with sessions() as session:
        return set(session.scalars(select(Delivery.target).where(_due(now, settings)).distinct()))


def with_delivery_id(body: str, body_format: str, delivery_id: str) -> str:
    """The message with its delivery id as a last line: the same on every try, so that whoever
    reads it (a person, a bot) can tell a repeat from a new alert."""
    if body_format == "html":
        return f'{body}\n<p style="color:#777;font-size:11px">newswatch delivery {delivery_id}</p>'
    return f"{body.rstrip()}\n\nnewswatch delivery {delivery_id}"


def reclaim(sessions: sessionmaker, now: datetime, settings: AlertSettings) -> tuple[int, int]:
    """Take back the claims of senders that are gone: their process died (on this host), or their
    claim is older than the lease. A delivery its target had accepted becomes 'sent'; the others
    are due again at once, the cut try counted in their attempts. Returns (sent, released)."""
    stale = _stale_before(now, settings)
    settled = released = 0
    with sessions.begin() as session:
        claims = session.execute(
            select(Delivery.id, Delivery.claimed_at, Delivery.claimed_by, Delivery.sent_at).where(
                Delivery.status == "sending"
            )
        ).all()
        for claim in claims:
            gone = owners.is_dead(claim.claimed_by) or (claim.claimed_at is not None and claim.claimed_at <= stale)
            if not gone:
                continue
            accepted = claim.sent_at is not None
            values = {"status": "sent", "error": None} if accepted else {"status": "pending", "next_attempt_at": None}
            # The cut send was a try: the target may have the message (its delivery id tells a repeat).
            done = session.execute(
                update(Delivery)
                .where(Delivery.id == claim.id, Delivery.status == "sending", Delivery.claimed_at == claim.claimed_at)
                .values(claimed_at=None, claimed_by=None, attempts=Delivery.attempts + 1, **values)
                .execution_options(synchronize_session=False)
            )
            if done.rowcount == 1:
                settled += accepted
                released += not accepted
    if settled or released:
        log.warning(
            "took back deliveries of senders that are gone: %d accepted (sent), %d to send again", settled, released
        )
    return settled, released


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
        .values(status="sending", claimed_at=now, claimed_by=claimant or owners.me(), sent_at=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]  # DML runs give a CursorResult


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
    sessionmaker: sessionmaker[Session],
    targets: list[Target],
    settings: AlertSettings,
    now: datetime | None = None,
    console: TextIO | None = None,
    limit: int = 100,
    max_seconds: float | None = None,
    target_ids: Collection[str] | None = None,
    courier: Courier | None = None,
    stop: Event | None = None,
    claimant: str | None = None,
    alert_ids: Collection[int] | None = None,
) -> SendReport:
    """Send what is due now and return.

    `now` fixes the clock (tests). `console` is the stream the console target (no targets
    configured) writes its blocks to; without one they go to the log at INFO, so machine output
    on stdout stays clean. At most `limit` deliveries are handled, and none is started after
    `max_seconds` of wall time or once `stop` is set. `target_ids`: only these targets'
    deliveries. `courier` sends (alerts/courier.py); without one, a courier of this call's own.
    `claimant` (cluster mode) names this sender on its claims instead of its process, so that the
    claims of a worker found dead can be released (`release_claims_of`). `alert_ids`: only
    these alerts' deliveries (a test notification is sent on its own, not after the backlog)."""
    from newswatch.alerts.courier import Courier

    clock: Callable[[], datetime] = (lambda: _utc(now)) if now is not None else (lambda: datetime.now(UTC))
    started = clock()
    report = SendReport()
    known = {target.id: target for target in targets}
    known.setdefault(CONSOLE_ID, console_target())
    quiet_end = quiet_until(started, settings)
    reclaim(sessionmaker, started, settings)

    with sessionmaker() as session:
        query = (
            select(
                Delivery.id,
                Delivery.status,
                Delivery.target,
                Delivery.target_label,
                Delivery.attempts,
                Delivery.uid,
                Delivery.error,
                Alert.kind,
            )
            .join(Alert, Delivery.alert_id == Alert.id)
            .where(_due(started, settings))
            .order_by(Alert.id, Delivery.id)  # the order the alerts were planned in: storing order
            .limit(limit)
        )
        if target_ids is not None:
            query = query.where(Delivery.target.in_(list(target_ids)))
        if alert_ids is not None:
            query = query.where(Delivery.alert_id.in_(list(alert_ids)))
        due = session.execute(query).all()
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

    this = _Round(
        sessionmaker, settings, known, clock, console, courier or Courier(), quiet_end, last_sent, report, claimant
    )
    stop_at = monotonic() + max_seconds if max_seconds is not None else None
    try:
        for row in due:
            if (stop_at is not None and monotonic() >= stop_at) or (stop is not None and stop.is_set()):
                report.deferred += 1
                continue
            this.handle(row)
    finally:
        if courier is None:
            this.courier.close()
    return report


@dataclass
class _Round:
    """One `send_due` call: its clock, targets and courier, and what it has done so far."""

    sessions: sessionmaker
    settings: AlertSettings
    known: dict[str, Target]
    clock: Callable[[], datetime]
    console: TextIO | None
    courier: Courier
    quiet_end: datetime | None
    last_sent: dict[str, datetime]
    report: SendReport
    claimant: str | None = None
    failing: set[str] = field(default_factory=set)

    def handle(self, row) -> None:
        """Claim, send and record one due delivery, or hold it back, or find it taken."""
        target = self.known.get(row.target)
        if target is None:
            _release(
                self.sessions,
                row.id,
                row.status,
                status="failed",
                claimed_at=None,
                error=f"target {row.target_label} is no longer configured",
            )
            self.report.failed += 1
            self.report.by_target[row.target_label] = "no longer configured"
            return
        exempt = target.is_console or row.kind in EXEMPT_KINDS
        if row.target in self.failing:
            self.report.deferred += 1
            return
        if self.quiet_end is not None and not exempt:
            self.report.deferred += 1
            self.report.held += 1
            self.report.quiet_end = self.quiet_end
            # Said on the delivery, so that `show` and `alerts` tell why it waits; an error from
            # an earlier attempt is kept instead: it says more.
            held = f"{QUIET_HELD} {self.quiet_end:%Y-%m-%d %H:%M} UTC"
            if row.error is None or (row.error != held and row.error.startswith(QUIET_HELD)):
                _release(self.sessions, row.id, row.status, error=held)
            return
        if self.settings.rate_limit > 0 and not exempt and row.target in self.last_sent:
            allowed = self.last_sent[row.target] + timedelta(seconds=self.settings.rate_limit)
            if self.clock() < allowed:
                _release(self.sessions, row.id, row.status, status="pending", claimed_at=None, next_attempt_at=allowed)
                self.report.deferred += 1
                return

        claimed_at = self.clock()
        with self.sessions.begin() as session:
            if not _claim(session, row.id, row.status, row.attempts, claimed_at, self.settings, self.claimant):
                return
            alert = session.scalar(
                select(Alert).where(
                    Alert.id == select(Delivery.alert_id).where(Delivery.id == row.id).scalar_subquery()
                )
            )
            title, body = _words_for(alert, target)
        if target.is_console:
            self._to_console(_console_block(alert, title, body))
            self._sent(row, claimed_at)
            return

        def accepted() -> None:
            # Written the moment the target accepts it: a sender killed before it records the
            # outcome leaves a delivery that is taken for sent, never sent again.
            _record(self.sessions, row.id, claimed_at, sent_at=self.clock())

        delivery_id = row.uid or str(row.id)
        outcome = self.courier.send(
            target.url,
            title,
            with_delivery_id(body, target.format, delivery_id),
            target.format,
            delivery_id,
            self.settings.send_timeout,
            on_accepted=accepted,
        )
        if outcome.ok or outcome.accepted:
            if not outcome.ok:
                log.warning(
                    "alert delivery %s to %s was accepted, but its answer did not finish (%s): counted as sent",
                    row.id,
                    target.label,
                    outcome.error,
                )
            self._sent(row, claimed_at)
        elif outcome.stopped:
            # Cut short by a shutdown, not by the target: due again at once. The try is counted: the
            # target may have the message, and `alerts` shows as many attempts as it got.
            error = scrub(outcome.error or "stopped", target.url)
            _record(
                self.sessions,
                row.id,
                claimed_at,
                status="pending",
                next_attempt_at=None,
                error=error,
                attempts=row.attempts + 1,
                **_FREE,
            )
            self.report.deferred += 1
        else:
            self._failed(row, target, claimed_at, scrub(outcome.error or "the send failed", target.url), outcome)

    def _to_console(self, block: str) -> None:
        if self.console is not None:
            self.console.write(block)
            self.console.flush()
        else:
            CONSOLE_LOG.info("%s", block.rstrip())

    def _sent(self, row, claimed_at: datetime) -> None:
        finished = self.clock()
        _record(
            self.sessions,
            row.id,
            claimed_at,
            status="sent",
            sent_at=finished,
            attempts=row.attempts + 1,
            error=None,
            next_attempt_at=None,
            claimed_at=None,
            claimed_by=None,
        )
        self.report.sent += 1
        self.last_sent[row.target] = finished

    def _failed(self, row, target: Target, claimed_at: datetime, error: str, outcome) -> None:
        attempts = row.attempts + 1
        # A test alert is tried once: its sender is waiting for the answer, and a stale test
        # message arriving an hour later would only confuse.
        gives_up = outcome.permanent or attempts >= self.settings.retry_limit or row.kind == "test"
        retry_at = None if gives_up else self.clock() + timedelta(seconds=backoff(attempts, self.settings))
        status = "failed" if gives_up else "pending"
        _record(
            self.sessions,
            row.id,
            claimed_at,
            attempts=attempts,
            error=error,
            status=status,
            next_attempt_at=retry_at,
            **_FREE,
        )
        log.warning(
            "alert delivery %s to %s failed (attempt %d%s): %s",
            row.id,
            target.label,
            attempts,
            ", giving up" if gives_up else "",
            error,
        )
        self.report.by_target[target.label] = error
        if gives_up:
            self.report.failed += 1
        else:
            self.report.retrying += 1
        self.failing.add(row.target)


# What a delivery's outcome clears: its claim, and any acceptance of a send that did not stand.
_FREE = {"claimed_at": None, "claimed_by": None, "sent_at": None}


def give_up_untried(session: Session, alert_id: int, reason: str) -> int:
    """Mark the deliveries of `alert_id` still waiting as failed with `reason` (a test
    notification that could not be tried now is not to be sent later); the caller commits."""
    stop = (
        update(Delivery)
        .where(Delivery.alert_id == alert_id, Delivery.status == "pending")
        .values(status="failed", error=reason, next_attempt_at=None)
    )
    result = session.execute(stop.execution_options(synchronize_session=False))
    return result.rowcount or 0  # type: ignore[attr-defined]  # DML runs give a CursorResult


def retry_failed(session: Session, alert_id: int | None = None) -> int:
    """Queue failed deliveries again (all, or one alert's) with a fresh attempt count; the caller
    commits. Returns how many."""
    # A failed test notification is never sent later: someone waited for it then, not now.
    tests = select(Alert.id).where(Alert.kind.in_(EXEMPT_KINDS))
    condition = [Delivery.status == "failed", Delivery.alert_id.not_in(tests)]
    if alert_id is not None:
        condition.append(Delivery.alert_id == alert_id)
    requeue = (
        update(Delivery)
        .where(*condition)
        .values(status="pending", attempts=0, next_attempt_at=None, claimed_at=None, error=None)
    )
    result = session.execute(requeue.execution_options(synchronize_session=False))
    return result.rowcount or 0  # type: ignore[attr-defined]  # DML runs give a CursorResult


def list_deliveries(session: Session, status: str | None = None, limit: int = 50) -> list[Delivery]:
    """Delivery rows (their `alert` loaded), newest alert first, optionally only those with
    `status` (pending, sending, sent, failed). Rows carry the masked label, never a URL."""
    query = (
        select(Delivery)
        .join(Alert, Delivery.alert_id == Alert.id)
        .options(joinedload(Delivery.alert))
        .order_by(Alert.id.desc(), Delivery.id.desc())
        .limit(limit)
    )
    if status:
        query = query.where(Delivery.status == status)
    return list(session.scalars(query).unique())


def release_claims_of(session: Session, claimants: list[str]) -> int:
    """Deliveries claimed by senders found dead (cluster mode: workers no longer seen), as
    `reclaim` does for a dead sender of this host: one its target had accepted becomes 'sent',
    the others are due again at once. Returns how many will be sent again."""
    if not claimants:
        return 0
    claimed = [Delivery.status == "sending", Delivery.claimed_by.in_(claimants)]
    session.execute(
        update(Delivery)
        .where(*claimed, Delivery.sent_at.is_not(None))
        .values(status="sent", error=None, claimed_at=None, claimed_by=None)
        .execution_options(synchronize_session=False)
    )
    result = session.execute(
        update(Delivery)
        .where(*claimed)
        .values(status="pending", claimed_at=None, claimed_by=None, next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]  # DML runs give a CursorResult
