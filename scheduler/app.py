"""The composition root: turns a validated `Config` into the objects each package takes.

The CLI and the service call these; no other package reads the configuration.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from sqlalchemy.orm import Session, sessionmaker

from newswatch.crawler.context import CrawlSettings, CycleContext
from newswatch.domain.items import SourceSpec
from newswatch.scheduler.config import Config

# The alerts package is imported where it is used: commands that never send don't pay for it.
if TYPE_CHECKING:
    from newswatch.alerts.dispatch import Dispatcher
    from newswatch.alerts.outbox import SendReport
    from newswatch.alerts.policy import CycleBudget
    from newswatch.alerts.settings import AlertSettings, TopicAlerting
    from newswatch.alerts.targets import Target
    from newswatch.db.models import Article
    from newswatch.domain.matching import NearMiss


def crawl_settings(config: Config) -> CrawlSettings:
    c = config.settings.crawl
    return CrawlSettings(
        allow_private_addresses=c.allow_private_addresses,
        obey_robots_txt=c.obey_robots_txt,
        user_agent=c.user_agent,
        timeout=c.timeout,
        max_page_size=c.max_page_size,
        max_redirects=c.max_redirects,
        concurrency=c.concurrency,
        per_domain_concurrency=c.per_domain_concurrency,
        max_articles_per_source=c.max_articles_per_source,
        max_item_age=c.max_item_age,
        full_fetch_every=c.full_fetch_every,
        retries=c.retries,
        extract_workers=c.extract_workers,
    )


def alert_settings(config: Config) -> AlertSettings:
    from newswatch.alerts.settings import AlertSettings

    a = config.settings.alerts
    config_file = None
    if a.config:
        path = Path(a.config)
        if not path.is_absolute() and config.path is not None:
            path = config.path.parent / path
        config_file = str(path)
    return AlertSettings(
        urls=tuple(a.urls),
        config_file=config_file,
        max_age=a.max_age,
        max_per_cycle=a.max_per_cycle,
        updates=a.updates,
        preview_updates=a.preview_updates,
        retry_limit=a.retry_limit,
        retry_base=a.retry_base,
        rate_limit=a.rate_limit,
        quiet_hours=a.quiet_hours,
        timezone=a.timezone,
        digest_cron=a.digest_cron,
        title_template=a.title_template,
        body_template=a.body_template,
        lease=a.claim_timeout,
        retry_cap=a.retry_cap,
        send_timeout=a.send_timeout,
    )


def topic_alerting(config: Config) -> dict[str, TopicAlerting]:
    from newswatch.alerts.settings import TopicAlerting

    return {t.name: TopicAlerting(name=t.name, mode=t.alert, tags=tuple(t.tags)) for t in config.settings.topics}


@dataclass
class AlertWiring:
    """What the crawl pipeline calls to plan alerts for a new article, bound to one cycle (the
    crawler's AlertPlanner)."""

    settings: AlertSettings
    targets: list[Target]
    topics: dict[str, TopicAlerting]
    budget: CycleBudget
    enabled: bool = True

    def plan(
        self,
        session: Session,
        row: Article,
        now: datetime,
        below: Sequence[NearMiss] = (),
        topics: Collection[str] | None = None,
    ) -> int:
        """Plan the alerts of a newly stored article; `below`: its near misses (NearMiss).
        `topics`: only these of its matches (a rematch's new ones); what the article's note says
        of its other topics is kept."""
        from newswatch.alerts.policy import plan_for_article

        if not self.enabled:
            row.alert_note = "not alerted: this crawl ran with --no-alerts"
            return 0
        matches = [m for m in row.matches if topics is None or m.topic in topics]
        earlier = row.alert_note if topics is not None else None
        planned = plan_for_article(
            session, row, matches, self.topics, self.targets, self.settings, self.budget, now, below
        )
        added = row.alert_note
        if topics is not None and added and added.startswith("not alerted:"):
            added = f"{', '.join(sorted(m.topic for m in matches))}: {added}"  # a copy, too old: name the topics
        row.alert_note = "; ".join(note for note in (earlier, added) if note) or None
        return sum(1 for alert in planned if alert.kind in ("instant", "update"))

    def finish(self, session: Session, now: datetime) -> int:
        """End the cycle: the alerts over its cap go out as one summary; how many those were."""
        from newswatch.alerts.policy import finish_cycle

        if not self.enabled:
            return 0
        folded = len(self.budget.folded)
        finish_cycle(session, self.budget, self.targets, self.settings, now)
        return folded


def alert_wiring(config: Config, enabled: bool = True) -> AlertWiring:
    from newswatch.alerts.policy import CycleBudget
    from newswatch.alerts.targets import targets_from

    settings = alert_settings(config)
    return AlertWiring(
        settings=settings,
        targets=targets_from(settings),
        topics=topic_alerting(config),
        budget=CycleBudget(settings.max_per_cycle),
        enabled=enabled,
    )


def open_db(config: Config) -> sessionmaker[Session]:
    from newswatch.db.session import open_database

    return open_database(config.database_url)


def select_sources(config: Config, names: tuple[str, ...] = ()) -> list[SourceSpec]:
    specs = [s for s in config.source_specs() if s.enabled or s.name in names]
    if names:
        unknown = set(names) - {s.name for s in specs}
        if unknown:
            raise KeyError(", ".join(sorted(unknown)))
        specs = [s for s in specs if s.name in names]
    return specs


def cycle_in_child(
    config: Config,
    names: tuple[str, ...],
    alerts: bool,
    ignore_backoff: bool,
    log_level: str,
    log_format: str,
    done,
) -> None:
    """Entry point of a process that runs one crawl cycle of the sources `names` and sends its
    report on `done` (a pipe's sending end): `newswatch crawl`'s cycles after its first."""
    from newswatch.crawler.cycle import run_cycle
    from newswatch.scheduler.logs import setup_logging

    setup_logging(log_level, log_format)
    sessions = open_db(config)
    context = cycle_context(
        config, sessions, select_sources(config, names), alerts=alerts, forced=names, ignore_backoff=ignore_backoff
    )
    done.send(run_cycle(context))
    done.close()


def cycle_context(
    config: Config,
    sessions: sessionmaker[Session],
    sources: list[SourceSpec],
    alerts: bool = True,
    forced: tuple[str, ...] = (),
    ignore_backoff: bool = False,
) -> CycleContext:
    from newswatch.domain.matching import compile_topics

    return CycleContext(
        sources=sources,
        topics=compile_topics(config.topic_specs()),
        crawl=crawl_settings(config),
        sessions=sessions,
        now=datetime.now(UTC),
        alerting=alert_wiring(config, enabled=alerts),
        forced=frozenset(forced),
        ignore_backoff=ignore_backoff,
    )


def alert_dispatcher(
    config: Config,
    sessions: sessionmaker[Session],
    console: TextIO | None = None,
    claimant: str | None = None,
    alert_ids: Collection[int] | None = None,
) -> Dispatcher:
    """The alert sender for this configuration (alerts/dispatch.py): one loop per target.
    `claimant`: the cluster worker sending (its claims are released if it dies); `alert_ids`:
    only these alerts' deliveries."""
    from newswatch.alerts.dispatch import Dispatcher
    from newswatch.alerts.targets import targets_from

    settings = alert_settings(config)
    return Dispatcher(
        sessions, targets_from(settings), settings, console=console, claimant=claimant, alert_ids=alert_ids
    )


def send_alerts(
    config: Config,
    sessions: sessionmaker[Session],
    console: TextIO | None,
    claimant: str | None = None,
    max_seconds: float | None = None,
    alert_ids: Collection[int] | None = None,
) -> SendReport:
    """Send every delivery that is due now (or only `alert_ids`' deliveries), each target in a
    thread of its own; returns what the outbox did. `max_seconds`: start no send after that."""
    return alert_dispatcher(config, sessions, console, claimant, alert_ids).run_once(max_seconds)
