"""The tables of newswatch, as SQLAlchemy 2.0 typed models.

The schema itself is owned by the Alembic migrations in `db/migrations`; these models must agree
with them (a test compares the two). Nothing here is specific to one database.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from newswatch.db.types import UTCDateTime


class Base(DeclarativeBase):
    # Every model here maps one Table (SQLAlchemy types it as the wider FromClause), which the
    # Core statements of the store and the web view use directly.
    __table__: ClassVar[Table]


class Source(Base):
    """A configured source and the state of fetching it."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(30))
    url: Mapped[str] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_fetch_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_new_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_full_fetch_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(30), default="new")
    error: Mapped[str | None] = mapped_column(Text)
    consecutive_errors: Mapped[int] = mapped_column(Integer, default=0)
    backoff_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_items: Mapped[int] = mapped_column(Integer, default=0)
    last_new: Mapped[int] = mapped_column(Integer, default=0)
    health_alerted: Mapped[str | None] = mapped_column(String(30))
    warning: Mapped[str | None] = mapped_column(Text)  # a recoverable problem of the last listing read
    # Cluster mode: when the leading scheduler put a crawl of it on the queue (None: none is
    # waiting or running), and the worker running that crawl.
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(200), index=True)


# Cluster mode's scheduler looks for due sources by this.
Index("ix_sources_next_run_at", Source.next_run_at)


class Article(Base):
    """One stored article: its extracted text and metadata, dedup fingerprints and story."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    canonical_url: Mapped[str] = mapped_column(String(2000), unique=True)
    source: Mapped[str] = mapped_column(String(200), index=True)
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    language: Mapped[str | None] = mapped_column(String(20))
    authors: Mapped[list] = mapped_column(JSON, default=list)
    image: Mapped[str | None] = mapped_column(Text)
    outlet: Mapped[str | None] = mapped_column(String(300))
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("articles.id"))
    story_id: Mapped[int | None] = mapped_column(Integer, index=True)
    similarity: Mapped[float | None] = mapped_column(Float)
    # A story seed's event profile, {"headline": [...], "keys": [...]} (domain.fingerprint).
    event_terms: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    # Why a matching article did not alert, or which alert it made: one line (alerts.policy).
    alert_note: Mapped[str | None] = mapped_column(Text)

    matches: Mapped[list[TopicMatch]] = relationship(
        back_populates="article", cascade="all, delete-orphan", lazy="selectin"
    )


# Newest first, as every listing orders articles: lets `articles --limit N` read N rows instead
# of sorting the whole table.
Index("ix_articles_newest", func.coalesce(Article.published_at, Article.fetched_at), Article.id)
# The story lookup's window (the latest originals) read from the index alone: the table rows
# hold the article text, and reaching the columns after it means walking its overflow pages.
# Leads with duplicate_of, so it also finds an article's copies.
Index(
    "ix_articles_story_window",
    Article.duplicate_of,
    Article.id,
    Article.fetched_at,
    Article.published_at,
    Article.story_id,
)
# Stories newest first (the web view's listing): the newest reports read from the index alone,
# each with its story, and its source for a source filter.
Index("ix_articles_fetched_story", Article.fetched_at, Article.story_id, Article.source)


class TopicMatch(Base):
    """An article matched a topic, with its score and why (the hits)."""

    __tablename__ = "matches"
    __table_args__ = (UniqueConstraint("article_id", "topic"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(200), index=True)
    score: Mapped[float] = mapped_column(Float)
    hits: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    article: Mapped[Article] = relationship(back_populates="matches")

    @property
    def terms(self) -> list[str]:
        from newswatch.db.reading import terms_of

        return terms_of(self.hits)


class LshBand(Base):
    """MinHash LSH buckets: one row per (article, band). Candidates for near-duplicates are
    found with one indexed lookup on `key`."""

    __tablename__ = "lsh_bands"
    __table_args__ = (Index("ix_lsh_bands_key", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[int] = mapped_column(BigInteger)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))


# The alerts that told one story: instant ones and updates, folded into a cycle's summary, or in
# a digest (the other kinds: digests themselves, summaries, tests, source health).
STORY_ALERT_KINDS = ("instant", "update", "folded", "digest-item")


class Alert(Base):
    """Something to tell the user: a new story for a topic, a digest, a summary, a test, a
    source-health notice. `key` makes the decision idempotent: one alert per story per topic."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    topic: Mapped[str | None] = mapped_column(String(200), index=True)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    story_id: Mapped[int | None] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    digest_id: Mapped[int | None] = mapped_column(Integer, index=True)

    deliveries: Mapped[list[Delivery]] = relationship(
        back_populates="alert", cascade="all, delete-orphan", lazy="selectin"
    )


