"""The desk's tables. Alembic migrations in `migrations/` create and change them.

Two columns go beyond the contract's fields, each for a reason:
- `tickets.search` holds code, summary and content folded to lower case in Python, so `q` finds
  Vietnamese words whatever their case on SQLite and PostgreSQL alike (their own lower() only
  folds ASCII under some locales);
- `changes.author` keeps who changed a status, which the contract asks for but does not return.

Ratings (migration 0004_ratings) are the officials' 1 to 5 on a resolved or closed ticket, one
per ticket, with the staff member who finished it (`staff`, as the status change named them).

Staff accounts, their sessions and failed sign-ins are the staff page's own (migration 0002);
`notes.account_id` and `changes.account_id` say which account wrote a reply or changed a status
from the page (NULL for the API, whose callers name the author themselves).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# Room for the placeholder a new row holds until its id, and so its HT- code, is known.
CODE_LENGTH = 40
LOGIN_LENGTH = 64
NAME_LENGTH = 120  # as the API allows for `author`, which a display name becomes

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
    Column("article", String(100)),  # the article answered just before it (0004_ratings)
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
    Column("author", String(NAME_LENGTH), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("account_id", Integer),  # no foreign key: see migration 0002
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
    Column("note_id", Integer, ForeignKey("notes.id"), index=True),  # index: 0005
    Column("status", String(20)),
    Column("author", String(NAME_LENGTH)),
    Column("at", DateTime, nullable=False),
    Column("account_id", Integer),  # no foreign key: see migration 0002
    sqlite_autoincrement=True,  # positions only grow, or pollers would miss changes
)

staff_accounts = Table(
    "staff_accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("login", String(LOGIN_LENGTH), nullable=False, unique=True),
    Column("display_name", String(NAME_LENGTH), nullable=False),
    Column("role", String(20), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("disabled", Boolean, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_sign_in_at", DateTime),
    sqlite_autoincrement=True,  # an id in old notes never names a newer account
)

# A session is found by the SHA-256 of the id in its cookie: whoever reads this table (a backup,
# say) learns no cookie that would sign them in.
staff_sessions = Table(
    "staff_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("account_id", Integer, ForeignKey("staff_accounts.id"), nullable=False, index=True),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False, index=True),
)

# Failed sign-ins (and those under way) in the last window, by the name typed and the address.
sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("login", String(LOGIN_LENGTH), nullable=False),
    Column("address", String(64), nullable=False),
    Column("at", DateTime, nullable=False, index=True),
    Index("ix_sign_in_failures_login", "login", "at"),
    Index("ix_sign_in_failures_address", "address", "at"),
)

ratings = Table(
    "ratings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id"), nullable=False),
    Column("score", Integer, nullable=False),
    Column("comment", Text),
    Column("staff", String(NAME_LENGTH)),
    Column("rated_at", DateTime, nullable=False, index=True),
    UniqueConstraint("ticket_id", name="uq_ratings_ticket_id"),
    sqlite_autoincrement=True,
)

# Saved replies staff send on a ticket, with placeholders the ticket fills ({ten}, {ma_phieu}):
# managed on the page by supervisors and admins (migration 0005_reply_templates).
reply_templates = Table(
    "reply_templates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(NAME_LENGTH), nullable=False),
    Column("text", Text, nullable=False),
    Column("author", String(NAME_LENGTH), nullable=False),
    Column("updated_at", DateTime, nullable=False),
    sqlite_autoincrement=True,  # a number shown in the staff group never names another one
)
