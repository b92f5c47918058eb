"""Feedback on topic matches: relevant or not, one verdict per article and topic. And an index
that lists stories newest first without reading the article rows (the web view's front page).

Revision ID: 0006_feedback
Revises: 0004_pending_pages
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from newswatch.db.types import UTCDateTime

revision = "0006_feedback"
down_revision = "0005_event_weights_and_reasons"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("relevant", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("article_id", "topic"),
    )
    op.create_index("ix_feedback_topic", "feedback", ["topic"])
    op.create_index("ix_articles_fetched_story", "articles", ["fetched_at", "story_id", "source"])


def downgrade() -> None:
    op.drop_index("ix_articles_fetched_story", table_name="articles")
    op.drop_index("ix_feedback_topic", table_name="feedback")
    op.drop_table("feedback")
