"""The configuration: one TOML file, validated once at start, then handed down as plain values.

Where the file is found (scheduler/config_files.py): `--config PATH`, else `$NEWSWATCH_CONFIG`,
else `./newswatch.toml`, else the built-in default (scheduler/template.py). Every problem is
reported as one `ConfigError` naming the file, the key and what is wrong; nothing runs on a bad
configuration.

The models below are the one place each key is declared: its type, its default (written as a
user writes it) and its one-line help. `newswatch init`'s file and the README's reference are
written from them (scheduler/template.py, scheduler/reference.py); the plain settings handed to
the crawler and alerts (scheduler/app.py) have no defaults of their own.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime, time
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from newswatch.domain.items import AlertMode, SourceSpec, SourceType, TopicSpec
from newswatch.domain.redact import mask_url
from newswatch.scheduler.config_files import (
    BUILT_IN,
    ConfigError,
    did_you_mean,
    find_config_path,
    read_config_text,
)
from newswatch.scheduler.durations import parse_duration, parse_quiet_hours, parse_size, size_within, within

Duration = Annotated[float, BeforeValidator(parse_duration)]
Size = Annotated[int, BeforeValidator(parse_size)]
# Durations with sane bounds: a time-out of 30.5e99 seconds, or of none at all, is a typo.
Timeout = Annotated[Duration, AfterValidator(within(1, 3600))]
Period = Annotated[Duration, AfterValidator(within(1, 86400))]
PageSize = Annotated[Size, AfterValidator(size_within(1024, 1024**3, "1KB and 1GB"))]


def _source_choice(value: Any) -> Any:
    if isinstance(value, bool) or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        return value
    raise ValueError(f"expected true, false or a list of source names, got {value!r}")


BuiltinChoice = Annotated[bool | list[str], BeforeValidator(_source_choice)]
QuietHours = Annotated[tuple[time, time] | None, BeforeValidator(parse_quiet_hours)]


class _Strict(BaseModel):
    # Defaults are written as a user writes them ("7d", "5MB") and validated like a user's value,
    # so the reference and `newswatch init` show them in the file's own spelling.
    # (Such fields also say validate_default=True themselves: type checkers then accept the string.)
    model_config = ConfigDict(extra="forbid", strict=False, frozen=True, validate_default=True)


class DatabaseConfig(_Strict):
    url: str = Field(
        "sqlite:///newswatch.db",
        description="any SQLAlchemy URL; a relative SQLite path is relative to this file",
        examples=["postgresql+psycopg://user:password@localhost/newswatch"],
    )


class CrawlConfig(_Strict):
    allow_private_addresses: bool = Field(
        strict=True,
        default=False,
        description="true: loopback, private and link-local hosts may be fetched (tests, intranets)",
    )
    obey_robots_txt: bool = Field(strict=True, default=True, description="honour each site's robots.txt")
    user_agent: str = Field(
        "newswatch/0.1 (+https://github.com/newswatch/newswatch; news monitor)",
        description="the User-Agent header of every request",
    )
    timeout: Timeout = Field("30s", validate_default=True, description="give up on a request after this long")
    max_page_size: PageSize = Field("5MB", validate_default=True, description="a larger page or feed is not downloaded")
    max_redirects: int = Field(strict=True, default=5, ge=0, le=20, description="redirects followed per request")
    concurrency: int = Field(
        strict=True,
        default=16,
        ge=1,
        le=256,
        description="requests at once in all; politeness adapts per site (AutoThrottle)",
    )
    per_domain_concurrency: int = Field(strict=True, default=2, ge=1, le=64, description="requests at once to one site")
    max_articles_per_source: int = Field(
        strict=True,
        default=100,
        ge=1,
        le=100_000,
        description="new articles fetched from one source per cycle; the rest in cycles run at once",
    )
    max_item_age: Duration = Field(
        "7d", validate_default=True, description="listing items published longer ago are not fetched"
    )
    full_fetch_every: Duration = Field(
        "1d",
        validate_default=True,
        description="fetch listings unconditionally this often (else conditional GETs: ETag, Last-Modified)",
    )
    retries: int = Field(
        strict=True,
        default=2,
        ge=0,
        le=10,
        description="immediate retries of a 5xx or a time-out (429/503 wait for Retry-After)",
    )
    extract_workers: int = Field(
        strict=True,
        default=0,
        ge=0,
        le=64,
        description="processes extracting articles; 0: one per core on big cycles; 1: no extra process",
    )


class AlertsConfig(_Strict):
    urls: list[str] = Field(
        [],
        description="apprise URLs (mailto://, slack://, tgram://, ntfy://, json://...); none: print alerts",
        examples=[["mailto://user:password@example.org", "ntfy://ntfy.sh/my-topic"]],
    )
    config: str | None = Field(
        None,
        description="or an apprise config file (YAML or TEXT) whose tags route topics to targets",
        examples=["apprise.yml"],
    )
    max_age: Duration = Field(
        "3d", validate_default=True, description="items published longer ago are stored without alerting"
    )
    max_per_cycle: int = Field(
        strict=True, default=20, ge=1, le=10_000, description="instant alerts per cycle; the rest fold into one summary"
    )
    updates: bool = Field(
        strict=True,
        default=False,
        description="alert again, as an update, for every new report (not a copy) of an alerted story",
    )
    preview_updates: bool = Field(
        strict=True,
        default=False,
        description="a story that alerted on a preview (set to sign, likely to clear) alerts again when it happens",
    )
    retry_limit: int = Field(
        strict=True, default=8, ge=1, le=100, description="attempts per delivery before it is marked failed"
    )
    retry_base: Period = Field(
        "30s", validate_default=True, description="wait before the first retry, doubling with each attempt"
    )
    retry_cap: Duration = Field(
        "6h", validate_default=True, description="the longest wait between two attempts; at least retry_base"
    )
    send_timeout: Timeout = Field(
        "60s",
        validate_default=True,
        description="the longest one send may take; then its worker process is stopped and it is retried",
    )
    claim_timeout: Duration = Field(
        "10m",
        validate_default=True,
        description="a delivery its dead sender claimed this long ago is sent again; > send_timeout",
    )
    rate_limit: Duration = Field(
        "0s", validate_default=True, description="the least time between two sends to one target; 0s: no limit"
    )
    quiet_hours: QuietHours = Field(
        None,
        description="hold sends during this daily window (HH:MM-HH:MM, may cross midnight)",
        examples=["22:00-07:00"],
    )
    timezone: str | None = Field(
        None,
        description="IANA zone of quiet hours, digests and times shown in alerts; unset: the machine's",
        examples=["Asia/Kolkata"],
    )
    digest_cron: str = Field("0 8 * * *", description="when digests are sent (cron: minute hour day month weekday)")
    title_template: str | None = Field(
        None, description="Jinja2 template of an alert's title", examples=["[{{ topic }}] {{ article.title }}"]
    )
    body_template: str | None = Field(
        None,
        description="Jinja2 template of an alert's body, in Markdown (HTML for email is made from it)",
        examples=["{{ article.title }}\n\n{{ article.url }}"],
    )

    @field_validator("title_template", "body_template")
    @classmethod
    def _template(cls, value: str | None) -> str | None:
        from newswatch.alerts.render import template_error

        problem = template_error(value)
        if problem:
            raise ValueError(f"invalid template: {problem}")
        return value

    @field_validator("digest_cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        from apscheduler.triggers.cron import CronTrigger

        try:
            trigger = CronTrigger.from_crontab(value, timezone=UTC)
        except ValueError as exc:
            raise ValueError(f"invalid cron expression {value!r}: {exc}") from None
        if trigger.get_next_fire_time(None, datetime.now(UTC)) is None:
            raise ValueError(f"cron expression {value!r} never fires (no such day)")
        return value

    @model_validator(mode="after")
    def _timings(self) -> AlertsConfig:
        if self.retry_cap < self.retry_base:
            raise ValueError(f"retry_cap ({self.retry_cap:g}s) is shorter than retry_base ({self.retry_base:g}s)")
        if self.claim_timeout <= self.send_timeout:
            # A sender still inside its send would have its claim taken over: the alert sent twice.
            raise ValueError(
                f"claim_timeout ({self.claim_timeout:g}s) must be longer than send_timeout ({self.send_timeout:g}s)"
            )
        return self

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        if value:
            from zoneinfo import ZoneInfo

            try:
                ZoneInfo(value)
            except Exception:
                raise ValueError(f"unknown time zone {value!r}") from None
        return value


class ServiceConfig(_Strict):
    heartbeat: Period = Field(
        "30s", validate_default=True, description="how often `newswatch run` records that it is alive"
    )
    crawl_timeout: Period = Field(
        "10m", validate_default=True, description="a crawl still running after this long is stopped"
    )
    jitter: Duration = Field(
        "30s",
        validate_default=True,
        description="each source's start is shifted by up to this (at most a tenth of its interval)",
    )
    retention_days: int = Field(
        strict=True,
        default=30,
        ge=1,
        le=36_500,
        description="the text of articles that matched no topic is dropped after this",
    )
    send_every: Period = Field("10s", validate_default=True, description="how often due alerts are sent")
    failing_after: int = Field(
        strict=True, default=5, ge=1, le=1000, description="failures in a row after which a source raises one alert"
    )
    silent_after: float = Field(
        8.0,
        gt=1,
        le=1000,
        allow_inf_nan=False,
        description="a source with no new article for this many times its usual gap raises one alert",
    )


class ClusterConfig(_Strict):
    """`[cluster]`: absent (no broker), everything runs on one machine."""

    broker: str | None = Field(
        None,
        description="a Redis URL: cluster mode, `newswatch run` schedules and `newswatch worker`s crawl and send "
        "(database.url must then be PostgreSQL)",
        examples=["redis://127.0.0.1:6379/0"],
    )
    queue: str = Field(
        "newswatch",
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description="prefix of the Celery queues' names (NAME.crawl, NAME.send)",
    )
    lease: Duration = Field(
        "15s",
        validate_default=True,
        ge=3,
        le=60,
        description="the leading scheduler's lease; another takes over within lease + lease/3 after it dies",
    )
    heartbeat: Duration = Field(
        "3s",
        validate_default=True,
        ge=1,
        le=60,
        description="every scheduler and worker says it is alive this often; lost after three",
    )
    batch: int = Field(
        strict=True, default=20, ge=1, le=1000, description="at most this many due sources in one crawl task"
    )
    visibility_timeout: Duration | None = Field(
        None,
        description="how long the broker waits for a task's acknowledgement before giving it to another worker; "
        "unset: service.crawl_timeout + 60s",
        examples=["11m"],
    )

    @field_validator("broker")
    @classmethod
    def _broker(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "redis+socket://")):
            raise ValueError(f"broker must be a Redis URL (redis://host:6379/0), got {value!r}")
        return value


class LoggingConfig(_Strict):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="log level of `newswatch run` (other commands: WARNING, or --log-level)"
    )
    format: Literal["text", "json"] = Field("text", description="json: one JSON object per line")


class SourceConfig(_Strict):
    name: str = Field(min_length=1, max_length=200, description="unique")
    type: SourceType = Field(
        "feed",
        description="feed (RSS, Atom, RDF), sitemap (incl. Google News sitemaps), page (an HTML listing), "
        "google_news or bing_news (a news search)",
    )
    url: str | None = Field(
        None, description="the feed, sitemap or page; news searches make it from `query`", examples=["https://..."]
    )
    query: str | None = Field(
        None, description="google_news, bing_news: the search terms", examples=['"INDUS-X" India']
    )
    hl: str = Field("en-IN", description="google_news: interface language")
    gl: str = Field("IN", description="google_news: country")
    ceid: str = Field("IN:en", description="google_news: edition")
    link_selector: str | None = Field(
        None,
        description="page: CSS selector of the article links (else they are found by heuristics)",
        examples=["h2.headline a"],
    )
    interval: Duration = Field(
        "15m", validate_default=True, description="how often the source is fetched (at least 5s)"
    )
    enabled: bool = Field(
        strict=True, default=True, description="false: not fetched unless named by `newswatch crawl --source`"
    )

    @field_validator("interval")
    @classmethod
    def _interval(cls, value: float) -> float:
        if value < 5:
            raise ValueError("interval must be at least 5s")
        if value > 365 * 86400:
            raise ValueError("interval must be at most 365d")
        return value

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        # A NUL or another control character in a name breaks tables, logs and some databases.
        if any(not ch.isprintable() for ch in value):
            raise ValueError("name must be printable text, without control characters")
        if not value.strip():
            raise ValueError("name must not be blank")
        return value

    @model_validator(mode="after")
    def _target(self) -> SourceConfig:
        if self.type in ("google_news", "bing_news"):
            if not (self.query or self.url):
                raise ValueError(f"a {self.type} source needs `query` (or `url`)")
        elif not self.url:
            raise ValueError(f"a {self.type} source needs `url`")
        if self.url and not self.url.startswith(("http://", "https://")):
            raise ValueError(f"url must start with http:// or https://, got {self.url!r}")
        if self.url:
            problem = url_problem(self.url)
            if problem:
                raise ValueError(f"url {mask_url(self.url)!r}: {problem}")
        if self.link_selector and self.type != "page":
            raise ValueError("link_selector applies to `page` sources only")
        return self


def url_problem(url: str) -> str | None:
    """Why `url` (http or https) cannot be fetched as written, or None: no host, a space in
    the host, a port that is no port (checked here, as the crawler would trip on it mid-cycle)."""
    try:
        parts = urlsplit(url)
        port = parts.port  # raises for "abc" or 99999
    except ValueError as exc:
        return str(exc)
    if not parts.hostname:
        return "no host"
    if any(ch.isspace() for ch in parts.netloc):
        return "a space in the host"
    if port == 0:
        return "port 0"
    return None


class TopicConfig(_Strict):
    name: str = Field(
        min_length=1,
        max_length=200,
        pattern=r"^[A-Za-z0-9_.-]+$",
        description="unique: letters, digits, - _ . (not `all`, which names every topic, nor dots alone)",
    )
    query: str = Field(
        min_length=1,
        description="what to match, in the query language (a built-in topic's name alone: its query)",
    )
    alert: AlertMode = Field(
        "instant", description="instant: each new story; digest: grouped, on digest_cron; off: none"
    )
    min_score: float = Field(1.0, ge=0, allow_inf_nan=False, description="the score an article needs to be flagged")
    tags: list[str] = Field([], description="send only to the apprise targets with one of these tags; none: to all")

    @model_validator(mode="before")
    @classmethod
    def _builtin(cls, data: Any) -> Any:
        """A table that names a built-in topic and gives no query is that topic, with the keys it
        does set (`alert = "instant"` for india-us) over the built-in's."""
        if not isinstance(data, dict) or "query" in data:
            return data
        builtin = next((topic for topic in _builtin_topics() if topic.name == data.get("name")), None)
        if builtin is None:
            return data
        # As `newswatch init` writes it: the built-in's tags are not written, so that its alerts
        # go to every target.
        return {"query": builtin.query, "alert": builtin.alert, "min_score": builtin.min_score, **data}

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        # /feeds/all.atom is every topic's feed, and /topics/.. is / to every browser.
        if value.casefold() == "all":
            raise ValueError("`all` names every topic (its feed is /feeds/all.atom): choose another name")
        if not value.strip("."):
            raise ValueError("a topic name needs a letter, digit, - or _, not dots alone")
        return value


