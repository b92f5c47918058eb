"""Cluster mode (`[cluster] broker`): the scheduler's leadership lease, the processes of the
cluster and when each was last seen, which source crawls are on the queue and which worker runs
them, and which worker claimed an alert delivery (so a dead worker's claims are sent again).

Revision ID: 0008_cluster
Revises: 0007_delivery_ids_and_crawls
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from newswatch.db.types import UTCDateTime

revision = "0008_cluster"
down_revision = "0007_delivery_ids_and_crawls"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cluster_leases",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("holder", sa.String(200), nullable=False),
        sa.Column("acquired_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "cluster_nodes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("host", sa.String(200), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("concurrency", sa.Integer(), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
        sa.Column("stopped_at", UTCDateTime(), nullable=True),
        sa.Column("lost", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_cluster_nodes_role_seen", "cluster_nodes", ["role", "seen_at"])
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("queued_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("claimed_by", sa.String(200), nullable=True))
    op.create_index("ix_sources_next_run_at", "sources", ["next_run_at"])
    op.create_index("ix_sources_claimed_by", "sources", ["claimed_by"])
    # deliveries.claimed_by came with 0007 (a sender's process); cluster mode looks claims up by it.
    op.create_index("ix_deliveries_claimed_by", "deliveries", ["claimed_by"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_claimed_by", table_name="deliveries")
    op.drop_index("ix_sources_claimed_by", table_name="sources")
    op.drop_index("ix_sources_next_run_at", table_name="sources")
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("claimed_by")
        batch.drop_column("queued_at")
    op.drop_index("ix_cluster_nodes_role_seen", table_name="cluster_nodes")
    op.drop_table("cluster_nodes")
    op.drop_table("cluster_leases")
