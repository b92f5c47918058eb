"""A stable id for every delivery, which each notification carries so a receiver can drop a repeat
(delivery is at least once); which process holds a delivery it is sending, so a claim whose
process died is taken back at once; and the crawls running now, so a second one can say so.

Revision ID: 0007_delivery_ids_and_crawls
Revises: 0004_pending_pages
Create Date: 2026-12-03
"""

import uuid

import sqlalchemy as sa
from alembic import op

from newswatch.db.types import UTCDateTime

revision = "0007_delivery_ids_and_crawls"
down_revision = "0006_feedback"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deliveries", sa.Column("uid", sa.String(36), nullable=True))
    op.add_column("deliveries", sa.Column("claimed_by", sa.String(300), nullable=True))
    deliveries = sa.table("deliveries", sa.column("id", sa.Integer), sa.column("uid", sa.String))
    conn = op.get_bind()
    ids = [row.id for row in conn.execute(sa.select(deliveries.c.id).where(deliveries.c.uid.is_(None)))]
    for delivery_id in ids:
        conn.execute(deliveries.update().where(deliveries.c.id == delivery_id).values(uid=str(uuid.uuid4())))
    op.create_index("ix_deliveries_uid", "deliveries", ["uid"], unique=True)
    op.create_table(
        "crawls",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner", sa.String(300), nullable=False),
        sa.Column("sources", sa.Text(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("crawls")
    op.drop_index("ix_deliveries_uid", table_name="deliveries")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("claimed_by")
        batch.drop_column("uid")
