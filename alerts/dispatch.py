"""Sending off the caller's thread: one sending loop per target, so a slow target delays only its
own deliveries, and nothing that crawls or schedules ever waits for a notification service.

`kick` starts a loop for each target that has deliveries due and no loop running yet, and
returns at once; `run_once` kicks and waits (the command line). `stop` lets the sends under way
finish until a deadline, then stops them (alerts/courier.py kills their worker processes): every
delivery is left sent, due again, or accepted-and-sent, for the next `run` or `alerts send`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection
from datetime import UTC, datetime
from time import monotonic
from typing import TextIO

from sqlalchemy.orm import Session, sessionmaker

from newswatch.alerts.courier import Courier
from newswatch.alerts.outbox import SendReport, due_targets, send_due
from newswatch.alerts.settings import AlertSettings
from newswatch.alerts.targets import CONSOLE_ID, Target

log = logging.getLogger("newswatch.alerts")


class Dispatcher:
    """Sends the outbox's due deliveries, one thread per target."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        targets: list[Target],
        settings: AlertSettings,
        console: TextIO | None = None,
        claimant: str | None = None,
        alert_ids: Collection[int] | None = None,
    ) -> None:
        self.sessions, self.targets, self.settings, self.console = sessions, targets, settings, console
        self.alert_ids = alert_ids  # only these alerts' deliveries (a test notification), else all
        self.claimant = claimant  # cluster mode: the worker's name on its claims (outbox.send_due)
        self.deadline: float | None = None  # time.monotonic() after which no send starts
        self.courier = Courier()
        self.stopping = threading.Event()
        self.report = SendReport()
        self._lock = threading.Lock()
        self._loops: dict[str, threading.Thread] = {}

    def kick(self) -> None:
        """Start a sending loop for every target with deliveries due (and none running); return."""
        if self.stopping.is_set():
            return
        due = due_targets(self.sessions, datetime.now(UTC), self.settings)
        with self._lock:
            for target_id in due:
                loop = self._loops.get(target_id)
                if loop is None or not loop.is_alive():
                    # A daemon: a send cut off by `stop` must not keep the process from exiting.
                    loop = threading.Thread(
                        target=self._loop, args=(target_id,), name=f"send-{target_id[:8]}", daemon=True
                    )
                    self._loops[target_id] = loop
                    loop.start()

    def _loop(self, target_id: str) -> None:
        """Send one target's due deliveries, round after round while there are more."""
        try:
            while not self.stopping.is_set():
                report = send_due(
                    self.sessions,
                    self.targets,
                    self.settings,
                    console=self.console if target_id == CONSOLE_ID else None,
                    target_ids={target_id},
                    courier=self.courier,
                    stop=self.stopping,
                    claimant=self.claimant,
                    max_seconds=None if self.deadline is None else max(0.0, self.deadline - monotonic()),
                    alert_ids=self.alert_ids,
                )
                self._add(report)
                if report.sent or report.failed or report.retrying:
                    log.info("alerts sent=%d failed=%d retrying=%d", report.sent, report.failed, report.retrying)
                # Another round only while this one sent everything it found (a full batch).
                if not report.sent or report.retrying or report.failed or report.deferred:
                    return
        except Exception:  # a sending loop must never take the service down; the next kick retries
            log.exception("sending alerts failed")

    def _add(self, report: SendReport) -> None:
        with self._lock:
            self.report.sent += report.sent
            self.report.failed += report.failed
            self.report.retrying += report.retrying
            self.report.deferred += report.deferred
            self.report.held += report.held
            self.report.quiet_end = report.quiet_end or self.report.quiet_end
            self.report.by_target.update(report.by_target)

    def wait(self, deadline: float | None = None) -> bool:
        """Wait for the loops running now, until `deadline` (time.monotonic()); True when all ended."""
        with self._lock:
            loops = list(self._loops.values())
        for loop in loops:
            loop.join(None if deadline is None else max(0.0, deadline - monotonic()))
        return not any(loop.is_alive() for loop in loops)

    def run_once(self, max_seconds: float | None = None) -> SendReport:
        """Send everything due now, each target in its own thread, and say what was done; no send
        starts after `max_seconds`."""
        if max_seconds is not None:
            self.deadline = monotonic() + max_seconds
        try:
            self.kick()
            self.wait()
        finally:
            self.courier.close()
        return self.report

    def stop(self, deadline: float) -> None:
        """No new sends; those under way may finish until `deadline`, then they are stopped and
        their deliveries left due again (or sent, when their target had accepted them)."""
        self.stopping.set()
        if not self.wait(deadline):
            log.warning("stopping alert sends still under way")
            self.courier.abort()
            self.wait(monotonic() + 5)
        self.courier.close()
