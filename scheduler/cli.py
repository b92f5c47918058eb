"""The `newswatch` command: parses arguments, calls the library, formats the answer.

Thin on purpose: logic lives in crawler/, db/ and alerts/; this module turns their errors into
exit statuses (0 done, 1 runtime failure, 2 usage or configuration error). Heavy packages
(Scrapy, trafilatura, apprise) are imported only by the commands that need them.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from newswatch.scheduler.config_files import ConfigError, unknown_name
from newswatch.scheduler.wording import plural

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from newswatch.alerts.outbox import SendReport
    from newswatch.domain.report import CycleReport
    from newswatch.scheduler.config import Config


class Failure(click.ClickException):
    """A runtime failure: exit 1 with the message on stderr."""

    exit_code = 1


class Usage(click.ClickException):
    exit_code = 2


def _now() -> datetime:
    return datetime.now(UTC)


class _Count(click.IntRange):
    """A whole number from 1 that fits the database's integers: a larger number is a usage error,
    not an overflow. Named so that "abc" is "not a valid whole number", not an "integer range"."""

    name = "whole number"

    def _describe_range(self) -> str:
        return "1<=x<2^63" if self.min == 1 and self.max == 2**63 - 1 else super()._describe_range()


# Ids and limits.
COUNT = _Count(1, 2**63 - 1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    metavar="PATH",
    help="Configuration file (default: $NEWSWATCH_CONFIG, ./newswatch.toml, else the built-in default).",
)
@click.option(
    "--log-level",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
    default=None,
    help="Log level (default from the config; WARNING for one-shot commands).",
)
@click.option("--log-format", type=click.Choice(["text", "json"]), default=None, help="Log line format.")
@click.version_option(package_name="newswatch")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, log_level: str | None, log_format: str | None) -> None:
    """newswatch: follow news sources, match topics, alert once per new story."""
    ctx.obj = {"config_path": config_path, "log_level": log_level, "log_format": log_format}


@cli.result_callback()
def _note_missing_database(_result, **_params) -> None:
    """A reading command that found no database file says so once, unless its answer did."""
    state = click.get_current_context().find_root().obj
    if state.get("missing_db") and not state.get("missing_noted"):
        click.echo(
            f"newswatch: database {state['missing_db']} does not exist yet; run `newswatch crawl` first", err=True
        )


def _config(ctx: click.Context, reading: bool = False) -> Config:
    """Load and validate the configuration once per command; exit 2 on any problem. `reading`:
    the command only reads the database, so the alert URLs need not be checked (that imports
    apprise, a tenth of a second of a command meant to answer at once)."""
    from newswatch.scheduler.config import check_alert_targets, load_config

    state = ctx.find_root().obj
    try:
        if "config" not in state:
            state["config"] = load_config(state["config_path"], check_targets=not reading)
            state["targets_checked"] = not reading
            _start_logging(state, state["config"].settings.logging.format)
        elif not reading and not state["targets_checked"]:
            config = state["config"]
            check_alert_targets(config.settings.alerts, config.label, config.path)
            state["targets_checked"] = True
    except ConfigError as exc:
        _bad_config(ctx, exc)
    return state["config"]


def _start_logging(state: dict, configured_format: str) -> None:
    from newswatch.scheduler.logs import setup_logging

    level = (state["log_level"] or state.get("default_level") or "WARNING").upper()
    setup_logging(level, state["log_format"] or configured_format)


def _bad_config(ctx: click.Context, exc: ConfigError) -> None:
    click.echo(f"newswatch: configuration error: {exc}", err=True)
    ctx.exit(2)


def _sessions(ctx: click.Context, reading: bool = False):
    """The session factory. `reading`: the command only looks, so a SQLite file that does not
    exist yet is not created (see `_reading_url`)."""
    from newswatch.db.session import DatabaseError

    state = ctx.find_root().obj
    if "sessions" not in state:
        from newswatch.db.session import open_database

        config = _config(ctx, reading)
        url = config.database_url
        if reading:
            url = _reading_url(state, url, config.path is None)
        try:
            state["sessions"] = open_database(url)
        except DatabaseError as exc:
            raise Failure(str(exc)) from None
    return state["sessions"]


def _articles_db(ctx: click.Context) -> Engine:
    """The database for the commands that only read articles (articles, search, show, export):
    an engine, no ORM, and the configuration from the validated-configuration cache
    (scheduler/config_cache.py), so these answer without building the whole validator."""
    from newswatch.db.session import DatabaseError, open_engine

    state = ctx.find_root().obj
    if "engine" not in state:
        try:
            if "config" in state:
                url, built_in = state["config"].database_url, state["config"].path is None
            else:
                settings = _read_settings(ctx)
                url, built_in = settings.database_url, settings.built_in
                _start_logging(state, settings.log_format)
        except ConfigError as exc:
            _bad_config(ctx, exc)
        try:
            state["engine"] = open_engine(_reading_url(state, url, built_in))
        except DatabaseError as exc:
            raise Failure(str(exc)) from None
    return state["engine"]


def _read_settings(ctx: click.Context):
    """What the read-only commands need of the configuration (cached; see config_cache.py)."""
    state = ctx.find_root().obj
    if "read_settings" not in state:
        from newswatch.scheduler.config_cache import read_settings

        try:
            state["read_settings"] = read_settings(state["config_path"])
        except ConfigError as exc:
            _bad_config(ctx, exc)
    return state["read_settings"]


def _reading_url(state: dict, url: str, built_in: bool) -> str:
    """The database URL a reading command opens. Says on stderr when the built-in defaults are
    in use (a first-time user should see which database that is). A SQLite file that does not
    exist yet is not created just to report that nothing is in it: an empty in-memory database
    stands in, and the command says the file does not exist yet."""
    from pathlib import Path

    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if built_in and not state.get("defaults_announced"):
        state["defaults_announced"] = True
        click.echo(
            "newswatch: no configuration file found (--config, $NEWSWATCH_CONFIG, ./newswatch.toml); "
            f"using the built-in defaults, database {parsed.render_as_string(hide_password=True)}",
            err=True,
        )
    database = parsed.database if parsed.get_backend_name() == "sqlite" else None
    if database and database != ":memory:" and not Path(database).exists():
        state["missing_db"] = _display_path(Path(database))
        return "sqlite://"
    return url


def _display_path(path: Path) -> str:
    """`path` relative to the working folder when it is inside it, else as it is."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _nothing(ctx: click.Context, what: str) -> str:
    """ "No articles." — and why, when the database does not exist yet."""
    state = ctx.find_root().obj
    missing = state.get("missing_db")
    if missing is None:
        return f"No {what}."
    state["missing_noted"] = True
    return f"No {what} (database {missing} does not exist yet; run `newswatch crawl` first)."


