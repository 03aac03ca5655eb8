"""Trainers' decisions on the review queue's questions: attached, new article or dismissed.

Revision ID: 0012_review_queue
Revises: 0007_reach
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_review_queue"
down_revision = "0009_escalation_alerts"


def upgrade() -> None:
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("question_key", sa.String(64), nullable=False),
        sa.Column("group_key", sa.String(64), nullable=False),
        sa.Column("representative", sa.Text, nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("article_id", sa.String(128), nullable=True),
        sa.Column("kb_version", sa.Integer, nullable=True),
        sa.Column("acted_by", sa.String(120), nullable=False),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("acted_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_review_decisions_question_key", "review_decisions", ["question_key"])
    op.create_index("ix_review_decisions_group_key", "review_decisions", ["group_key"])


def downgrade() -> None:
    op.drop_index("ix_review_decisions_group_key", table_name="review_decisions")
    op.drop_index("ix_review_decisions_question_key", table_name="review_decisions")
    op.drop_table("review_decisions")
