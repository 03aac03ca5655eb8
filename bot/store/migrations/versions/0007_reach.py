"""Each official's reach per channel, every notice kept until delivered, the staff's posts.

Revision ID: 0007_reach
Revises: 0006_delivery
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_reach"
down_revision = "0006_delivery"


def upgrade() -> None:
    op.create_table(
        "contacts",
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("recipient", sa.String(128), primary_key=True),
        sa.Column("last_interaction_at", sa.DateTime, nullable=True),
        sa.Column("window_closed_at", sa.DateTime, nullable=True),
        sa.Column("unreachable_at", sa.DateTime, nullable=True),
        sa.Column("unreachable_reason", sa.String(32), nullable=True),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    # Who wrote before this migration is known from the announcements' audience (its
    # `last_seen` is at most an hour behind): their window is not taken as closed.
    op.execute(
        "INSERT INTO contacts (channel, recipient, last_interaction_at, updated_at) "
        "SELECT channel, recipient, last_seen, last_seen FROM audience"
    )
    op.create_table(
        "kept_notices",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(96), nullable=False, unique=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("recipient", sa.String(128), nullable=False),
        sa.Column("ticket_code", sa.String(32), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("short_text", sa.Text, nullable=False),
        sa.Column("parts_sent", sa.Integer, nullable=False),
        sa.Column("template_sent", sa.Boolean, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(32), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime, nullable=True),
        sa.Column("claimed_until", sa.DateTime, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_kept_notices_official", "kept_notices", ["channel", "recipient", "state"])
    op.create_index("ix_kept_notices_state", "kept_notices", ["state"])
    op.create_index("ix_kept_notices_ticket_code", "kept_notices", ["ticket_code"])
    op.create_table(
        "staff_posts",
        sa.Column("ticket_code", sa.String(32), primary_key=True),
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.Column("message_id", sa.BigInteger, nullable=False),
        sa.Column("posted_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("staff_posts")
    op.drop_index("ix_kept_notices_ticket_code", table_name="kept_notices")
    op.drop_index("ix_kept_notices_state", table_name="kept_notices")
    op.drop_index("ix_kept_notices_official", table_name="kept_notices")
    op.drop_table("kept_notices")
    op.drop_table("contacts")
