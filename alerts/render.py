"""Turning an alert's facts into a title and bodies (Markdown, HTML, plain text) with Jinja2.

Text from the web (titles, snippets, source names, URLs) is escaped for each flavour by the
environment, never by the templates: Markdown escapes its specials through `finalize`, HTML uses
autoescape, plain text only loses control characters. Templates from the configuration run in a
sandbox and fall back to the built-in ones when they fail.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple
from urllib.parse import quote, urlsplit

from jinja2 import StrictUndefined, TemplateError, Undefined
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import escape as html_escape

from newswatch.alerts import templates as builtin
from newswatch.alerts.settings import display_zone
from newswatch.domain.redact import mask_text

log = logging.getLogger(__name__)

TITLE_LIMIT = 250
SNIPPET_LIMIT = 320


class Rendered(NamedTuple):
    """One alert's words: the title and the body in each format a target may want."""

    title: str
    markdown: str
    html: str
    text: str

    def body(self, body_format: str) -> str:
        return {"markdown": self.markdown, "html": self.html}.get(body_format, self.text)


@dataclass
class ArticleView:
    """What an alert says about an article (built from a db row by the policy)."""

    title: str
    url: str
    source: str
    id: int | None = None
    outlet: str | None = None
    published_at: datetime | None = None
    fetched_at: datetime | None = None
    snippet: str = ""
    story_id: int | None = None
    outlets: int = 1


@dataclass
class MatchView:
    """Why the article matched a topic."""

    topic: str
    terms: list[str] = field(default_factory=list)
    score: float = 0.0
    snippets: list[str] = field(default_factory=list)


class Safe(str):
    """A value already made safe for the flavour being rendered (a URL prepared by a filter)."""


_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_MD_LINE_START = re.compile(r"^([ \t]*)([#+\-=]|\d+(?=[.)]))", re.M)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE = re.compile(r"\s+")


def markdown_escape(value: Any) -> str:
    """Web text made inert in Markdown: emphasis, links, code, HTML and line-start markers are
    backslash-escaped (CommonMark lets any punctuation be escaped)."""
    if value is None:
        return ""
    text = _CONTROL.sub("", str(value))
    text = _MD_INLINE.sub(r"\\\1", text)

    def lead(found: re.Match) -> str:
        marker = found.group(2)
        return found.group(1) + (marker if marker[0].isdigit() else "\\" + marker)

    text = _MD_LINE_START.sub(lead, text)
    # "12. Title" would start a numbered list: escape the dot that follows the number.
    return re.sub(r"^([ \t]*\d+)([.)])", r"\1\\\2", text, flags=re.M)


def one_line(value: Any, limit: int | None = None) -> str:
    text = _SPACE.sub(" ", _CONTROL.sub("", str(value or ""))).strip()
    if limit and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def _safe_link(url: Any) -> str:
    text = one_line(url)
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return "#"
    return text if scheme in ("http", "https") else "#"


def _mdurl(url: Any) -> Safe:
    """A URL for a Markdown link target: only http(s), with the characters that would end the
    link percent-encoded."""
    return Safe(quote(_safe_link(url), safe="/:?#@!$&'*+,;=%~-._"))


def _href(url: Any) -> str:
    return _safe_link(url)


def _finalize_markdown(value: Any) -> str:
    if value is None or isinstance(value, Undefined):
        return ""
    if isinstance(value, Safe):
        return str(value)
    return markdown_escape(value)


def _finalize_markdown_for_html(value: Any) -> str:
    if value is None or isinstance(value, Undefined):
        return ""
    if isinstance(value, Safe):
        return str(value)
    return markdown_escape(str(html_escape(str(value))))


def _finalize_text(value: Any) -> str:
    if value is None or isinstance(value, Undefined):
        return ""
    return _CONTROL.sub("", str(value))


MAX_TEMPLATE_VALUE = 100_000  # characters (or items) one `*` in a template may make


