"""`newswatch worker`: a Celery worker that runs crawls and sends alerts, any number on any machines.

Its tasks run in threads (Celery's `threads` pool): each crawl runs in a child process of its own,
started the way the single-machine service starts one (scheduler/service.py's `Service.crawl`:
Twisted's reactor can't restart, and the child is stopped when it runs past
`service.crawl_timeout`). Prefork pool processes are daemonic and may not start children, which
is why it is threads. With `crawl.extract_workers` at 0, a crawl alone on the worker prepares
its pages in worker processes of its own, one per core, and beside other crawls in a thread
(crawler/pipelines.py decides); `extract_workers = 1` keeps each crawl to one core.

SIGTERM (or Ctrl+C) stops taking tasks, gives running crawls `grace` seconds, stops the rest
(their sources are queued again by the leading scheduler) and exits 0.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from newswatch.cluster import crawl_guard, dispatch, nodes
from newswatch.cluster.celery_app import CRAWL, DIGEST, HEALTH, RETENTION, SEND, Queues, make_celery
from newswatch.cluster.dispatch import CrawlOrder
from newswatch.cluster.nodes import Node
from newswatch.scheduler.config import Config
from newswatch.scheduler.service import Service, crawl_child

log = logging.getLogger("newswatch.cluster.worker")

BUSY_RETRY = 30.0  # a source some other process is crawling is looked at again this much later


def _now() -> datetime:
    return datetime.now(UTC)


class WorkerService(Service):
    """The service's jobs as a worker runs them: crawls in guarded children (crawl_guard.py), and
    alerts put on the send queue, for whichever worker is free, instead of sent in place."""

    def __init__(
        self,
        config: Config,
        sessions: sessionmaker[Session],
        log_level: str,
        log_format: str,
        enqueue_send: Callable[[], None],
    ) -> None:
        self.lifeline = crawl_guard.lifeline()  # (receiving end, sending end): kept open while we live
        guarded = functools.partial(crawl_guard.guarded_crawl, config.database_url, self.lifeline[0], crawl_child)
        super().__init__(config, sessions, log_level=log_level, log_format=log_format, crawl_target=guarded)
        self._enqueue_send = enqueue_send

    def send(self) -> None:
        try:
            self._enqueue_send()
        except Exception:
            log.exception("could not queue alert sending (the leading scheduler queues it again shortly)")


class WorkerRuntime:
    """What the tasks of one worker process run, bound to its configuration, database and node."""

    def __init__(self, config: Config, sessions: sessionmaker[Session], node: Node, log_level: str, log_format: str):
        self.config, self.sessions, self.node = config, sessions, node
        self.app = make_celery(config)
        self.queues = Queues.of(config)
        self.service = WorkerService(config, sessions, log_level, log_format, self.enqueue_send)
        self.intervals = {spec.name: spec.interval for spec in config.source_specs()}
        self.stopping = threading.Event()
        # Set when the worker has finished: it says it is alive through its grace period too, or
        # the scheduler would take a worker letting its crawls finish for a lost one.
        self.finished = threading.Event()
        self._register_tasks()

    def enqueue_send(self) -> None:
        self.app.send_task(SEND, queue=self.queues.send)

    def _register_tasks(self) -> None:
        app, runtime = self.app, self

        @app.task(name=CRAWL, bind=True)
        def crawl(task, sources: list[str], token: str, due: list[float]) -> str:
            info = task.request.delivery_info or {}
            return runtime.crawl(CrawlOrder(list(sources), token, list(due)), bool(info.get("redelivered")))

        @app.task(name=SEND)
        def send() -> None:
            runtime.send_now()

        @app.task(name=DIGEST)
        def digest() -> None:
            runtime.service.digest()

        @app.task(name=HEALTH)
        def health() -> None:
            runtime.service.health()

        @app.task(name=RETENTION)
        def retention() -> None:
            runtime.service.retention()

    # Tasks --------------------------------------------------------------------------------

    def crawl(self, order: CrawlOrder, redelivered: bool = False) -> str:
        """Crawl the order's sources still queued with its token; returns how it ended."""
        started = time.time()
        waited = ",".join(f"{max(0.0, started - due):.2f}" for due in order.due)
        with self.sessions.begin() as session:
            claimed = dispatch.claim(session, order, self.node.name)
        log.info(
            "crawl task started sources=%s claimed=%d waited=%s redelivered=%s",
            ",".join(order.sources),
            len(claimed),
            waited,
            redelivered,
        )
        if not claimed:
            log.info("crawl task is stale, its sources were queued again since sources=%s", ",".join(order.sources))
            return "stale"
        # A source a scheduler with another configuration queued (an edited file applied to some
        # processes only) is not this worker's: left to one that knows it, not failed here.
        unknown = [name for name in claimed if name not in self.intervals]  # its configured sources
        if unknown:
            log.warning(
                "crawl task names sources this worker's configuration does not have, left alone sources=%s",
                ",".join(unknown),
            )
            self._finish(unknown, "unknown", {})
            claimed = [name for name in claimed if name in self.intervals]
            if not claimed:
                return "unknown"
        outcome, next_runs = "failed", {}
        try:
            with self.sessions() as session:
                busy = crawl_guard.busy(session.connection(), claimed)
            now = _now()
            for name in busy:
                next_runs[name] = now + timedelta(seconds=min(self.intervals.get(name, BUSY_RETRY), BUSY_RETRY))
            if busy:
                log.info("sources crawled elsewhere right now sources=%s", ",".join(sorted(busy)))
            run = [name for name in claimed if name not in busy]
            outcome = self.service.crawl(run) if run else "busy"
        finally:
            self._finish(claimed, outcome, next_runs)
        return outcome

    def _finish(self, claimed: list[str], outcome: str, next_runs: dict[str, datetime]) -> None:
        """Clear the queued mark, and move the next run when the crawl could not record it."""
        now = _now()
        try:
            with self.sessions.begin() as session:
                if outcome == "ok":
                    for name in dispatch.with_deferred_pages(session, claimed):
                        next_runs[name] = now  # pages left over: the next cycle runs now
                elif outcome in ("timeout", "failed") and not self.stopping.is_set():
                    for name in claimed:
                        next_runs.setdefault(name, now + timedelta(seconds=self.intervals.get(name, 900.0)))
                dispatch.finish(session, claimed, self.node.name, next_runs)
        except Exception:
            log.exception("could not record the end of a crawl sources=%s", ",".join(claimed))

    def send_now(self) -> None:
        from newswatch.scheduler.app import send_alerts

        budget = min(60.0, self.config.visibility_timeout / 2)
        report = send_alerts(self.config, self.sessions, console=None, claimant=self.node.name, max_seconds=budget)
        if report.sent or report.failed or report.retrying:
            log.info("alerts sent=%d failed=%d retrying=%d", report.sent, report.failed, report.retrying)

    # Life ---------------------------------------------------------------------------------

    def beat_until_stopped(self) -> None:
        every = self.config.settings.cluster.heartbeat
        while not self.finished.wait(every):
            try:
                with self.sessions.begin() as session:
                    nodes.beat(session, self.node)
            except Exception as exc:
                log.warning("heartbeat failed: %s", exc)

    def stop(self, grace: float) -> None:
        """Warm shutdown: running crawls get `grace` seconds, then their children are stopped."""
        self.stopping.set()
        self.service.state.stopping.set()
        self.service.stop_children(grace)