def _configured(ctx: click.Context, kind: str) -> list[str]:
    """The configured topic or source names (`kind`: "topic" or "source")."""
    state = ctx.find_root().obj
    if "config" in state:
        config = state["config"]
        return [t.name for t in config.settings.topics] if kind == "topic" else [s.name for s in config.sources]
    settings = _read_settings(ctx)
    return list(settings.topics if kind == "topic" else settings.sources)


def _check_name(ctx: click.Context, kind: str, name: str | None, conn=None) -> None:
    """Exit 2 on a topic or source name that is neither configured nor, when `conn` is given,
    stored (a topic removed from the configuration keeps its old matches), naming the ones
    that are configured."""
    if name is None:
        return
    known = _configured(ctx, kind)
    if name in known:
        return
    if conn is not None:
        from newswatch.db import reading

        if reading.name_is_stored(conn, kind, name):
            return
    raise Usage(unknown_name(kind, name, known))


def runtime_errors(command):
    """Turn unexpected runtime errors into exit 1 with one line on stderr."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            result = command(*args, **kwargs)
            sys.stdout.flush()  # a closed pipe shows here, not at exit
            return result
        except BrokenPipeError:
            _reader_gone()
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            raise click.Abort() from None
        except Exception as exc:  # the last line of defence: say what failed, exit 1
            from newswatch.scheduler.logs import mask_secrets

            raise Failure(mask_secrets(_one_line(exc))) from exc

    return wrapper


def _one_line(exc: Exception) -> str:
    """What failed, in one line: a database error by the driver's own message ("attempt to write a
    readonly database"), without the statement, its parameters and the link SQLAlchemy adds."""
    from sqlalchemy.exc import DBAPIError

    from newswatch.db.session import error_text

    if isinstance(exc, DBAPIError):
        return f"database error: {error_text(exc)}"
    return " ".join(f"{type(exc).__name__}: {exc}".split())


def _reader_gone() -> None:
    """The reader of our output went away (`newswatch export | head -1`): it has what it wanted.
    Exit 0 without a word; stdout goes to /dev/null so the interpreter's last flush is quiet."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise SystemExit(0)


def json_option(command):
    return click.option("--json", "as_json", is_flag=True, help="JSON Lines: one object per line.")(command)


def _since(value: str | None) -> datetime | None:
    from newswatch.scheduler.durations import parse_since

    if value is None:
        return None
    try:
        return parse_since(value, _now())
    except ValueError as exc:
        raise Usage(str(exc)) from None


def _emit_json(objects) -> None:
    for obj in objects:
        click.echo(json.dumps(obj, ensure_ascii=False))


def _console():
    # Plain lines never fold (soft wrap): piped or at 80 columns they stay whole and grep-able;
    # tables lay themselves out to the terminal (or 200 columns when piped).
    import os

    from rich.console import Console

    wide = sys.stdout.isatty() or "COLUMNS" in os.environ
    return Console(highlight=False, soft_wrap=True, width=None if wide else 200)


def grace_option(command):
    return click.option(
        "--grace",
        type=click.FloatRange(0, 300),
        default=20.0,
        show_default=True,
        help="Seconds running crawls get to finish after SIGTERM/SIGINT.",
    )(command)


def _service_logging(ctx, config) -> tuple[str, str]:
    """The log level and format of a long-running command (`run`, `worker`): the command line's,
    else the configuration's, at INFO by default; installed, and returned for its children."""
    from newswatch.scheduler.logs import setup_logging

    state = ctx.find_root().obj
    level = (state["log_level"] or config.settings.logging.level).upper()
    fmt = state["log_format"] or config.settings.logging.format
    setup_logging(level, fmt)
    return level, fmt


def wide_option(command):
    return click.option(
        "--wide", is_flag=True, help="Every column, however narrow the terminal (else the less important go)."
    )(command)


def _table(columns, rows: list[list[str]], wide: bool, title: str | None = None) -> None:
    from newswatch.scheduler.tables import print_table

    print_table(_console(), columns, rows, wide=wide, title=title)


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


# init ---------------------------------------------------------------------------------------


@cli.command()
@click.argument("path", required=False, default="newswatch.toml")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option("--all-sources", is_flag=True, help="Write out every built-in source instead of a few.")
def init(path: str, force: bool, all_sources: bool) -> None:
    """Write the built-in default configuration, commented, to PATH (default ./newswatch.toml)."""
    from newswatch.scheduler.template import config_template

    target = Path(path)
    if target.exists() and not force:
        raise Usage(f"{target} exists; use --force to overwrite it")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(config_template(all_sources=all_sources), encoding="utf-8")
    except OSError as exc:
        raise Failure(f"cannot write {target}: {exc}") from None
    click.echo(f"Wrote {target}. Edit its topics and sources, then run: newswatch --config {target} crawl")


# crawl --------------------------------------------------------------------------------------


@cli.command()
@click.option("--source", "sources", multiple=True, metavar="NAME", help="Only this source (repeatable).")
@click.option(
    "--respect-backoff",
    is_flag=True,
    help="Skip the sources backing off after failures, as the service does (default: fetch every source now).",
)
@click.option("--no-alerts", is_flag=True, help="Store and match, but plan and send no alerts.")
@click.option(
    "--no-send",
    is_flag=True,
    help="Queue alerts in the outbox; leave sending to the service or `newswatch alerts send`.",
)
@json_option
@wide_option
@click.pass_context
@runtime_errors
def crawl(
    ctx: click.Context,
    sources: tuple[str, ...],
    respect_backoff: bool,
    no_alerts: bool,
    no_send: bool,
    as_json: bool,
    wide: bool,
) -> None:
    """Run one full cycle now: fetch, extract, dedup, match, store, alert. Every source is
    fetched, also those backing off after failures, unless --respect-backoff."""
    from newswatch.crawler.cycle import run_cycle
    from newswatch.scheduler.app import cycle_context, select_sources, send_alerts

    ctx.find_root().obj["default_level"] = "WARNING"
    config = _config(ctx)
    for name in sources:
        _check_name(ctx, "source", name)
    specs = select_sources(config, sources)
    sessions = _sessions(ctx)
    _tell_of_other_crawls(sessions)
    _tell_of_no_topics(config)
    context = cycle_context(
        config, sessions, specs, alerts=not no_alerts, forced=sources, ignore_backoff=not respect_backoff
    )
    report = run_cycle(context)
    _crawl_left_over(ctx, config, report, alerts=not no_alerts, ignore_backoff=not respect_backoff)
    sent = None
    if not (no_alerts or no_send):
        sent = send_alerts(config, sessions, console=None if as_json else sys.stdout)
    if as_json:
        summary = report.to_dict()
        if sent is not None:
            summary["sent"] = {
                "sent": sent.sent,
                "failed": sent.failed,
                "retrying": sent.retrying,
                "held_by_quiet_hours": sent.held,
            }
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    _print_cycle(report, sent, wide)


