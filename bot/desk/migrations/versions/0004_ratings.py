"""Officials' ratings of their finished tickets, and the article answered before each ticket.

Revision ID: 0004_ratings
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_ratings"
down_revision = "0002"


def upgrade() -> None:
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ticket_id", sa.Integer, sa.ForeignKey("tickets.id"), nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("staff", sa.String(120)),
        sa.Column("rated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("ticket_id", name="uq_ratings_ticket_id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_ratings_rated_at", "ratings", ["rated_at"])
    # Nullable: tickets opened before, or without an answer before them, have none.
    op.add_column("tickets", sa.Column("article", sa.String(100)))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as tickets:
        tickets.drop_column("article")
    op.drop_table("ratings")
