"""Saved reply templates staff send on a ticket.

Revision ID: 0005_reply_templates
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_reply_templates"
down_revision = "0002"


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


def downgrade() -> None:
    op.drop_table("reply_templates")
