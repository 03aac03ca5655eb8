"""Leases (one process at a time for a job) and the notifier's record of each feed notice.

Revision ID: 0006_delivery
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_delivery"
down_revision = "0005"


def upgrade() -> None:
    op.create_table(
        "leases",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("holder", sa.String(128), nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("term", sa.Integer, nullable=False),
        sa.Column("acquired_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "feed_notices",
        sa.Column("feed", sa.String(64), primary_key=True),
        sa.Column("position", sa.BigInteger, primary_key=True),
        sa.Column("ticket_code", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime, nullable=True),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_feed_notices_state", "feed_notices", ["state"])


def downgrade() -> None:
    op.drop_index("ix_feed_notices_state", table_name="feed_notices")
    op.drop_table("feed_notices")
    op.drop_table("leases")
