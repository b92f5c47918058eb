"""`newswatch run` in cluster mode: a scheduler. Any number run, on any machines; the one holding
the lease (lease.py) leads, the others wait to take over.

Every second the leader puts the due sources' crawls on the crawl queue (dispatch.py; several
sources to a task), and on their own timers alert sending, source health, retention and the
digest on the send queue. Every heartbeat it looks for workers no longer seen and hands their
crawls and alert claims to the others. Due times live in the database (`sources.next_run_at`),
not in the scheduler, so a scheduler taking over carries on where the last one stopped.

A scheduler that cannot reach the broker does not lead: it could queue nothing. It lets go of
the lease (or does not take it) and says so in one line, so that a scheduler on another machine
that reaches the broker leads meanwhile; it contends again once the broker answers.
"""

from __future__ import annotations

import functools
import logging
import os
import signal
import threading
import time
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from newswatch.cluster import dispatch, lease, nodes
from newswatch.cluster.celery_app import CRAWL, DIGEST, HEALTH, RETENTION, SEND, Queues, make_celery
from newswatch.cluster.nodes import Node
from newswatch.cluster.status import queue_depths
from newswatch.scheduler.config import Config
from newswatch.scheduler.service import Service, _local_zone

log = logging.getLogger("newswatch.cluster.scheduler")

TICK = 1.0
DUE_PER_QUERY = 1000
HEALTH_EVERY, RETENTION_EVERY = 300.0, 86400.0


def _now() -> datetime:
    return datetime.now(UTC)