def run_worker(
    config: Config, sessions: sessionmaker[Session], concurrency: int, log_level: str, log_format: str, grace: float
) -> int:
    """Run the worker until SIGTERM/SIGINT; returns the exit status."""
    from celery import signals
    from celery.apps.worker import install_worker_term_handler

    node = Node.this_process(nodes.WORKER, concurrency)
    runtime = WorkerRuntime(config, sessions, node, log_level, log_format)
    with sessions.begin() as session:
        nodes.register(session, node)
    threading.Thread(target=runtime.beat_until_stopped, name="newswatch-heartbeat", daemon=True).start()

    def on_shutting_down(**_):
        # Called in the signal handler: the stopping is done by a thread of its own.
        threading.Thread(target=runtime.stop, args=(grace,), name="newswatch-stop", daemon=True).start()

    signals.worker_shutting_down.connect(on_shutting_down, sender=node.name, weak=False)

    class Worker(runtime.app.Worker):  # type: ignore[name-defined]  # a class Celery makes per app
        def install_platform_tweaks(self, worker):
            super().install_platform_tweaks(worker)
            # Ctrl+C stops the way SIGTERM does: warm, exit 0 (Celery's own exits 1).
            install_worker_term_handler(worker, sig="SIGINT")

    worker = Worker(
        hostname=node.name,
        pool_cls="threads",
        concurrency=concurrency,
        queues=[runtime.queues.crawl, runtime.queues.send],
        loglevel=log_level,
        quiet=True,
        without_gossip=True,
        without_mingle=True,
    )
    log.info("worker started node=%s concurrency=%d", node.name, concurrency)
    try:
        worker.start()
    finally:
        runtime.stopping.set()
        runtime.finished.set()
        try:
            with sessions.begin() as session:
                nodes.stopped(session, node)
        except Exception as exc:
            log.warning("could not record the worker's stop: %s", exc)
        log.info("worker stopped node=%s", node.name)
    return worker.exitcode or 0
