"""Each original report's event profile (headline words and key terms), stored with it: the story
lookup reads it for its few hundred candidates instead of recomputing it from their texts in every
crawl cycle. Rows stored before this revision keep NULL and are profiled from their text.

Revision ID: 0003_event_terms
Revises: 0002_listing_indexes
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_event_terms"
down_revision = "0002_listing_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("event_terms", sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("event_terms")
