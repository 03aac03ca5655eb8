"""Escalation alerts: each alert about a waiting ticket, to the staff group or a supervisor.

Revision ID: 0009_escalation_alerts
Revises: 0007_reach
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_escalation_alerts"
down_revision = "0008_shared_state"


def upgrade() -> None:
    op.create_table(
        "escalation_alerts",
        sa.Column("ticket_code", sa.String(32), primary_key=True),
        sa.Column("level", sa.String(16), primary_key=True),
        sa.Column("recipient", sa.String(40), primary_key=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime, nullable=True),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_escalation_alerts_state", "escalation_alerts", ["state"])


def downgrade() -> None:
    op.drop_index("ix_escalation_alerts_state", table_name="escalation_alerts")
    op.drop_table("escalation_alerts")
