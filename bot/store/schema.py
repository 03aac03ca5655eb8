"""The tables the assistant owns. Alembic migrations in `migrations/` create and change them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

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

# Notices waiting for the local web and terminal chats to fetch (`bot.notify.local_inbox`).
# `buttons` is a JSON list of {title, payload}; a chat reads its sender's rows after the last id.
local_messages = Table(
    "local_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("recipient_id", String(128), nullable=False),
    Column("text", Text, nullable=False),
    Column("buttons", Text, nullable=False, default="[]"),
    Column("created_at", DateTime, nullable=False, default=datetime.utcnow),
    Index("ix_local_messages_recipient_id_id", "recipient_id", "id"),
)

# How far the notifier has read each change feed (`bot.notify.feed`): one row per feed.
feed_cursor = Table(
    "feed_cursor",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
    Column("updated_at", DateTime, nullable=False, default=datetime.utcnow),
)

# Updates a channel already handled (Telegram `update_id`, Zalo `msg_id`): inserting the pair
# is how a gateway claims an update, so a redelivered one is dropped even after a restart.
seen_updates = Table(
    "seen_updates",
    metadata,
    Column("channel", String(20), primary_key=True),
    Column("update_id", String(128), primary_key=True),
    Column("seen_at", DateTime, nullable=False, default=datetime.utcnow),
    Index("ix_seen_updates_seen_at", "seen_at"),
)

# A channel's current API token pair (Zalo's refresh token works once). `version` grows with each
# refresh, so a refresh stores its new pair only if no other process refreshed first.
channel_tokens = Table(
    "channel_tokens",
    metadata,
    Column("channel", String(20), primary_key=True),
    Column("access_token", Text, nullable=False),
    Column("refresh_token", Text, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime, nullable=False, default=datetime.utcnow),
)

# Who has talked to the assistant on a channel, for trainers' announcements: touched by the
# gateway on each message, `opted_out_at` set by /tatthongbao and cleared by /batthongbao.
audience = Table(
    "audience",
    metadata,
    Column("channel", String(20), primary_key=True),
    Column("recipient", String(128), primary_key=True),
    Column("first_seen", DateTime, nullable=False, default=datetime.utcnow),
    Column("last_seen", DateTime, nullable=False, default=datetime.utcnow),
    Column("opted_out_at", DateTime, nullable=True),
)

# Jobs only one process may do at a time (`bot.store.leases`): the notifier's sending, a Zalo
# token refresh. A committed row, never a lock held open: a holder that dies frees it by expiring.
leases = Table(
    "leases",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("holder", String(128), nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("term", Integer, nullable=False),
    Column("acquired_at", DateTime, nullable=False, default=datetime.utcnow),
)

# What became of each change-feed notice the notifier tried (`bot.notify.notices`): `sent` (so a
# crash before the cursor moves does not send it again), `failed` (tried again later) or
# `set_aside` (after too many attempts, kept for the operator). Sent rows behind the cursor go.
feed_notices = Table(
    "feed_notices",
    metadata,
    Column("feed", String(64), primary_key=True),
    Column("position", BigInteger, primary_key=True),
    Column("ticket_code", String(32), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", String(200), nullable=True),
    Column("next_attempt_at", DateTime, nullable=True),
    Column("updated_at", DateTime, nullable=False, default=datetime.utcnow),
    Index("ix_feed_notices_state", "state"),
)

# Each official's last interaction per channel (`bot.store.contacts`): what the channel allows
# now. `window_closed_at` is when the channel said the window had closed (Zalo -230) and
# `unreachable_at` when it said the official cannot be reached at all; an interaction after
# either opens them again.
contacts = Table(
    "contacts",
    metadata,
    Column("channel", String(20), primary_key=True),
    Column("recipient", String(128), primary_key=True),
    Column("last_interaction_at", DateTime, nullable=True),
    Column("window_closed_at", DateTime, nullable=True),
    Column("unreachable_at", DateTime, nullable=True),
    Column("unreachable_reason", String(32), nullable=True),
    Column("updated_at", DateTime, nullable=False, default=datetime.utcnow),
)

# Every notice for an official, kept until delivered (`bot.store.kept_notices`): its state, the
# parts already sent (never sent again), whether the "a reply is waiting" template went out.
# `key` names its source once ("desk:42" for the change feed's position 42).
kept_notices = Table(
    "kept_notices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(96), nullable=False, unique=True),
    Column("channel", String(20), nullable=False),
    Column("recipient", String(128), nullable=False),
    Column("ticket_code", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("short_text", Text, nullable=False),
    Column("parts_sent", Integer, nullable=False, default=0),
    Column("template_sent", Boolean, nullable=False, default=False),
    Column("state", String(16), nullable=False),
    Column("reason", String(32), nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime, nullable=True),
    Column("claimed_until", DateTime, nullable=True),
    Column("created_at", DateTime, nullable=False, default=datetime.utcnow),
    Column("updated_at", DateTime, nullable=False, default=datetime.utcnow),
    Index("ix_kept_notices_official", "channel", "recipient", "state"),
    Index("ix_kept_notices_state", "state"),
    Index("ix_kept_notices_ticket_code", "ticket_code"),
)

# The staff group's post of each ticket (`bot.channels.telegram.staff.board`), so what happens
# to the ticket later (a reply that cannot reach the official) is said under that post.
staff_posts = Table(
    "staff_posts",
    metadata,
    Column("ticket_code", String(32), primary_key=True),
    Column("chat_id", BigInteger, nullable=False),
    Column("message_id", BigInteger, nullable=False),
    Column("posted_at", DateTime, nullable=False, default=datetime.utcnow),
)

# Each escalation alert about a ticket (`bot.notify.escalations`): to whom, at which level, and
# whether it went out, so each is sent once, and one that fails is retried, then set aside.
escalation_alerts = Table(
    "escalation_alerts",
    metadata,
    Column("ticket_code", String(32), primary_key=True),
    Column("level", String(16), primary_key=True),
    Column("recipient", String(40), primary_key=True),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime, nullable=True),
    Column("updated_at", DateTime, nullable=False, default=datetime.utcnow),
    Index("ix_escalation_alerts_state", "state"),
)

# What the gateways share so any replica can take any message (`bot.store.shared_sql`), when
# no Redis is configured: values with an expiry (Zalo's numbered choices, Telegram's long button
# payloads, trainers' pending confirmations) and the web chat's token buckets (`tokens` as
# counted at `counted_at`). Times are seconds since 1970; expired rows are deleted as they go.
shared_state = Table(
    "shared_state",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("value", Text, nullable=True),
    Column("tokens", Float, nullable=True),
    Column("counted_at", Float, nullable=True),
    Column("expires_at", Float, nullable=False),
    Index("ix_shared_state_expires_at", "expires_at"),
)

# What trainers decided about the questions of the review queue (`bot.store.review_decisions`):
# one row per question (`question_key`, a hash of its normalised syllables) of the group acted
# on, so a decided question never comes back to the queue. `decision` is `attached` (its group
# became paraphrases of `article_id`), `new` (a new article) or `dismissed`; `kb_version` is the
# version published, `via` where the trainer clicked (desk, telegram).
review_decisions = Table(
    "review_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("question_key", String(64), nullable=False, index=True),
    Column("group_key", String(64), nullable=False, index=True),
    Column("representative", Text, nullable=False),
    Column("decision", String(16), nullable=False),
    Column("article_id", String(128), nullable=True),
    Column("kb_version", Integer, nullable=True),
    Column("acted_by", String(120), nullable=False),
    Column("via", String(16), nullable=False),
    Column("acted_at", DateTime, nullable=False, default=datetime.utcnow),
)
