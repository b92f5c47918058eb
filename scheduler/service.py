"""`newswatch run`: the long-lived service.

APScheduler (3.x, a BackgroundScheduler) holds one job per source at its interval with jitter,
`max_instances=1` and `coalesce` so runs never overlap or pile up, plus jobs that send due alerts,
build digests, apply retention, check source health and write a heartbeat.

Each crawl runs in a child process with a time-out: Twisted's reactor can run once per process,
CPU-heavy extraction would stall a shared loop, and a spider that hangs or leaks must not take the
service with it. The parent only schedules, sends and watches; its children crawl with the
configuration it validated (passed to them, never read from the file again), and SIGHUP reloads
the file, applied whole or refused whole. One service per database: it holds a lease on the
`service_state` row (scheduler/lease.py) that a second `newswatch run` finds and refuses.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from newswatch.domain.items import SourceSpec
from newswatch.scheduler.config import Config

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler

    from newswatch.alerts.dispatch import Dispatcher

log = logging.getLogger("newswatch.service")


def _now() -> datetime:
    return datetime.now(UTC)


# At a stop, how long before the end of the grace period a running crawl is asked to stop
# (SIGTERM), to end its cycle; at most half the grace period.
CHILD_STOP = 1.0

# What a crawl child needs, imported once by the fork server (see Service.__init__).
CRAWL_MODULES = [
    "scrapy.crawler",
    # Components each crawl loads by name: imported here once, not in every child (the HTTP
    # handler's import alone walks the call stack for a deprecation shim, ~1 s of CPU per crawl).
    "scrapy.core.downloader.handlers.http11",
    "scrapy.core.scheduler",
    "scrapy.pqueues",
    "scrapy.downloadermiddlewares.retry",
    "scrapy.downloadermiddlewares.redirect",
    "scrapy.downloadermiddlewares.httpcompression",
    "scrapy.downloadermiddlewares.robotstxt",
    "scrapy.extensions.throttle",
    "scrapy.extensions.remote_control",  # switched off (crawler/cycle.py), but its key is resolved
    "scrapy.spidermiddlewares.referer",
    "newswatch.crawler.cycle",
    "newswatch.crawler.spider",
    "newswatch.crawler.pipelines",
    "newswatch.domain.fingerprint",
    "newswatch.db.store",
    "newswatch.scheduler.app",
    "newswatch.scheduler.config",
    "newswatch.scheduler.logs",
    "newswatch.scheduler.service",
]


def crawl_child(
    config: Config, source_names: list[str], log_level: str, log_format: str, done, alone: bool = True
) -> None:
    """Entry point of a crawl child process: run one cycle for the sources with the scheduler's
    validated configuration (never the file again: an edit takes effect when the scheduler
    reloads it, whole), then say so on `done` (a pipe's sending end). `alone`: no other crawl was running when it
    started, so in auto mode it may prepare pages in worker processes; beside other crawls it
    uses a thread (each crawl child a process of its own already keeps the cores busy, and pools
    on top of several children only cost start-up and memory: 1.96x the time of `newswatch crawl`
    for a 300-page first cycle, against 1.18x with threads; bench/run.py --only coldrun)."""
    from dataclasses import replace

    from newswatch.crawler.cycle import run_cycle
    from newswatch.scheduler.app import cycle_context, open_db, select_sources
    from newswatch.scheduler.logs import setup_logging

    setup_logging(log_level, log_format)
    sessions = open_db(config)
    specs = select_sources(config, tuple(source_names))
    context = cycle_context(config, sessions, specs)
    if not alone and context.crawl.extract_workers == 0:
        context.crawl = replace(context.crawl, extract_workers=1)
    report = run_cycle(context)
    failed = report.failed_sources
    if failed:
        log.warning(
            "cycle failed sources=%s stored=%d matched=%d alerts=%d folded=%d error=%s",
            ",".join(source_names),
            report.stored,
            report.matched,
            report.alerts_planned,
            report.folded,
            failed[0].summary_error,
        )
    else:
        log.info(
            "cycle done sources=%s stored=%d matched=%d alerts=%d folded=%d",
            ",".join(source_names),
            report.stored,
            report.matched,
            report.alerts_planned,
            report.folded,
        )
    # Pages left over for want of room in this cycle: the service runs the next one soon.
    done.send(("done", sum(len(o.deferred) for o in report.sources.values())))
    done.close()


def _child_result(finished) -> tuple[bool, int]:
    """Whether a crawl child said it finished before it exited, and how many pages it left over."""
    try:
        if finished.poll():
            said = finished.recv()
            if isinstance(said, tuple) and said and said[0] == "done":
                return True, int(said[1])
    except (EOFError, OSError, TypeError, ValueError, IndexError):
        pass
    return False, 0


@dataclass
class ServiceState:
    stopping: threading.Event = field(default_factory=threading.Event)
    reload: threading.Event = field(default_factory=threading.Event)  # SIGHUP asked to reload the config
    children: dict[int, BaseProcess] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    started_at: datetime = field(default_factory=_now)


class Service:
    """The scheduler and its jobs, bound to one configuration and database."""

    def __init__(
        self,
        config: Config,
        sessions: sessionmaker[Session],
        log_level: str = "INFO",
        log_format: str = "text",
        crawl_target=None,
        log_overrides: tuple[str | None, str | None] = (None, None),
    ) -> None:
        from newswatch.scheduler.lease import new_owner

        self.config = config
        # The log level and format given on the command line, which a reload does not change.
        self.log_overrides = log_overrides
        self.owner = new_owner()  # this process's lease on the database (scheduler/lease.py)
        # What a crawl child runs: crawl_child, or a stand-in given by a test.
        self.crawl_target = crawl_target or crawl_child
        self.sessions = sessions
        self.log_level, self.log_format = log_level, log_format
        self.state = ServiceState()
        self.scheduler: BackgroundScheduler | None = None
        self.dispatcher: Dispatcher | None = None  # the alert sender (alerts/dispatch.py), made on the first send
        # Crawl children fork from a server process that has imported Scrapy, trafilatura and
        # the rest once: a crawl starts in milliseconds instead of re-importing for a second
        # or two of CPU, and the server itself never runs a reactor or opens the database.
        self._mp = multiprocessing.get_context("forkserver")
        self._mp.set_forkserver_preload(CRAWL_MODULES)

    # Jobs ---------------------------------------------------------------------------------

    def crawl(self, source_names: list[str]) -> str:
        """Run one crawl of `source_names` in a child process; returns how it ended."""
        if self.state.stopping.is_set():
            return "skipped"
        if self._backing_off(source_names):
            return "backoff"
        config = self.config  # the configuration of this crawl, whatever a reload does meanwhile
        timeout = config.settings.service.crawl_timeout
        # The child says it finished on a pipe of its own: with several children running, the
        # fork server sometimes loses an exit status and reports 255 for a crawl that ended
        # well (CPython issue 140867; measured here on 3.11), so the status alone can't tell.
        finished, done = self._mp.Pipe(duplex=False)
        # Not a daemon: a crawl of many pages prepares them in worker processes of its own, which a
        # daemonic process may not start. The service stops its children itself (stop_children).
        with self.state.lock:
            alone = not self.state.children
            child = self._mp.Process(
                target=self.crawl_target,
                args=(config, source_names, self.log_level, self.log_format, done),
                kwargs={"alone": alone},
                name=f"crawl-{'+'.join(source_names)[:40]}",
                daemon=False,
            )
            child.start()
            assert child.pid is not None  # a started process has one
            self.state.children[child.pid] = child
        done.close()
        try:
            child.join(timeout)
            if child.is_alive():
                log.error("crawl timed out sources=%s timeout=%ss", ",".join(source_names), int(timeout))
                self._stop_child(child, grace=5)
                self._record_crash(source_names, f"crawl timed out after {int(timeout)}s and was stopped")
                return "timeout"
            said_done, left_over = _child_result(finished)
            if child.exitcode != 0 and not said_done:
                outcome = "stopped" if self.state.stopping.is_set() else f"crashed (exit {child.exitcode})"
                log.error("crawl failed sources=%s outcome=%s", ",".join(source_names), outcome)
                if not self.state.stopping.is_set():
                    self._record_crash(source_names, f"crawl process {outcome}")
                return "failed"
        finally:
            finished.close()
            with self.state.lock:
                self.state.children.pop(child.pid, None)
        self.mark_cycle()
        if left_over:
            self._run_again_soon(source_names, left_over)
        self.send()
        return "ok"

    def _run_again_soon(self, source_names: list[str], left_over: int) -> None:
        """A cycle left pages for the next one: run it in a moment, not a whole interval later."""
        if self.scheduler is None or len(source_names) != 1 or self.state.stopping.is_set():
            return
        try:
            self.scheduler.modify_job(f"crawl:{source_names[0]}", next_run_time=_now() + timedelta(seconds=1))
            log.info("pages left for the next cycle source=%s count=%d: running it now", source_names[0], left_over)
        except Exception:  # the job is gone (the service is stopping): the pages wait in the store
            log.debug("could not reschedule source=%s", source_names[0], exc_info=True)

    def _backing_off(self, source_names: list[str]) -> bool:
        """True when every source asked for is backing off: no child process is started."""
        from newswatch.db.models import Source

        now = _now()
        with self.sessions() as session:
            rows = list(session.scalars(select(Source).where(Source.name.in_(source_names))))
        return (
            bool(rows)
            and len(rows) == len(source_names)
            and all(row.backoff_until is not None and row.backoff_until > now for row in rows)
        )

    def _record_crash(self, source_names: list[str], reason: str) -> None:
        from newswatch.db.models import Source
        from newswatch.db.store import sync_sources

        now = _now()
        with self.sessions.begin() as session:
            # A source whose very first crawl died has no row yet: the crash must still show.
            sync_sources(session, self.config.source_specs())
            for row in session.scalars(select(Source).where(Source.name.in_(source_names))):
                row.status, row.error = "error", reason
                row.consecutive_errors = (row.consecutive_errors or 0) + 1
                row.last_fetch_at = now

    def send(self) -> None:
        """Start sending the alerts that are due, and return at once: each target's deliveries go
        out in a thread of their own (alerts/dispatch.py), each send stopped after
        `alerts.send_timeout`. A crawl job that calls this never waits for a notification service."""
        from newswatch.scheduler.app import alert_dispatcher

        if self.state.stopping.is_set():
            return  # what is due stays in the outbox for the next run
        try:
            with self.state.lock:  # crawl jobs finish in several threads at once: one sender
                if self.dispatcher is None:
                    self.dispatcher = alert_dispatcher(self.config, self.sessions)
            self.dispatcher.kick()
        except Exception:
            log.exception("sending alerts failed")

    def digest(self) -> None:
        from newswatch.alerts.policy import make_digest
        from newswatch.alerts.targets import targets_from
        from newswatch.scheduler.app import alert_settings, topic_alerting

        settings = alert_settings(self.config)
        topics = [t for t in topic_alerting(self.config).values() if t.mode == "digest"]
        if not topics:
            return
        now = _now()
        with self.sessions.begin() as session:
            make_digest(session, topics, None, now, targets_from(settings), settings, now)
        self.send()

    def retention(self) -> None:
        from newswatch.db.store import drop_unmatched_text

        days = self.config.settings.service.retention_days
        with self.sessions.begin() as session:
            dropped = drop_unmatched_text(session, _now() - timedelta(days=days))
        log.info("retention dropped_texts=%d older_than_days=%d", dropped, days)

    def health(self) -> None:
        from newswatch.scheduler.health import check_sources

        check_sources(self.config, self.sessions, _now())
        self.send()

    def heartbeat(self) -> None:
        """Renew the lease; a lease taken over meanwhile (this process was stalled past it, and
        another scheduler started) stops this one, so that only one crawls."""
        from newswatch.scheduler.lease import renew

        if not renew(self.sessions, self.owner, _now()):
            log.error("lost the database lease to another newswatch run: stopping")
            self.state.stopping.set()

    def record_leadership(self) -> None:
        """Cluster mode: the leading scheduler writes the service row (`newswatch status`) whoever
        wrote it before; which scheduler leads is decided by the cluster's own lease."""
        from newswatch.scheduler.lease import acquire

        acquire(self.sessions, self.owner, _now(), timedelta(0), self.state.started_at)

    def acquire_lease(self) -> None:
        """Take the database's service lease, or raise lease.LeaseHeld: another `newswatch run`
        holds it (its heartbeat is fresher than three heartbeats and ten seconds)."""
        from newswatch.scheduler.lease import acquire

        heartbeat = self.config.settings.service.heartbeat
        acquire(self.sessions, self.owner, _now(), timedelta(seconds=3 * heartbeat + 10), self.state.started_at)

    def release_orphaned_claims(self) -> None:
        """A previous run killed mid-send left deliveries claimed: those its targets had accepted
        count as sent, the others are sent again."""
        from newswatch.alerts.outbox import reclaim
        from newswatch.scheduler.app import alert_settings

        reclaim(self.sessions, _now(), alert_settings(self.config))

    def mark_cycle(self) -> None:
        from newswatch.db.models import ServiceState as Row

        with self.sessions.begin() as session:
            row = session.get(Row, 1)
            if row is not None:
                row.last_cycle_at = _now()

    def mark_stopped(self) -> None:
        from newswatch.scheduler.lease import release

        release(self.sessions, self.owner, _now())

    def reload(self) -> bool:
        """Read the configuration file again (SIGHUP): apply it whole, or refuse it whole and
        keep running with the current one, saying why in the log. Returns whether it applied."""
        from newswatch.scheduler.config import load_config
        from newswatch.scheduler.config_files import ConfigError

        path = self.config.path
        if path is None:
            log.warning("configuration reload: running on the built-in default, there is no file to read")
            return False
        try:
            new = load_config(str(path), env={})
            if new.database_url != self.config.database_url:
                raise ConfigError(str(path), "database.url", "changed; restart newswatch run to use another database")
            jobs = self._crawl_jobs(new)
        except ConfigError as exc:
            log.error("configuration reload refused, still running the previous one: %s", exc)
            return False
        old, self.config = self.config, new
        self._apply_jobs(old, new, jobs)
        if new.settings.alerts != old.settings.alerts:
            self._retire_dispatcher()
        level = (self.log_overrides[0] or new.settings.logging.level).upper()
        fmt = self.log_overrides[1] or new.settings.logging.format
        if (level, fmt) != (self.log_level, self.log_format):
            from newswatch.scheduler.logs import setup_logging

            setup_logging(level, fmt)
            self.log_level, self.log_format = level, fmt
        log.info("configuration reloaded from %s: sources=%d topics=%d", path, len(jobs), len(new.settings.topics))
        if not new.settings.topics:
            log.warning(
                "configuration reload: %s has no [[topics]]: articles are stored, none matches a topic or alerts",
                path,
            )
        return True

    def _retire_dispatcher(self) -> None:
        """After a reload that changed `[alerts]`: the next send starts a dispatcher with the new
        targets and settings; sends under way finish (each claimed delivery is sent once) and the
        old one's worker processes close, in the background."""
        with self.state.lock:
            retired, self.dispatcher = self.dispatcher, None
        if retired is not None:
            retired.stopping.set()
            timeout = self.config.settings.alerts.send_timeout
            threading.Thread(
                target=retired.stop, args=(time.monotonic() + timeout,), name="retire-sender", daemon=True
            ).start()

    def _crawl_jobs(self, config: Config) -> dict[str, SourceSpec]:
        """The crawl jobs a configuration asks for: job id -> the source's spec."""
        from newswatch.scheduler.app import select_sources

        return {f"crawl:{spec.name}": spec for spec in select_sources(config)}

    def _apply_jobs(self, old: Config, new: Config, jobs: dict[str, SourceSpec]) -> None:
        """Bring the running scheduler's jobs in line with `new`: sources added, removed or with a
        new interval, and the side jobs' timings. A source whose interval is unchanged keeps its
        next run."""
        if self.scheduler is None:
            return
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        previous = {job.id: job for job in self.scheduler.get_jobs() if job.id.startswith("crawl:")}
        was = self._crawl_jobs(old)
        for job_id in previous.keys() - jobs.keys():
            self.scheduler.remove_job(job_id)
        service = new.settings.service
        for job_id, spec in jobs.items():
            if job_id in previous and was.get(job_id) is not None and was[job_id].interval == spec.interval:
                previous[job_id].modify(args=[[spec.name]])
                continue
            self._add_crawl_job(self.scheduler, spec, service, replace=True)
        self.scheduler.reschedule_job("send", trigger=IntervalTrigger(seconds=service.send_every))
        self.scheduler.reschedule_job("heartbeat", trigger=IntervalTrigger(seconds=service.heartbeat))
        alerts = new.settings.alerts
        zone = alerts.timezone or _local_zone()
        self.scheduler.reschedule_job("digest", trigger=CronTrigger.from_crontab(alerts.digest_cron, timezone=zone))

    def _add_crawl_job(self, scheduler, spec, service, replace: bool = False) -> None:
        from apscheduler.triggers.interval import IntervalTrigger

        jitter = min(service.jitter, spec.interval / 10)
        scheduler.add_job(
            self.crawl,
            IntervalTrigger(seconds=spec.interval, jitter=jitter),
            args=[[spec.name]],
            id=f"crawl:{spec.name}",
            name=f"crawl {spec.name}",
            next_run_time=_now() + timedelta(seconds=1),
            misfire_grace_time=max(1, int(spec.interval / 2)),
            replace_existing=replace,
        )

    # Scheduling ---------------------------------------------------------------------------

    def build_scheduler(self):
        """The APScheduler with every job; not started."""
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.background import BackgroundScheduler
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        from newswatch.scheduler.app import select_sources

        service = self.config.settings.service
        alerts = self.config.settings.alerts
        specs = select_sources(self.config)
        workers = max(2, min(4, len(specs)))
        scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(workers), "side": ThreadPoolExecutor(2)},
            job_defaults={"coalesce": True, "max_instances": 1},
            timezone=alerts.timezone or _local_zone(),
        )
        for spec in specs:
            self._add_crawl_job(scheduler, spec, service)
        scheduler.add_job(
            self.send,
            IntervalTrigger(seconds=service.send_every),
            id="send",
            executor="side",
            misfire_grace_time=int(service.send_every) + 1,
        )
        scheduler.add_job(
            self.heartbeat,
            IntervalTrigger(seconds=service.heartbeat),
            id="heartbeat",
            executor="side",
            next_run_time=_now(),
            misfire_grace_time=int(service.heartbeat) + 1,
        )
        scheduler.add_job(
            self.digest,
            CronTrigger.from_crontab(alerts.digest_cron, timezone=alerts.timezone or _local_zone()),
            id="digest",
            executor="side",
            misfire_grace_time=3600,
        )
        scheduler.add_job(
            self.retention,
            IntervalTrigger(hours=24),
            id="retention",
            executor="side",
            next_run_time=_now() + timedelta(minutes=5),
            misfire_grace_time=3600,
        )
        scheduler.add_job(
            self.health,
            IntervalTrigger(minutes=5),
            id="health",
            executor="side",
            next_run_time=_now() + timedelta(minutes=1),
            misfire_grace_time=300,
        )
        return scheduler

    def _stop_child(self, child, grace: float) -> None:
        if child.is_alive():
            child.terminate()
            child.join(grace)
        if child.is_alive():
            child.kill()
            child.join(2)

    def stop_children(self, grace: float) -> None:
        """Let running crawls finish within `grace` seconds: until CHILD_STOP before its end they
        run on, then they are asked to stop (SIGTERM), and those still running at its end are
        killed. A crawl cut short loses nothing: what it had not stored is fetched next time."""
        deadline = time.monotonic() + grace
        with self.state.lock:
            children = list(self.state.children.values())
        for child in children:
            child.join(max(0.0, deadline - min(CHILD_STOP, grace / 2) - time.monotonic()))
        for child in children:
            if child.is_alive():
                child.terminate()
        for child in children:
            child.join(max(0.0, deadline - time.monotonic()))
        for child in children:
            if child.is_alive():
                child.kill()
                child.join(1)

    def run_forever(self, grace: float = 20.0) -> int:
        """Run until SIGTERM/SIGINT; a second signal stops at once. Returns the exit status."""
        signals = {"count": 0}

        def _on_signal(signum, _frame):
            signals["count"] += 1
            if signals["count"] == 1:
                log.info("stopping signal=%s grace=%ss", signal.Signals(signum).name, int(grace))
                self.state.stopping.set()
            else:
                log.warning("second signal: stopping now")
                with self.state.lock:
                    for child in self.state.children.values():
                        if child.is_alive():
                            child.kill()
                os._exit(0)

        signal.signal(signal.SIGTERM, _on_signal)
        signal.signal(signal.SIGINT, _on_signal)
        # SIGHUP reloads the configuration file, from the main loop below (not the handler).
        signal.signal(signal.SIGHUP, lambda _signum, _frame: self.state.reload.set())
        self.acquire_lease()
        self.scheduler = self.build_scheduler()
        self.release_orphaned_claims()
        self.scheduler.start()
        log.info(
            "service started pid=%d sources=%d",
            os.getpid(),
            len([j for j in self.scheduler.get_jobs() if j.id.startswith("crawl:")]),
        )
        while not self.state.stopping.wait(1.0):
            if self.state.reload.is_set():
                self.state.reload.clear()
                self.reload()
        deadline = time.monotonic() + grace
        self.scheduler.shutdown(wait=False)
        if self.dispatcher is not None:
            self.dispatcher.stopping.set()  # no new sends; those under way share the grace period
        self.stop_children(grace)
        if self.dispatcher is not None:
            self.dispatcher.stop(deadline)
        self.mark_stopped()
        log.info("service stopped")
        return 0


def _local_zone():
    from tzlocal import get_localzone

    try:
        return get_localzone()
    except Exception:
        return UTC