def _crawl_left_over(ctx: click.Context, config, report: CycleReport, alerts: bool, ignore_backoff: bool) -> None:
    """Pages past max_articles_per_source wait for the next cycle. A crawl asked for now runs that
    cycle at once, as the service does, until no page is left over or a cycle brings nothing, and
    folds what each did into `report`. Each runs in a process of its own: Twisted's reactor runs
    once per process. A cycle that dies leaves its pages waiting, and the summary says so."""
    import multiprocessing

    from newswatch.scheduler.app import cycle_in_child

    state = ctx.find_root().obj
    level = (state["log_level"] or state.get("default_level") or "WARNING").upper()
    log_format = state["log_format"] or config.settings.logging.format
    spawn = multiprocessing.get_context("spawn")
    while left := tuple(o.name for o in report.sources.values() if o.deferred):
        receiving, sending = spawn.Pipe(duplex=False)
        child = spawn.Process(
            target=cycle_in_child, args=(config, left, alerts, ignore_backoff, level, log_format, sending)
        )
        child.start()
        sending.close()
        try:
            later = receiving.recv()
        except EOFError:  # the child died: its pages stay due for the next crawl
            later = None
        child.join()
        if later is None:
            return
        report.absorb(later)
        if not any(o.stored or o.failed for o in later.sources.values()):
            return


def _tell_of_no_topics(config: Config) -> None:
    """A file's `[[topics]]` are all its topics: one without any stores articles and never
    alerts, which a user who expected the built-in topics should hear about."""
    if not config.settings.topics:
        click.echo(
            f"newswatch: {config.label} has no [[topics]]: articles are stored, none matches a topic or alerts "
            "(`newswatch init FILE` writes a file with the built-in topics to copy them from)",
            err=True,
        )


def _tell_of_other_crawls(sessions: sessionmaker[Session]) -> None:
    """Two crawls of one database at once store nothing twice, but fetch the same pages: say so."""
    from newswatch.db.store import running_crawls

    with sessions.begin() as session:
        others = [(row.owner, row.started_at, row.sources) for row in running_crawls(session, _now())]
    for owner, started, names in others:
        host, _, pid = owner.rpartition(":")
        click.echo(
            f"newswatch: another crawl is running on this database (pid {pid} on {host}, since "
            f"{_when(started)} UTC, sources: {names.replace(',', ', ') or '-'}); this one goes ahead too",
            err=True,
        )


def _print_cycle(report: CycleReport, sent: SendReport | None, wide: bool) -> None:
    from newswatch.scheduler.tables import Column

    columns = [
        Column("source", max_width=28),
        Column("status"),
        Column("listed", drop=2),
        Column("new"),
        Column("copies", drop=2),
        Column("matched", drop=1),
        Column("failed", drop=1),
        Column("error", flex=True, min_width=20, lines=2),
    ]
    rows = [
        [
            outcome.name,
            outcome.status,
            str(outcome.listed),
            str(outcome.stored),
            str(outcome.duplicates),
            str(outcome.matched),
            str(outcome.failed),
            outcome.summary_error or "",
        ]
        for outcome in report.sources.values()
    ]
    _table(columns, rows, wide, title="Crawl cycle")
    console = _console()
    failed, skipped = len(report.failed_sources), len(report.skipped_sources)
    fetched = len(report.sources) - failed - skipped
    line = f"{plural(len(report.sources), 'source')}: {fetched} fetched, {failed} failed"
    if skipped:
        line += f", {skipped} skipped (backing off; `newswatch crawl` without --respect-backoff fetches them)"
    line += (
        f"; {plural(report.stored, 'new article')}, {report.matched} matched, "
        f"{plural(report.duplicates, 'copy', 'copies')}, {plural(report.alerts_planned, 'alert')}"
    )
    if report.folded:
        line += f" and {report.folded} more folded into one summary (alerts.max_per_cycle)"
    pending = sum(o.pending for o in report.sources.values())
    if pending:
        line += f", {plural(pending, 'page')} left for a later cycle (`newswatch sources --pages`)"
    if sent is not None:
        line += f"; {sent.counts()}"
    console.print(line)


@cli.command()
@click.pass_context
@runtime_errors
def demo(ctx) -> None:
    """The whole flow offline: a bundled local news web, one cycle, matches and alerts shown."""
    from newswatch.scheduler.demo import run_demo
    from newswatch.scheduler.logs import setup_logging

    state = ctx.find_root().obj
    setup_logging((state["log_level"] or "ERROR").upper(), state["log_format"] or "text")
    run_demo(click.echo)


# reading ------------------------------------------------------------------------------------


@cli.command()
@click.option("--topic", help="Only articles matching this topic.")
@click.option("--source", help="Only articles from this source.")
@click.option("--since", help="Only articles published since (2d, 6h, 2026-11-25).")
@click.option("--limit", type=COUNT, default=50, show_default=True)
@click.option("--all", "show_all", is_flag=True, help="Also articles that matched no topic.")
@json_option
@wide_option
@click.pass_context
@runtime_errors
def articles(ctx, topic, source, since, limit, show_all, as_json, wide) -> None:
    """Stored articles, newest first (matched only unless --all)."""
    from newswatch.db import reading

    since_at = _since(since)
    with _articles_db(ctx).connect() as conn:
        _check_name(ctx, "topic", topic, conn)
        _check_name(ctx, "source", source, conn)
        rows = reading.list_articles(
            conn, topic=topic, source=source, since=since_at, matched_only=not show_all, limit=limit
        )
        topic_matches = reading.matches_of(conn, [row.id for row in rows])
    if as_json:
        _emit_json(reading.article_json(row, topic_matches[row.id]) for row in rows)
        return
    _print_articles(rows, topic_matches, _nothing(ctx, "articles") if not rows else "", wide)


