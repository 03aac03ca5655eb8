"""Tickets, their notes, idempotency keys and the change feed.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(40), nullable=False, unique=True),
        sa.Column("summary", sa.String(300), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("search", sa.Text, nullable=False),
        sa.Column("unit", sa.String(200), nullable=False),
        sa.Column("requester_channel", sa.String(20), nullable=False),
        sa.Column("requester_id", sa.String(128), nullable=False),
        sa.Column("requester_name", sa.String(120)),
        sa.Column("phone", sa.String(10), nullable=False),
        sa.Column("software", sa.String(20), nullable=False),
        sa.Column("urgency", sa.String(16), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("deadline", sa.DateTime, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_tickets_status", "tickets", ["status"])
    op.create_index("ix_tickets_unit", "tickets", ["unit"])
    op.create_index("ix_tickets_software", "tickets", ["software"])
    op.create_index("ix_tickets_requester", "tickets", ["requester_channel", "requester_id"])
    op.create_index("ix_tickets_updated_at", "tickets", ["updated_at"])
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ticket_id", sa.Integer, sa.ForeignKey("tickets.id"), nullable=False),
        sa.Column("author", sa.String(120), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_notes_ticket_id", "notes", ["ticket_id"])
    op.create_table(
        "idempotency",
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("body_hash", sa.String(64), nullable=False),
        sa.Column("ticket_id", sa.Integer, sa.ForeignKey("tickets.id")),
    )
    op.create_table(
        "changes",
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("ticket_id", sa.Integer, sa.ForeignKey("tickets.id"), nullable=False),
        sa.Column("note_id", sa.Integer, sa.ForeignKey("notes.id")),
        sa.Column("status", sa.String(20)),
        sa.Column("author", sa.String(120)),
        sa.Column("at", sa.DateTime, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_changes_ticket_id", "changes", ["ticket_id"])


def downgrade() -> None:
    op.drop_table("changes")
    op.drop_table("idempotency")
    op.drop_table("notes")
    op.drop_table("tickets")