class WebConfig(_Strict):
    password: str | None = Field(
        None,
        min_length=1,
        description="needed before `newswatch web` listens beyond loopback: a login page, HTTP basic for "
        "feeds and the API",
        examples=["a long passphrase"],
    )
    listen: str | None = Field(
        None,
        description="host:port where `newswatch run` serves the web view too; unset: it does not",
        examples=["127.0.0.1:8080"],
    )

    @field_validator("listen")
    @classmethod
    def _listen(cls, value: str | None) -> str | None:
        if value is not None:
            parse_listen(value)
        return value


class Settings(_Strict):
    builtin_sources: BuiltinChoice = Field(
        False,
        description="which built-in sources to follow besides [[sources]]: true for all, a list of names "
        "for those, false for none; a [[sources]] entry named like a built-in one replaces it",
    )
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    crawl: CrawlConfig = Field(default_factory=CrawlConfig)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)
    service: ServiceConfig = Field(default_factory=ServiceConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)
    web: WebConfig = Field(default_factory=WebConfig)
    cluster: ClusterConfig = Field(default_factory=ClusterConfig)
    sources: list[SourceConfig] = []
    topics: list[TopicConfig] = []


@dataclass(frozen=True)
class Config:
    """A validated configuration and where it came from."""

    settings: Settings
    path: Path | None  # None: the built-in default

    @property
    def label(self) -> str:
        return str(self.path) if self.path else BUILT_IN

    @property
    def cluster_mode(self) -> bool:
        """`[cluster] broker` is set: `run` schedules, `worker` processes crawl and send."""
        return self.settings.cluster.broker is not None

    @property
    def visibility_timeout(self) -> float:
        cluster = self.settings.cluster
        if cluster.visibility_timeout is not None:
            return cluster.visibility_timeout
        return self.settings.service.crawl_timeout + 60.0

    @property
    def database_url(self) -> str:
        from newswatch.db.session import resolve_url

        base = self.path.parent if self.path else Path.cwd()
        return resolve_url(self.settings.database.url, base)

    @property
    def sources(self) -> list[SourceConfig]:
        """The sources to follow: the file's own, then the built-in ones it asks for and does not
        name itself."""
        wanted = self.settings.builtin_sources
        if wanted is False:
            return list(self.settings.sources)
        own = {s.name for s in self.settings.sources}
        chosen = [s for s in builtin_sources() if s.name not in own and (wanted is True or s.name in wanted)]
        return [*self.settings.sources, *chosen]

    def source_specs(self) -> list[SourceSpec]:
        from newswatch.crawler.newsearch import bing_news_url, google_news_url

        specs = []
        for s in self.sources:
            url = s.url
            if not url and s.type in ("google_news", "bing_news"):
                assert s.query, "SourceConfig._target: a news search has a query or a url"
                if s.type == "google_news":
                    url = google_news_url(s.query, hl=s.hl, gl=s.gl, ceid=s.ceid)
                else:
                    url = bing_news_url(s.query)
            assert url, "SourceConfig._target: every other source has a url"
            specs.append(
                SourceSpec(
                    name=s.name,
                    type=s.type,
                    url=url,
                    interval=s.interval,
                    link_selector=s.link_selector,
                    query=s.query,
                    hl=s.hl,
                    gl=s.gl,
                    ceid=s.ceid,
                    enabled=s.enabled,
                )
            )
        return specs

    def topic_specs(self) -> list[TopicSpec]:
        return [
            TopicSpec(name=t.name, query=t.query, alert=t.alert, min_score=t.min_score, tags=tuple(t.tags))
            for t in self.settings.topics
        ]


