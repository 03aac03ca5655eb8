"""Deleting what the assistant keeps about people once it is older than the retention period.

What goes, by the time it was last touched:
- conversations: every event of a sender (Rasa's `events` table) whose latest event is older
  than the cut-off; a sender who wrote since keeps the whole conversation;
- feedback votes, the local chats' waiting notices and the channels' seen update ids;
- audience rows of people who have not written since (an opt-out goes with its row: whoever
  writes again is a new member of the audience);
- outbox rows delivered before then (pending and refused rows wait for someone to act);
- escalation alerts settled before then (sent or set aside), and trainers' decisions on the
  review queue, which quote an official's question.
Kept: the notifier's feed cursors and the channel tokens, which are about no one.

Why it looks like this:
- Rasa's conversations are deleted a few senders per transaction: Rasa keeps writing to the
  same database, and a SQLite writer waits (up to its busy timeout) while another writes. A
  sender is checked again in the deleting transaction, so one who wrote meanwhile is kept.
- Conversations are read from the table directly, as the report does, not through Rasa.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from pydantic import validator
from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    func,
    inspect,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ColumnElement

from bot.settings import HelpdeskSettings, positive
from bot.store.escalation_alerts import SENT, SET_ASIDE
from bot.store.schema import (
    audience,
    contacts,
    escalation_alerts,
    feedback,
    kept_notices,
    local_messages,
    outbox,
    review_decisions,
    seen_updates,
)

# The outbox's state of a delivered row (`bot.escalation.outbox.DELIVERED`, a package above).
DELIVERED = "delivered"
# The kept notices' settled states (`bot.store.kept_notices`): waiting ones stay, like the
# outbox's pending rows, until they reach the official.
SETTLED = ("sent", "unreachable", "failed")
# The escalation alerts' settled states: a failed one is still retried.
ALERTS_SETTLED = (SENT, SET_ASIDE)
# Senders whose conversations go in one transaction.
_SENDERS_AT_ONCE = 100

_events = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("timestamp", Float),
)


@dataclass(frozen=True)
class Removed:
    """How many rows of `table` went (or, in a dry run, would go); `senders` for conversations."""

    table: str
    rows: int
    senders: int = 0


def _naive_utc(moment: datetime) -> datetime:
    """`moment` as the store's columns hold time: UTC without a zone."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _conditions(cutoff: datetime) -> list[tuple[Table, ColumnElement[bool]]]:
    """Each of the store's tables with the rows that are older than `cutoff`."""
    before = _naive_utc(cutoff)
    return [
        (feedback, feedback.c.created_at < before),
        (local_messages, local_messages.c.created_at < before),
        (seen_updates, seen_updates.c.seen_at < before),
        (audience, audience.c.last_seen < before),
        (outbox, (outbox.c.status == DELIVERED) & (outbox.c.delivered_at < before)),
        (kept_notices, kept_notices.c.state.in_(SETTLED) & (kept_notices.c.updated_at < before)),
        (contacts, contacts.c.updated_at < before),
        (
            escalation_alerts,
            escalation_alerts.c.state.in_(ALERTS_SETTLED)
            & (escalation_alerts.c.updated_at < before),
        ),
        (review_decisions, review_decisions.c.acted_at < before),
    ]


def purge_store(engine: Engine, cutoff: datetime, *, dry_run: bool = False) -> list[Removed]:
    """Delete the store's rows older than `cutoff` (an aware time); count them only if `dry_run`."""
    removed = []
    for table, older in _conditions(cutoff):
        if dry_run:
            with engine.connect() as connection:
                count = select(func.count()).select_from(table).where(older)
                rows = int(connection.execute(count).scalar_one())
        else:
            with engine.begin() as connection:
                rows = int(connection.execute(delete(table).where(older)).rowcount)
        removed.append(Removed(table.name, rows))
    return removed


def purge_conversations(engine: Engine, cutoff: datetime, *, dry_run: bool = False) -> Removed:
    """Delete the events of every sender silent since `cutoff`; count them only if `dry_run`."""
    if not inspect(engine).has_table(_events.name):
        return Removed(_events.name, 0)
    moment = cutoff.timestamp()
    with engine.connect() as connection:
        silent = (
            select(_events.c.sender_id)
            .group_by(_events.c.sender_id)
            .having(func.max(_events.c.timestamp) < moment)
        )
        senders = [str(sender) for sender in connection.execute(silent).scalars()]
        if dry_run:
            count = select(func.count()).where(_events.c.sender_id.in_(silent.scalar_subquery()))
            return Removed(_events.name, int(connection.execute(count).scalar_one()), len(senders))
    rows = 0
    for group in _groups(senders, _SENDERS_AT_ONCE):
        recent = select(_events.c.sender_id).where(
            _events.c.sender_id.in_(group), _events.c.timestamp >= moment
        )
        with engine.begin() as connection:
            gone = connection.execute(
                delete(_events).where(
                    _events.c.sender_id.in_(group), _events.c.sender_id.not_in(recent)
                )
            )
            rows += int(gone.rowcount)
    return Removed(_events.name, rows, len(senders))


def _groups(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class RetentionSettings(HelpdeskSettings):
    """How long the assistant keeps personal data: HELPDESK_RETENTION_DAYS, a year unless set."""

    retention_days: int = 365

    _positive_days = validator("retention_days", allow_reuse=True)(positive)
