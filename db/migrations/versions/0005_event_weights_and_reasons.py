"""How many stored reports carry each event term (the story lookup weighs shared terms by their
rarity), why a matching article did not alert (shown by `newswatch show`), a source's recoverable
listing problem, and the service lease's owner (one scheduler per database).

Revision ID: 0005_event_weights_and_reasons
Revises: 0004_pending_pages
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_event_weights_and_reasons"
down_revision = "0004_pending_pages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "term_counts",
        sa.Column("term", sa.String(100), primary_key=True),
        sa.Column("reports", sa.Integer(), nullable=False),
    )
    op.add_column("articles", sa.Column("alert_note", sa.Text(), nullable=True))
    op.add_column("sources", sa.Column("warning", sa.Text(), nullable=True))
    op.add_column("service_state", sa.Column("owner", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("service_state") as batch:
        batch.drop_column("owner")
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("warning")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("alert_note")
    op.drop_table("term_counts")