def _print_articles(rows, topic_matches: dict, empty: str, wide: bool) -> None:
    from newswatch.scheduler.tables import Column

    if not rows:
        _console().print(empty)
        return
    columns = [
        Column("id"),
        Column("published", drop=1),
        Column("source", drop=2, max_width=20),
        Column("topics", drop=3, flex=True, min_width=12),
        Column("title", flex=True, min_width=30),
    ]
    cells = []
    for row in rows:
        topics = ", ".join(f"{m.topic} {m.score:.2f}" for m in topic_matches[row.id]) or "-"
        title = row.title + (f" (copy of {row.duplicate_of})" if row.duplicate_of else "")
        cells.append([str(row.id), _when(row.published_at or row.fetched_at), row.source, topics, title])
    _table(columns, cells, wide)


@cli.command()
@click.argument("article_id", type=COUNT)
@json_option
@click.pass_context
@runtime_errors
def show(ctx, article_id: int, as_json: bool) -> None:
    """One article: metadata, why it matched, its copies, text."""
    from newswatch.db import reading
    from newswatch.db.records import article_detail

    with _articles_db(ctx).connect() as conn:
        row = reading.get_article(conn, article_id)
        if row is None:
            raise Failure(_no_article(ctx, conn, article_id))
        data = article_detail(conn, row)
    if as_json:
        _emit_json([data])
        return
    _print_article(data)


def _no_article(ctx: click.Context, conn, article_id: int) -> str:
    from newswatch.db import reading

    newest = reading.newest_id(conn)
    if newest is None:
        return _nothing(ctx, f"article {article_id}")
    return f"no article {article_id}; the newest id is {newest}; `newswatch articles --all` lists them"


def _print_article(data: dict) -> None:
    from rich.markup import escape

    from newswatch.db import reading

    console = _console()
    console.print(f"[bold]{escape(data['title'])}[/bold]")
    for key in (
        "id",
        "source",
        "outlet",
        "url",
        "canonical_url",
        "published_at",
        "fetched_at",
        "language",
        "story_id",
        "duplicate_of",
    ):
        if data.get(key) is not None:
            console.print(f"{key:>14}: {escape(str(data[key]))}")
    if data["authors"]:
        console.print(f"{'authors':>14}: {escape(', '.join(data['authors']))}")
    if data.get("alert"):
        console.print(f"{'alert':>14}: {escape(data['alert'])}")
    elif not data["topics"]:
        console.print(f"{'alert':>14}: not alerted: matched no topic (`newswatch rematch` after changing topics)")
    joined = data.get("joined")
    if joined:
        shares = ", ".join(joined["shares"]) or "nothing"
        if joined["more"]:
            shares += f" and {joined['more']} more"
        console.print(
            f"{'joined':>14}: shares {escape(shares)} with #{joined['first_report']}, "
            f"its story's first report (event score {joined['score']:.2f} now)"
        )
    for topic in data["topics"]:
        console.print(
            f"\n[bold]matched {escape(topic['name'])}[/bold] (score {topic['score']:.2f}): "
            f"{escape(', '.join(topic['terms']))}"
        )
        in_title = reading.terms_of([hit for hit in topic["hits"] if hit["field"] == "title"])
        if in_title:
            console.print(f"  - in title: {escape(', '.join(in_title))}")
        for hit in [hit for hit in topic["hits"] if hit["field"] != "title"][:8]:
            console.print(f"  - {escape(hit['term'])} in {hit['field']}: {escape(hit['snippet'])}")
    if data["copies"]:
        console.print("\n[bold]copies[/bold]")
        for copy in data["copies"]:
            console.print(f"  - #{copy['id']} {escape(copy['source'])} {escape(copy['url'])}")
    console.print("")
    console.print(escape(data["text"] or "(text dropped by retention)"))


@cli.command()
@click.argument("query", required=False)
@click.option(
    "--topic",
    help="Search with this configured topic's query and min_score instead of QUERY: what the topic, "
    "as the file has it now, flags among the stored articles.",
)
@click.option("--limit", type=COUNT, default=50, show_default=True)
@json_option
@wide_option
@click.pass_context
@runtime_errors
def search(ctx, query: str | None, topic: str | None, limit: int, as_json: bool, wide: bool) -> None:
    """Stored articles matching QUERY, written in the topic query language (title:word,
    "phrases", prefix*, AND/OR/NOT, NEAR/n...), best match first: a search finds what a topic with
    the same query matches. The newest 5000 articles holding one of the words the query needs
    are evaluated."""
    from newswatch.db import reading
    from newswatch.domain.query import QueryError, parse_query

    if (query is None) == (topic is None):
        raise Usage("give a QUERY or --topic NAME (one of them)")
    least = 0.0
    if topic is not None:
        _check_name(ctx, "topic", topic)
        spec = next(t for t in _config(ctx, reading=True).topic_specs() if t.name == topic)
        query, least = spec.query, spec.min_score
    assert query is not None
    try:
        parsed = parse_query(query)
    except QueryError as exc:
        raise Usage(_query_error(query, exc)) from None
    with _articles_db(ctx).connect() as conn:
        found = reading.query_search(conn, parsed, limit, scan=SEARCH_SCAN, least=least)
        rows = found.rows
        topic_matches = reading.matches_of(conn, [row.id for row in rows])
    if found.scanned < found.candidates:
        click.echo(
            f"newswatch: searched the newest {found.scanned} of {found.candidates} articles holding "
            "a word of the query; narrow it (title:..., AND) to reach older ones",
            err=True,
        )
    if as_json:
        _emit_json(reading.article_json(row, topic_matches[row.id]) for row in rows)
        return
    _print_articles(rows, topic_matches, _nothing(ctx, "articles") if not rows else "", wide)


SEARCH_SCAN = 5000  # articles a search evaluates the query on, the newest that may match


