"""Notices for the local chats and the change-feed cursor of the notifier.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_table(
        "local_messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("recipient_id", sa.String(128), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("buttons", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_local_messages_recipient_id_id", "local_messages", ["recipient_id", "id"])
    op.create_table(
        "feed_cursor",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("position", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("feed_cursor")
    op.drop_index("ix_local_messages_recipient_id_id", table_name="local_messages")
    op.drop_table("local_messages")