class Delivery(Base):
    """One alert to one target: the outbox row a sender claims, sends and records."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("alert_id", "target"),
        Index("ix_deliveries_status_next", "status", "next_attempt_at"),
        Index("ix_deliveries_uid", "uid", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(64))  # a hash of the target URL, never the URL
    target_label: Mapped[str] = mapped_column(Text)  # the URL with its secrets masked
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the target accepted it: its answer's status said so, though the send may still be
    # reading the rest of the answer; a delivery with sent_at is never sent again.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)
    # The delivery id every notification carries (payload, header, body): the same on each try.
    uid: Mapped[str | None] = mapped_column(String(36), default=lambda: str(uuid.uuid4()))
    # The sender holding the claim: its process, "host:pid" (db.owners), or a cluster worker's name.
    claimed_by: Mapped[str | None] = mapped_column(String(300), index=True)

    alert: Mapped[Alert] = relationship(back_populates="deliveries")


class PendingPage(Base):
    """An article page a listing named that is not stored yet and will not be found again by
    reading the listing: it failed (retried with backoff, or given up with its reason) or was left
    for a later cycle (more new pages than one cycle fetches). A conditional GET answered 304
    never hides it: a source's cycle fetches its due pages whatever its listing says."""

    __tablename__ = "pending_pages"
    __table_args__ = (Index("ix_pending_pages_due", "source", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(2000), unique=True)  # the listing URL, canonicalised
    url: Mapped[str] = mapped_column(Text)
    entry: Mapped[dict] = mapped_column(JSON, default=dict)  # what the listing said (items.FeedEntry)
    status: Mapped[str] = mapped_column(String(20))  # retry | deferred | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LinkAlias(Base):
    """A listing's link to a stored article under another URL: a redirect (a feed's tracking
    link), or a page whose canonical URL is not its link. The listing names the link again every
    cycle; known here, it is not fetched again."""

    __tablename__ = "link_aliases"

    url: Mapped[str] = mapped_column(String(2000), primary_key=True)  # the listing URL, canonicalised
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TermCount(Base):
    """How many stored original reports carry an event term (domain.fingerprint.TermWeights); the
    row with the empty term counts the reports."""

    __tablename__ = "term_counts"

    term: Mapped[str] = mapped_column(String(100), primary_key=True)
    reports: Mapped[int] = mapped_column(Integer)


class Crawl(Base):
    """A crawl cycle running now, by whom (db.owners): a second crawl of the same database tells
    the user about the first. The row goes when the cycle ends; a dead owner's row is dropped."""

    __tablename__ = "crawls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(300))
    sources: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ServiceState(Base):
    """The running service's heartbeat and lease (one row): `owner` is the scheduler holding the
    database; another one refuses to start while the heartbeat is fresh."""

    __tablename__ = "service_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pid: Mapped[int | None] = mapped_column(Integer)
    host: Mapped[str | None] = mapped_column(String(200))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_cycle_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    owner: Mapped[str | None] = mapped_column(String(64))


class Feedback(Base):
    """A person's verdict on one topic match: relevant or not. One per article and topic (the
    latest verdict replaces the earlier one); the topic's precision is read from these."""

    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("article_id", "topic"), Index("ix_feedback_topic", "topic"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(200))
    relevant: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ClusterLease(Base):
    """Cluster mode: a lease one process holds until it expires (the scheduler's leadership)."""

    __tablename__ = "cluster_leases"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ClusterNode(Base):
    """Cluster mode: one scheduler or worker process, and when it was last seen alive."""

    __tablename__ = "cluster_nodes"
    __table_args__ = (Index("ix_cluster_nodes_role_seen", "role", "seen_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(20))  # scheduler | worker
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(Integer)
    concurrency: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lost: Mapped[bool] = mapped_column(Boolean, default=False)  # stopped without saying so (found dead)