@cache
def builtin_sources() -> tuple[SourceConfig, ...]:
    """The built-in source list (scheduler/default_sources.py), as configured sources."""
    from newswatch.scheduler.default_sources import DEFAULT_SOURCES

    return tuple(
        SourceConfig.model_validate({key: value for key, value in source.items() if key != "checked"})
        for source in DEFAULT_SOURCES
    )


def parse_listen(value: str) -> tuple[str, int]:
    """("127.0.0.1", 8080) from "127.0.0.1:8080" (an IPv6 host in brackets: "[::1]:8080")."""
    host, colon, port = value.strip().rpartition(":")
    host = host.strip("[]")
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"invalid address {value!r} (use host:port, e.g. 127.0.0.1:8080)")
    return host, int(port)


def _key(loc: tuple[Any, ...], data: dict) -> str:
    """`sources[3].interval` from pydantic's location, naming the source when it has a name."""
    parts: list[str] = []
    node: Any = data
    for item in loc:
        if isinstance(item, int):
            parts[-1] += f"[{item}]"
            name = node[item].get("name") if isinstance(node, list) and isinstance(node[item], dict) else None
            if name:
                # A name with control characters is shown escaped, as the user would type it.
                shown = str(name) if str(name).isprintable() else str(name).encode("unicode_escape").decode()
                parts[-1] += f" ({shown})"
        else:
            parts.append(str(item))
        try:
            node = node[item]
        except (KeyError, IndexError, TypeError):
            node = None
    return ".".join(parts)