def _query_error(query: str, exc) -> str:
    """The query parser's error with the place marked under the query."""
    return f"invalid query at column {exc.position + 1}: {exc.message}\n  {query}\n  {' ' * exc.position}^"


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "atom"]), default="jsonl", show_default=True)
@click.option("--topic", help="Only articles matching this topic.")
@click.option("--source", help="Only articles from this source.")
@click.option("--since", help="Only articles published since (2d, 6h, 2026-11-25).")
@click.option("--all", "show_all", is_flag=True, help="Also articles that matched no topic.")
@click.option(
    "--link",
    metavar="URL",
    help="Atom: the feed's web page (default: the topic's page in `newswatch web` on its default address).",
)
@click.pass_context
@runtime_errors
def export(ctx, fmt: str, topic, source, since, show_all, link) -> None:
    """Write stored articles to stdout as JSON Lines, CSV or an Atom feed.

    CSV: one row per article; `topics` and `terms` list every topic and matched term
    (;-separated), and each topic in the export has two columns of its own, "TOPIC score" (empty
    when the article did not match it) and "TOPIC terms", so a spreadsheet can sort and filter by
    topic. Atom: the feed id is derived from the options, so the same export keeps its id."""
    from newswatch.db import reading

    since_at = _since(since)
    records = []
    with _articles_db(ctx).connect() as conn:
        _check_name(ctx, "topic", topic, conn)
        _check_name(ctx, "source", source, conn)
        rows = reading.list_articles(
            conn, topic=topic, source=source, since=since_at, matched_only=not show_all, limit=None, with_text=True
        )
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            topic_matches = reading.matches_of(conn, [row.id for row in chunk])
            records += [reading.article_json(row, topic_matches[row.id], with_text=True) for row in chunk]
    if fmt == "jsonl":
        _emit_json(records)
    elif fmt == "csv":
        _write_csv(records)
    else:
        from newswatch.scheduler.atom import atom_feed

        options = {"topic": topic, "source": source, "since": since, "all": show_all}
        chosen = {k: v for k, v in options.items() if v}
        key = "&".join(f"{k}={v}" for k, v in sorted(chosen.items()))
        feed_id = f"urn:newswatch:export:{hashlib.sha256(key.encode()).hexdigest()[:24]}"
        if link is None:
            from urllib.parse import quote

            link = "http://127.0.0.1:8080/" + (f"topics/{quote(topic, safe='')}" if topic else "")
        title = f"newswatch: {topic}" if topic else "newswatch"
        click.echo(atom_feed(records, title=title, now=_now(), feed_id=feed_id, link=link), nl=False)


