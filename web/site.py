"""What every handler of the web view shares: the options it was started with, the database, the
guard and the templates. Built once by `app.create_app`, reached as `request.app.state.site`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import HTMLResponse

from newswatch.domain.items import SourceSpec, TopicSpec
from newswatch.scheduler.atom import web_link
from newswatch.web.auth import Guard

if TYPE_CHECKING:
    from newswatch.alerts.outbox import SendReport


@dataclass(frozen=True)
class WebOptions:
    """What the web view needs from the configuration, handed in by whoever starts it."""

    database_url: str
    topics: tuple[TopicSpec, ...] = ()
    sources: tuple[SourceSpec, ...] = ()
    max_age: float = 3 * 86400.0  # alerts.max_age, to explain why an old item did not alert
    password: str | None = None
    alert_urls: tuple[str, ...] = ()  # only to scrub them out of delivery errors
    send_due: Callable[[], SendReport] | None = None  # sends what is due (after a retry), or None
    # Splits reports into a story of their own and plans its alert (scheduler.split.split_reports
    # bound to the configuration): (sessions, article ids, alert, now) -> its record; None: no button.
    split: Callable[..., dict] | None = None

    def topic(self, name: str) -> TopicSpec | None:
        return next((t for t in self.topics if t.name == name), None)


@dataclass
class Site:
    options: WebOptions
    engine: Engine
    guard: Guard = field(default_factory=Guard)

    @cached_property
    def sessions(self):
        from sqlalchemy.orm import sessionmaker

        return sessionmaker(self.engine, expire_on_commit=False)

    @cached_property
    def templates(self) -> Environment:
        env = Environment(
            loader=PackageLoader("newswatch.web", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters["when"] = when
        env.filters["ago"] = ago
        env.filters["href"] = web_link
        env.globals["time_tag"] = time_tag
        return env

    def render(self, request: Request, name: str, http_status: int = 200, **context) -> HTMLResponse:
        state = request.scope.get("state", {})
        page = self.templates.get_template(name).render(
            request=request,
            path=request.url.path,
            csrf_token=self.guard.csrf_token(state.get("csrf_seed", "")),
            protected=self.guard.protected,
            topics=self.options.topics,
            **context,
        )
        return HTMLResponse(page, status_code=http_status)

    def error(self, request: Request, status: int, message: str) -> HTMLResponse:
        return self.render(request, "error.html", http_status=status, status_code=status, message=message)


def now() -> datetime:
    return datetime.now(UTC)


def when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


def ago(moment: datetime | None) -> str:
    """'5 min ago', '3 h ago', 'in 10 min'..."""
    if moment is None:
        return "-"
    seconds = (now() - moment).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size:
            amount = f"{int(seconds // size)} {unit}"
            break
    else:
        return "just now" if not future else "in a moment"
    return f"in {amount}" if future else f"{amount} ago"


def time_tag(moment: datetime | None) -> Markup:
    if moment is None:
        return Markup("-")
    return Markup('<time datetime="{}" title="{}">{}</time>').format(moment.isoformat(), when(moment), ago(moment))
