"""What the gateways share so any replica can take any message, when no Redis is configured.

Revision ID: 0008_shared_state
Revises: 0007_reach
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_shared_state"
down_revision = "0007_reach"


def upgrade() -> None:
    op.create_table(
        "shared_state",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("value", sa.Text, nullable=True),
        sa.Column("tokens", sa.Float, nullable=True),
        sa.Column("counted_at", sa.Float, nullable=True),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_index("ix_shared_state_expires_at", "shared_state", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_shared_state_expires_at", table_name="shared_state")
    op.drop_table("shared_state")
