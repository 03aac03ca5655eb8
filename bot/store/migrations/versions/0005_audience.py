"""Who has talked to the assistant on each channel, and who opted out of announcements.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_table(
        "audience",
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("recipient", sa.String(128), primary_key=True),
        sa.Column("first_seen", sa.DateTime, nullable=False),
        sa.Column("last_seen", sa.DateTime, nullable=False),
        sa.Column("opted_out_at", sa.DateTime, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("audience")