class ClusterScheduler:
    def __init__(self, config: Config, sessions: sessionmaker[Session], log_level: str, log_format: str) -> None:
        self.config, self.sessions = config, sessions
        self.cluster = config.settings.cluster
        self.node = Node.this_process(nodes.SCHEDULER)
        self.app = make_celery(config)
        self.queues = Queues.of(config)
        # The single-machine service's heartbeat row (`newswatch status`) is written by the leader.
        self.service = Service(config, sessions, log_level=log_level, log_format=log_format)
        self.stopping = threading.Event()
        self.leading = False
        self.lease_until = 0.0  # monotonic: lead no longer than this without renewing
        self.configured: frozenset[str] = frozenset()  # the enabled sources it queues (take_over)
        self.timers: dict[str, float] = {}  # job -> monotonic time it is due
        self.intervals: dict[str, float] = {}
        self.next_digest: datetime | None = None
        self.broker_error: str | None = None  # why the broker could not be reached, last time it was tried

    # The broker ---------------------------------------------------------------------------

    def broker_reachable(self) -> bool:
        """Whether the broker answers now; says so in one line when that changes."""
        try:
            with self.app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=0)
        except Exception as exc:
            self._broker_failed(exc)
            return False
        if self.broker_error is not None:
            log.info("broker reachable again node=%s", self.node.name)
            self.broker_error = None
        return True

    def _broker_failed(self, exc: Exception) -> None:
        problem = f"{type(exc).__name__}: {exc}"
        if problem != self.broker_error:
            log.warning("cannot reach the broker node=%s error=%s", self.node.name, problem)
        self.broker_error = problem

    @functools.cached_property
    def _broker_errors(self) -> tuple[type[BaseException], ...]:
        """What a publish raises when the broker does not answer: kombu's wrapper and the transport's own."""
        from kombu.exceptions import OperationalError

        return (OperationalError, *self.app.connection_for_write().connection_errors)

    def _is_broker_error(self, exc: Exception) -> bool:
        return isinstance(exc, self._broker_errors)

    # Leadership ---------------------------------------------------------------------------

    def contend(self) -> None:
        """Take or renew the lease; follow when another scheduler holds it, or when the broker
        does not answer (letting go of the lease if this one held it)."""
        if not self.broker_reachable():
            if self.leading:
                log.warning("scheduler gives up the lead: it cannot reach the broker node=%s", self.node.name)
                self.leading = False
                try:
                    with self.sessions.begin() as session:
                        lease.release(session, lease.SCHEDULER, self.node.name)
                except Exception as exc:
                    log.warning("could not release the scheduler lease: %s", exc)
            return
        asked = time.monotonic()
        try:
            with self.sessions.begin() as session:
                held = lease.hold(session, lease.SCHEDULER, self.node.name, self.cluster.lease)
        except Exception as exc:  # the database is unreachable: lead until the lease would lapse
            log.warning("could not renew the scheduler lease: %s", exc)
            return
        if held:
            # A second of margin: stop leading before another scheduler may take over.
            self.lease_until = asked + self.cluster.lease - 1.0
            if not self.leading:
                self.take_over()
        elif self.leading:
            log.warning("scheduler lost the lead node=%s", self.node.name)
            self.leading = False

    def take_over(self) -> None:
        from newswatch.db.store import sync_sources

        specs = self.config.source_specs()
        with self.sessions.begin() as session:
            sync_sources(session, specs)
            self.configured = frozenset(spec.name for spec in specs if spec.enabled)
            nodes.forget_old(session)
        now = time.monotonic()
        service = self.config.settings.service
        self.timers = {
            "send": now,
            "lost": now,
            "heartbeat": now,
            "health": now + 60.0,
            "retention": now + 300.0,
        }
        self.intervals = {
            "send": service.send_every,
            "lost": self.cluster.heartbeat,
            "heartbeat": service.heartbeat,
            "health": HEALTH_EVERY,
            "retention": RETENTION_EVERY,
        }
        self.next_digest = self._digest_after(_now())
        self.leading = True
        log.info("scheduler leads node=%s sources=%d", self.node.name, len(self.configured))

    def _digest_after(self, moment: datetime) -> datetime | None:
        from apscheduler.triggers.cron import CronTrigger

        alerts = self.config.settings.alerts
        zone = alerts.timezone or _local_zone()
        return CronTrigger.from_crontab(alerts.digest_cron, timezone=zone).get_next_fire_time(None, moment)

    # Leading ------------------------------------------------------------------------------

    def lead(self) -> None:
        self.dispatch_due()
        now = time.monotonic()
        for job, due in list(self.timers.items()):
            if now >= due:
                self.timers[job] = now + self.intervals[job]
                self._run_timed(job)
        # A digest the broker could not take is put on the queue once it answers again.
        due = self.next_digest is not None and _now() >= self.next_digest
        if due and (self._run_timed("digest") or self.broker_error is None):
            self.next_digest = self._digest_after(_now())

    def _run_timed(self, job: str) -> bool:
        """Run one of the leader's timed jobs; False when it failed (said in the log)."""
        try:
            if job == "send":
                # One send task waiting is enough: workers busy for a while must not find a pile.
                if queue_depths(self.app, self.queues).get("send", 0) == 0:
                    self.publish(SEND)
            elif job == "lost":
                self.recover_lost()
            elif job == "heartbeat":
                self.service.record_leadership()
            elif job == "digest":
                self.publish(DIGEST)
            else:
                self.publish({"health": HEALTH, "retention": RETENTION}[job])
        except Exception as exc:
            if self._is_broker_error(exc):
                self._broker_failed(exc)
            else:
                log.exception("scheduler job failed job=%s", job)
            return False
        return True

    def publish(self, task: str, args: list | None = None, producer=None) -> None:
        self.app.send_task(task, args=args or [], queue=self.queues.for_task(task), producer=producer)

    def dispatch_due(self) -> int:
        """Put the due sources' crawls on the queue; returns how many sources."""
        stale_after = 2 * self.config.visibility_timeout
        total = 0
        try:
            with self.app.producer_or_acquire() as producer:
                while not self.stopping.is_set():
                    token = _now()
                    with self.sessions.begin() as session:
                        due = dispatch.take_due(session, token, self.configured, DUE_PER_QUERY, stale_after)
                    # Published once the marks are committed: a worker claims a task by its mark.
                    self._publish_orders(dispatch.orders(due, token, self.cluster.batch), producer)
                    total += len(due)
                    if len(due) < DUE_PER_QUERY:
                        break
        except Exception as exc:
            if self._is_broker_error(exc):
                self._broker_failed(exc)  # the crawls are due again at the next tick
            else:
                log.exception("putting due crawls on the queue failed")
        if total:
            log.info("crawls queued sources=%d", total)
        return total

    def _publish_orders(self, orders: list[dispatch.CrawlOrder], producer) -> None:
        for done, order in enumerate(orders):
            try:
                self.publish(CRAWL, order.as_args(), producer)
            except Exception:
                # Not on the queue after all: due again at the next tick.
                with self.sessions.begin() as session:
                    dispatch.unqueue(session, [name for left in orders[done:] for name in left.sources], order.token)
                raise

    def recover_lost(self) -> None:
        """Workers no longer seen: their crawls are queued again, their alert claims released."""
        from newswatch.alerts.outbox import release_claims_of

        with self.sessions.begin() as session:
            lost = nodes.take_lost(session, self.cluster.heartbeat)
            workers = [node.name for node in lost if node.role == nodes.WORKER]
            crawls = dispatch.release(session, workers)
            claims = release_claims_of(session, workers)
        for node in lost:
            log.warning(
                "%s lost node=%s last_seen=%s crawls_requeued=%d deliveries_released=%d",
                node.role,
                node.name,
                node.seen_at.isoformat(),
                crawls if node.role == nodes.WORKER else 0,
                claims if node.role == nodes.WORKER else 0,
            )

    # Life ---------------------------------------------------------------------------------

    def run_forever(self) -> int:
        """Run until SIGTERM/SIGINT; a second signal stops at once. Returns the exit status."""
        signals = {"count": 0}

        def _on_signal(signum, _frame):
            signals["count"] += 1
            if signals["count"] > 1:
                os._exit(0)
            log.info("stopping signal=%s", signal.Signals(signum).name)
            self.stopping.set()

        signal.signal(signal.SIGTERM, _on_signal)
        signal.signal(signal.SIGINT, _on_signal)
        # Every scheduler and worker holds the configuration: one process cannot change it alone.
        signal.signal(
            signal.SIGHUP,
            lambda _signum, _frame: log.warning(
                "configuration reload: not in cluster mode; restart every scheduler and worker to apply a changed file"
            ),
        )
        with self.sessions.begin() as session:
            nodes.register(session, self.node)
        log.info("scheduler started node=%s lease=%ss", self.node.name, int(self.cluster.lease))
        next_beat = next_contend = 0.0
        while not self.stopping.is_set():
            now = time.monotonic()
            if now >= next_beat:
                next_beat = now + self.cluster.heartbeat
                self._beat()
            if now >= next_contend:
                next_contend = now + self.cluster.lease / 3
                self.contend()
            if self.leading and time.monotonic() >= self.lease_until:
                log.warning("scheduler lease lapsed, no longer leading node=%s", self.node.name)
                self.leading = False
            if self.leading:
                self.lead()
            self.stopping.wait(TICK)
        self._stop()
        return 0

    def _beat(self) -> None:
        try:
            with self.sessions.begin() as session:
                nodes.beat(session, self.node)
        except Exception as exc:
            log.warning("heartbeat failed: %s", exc)

    def _stop(self) -> None:
        try:
            with self.sessions.begin() as session:
                if self.leading:
                    # Another scheduler takes over at its next try, not when the lease runs out.
                    lease.release(session, lease.SCHEDULER, self.node.name)
                nodes.stopped(session, self.node)
            if self.leading:
                self.service.mark_stopped()
        except Exception as exc:
            log.warning("could not record the scheduler's stop: %s", exc)
        log.info("scheduler stopped node=%s", self.node.name)


def run_scheduler(config: Config, sessions: sessionmaker[Session], log_level: str, log_format: str) -> int:
    return ClusterScheduler(config, sessions, log_level, log_format).run_forever()