def _problem(error: ErrorDetails) -> str:
    if error["type"] == "extra_forbidden":
        key, table = str(error["loc"][-1]), error["loc"][:-1]
        if table and key in Settings.model_fields:
            return f"unknown key here: `{key}` goes at the top of the file, above the first [table]"
        return "unknown key" + did_you_mean(key, _known_keys(table))
    if error["type"] == "missing":
        if tuple(error["loc"][:1]) == ("topics",) and error["loc"][-1] == "query":
            names = ", ".join(topic.name for topic in _builtin_topics())
            return f"required key is missing (only a topic named like a built-in one, {names}, may leave it out)"
        return "required key is missing"
    message = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


def _builtin_topics():
    from newswatch.domain.topics import BUILTIN_TOPICS

    return BUILTIN_TOPICS


def _known_keys(loc: tuple[Any, ...]) -> list[str]:
    """The keys the table at `loc` may hold (`("crawl",)`: the [crawl] keys)."""
    model: type[BaseModel] = Settings
    for item in loc:
        if isinstance(item, int):
            continue
        field = model.model_fields.get(str(item))
        inner = field.annotation if field else None
        if get_origin(inner) is list:
            inner = get_args(inner)[0]
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            return []
        model = inner
    return list(model.model_fields)


def validate(data: dict, label: str, path: Path | None, check_targets: bool = True) -> Config:
    """Validate parsed TOML into a `Config`, or raise the first problem as `ConfigError`.
    `check_targets` False skips asking apprise about the alert URLs (importing it costs a tenth
    of a second; commands that only read the database never send)."""
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise ConfigError(label, _key(tuple(error["loc"]), data), _problem(error)) from None
    _check_builtin_names(settings.builtin_sources, label)
    _check_unique(settings.sources, "sources", label)
    _check_unique(settings.topics, "topics", label)
    _check_queries(settings.topics, label)
    _check_database(settings.database.url, label)
    _check_cluster(settings, label)
    if check_targets:
        check_alert_targets(settings.alerts, label, path)
    return Config(settings=settings, path=path)


