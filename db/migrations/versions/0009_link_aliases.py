"""Listing links that lead to a stored article under another URL (a redirect, a canonical URL of
its own), so a listing that names them every cycle does not fetch them again.

Revision ID: 0009_link_aliases
Revises: 0008_cluster
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from newswatch.db.types import UTCDateTime

revision = "0009_link_aliases"
down_revision = "0008_cluster"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_aliases",
        sa.Column("url", sa.String(2000), primary_key=True),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_link_aliases_article_id", "link_aliases", ["article_id"])


def downgrade() -> None:
    op.drop_index("ix_link_aliases_article_id", table_name="link_aliases")
    op.drop_table("link_aliases")
