"""The tables the assistant owns. Alembic migrations in `migrations/` create and change them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, DateTime, Integer, MetaData, String, Table, Text

metadata = MetaData()

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", String(128), nullable=False, index=True),
    Column("article_id", String(128), nullable=False, index=True),
    Column("helpful", Boolean, nullable=False),
    Column("created_at", DateTime, nullable=False, default=datetime.utcnow),
)

# Escalations the document system could not take yet (`bot.escalation.outbox`). `local_code`
# (CHO-000001) is derived from `id`, so it is written in the same transaction as the row.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("idempotency_key", String(128), nullable=False, unique=True),
    Column("local_code", String(16), nullable=True, unique=True),
    Column("payload", Text, nullable=False),
    Column("channel", String(20), nullable=False),
    Column("recipient_id", String(128), nullable=False),
    Column("status", String(16), nullable=False, index=True, default="pending"),
    Column("ticket_code", String(32), nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
    Column("created_at", DateTime, nullable=False, default=datetime.utcnow),
    Column("delivered_at", DateTime, nullable=True),
)
