"""Reading stored articles for the commands that only look: plain SQLAlchemy Core, no ORM.

`newswatch articles`, `search`, `show` and `export` are meant to answer at once, and importing
the ORM and declaring the models costs them a tenth of a second. The tables here name only the
columns these reads need; tests/test_schema.py checks them against the models. The listing's
filters live here once: `db.store` builds its ORM listing on `article_query`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Float, Integer, Text, column, func, select, table
from sqlalchemy.engine import Connection, Row

from newswatch.db.types import UTCDateTime

if TYPE_CHECKING:
    from newswatch.domain.query import Query

articles = table(
    "articles",
    column("id", Integer),
    column("url", Text),
    column("canonical_url", Text),
    column("title", Text),
    column("source", Text),
    column("outlet", Text),
    column("published_at", UTCDateTime()),
    column("updated_at", UTCDateTime()),
    column("fetched_at", UTCDateTime()),
    column("language", Text),
    column("authors", JSON),
    column("image", Text),
    column("duplicate_of", Integer),
    column("story_id", Integer),
    column("similarity", Float),
    column("alert_note", Text),
    column("text", Text),
)
matches = table(
    "matches",
    column("id", Integer),
    column("article_id", Integer),
    column("topic", Text),
    column("score", Float),
    column("hits", JSON),
    column("created_at", UTCDateTime()),
)
alerts = table(
    "alerts",
    column("id", Integer),
    column("kind", Text),
    column("topic", Text),
    column("article_id", Integer),
    column("story_id", Integer),
    column("digest_id", Integer),
)
deliveries = table("deliveries", column("alert_id", Integer), column("status", Text), column("error", Text))
_LISTED = [c for c in articles.c if c.name not in ("text", "alert_note")]


def article_query(
    topic: str | None = None,
    source: str | None = None,
    since: datetime | None = None,
    matched_only: bool = True,
    with_text: bool = False,
):
    """Articles newest first, by topic, source and publication time; only matched ones unless
    `matched_only` is False."""
    a = articles.c
    query = select(*(articles.c if with_text else _LISTED))
    # EXISTS, not IN: the database walks the newest-first index (ix_articles_newest) and stops
    # after `limit` rows, instead of sorting every matched article.
    if topic:
        query = query.where(select(matches.c.id).where(matches.c.article_id == a.id, matches.c.topic == topic).exists())
    elif matched_only:
        query = query.where(select(matches.c.id).where(matches.c.article_id == a.id).exists())
    if source:
        query = query.where(a.source == source)
    if since is not None:
        query = query.where(func.coalesce(a.published_at, a.fetched_at) >= since)
    return query.order_by(func.coalesce(a.published_at, a.fetched_at).desc(), a.id.desc())


def list_articles(
    conn: Connection,
    topic: str | None = None,
    source: str | None = None,
    since: datetime | None = None,
    matched_only: bool = True,
    limit: int | None = 50,
    with_text: bool = False,
) -> list[Row]:
    query = article_query(topic, source, since, matched_only, with_text)
    return list(conn.execute(query.limit(limit) if limit else query))


def recent_texts(conn: Connection, since: datetime | None, limit: int) -> list[Row]:
    """The newest original articles (not copies) that still have their text: id, title, text."""
    a = articles.c
    query = select(a.id, a.title, a.text).where(a.duplicate_of.is_(None), a.text.is_not(None))
    if since is not None:
        query = query.where(func.coalesce(a.published_at, a.fetched_at) >= since)
    query = query.order_by(func.coalesce(a.published_at, a.fetched_at).desc(), a.id.desc())
    return list(conn.execute(query.limit(limit)))


def search_articles(conn: Connection, text: str, limit: int = 50) -> list[Row]:
    """The articles matching `text`, a query in the topic query language, best first (see
    `query_search`); raises domain.query.QueryError when it does not parse."""
    from newswatch.domain.query import parse_query

    return query_search(conn, parse_query(text), limit).rows


@dataclass
class QuerySearch:
    """What `query_search` found: the rows, best first, and how much it looked at."""

    rows: list[Row]
    scores: dict[int, float]
    candidates: int  # articles the prefilter let through
    scanned: int  # of those, the newest evaluated (at most the scan limit)


def query_search(conn: Connection, query: Query, limit: int = 50, scan: int = 5000, least: float = 0.0) -> QuerySearch:
    """Articles matching a topic query (domain/query.py) with a score of at least `least` (a
    topic's min_score), best score first, then newest: the full-text index narrows to the
    articles holding one of the words the query needs, and the query is evaluated on the newest
    `scan` of those with the matcher topics use, so a search and a topic with the same query agree.
    A query that needs no word (only NOTs) is evaluated on the newest `scan` articles."""
    from newswatch.db import fulltext
    from newswatch.domain.items import TopicSpec
    from newswatch.domain.matching import CompiledTopic, document_score
    from newswatch.domain.query import Document

    topic = CompiledTopic(TopicSpec(name="search", query=query.text), query)
    a = articles.c
    moment = func.coalesce(a.published_at, a.fetched_at)
    newest = (moment.desc(), a.id.desc())
    needs = query.needs
    ids = fulltext.candidate_ids(conn, *needs) if needs is not None else None
    if ids is None:
        candidates = conn.execute(select(func.count()).select_from(articles)).scalar() or 0
        chosen = [row.id for row in conn.execute(select(a.id).order_by(*newest).limit(scan))]
    else:
        candidates = len(ids)
        chosen = []
        for start in range(0, len(ids), 900):  # SQLite's bound-parameter limit
            chosen += conn.execute(select(a.id, moment).where(a.id.in_(ids[start : start + 900]))).all()
        chosen.sort(key=lambda row: (row[1] is not None, row[1], row[0]), reverse=True)
        chosen = [row[0] for row in chosen[:scan]]
    scores: dict[int, float] = {}
    for start in range(0, len(chosen), 500):
        batch = chosen[start : start + 500]
        for row in conn.execute(select(a.id, a.title, a.text).where(a.id.in_(batch))):
            value = document_score(Document(row.title or "", row.text or ""), topic)
            if value is not None and value >= least:
                scores[row.id] = value
    found = {row.id: row for row in conn.execute(select(*_LISTED).where(a.id.in_(list(scores))))} if scores else {}
    order = {article_id: rank for rank, article_id in enumerate(chosen)}
    best = sorted(found, key=lambda i: (-scores[i], order[i]))[:limit]
    return QuerySearch([found[i] for i in best], scores, candidates, len(chosen))


def get_article(conn: Connection, article_id: int) -> Row | None:
    return conn.execute(select(articles).where(articles.c.id == article_id)).first()


def name_is_stored(conn: Connection, kind: str, name: str) -> bool:
    """Whether any stored match has topic `name` (`kind` "topic") or any article source `name`."""
    column_ = matches.c.topic if kind == "topic" else articles.c.source
    return conn.execute(select(column_).where(column_ == name).limit(1)).first() is not None


def newest_id(conn: Connection) -> int | None:
    """The highest article id, None when there is none."""
    return conn.execute(select(func.max(articles.c.id))).scalar()


def copies_of(conn: Connection, article_id: int) -> list[Row]:
    a = articles.c
    return list(
        conn.execute(select(a.id, a.source, a.url, a.similarity).where(a.duplicate_of == article_id).order_by(a.id))
    )


def matches_of(conn: Connection, article_ids: Sequence[int]) -> dict[int, list[Row]]:
    """Each article's topic matches, best first."""
    found: dict[int, list[Row]] = {i: [] for i in article_ids}
    query = select(matches).where(matches.c.article_id.in_(list(article_ids)))
    for row in conn.execute(query.order_by(matches.c.score.desc(), matches.c.id)):
        found[row.article_id].append(row)
    return found


# What the note of an alert held by quiet hours says (alerts/policy.py), until when.
QUIET_HELD = "held by quiet hours until"
_QUIET_UNTIL = re.compile(re.escape(QUIET_HELD) + r" \d{4}-\d\d-\d\d \d\d:\d\d UTC")

# What the note of a digest topic's match says until a digest has taken its story in, and after
# (followed by the digest alert's number) (alerts/policy.py).
DIGEST_PENDING = "the topic is digest (the next digest tells it)"
DIGEST_TOLD = "the topic is digest; its story is in digest alert #"
_TOLD_IN = re.compile(re.escape(DIGEST_TOLD) + r"(\d+)")


def _digest_told(conn: Connection, row, note: str) -> str:
    """The note, with "the next digest tells it" replaced by the digest that did, for each topic
    whose digest has told the article's story."""
    story = row.story_id if row.story_id is not None else row.id
    told = conn.execute(
        select(alerts.c.topic, alerts.c.digest_id).where(alerts.c.kind == "digest-item", alerts.c.story_id == story)
    ).all()
    for topic, digest_id in told:
        note = note.replace(
            f"{topic}: not alerted at once: {DIGEST_PENDING}",
            f"{topic}: not alerted at once: {DIGEST_TOLD}{digest_id}",
        )
    return note


def _delivery_state(conn: Connection, alert_id: int) -> str:
    """What to say after a digest alert's number: "(not delivered yet)" while its deliveries wait
    (quiet hours, a target down), "(its delivery failed)" when none went out and one gave up,
    nothing once it was delivered."""
    statuses = set(conn.execute(select(deliveries.c.status).where(deliveries.c.alert_id == alert_id)).scalars())
    if statuses & {"pending", "sending"}:
        return " (not delivered yet)"
    if "failed" in statuses and "sent" not in statuses:
        return " (its delivery failed)"
    return ""


def alert_line(conn: Connection, row) -> str | None:
    """One line saying what became of a stored article's topics: the note written when it was
    stored (alerted, or why not: a copy, joined an alerted story, too old, below min_score, digest
    or off, quiet hours, over the per-cycle cap), followed by where its alerts' deliveries stand.
    None for an article that matched nothing (or was stored before notes were kept)."""
    note = row.alert_note
    if not note:
        return None
    if DIGEST_PENDING in note:
        note = _digest_told(conn, row, note)
    note = _TOLD_IN.sub(lambda told: told[0] + _delivery_state(conn, int(told[1])), note)
    found = conn.execute(
        select(deliveries.c.status, deliveries.c.error)
        .select_from(alerts.join(deliveries, deliveries.c.alert_id == alerts.c.id))
        .where(alerts.c.article_id == row.id, alerts.c.kind.in_(("instant", "update")))
    ).all()
    if found:
        statuses = [status for status, _ in found]
        counted = {status: statuses.count(status) for status in ("sent", "pending", "sending", "failed")}
        if QUIET_HELD in note and not (counted["pending"] or counted["sending"]):
            note = _QUIET_UNTIL.sub(r"\g<0> (no longer held)", note)
        held = _still_held(error for status, error in found if status == "pending")
        why = {"pending": f" ({held})"} if held and held not in note else {}
        note += "; deliveries: " + ", ".join(f"{n} {status}{why.get(status, '')}" for status, n in counted.items() if n)
    return note


def _still_held(errors, now: datetime | None = None) -> str | None:
    """The latest "held by quiet hours until ..." among pending deliveries' errors (written by the
    sender while it holds them, alerts/outbox.py) whose time is still to come, or None."""
    now = now or datetime.now(UTC)
    latest = None
    for error in errors:
        found = _QUIET_UNTIL.fullmatch(error or "")
        if found:
            until = datetime.strptime(found[0][len(QUIET_HELD) + 1 :], "%Y-%m-%d %H:%M UTC").replace(tzinfo=UTC)
            if until > now and (latest is None or until > latest[0]):
                latest = (until, found[0])
    return latest[1] if latest else None


def terms_of(hits: list | None) -> list[str]:
    """The distinct query terms a match's hits name, in order."""
    return list(dict.fromkeys(hit["term"] for hit in hits or []))


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def article_json(row, topic_matches, with_text: bool = False) -> dict:
    """The article as `articles --json` prints it (the README's "One article as JSON"). `row`:
    anything with the article's columns as attributes (a Core row or an ORM object);
    `topic_matches`: its matches (topic, score, hits)."""
    data = {
        "id": row.id,
        "url": row.url,
        "canonical_url": row.canonical_url,
        "title": row.title,
        "source": row.source,
        "outlet": row.outlet,
        "published_at": iso(row.published_at),
        "updated_at": iso(row.updated_at),
        "fetched_at": iso(row.fetched_at),
        "language": row.language,
        "authors": list(row.authors or []),
        "image": row.image,
        "topics": [
            {"name": m.topic, "score": m.score, "terms": terms_of(m.hits), "hits": m.hits}
            for m in sorted(topic_matches, key=lambda m: -m.score)
        ],
        "duplicate_of": row.duplicate_of,
        "story_id": row.story_id,
    }
    if with_text:
        data["text"] = row.text or ""
    return data
