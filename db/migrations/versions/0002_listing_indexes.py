"""Indexes for reading articles in the order they are used: newest first for listings
(published, else fetched; then id), and the story lookup's window of recent originals read from
an index alone (it replaces the plain index on duplicate_of, which it leads with).

Revision ID: 0002_listing_indexes
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_listing_indexes"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_articles_newest", "articles", [sa.text("coalesce(published_at, fetched_at)"), "id"])
    op.create_index(
        "ix_articles_story_window", "articles", ["duplicate_of", "id", "fetched_at", "published_at", "story_id"]
    )
    op.drop_index("ix_articles_duplicate_of", table_name="articles")


def downgrade() -> None:
    op.create_index("ix_articles_duplicate_of", "articles", ["duplicate_of"])
    op.drop_index("ix_articles_story_window", table_name="articles")
    op.drop_index("ix_articles_newest", table_name="articles")