class _BoundedSandbox(SandboxedEnvironment):
    """The sandbox, and `*` and `**` that cannot build a gigabyte string or a thousand-digit
    number: a configured template renders inside the crawl, which must not stall on it."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                sized = isinstance(seq, str | list | tuple) and isinstance(times, int)
                if sized and len(seq) * times > MAX_TEMPLATE_VALUE:
                    raise SecurityError(f"a template value longer than {MAX_TEMPLATE_VALUE} is refused")
        elif isinstance(right, int | float) and isinstance(left, int | float) and abs(right) > 64 and abs(left) > 1:
            raise SecurityError("a power this large is refused in a template")
        return super().call_binop(context, operator, left, right)


def _environment(flavour: str, strict: bool) -> SandboxedEnvironment:
    options: dict[str, Any] = {
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
        "undefined": StrictUndefined if strict else Undefined,
    }
    if flavour == "html":
        options["autoescape"] = True
    elif flavour == "markdown":
        options["finalize"] = _finalize_markdown
    elif flavour == "markdown-html":
        options["finalize"] = _finalize_markdown_for_html
    else:
        options["finalize"] = _finalize_text
    env = _BoundedSandbox(**options)
    env.filters["markdown_escape"] = lambda value: Safe(markdown_escape(value))
    env.filters["mdurl"] = _mdurl
    env.filters["href"] = _href
    env.filters["one_line"] = one_line
    return env


_BUILTIN_ENVS = {flavour: _environment(flavour, strict=True) for flavour in ("markdown", "html", "text")}
_USER_ENVS = {flavour: _environment(flavour, strict=False) for flavour in ("markdown", "markdown-html", "text")}


def template_error(source: str | None) -> str | None:
    """None when a configured template compiles, else the error (for config validation)."""
    if not source:
        return None
    try:
        _USER_ENVS["text"].from_string(source)
    except TemplateError as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _markdown_to_html(text: str) -> str:
    from markdown import Markdown  # installed with apprise; only needed for configured templates

    converter = Markdown(extensions=["markdown.extensions.nl2br"])
    # Every ASCII punctuation may be backslash-escaped, as in CommonMark, so escaped web text stays text.
    converter.ESCAPED_CHARS = sorted(set(converter.ESCAPED_CHARS) | set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"))
    return converter.convert(text)


def _tidy(body: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"


def _render_builtin(title_source: str, sources: dict[str, str], context: dict) -> Rendered:
    title = one_line(_BUILTIN_ENVS["text"].from_string(title_source).render(context), TITLE_LIMIT)
    bodies = {
        flavour: _tidy(_BUILTIN_ENVS[flavour].from_string(source).render(context))
        for flavour, source in sources.items()
    }
    return Rendered(title, bodies["markdown"], bodies["html"], bodies["text"])


def _render_user(title_source: str | None, body_source: str | None, default: Rendered, context: dict) -> Rendered:
    title, markdown, html, text = default
    try:
        if title_source:
            title = one_line(_USER_ENVS["text"].from_string(title_source).render(context), TITLE_LIMIT) or title
        if body_source:
            markdown = _tidy(_USER_ENVS["markdown"].from_string(body_source).render(context))
            html = _markdown_to_html(_USER_ENVS["markdown-html"].from_string(body_source).render(context))
            text = _tidy(_USER_ENVS["text"].from_string(body_source).render(context))
    except Exception as exc:  # a broken user template must not cost the alert: use the built-in one
        log.warning("alert template failed, using the built-in one: %s: %s", type(exc).__name__, exc)
        return default
    return Rendered(title, markdown, html, text)


def show_time(moment: datetime | None, settings=None) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(display_zone(settings))
    return local.strftime("%d %b %Y, %H:%M %Z").strip().lstrip("0")


def _article_context(article: ArticleView, settings) -> dict:
    return {
        "id": article.id,
        "title": one_line(article.title, TITLE_LIMIT) or article.url,
        "url": one_line(article.url),
        "source": one_line(article.source),
        "outlet": one_line(article.outlet) if article.outlet and article.outlet != article.source else "",
        "published": show_time(article.published_at or article.fetched_at, settings),
        "published_at": article.published_at,
        "snippet": one_line(article.snippet, SNIPPET_LIMIT),
        "story_id": article.story_id,
    }


def _topic_name(topic: Any) -> str:
    return str(getattr(topic, "name", topic))


def instant_context(article: ArticleView, match: MatchView, topic: Any, kind: str = "instant", settings=None) -> dict:
    shown = _article_context(article, settings)
    byline = [part for part in (shown["source"], shown["outlet"], shown["published"]) if part]
    if article.outlets > 1:
        byline.append(f"{article.outlets} outlets")
    return {
        "byline": byline,
        "kind": kind,
        "topic": _topic_name(topic),
        "article": shown,
        "terms": [one_line(term) for term in match.terms],
        "score": match.score,
        "outlets": article.outlets,
    }


def render_instant(
    article_view: ArticleView, match_view: MatchView, topic: Any, kind: str = "instant", settings=None
) -> Rendered:
    """One new story for one topic (`kind="update"`: a story already alerted, told again)."""
    context = instant_context(article_view, match_view, topic, kind, settings)
    default = _render_builtin(
        builtin.INSTANT_TITLE,
        {
            "markdown": builtin.INSTANT_MARKDOWN,
            "html": builtin.INSTANT_HTML,
            "text": builtin.INSTANT_TEXT,
        },
        context,
    )
    title_source = getattr(settings, "title_template", None)
    body_source = getattr(settings, "body_template", None)
    if not title_source and not body_source:
        return default
    return _render_user(title_source, body_source, default, context)


def render_digest(groups: list[dict], period: tuple[datetime, datetime], settings=None) -> Rendered:
    """`groups`: [{"topic": name, "stories": [{"title", "url", "source", "outlets"}...]}...];
    `period`: (since, until)."""
    clean = []
    for group in groups:
        stories = [
            {
                "title": one_line(story["title"], TITLE_LIMIT) or story["url"],
                "url": one_line(story["url"]),
                "source": one_line(story.get("source")),
                "outlets": int(story.get("outlets") or 1),
            }
            for story in group["stories"]
        ]
        if stories:
            clean.append({"topic": one_line(group["topic"]), "stories": stories})
    since, until = period
    context = {
        "groups": clean,
        "count": sum(len(group["stories"]) for group in clean),
        "period": {"since": show_time(since, settings), "until": show_time(until, settings)},
    }
    return _render_builtin(
        builtin.DIGEST_TITLE,
        {
            "markdown": builtin.DIGEST_MARKDOWN,
            "html": builtin.DIGEST_HTML,
            "text": builtin.DIGEST_TEXT,
        },
        context,
    )


def render_summary(items: list[dict], settings=None) -> Rendered:
    """The instant alerts a cycle folded: [{"topic", "title", "url", "source"}...]."""
    clean = [
        {
            "topic": one_line(item.get("topic")),
            "title": one_line(item.get("title"), TITLE_LIMIT) or item["url"],
            "url": one_line(item["url"]),
            "source": one_line(item.get("source")),
        }
        for item in items
    ]
    context = {"items": clean, "count": len(clean)}
    return _render_builtin(
        builtin.SUMMARY_TITLE,
        {
            "markdown": builtin.SUMMARY_MARKDOWN,
            "html": builtin.SUMMARY_HTML,
            "text": builtin.SUMMARY_TEXT,
        },
        context,
    )


def render_test(now: datetime | None = None, settings=None) -> Rendered:
    context = {"now": show_time(now or datetime.now(UTC), settings)}
    return _render_builtin(
        builtin.TEST_TITLE,
        {
            "markdown": builtin.TEST_MARKDOWN,
            "html": builtin.TEST_HTML,
            "text": builtin.TEST_TEXT,
        },
        context,
    )


def render_health(
    source: str, state: str, error: str | None = None, since: datetime | None = None, settings=None
) -> Rendered:
    """A source stopped working (`state` such as "failing", "stale") or works again ("ok")."""
    context = {
        "source": one_line(source),
        "state": one_line(state),
        "error": one_line(mask_text(error or ""), 500),
        "since": show_time(since, settings),
    }
    return _render_builtin(
        builtin.HEALTH_TITLE,
        {
            "markdown": builtin.HEALTH_MARKDOWN,
            "html": builtin.HEALTH_HTML,
            "text": builtin.HEALTH_TEXT,
        },
        context,
    )
