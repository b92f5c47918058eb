"""The configuration: one TOML file, validated once at start, then handed down as plain values.

Where the file is found (scheduler/config_files.py): `--config PATH`, else `$NEWSWATCH_CONFIG`,
else `./newswatch.toml`, else the built-in default (scheduler/defaults.py). Every problem is
reported as one `ConfigError` naming the file, the key and what is wrong; nothing runs on a bad
configuration.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal

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

from newswatch.domain.items import SourceSpec, TopicSpec
from newswatch.scheduler.config_files import BUILT_IN, ConfigError, find_config_path, read_config_text
from newswatch.scheduler.durations import parse_duration, parse_size, size_within, within

Duration = Annotated[float, BeforeValidator(parse_duration)]
Size = Annotated[int, BeforeValidator(parse_size)]
# Durations with sane bounds: a time-out of 30.5e99 seconds, or of none at all, is a typo.
Timeout = Annotated[Duration, AfterValidator(within(1, 3600))]
Period = Annotated[Duration, AfterValidator(within(1, 86400))]
PageSize = Annotated[Size, AfterValidator(size_within(1024, 1024**3, "1KB and 1GB"))]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, frozen=True)


class DatabaseConfig(_Strict):
    url: str = "sqlite:///newswatch.db"


class CrawlConfig(_Strict):
    allow_private_addresses: bool = False
    obey_robots_txt: bool = True
    user_agent: str = "newswatch/0.1 (+https://github.com/newswatch/newswatch; news monitor)"
    timeout: Timeout = 30.0
    max_page_size: PageSize = 5 * 1024 * 1024
    max_redirects: int = Field(default=5, ge=0, le=20)
    concurrency: int = Field(default=16, ge=1, le=256)
    per_domain_concurrency: int = Field(default=2, ge=1, le=64)
    max_articles_per_source: int = Field(default=100, ge=1, le=100_000)
    max_item_age: Duration = 7 * 86400.0
    full_fetch_every: Duration = 86400.0
    retries: int = Field(default=2, ge=0, le=10)
    extract_workers: int = Field(default=0, ge=0, le=64)


class AlertsConfig(_Strict):
    urls: list[str] = []
    config: str | None = None
    max_age: Duration = 3 * 86400.0
    max_per_cycle: int = Field(default=20, ge=1, le=10_000)
    updates: bool = False
    retry_limit: int = Field(default=8, ge=1, le=100)
    retry_base: Period = 30.0
    rate_limit: Duration = 0.0
    quiet_hours: str | None = None
    timezone: str | None = None
    digest_cron: str = "0 8 * * *"
    title_template: str | None = None
    body_template: str | None = None
    send_timeout: Timeout = 60.0  # the longest one send may take; then it is stopped and retried

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str | None) -> str | None:
        if value:
            parse_quiet_hours(value)
        return value

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
            CronTrigger.from_crontab(value)
        except ValueError as exc:
            raise ValueError(f"invalid cron expression {value!r}: {exc}") from None
        return value

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
    heartbeat: Period = 30.0
    crawl_timeout: Period = 600.0
    jitter: Duration = 30.0
    retention_days: int = Field(default=30, ge=1, le=36_500)
    send_every: Period = 10.0
    failing_after: int = Field(default=5, ge=1, le=1000)
    silent_after: float = Field(default=8.0, gt=1, le=1000, allow_inf_nan=False)


class LoggingConfig(_Strict):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["text", "json"] = "text"


class SourceConfig(_Strict):
    name: str = Field(min_length=1, max_length=200)
    type: Literal["feed", "sitemap", "page", "google_news", "bing_news"] = "feed"
    url: str | None = None
    interval: Duration = 900.0
    link_selector: str | None = None
    query: str | None = None
    hl: str = "en-IN"
    gl: str = "IN"
    ceid: str = "IN:en"
    enabled: bool = True

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
        if self.link_selector and self.type != "page":
            raise ValueError("link_selector applies to `page` sources only")
        return self


class TopicConfig(_Strict):
    name: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.-]+$")
    query: str = Field(min_length=1)
    alert: Literal["instant", "digest", "off"] = "instant"
    min_score: float = Field(default=1.0, ge=0, allow_inf_nan=False)
    tags: list[str] = []


class Settings(_Strict):
    database: DatabaseConfig = DatabaseConfig()
    crawl: CrawlConfig = CrawlConfig()
    alerts: AlertsConfig = AlertsConfig()
    service: ServiceConfig = ServiceConfig()
    logging: LoggingConfig = LoggingConfig()
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
    def database_url(self) -> str:
        from newswatch.db.session import resolve_url

        base = self.path.parent if self.path else Path.cwd()
        return resolve_url(self.settings.database.url, base)

    def source_specs(self) -> list[SourceSpec]:
        from newswatch.crawler.newsearch import bing_news_url, google_news_url

        specs = []
        for s in self.settings.sources:
            url = s.url
            if not url and s.type == "google_news":
                url = google_news_url(s.query, hl=s.hl, gl=s.gl, ceid=s.ceid)
            elif not url and s.type == "bing_news":
                url = bing_news_url(s.query)
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


def parse_quiet_hours(value: str) -> tuple[time, time]:
    try:
        start, end = (time.fromisoformat(part.strip()) for part in value.split("-"))
    except ValueError:
        raise ValueError(f"invalid quiet hours {value!r} (use 22:00-07:00)") from None
    return start, end


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


def _problem(error: dict) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown key"
    if error["type"] == "missing":
        return "required key is missing"
    message = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


def validate(data: dict, label: str, path: Path | None, check_targets: bool = True) -> Config:
    """Validate parsed TOML into a `Config`, or raise the first problem as `ConfigError`.
    `check_targets` False skips asking apprise about the alert URLs (importing it costs a tenth
    of a second; commands that only read the database never send)."""
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise ConfigError(label, _key(tuple(error["loc"]), data), _problem(error)) from None
    _check_unique(settings.sources, "sources", label)
    _check_unique(settings.topics, "topics", label)
    _check_queries(settings.topics, label)
    if check_targets:
        check_alert_targets(settings.alerts, label, path)
    return Config(settings=settings, path=path)


def _check_unique(entries: list, key: str, label: str) -> None:
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        if entry.name in seen:
            raise ConfigError(label, f"{key}[{index}].name", f"duplicate name {entry.name!r}")
        seen.add(entry.name)


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
    return validate(data, label, path, check_targets)