def _check_builtin_names(wanted: bool | list[str], label: str) -> None:
    if isinstance(wanted, bool):
        return
    known = [source.name for source in builtin_sources()]
    for index, name in enumerate(wanted):
        if name not in known:
            problem = f"no built-in source is named {name!r}" + did_you_mean(name, known)
            raise ConfigError(label, f"builtin_sources[{index}]", problem)


def _check_unique(entries: list, key: str, label: str) -> None:
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        if entry.name in seen:
            raise ConfigError(label, f"{key}[{index}].name", f"duplicate name {entry.name!r}")
        seen.add(entry.name)


def _check_database(url: str, label: str) -> None:
    """A database URL SQLAlchemy can read, naming a kind of database it knows. Whether its driver
    is installed and the server answers is found when it is opened."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(label, "database.url", f"{mask_url(url)!r} is not a SQLAlchemy database URL") from None
    try:
        parsed.get_dialect()
    except NoSuchModuleError:
        raise ConfigError(
            label,
            "database.url",
            f"unknown kind of database {parsed.drivername!r}: newswatch stores in sqlite or postgresql",
        ) from None


def _check_cluster(settings: Settings, label: str) -> None:
    """Cluster mode shares one database between processes on many machines: PostgreSQL."""
    cluster = settings.cluster
    if cluster.broker is None:
        return
    from sqlalchemy.engine import make_url

    try:
        backend = make_url(settings.database.url).get_backend_name()
    except Exception:
        backend = ""
    if backend != "postgresql":
        raise ConfigError(
            label,
            "database.url",
            f"cluster mode ([cluster] broker) needs a PostgreSQL database shared by every process, "
            f"not {backend or 'this URL'}",
        )
    crawl_timeout = settings.service.crawl_timeout
    if cluster.visibility_timeout is not None and cluster.visibility_timeout <= crawl_timeout:
        raise ConfigError(
            label,
            "cluster.visibility_timeout",
            f"must be longer than service.crawl_timeout ({crawl_timeout:g}s): a running crawl would be "
            "given to a second worker",
        )


def _check_queries(topics: list[TopicConfig], label: str) -> None:
    from newswatch.domain.query import QueryError, parse_query

    for index, topic in enumerate(topics):
        try:
            parse_query(topic.query)
        except QueryError as exc:
            # The query's line with a caret under the spot follows the one-line message.
            problem = f"invalid query: {exc}\n{exc.excerpt()}"
            raise ConfigError(label, f"topics[{index}] ({topic.name}).query", problem) from None


def check_alert_targets(alerts: AlertsConfig, label: str, path: Path | None) -> None:
    from newswatch.alerts.transport import validate_url

    for index, url in enumerate(alerts.urls):
        problem = validate_url(url)
        if problem:
            raise ConfigError(label, f"alerts.urls[{index}]", problem)
    if alerts.config:
        config_file = Path(alerts.config)
        if not config_file.is_absolute() and path is not None:
            config_file = path.parent / config_file
        if not config_file.is_file():
            raise ConfigError(label, "alerts.config", f"no such file: {config_file}")


def load_config(
    explicit: str | None = None, env: dict[str, str] | None = None, cwd: Path | None = None, check_targets: bool = True
) -> Config:
    path = find_config_path(explicit, env, cwd)
    text, label = read_config_text(path)
    return parse_config(text, label, path, check_targets)


def parse_config(text: str, label: str, path: Path | None, check_targets: bool = True) -> Config:
    """Validate a configuration's TOML text; `label` names it in messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(label, "", f"invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(label, "", "invalid TOML: nested too deeply") from None
    return validate(data, label, path, check_targets)