def _write_csv(records: list[dict]) -> None:
    columns = [
        "id",
        "url",
        "canonical_url",
        "title",
        "source",
        "published_at",
        "fetched_at",
        "language",
        "topics",
        "terms",
        "duplicate_of",
        "story_id",
        "text",
    ]
    names = sorted({t["name"] for record in records for t in record["topics"]})
    columns[columns.index("duplicate_of") : columns.index("duplicate_of")] = [
        column for name in names for column in (f"{name} score", f"{name} terms")
    ]
    writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for record in records:
        row = dict(record)
        row["topics"] = ";".join(t["name"] for t in record["topics"])
        row["terms"] = ";".join(dict.fromkeys(term for t in record["topics"] for term in t["terms"]))
        for t in record["topics"]:
            row[f"{t['name']} score"] = f"{t['score']:.2f}"
            row[f"{t['name']} terms"] = ";".join(t["terms"])
        writer.writerow({key: _inert_cell(value) for key, value in row.items()})


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert_cell(value):
    """A cell a spreadsheet will not run: text from the web that opens like a formula
    ('=HYPERLINK(...)', '@SUM(...)') gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


@cli.command()
@click.option("--pages", is_flag=True, help="List the article pages waiting for another try, or failed for good.")
@json_option
@wide_option
@click.pass_context
@runtime_errors
def sources(ctx, pages: bool, as_json: bool, wide: bool) -> None:
    """Per source: last fetch, status, error, articles, pages pending retry, next run."""
    from newswatch.db import store
    from newswatch.db.records import source_records

    config = _config(ctx, reading=True)
    with _sessions(ctx, reading=True).begin() as session:
        store.sync_sources(session, config.source_specs())
    if pages:
        _pending_pages(ctx, as_json, wide)
        return
    with _sessions(ctx, reading=True)() as session:
        records = source_records(session, config.source_specs())
    if as_json:
        _emit_json(records)
        return
    from newswatch.scheduler.tables import Column

    columns = [
        Column("source", max_width=28),
        Column("type", drop=3),
        Column("status"),
        Column("last fetch", drop=2),
        Column("next run", drop=1),
        Column("errors", drop=3),
        Column("articles"),
        Column("retry", drop=3),
        Column("error", flex=True, min_width=14, lines=2),
    ]
    rows = [
        [
            r["name"],
            r["type"],
            r["status"],
            _when(_parse_iso(r["last_fetch_at"])),
            _when(_parse_iso(r["next_run_at"])),
            str(r["consecutive_errors"]),
            str(r["articles"]),
            str(r["pending_retry"]),
            r["error"] or (f"warning: {r['warning']}" if r["warning"] else ""),
        ]
        for r in records
    ]
    _table(columns, rows, wide)


def _pending_pages(ctx, as_json: bool, wide: bool) -> None:
    """`sources --pages`: every article page waiting for another try or failed for good."""
    from newswatch.db import store
    from newswatch.domain.redact import mask_text, mask_url

    with _sessions(ctx, reading=True)() as session:
        records: list[dict[str, Any]] = [
            {
                "source": row.source,
                "url": mask_url(row.url),
                "status": row.status,
                "attempts": row.attempts,
                "reason": mask_text(row.reason or ""),
                "first_seen_at": _iso(row.first_seen_at),
                "last_attempt_at": _iso(row.last_attempt_at),
                "next_attempt_at": _iso(row.next_attempt_at),
            }
            for row in store.list_pending(session)
        ]
    if as_json:
        _emit_json(records)
        return
    if not records:
        click.echo(_nothing(ctx, "pages pending or failed"))
        return
    from newswatch.scheduler.tables import Column

    columns = [
        Column("source", max_width=24),
        Column("status"),
        Column("tries", drop=2),
        Column("next try", drop=1),
        Column("reason", flex=True, min_width=16, lines=2),
        Column("url", flex=True, min_width=20, fold=True),
    ]
    rows = [
        [r["source"], r["status"], str(r["attempts"]), _when(_parse_iso(r["next_attempt_at"])), r["reason"], r["url"]]
        for r in records
    ]
    _table(columns, rows, wide)


def _parse_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# alerts -------------------------------------------------------------------------------------


@cli.group(invoke_without_command=True)
@click.option("--status", type=click.Choice(["pending", "sending", "sent", "failed"]), default=None)
@click.option("--limit", type=COUNT, default=50, show_default=True)
@json_option
@wide_option
@click.pass_context
@runtime_errors
def alerts(ctx, status, limit, as_json, wide) -> None:
    """List alert deliveries (or: alerts test, alerts retry, alerts send)."""
    if ctx.invoked_subcommand is not None:
        return
    from newswatch.alerts.outbox import list_deliveries
    from newswatch.db.records import delivery_record

    with _sessions(ctx, reading=True)() as session:
        records = [delivery_record(d) for d in list_deliveries(session, status=status, limit=limit)]
    if as_json:
        _emit_json(records)
        return
    from newswatch.scheduler.tables import Column

    if not records:
        _console().print(_nothing(ctx, "alert deliveries"))
        return
    columns = [
        Column("id"),
        Column("alert", drop=3),  # the alert # that `show` and the log name; `id` is the delivery's
        Column("created", drop=1),
        Column("kind", drop=3),
        Column("topic", max_width=16),
        Column("target", drop=2, max_width=24),
        Column("status"),
        Column("tries", drop=3),
        Column("title / error", flex=True, min_width=30, lines=3),
    ]
    rows = [
        [
            str(r["id"]),
            f"#{r['alert_id']}",
            _when(_parse_iso(r["created_at"])),
            r["kind"],
            r["topic"] or "-",
            r["target"],
            r["status"],
            str(r["attempts"]),
            r["title"] + (f" — {r['error']}" if r["error"] else ""),
        ]
        for r in records
    ]
    _table(columns, rows, wide)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


@alerts.command("test")
@click.option("--tag", help="Only targets with this tag.")
@click.pass_context
@runtime_errors
def alerts_test(ctx, tag: str | None) -> None:
    """Send a test notification to the configured targets now."""
    from newswatch.alerts.outbox import give_up_untried
    from newswatch.alerts.policy import make_test_alert
    from newswatch.alerts.targets import targets_from
    from newswatch.scheduler.app import alert_settings, send_alerts

    config = _config(ctx)
    sessions = _sessions(ctx)
    settings = alert_settings(config)
    with sessions.begin() as session:
        test = make_test_alert(session, targets_from(settings), tag=tag, now=_now(), settings=settings)
        test_id = test.id if test is not None else None
    # The test alone, at once: the backlog waits for `alerts send` or the service.
    report = send_alerts(config, sessions, console=sys.stdout, alert_ids=[test_id] if test_id else [])
    if test_id is not None:
        with sessions.begin() as session:
            give_up_untried(session, test_id, "not tried: the test was over before this target's turn")
    click.echo(f"test alert: {report.counts()}")
    if report.sent == 0:
        nobody = f"no target has the tag {tag!r}" if tag is not None and test_id is None else "no target"
        raise Failure("the test notification was not delivered: " + "; ".join(report.errors or [nobody]))


@alerts.command("retry")
@click.pass_context
@runtime_errors
def alerts_retry(ctx) -> None:
    """Re-queue failed deliveries and send what is due."""
    from newswatch.alerts.outbox import retry_failed
    from newswatch.scheduler.app import send_alerts

    config = _config(ctx)
    sessions = _sessions(ctx)
    with sessions.begin() as session:
        count = retry_failed(session)
    report = send_alerts(config, sessions, console=sys.stdout)
    click.echo(f"re-queued {count}; {report.counts()}")


@alerts.command("send")
@click.pass_context
@runtime_errors
def alerts_send(ctx) -> None:
    """Send the deliveries that are due now (the service does this on its own)."""
    from newswatch.scheduler.app import send_alerts

    report = send_alerts(_config(ctx), _sessions(ctx), console=sys.stdout)
    click.echo(report.counts())


# the service -------------------------------------------------------------------------------


@cli.command()
@grace_option
@click.pass_context
@runtime_errors
def run(ctx, grace: float) -> None:
    """The background service: every source on its interval, alerts and digests, until SIGTERM.
    SIGHUP reloads the configuration file (applied whole, or refused whole with the reason logged).
    One service per database: a second one refuses to start (exit 2). In cluster mode a
    scheduler: any number may run, one leads, the crawls and sends run on `newswatch worker`s."""
    from newswatch.scheduler.lease import LeaseHeld
    from newswatch.scheduler.service import Service

    state = ctx.find_root().obj
    state["default_level"] = "INFO"
    config = _config(ctx)
    sessions = _sessions(ctx)
    level, fmt = _service_logging(ctx, config)
    _tell_of_no_topics(config)
    web = None
    try:
        web = _background_web(config) if config.settings.web.listen else None
        if config.cluster_mode:
            code = _cluster_module("scheduler").run_scheduler(config, sessions, level, fmt)
        else:
            overrides = (state["log_level"], state["log_format"])
            service = Service(config, sessions, log_level=level, log_format=fmt, log_overrides=overrides)
            code = service.run_forever(grace=grace)
    except LeaseHeld as exc:  # one scheduler per database
        click.echo(f"newswatch: {exc}", err=True)
        ctx.exit(2)
    finally:
        if web is not None:
            web.stop()
    ctx.exit(code)


def _cluster_module(name: str):
    """A module of newswatch.cluster, or exit 1 saying what to install when Celery is missing."""
    import importlib

    try:
        return importlib.import_module(f"newswatch.cluster.{name}")
    except ImportError as exc:
        raise Failure(f"cluster mode needs {exc.name}: pip install 'newswatch[cluster]'") from None


@cli.command()
@click.option(
    "--concurrency",
    type=click.IntRange(1, 256),
    default=None,
    help="Crawls and sends run at once (default: the number of CPU cores).",
)
@grace_option
@click.pass_context
@runtime_errors
def worker(ctx, concurrency: int | None, grace: float) -> None:
    """Cluster mode: a worker that runs crawls and sends alerts (any number, on any machines)."""
    import os

    ctx.find_root().obj["default_level"] = "INFO"
    config = _config(ctx)
    if not config.cluster_mode:
        raise Usage(f'{config.label}: cluster.broker: `newswatch worker` needs [cluster] broker = "redis://..."')
    module = _cluster_module("worker")
    sessions = _sessions(ctx)
    level, fmt = _service_logging(ctx, config)
    ctx.exit(module.run_worker(config, sessions, concurrency or os.cpu_count() or 1, level, fmt, grace))


def _background_web(config):
    """The web view beside the service (`[web] listen`), started before it; the service sends
    what a retry queues."""
    import logging

    from newswatch.scheduler.config import parse_listen
    from newswatch.web.server import Background, ServeError, bind, check_host, options_from, url_of

    host, port = parse_listen(config.settings.web.listen)
    try:
        check_host(host, config.settings.web.password)
    except ServeError as exc:
        raise Usage(f"[web] listen: {exc}") from None
    try:
        sock = bind(host, port)
    except ServeError as exc:
        raise Failure(str(exc)) from None
    web = Background(options_from(config), sock)
    web.start()
    logging.getLogger("newswatch.web").info("web view url=%s", url_of(sock))
    return web


@cli.command()
@json_option
@click.pass_context
@runtime_errors
def status(ctx, as_json: bool) -> None:
    """Whether the service runs (its heartbeat), uptime, last cycle, pending alerts."""
    from sqlalchemy import func, select

    from newswatch.db.models import Delivery, ServiceState, Source

    config = _config(ctx, reading=True)
    now = _now()
    with _sessions(ctx, reading=True)() as session:
        row = session.get(ServiceState, 1)
        # By the service or by `newswatch crawl`, whichever fetched last.
        last_fetch = session.scalar(select(func.max(Source.last_fetch_at)))
        pending = session.scalar(select(func.count()).select_from(Delivery).where(Delivery.status == "pending"))
        failed = session.scalar(select(func.count()).select_from(Delivery).where(Delivery.status == "failed"))
    stale_after = timedelta(seconds=3 * config.settings.service.heartbeat + 10)
    running = bool(row and row.heartbeat_at and row.stopped_at is None and now - row.heartbeat_at < stale_after)
    record = {
        "running": running,
        "pid": row.pid if row else None,
        "started_at": _iso(row.started_at) if row else None,
        "heartbeat_at": _iso(row.heartbeat_at) if row else None,
        "uptime_seconds": int((now - row.started_at).total_seconds()) if running and row.started_at else None,
        "last_cycle_at": _iso(row.last_cycle_at) if row else None,
        "last_fetch_at": _iso(last_fetch),
        "stopped_at": _iso(row.stopped_at) if row else None,
        "pending_alerts": pending,
        "failed_alerts": failed,
    }
    if config.cluster_mode:
        record["cluster"] = _cluster_module("status").cluster_status(config, _sessions(ctx, reading=True))
        record["running"] = running = record["cluster"]["leader"] is not None
    if as_json:
        _emit_json([record])
        return
    state = "running" if running else "not running"
    alive = len(record["cluster"]["schedulers"]) if "cluster" in record else 0
    if not running and alive:  # cluster mode: schedulers run, but none leads (the broker is down, say)
        state = f"no scheduler leads ({plural(alive, 'scheduler')} seen in the last minute)"
    click.echo(f"service: {state}" + (f" (pid {record['pid']}, up {record['uptime_seconds']}s)" if running else ""))
    click.echo(f"last heartbeat: {record['heartbeat_at'] or '-'}")
    click.echo(f"last cycle of the service: {record['last_cycle_at'] or '-'}")
    click.echo(f"last fetch (service or `newswatch crawl`): {record['last_fetch_at'] or '-'}")
    click.echo(f"alerts pending: {pending}, failed: {failed}")
    if "cluster" in record:
        _print_cluster(record["cluster"])


def _print_cluster(cluster: dict) -> None:
    leader = cluster["leader"]
    click.echo(f"leading scheduler: {leader['node']} since {leader['since']}" if leader else "leading scheduler: none")
    click.echo(f"schedulers seen in the last minute: {len(cluster['schedulers'])}")
    for node in cluster["schedulers"]:
        click.echo(f"  - {node['node']}")
    click.echo(f"workers seen in the last minute: {len(cluster['workers'])}")
    for node in cluster["workers"]:
        click.echo(f"  - {node['node']} (concurrency {node['concurrency']}, seen {node['seen_at']})")
    queue = cluster["queue"]
    if "error" in queue:
        click.echo(f"queue: {queue['error']}")
    else:
        click.echo(
            f"queue: {queue['crawl']} crawl tasks and {queue['send']} send tasks waiting, {queue['running']} running"
        )
    click.echo(f"sources queued: {cluster['sources_queued']}, being crawled: {cluster['sources_crawling']}")


@cli.command()
@click.option("--topic", help="Only stories matching this topic.")
@click.option("--since", help="Only stories with articles since (2d, 6h, 2026-11-25).")
@click.option("--limit", type=COUNT, default=30, show_default=True)
@json_option
@click.pass_context
@runtime_errors
def stories(ctx, topic, since, limit, as_json) -> None:
    """Stories (events), each with its articles and outlets, newest first."""
    from newswatch.db import store
    from newswatch.db.records import story_record

    since_at = _since(since)
    with _sessions(ctx, reading=True)() as session:
        _check_name(ctx, "topic", topic, session.connection())
        groups = store.list_stories(session, topic=topic, since=since_at, limit=limit)
        alerted = store.story_alerts(session, [story_id for story_id, _ in groups])
        records = [story_record(story_id, rows, alerted.get(story_id, [])) for story_id, rows in groups]
    if as_json:
        _emit_json(records)
        return
    if not records:
        click.echo(_nothing(ctx, "stories"))
        return
    for record in records:
        said = sorted({f"{a['topic']}" + (" (digest)" if a["kind"] == "digest-item" else "") for a in record["alerts"]})
        mark = f"alerted: {', '.join(said)}" if said else "not alerted"
        click.echo(f"story {record['story_id']} [{mark}]: {record['title']}")
        click.echo(
            f"  topics: {', '.join(record['topics']) or '-'}; {plural(len(record['outlets']), 'outlet')}: "
            f"{', '.join(record['outlets'])}"
        )
        for article in record["articles"]:
            mark = f" (copy of #{article['duplicate_of']})" if article["duplicate_of"] else ""
            click.echo(f"  - #{article['id']} {article['source']}: {article['title']}{mark}")


@cli.command()
@click.option("--topic", "topic_names", multiple=True, help="Only this topic (repeatable).")
@click.option("--alert", "with_alerts", is_flag=True, help="Also alert stories that newly match (off by default).")
@json_option
@click.pass_context
@runtime_errors
def rematch(ctx, topic_names, with_alerts, as_json) -> None:
    """Re-match stored articles after topics changed, without alerting old stories unless --alert."""
    from newswatch.scheduler.rematch import rematch_all

    config = _config(ctx)
    for name in topic_names:
        _check_name(ctx, "topic", name)
    result = rematch_all(config, _sessions(ctx), topic_names or None, with_alerts=with_alerts, now=_now())
    if as_json:
        _emit_json([result])
    else:
        click.echo(
            f"checked {plural(result['checked'], 'article')}: "
            f"{plural(result['added'], 'new match', 'new matches')}, {result['removed']} removed, "
            f"{plural(result['alerts'], 'alert')} planned"
        )
    if with_alerts:
        from newswatch.scheduler.app import send_alerts

        send_alerts(config, _sessions(ctx), console=None if as_json else sys.stdout)


@cli.command()
@click.argument("article_ids", metavar="ID...", nargs=-1, required=True, type=COUNT)
@click.option("--no-alert", is_flag=True, help="Move them, but plan no alert for the new story.")
@json_option
@click.pass_context
@runtime_errors
def split(ctx, article_ids, no_alert, as_json) -> None:
    """Take reports out of a story they were wrongly joined to: they become a story of their own,
    which alerts as a new story would (unless --no-alert). Name every report of the hidden
    development; the earliest published is the new story's first report."""
    from newswatch.db.split import SplitRefused
    from newswatch.scheduler.app import send_alerts
    from newswatch.scheduler.split import split_reports

    config = _config(ctx)
    sessions = _sessions(ctx, reading=True)  # a database that does not exist has nothing to split
    try:
        result = split_reports(config, sessions, article_ids, alert=not no_alert, now=_now())
    except SplitRefused as exc:
        if exc.missing is not None:
            with sessions() as session:
                raise Failure(_no_article(ctx, session.connection(), exc.missing)) from None
        raise Failure(str(exc)) from None
    if as_json:
        _emit_json([result])
    else:
        listed = ", ".join(f"#{a['id']} (left story {a['left_story']})" for a in result["articles"])
        click.echo(f"story {result['story_id']}: {listed}")
        click.echo(f"alert: {result['alert']}")
    if not no_alert:
        send_alerts(config, sessions, console=None if as_json else sys.stdout)


