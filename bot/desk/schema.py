"""The desk's tables. Alembic migrations in `migrations/` create and change them.

Two columns go beyond the contract's fields, each for a reason:
- `tickets.search` holds code, summary and content folded to lower case in Python, so `q` finds
  Vietnamese words whatever their case on SQLite and PostgreSQL alike (their own lower() only
  folds ASCII under some locales);
- `changes.author` keeps who changed a status, which the contract asks for but does not return.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

# Room for the placeholder a new row holds until its id, and so its HT- code, is known.
CODE_LENGTH = 40

tickets = Table(
    "tickets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(CODE_LENGTH), nullable=False, unique=True),
    Column("summary", String(300), nullable=False),
    Column("content", Text, nullable=False),
    Column("search", Text, nullable=False),
    Column("unit", String(200), nullable=False),
    Column("requester_channel", String(20), nullable=False),
    Column("requester_id", String(128), nullable=False),
    Column("requester_name", String(120)),
    Column("phone", String(10), nullable=False),
    Column("software", String(20), nullable=False),
    Column("urgency", String(16), nullable=False),
    Column("status", String(20), nullable=False),
    Column("deadline", DateTime, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Index("ix_tickets_status", "status"),
    Index("ix_tickets_unit", "unit"),
    Index("ix_tickets_software", "software"),
    Index("ix_tickets_requester", "requester_channel", "requester_id"),
    Index("ix_tickets_updated_at", "updated_at"),
    sqlite_autoincrement=True,  # ids, and so codes, are never reused
)

notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id"), nullable=False, index=True),
    Column("author", String(120), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    sqlite_autoincrement=True,
)

idempotency = Table(
    "idempotency",
    metadata,
    Column("key", String(128), primary_key=True),
    Column("body_hash", String(64), nullable=False),
    Column("ticket_id", Integer, ForeignKey("tickets.id")),
)

changes = Table(
    "changes",
    metadata,
    Column("position", Integer, primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("ticket_id", Integer, ForeignKey("tickets.id"), nullable=False, index=True),
    Column("note_id", Integer, ForeignKey("notes.id")),
    Column("status", String(20)),
    Column("author", String(120)),
    Column("at", DateTime, nullable=False),
    sqlite_autoincrement=True,  # positions only grow, or pollers would miss changes
)
