"""What the channels keep: updates already handled, and a channel's API tokens.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "seen_updates",
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("update_id", sa.String(128), primary_key=True),
        sa.Column("seen_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_seen_updates_seen_at", "seen_updates", ["seen_at"])
    op.create_table(
        "channel_tokens",
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("access_token", sa.Text, nullable=False),
        sa.Column("refresh_token", sa.Text, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("channel_tokens")
    op.drop_index("ix_seen_updates_seen_at", table_name="seen_updates")
    op.drop_table("seen_updates")