# topics -------------------------------------------------------------------------------------


@cli.group()
def topics() -> None:
    """Look after the configured topics: what to add to a query, how well it matches."""


SUGGEST_ARTICLES = 5000  # the newest articles of the window that suggestions are made from


@topics.command("suggest")
@click.argument("topic")
@click.option("--since", default="14d", show_default=True, help="Articles published since (2d, 6h, 2026-11-25).")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
@json_option
@wide_option
@click.pass_context
@runtime_errors
def topics_suggest(ctx, topic: str, since: str, limit: int, as_json: bool, wide: bool) -> None:
    """Words and names that keep appearing in TOPIC's recent matched and weakly matched
    articles but not in its query. Reads the database only."""
    from newswatch.db import reading
    from newswatch.domain.matching import compile_topics
    from newswatch.domain.suggest import ArticleText, group_articles, suggest

    config = _config(ctx, reading=True)
    compiled = compile_topics(config.topic_specs())
    chosen = next((t for t in compiled if t.name == topic), None)
    if chosen is None:
        raise Usage(unknown_name("topic", topic, [t.name for t in compiled]))
    since_at = _since(since)
    with _articles_db(ctx).connect() as conn:
        rows = reading.recent_texts(conn, since_at, SUGGEST_ARTICLES)
    groups = group_articles([ArticleText(r.id, r.title or "", r.text or "") for r in rows], chosen, compiled)
    found = suggest(chosen, groups, limit=limit)
    if as_json:
        _emit_json(s.to_dict() for s in found)
        return
    _print_suggestions(topic, groups, found, wide)


