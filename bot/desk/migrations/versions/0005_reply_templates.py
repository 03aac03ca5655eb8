"""Saved reply templates staff send on a ticket; an index finding the change of each note.

A note's change says whose it is (a staff `reply`, or an official's `message`), read with the
ticket's notes, so `changes.note_id` is indexed.

Revision ID: 0005_reply_templates
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_reply_templates"
down_revision = "0004_ratings"


def upgrade() -> None:
    op.create_table(
        "reply_templates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("author", sa.String(120), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_changes_note_id", "changes", ["note_id"])


def downgrade() -> None:
    op.drop_index("ix_changes_note_id", table_name="changes")
    op.drop_table("reply_templates")
