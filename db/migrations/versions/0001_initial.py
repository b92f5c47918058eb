"""The first schema: sources, articles, matches, LSH bands, alerts, deliveries, service state,
and the full-text index of articles (through the dialect seam in db/fulltext.py).

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from newswatch.db import fulltext
from newswatch.db.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("type", sa.String(30), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("last_fetch_at", UTCDateTime()),
        sa.Column("last_success_at", UTCDateTime()),
        sa.Column("last_new_at", UTCDateTime()),
        sa.Column("last_full_fetch_at", UTCDateTime()),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("consecutive_errors", sa.Integer, nullable=False),
        sa.Column("backoff_until", UTCDateTime()),
        sa.Column("next_run_at", UTCDateTime()),
        sa.Column("last_items", sa.Integer, nullable=False),
        sa.Column("last_new", sa.Integer, nullable=False),
        sa.Column("health_alerted", sa.String(30)),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("canonical_url", sa.String(2000), nullable=False, unique=True),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("text", sa.Text),
        sa.Column("published_at", UTCDateTime()),
        sa.Column("updated_at", UTCDateTime()),
        sa.Column("fetched_at", UTCDateTime(), nullable=False),
        sa.Column("language", sa.String(20)),
        sa.Column("authors", sa.JSON, nullable=False),
        sa.Column("image", sa.Text),
        sa.Column("outlet", sa.String(300)),
        sa.Column("content_hash", sa.String(64)),
        sa.Column("signature", sa.LargeBinary),
        sa.Column("duplicate_of", sa.Integer, sa.ForeignKey("articles.id")),
        sa.Column("story_id", sa.Integer),
        sa.Column("similarity", sa.Float),
    )
    for column in ("source", "published_at", "fetched_at", "content_hash", "duplicate_of", "story_id"):
        op.create_index(f"ix_articles_{column}", "articles", [column])
    op.create_table(
        "matches",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("hits", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("article_id", "topic"),
    )
    op.create_index("ix_matches_topic", "matches", ["topic"])
    op.create_table(
        "lsh_bands",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.BigInteger, nullable=False),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    )
    op.create_index("ix_lsh_bands_key", "lsh_bands", ["key"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(300), nullable=False, unique=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("topic", sa.String(200)),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="SET NULL")),
        sa.Column("story_id", sa.Integer),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("digest_id", sa.Integer),
    )
    for column in ("topic", "story_id", "created_at", "digest_id"):
        op.create_index(f"ix_alerts_{column}", "alerts", [column])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("alert_id", sa.Integer, sa.ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("target", sa.String(64), nullable=False),
        sa.Column("target_label", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", UTCDateTime()),
        sa.Column("claimed_at", UTCDateTime()),
        sa.Column("sent_at", UTCDateTime()),
        sa.Column("error", sa.Text),
        sa.UniqueConstraint("alert_id", "target"),
    )
    op.create_index("ix_deliveries_status_next", "deliveries", ["status", "next_attempt_at"])
    op.create_table(
        "service_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pid", sa.Integer),
        sa.Column("host", sa.String(200)),
        sa.Column("started_at", UTCDateTime()),
        sa.Column("heartbeat_at", UTCDateTime()),
        sa.Column("last_cycle_at", UTCDateTime()),
        sa.Column("stopped_at", UTCDateTime()),
    )
    fulltext.create_index(op.get_bind())


def downgrade() -> None:
    fulltext.drop_index(op.get_bind())
    for table in ("service_state", "deliveries", "alerts", "lsh_bands", "matches", "articles", "sources"):
        op.drop_table(table)