def _print_suggestions(topic: str, groups, found, wide: bool) -> None:
    from newswatch.scheduler.tables import Column

    console = _console()
    console.print(
        f"{topic}: {len(groups.matched)} matched, {len(groups.weak)} weakly matched, "
        f"{len(groups.elsewhere)} other articles"
    )
    if not found:
        console.print("No suggestions: nothing distinctive keeps appearing outside the query.")
        return
    columns = [
        Column("term", max_width=30),
        Column("matched"),
        Column("weak", drop=1),
        Column("elsewhere", drop=1),
        Column("example", flex=True, min_width=30),
    ]
    rows = [
        [s.term, str(s.matched), str(s.weak), str(s.elsewhere), f"#{s.example.id} {s.example.snippet}"] for s in found
    ]
    _table(columns, rows, wide)


@topics.command("evaluate")
@click.argument("topic", required=False)
@json_option
@click.pass_context
@runtime_errors
def topics_evaluate(ctx, topic: str | None, as_json: bool) -> None:
    """Precision from feedback (relevant / not relevant) and the false positives, per topic."""
    from newswatch.db.feedback import evaluate

    names = [t.name for t in _config(ctx, reading=True).settings.topics]
    if topic is not None:
        if topic not in names:
            raise Usage(unknown_name("topic", topic, names))
        names = [topic]
    with _sessions(ctx, reading=True)() as session:
        evaluations = evaluate(session.connection(), names)
    if as_json:
        _emit_json(e.to_dict() for e in evaluations)
        return
    for e in evaluations:
        if not e.judged and not (e.fixed or e.lost):
            click.echo(f"{e.topic}: no feedback yet (mark matches relevant or not in `newswatch web`)")
            continue
        precision = f"{e.precision:.2f}" if e.precision is not None else "-"
        click.echo(
            f"{e.topic}: precision {precision} ({e.relevant} relevant, {e.not_relevant} not relevant "
            f"of {e.judged} judged matches)"
        )
        if e.false_positives:
            click.echo("  false positives (candidates for NOT or EXCEPT rules):")
            for j in e.false_positives:
                click.echo(f"    #{j.article_id} score {j.score:.2f} [{', '.join(j.terms)}] {j.source}: {j.title}")
        if e.fixed or e.lost:
            click.echo(
                f"  no longer matched: {len(e.fixed)} judged not relevant (fixed), {len(e.lost)} judged relevant (lost)"
            )
            for j in e.lost:
                click.echo(f"    lost #{j.article_id} {j.source}: {j.title}")


# the web view ------------------------------------------------------------------------------


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="0: any free port.")
@click.pass_context
@runtime_errors
def web(ctx, host: str, port: int) -> None:
    """The web view: stories, articles, search, sources, alerts, topics, Atom feeds and JSON."""
    from newswatch.scheduler.app import send_alerts
    from newswatch.web.server import ServeError, bind, check_host, options_from, serve, url_of

    config = _config(ctx)
    try:
        check_host(host, config.settings.web.password)
    except ServeError as exc:
        raise Usage(f"--host {exc}") from None
    sessions = _sessions(ctx)
    try:
        sock = bind(host, port)
    except ServeError as exc:
        raise Failure(str(exc)) from None
    options = options_from(config, send_due=lambda: send_alerts(config, sessions, console=None))
    click.echo(f"newswatch web: serving {url_of(sock)} (Ctrl+C stops)")
    serve(options, sock, log_level=ctx.find_root().obj["log_level"] or "WARNING")


def main() -> None:
    cli(prog_name="newswatch")


if __name__ == "__main__":
    main()
