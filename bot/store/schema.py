"""The tables the assistant owns. Alembic migrations in `migrations/` create and change them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, DateTime, Integer, MetaData, String, Table

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
