"""Article pages that failed or were left for a later cycle, so that they are fetched again
whatever the listing answers (a 304 must not hide them) or, when they failed for good, never.

Revision ID: 0004_pending_pages
Revises: 0003_event_terms
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from newswatch.db.types import UTCDateTime

revision = "0004_pending_pages"
down_revision = "0003_event_terms"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_pages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("key", sa.String(2000), nullable=False, unique=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("entry", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.Column("last_attempt_at", UTCDateTime(), nullable=True),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_pending_pages_due", "pending_pages", ["source", "status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_pending_pages_due", table_name="pending_pages")
    op.drop_table("pending_pages")
