"""Whether staff did anything an official was told of lately: the gateway's cheap first check.

Every staff reply and status change (a claim included) is kept for its official in
`kept_notices` by the notifier, so an official with no notice in the last hours has no ticket
staff are handling, and their message goes to the assistant without asking the desk. One
indexed read per message; the desk is asked only for the few officials this finds.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, bindparam, select
from sqlalchemy.engine import Engine
from sqlalchemy.sql import Select

from bot.store.schema import kept_notices


def recently_told(engine: Engine, channel: str, recipient: str, since: datetime) -> bool:
    """Whether the official on `channel` was sent a staff notice kept at `since` or later."""
    with engine.connect() as connection:
        found = connection.execute(
            _TOLD, {"told_channel": channel, "told_recipient": recipient, "told_since": since}
        )
        return found.first() is not None


def _told() -> Select:
    """`recently_told`'s query, built once: the gateway asks it on every message, and a query
    built anew costs SQLAlchemy its construction and cache key each time."""
    columns = kept_notices.c
    return (
        select(columns.id)
        .where(
            and_(
                columns.channel == bindparam("told_channel", type_=columns.channel.type),
                columns.recipient == bindparam("told_recipient", type_=columns.recipient.type),
                columns.created_at >= bindparam("told_since", type_=columns.created_at.type),
            )
        )
        .limit(1)
    )


_TOLD = _told()
